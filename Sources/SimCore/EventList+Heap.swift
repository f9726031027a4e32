/// The default event list: an implicit binary min-heap in a contiguous array, with lazy cancellation.
///
/// Sifting moves a hole rather than swapping (Knuth, TAOCP vol. 3, §5.2.3), as the C baseline does. Cancelled
/// events stay in the heap and are skipped when they reach the top; the set of cancelled sequences holds only
/// events that are still in the heap, so memory stays O(pending events).
public struct HeapEventList<Payload>: EventList {
    @usableFromInline var heap: [ScheduledEvent<Payload>] = []
    @usableFromInline var nextSequence: UInt64 = 0
    @usableFromInline var cancelled: Set<UInt64> = []

    public init() { heap.reserveCapacity(64) }

    /// - Complexity: O(1).
    @inlinable public var count: Int { heap.count - cancelled.count }

    /// - Complexity: O(log n).
    @inlinable @discardableResult
    public mutating func schedule(at time: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(!time.isNaN, "event time is NaN")
        let seq = nextSequence
        nextSequence &+= 1
        let e = ScheduledEvent(time: time, key: ScheduledEvent<Payload>.makeKey(priority, seq), payload: payload)
        heap.append(e)
        heap.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) >> 1
                if !e.precedes(h[parent]) { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
        return EventID(sequence: seq)
    }

    /// Cancels a pending event.
    ///
    /// Contract: `id` must name an event that has not run yet (the usual pattern: a model keeps the id of a
    /// timeout and cancels it when something else happens first). Debug builds check it with an O(n) scan.
    /// - Complexity: O(1) expected; the event is dropped when it reaches the top.
    @inlinable @discardableResult
    public mutating func cancel(_ id: EventID) -> Bool {
        assert(heap.contains(where: { $0.key & 0x00FF_FFFF_FFFF_FFFF == id.sequence }),
               "cancel(): event \(id.sequence) is not pending (already ran?)")
        return cancelled.insert(id.sequence).inserted
    }

    /// - Complexity: O(log n) amortised.
    @inlinable
    public mutating func popNext() -> ScheduledEvent<Payload>? {
        while let top = popTop() {
            if cancelled.isEmpty || cancelled.remove(top.key & 0x00FF_FFFF_FFFF_FFFF) == nil { return top }
        }
        return nil
    }

    @inlinable
    public mutating func nextTime() -> SimTime? {
        while let top = heap.first {
            if cancelled.isEmpty || !cancelled.contains(top.key & 0x00FF_FFFF_FFFF_FFFF) { return top.time }
            _ = popNext()
        }
        return nil
    }

    public mutating func removeAll() {
        heap.removeAll(keepingCapacity: true)
        cancelled.removeAll()
    }

    @inlinable
    mutating func popTop() -> ScheduledEvent<Payload>? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        return heap.withUnsafeMutableBufferPointer { h -> ScheduledEvent<Payload> in
            let top = h[0]
            let n = h.count
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let m = (r < n && h[r].precedes(h[l])) ? r : l
                if !h[m].precedes(last) { break }
                h[i] = h[m]
                i = m
            }
            h[i] = last
            return top
        }
    }
}

/// The default event list: an implicit binary min-heap in contiguous memory, with lazy cancellation.
///
/// Sifting moves a hole rather than swapping (Knuth, TAOCP vol. 3, §5.2.3), as the C baseline does. Cancelled
/// events stay in the heap and are skipped when they reach the top; the set of cancelled sequences holds only
/// events still in the heap, so memory stays O(pending events).
///
/// A class, not a struct: an event list has one owner (its `Simulator`), and reference semantics spare the
/// hot path the copy-on-write uniqueness checks an array would make on every push and pop.
public final class HeapEventList<Payload>: EventList {
    @exclusivity(unchecked) @usableFromInline var heap = _UnsafeSlots<ScheduledEvent<Payload>>(capacity: 64)
    @exclusivity(unchecked) @usableFromInline var nextSequence: UInt64 = 0
    @exclusivity(unchecked) @usableFromInline var cancelled: Set<UInt64> = []

    public init() {}
    deinit { heap.deallocate() }

    /// - Complexity: O(1).
    @inlinable public var count: Int { heap.count - cancelled.count }

    /// - Complexity: O(log n).
    @inlinable @discardableResult
    public func schedule(at time: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(!time.isNaN, "event time is NaN")
        let seq = nextSequence
        nextSequence &+= 1
        let e = ScheduledEvent(time: time, key: ScheduledEvent<Payload>.makeKey(priority, seq), payload: payload)
        if heap.count == heap.capacity { heap.grow() }
        let h = heap.base
        var i = heap.count
        heap.count &+= 1
        while i > 0 {
            let parent = (i &- 1) >> 1
            if !e.precedes(h[parent]) { break }
            (h + i).moveInitialize(from: h + parent, count: 1)
            i = parent
        }
        (h + i).initialize(to: e)
        return EventID(sequence: seq)
    }

    /// Cancels a pending event.
    ///
    /// Contract: `id` must name an event that has not run yet (the usual pattern: a model keeps the id of a
    /// timeout and cancels it when something else happens first). Debug builds check it with an O(n) scan.
    /// - Complexity: O(1) expected; the event is dropped when it reaches the top.
    @inlinable @discardableResult
    public func cancel(_ id: EventID) -> Bool {
        assert((0..<heap.count).contains { heap[$0].key & 0x00FF_FFFF_FFFF_FFFF == id.sequence },
               "cancel(): event \(id.sequence) is not pending (already ran?)")
        return cancelled.insert(id.sequence).inserted
    }

    /// - Complexity: O(log n) amortised.
    @inlinable
    public func popNext() -> ScheduledEvent<Payload>? { popNext(notAfter: .infinity) }

    /// Takes the first event if it is not after `end`.
    /// - Complexity: O(log n) amortised.
    @inlinable
    public func popNext(notAfter end: SimTime) -> ScheduledEvent<Payload>? {
        while heap.count > 0 && heap[0].time <= end {
            let top = popTop()
            if cancelled.isEmpty || cancelled.remove(top.key & 0x00FF_FFFF_FFFF_FFFF) == nil { return top }
        }
        return nil
    }

    @inlinable
    public func nextTime() -> SimTime? {
        while heap.count > 0 {
            let top = heap[0]
            let sequence = top.key & 0x00FF_FFFF_FFFF_FFFF
            if cancelled.isEmpty || !cancelled.contains(sequence) { return top.time }
            // Drop the cancelled head only (popNext() would also take the live event behind it).
            _ = popTop()
            cancelled.remove(sequence)
        }
        return nil
    }

    public func removeAll() {
        heap.removeAll()
        cancelled.removeAll()
    }

    /// Removes and returns the root (the heap is not empty): the last element fills the hole at the top and
    /// is sifted down.
    @inlinable
    func popTop() -> ScheduledEvent<Payload> {
        let h = heap.base
        let n = heap.count &- 1
        heap.count = n
        let top = h.move()
        if n == 0 { return top }
        let last = (h + n).move()
        var i = 0
        while true {
            let l = 2 &* i &+ 1
            if l >= n { break }
            let r = l &+ 1
            let m = (r < n && h[r].precedes(h[l])) ? r : l
            if !h[m].precedes(last) { break }
            (h + i).moveInitialize(from: h + m, count: 1)
            i = m
        }
        (h + i).initialize(to: last)
        return top
    }
}

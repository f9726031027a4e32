/// The default event list: an implicit binary min-heap in contiguous memory, with lazy cancellation.
///
/// Sifting moves a hole rather than swapping (Knuth, TAOCP vol. 3, §5.2.3); deletion is bottom-up (Floyd). Cancelled
/// events stay in the heap and are skipped when they reach the top; the set of cancelled sequences holds only
/// events still in the heap, so memory stays O(pending events).
///
/// A class, not a struct: an event list has one owner (its `Simulator`), and reference semantics spare the
/// hot path the copy-on-write uniqueness checks an array would make on every push and pop.
public final class HeapEventList<Payload>: EventList {
    @exclusivity(unchecked) @usableFromInline var heap = _UnsafeSlots<ScheduledEvent<Payload>>(capacity: 64)
    @exclusivity(unchecked) @usableFromInline var nextSequence: UInt64 = 0
    @exclusivity(unchecked) @usableFromInline var cancelled: Set<UInt64> = []
    /// `cancelled.count`, kept as a plain integer so the hot path does not touch the set when it is empty.
    @exclusivity(unchecked) @usableFromInline var cancelledCount = 0

    public init() {}
    deinit { heap.deallocate() }

    /// - Complexity: O(1).
    @inlinable public var count: Int { heap.count - cancelledCount }

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
        guard cancelled.insert(id.sequence).inserted else { return false }
        cancelledCount += 1
        return true
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
            if cancelledCount == 0 || !dropIfCancelled(top.key) { return top }
        }
        return nil
    }

    @inlinable
    public func nextTime() -> SimTime? {
        while heap.count > 0 {
            let top = heap[0]
            if cancelledCount == 0 || !cancelled.contains(top.key & 0x00FF_FFFF_FFFF_FFFF) { return top.time }
            // Drop the cancelled head only (popNext() would also take the live event behind it).
            _ = dropIfCancelled(popTop().key)
        }
        return nil
    }

    public func removeAll() {
        heap.removeAll()
        cancelled.removeAll()
        cancelledCount = 0
    }

    /// Forgets the cancellation of the event with this key, if it was cancelled; returns whether it was.
    @usableFromInline func dropIfCancelled(_ key: UInt64) -> Bool {
        guard cancelled.remove(key & 0x00FF_FFFF_FFFF_FFFF) != nil else { return false }
        cancelledCount -= 1
        return true
    }

    /// Removes and returns the root (the heap is not empty).
    ///
    /// Floyd's bottom-up deletion (Knuth, TAOCP vol. 3, §5.2.3, exercise 18; Wegener 1993): the hole at the top
    /// descends along the smaller child to a leaf with one comparison per level, then the last element, which
    /// is usually late, sifts up from there a step or two. Half the comparisons of the textbook sift-down,
    /// and those saved are the ones the branch predictor gets wrong.
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
            (h + i).moveInitialize(from: h + m, count: 1)
            i = m
        }
        while i > 0 {
            let parent = (i &- 1) >> 1
            if !last.precedes(h[parent]) { break }
            (h + i).moveInitialize(from: h + parent, count: 1)
            i = parent
        }
        (h + i).initialize(to: last)
        return top
    }
}

/// A simple event list kept sorted in descending order, so the next event is at the end.
///
/// O(n) insertion: the oracle the heap is tested against, and adequate for models with a handful of pending
/// events.
public struct SortedArrayEventList<Payload>: EventList {
    var items: [ScheduledEvent<Payload>] = []
    var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { items.count }

    /// - Complexity: O(n).
    @discardableResult
    public mutating func schedule(at time: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(!time.isNaN, "event time is NaN")
        let seq = nextSequence
        nextSequence += 1
        let e = ScheduledEvent(time: time, key: ScheduledEvent<Payload>.makeKey(priority, seq), payload: payload)
        // Binary search for the first index whose event comes before e (descending order).
        var lo = 0, hi = items.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid].precedes(e) { hi = mid } else { lo = mid + 1 }
        }
        items.insert(e, at: lo)
        return EventID(sequence: seq)
    }

    /// - Complexity: O(n).
    @discardableResult
    public mutating func cancel(_ id: EventID) -> Bool {
        guard let i = items.firstIndex(where: { $0.id == id }) else { return false }
        items.remove(at: i)
        return true
    }

    public mutating func popNext() -> ScheduledEvent<Payload>? { items.popLast() }
    public mutating func nextTime() -> SimTime? { items.last?.time }
    public mutating func removeAll() { items.removeAll() }
}

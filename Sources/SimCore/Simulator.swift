/// Why a run returned.
public enum RunOutcome: Equatable, Sendable {
    /// The next event lies after the end time; the clock now reads the end time.
    case reachedEnd
    /// No events were left.
    case exhausted
    /// `stop()` was called by a handler.
    case stopped
}

/// The clock, the future event list and the run loop. Knows nothing of what events mean.
///
/// The model owns a simulator, schedules payloads on it and handles them in the closure given to `run`.
/// `List` is the event-list implementation; `HeapEventList` unless a benchmark says otherwise.
///
/// A simulator belongs to one replication on one thread. Its hot stored properties opt out of Swift's
/// dynamic exclusivity checks (`@exclusivity(unchecked)`): every access is a short, non-overlapping read or
/// write inside this file, and the checks cost more than the event list itself (docs/design-decisions.md).
public final class Simulator<List: EventList> {
    public typealias Payload = List.Payload

    /// The current time. Never goes back.
    public var now: SimTime { _now }
    @exclusivity(unchecked) @usableFromInline var _now: SimTime = 0
    @exclusivity(unchecked) @usableFromInline var events: List
    @exclusivity(unchecked) @usableFromInline var stopRequested = false
    /// Events handled since the simulator was made.
    public var eventsHandled: Int { _eventsHandled }
    @exclusivity(unchecked) @usableFromInline var _eventsHandled: Int = 0

    public init(startTime: SimTime = 0) {
        self._now = startTime
        self.events = List()
    }

    /// Events still to come.
    public var pendingEvents: Int { events.count }

    /// Schedules `payload` to happen `delay` after now.
    /// - Complexity: that of the event list, O(log n) for the heap.
    @inlinable @discardableResult
    public func schedule(after delay: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(delay >= 0, "cannot schedule into the past (delay \(delay))")
        return events.schedule(at: now + delay, priority: priority, payload)
    }

    /// Schedules `payload` `delay` after now, where `delay` is the same for every event scheduled this way (a
    /// follow-up at a fixed interval): the event list may keep these in a FIFO (`EventList.scheduleOrdered`).
    /// The order of events is the same as with `schedule(after:priority:_:)`.
    /// - Complexity: O(1) with the heap's lane when the events come in order, else that of `schedule`.
    @inlinable @discardableResult
    public func scheduleOrdered(after delay: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(delay >= 0, "cannot schedule into the past (delay \(delay))")
        return events.scheduleOrdered(at: now + delay, priority: priority, payload)
    }

    /// Schedules `payload` at the absolute time `time` (not before now).
    @inlinable @discardableResult
    public func schedule(at time: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(time >= now, "cannot schedule into the past (\(time) < now \(now))")
        return events.schedule(at: time, priority: priority, payload)
    }

    /// Cancels a pending event (see `EventList.cancel`).
    @inlinable @discardableResult
    public func cancel(_ id: EventID) -> Bool { events.cancel(id) }

    /// Asks the running loop to return after the current event.
    public func stop() { stopRequested = true }

    /// Handles events in order until the next one is after `end`, none are left, or `stop()` is called.
    ///
    /// When the end is reached the clock is advanced to `end`, so statistics can be closed there.
    /// - Complexity: O(log n) per event with the heap.
    @inlinable @discardableResult
    public func run(until end: SimTime = .infinity, _ handle: (Payload) -> Void) -> RunOutcome {
        stopRequested = false
        while let e = events.popNext(notAfter: end) {
            _now = e.time
            _eventsHandled &+= 1
            handle(e.payload)
            if stopRequested { return .stopped }
        }
        if events.count == 0 { return .exhausted }
        if end > _now { _now = end }  // never backwards, even if asked to run until the past
        return .reachedEnd
    }

    /// Drops every pending event and sets the clock back to `time` (for reusing one simulator).
    public func reset(to time: SimTime = 0) {
        events.removeAll()
        _now = time
        _eventsHandled = 0
    }
}

extension Simulator {
    /// Turns on the heap's buckets for events due from the next multiple of `width` on (see `HeapEventList`): for
    /// a model whose events are mostly scheduled minutes to days ahead. Call it before scheduling anything.
    public func bucketFutureEvents<P>(width: SimTime, count: Int) where List == HeapEventList<P> {
        events.bucketFutureEvents(width: width, count: count, from: now)
    }
}

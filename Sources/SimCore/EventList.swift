/// Identifies a scheduled event, for cancellation. Unique within one event list.
public struct EventID: Hashable, Sendable {
    @usableFromInline let sequence: UInt64
    @inlinable init(sequence: UInt64) { self.sequence = sequence }
}

/// An event taken from an event list.
public struct ScheduledEvent<Payload> {
    /// The (time, priority, sequence) order as one unsigned 128-bit integer, so that comparing two events is one
    /// integer comparison without branches: the time's bits, mapped so that unsigned order is numeric order, in
    /// the high 64 bits, and the key (priority in the top 8 bits, insertion sequence in the low 56) below.
    @usableFromInline var order: UInt128
    public var payload: Payload

    @inlinable init(time: SimTime, key: UInt64, payload: Payload) {
        self.order = UInt128(Self.orderBits(time)) << 64 | UInt128(key)
        self.payload = payload
    }

    @inlinable static func makeKey(_ priority: EventPriority, _ sequence: UInt64) -> UInt64 {
        UInt64(priority.rawValue) << 56 | sequence
    }

    /// A double's bits mapped so that unsigned integer order is the numeric order (not NaN; -0 is taken as +0,
    /// which it equals): positive numbers get the sign bit set, negative ones are complemented.
    @inlinable static func orderBits(_ t: SimTime) -> UInt64 {
        let b = (t + 0.0).bitPattern
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }

    @inlinable public var time: SimTime {
        let b = UInt64(truncatingIfNeeded: order >> 64)
        return SimTime(bitPattern: b & (1 << 63) != 0 ? b & ~(1 << 63) : ~b)
    }

    @inlinable var key: UInt64 { UInt64(truncatingIfNeeded: order) }

    public var priority: EventPriority { EventPriority(rawValue: UInt8(key >> 56)) }
    public var id: EventID { EventID(sequence: key & 0x00FF_FFFF_FFFF_FFFF) }

    /// Strict total order: time, then priority, then insertion sequence.
    @inlinable func precedes(_ other: ScheduledEvent) -> Bool { order < other.order }
}

/// The future event list: what happens next, in (time, priority, sequence) order.
///
/// One small interface with several implementations (as ns-3's `Scheduler`), all run through the same tests:
///
/// | implementation         | schedule   | pop        | cancel              | use                          |
/// |------------------------|------------|------------|---------------------|------------------------------|
/// | `HeapEventList`        | O(log n)   | O(log n)   | O(1), lazy          | the default; O(1) for events |
/// |                        |            |            |                     | `scheduleOrdered` in order   |
/// | `SortedArrayEventList` | O(n)       | O(1)       | O(n)                | the test oracle; tiny models |
public protocol EventList {
    associatedtype Payload
    init()
    /// Events scheduled and neither taken nor cancelled.
    var count: Int { get }
    /// Adds an event.
    mutating func schedule(at time: SimTime, priority: EventPriority, _ payload: Payload) -> EventID
    /// Adds an event expected to come after every event added this way before it (one fixed delay from now): an
    /// implementation may keep such events apart (`HeapEventList`'s lane). Orders exactly as `schedule`.
    mutating func scheduleOrdered(at time: SimTime, priority: EventPriority, _ payload: Payload) -> EventID
    /// Removes the event `id` if it is still pending; returns whether it was.
    @discardableResult mutating func cancel(_ id: EventID) -> Bool
    /// Takes the first event, or nil if there is none.
    mutating func popNext() -> ScheduledEvent<Payload>?
    /// Takes the first event if its time is not after `end`; nil if there is none or it is later.
    mutating func popNext(notAfter end: SimTime) -> ScheduledEvent<Payload>?
    /// The time of the first pending event.
    mutating func nextTime() -> SimTime?
    /// Drops every pending event (sequence numbers keep counting).
    mutating func removeAll()
}

extension EventList {
    /// Default: `schedule`.
    @inlinable
    public mutating func scheduleOrdered(at time: SimTime, priority: EventPriority, _ payload: Payload) -> EventID {
        schedule(at: time, priority: priority, payload)
    }

    /// Default: `nextTime()` then `popNext()`.
    @inlinable
    public mutating func popNext(notAfter end: SimTime) -> ScheduledEvent<Payload>? {
        guard let t = nextTime(), t <= end else { return nil }
        return popNext()
    }
}

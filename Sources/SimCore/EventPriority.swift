/// The tie-breaker between events at the same time: lower runs first.
///
/// Events are totally ordered by (time, priority, insertion sequence), as in SimPy. Priorities are named
/// constants, never bare numbers at call sites (simmer's `PRIORITY_RELEASE` habit); a model may define more
/// with `EventPriority(rawValue:)`.
public struct EventPriority: RawRepresentable, Comparable, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Capacity changes from schedules: a bed that opens at 08:00 is there for the 08:00 arrival.
    public static let capacityChange = EventPriority(rawValue: 16)
    /// Releases and departures: a place freed at t can be taken by a request at t.
    public static let release = EventPriority(rawValue: 32)
    /// Ordinary events.
    public static let normal = EventPriority(rawValue: 64)
    /// Arrivals of new entities.
    public static let arrival = EventPriority(rawValue: 96)
    /// Statistics snapshots and audits: they see the state after everything else at that time.
    public static let audit = EventPriority(rawValue: 224)
    /// Stop requests scheduled in advance.
    public static let stop = EventPriority(rawValue: 255)

    public static func < (a: EventPriority, b: EventPriority) -> Bool { a.rawValue < b.rawValue }
}

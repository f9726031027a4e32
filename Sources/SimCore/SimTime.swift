/// Simulation time: minutes since the start of the run.
///
/// The engine itself is unit-free (a model may count in hours or days); only calendar-aware pieces
/// (`SimCalendar`, rate profiles, schedules) read time as minutes.
public typealias SimTime = Double

/// Durations in minutes, the engine's calendar unit.
public enum Duration {
    public static let minute: SimTime = 1
    public static let hour: SimTime = 60
    public static let day: SimTime = 1440
    public static let week: SimTime = 10080
}

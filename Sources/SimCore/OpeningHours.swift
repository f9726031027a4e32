/// Weekly opening hours: for each day of the week (Monday first), the intervals [open, close) in minutes after
/// midnight during which something is open (an SDEC unit, a care home accepting admissions). An interval that
/// closes after midnight (close > 1440) runs into the next day.
public struct OpeningHours: Sendable, Equatable {
    public struct Interval: Sendable, Equatable {
        public var open: SimTime
        public var close: SimTime
        public init(open: SimTime, close: SimTime) {
            self.open = open
            self.close = close
        }
    }

    /// Seven lists of intervals, Monday first.
    public let days: [[Interval]]
    /// The weekday (0 = Monday) of the run's day 0.
    public let firstWeekday: Int

    public init(days: [[Interval]], firstWeekday: Int) {
        precondition(days.count == 7, "opening hours need seven days")
        precondition(days.allSatisfy { $0.allSatisfy { $0.open >= 0 && $0.open < $0.close && $0.close <= 2 * 1440 } })
        self.days = days
        self.firstWeekday = firstWeekday
    }

    /// Open every minute of every day.
    public static func always(firstWeekday: Int = 0) -> OpeningHours {
        OpeningHours(days: Array(repeating: [Interval(open: 0, close: 1440)], count: 7), firstWeekday: firstWeekday)
    }

    /// Whether it is open at `t` (minutes since the run's start, day 0 at midnight).
    public func isOpen(at t: SimTime) -> Bool {
        let day = (t / 1440).rounded(.down)
        let m = t - day * 1440
        let d = Int(day)
        // Today's intervals, and yesterday's that run past midnight.
        for i in days[weekday(d)] where i.open <= m && m < i.close { return true }
        for i in days[weekday(d - 1)] where i.close > 1440 && m < i.close - 1440 { return true }
        return false
    }

    /// The first time strictly after `t` at which it opens or closes, or nil if it never changes.
    public func nextChange(after t: SimTime) -> SimTime? {
        let day = (t / 1440).rounded(.down)
        let now = isOpen(at: t)
        var best = SimTime.infinity
        for offset in -1...8 {
            let d = Int(day) + offset
            let start = Double(d) * 1440
            for i in days[weekday(d)] {
                for edge in [start + i.open, start + i.close] where edge > t && edge < best {
                    // Only an edge where the state actually flips counts.
                    if isOpen(at: edge) != now { best = edge }
                }
            }
        }
        return best.isFinite ? best : nil
    }

    func weekday(_ day: Int) -> Int { (((day + firstWeekday) % 7) + 7) % 7 }
}

import SimCore

/// Virtual-ward pull rounds: times of day (minutes after midnight, sorted) at which a ward fills free places.
enum PullRounds {
    /// The first round time strictly after `t` (nil without rounds).
    static func next(after t: SimTime, _ rounds: [SimTime]) -> SimTime? {
        guard !rounds.isEmpty else { return nil }
        var day = max(0, (t / Duration.day).rounded(.down))
        while true {
            for r in rounds where day * Duration.day + r > t { return day * Duration.day + r }
            day += 1
        }
    }
}

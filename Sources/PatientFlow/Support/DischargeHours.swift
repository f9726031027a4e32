import SimCore

/// Discharge hours: a discharge that would complete outside [open, close) waits for the next opening.
enum DischargeHours {
    /// The first time at or after `t` inside the hours `open..<close` (minutes after midnight; `open > close`
    /// spans midnight, e.g. 20:00-02:00; hours of a whole day or none mean any time).
    static func next(_ t: SimTime, open: SimTime, close: SimTime) -> SimTime {
        if close - open >= Duration.day || open == close { return t }
        let day = (t / Duration.day).rounded(.down) * Duration.day
        let m = t - day
        if open < close {
            if m < open { return day + open }
            if m >= close { return day + Duration.day + open }
            return t
        }
        // Hours span midnight (e.g. 20:00-02:00).
        return (m >= open || m < close) ? t : day + open
    }
}

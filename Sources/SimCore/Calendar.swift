/// A date in the proleptic Gregorian calendar.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil if it is not a real date.
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= CivilDate.daysIn(month: m, year: y) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 (Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01 (Hinnant, civil_from_days).
    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// 0 = Monday ... 6 = Sunday (ISO 8601 order).
    public var weekday: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
    public var description: String {
        func pad(_ x: Int, _ width: Int) -> String {
            let s = "\(abs(x))"
            return (x < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}

/// Maps simulation time (minutes from the start) to the calendar: day, hour, weekday, month.
public struct SimCalendar: Sendable, Equatable {
    public let startDate: CivilDate
    private let epochDay: Int

    public init(startDate: CivilDate) {
        self.startDate = startDate
        self.epochDay = startDate.daysSinceEpoch
    }

    /// Whole days since the start (day 0 is the start date).
    @inlinable public func dayIndex(_ t: SimTime) -> Int { Int((t / Duration.day).rounded(.down)) }
    public func date(ofDay day: Int) -> CivilDate { CivilDate(daysSinceEpoch: epochDay + day) }
    /// 0 = Monday ... 6 = Sunday.
    public func weekday(ofDay day: Int) -> Int { ((epochDay + day) % 7 + 7 + 3) % 7 }
    /// 1 ... 12.
    public func month(ofDay day: Int) -> Int { date(ofDay: day).month }
    /// Hour of the day, 0 ... 23.
    public func hourOfDay(_ t: SimTime) -> Int { Int((t - Double(dayIndex(t)) * Duration.day) / Duration.hour) % 24 }
    /// The simulation time at which `date` starts (may be negative if before the start).
    public func time(of date: CivilDate) -> SimTime { Double(date.daysSinceEpoch - epochDay) * Duration.day }
}

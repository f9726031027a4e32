/// A non-negative rate (events per minute) that is constant on segments of time.
public protocol PiecewiseConstantRate: Sendable {
    /// The rate at `t` and the time its segment ends (> t; may be infinity).
    func segment(at t: SimTime) -> (rate: Double, end: SimTime)
}

/// A constant rate.
public struct ConstantRate: PiecewiseConstantRate {
    public let perMinute: Double
    public init(perDay: Double) { self.perMinute = perDay / Duration.day }
    public func segment(at t: SimTime) -> (rate: Double, end: SimTime) { (perMinute, .infinity) }
}

/// A rate per day shaped by hour of day, day of week and month, with yearly growth.
///
/// The shapes are relative: each is scaled to average 1 over its cycle (hours of a day, days of a week,
/// months of a year), so `perDay` stays the average daily rate before growth. Growth compounds yearly
/// from the start, `(1 + g)^(t / 365 d)`, evaluated at the start of each hour.
public struct RateProfile: PiecewiseConstantRate {
    public let perDay: Double
    public let hourOfDay: [Double]
    public let dayOfWeek: [Double]
    public let monthOfYear: [Double]
    public let growthPerYear: Double
    public let calendar: SimCalendar

    public init(perDay: Double, hourOfDay: [Double] = Array(repeating: 1, count: 24),
                dayOfWeek: [Double] = Array(repeating: 1, count: 7),
                monthOfYear: [Double] = Array(repeating: 1, count: 12),
                growthPerYear: Double = 0, calendar: SimCalendar) {
        precondition(hourOfDay.count == 24 && dayOfWeek.count == 7 && monthOfYear.count == 12)
        precondition(perDay >= 0 && growthPerYear > -1)
        func normalised(_ xs: [Double]) -> [Double] {
            let m = xs.reduce(0, +) / Double(xs.count)
            precondition(m > 0 && xs.allSatisfy { $0 >= 0 }, "a profile needs non-negative weights, not all 0")
            return xs.map { $0 / m }
        }
        self.perDay = perDay
        self.hourOfDay = normalised(hourOfDay)
        self.dayOfWeek = normalised(dayOfWeek)
        self.monthOfYear = normalised(monthOfYear)
        self.growthPerYear = growthPerYear
        self.calendar = calendar
    }

    public func segment(at t: SimTime) -> (rate: Double, end: SimTime) {
        let hourIndex = (t / Duration.hour).rounded(.down)
        let start = hourIndex * Duration.hour
        let day = calendar.dayIndex(start)
        return (dailyRate(day: day, at: start) * hourOfDay[Int(hourIndex) - day * 24], start + Duration.hour)
    }

    /// The rate per minute on `day` before the hour-of-day shape: weekday, month and growth (growth evaluated
    /// at `time`, the start of the hour, or of the day when cached per day).
    public func dailyRate(day: Int, at time: SimTime) -> Double {
        dailyRate(day: day, at: time, logGrowth: growthPerYear != 0 ? _cLog1p(growthPerYear) : 0)
    }

    /// `dailyRate(day:at:)` given log(1 + growth), for a caller that asks every day and works it out once: growth
    /// is exp(years x log(1 + g)).
    func dailyRate(day: Int, at time: SimTime, logGrowth: Double) -> Double {
        dailyRate(day: day, at: time, logGrowth: logGrowth, month: calendar.date(ofDay: day).month)
    }

    /// `dailyRate(day:at:logGrowth:)` given the month (1 ... 12) of `day`, for a caller that knows it.
    @inline(__always)
    func dailyRate(day: Int, at time: SimTime, logGrowth: Double, month: Int) -> Double {
        var r = perDay / Duration.day * dayOfWeek[calendar.weekday(ofDay: day)] * monthOfYear[month - 1]
        if growthPerYear != 0 { r *= _cExp(time / (365 * Duration.day) * logGrowth) }
        return r
    }
}

/// A `RateProfile` that works out each day's rate once (weekday, month, growth at the start of the day) and
/// then only applies the hour-of-day shape: exact for the shapes, and growth changes daily rather than
/// hourly (a difference of at most (1 + g)^(1/365) - 1, ~1e-4 for 4% a year).
///
/// A class holding a one-day cache: one per replication and thread, never shared.
public final class DailyCachedProfile: PiecewiseConstantRate, @unchecked Sendable {
    public let profile: RateProfile
    @exclusivity(unchecked) private var cachedDay = Int.min
    /// The days `monthStart ..< monthEnd` are the calendar month `month` (1 ... 12) of the last day filled: the
    /// month changes a dozen times a year, so a fill rarely converts a day to a date.
    @exclusivity(unchecked) private var monthStart = 0, monthEnd = 0, month = 1
    /// The cached day's rate per minute in each hour (`table[0..<24]`), the expected arrivals from each
    /// hour's start to the end of the day (`table[24...48]`, the last 0), the profile's hour-of-day shape
    /// (`table[49..<73]`, a copy read without array checks) and the expected arrivals in each whole hour, the
    /// rate times 60 minutes (`table[73..<97]`): one small buffer owned by this object.
    private let table = UnsafeMutablePointer<Double>.allocate(capacity: 97)

    /// log(1 + growth), worked out once (`RateProfile.dailyRate(day:at:logGrowth:)`).
    private let logGrowth: Double

    public init(_ profile: RateProfile) {
        self.profile = profile
        logGrowth = profile.growthPerYear != 0 ? _cLog1p(profile.growthPerYear) : 0
        table.initialize(repeating: 0, count: 97)
        (table + 49).update(from: profile.hourOfDay, count: 24)
    }

    deinit { table.deallocate() }

    @inline(__always) private func cache(day: Int) {
        guard day != cachedDay else { return }
        fill(day: day)
    }

    private func fill(day: Int) {
        cachedDay = day
        if day < monthStart || day >= monthEnd {
            let date = profile.calendar.date(ofDay: day)
            month = date.month
            monthStart = day - (date.day - 1)
            monthEnd = monthStart + CivilDate.daysIn(month: date.month, year: date.year)
        }
        let rate = profile.dailyRate(day: day, at: Double(day) * Duration.day, logGrowth: logGrowth, month: month)
        // From the last hour back, so each hour's expected arrivals to the end of the day is one sum.
        var sum = 0.0
        var h = 23
        while h >= 0 {
            let r = rate * table[49 &+ h]
            table[h] = r
            let whole = r * Duration.hour
            table[73 &+ h] = whole
            sum += whole
            table[24 &+ h] = sum
            h &-= 1
        }
    }

    public func segment(at t: SimTime) -> (rate: Double, end: SimTime) {
        let hourIndex = (t / Duration.hour).rounded(.down)
        let start = hourIndex * Duration.hour
        let day = profile.calendar.dayIndex(start)
        cache(day: day)
        return (table[Int(hourIndex) - day * 24], start + Duration.hour)
    }

    /// The first arrival after `t`, or nil if none comes before `horizon`: exactly `PoissonArrivals(rate:
    /// self).next`, hour by hour with the same arithmetic, reading the cached table instead of calling `segment`.
    /// - Complexity: O(hours crossed).
    public func nextByHours(after t: SimTime, unitExponential e: Double, horizon: SimTime) -> SimTime? {
        var remaining = e
        var now = t
        while now < horizon {
            // `segment(at: now)`'s hour, then the hours after it in the same day.
            let hourIndex = (now / Duration.hour).rounded(.down)
            let day = profile.calendar.dayIndex(hourIndex * Duration.hour)
            cache(day: day)
            let dayStart = Double(day) * Duration.day
            let walk = walkHours(from: Int(hourIndex) - day * 24, dayStart: dayStart, &now, &remaining, horizon)
            if walk.done { return walk.arrival }
        }
        return nil
    }

    /// The first arrival after `t` of a Poisson process with this rate, spending the unit exponential `e`:
    /// the same inversion as `PoissonArrivals.next`, but a day whose whole remaining expected count is below
    /// what is left of `e` is skipped at once, and hours are walked in the cached table.
    /// - Complexity: O(days skipped + hours walked in the arrival's day).
    public func next(after t: SimTime, unitExponential e: Double, horizon: SimTime) -> SimTime? {
        var remaining = e
        var now = t
        while now < horizon {
            let day = profile.calendar.dayIndex(now)
            cache(day: day)
            let dayStart = Double(day) * Duration.day
            let h = min(23, Int((now - dayStart) / Duration.hour))
            let restOfDay = table[h] * (dayStart + Double(h + 1) * Duration.hour - now) + table[25 + h]
            if remaining > restOfDay {
                remaining -= restOfDay
                now = dayStart + Duration.day
                continue
            }
            // If rounding leaves a sliver past the day's last hour, the walk goes on the next day.
            let walk = walkHours(from: h, dayStart: dayStart, &now, &remaining, horizon)
            if walk.done { return walk.arrival }
        }
        return nil
    }

    /// Spends `remaining` over the cached day's hours from hour `h` on (the day starting at `dayStart`), from
    /// `now`, until an arrival (`done`, with the arrival, or nil if it is not before `horizon`), the horizon
    /// (`done`, nil) or the end of the day (not done; `now` is then the next day's start).
    ///
    /// The arithmetic is that of a walk hour by hour through `segment`: in hour `h`, from `now` to its end, an
    /// arrival comes if `remaining <= rate x (end - now)`, at `now + remaining / rate`; else that much is spent.
    /// Hour starts are whole minutes, so after the first hour `end - now` is exactly 60 and `rate x 60` is the
    /// table's whole-hour figure: those hours are a compare and a subtraction each. An hour with rate 0 spends
    /// nothing and brings no arrival.
    @inline(__always)
    private func walkHours(from h: Int, dayStart: SimTime, _ now: inout SimTime, _ remaining: inout Double,
                           _ horizon: SimTime) -> (done: Bool, arrival: SimTime?) {
        var h = h
        guard h < 24 else { return (false, nil) }
        if now >= horizon { return (true, nil) }
        let r = table[h]
        if r > 0 {
            let capacity = r * (dayStart + Double(h + 1) * Duration.hour - now)
            if remaining <= capacity {
                let arrival = now + remaining / r
                return (true, arrival < horizon ? arrival : nil)
            }
            remaining -= capacity
        }
        h &+= 1
        // The hours that start before the horizon (all the rest of the day, unless the run ends in it).
        var limit = 24
        if horizon < dayStart + Duration.day {
            limit = h
            while limit < 24 && dayStart + Double(limit) * Duration.hour < horizon { limit &+= 1 }
        }
        let whole = table + 73
        while h < limit {
            let c = whole[h]
            if remaining <= c && c > 0 {
                let start = dayStart + Double(h) * Duration.hour
                let arrival = start + remaining / table[h]
                now = start
                return (true, arrival < horizon ? arrival : nil)
            }
            remaining -= c
            h &+= 1
        }
        now = dayStart + Double(h) * Duration.hour
        return (limit < 24, nil)
    }
}

/// Rates per day from a table of dates, shaped within the day by an hour-of-day profile.
///
/// Day `k` of the run has rate `perDay[k]` (from day 0 = the start date). Past the table the rate is 0; a
/// scenario loader checks that the table covers the horizon.
public struct DatedRates: PiecewiseConstantRate {
    public let perDay: [Double]
    public let hourOfDay: [Double]

    public init(perDay: [Double], hourOfDay: [Double] = Array(repeating: 1, count: 24)) {
        precondition(hourOfDay.count == 24)
        let m = hourOfDay.reduce(0, +) / 24
        precondition(m > 0 && perDay.allSatisfy { $0 >= 0 })
        self.perDay = perDay
        self.hourOfDay = hourOfDay.map { $0 / m }
    }

    public func segment(at t: SimTime) -> (rate: Double, end: SimTime) {
        let hourIndex = (t / Duration.hour).rounded(.down)
        let start = hourIndex * Duration.hour
        let day = Int((start / Duration.day).rounded(.down))
        guard day >= 0 && day < perDay.count else { return (0, day < 0 ? 0 : .infinity) }
        return (perDay[day] / Duration.day * hourOfDay[Int(hourIndex) - day * 24], start + Duration.hour)
    }
}

/// A non-homogeneous Poisson process over a piecewise-constant rate, sampled exactly by inverting the
/// cumulative rate (Çinlar 1975; Law, "Simulation Modeling and Analysis", §8.6.2): a unit exponential is
/// spent across rate segments until it is used up.
public struct PoissonArrivals<Rate: PiecewiseConstantRate>: Sendable {
    public let rate: Rate
    public init(rate: Rate) { self.rate = rate }

    /// The first arrival after `t`, or nil if none comes before `horizon`.
    ///
    /// `unitExponential` is a draw from the exponential distribution with mean 1, from the caller's stream
    /// (SimCore has no generator of its own). One draw per arrival keeps streams aligned across scenarios.
    /// - Complexity: O(1) per rate segment crossed.
    public func next(after t: SimTime, unitExponential: Double, horizon: SimTime = .infinity) -> SimTime? {
        var remaining = unitExponential
        var now = t
        while now < horizon {
            let (r, end) = rate.segment(at: now)
            if r > 0 {
                let capacity = r * (end - now)
                if remaining <= capacity {
                    let arrival = now + remaining / r
                    return arrival < horizon ? arrival : nil
                }
                remaining -= capacity
            }
            if end == .infinity { return nil }
            now = end
        }
        return nil
    }
}

/// "N per day, spread uniformly within the day": the times are N sorted uniform points of each day.
///
/// Memory: one day's N times.
public struct UniformDailyArrivals: Sendable {
    /// Arrivals on each weekday (0 = Monday, relative to the calendar); all equal for "N per day".
    public let perWeekday: [Int]
    public let calendar: SimCalendar
    private var buffer: [SimTime] = []
    private var cursor = 0
    private var day = -1

    public init(perDay: Int, calendar: SimCalendar) {
        self.init(perWeekday: Array(repeating: perDay, count: 7), calendar: calendar)
    }

    public init(perWeekday: [Int], calendar: SimCalendar) {
        precondition(perWeekday.count == 7 && perWeekday.allSatisfy { $0 >= 0 })
        self.perWeekday = perWeekday
        self.calendar = calendar
    }

    /// The next arrival time, in order, from day 0 on; nil once past `horizon`.
    /// `uniform` gives draws on [0, 1) from the caller's stream.
    public mutating func next(horizon: SimTime = .infinity, uniform: () -> Double) -> SimTime? {
        while cursor >= buffer.count {
            day += 1
            let start = Double(day) * Duration.day
            if start >= horizon { return nil }
            let n = perWeekday[calendar.weekday(ofDay: day)]
            buffer = (0..<n).map { _ in start + uniform() * Duration.day }.sorted()
            cursor = 0
        }
        defer { cursor += 1 }
        let t = buffer[cursor]
        return t < horizon ? t : nil
    }
}


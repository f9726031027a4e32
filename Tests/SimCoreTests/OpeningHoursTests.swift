import SimCore
import Stochastics
import XCTest

/// Weekly opening hours, slotted time-weighted statistics and the day-table walk of daily cached profiles.
final class OpeningHoursTests: XCTestCase {
    let h = 60.0, d = 1440.0

    /// Weekdays 08:00-20:00, weekends 09:00-17:00, run starting on a Monday.
    func testWeekdaysAndWeekends() {
        let wd = [OpeningHours.Interval(open: 8 * h, close: 20 * h)], we = [OpeningHours.Interval(open: 9 * h, close: 17 * h)]
        let hours = OpeningHours(days: [wd, wd, wd, wd, wd, we, we], firstWeekday: 0)
        XCTAssertFalse(hours.isOpen(at: 7.99 * h))
        XCTAssertTrue(hours.isOpen(at: 8 * h))
        XCTAssertFalse(hours.isOpen(at: 20 * h), "closing time is outside")
        XCTAssertFalse(hours.isOpen(at: 5 * d + 8.5 * h), "Saturday opens at 09:00")
        XCTAssertTrue(hours.isOpen(at: 5 * d + 9 * h))
        XCTAssertEqual(hours.nextChange(after: 0), 8 * h)
        XCTAssertEqual(hours.nextChange(after: 8 * h), 20 * h)
        XCTAssertEqual(hours.nextChange(after: 4 * d + 20 * h), 5 * d + 9 * h, "Friday night to Saturday morning")
        XCTAssertEqual(hours.nextChange(after: 6 * d + 17 * h), 7 * d + 8 * h, "Sunday evening to Monday")
    }

    /// A start on a Wednesday shifts which days are weekends; a range past midnight runs into the next day.
    func testFirstWeekdayAndOvernightRanges() {
        let night = [OpeningHours.Interval(open: 20 * h, close: 26 * h)]
        let hours = OpeningHours(days: Array(repeating: night, count: 7), firstWeekday: 2)
        XCTAssertTrue(hours.isOpen(at: 1 * d + 1 * h), "01:00 is inside yesterday's 20:00-02:00")
        XCTAssertFalse(hours.isOpen(at: 1 * d + 2 * h))
        XCTAssertTrue(hours.isOpen(at: 0.5 * h), "day 0's small hours: the previous day's range")
        XCTAssertEqual(hours.nextChange(after: 3 * h), 20 * h)
        let closed = OpeningHours(days: Array(repeating: [], count: 7), firstWeekday: 0)
        XCTAssertNil(closed.nextChange(after: 0))
        XCTAssertNil(OpeningHours.always().nextChange(after: 5), "open all the time never changes")
    }

    /// The hour-of-day means of a quantity that is 1 from 10:00 to 12:00 each day and 0 otherwise.
    func testSlottedByHour() {
        var s = SlottedTimeWeighted.hourOfDay(start: 0)
        for day in 0..<3 {
            let base = Double(day) * d
            s.update(to: 1, at: base + 10 * h)
            s.update(to: 0, at: base + 12 * h)
        }
        let means = s.means(at: 3 * d)
        XCTAssertEqual(means[10], 1)
        XCTAssertEqual(means[11], 1)
        XCTAssertEqual(means[9], 0)
        XCTAssertEqual(means.reduce(0, +), 2, accuracy: 1e-12)
    }

    /// Monthly slots: time outside the listed months is not counted; a reset keeps the current value.
    func testSlottedByMonth() {
        var s = SlottedTimeWeighted.months(start: 0, monthStarts: [10, 20, 40])
        s.update(to: 2, at: 5)    // before the first month: not counted
        s.update(to: 4, at: 30)   // month 1: 2 for 10, then 4 for 10
        XCTAssertEqual(s.means(at: 50), [2, 3])
        s.reset(at: 30)
        XCTAssertEqual(s.means(at: 40)[1], 4)
        XCTAssertTrue(s.means(at: 40)[0].isNaN, "no time in month 0 after the reset")
    }

    /// The day-table walk gives the same arrivals as the generic segment-by-segment inversion.
    func testDailyCachedWalkMatchesGenericInversion() {
        let cal = SimCalendar(startDate: CivilDate(year: 2025, month: 4, day: 1))
        let profile = RateProfile(perDay: 3, hourOfDay: (0..<24).map { $0 < 6 ? 0 : Double($0 % 5 + 1) },
                                  dayOfWeek: [1, 1, 1, 1, 1, 0.2, 0.1], monthOfYear: Array(repeating: 1, count: 12),
                                  growthPerYear: 0.03, calendar: cal)
        let fast = DailyCachedProfile(profile), reference = PoissonArrivals(rate: DailyCachedProfile(profile))
        let rng = RandomStream(seed: 7, replication: 0, name: "walk")
        var t = 0.0, u = 0.0, count = 0
        while true {
            let e = rng.exponential(mean: 1)
            let a = fast.next(after: t, unitExponential: e, horizon: 400 * d)
            let b = reference.next(after: u, unitExponential: e, horizon: 400 * d)
            guard let a, let b else {
                XCTAssertTrue(a == nil && b == nil, "both reach the horizon at the same arrival")
                break
            }
            XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, b))
            XCTAssertGreaterThan(a, t)
            t = a
            u = b
            count += 1
        }
        XCTAssertGreaterThan(count, 700, "about 2.2 a day over 400 days")
        XCTAssertNil(fast.next(after: 399 * d, unitExponential: 1e6, horizon: 400 * d), "nothing before the horizon")
    }

    /// `nextByHours` is the generic inversion with the table read in place: the same times, bit for bit, with
    /// and without growth, through zero-rate hours, and at the horizon.
    func testHourByHourWalkIsTheGenericInversionExactly() {
        let cal = SimCalendar(startDate: CivilDate(year: 2024, month: 2, day: 27))
        for growth in [0.0, 0.04] {
            var hours = [Double](repeating: 0, count: 24), months = [Double](repeating: 1, count: 12)
            for h in 8...19 { hours[h] = Double(h % 3 + 1) }
            for m in 0..<12 { months[m] += Double(m) / 10 }
            let profile = RateProfile(perDay: 5, hourOfDay: hours, dayOfWeek: [1, 1.2, 1, 1, 1, 0.3, 0],
                                      monthOfYear: months, growthPerYear: growth, calendar: cal)
            let fast = DailyCachedProfile(profile), reference = PoissonArrivals(rate: DailyCachedProfile(profile))
            let rng = RandomStream(seed: 11, replication: 0, name: "hours")
            var t = 17.5, count = 0
            while true {
                let e = rng.exponential(mean: 1)
                let a = fast.nextByHours(after: t, unitExponential: e, horizon: 500 * d)
                let b = reference.next(after: t, unitExponential: e, horizon: 500 * d)
                XCTAssertEqual(a?.bitPattern, b?.bitPattern, "growth \(growth), arrival \(count)")
                guard let a else { break }
                t = a
                count += 1
            }
            XCTAssertGreaterThan(count, 1500, "about 4 a day over 500 days")
        }
    }

    /// The cached day's rates are `RateProfile.dailyRate` times the hour's shape, bit for bit (growth included).
    func testCachedDayRatesAreTheProfilesRates() {
        let cal = SimCalendar(startDate: CivilDate(year: 2025, month: 12, day: 30))
        var hours = [Double](repeating: 0, count: 24), months = [Double](repeating: 0, count: 12)
        for h in 0..<24 { hours[h] = Double(h + 1) }
        for m in 0..<12 { months[m] = Double(m + 1) }
        let profile = RateProfile(perDay: 123.4, hourOfDay: hours, dayOfWeek: [1, 2, 3, 4, 5, 6, 7],
                                  monthOfYear: months, growthPerYear: 0.037, calendar: cal)
        let cached = DailyCachedProfile(profile)
        for day in [0, 1, 2, 40, 364, 365, 800] {
            for h in [0, 7, 23] {
                let t = Double(day) * d + Double(h) * 60 + 1
                let expected = profile.dailyRate(day: day, at: Double(day) * d) * profile.hourOfDay[h]
                XCTAssertEqual(cached.segment(at: t).rate.bitPattern, expected.bitPattern, "day \(day) hour \(h)")
            }
        }
    }
}

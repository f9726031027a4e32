import Foundation
import SimCore
import Stochastics
import XCTest

/// Non-homogeneous Poisson arrivals over piecewise-constant rates, and "N per day, spread uniformly".
///
/// Counts of a Poisson process in disjoint intervals are independent Poisson variables, so a count with
/// expectation m has sd sqrt(m); every count below is checked within 4 sd of its expectation (a two-sided
/// normal tail of 6e-5 per count; with a hundred or so counts in this file a false alarm is below 1%).
final class ArrivalProcessTests: XCTestCase {
    let z = 4.0
    let monday = SimCalendar(startDate: CivilDate(year: 2024, month: 1, day: 1))
    let sunday = SimCalendar(startDate: CivilDate(year: 2026, month: 11, day: 22))

    /// All arrivals in [0, horizon) of `process`, from one stream.
    func arrivals<R>(_ process: PoissonArrivals<R>, horizon: SimTime, stream: RandomStream) -> [SimTime] {
        var out: [SimTime] = []
        var t = 0.0
        while let next = process.next(after: t, unitExponential: stream.exponential(mean: 1), horizon: horizon) {
            XCTAssertGreaterThanOrEqual(next, t, "arrivals come in order")
            out.append(next)
            t = next
        }
        return out
    }

    func assertPoissonCount(_ count: Int, expected: Double, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(Double(count) - expected), z * expected.squareRoot(),
                                 "\(label): \(count), expected \(expected)", file: file, line: line)
    }

    // MARK: Exact inversion

    func testConstantRateInversionIsExact() {
        let process = PoissonArrivals(rate: ConstantRate(perDay: 1440))  // 1 per minute
        XCTAssertEqual(process.rate.perMinute, 1)
        XCTAssertEqual(process.next(after: 10, unitExponential: 2.5), 12.5)
        XCTAssertNil(process.next(after: 10, unitExponential: 2.5, horizon: 12), "past the horizon: none")
        XCTAssertNil(PoissonArrivals(rate: ConstantRate(perDay: 0)).next(after: 0, unitExponential: 0.1),
                     "a zero rate never produces an arrival")
    }

    /// Rate 0 before noon and 2 x 24/day = 1/30 per minute after, one day only: a unit of cumulative rate takes
    /// 30 minutes once the rate is on.
    func testInversionSkipsZeroSegmentsAndStopsAfterTheTable() {
        let shape = Array(repeating: 0.0, count: 12) + Array(repeating: 1.0, count: 12)
        let process = PoissonArrivals(rate: DatedRates(perDay: [24], hourOfDay: shape))
        XCTAssertEqual(process.next(after: 0, unitExponential: 1) ?? -1, 750, accuracy: 1e-9)
        XCTAssertEqual(process.next(after: 0, unitExponential: 2.5) ?? -1, 795, accuracy: 1e-9)
        XCTAssertEqual(process.next(after: 800, unitExponential: 1) ?? -1, 830, accuracy: 1e-9)
        // The day holds 12 h x 2 per hour = 24 units of cumulative rate; more than that runs past the table.
        XCTAssertEqual(process.next(after: 0, unitExponential: 23.9) ?? -1, 720 + 23.9 * 30, accuracy: 1e-9)
        XCTAssertNil(process.next(after: 0, unitExponential: 24.1))
        XCTAssertNil(process.next(after: 2000, unitExponential: 0.01), "the rate is 0 past the table")
    }

    // MARK: Rate profiles

    func testHourOfDayProfileCounts() {
        // Nothing 00-06, low 06-08 and 18-24, three times as high 08-18. 48 a day on average over 400 days.
        var weights = Array(repeating: 0.0, count: 24)
        for h in 6..<8 { weights[h] = 1 }
        for h in 8..<18 { weights[h] = 3 }
        for h in 18..<24 { weights[h] = 1 }
        let days = 400, perDay = 48.0
        let profile = RateProfile(perDay: perDay, hourOfDay: weights, calendar: monday)
        XCTAssertEqual(profile.hourOfDay.reduce(0, +) / 24, 1, accuracy: 1e-12, "shapes are scaled to average 1")
        let times = arrivals(PoissonArrivals(rate: profile), horizon: Double(days) * Duration.day,
                             stream: RandomStream(seed: 31, replication: 0, name: "hourly"))
        var counts = Array(repeating: 0, count: 24)
        for t in times { counts[monday.hourOfDay(t)] += 1 }
        let total = weights.reduce(0, +)
        for h in 0..<24 {
            let expected = Double(days) * perDay * weights[h] / total
            if expected == 0 {
                XCTAssertEqual(counts[h], 0, "no arrivals in hour \(h), whose weight is 0")
            } else {
                assertPoissonCount(counts[h], expected: expected, "hour \(h)")
            }
        }
        assertPoissonCount(times.count, expected: Double(days) * perDay, "total")
    }

    func testDayOfWeekProfileFollowsTheCalendar() {
        // Mondays busiest, Saturdays quietest; the run starts on a Sunday (weekday 6).
        let weights = [1.3, 1.1, 1.0, 1.0, 1.0, 0.6, 1.0]
        let meanWeight = weights.reduce(0, +) / 7
        let weeks = 150, perDay = 40.0
        let profile = RateProfile(perDay: perDay, dayOfWeek: weights, calendar: sunday)
        XCTAssertEqual(profile.segment(at: 0).rate, perDay / Duration.day * 1.0 / meanWeight, accuracy: 1e-15,
                       "day 0 is a Sunday")
        XCTAssertEqual(profile.segment(at: Duration.day + 1).rate, perDay / Duration.day * 1.3 / meanWeight,
                       accuracy: 1e-15, "day 1 is a Monday")
        let times = arrivals(PoissonArrivals(rate: profile), horizon: Double(weeks) * Duration.week,
                             stream: RandomStream(seed: 32, replication: 0, name: "weekly"))
        var counts = Array(repeating: 0, count: 7)
        for t in times { counts[sunday.weekday(ofDay: sunday.dayIndex(t))] += 1 }
        for d in 0..<7 {
            assertPoissonCount(counts[d], expected: Double(weeks) * perDay * weights[d] / meanWeight, "weekday \(d)")
        }
    }

    func testMonthProfileAndGrowth() {
        // One year from 2024-01-01 (a leap year): counts per month follow days-in-month x month weight.
        var monthWeights = Array(repeating: 1.0, count: 12)
        monthWeights[0] = 1.5  // January
        monthWeights[6] = 0.5  // July
        let meanWeight = monthWeights.reduce(0, +) / 12
        let perDay = 30.0
        let profile = RateProfile(perDay: perDay, monthOfYear: monthWeights, calendar: monday)
        let times = arrivals(PoissonArrivals(rate: profile), horizon: 366 * Duration.day,
                             stream: RandomStream(seed: 33, replication: 0, name: "monthly"))
        var counts = Array(repeating: 0, count: 12)
        for t in times { counts[monday.month(ofDay: monday.dayIndex(t)) - 1] += 1 }
        for m in 1...12 {
            let days = Double(CivilDate.daysIn(month: m, year: 2024))
            assertPoissonCount(counts[m - 1], expected: perDay * days * monthWeights[m - 1] / meanWeight, "month \(m)")
        }

        // Growth compounds yearly from the start, evaluated at the start of each hour.
        let g = 0.05
        let growing = RateProfile(perDay: perDay, growthPerYear: g, calendar: monday)
        let base = growing.segment(at: 0).rate
        XCTAssertEqual(base, perDay / Duration.day, accuracy: 1e-15)
        XCTAssertEqual(growing.segment(at: 365 * Duration.day + 30).rate / base, 1 + g, accuracy: 1e-12)
        XCTAssertEqual(growing.segment(at: 730 * Duration.day).rate / base, (1 + g) * (1 + g), accuracy: 1e-12)
        let halfYear = 182.5 * Duration.day
        XCTAssertEqual(growing.segment(at: halfYear + 59).rate / base, pow(1 + g, 0.5), accuracy: 1e-12)
        XCTAssertEqual(growing.segment(at: halfYear + 59).end, halfYear + 60, "segments are hours")
    }

    func testDatedRatesCountsPerDay() {
        // A table of five days, shaped within the day; 200 independent replications of it.
        let perDay = [10.0, 0, 30, 5, 20]
        var shape = Array(repeating: 1.0, count: 24)
        for h in 0..<8 { shape[h] = 0.25 }
        let rates = DatedRates(perDay: perDay, hourOfDay: shape)
        let process = PoissonArrivals(rate: rates)
        let replications = 200
        var byDay = Array(repeating: 0, count: perDay.count)
        var byHour = Array(repeating: 0, count: 24)
        for r in 0..<replications {
            let times = arrivals(process, horizon: .infinity, stream: RandomStream(seed: 34, replication: r, name: "dated"))
            for t in times {
                let day = Int(t / Duration.day)
                XCTAssertLessThan(day, perDay.count, "no arrivals past the table")
                byDay[min(day, perDay.count - 1)] += 1
                byHour[Int((t - Double(day) * Duration.day) / Duration.hour)] += 1
            }
        }
        for (k, rate) in perDay.enumerated() {
            if rate == 0 {
                XCTAssertEqual(byDay[k], 0, "a day with rate 0 has no arrivals")
            } else {
                assertPoissonCount(byDay[k], expected: Double(replications) * rate, "day \(k)")
            }
        }
        let total = Double(replications) * perDay.reduce(0, +), shapeTotal = shape.reduce(0, +)
        for h in 0..<24 {
            assertPoissonCount(byHour[h], expected: total * shape[h] / shapeTotal, "hour \(h)")
        }
    }

    // MARK: N per day, uniformly within the day

    func testUniformDailyArrivalsGiveExactlyNPerDaySortedAndUniform() {
        let days = 300, perDay = 7
        var process = UniformDailyArrivals(perDay: perDay, calendar: monday)
        let s = RandomStream(seed: 35, replication: 0, name: "daily")
        var times: [SimTime] = []
        while let t = process.next(horizon: Double(days) * Duration.day, uniform: { s.uniform() }) { times.append(t) }
        XCTAssertEqual(times.count, days * perDay)
        XCTAssertEqual(times, times.sorted(), "arrivals come in time order")
        var perDayCounts = Array(repeating: 0, count: days)
        for t in times { perDayCounts[monday.dayIndex(t)] += 1 }
        XCTAssertEqual(Set(perDayCounts), [perDay], "exactly N each day")

        // Offsets within the day are uniform on [0, 1 day): mean 720 min with SE 1440 / sqrt(12 n), and each
        // quarter of the day holds a binomial(n, 1/4) share.
        let offsets = times.map { $0 - Double(monday.dayIndex($0)) * Duration.day }
        XCTAssertTrue(offsets.allSatisfy { $0 >= 0 && $0 < Duration.day })
        let n = Double(offsets.count)
        let meanOffset = offsets.reduce(0, +) / n
        XCTAssertLessThanOrEqual(abs(meanOffset - 720), z * Duration.day / (12 * n).squareRoot(), "mean offset \(meanOffset)")
        for q in 0..<4 {
            let count = offsets.filter { Int($0 / (Duration.day / 4)) == q }.count
            XCTAssertLessThanOrEqual(abs(Double(count) - n / 4), z * (n * 0.25 * 0.75).squareRoot(), "quarter \(q)")
        }
    }

    func testUniformDailyArrivalsByWeekdayAndHorizon() {
        // Weekdays 5, Saturday 0, Sunday 2; the run starts on a Sunday.
        var process = UniformDailyArrivals(perWeekday: [5, 5, 5, 5, 5, 0, 2], calendar: sunday)
        let s = RandomStream(seed: 36, replication: 0, name: "weekday")
        let horizon = 14.5 * Duration.day
        var counts = Array(repeating: 0, count: 15)
        while let t = process.next(horizon: horizon, uniform: { s.uniform() }) {
            XCTAssertLessThan(t, horizon)
            counts[sunday.dayIndex(t)] += 1
        }
        XCTAssertNil(process.next(horizon: horizon, uniform: { s.uniform() }), "still nothing past the horizon")
        // Day 0 and 7 are Sundays, 6 and 13 Saturdays; day 14 (a Sunday) is cut at noon by the horizon.
        XCTAssertEqual(Array(counts[0..<14]), [2, 5, 5, 5, 5, 5, 0, 2, 5, 5, 5, 5, 5, 0])
        XCTAssertLessThanOrEqual(counts[14], 2)
    }
}

import PatientFlow
import SimCore
import XCTest

/// Issue 14 point 4: `run --include-warm-up` keeps the warm-up days in the daily series and changes nothing else.
final class WarmUpSeriesTests: XCTestCase {
    func testDailySeriesIncludeWarmUpAndMetricsDoNot() {
        var plain = smallChain(horizon: 100 * day, warmUp: 30 * day)
        plain.seed = 5
        var with = plain
        with.dailyIncludesWarmUp = true
        XCTAssertEqual(with.firstDailyDay, 0)
        XCTAssertEqual(plain.firstDailyDay, 30)
        XCTAssertEqual(with.firstDailyDate, with.calendar.date(ofDay: 0), "the first date is the start date")
        let a = Experiment.run(plain, replications: 3, jobs: 2), b = Experiment.run(with, replications: 3, jobs: 2)
        for (x, y) in zip(a, b) {
            // Metrics bit for bit (NaN included): the warm-up days reach the daily series only.
            XCTAssertEqual(x.metrics.map(\.id), y.metrics.map(\.id))
            XCTAssertEqual(x.metrics.map(\.value.bitPattern), y.metrics.map(\.value.bitPattern))
            XCTAssertEqual(x.monthly.map(\.value.bitPattern), y.monthly.map(\.value.bitPattern))
            XCTAssertEqual(x.warnings, y.warnings)
            for (s, t) in zip(x.daily, y.daily) {
                XCTAssertEqual(s.values.count, 100, s.name)
                XCTAssertEqual(t.values.count, 130, "warm-up + horizon days: \(t.name)")
                XCTAssertEqual(Array(t.values.suffix(100)).map(\.bitPattern), s.values.map(\.bitPattern),
                               "the observed days are the same: \(t.name)")
            }
        }
        // Started empty, the acute ward fills during warm-up: day 0 is below the observed days' level.
        let occupied = b[0].daily.first { $0.name == "acute_occupied" }!.values
        XCTAssertLessThan(occupied[0], occupied[30...].reduce(0, +) / Double(occupied.count - 30))
    }
}

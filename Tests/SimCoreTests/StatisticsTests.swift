import SimCore
import Stochastics
import XCTest

/// Tallies, time-weighted averages, occupancy histograms and daily series, on hand-computed examples and
/// against direct computation. These are arithmetic, not statistics: tolerances are rounding (1e-12 relative).
final class StatisticsTests: XCTestCase {
    // MARK: Tally

    func testTallyMatchesDirectComputation() {
        let s = RandomStream(seed: 41, replication: 0, name: "tally")
        let xs = (0..<1000).map { _ in s.lognormal(mu: 1, sigma: 0.8) }
        var tally = Tally()
        for x in xs { tally.add(x) }
        let n = Double(xs.count)
        let mean = xs.reduce(0, +) / n
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        XCTAssertEqual(tally.count, 1000)
        XCTAssertEqual(tally.mean, mean, accuracy: 1e-12 * mean)
        XCTAssertEqual(tally.sum, xs.reduce(0, +), accuracy: 1e-12 * mean * n)
        XCTAssertEqual(tally.variance, variance, accuracy: 1e-12 * variance)
        XCTAssertEqual(tally.standardDeviation, variance.squareRoot(), accuracy: 1e-12 * variance)
        XCTAssertEqual(tally.standardError, (variance / n).squareRoot(), accuracy: 1e-12 * variance)
        XCTAssertEqual(tally.min, xs.min())
        XCTAssertEqual(tally.max, xs.max())
    }

    func testTallyEdgeCasesAndStability() {
        var empty = Tally()
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual(empty.variance, 0)
        XCTAssertEqual(empty.standardError, .infinity)
        XCTAssertEqual(empty.min, .infinity)
        XCTAssertEqual(empty.max, -.infinity)
        empty.add(3)
        XCTAssertEqual(empty.mean, 3)
        XCTAssertEqual(empty.variance, 0, "one observation has no spread")
        XCTAssertEqual(empty.standardError, .infinity)

        // Welford stays exact where the textbook sum-of-squares formula loses everything: 1e9 + (4, 7, 13, 16)
        // has variance 30 (Knuth TAOCP vol. 2 §4.2.2; Chan, Golub & LeVeque 1983).
        var big = Tally()
        for x in [4.0, 7, 13, 16] { big.add(1e9 + x) }
        XCTAssertEqual(big.mean, 1e9 + 10)
        XCTAssertEqual(big.variance, 30, accuracy: 1e-6)

        big.reset()
        XCTAssertEqual(big, Tally())
    }

    // MARK: TimeWeighted

    func testTimeWeightedHandExample() {
        // 0 on [0,2], 3 on [2,5], 1 on [5,6], 4 on [6,10]: area 26 -> mean 2.6; E[X^2] = (27 + 1 + 64) / 10 =
        // 9.2 -> variance 9.2 - 6.76 = 2.44.
        var w = TimeWeighted()
        XCTAssertEqual(w.mean(at: 0), 0, "a zero span gives the current value")
        w.update(to: 3, at: 2)
        w.update(to: 1, at: 5)
        XCTAssertEqual(w.mean(at: 5.5), 9.5 / 5.5, accuracy: 1e-12, "the current value counts up to `time`")
        w.update(to: 4, at: 6)
        XCTAssertEqual(w.mean(at: 10), 2.6, accuracy: 1e-12)
        XCTAssertEqual(w.variance(at: 10), 2.44, accuracy: 1e-12)
        XCTAssertEqual(w.max, 4)
        XCTAssertEqual(w.value, 4)

        // Several updates at one instant: only the last value holds any time.
        var same = TimeWeighted(start: 100, value: 2)
        same.update(to: 50, at: 101)
        same.update(to: 5, at: 101)
        XCTAssertEqual(same.mean(at: 103), (2 + 10) / 3.0, accuracy: 1e-12)
        XCTAssertEqual(same.max, 50, "the maximum sees every value, however brief")
        XCTAssertEqual(TimeWeighted(start: 100, value: 2).mean(at: 110), 2)
        XCTAssertEqual(TimeWeighted(start: 100, value: 2).variance(at: 110), 0)
    }

    func testTimeWeightedResetForWarmUp() {
        // 5 from 0; reset at 10 (end of warm-up) keeps the value 5; 1 from 15: mean over [10, 20] = 3.
        var w = TimeWeighted(start: 0, value: 5)
        w.update(to: 9, at: 4)
        w.update(to: 5, at: 6)
        w.reset(at: 10)
        XCTAssertEqual(w.start, 10)
        XCTAssertEqual(w.value, 5)
        XCTAssertEqual(w.max, 5, "the warm-up's maximum is forgotten")
        w.update(to: 1, at: 15)
        XCTAssertEqual(w.mean(at: 20), 3, accuracy: 1e-12)
        XCTAssertEqual(w.variance(at: 20), 4, accuracy: 1e-12)  // values 5 and 1, half the time each
    }

    // MARK: OccupancyHistogram

    func testOccupancyHistogramTimeAtLevelsAndAudits() {
        // 0 on [0,1], 2 on [1,4], 1 on [4,6], 3 on [6,10].
        var h = OccupancyHistogram()
        h.audit()              // sees 0
        h.update(to: 2, at: 1)
        h.audit()              // sees 2
        h.audit()              // sees 2
        h.update(to: 1, at: 4)
        h.update(to: 3, at: 6)
        h.audit()              // sees 3
        XCTAssertEqual(h.level, 3)
        XCTAssertEqual(h.timeAtLevel, [1, 2, 3], "time is accumulated up to the last change")
        let f = h.timeFractions(at: 10)
        XCTAssertEqual(f.count, 4)
        for (got, want) in zip(f, [0.1, 0.2, 0.3, 0.4]) { XCTAssertEqual(got, want, accuracy: 1e-12) }
        XCTAssertEqual(h.fractionAtOrAbove(2, at: 10), 0.7, accuracy: 1e-12)
        XCTAssertEqual(h.fractionAtOrAbove(0, at: 10), 1, accuracy: 1e-12)
        XCTAssertEqual(h.fractionAtOrAbove(4, at: 10), 0)
        XCTAssertEqual(h.auditsAtLevel, [1, 0, 2, 1])

        h.reset(at: 10)
        XCTAssertEqual(h.start, 10)
        XCTAssertEqual(h.level, 3)
        XCTAssertEqual(h.auditsAtLevel, [])
        XCTAssertEqual(h.timeFractions(at: 12), [0, 0, 0, 1])
    }

    /// The recorder (decision 204) gives exactly the histogram the same updates, audits and resets give.
    func testOccupancyRecorderIsTheHistogramBitForBit() {
        let s = RandomStream(seed: 7, replication: 0, name: "recorder")
        let r = OccupancyRecorder(start: 2, level: 1)
        var h = OccupancyHistogram(start: 2, level: 1)
        var t = 2.0
        for i in 0..<20_000 {
            // Repeated times (dt = 0), jumps of many levels and returns to 0.
            if s.uniform() < 0.8 { t += s.exponential(mean: 0.5) }
            let level = s.uniform() < 0.05 ? 0 : s.integer(below: 40)
            r.update(to: level, at: t)
            h.update(to: level, at: t)
            if i % 97 == 0 { r.audit(); h.audit() }
            if i == 9_000 { r.reset(at: t); h.reset(at: t) }
            if i % 1_000 == 0 { XCTAssertEqual(r.histogram, h, "after update \(i)") }
        }
        XCTAssertEqual(r.histogram, h)
        XCTAssertEqual(r.histogram.timeAtLevel.map(\.bitPattern), h.timeAtLevel.map(\.bitPattern))
        XCTAssertEqual(r.histogram.accumulatedUntil, h.accumulatedUntil)
    }

    /// On a random path, the histogram's mean level sum(k f_k) equals TimeWeighted's mean.
    func testOccupancyHistogramAgreesWithTimeWeighted() {
        let s = RandomStream(seed: 42, replication: 0, name: "path")
        var h = OccupancyHistogram(start: 5, level: 2)
        var w = TimeWeighted(start: 5, value: 2)
        var t = 5.0, level = 2
        for _ in 0..<2000 {
            t += s.exponential(mean: 1)
            level = max(0, level + (s.bernoulli(0.5) ? 1 : -1))
            h.update(to: level, at: t)
            w.update(to: Double(level), at: t)
        }
        let end = t + 1
        let f = h.timeFractions(at: end)
        XCTAssertEqual(f.reduce(0, +), 1, accuracy: 1e-12)
        let mean = f.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        XCTAssertEqual(mean, w.mean(at: end), accuracy: 1e-9)
    }

    // MARK: DailySeries

    func testDailySeriesKeepsDaysInOrder() {
        var d = DailySeries(name: "nctr")
        XCTAssertEqual(d.name, "nctr")
        XCTAssertTrue(d.mean.isNaN, "no values, no mean")
        for (day, v) in [(0, 3.0), (1, 5), (2, 4), (3, 8)] { d.record(v, day: day) }
        XCTAssertEqual(d.values, [3, 5, 4, 8])
        XCTAssertEqual(d.firstDay, 0)
        XCTAssertEqual(d.mean, 5)
        // After a warm-up reset recording resumes at a later day.
        d.reset()
        XCTAssertEqual(d.values, [])
        d.record(10, day: 7)
        d.record(20, day: 8)
        XCTAssertEqual(d.firstDay, 7)
        XCTAssertEqual(d.values, [10, 20])
        XCTAssertEqual(d.mean, 15)
    }
}

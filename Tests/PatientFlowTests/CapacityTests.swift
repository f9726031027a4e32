import PatientFlow
import SimCore
import Stochastics
import XCTest

/// Per-unit waits, turned-away counts and occupancy distributions of whole-model runs, against queueing theory
/// (fixed seeds; tolerances of 4 standard errors across replications).
final class CapacityTests: XCTestCase {
    /// A bedded unit with Poisson arrivals (10 a day), exponential stays (mean 1 day) and 12 beds is M/M/12 at
    /// a = 10: P(wait) = C(12, 10) = 0.4493, Wq = C / (c mu - lambda) = C / 2 days = 5.39 hours, and
    /// P(W > t) = C exp(-(c mu - lambda) t): 32.2% over 4 hours, 16.5% over 12 hours.
    func testWaitMetricsOfMMcAgainstErlangC() {
        var b = SystemBuilder(name: "mmc", horizon: 400 * day, warmUp: 30 * day)
        b.arrivals("in", perDay: 10, to: ["ward": 1])
        b.bedded("ward", beds: 12, stay: .exponential(mean: day), to: ["home": 1])
        b.exit("home")
        let results = runChecked(try! b.build(), replications: 8)
        let c = erlangC(12, 10), rate = 12.0 - 10.0  // c mu - lambda, per day
        let mean = across(results, "unit.ward.wait_mean"), waited = across(results, "unit.ward.wait_p")
        XCTAssertEqual(mean.mean, c / rate * 24, accuracy: 4 * mean.se, "Wq in hours")
        XCTAssertEqual(waited.mean, 100 * c, accuracy: 4 * waited.se, "P(wait) = C(12, 10), %")
        for (name, t) in [("4h", 4.0 / 24), ("12h", 12.0 / 24)] {
            let over = across(results, "unit.ward.wait_over.\(name)")
            XCTAssertEqual(over.mean, 100 * c * exp(-rate * t), accuracy: 4 * over.se, "P(W > \(name))")
        }
        XCTAssertGreaterThan(mean.mean, 1, "a test that cannot fail: the unit must queue")
    }

    /// Thresholds come from the spec (`wait_thresholds`), named by whole days, hours or minutes.
    func testWaitThresholdsAreTheSpecs() {
        var b = SystemBuilder(name: "mmc", horizon: 100 * day, warmUp: 10 * day)
        b.arrivals("in", perDay: 10, to: ["ward": 1])
        b.bedded("ward", beds: 11, stay: .exponential(mean: day), to: ["home": 1])
        b.exit("home")
        var spec = try! b.build()
        spec.waitThresholds = [30, 90, 2 * day]
        let r = runChecked(spec, replications: 1)[0]
        let ids = r.metrics.map(\.id).filter { $0.hasPrefix("unit.ward.wait_over.") }
        XCTAssertEqual(ids, ["unit.ward.wait_over.30min", "unit.ward.wait_over.90min", "unit.ward.wait_over.2d"])
        let shares = ids.map { r.metric($0)! }
        XCTAssertTrue(shares[0] >= shares[1] && shares[1] >= shares[2], "longer thresholds, fewer over: \(shares)")
        XCTAssertLessThanOrEqual(shares[0], r.metric("unit.ward.wait_p")!)
    }

    /// A virtual ward that turns step-ups away when full is M/M/c/c: by PASTA every Poisson stream is turned
    /// away with probability B(c, a), so stream k loses 365 lambda_k B(c, a) a year; nobody waits.
    func testTurnedAwayPerStreamIsErlangB() {
        var b = SystemBuilder(name: "loss", horizon: 300 * day, warmUp: 10 * day)
        b.arrivals("gp", perDay: 6, to: ["ward": 1])
        b.arrivals("ucr", perDay: 4, to: ["ward": 1])
        b.virtualWard("ward", places: 10, stay: .exponential(mean: day), whenFull: "away", to: ["home": 1])
        b.exit("away")
        b.exit("home")
        let results = runChecked(try! b.build(), replications: 8)
        let blocking = erlangB(10, 10)  // 0.2146
        for (stream, perDay) in [("gp", 6.0), ("ucr", 4.0)] {
            let lost = across(results, "unit.ward.turned_away.\(stream)")
            XCTAssertEqual(lost.mean, 365 * perDay * blocking, accuracy: 4 * lost.se, stream)
        }
        for r in results {
            XCTAssertEqual(r.metric("unit.ward.turned_away")!, r.metric("unit.ward.turned_away.gp")! + r.metric("unit.ward.turned_away.ucr")!,
                           accuracy: 1e-9, "the total is the sum of the streams")
            XCTAssertEqual(r.metric("unit.ward.turned_away")!, r.metric("vw_step_ups_turned_away")!, accuracy: 1e-9)
            XCTAssertEqual(r.metric("unit.ward.wait_p"), 0, "a loss unit makes nobody wait")
            XCTAssertNil(r.metric("unit.ward.turned_away.away"), "an exit sends nobody")
        }
    }

    /// The occupancy histograms a replication returns cover the whole observed time, and an unconstrained
    /// unit's (M/G/infinity, lognormal stays) gives the Erlang B curve through `CapacityPlanning`.
    func testUnconstrainedOccupancyGivesErlangB() {
        var b = SystemBuilder(name: "inf", horizon: 400 * day, warmUp: 30 * day)
        b.arrivals("in", perDay: 4, to: ["ward": 1])
        b.bedded("ward", beds: nil, stay: .lognormal(mean: 3 * day, sd: 2 * day), to: ["home": 1])
        b.exit("home")
        let results = runChecked(try! b.build(), replications: 8)
        var curves: [[Double]] = []
        for r in results {
            let h = r.occupancy.first { $0.unit == "ward" }!.histogram
            XCTAssertEqual(h.timeAtLevel.reduce(0, +), 400 * day, accuracy: 1e-6, "time at the levels = observed time")
            XCTAssertEqual(h.auditsAtLevel.reduce(0, +), 400, "one audit a day")
            let total = h.timeAtLevel.reduce(0, +)
            curves.append(CapacityPlanning.delayCurve(h.timeAtLevel.map { $0 / total }))
        }
        for c in [8, 12, 16, 20] {
            let xs = curves.map { c < $0.count ? $0[c] : 0 }
            let m = xs.reduce(0, +) / Double(xs.count)
            let se = (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1) / Double(xs.count)).squareRoot()
            XCTAssertEqual(m, erlangB(c, 12), accuracy: 4 * se, "P(delay | \(c)) = B(\(c), 12)")
        }
    }
}

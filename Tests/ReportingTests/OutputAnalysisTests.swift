import Foundation
@testable import PatientFlow
@testable import Reporting
import Stochastics
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Issue 14 points 3 and 4: the replications algorithm (Hoad, Robinson & Davies 2010) and MSER-5 (White 1997),
/// on synthetic values with known answers and on queueing systems with known behaviour.
final class OutputAnalysisTests: XCTestCase {
    /// A day in minutes (SimCore's `Duration.day`; SimCore is not a dependency of these tests).
    let day = 1440.0

    // MARK: Precision and the running interval

    func testPrecisionParsing() {
        XCTAssertEqual(Precision(parsing: "5%"), .relative(0.05))
        XCTAssertEqual(Precision(parsing: " 0.5 "), .absolute(0.5))
        for bad in ["0", "0%", "-1", "100%", "abc", "", "%", "nan", "inf"] { XCTAssertNil(Precision(parsing: bad), bad) }
        XCTAssertEqual(Precision.relative(0.05).description, "5%")
        XCTAssertTrue(Precision.relative(0.05).isMet(halfWidth: 0.5, mean: -10))
        XCTAssertFalse(Precision.relative(0.05).isMet(halfWidth: 0.51, mean: 10))
        XCTAssertFalse(Precision.relative(0.05).isMet(halfWidth: 0.1, mean: 0), "a relative precision around 0 is never met")
        XCTAssertTrue(Precision.relative(0.05).isMet(halfWidth: 0, mean: 0), "identical values are exact")
    }

    func testCurveIsTheStudentTInterval() {
        let c = ReplicationsAlgorithm.curve([1, 2, 3, .nan, 5])
        XCTAssertTrue(c[0].halfWidth.isNaN, "no interval from one value")
        // n = 3: mean 2, sd 1, t(0.975, 2) = 4.302653 (tables): 4.302653 / sqrt(3) = 2.484138.
        XCTAssertEqual(c[2].mean, 2, accuracy: 1e-12)
        XCTAssertEqual(c[2].halfWidth, 2.484138, accuracy: 1e-5)
        XCTAssertEqual(c[2].relativeHalfWidth, 2.484138 / 2, accuracy: 1e-5)
        XCTAssertEqual(c[3], ReplicationCurvePoint(n: 4, mean: c[2].mean, halfWidth: c[2].halfWidth), "a NaN value is left out")
        // n = 5 (4 values 1, 2, 3, 5): mean 2.75, sd 1.707825, t(0.975, 3) = 3.182446.
        XCTAssertEqual(c[4].halfWidth, 3.182446 * 1.707825 / 2, accuracy: 1e-5)
    }

    // MARK: The search

    func testLookAheadConfirmsOrRestarts() {
        let a = ReplicationsAlgorithm(precision: .relative(0.05), initial: 3, lookAhead: 5)
        let T = true, F = false
        XCTAssertEqual(a.evaluate([F, F, F]), .needs(total: 4))
        XCTAssertEqual(a.evaluate([F, F, T, T]), .needs(total: 8), "n = 3 meets it: 5 more are needed to confirm")
        XCTAssertEqual(a.evaluate([F, F, T, T, T, T, T, T]), .converged(n: 3, through: 8))
        // Lost at 6: the search goes on from 7, which needs 7 + 5.
        XCTAssertEqual(a.evaluate([F, F, T, T, T, F, T, T]), .needs(total: 12))
        XCTAssertEqual(a.evaluate([F, F, T, T, T, F, T, T, T, T, T, T]), .converged(n: 7, through: 12))
        XCTAssertEqual(a.evaluate([T, T, F, F, T, T, T, T, T, T]), .converged(n: 5, through: 10), "n below initial is not read")
        XCTAssertEqual(a.kLimit(100), 5)
        XCTAssertEqual(a.kLimit(250), 12, "beyond 100, 5% of n rounded down (Hoad et al. 2010)")
        let none = ReplicationsAlgorithm(precision: .relative(0.05), initial: 3, lookAhead: 0)
        XCTAssertEqual(none.evaluate([F, F, F, T]), .converged(n: 4, through: 4), "no look-ahead: the plain CI method")
    }

    func testSeveralMetricsMustHoldTogether() {
        let a = ReplicationsAlgorithm(precision: .absolute(1), initial: 3, lookAhead: 2)
        // Metric 0 is constant (exact from n = 2); metric 1 narrows as n grows.
        let narrow: [Double] = (0..<40).map { i in 10 + (i % 2 == 0 ? 1 : -1) }
        let curves = [ReplicationsAlgorithm.curve(Array(repeating: 3, count: 40)), ReplicationsAlgorithm.curve(narrow)]
        guard case .converged(let n, _) = a.evaluate(curves: curves) else { return XCTFail("no answer") }
        guard case .converged(let n1, _) = a.evaluate(a.within(curves[1])) else { return XCTFail("no answer for metric 1") }
        XCTAssertEqual(n, n1, "the joint answer is the slower metric's")
        XCTAssertLessThanOrEqual(curves[1][n - 1].halfWidth, 1)
        XCTAssertGreaterThan(curves[1][n - 2].halfWidth, 1)
    }

    /// An M/M/c/c loss system (Erlang B: c = 10 places, A = 10 erlangs, B = 21.46%): the share of time full.
    func lossSystem(seed: UInt64) throws -> SystemSpec {
        var b = SystemBuilder(name: "erlang-loss", horizon: 400 * day, warmUp: 20 * day)
        b.arrivals("referrals", perDay: 10, to: ["ward": 1])
        b.virtualWard("ward", places: 10, stay: .exponential(mean: day), whenFull: "turned_away", to: ["home": 1])
        b.exit("turned_away")
        b.exit("home")
        var spec = try b.build()
        spec.seed = seed
        return spec
    }

    func values(_ spec: SystemSpec, _ metric: String, from start: Int, to end: Int, jobs: Int) -> [Double] {
        let out = Collected()
        Experiment.stream(spec, from: start, replications: end, jobs: jobs) { out.results.append($0) }
        return out.results.map { $0.metric(metric) ?? .nan }
    }

    /// The answer on the M/M/c/c system agrees with the CI formula: at n the half-width is within the precision
    /// and at n - 1 it was not (or n is the initial number), and n is near (t s / (p x mean))^2 from a pilot.
    func testReplicationsOnALossSystemMatchTheCIFormula() throws {
        let metric = "vw_full_percent.ward", p = 0.02
        let spec = try lossSystem(seed: 1)
        let a = ReplicationsAlgorithm(precision: .relative(p))
        let (found, outcome) = a.search(metrics: 1, maxReplications: 500, batch: 2) { start, end in
            [values(spec, metric, from: start, to: end, jobs: 2)]
        }
        guard case .converged(let n, let through) = outcome else { return XCTFail("no answer: \(outcome)") }
        let curve = ReplicationsAlgorithm.curve(Array(found[0].prefix(through)))
        XCTAssertLessThanOrEqual(curve[n - 1].halfWidth, p * curve[n - 1].mean, "within the precision at n = \(n)")
        XCTAssertTrue(n == a.initial || curve[n - 2].halfWidth > p * curve[n - 2].mean, "not within it at n - 1")
        for k in n...through { XCTAssertLessThanOrEqual(curve[k - 1].relativeHalfWidth, p, "held through the look-ahead (\(k))") }
        // Erlang B(10, 10) = 0.2146 (the scenario's comment and the size test): the mean is right too.
        XCTAssertEqual(curve[n - 1].mean, 21.46, accuracy: 2 * curve[n - 1].halfWidth)
        // A pilot on other streams (seed 2, 200 replications) estimates sd s; the formula's n* = (t s / (p mean))^2
        // with t at n* - 1 degrees of freedom (iterated). The answer uses the running s_n, whose square has
        // relative sd sqrt(2 / (n - 1)) (chi-square), 27% at n = 27; n scales with s^2, so a factor of 2 either
        // side is over 2.5 sd of s_n^2, plus the pilot's own 10% on s^2.
        let pilot = MetricSummary(id: metric, values: values(try lossSystem(seed: 2), metric, from: 0, to: 200, jobs: 2))
        var predicted = 30.0
        for _ in 0..<10 {
            let t = SpecialFunctions.studentTQuantile(0.975, dof: max(1, predicted - 1))
            predicted = pow(t * pilot.standardDeviation / (p * pilot.mean), 2)
        }
        XCTAssertGreaterThanOrEqual(Double(n), predicted / 2, "n = \(n), predicted \(predicted)")
        XCTAssertLessThanOrEqual(Double(n), predicted * 2, "n = \(n), predicted \(predicted)")
    }

    /// Same seed, same answer and the same values read, whatever the batch (the command's --jobs).
    func testSearchDoesNotDependOnBatchOrJobs() throws {
        let metric = "vw_full_percent.ward"
        let spec = try lossSystem(seed: 3)
        let a = ReplicationsAlgorithm(precision: .relative(0.03))
        let one = a.search(metrics: 1, maxReplications: 300, batch: 1) { s, e in [values(spec, metric, from: s, to: e, jobs: 1)] }
        let three = a.search(metrics: 1, maxReplications: 300, batch: 3) { s, e in [values(spec, metric, from: s, to: e, jobs: 3)] }
        XCTAssertEqual(one.outcome, three.outcome)
        guard case .converged(_, let through) = one.outcome else { return XCTFail("no answer") }
        XCTAssertEqual(Array(one.values[0].prefix(through)), Array(three.values[0].prefix(through)))
    }

    func testMaxReplicationsStopsTheSearch() throws {
        let a = ReplicationsAlgorithm(precision: .relative(0.0001))
        var asked: [Int] = []
        let (vs, outcome) = a.search(metrics: 1, maxReplications: 20, batch: 4) { s, e in
            asked.append(e)
            return [(s..<e).map { Double($0 % 3) + 1 }]
        }
        XCTAssertEqual(outcome, .needs(total: 21))
        XCTAssertEqual(vs[0].count, 20)
        XCTAssertEqual(asked.last, 20, "never past --max-replications")
    }

    // MARK: MSER-5

    func testMSERByHand() throws {
        // Batches of 1: Z = 10, 0, 0, 0, 0, 0. MSER(0) = (100 - 6 (10/6)^2) / 36 = 83.33 / 36; MSER(1) = 0.
        let r = try XCTUnwrap(MSER.truncation([10, 0, 0, 0, 0, 0], batch: 1))
        XCTAssertEqual(r.statistic.count, 4, "d = 0...k/2")
        XCTAssertEqual(r.statistic[0], (100 - 6 * (10.0 / 6) * (10.0 / 6)) / 36, accuracy: 1e-12)
        XCTAssertEqual(r.batches, 1)
        XCTAssertEqual(MSER.truncation(Array(repeating: 4, count: 50))?.points, 0, "a constant series keeps everything")
        XCTAssertNil(MSER.truncation([1, 2, 3, 4, 5, 6, 7, 8, 9]), "fewer than two batches of 5")
        XCTAssertNil(MSER.truncation(Array(repeating: .nan, count: 20)))
        // A last incomplete batch is dropped: 12 values are 2 batches.
        XCTAssertEqual(MSER.truncation((0..<12).map(Double.init))?.statistic.count, 2)
    }

    /// A linear ramp for 40 days, then a constant with deterministic noise: the truncation is the ramp's end
    /// (8 batches of 5), wherever the noise's phase puts the batch means.
    func testMSERFindsTheEndOfARamp() throws {
        for phase in [0.0, 0.7, 1.9] {
            let ys = (0..<400).map { i -> Double in
                let noise = 2 * sin(1.7 * Double(i) + phase)
                return (i < 40 ? 100 * Double(i) / 40 : 100) + noise
            }
            let r = try XCTUnwrap(MSER.truncation(ys))
            XCTAssertEqual(r.batches, 8, "phase \(phase)")
            XCTAssertEqual(r.points, 40)
        }
        // A ramp longer than half the series cannot be found: the answer is capped at k/2.
        let long = (0..<100).map { Double(min($0, 80)) }
        XCTAssertEqual(MSER.truncation(long)?.batches, 10)
    }

    /// An M/M/inf ward started empty (10 a day, exponential stays of mean 5 d, a = 50): its mean occupancy is
    /// a (1 - e^{-t/5}), so the bias is a e^{-t/5}, below 1% of a after 4.6 stays (23 d). MSER-5 on the mean of
    /// R = 20 replications should cut where the bias sinks into the noise of a 5-day batch mean across them: the
    /// occupancy is Poisson(50) at any time (sd 7.1), daily audits 1 day apart correlate e^{-1/5} = 0.82, so a
    /// batch of 5 has sd about 6.6 and across 20 replications 1.5; the bias is 1.5 at t = 5 ln(50 / 1.5) = 17.5 d.
    /// The assertion: between 2 stays (10 d, bias 6.8, 4.5 noise sd: it must cut later) and 8 stays (40 d, bias
    /// 0.02: nothing left to cut for), for the median of 9 independent experiments. One experiment's cut is noisy:
    /// MSER cuts later than 40 d when noise late in the series happens to lower the remaining batches' spread,
    /// 6 of 40 seeds (15%) here; with p = 0.15 the median of 9 is past 40 d with probability 0.6%, and it is
    /// below 10 d only if the bias went unseen.
    func testMSERonAWardStartedEmpty() throws {
        var cuts: [Int] = []
        for seed in 1...9 {
            var b = SystemBuilder(name: "mm-inf", horizon: 200 * day, warmUp: 0)
            b.seed = UInt64(seed)
            b.arrivals("referrals", perDay: 10, to: ["ward": 1])
            b.bedded("ward", beds: nil, stay: .exponential(mean: 5 * day), to: ["home": 1])
            b.exit("home")
            var spec = try b.build()
            spec.dailyIncludesWarmUp = true
            let results = Experiment.run(spec, replications: 20, jobs: 2)
            let series = try XCTUnwrap(Summaries.daily(results).first { $0.series == "occupancy.ward" })
            let means = series.days.map(\.mean)
            XCTAssertEqual(means.count, 200)
            XCTAssertEqual(means[150..<200].reduce(0, +) / 50, 50, accuracy: 2, "equilibrium a = 50 (seed \(seed))")
            cuts.append(try XCTUnwrap(MSER.truncation(means)).points)
        }
        let median = cuts.sorted()[4]
        XCTAssertGreaterThanOrEqual(median, 10, "cuts \(cuts)")
        XCTAssertLessThanOrEqual(median, 40, "cuts \(cuts)")
    }

    // MARK: Files

    func testFilesParse() throws {
        let a = ReplicationsAlgorithm(precision: .relative(0.05))
        let curves = [ReplicationsAlgorithm.curve([1, 2, 3, 2, 2, 2, 2, 2])]
        let study = ReplicationsStudy(scenario: "s", metrics: ["m,1"], curves: curves, algorithm: a, answer: 3, perMetric: [3],
                                      maxReplications: 10, seed: 7)
        let csv = Writers.replicationsCurveCSV(study).split(separator: "\n")
        XCTAssertEqual(csv[0], "n,metric,mean,lower,upper,half_width,relative_half_width")
        XCTAssertEqual(csv.count, 9)
        XCTAssertEqual(csv[1], "1,\"m,1\",1.0,,,,")
        let json = try JSONSerialization.jsonObject(with: Data(Writers.replicationsAnswerJSON(study).utf8)) as? [String: Any]
        XCTAssertEqual(json?["answer"] as? Int, 3)
        let w = WarmupStudy(scenario: "s", metrics: ["x"], means: [(0..<20).map(Double.init)],
                            results: [MSER.truncation((0..<20).map(Double.init))], currentWarmUpDays: 61, replications: 2, seed: 1)
        let wj = try JSONSerialization.jsonObject(with: Data(Writers.warmupAnswerJSON(w).utf8)) as? [String: Any]
        XCTAssertEqual(wj?["suggested_warm_up_days"] as? Int, w.suggestedDays)
        XCTAssertEqual(Writers.warmupCSV(w).split(separator: "\n").count, 21)
        for page in [HTMLReport.render(title: "r", replications: study), HTMLReport.render(title: "w", warmup: w)] {
            XCTAssertTrue(page.contains("<svg"))
            let xml = page.components(separatedBy: "\n").dropFirst().joined(separator: "\n")
            XCTAssertTrue(XMLParser(data: Data(xml.utf8)).parse(), "well-formed")
        }
    }
}

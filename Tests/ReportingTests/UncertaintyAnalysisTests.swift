@testable import PatientFlow
@testable import Reporting
import XCTest

/// The Latin hypercube, the summaries across samples, probability best and the tornado's PRCC.
final class UncertaintyAnalysisTests: XCTestCase {
    func testEachStratumIsUsedOnceInEveryDimension() {
        let u = LatinHypercube.design(samples: 50, dimensions: ["a", "b", "c"], seed: 7)
        XCTAssertEqual(u.count, 50)
        for k in 0..<3 {
            XCTAssertEqual(Set(u.map { Int(($0[k] * 50).rounded(.down)) }), Set(0..<50), "dimension \(k)")
        }
        XCTAssertEqual(LatinHypercube.design(samples: 50, dimensions: ["a", "b", "c"], seed: 7), u, "seeded")
        // A dimension's column depends on its name, not on the others: adding one moves nothing.
        let more = LatinHypercube.design(samples: 50, dimensions: ["a", "z", "b", "c"], seed: 7)
        XCTAssertEqual(more.map { $0[0] }, u.map { $0[0] })
        XCTAssertEqual(more.map { $0[2] }, u.map { $0[1] })
        XCTAssertNotEqual(LatinHypercube.design(samples: 50, dimensions: ["a"], seed: 8).map { $0[0] }, u.map { $0[0] })
    }

    /// y = 3 x1 - x2 + 0 x3 + small noise, monotone: the PRCC of x1 is near +1, of x2 near -1, of x3 near 0.
    func testPartialRankCorrelationsFindWhatDrivesTheOutput() {
        let n = 200
        let u = LatinHypercube.design(samples: n, dimensions: ["x1", "x2", "x3"], seed: 3)
        var a = UncertaintyAnalysis(scenarios: ["base"], dimensions: ["x1", "x2", "x3"], points: u, metrics: ["m"], replications: 1)
        let y = u.enumerated().map { i, p in 3 * p[0] - p[1] + 0.01 * sin(Double(i)) }
        let r = a.partialRankCorrelations(y)
        XCTAssertGreaterThan(r[0], 0.95)
        XCTAssertLessThan(r[1], -0.9)
        // x3 plays no part: its PRCC is a correlation of independent ranks, sd about 1/sqrt(n) = 0.07.
        XCTAssertEqual(r[2], 0, accuracy: 4 / Double(n).squareRoot())
        a.means = y.map { [[$0]] }
        XCTAssertEqual(a.output(option: 0, metric: 0), y)
        XCTAssertEqual(UncertaintyAnalysis.ranks([3, 1, 2, 2]), [4, 1, 2.5, 2.5], "ties share their mean rank")
    }

    func testProbabilityBestAndMeetingATarget() throws {
        // Two scenarios over 4 samples of a lower-is-better metric: the option wins in samples 0 and 1, ties in 2.
        var a = UncertaintyAnalysis(scenarios: ["base", "option"], dimensions: ["x"], points: [[0], [1], [2], [3]],
                                    metrics: ["nctr_percent"], replications: 2)
        a.means = [[[10], [8]], [[11], [9]], [[12], [12]], [[13], [14]]]
        let best = try XCTUnwrap(a.probabilityBest().first)
        XCTAssertEqual(best.probabilities, [1.5 / 4, 2.5 / 4])
        XCTAssertEqual(a.probabilityMeeting(Target(metric: "nctr_percent", comparison: .atMost, value: 11)), [0.5, 0.5])
        let d = try XCTUnwrap(a.differences().first)
        XCTAssertEqual(d.expected.mean, -0.75)
        XCTAssertEqual(d.probabilityBetter, 0.5, "better in 2 of 4 samples (a tie is not better)")
        XCTAssertTrue(a.probabilityBest().allSatisfy { $0.metric != "acute_occupancy_percent" }, "no best without a direction")
    }

    func testTheSpreadSeparatesParameterAndReplicationVariation() {
        var a = UncertaintyAnalysis(scenarios: ["base"], dimensions: ["x"], points: (0..<21).map { [Double($0)] },
                                    metrics: ["nctr_percent"], replications: 4)
        a.means = (0..<21).map { [[Double($0)]] }
        a.standardErrors = (0..<21).map { _ in [[0.5]] }
        let s = a.spreads()[0]
        XCTAssertEqual(s.p5, 1, accuracy: 1e-12)
        XCTAssertEqual(s.p50, 10)
        XCTAssertEqual(s.p95, 19, accuracy: 1e-12)
        XCTAssertEqual(s.replicationError, 0.5)
    }
}

/// The report's uncertainty section: probability best, the differences over the samples, a tornado per option and metric.
final class UncertaintyReportTests: XCTestCase {
    func testTheReportShowsProbabilityBestDifferencesAndATornado() {
        let u = LatinHypercube.design(samples: 30, dimensions: ["units.ward.places", "factor:los"], seed: 1)
        var a = UncertaintyAnalysis(scenarios: ["base", "option"], dimensions: ["units.ward.places", "factor:los"], points: u,
                                    metrics: ["nctr_percent", "cost_total"], replications: 3)
        a.means = u.map { p in [[10 + 5 * p[1], 9e7], [9 + 5 * p[1] - 2 * p[0], 9.1e7 + 1e6 * p[0]]] }
        a.standardErrors = u.map { _ in [[0.1, 1e5], [0.1, 1e5]] }
        a.unstable = u.map { _ in [1, 0] }
        let r = UncertaintyReport(analysis: a, targets: [Target(metric: "nctr_percent", comparison: .atMost, value: 11)],
                                  laws: [("units.ward.places", "triangular(4, 6, 9)"), ("factor:los", "uniform(0.8, 1.2)")], planned: 30)
        let html = HTMLReport.render(title: "u", run: nil, uncertainty: r)
        XCTAssertNil(xmlError(html))
        let s = section("uncertainty", html)
        XCTAssertTrue(s.contains("Probability each scenario is best"))
        XCTAssertTrue(s.contains("base 33.3%, option 0.0%"), "the runaway share per scenario")
        XCTAssertEqual(count("data-chart=\"differences\"", in: s), 2, "one chart per metric")
        XCTAssertEqual(count("data-chart=\"tornado\"", in: s), 2, "one tornado per option and metric")
        XCTAssertEqual(count("<circle class=\"sample\"", in: s), 60, "a dot per sample and metric")
        // The option's NCTR difference is -1 - 2 x places-quantile: the tornado ranks places first, at -1.
        XCTAssertLessThan(r.tornado[0].prcc[0], -0.99)
        let text = r.text()
        XCTAssertTrue(text.contains("P(nctr_percent <= 11.0): base"), text)
        XCTAssertEqual(r.files().map(\.0), ["samples.csv", "sample-means.csv", "spread.csv", "differences.csv",
                                            "probability-best.csv", "targets.csv", "tornado.csv", "uncertainty.json"])
    }

    /// A metric with no value in any sample (the acute occupancy of a system without an acute ward) has no
    /// probability best or of meeting a target: the text and the page show "-" (it trapped converting NaN).
    func testAMetricWithoutValuesShowsADashNotATrap() throws {
        var a = UncertaintyAnalysis(scenarios: ["base", "option"], dimensions: ["x"], points: [[0.2], [0.7]],
                                    metrics: ["nctr_percent"], replications: 2)
        a.means = [[[.nan], [.nan]], [[.nan], [.nan]]]
        XCTAssertTrue(try XCTUnwrap(a.probabilityBest().first).probabilities.allSatisfy(\.isNaN))
        let r = UncertaintyReport(analysis: a, targets: [Target(metric: "nctr_percent", comparison: .atMost, value: 5)],
                                  laws: [("x", "uniform(0, 1)")], planned: 2)
        let text = r.text()
        XCTAssertTrue(text.contains("P(nctr_percent <= 5.0): base -, option -"), text)
        XCTAssertTrue(text.contains("best (share of samples)\nmetric        base  option\n------------  ----  ------\nnctr_percent     -       -\n"), text)
        XCTAssertNil(xmlError(HTMLReport.render(title: "u", run: nil, uncertainty: r)))
        XCTAssertEqual([TableWriter.fixed(.infinity, 2), TableWriter.fixed(-.infinity, 1), TableWriter.fixed(1e300, 2),
                        TableWriter.fixed(-0.004, 2)], ["inf", "-inf", "1e+300", "0.00"])
    }
}

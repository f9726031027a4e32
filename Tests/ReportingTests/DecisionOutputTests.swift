import Foundation
@testable import PatientFlow
@testable import Reporting
import SimCore
import XCTest

/// A replication with these metric values (and daily series) and nothing else, for summaries and comparisons.
func replicationResult(_ r: Int, _ metrics: [(String, Double)], daily: [DailySeries] = []) -> ReplicationResult {
    ReplicationResult(replication: r, metrics: metrics.map { MetricValue($0.0, $0.1) }, daily: daily, occupancy: [],
                      conservation: Conservation(), invariantViolations: [], events: 0, entitySlots: 0, warnings: [])
}

/// Self-describing results and decision-ready comparisons (issue 13, points 1 and 5).
final class DecisionOutputTests: XCTestCase {
    func result(_ r: Int, _ metrics: [(String, Double)], daily: [DailySeries] = []) -> ReplicationResult {
        replicationResult(r, metrics, daily: daily)
    }

    // MARK: Ranges

    func testPercentageIntervalsAreClippedToTheirRangeAndDifferencesAreNot() {
        // Two replications near 100%: the t-interval (t = 12.7 for 1 dof) runs far above 100.
        let p = MetricSummary.level(id: "ucr_2h_percent", values: [99, 100])
        XCTAssertGreaterThan(MetricSummary(id: "ucr_2h_percent", values: [99, 100]).upper, 100, "the raw interval")
        XCTAssertEqual(p.upper, 100)
        XCTAssertEqual(p.mean, 99.5)
        XCTAssertLessThan(p.lower, 99.5)
        // A count's interval stops at 0; a net quantity's does not.
        XCTAssertEqual(MetricSummary.level(id: "handovers_over_60min", values: [0, 40]).lower, 0)
        XCTAssertLessThan(MetricSummary.level(id: "bed_days_released", values: [0, 40]).lower, 0)
        // A family member takes its family's range.
        XCTAssertEqual(MetricSummary.level(id: "vw_full_percent.frailty_hub", values: [0, 3]).lower, 0)
        // Differences of percentages go negative: a comparison's difference is not clipped.
        let base = (0..<4).map { result($0, [("ucr_2h_percent", 99.0 + Double($0 % 2))]) }
        let option = (0..<4).map { result($0, [("ucr_2h_percent", 95.0 + Double($0 % 2) * 2)]) }
        let c = Comparison(baseline: "b", option: "o", baselineResults: base, optionResults: option)
        XCTAssertLessThan(c.rows[0].difference.upper, 0)
        XCTAssertLessThanOrEqual(c.rows[0].baseline.upper, 100)
    }

    func testTheTerminalTableCarriesLabelsUnitsAndDirections() {
        let t = TableWriter.metrics([MetricSummary.level(id: "nctr_percent", values: [10, 12]),
                                     MetricSummary.level(id: "cost_total", values: [9.0e7, 9.2e7])])
        let lines = t.split(separator: "\n")
        XCTAssertEqual(lines[0].split(separator: " ", omittingEmptySubsequences: true),
                       ["metric", "mean", "95%", "CI", "unit", "better", "n", "label"])
        XCTAssertTrue(lines[2].contains("%") && lines[2].contains("lower") && lines[2].contains("Patients with no criteria to reside"))
        XCTAssertTrue(lines[3].contains("£91.00m") && lines[3].contains("£/year"), String(lines[3]))
        XCTAssertFalse(t.split(separator: "\n").contains { $0.hasSuffix(" ") }, "no trailing spaces")
    }

    // MARK: Provenance

    func testProvenanceIsInSummaryJSONAndSourceDateEpochFixesTheTime() throws {
        XCTAssertEqual(Provenance.now(environment: ["SOURCE_DATE_EPOCH": "0"]), "1970-01-01T00:00:00Z")
        XCTAssertEqual(Provenance.now(environment: ["SOURCE_DATE_EPOCH": "1796143999"]), "2026-12-01T16:53:19Z")
        let p = Provenance(flowsimVersion: "0.13.0 (abc)", scenarioPath: "s.yaml", scenarioHash: "fnv1a64:1", seed: 18_446_744_073_709_551_615,
                           replications: 3, horizonDays: 365, warmUpDays: 60, startDate: CivilDate(year: 2025, month: 4, day: 1),
                           overrides: ["units.ward.beds=40"], created: "2026-12-01T00:00:00Z")
        let report = RunReport(scenario: "s", replications: 3, seed: p.seed,
                               metrics: [MetricSummary.level(id: "nctr_percent", values: [1, 2, 3])], daily: [], provenance: p)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(Writers.summaryJSON(report).utf8)) as? [String: Any])
        let prov = try XCTUnwrap(json["provenance"] as? [String: Any])
        XCTAssertEqual(prov["flowsim_version"] as? String, "0.13.0 (abc)")
        XCTAssertEqual(prov["seed"] as? String, "18446744073709551615", "every 64-bit seed exactly")
        XCTAssertEqual(prov["start_date"] as? String, "2025-04-01")
        XCTAssertEqual(prov["warm_up_days"] as? Double, 60)
        XCTAssertEqual(prov["overrides"] as? [String], ["units.ward.beds=40"])
        let metric = try XCTUnwrap((json["metrics"] as? [[String: Any]])?.first)
        XCTAssertEqual(metric["label"] as? String, "Patients with no criteria to reside")
        XCTAssertEqual(metric["unit"] as? String, "%")
        XCTAssertEqual(metric["better"] as? String, "lower")
    }

    // MARK: Daily series

    func testDailyCSVHasDatesAndPercentilesAcrossReplications() throws {
        func series(_ values: [Double]) -> DailySeries {
            var s = DailySeries(name: "acute_occupied")
            for (d, v) in values.enumerated() { s.record(v, day: d) }
            return s
        }
        // Day 0 values over 5 replications: 10, 20, 30, 40, 50 -> p10 14, p50 30, p90 46 (type 7).
        let s = StreamingSummaries(firstDate: CivilDate(year: 2025, month: 5, day: 31), keepDailyValues: true)
        for r in 0..<5 { s.add(result(r, [("nctr_percent", 1)], daily: [series([Double(10 * (r + 1)), 7])])) }
        let csv = Writers.dailyCSV(s.daily).split(separator: "\n")
        XCTAssertEqual(csv[0], "day,date,series,mean,lower,upper,p10,p50,p90")
        let f = csv[1].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(f[0], "0")
        XCTAssertEqual(f[1], "2025-05-31")
        XCTAssertEqual(Double(f[3]), 30)
        XCTAssertEqual(Double(f[6])!, 14, accuracy: 1e-12)
        XCTAssertEqual(Double(f[7])!, 30, accuracy: 1e-12)
        XCTAssertEqual(Double(f[8])!, 46, accuracy: 1e-12)
        XCTAssertEqual(csv[2].split(separator: ",")[1], "2025-06-01", "the next day's date")
        let rows = s.dailyValuesCSV.split(separator: "\n")
        XCTAssertEqual(rows.count, 1 + 5 * 2)
        XCTAssertEqual(rows[3], "1,0,2025-05-31,acute_occupied,20.0")
    }

    func testPercentilesBeyondTheExactLimitFollowPSquared() {
        // 5,000 values of a known sequence (a Weyl sequence: equidistributed on [0, 1)); P-squared's estimates
        // must be near the exact sample quantiles: the sample quantile's own standard error here is
        // sqrt(p(1-p)/n) = 0.004-0.007, and 0.02 is three to five of them.
        var sketch = PercentileSketch()
        var xs: [Double] = []
        for i in 0..<5_000 {
            let x = (Double(i) * 0.6180339887498949).truncatingRemainder(dividingBy: 1)
            xs.append(x)
            sketch.add(x)
        }
        let exact = [0.1, 0.5, 0.9].map { PercentileSketch.quantile(xs.sorted(), $0) }
        let v = sketch.value
        XCTAssertEqual(v.p10, exact[0], accuracy: 0.02)
        XCTAssertEqual(v.p50, exact[1], accuracy: 0.02)
        XCTAssertEqual(v.p90, exact[2], accuracy: 0.02)
        // Below the limit the values are exact.
        var small = PercentileSketch()
        for x in [3.0, 1, 2] { small.add(x) }
        XCTAssertEqual(small.value, Percentiles(p10: 1.2, p50: 2, p90: 2.8))
    }

    // MARK: Verdicts

    func testVerdictsNeedTheMinimumDifferenceAndSayIdentical() {
        let small = MetricSummary(id: "d", values: [0.4, 0.6, 0.45, 0.55, 0.5])
        XCTAssertEqual(Comparison.verdict(small, .higherIsBetter), .better)
        XCTAssertEqual(Comparison.verdict(small, .higherIsBetter, minimumDifference: 1), .tooSmall)
        XCTAssertEqual(Comparison.verdict(small, .neither, minimumDifference: 1), .tooSmall)
        XCTAssertEqual(Comparison.verdict(small, .higherIsBetter, minimumDifference: 0.5), .better, "at the minimum counts")
        XCTAssertEqual(Comparison.verdict(small, .higherIsBetter, identical: true), .identical)
        // Through a comparison: the same values -> identical; a 1-point change in a percentage -> better; a
        // 0.5-point change -> too small to matter under the default of 1 point, better with --min-difference 0.25.
        let base = (0..<6).map { result($0, [("ed_4h_percent", 70 + Double($0 % 3)), ("nctr_percent", 10 + Double($0 % 2))]) }
        let same = Comparison(baseline: "b", option: "o", baselineResults: base, optionResults: base)
        XCTAssertEqual(same.rows.map(\.verdict), [.identical, .identical])
        let better = (0..<6).map { r -> ReplicationResult in
            let x = Double(r), ed: Double = 71.5 + Double(r % 3) + 0.01 * x, nctr: Double = 9.5 + Double(r % 2) + 0.01 * x
            return result(r, [("ed_4h_percent", ed), ("nctr_percent", nctr)])
        }
        let c = Comparison(baseline: "b", option: "o", baselineResults: base, optionResults: better)
        XCTAssertEqual(c.row("ed_4h_percent")?.verdict, .better)
        XCTAssertEqual(c.row("ed_4h_percent")?.minimumDifference, 1)
        XCTAssertEqual(c.row("nctr_percent")?.verdict, .tooSmall)
        let relaxed = Comparison(baseline: "b", option: "o", baselineResults: base, optionResults: better,
                                 minimumDifferences: ["nctr_percent": .absolute(0.25)])
        XCTAssertEqual(relaxed.row("nctr_percent")?.verdict, .better)
        // A relative minimum is a share of the baseline's mean: 5% of 2,000 handovers = 100.
        XCTAssertEqual(MinimumDifference.relative(0.05).value(baselineMean: 2_000), 100)
        XCTAssertEqual(MetricCatalog.info(for: "handovers_over_30min")?.minimumDifference, .relative(0.05))
    }

    func testPairedPValueMatchesTheTDistribution() {
        // Differences 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), t = 3 / (sqrt(2.5)/sqrt(5)) = 4.2426; two-sided
        // p for 4 dof = 0.013236 (R: 2 * pt(-4.2426, 4)).
        let p = Comparison.pairedPValue(MetricSummary(id: "d", values: [1, 2, 3, 4, 5]))
        XCTAssertEqual(p, 0.013236, accuracy: 1e-5)
    }

    func testHolmAdjustmentMatchesTheTextbookSteps() {
        // Four tests with p = 0.01, 0.04, 0.03, 0.005: Holm multiplies the sorted p-values by 4, 3, 2, 1 and keeps
        // them monotone -> 0.02, 0.03, 0.06, 0.06 (R: p.adjust(c(.01, .04, .03, .005), "holm") = .03 .06 .06 .02).
        var c = Comparison(baseline: "b", option: "o", baselineResults: [], optionResults: [])
        let d = MetricSummary(id: "d", values: [1, 1.1, 0.9])
        c.rows = [0.01, 0.04, 0.03, 0.005].enumerated().map { i, p in
            ComparisonRow(metric: "ed_4h_percent.m\(i)", baseline: d, option: d, difference: d, direction: .higherIsBetter,
                          minimumDifference: 0, pValue: p, identical: false, verdict: .better)
        }
        var cs = [c]
        Comparison.adjustForMultiplicity(&cs)
        XCTAssertEqual(cs[0].rows.map(\.pValue), [0.03, 0.06, 0.06, 0.02].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(cs[0].rows.map(\.verdict), [.better, .noClearDifference, .noClearDifference, .better])
        XCTAssertTrue(cs[0].holmAdjusted)
        XCTAssertTrue(Writers.comparisonCSV(cs[0]).split(separator: "\n")[1].hasSuffix(",true"))
    }

    // MARK: Scorecard

    func testTheScorecardHasOneRowPerOption() throws {
        let base = (0..<5).map { r -> ReplicationResult in
            let nctr: Double = 10 + Double(r % 2), cost: Double = 9e7 + Double(r)
            return result(r, [("nctr_percent", nctr), ("cost_total", cost)])
        }
        func option(_ shift: Double) -> [ReplicationResult] {
            (0..<5).map { r -> ReplicationResult in
                let nctr: Double = 10 + Double(r % 2) + shift + 0.01 * Double(r), cost: Double = 9e7 + Double(r)
                return result(r, [("nctr_percent", nctr), ("cost_total", cost)])
            }
        }
        let cs = [Comparison(baseline: "base", option: "a", baselineResults: base, optionResults: option(-2)),
                  Comparison(baseline: "base", option: "b", baselineResults: base, optionResults: option(3))]
        let card = Scorecard(cs, metrics: ["nctr_percent", "cost_total", "not_a_metric"])
        XCTAssertEqual(card.metrics, ["nctr_percent", "cost_total"], "metrics the results lack are left out")
        let lines = Writers.scorecardCSV(card).split(separator: "\n")
        XCTAssertEqual(lines.count, 3, "a header and one row per option")
        let header = lines[0].split(separator: ",").map(String.init)
        XCTAssertEqual(Array(header.prefix(4)), ["option", "baseline", "pairs", "nctr_percent.baseline"])
        let a = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(a[0], "a")
        XCTAssertEqual(a[try XCTUnwrap(header.firstIndex(of: "nctr_percent.verdict"))], "better")
        XCTAssertEqual(a[try XCTUnwrap(header.firstIndex(of: "cost_total.verdict"))], "identical")
        XCTAssertEqual(Double(a[try XCTUnwrap(header.firstIndex(of: "nctr_percent.difference"))])!, -1.98, accuracy: 1e-9)
        let t = TableWriter.scorecard(card)
        XCTAssertTrue(t.contains("worse"), t)
        XCTAssertTrue(t.contains("£90.00m"), t)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}

/// The plain-language findings say the number, the change and the verdict in the metric's units.
final class FindingsTests: XCTestCase {
    func testFindingsSayTheChangeInTheMetricsUnits() {
        let level = MetricSummary.level(id: "nctr_percent", values: [11, 11.5, 12])
        XCTAssertEqual(Findings.sentence(for: level), "Patients with no criteria to reside: 11.5% (95% CI 10.3% to 12.7%).")
        let d = MetricSummary(id: "nctr_percent", values: [-3.5, -3.7, -3.6])
        let row = ComparisonRow(metric: "nctr_percent", baseline: MetricSummary(id: "nctr_percent", values: [11.3, 11.3]),
                                option: MetricSummary(id: "nctr_percent", values: [7.7, 7.7]), difference: d,
                                direction: .lowerIsBetter, minimumDifference: 1, pValue: 0.001, identical: false,
                                verdict: .better)
        XCTAssertEqual(Findings.sentence(for: row, option: "D2A"),
                       "D2A lowers patients with no criteria to reside by 3.6 points, from 11.3% to 7.7% (95% CI of the change 3.4 to 3.8 points lower): better.")
        var same = row
        same.verdict = .identical
        XCTAssertTrue(Findings.sentence(for: same, option: "D2A").contains("unchanged at 11.3%"))
        var small = row
        small.verdict = .tooSmall
        XCTAssertTrue(Findings.sentence(for: small, option: "D2A").hasSuffix("smaller than the 1 point that counts as meaningful."))
        XCTAssertEqual(Findings.level(94_910_000, .gbpPerYear), "£94.91m a year")
        XCTAssertEqual(Findings.level(12_345.4, .countPerYear), "12,345 a year")
        XCTAssertEqual(Findings.change(-0.0001, .percent), "0 points")
        XCTAssertEqual(Findings.change(-1, .percent), "-1 point")
    }
}

/// The report's decision sections: the scorecard, findings, assumptions and provenance.
final class DecisionReportTests: XCTestCase {
    func testACompareReportLeadsWithTheScorecardAndSaysWhereItCameFrom() throws {
        let a = sampleComparison(option: "option-a"), b = sampleComparison(option: "option-b")
        let card = Scorecard([a, b], metrics: ["nctr_percent", "ed_4h_percent", "cost_total"])
        let p = Provenance(flowsimVersion: "0.13.0 (abc)", scenarioPath: "scenarios/mk-baseline.yaml", scenarioHash: "fnv1a64:1",
                           seed: 1, replications: 10, horizonDays: 365, warmUpDays: 61,
                           startDate: CivilDate(year: 2025, month: 4, day: 1), created: "2026-12-01T00:00:00Z")
        let html = HTMLReport.render(title: "t", run: sampleRun(), comparisons: [a, b], scorecard: card,
                                     assumptions: [("option-a", [HTMLReport.AssumptionChange(key: "units.hub.places", baseline: "20", option: "40")]),
                                                   ("option-b", [])],
                                     provenance: [("mk-baseline", p)])
        XCTAssertNil(xmlError(html))
        let ids = sectionIDs(html)
        XCTAssertEqual(Array(ids.prefix(2)), ["scorecard", "findings"], "the scorecard and the findings come first")
        XCTAssertTrue(ids.contains("assumptions") && ids.contains("provenance"))
        let sc = section("scorecard", html)
        XCTAssertEqual(count("<tr><td title=", in: sc), 3, "one row per scorecard metric")
        XCTAssertEqual(count("<span class=\"unit\">option − baseline</span>", in: sc), 2, "one column per option")
        XCTAssertTrue(sc.contains("cell-better"), "an option better in NCTR is marked")
        XCTAssertTrue(sc.contains("£"), "money in pounds")
        let findings = section("findings", html)
        XCTAssertEqual(count("<li>", in: findings), 6, "a sentence per metric and option")
        XCTAssertTrue(findings.contains("option-a lowers patients with no criteria to reside by 2.3 points"), findings)
        XCTAssertTrue(findings.contains("option-a lowers A&amp;E patients"), "acronyms keep their capitals")
        let assumptions = section("assumptions", html)
        XCTAssertTrue(assumptions.contains("units.hub.places") && assumptions.contains("No value differs from the baseline"))
        let prov = section("provenance", html)
        XCTAssertTrue(prov.contains("0.13.0 (abc)") && prov.contains("fnv1a64:1") && prov.contains("2025-04-01"))
    }

    func testARunReportHasFindingsAndItsOwnProvenance() {
        var run = sampleRun()
        run.provenance = Provenance(flowsimVersion: "v", scenarioPath: "s.yaml", scenarioHash: "h", seed: 1, replications: 10,
                                    horizonDays: 365, warmUpDays: 61, startDate: CivilDate(year: 2025, month: 4, day: 1),
                                    created: "2026-12-01T00:00:00Z")
        let html = HTMLReport.render(title: "t", run: run)
        XCTAssertNil(xmlError(html))
        XCTAssertEqual(sectionIDs(html).first, "findings")
        XCTAssertTrue(section("findings", html).contains(HTMLReport.escape(Findings.sentence(for: run.metric("nctr_percent")!))))
        XCTAssertTrue(section("provenance", html).contains("s.yaml"))
    }
}

import Foundation
@testable import Reporting
import PatientFlow
import SimCore
import XCTest

#if canImport(FoundationXML)
import FoundationXML
#endif

// MARK: - Sample data

/// Values around `mean` with a little spread, deterministic.
func spread(_ mean: Double, _ sd: Double, n: Int = 10, phase: Double = 0) -> [Double] {
    (0..<n).map { i in mean + sd * sin(Double(i) * 1.7 + phase) }
}

func summary(_ id: String, _ mean: Double, _ sd: Double, n: Int = 10) -> MetricSummary {
    MetricSummary(id: id, values: spread(mean, sd, n: n))
}

/// A daily series of `days` days: a seasonal curve with replication noise, optionally with NaN days.
func dailySeries(_ name: String, days: Int, base: Double, amplitude: Double, noise: Double,
                 nanDays: Set<Int> = []) -> DailySummary {
    DailySummary(series: name, days: (0..<days).map { d in
        if nanDays.contains(d) { return MetricSummary(id: "\(d)", values: [.nan, .nan]) }
        let m = base + amplitude * sin(Double(d) / Double(days) * 2 * .pi) + 0.3 * amplitude * sin(Double(d) / 7 * 2 * .pi)
        return MetricSummary(id: "\(d)", values: spread(m, noise, phase: Double(d)))
    })
}

func sampleRun(scenario: String = "mk-baseline") -> RunReport {
    let metrics = [
        summary("nctr_percent", 21.4, 1.2), summary("nctr_bed_days", 48_000, 2_500),
        summary("handovers_over_30min_percent", 18.2, 2.1), summary("handovers_over_60min_percent", 6.1, 1.0),
        summary("handover_hours_lost", 9_800, 900), summary("home_at_91_days_percent", 81.5, 2.5),
        summary("ed_4h_percent", 72.3, 1.4), summary("ed_12h_waits", 3_100, 400),
        summary("acute_occupancy_percent", 94.2, 0.8), summary("mean_los_days", 8.6, 0.3),
        summary("readmissions_30d_percent", 12.9, 0.9), summary("vw_occupancy_percent", 77.0, 3.0),
        summary("vw_occupancy_percent.frailty_hub", 81.0, 4.0), summary("vw_occupancy_percent.resp", 65.0, 5.0),
        summary("vw_full_percent.frailty_hub", 7.5, 2.0),
        summary("ucr_2h_percent", 74.0, 3.0), summary("elective_over_78_weeks", 40, 12),
        summary("cost_total", 142_000_000, 3_000_000),
        MetricSummary(id: "home_at_91_days_percent.north", values: [.nan, .nan]),
        summary("unit.ed.queue_mean", 4.2, 0.5),
    ]
    let daily = [
        dailySeries("acute_occupied", days: 365, base: 600, amplitude: 30, noise: 8),
        dailySeries("acute_occupancy_percent", days: 365, base: 93, amplitude: 3, noise: 1.5),
        dailySeries("nctr_percent", days: 365, base: 21, amplitude: 2, noise: 1.5),
        dailySeries("handovers_over_30min", days: 365, base: 12, amplitude: 4, noise: 3),
        dailySeries("occupancy.frailty_hub", days: 365, base: 40, amplitude: 5, noise: 3, nanDays: [100, 101, 102]),
        dailySeries("occupancy.resp", days: 365, base: 20, amplitude: 4, noise: 2),
        dailySeries("occupancy.acute_medical", days: 365, base: 300, amplitude: 20, noise: 5),
        dailySeries("queue.frailty_hub", days: 365, base: 1, amplitude: 1, noise: 1),
    ]
    return RunReport(scenario: scenario, replications: 10, seed: 42, metrics: metrics, daily: daily)
}

func row(_ id: String, baseline: Double, option: Double, diffs: [Double]) -> ComparisonRow {
    let d = MetricSummary(id: id, values: diffs)
    let dir = MetricCatalog.direction(of: id)
    return ComparisonRow(metric: id, baseline: MetricSummary(id: id, values: spread(baseline, baseline * 0.05)),
                         option: MetricSummary(id: id, values: spread(option, option * 0.05)), difference: d,
                         direction: dir, minimumDifference: 0, pValue: Comparison.pairedPValue(d), identical: false,
                         verdict: Comparison.verdict(d, dir))
}

func sampleComparison(option: String = "virtual-wards+20") -> Comparison {
    var c = Comparison(baseline: "mk-baseline", option: option, baselineResults: [], optionResults: [])
    c.replications = 10
    c.rows = [
        row("nctr_percent", baseline: 21.4, option: 19.0, diffs: spread(-2.4, 0.6)),
        row("nctr_bed_days", baseline: 48_000, option: 44_000, diffs: spread(-4_000, 800)),
        row("handovers_over_30min_percent", baseline: 18.2, option: 18.4, diffs: spread(0.2, 1.0)),
        row("home_at_91_days_percent", baseline: 81.5, option: 84.0, diffs: spread(2.5, 0.7)),
        row("ed_4h_percent", baseline: 72.3, option: 71.0, diffs: spread(-1.3, 0.3)),
        row("acute_occupancy_percent", baseline: 94.2, option: 92.0, diffs: spread(-2.2, 0.4)),
        row("cost_total", baseline: 142e6, option: 145e6, diffs: spread(3e6, 0.5e6)),
        row("elective_over_78_weeks", baseline: 0, option: 0, diffs: spread(0, 0)),
        row("vw_full_percent.frailty_hub", baseline: 7.5, option: 3.1, diffs: spread(-4.4, 1.0)),
        row("ucr_visits", baseline: 9_000, option: 9_100, diffs: spread(100, 80)),
    ]
    return c
}

func sampleSweep(twoParameters: Bool = true) -> Sweep {
    var points: [SweepPoint] = []
    let places = [10.0, 20, 30, 40, 50, 60]
    let staff = twoParameters ? [4.0, 6, 8] : [5.0]
    for p in places {
        for s in staff {
            let full = max(0.5, 60 * exp(-p / (6 * s)))
            let occ = min(99, 2400 / p + s)
            points.append(SweepPoint(values: twoParameters ? [p, s] : [p], metrics: [
                MetricSummary(id: "vw_full_percent.frailty_hub", values: spread(full, full * 0.15)),
                MetricSummary(id: "vw_occupancy_percent.frailty_hub", values: spread(occ, 2)),
            ]))
        }
    }
    return Sweep(scenario: "mk-baseline", parameters: twoParameters ? ["frailty_hub.places", "frailty_hub.staff"] : ["frailty_hub.places"],
                 points: points, shown: ["vw_full_percent.frailty_hub", "vw_occupancy_percent.frailty_hub"],
                 target: Target(parsing: "vw_full_percent.frailty_hub <= 5"))
}

// MARK: - Checking the page

/// Parses the page as XML (without its doctype line); returns the parse error, or nil when well-formed.
func xmlError(_ html: String) -> String? {
    var lines = html.components(separatedBy: "\n")
    if lines.first?.hasPrefix("<!DOCTYPE") == true { lines.removeFirst() }
    let parser = XMLParser(data: Data(lines.joined(separator: "\n").utf8))
    if parser.parse() { return nil }
    return parser.parserError.map { "\($0) at line \(parser.lineNumber), column \(parser.columnNumber)" } ?? "unknown error"
}

func count(_ needle: String, in hay: String) -> Int { hay.components(separatedBy: needle).count - 1 }

/// The `<section id=...>` ids, in order.
func sectionIDs(_ html: String) -> [String] {
    html.components(separatedBy: "<section id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
}

/// The text of the section with `id` (up to its closing tag).
func section(_ id: String, _ html: String) -> String {
    guard let start = html.range(of: "<section id=\"\(id)\"") else { return "" }
    let rest = html[start.lowerBound...]
    guard let end = rest.range(of: "</section>") else { return String(rest) }
    return String(rest[..<end.upperBound])
}

// MARK: - Tests

final class HTMLReportTests: XCTestCase {
    func testFullPageIsWellFormedAndHasEverySection() throws {
        let html = HTMLReport.render(title: "MK winter", run: sampleRun(), comparisons: [sampleComparison()],
                                     sweep: sampleSweep())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n"))
        XCTAssertNil(xmlError(html))
        XCTAssertEqual(sectionIDs(html), ["findings", "headline", "daily", "compare", "sweep"])
        for id in ["headline", "daily", "compare", "sweep"] {
            XCTAssertTrue(section(id, html).contains("<h2>"), id)
        }
        // Charts: 3 main daily series + 2 virtual wards (not acute_medical, not queue.*), one forest plot,
        // one chart per shown sweep metric.
        XCTAssertEqual(count("<svg class=\"chart\"", in: section("daily", html)), 5)
        XCTAssertEqual(count("<svg class=\"chart\" data-chart=\"forest\"", in: section("compare", html)), 1)
        XCTAssertEqual(count("<svg class=\"chart\"", in: section("sweep", html)), 2)
        XCTAssertEqual(count("<svg class=\"chart\"", in: html), 8, "every chart, the forest plot too, is exactly class=chart")
        XCTAssertEqual(count("<svg", in: html), count("</svg>", in: html))
        XCTAssertEqual(count("<section", in: html), count("</section>", in: html))
        XCTAssertTrue(section("daily", html).contains("occupancy.frailty_hub") || html.contains("frailty_hub: patients"))
        XCTAssertFalse(section("daily", html).contains("acute_medical"))
        if let path = ProcessInfo.processInfo.environment["FLOWSIM_WRITE_SAMPLE_REPORT"], !path.isEmpty {
            try html.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    func testHeadlineTableHasHeadlineMetricsWithCIBarsAndEveryMetricInDetails() {
        let html = HTMLReport.render(title: "t", run: sampleRun())
        let head = section("headline", html)
        let main = head.components(separatedBy: "<details>")[0]
        XCTAssertEqual(count("<svg class=\"cibar\"", in: main), 15, "one CI bar per headline metric present")
        XCTAssertTrue(main.contains(">cost_total<"))
        XCTAssertFalse(main.contains("vw_full_percent.frailty_hub"), "not a headline metric")
        let details = head.components(separatedBy: "<details>")[1]
        XCTAssertEqual(count("<tr>", in: details), sampleRun().metrics.count + 1)
        XCTAssertTrue(details.contains("vw_full_percent.frailty_hub"))
        XCTAssertEqual(sectionIDs(html), ["findings", "headline", "daily"])
    }

    func testNoNetworkReferencesOrScripts() {
        let html = HTMLReport.render(title: "t", run: sampleRun(), comparisons: [sampleComparison()], sweep: sampleSweep())
        let withoutXmlns = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        XCTAssertFalse(withoutXmlns.contains("http://"))
        XCTAssertFalse(withoutXmlns.contains("https://"))
        XCTAssertFalse(withoutXmlns.contains("//"), "no protocol-relative references either")
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.lowercased().contains("<link"))
        XCTAssertFalse(html.lowercased().contains("<img"))
        XCTAssertFalse(html.lowercased().contains("@import"))
        XCTAssertFalse(html.lowercased().contains("url("))
    }

    func testNamesAreEscaped() {
        let evil = "<b>A&E</b> \"fast\" 'track'"
        var run = sampleRun(scenario: evil)
        run.metrics.append(summary("vw_occupancy_percent.<ward&1>", 50, 5))
        run.daily.append(dailySeries("occupancy.<ward&1>", days: 30, base: 10, amplitude: 1, noise: 1))
        var comparison = sampleComparison(option: evil)
        comparison.rows.insert(row("nctr_percent.<x&y>", baseline: 10, option: 9, diffs: spread(-1, 0.2)), at: 0)
        var sweep = sampleSweep()
        sweep.parameters[0] = "<p>&amp"
        let html = HTMLReport.render(title: "Title <script>alert(1)</script> & more", run: run,
                                     comparisons: [comparison], sweep: sweep)
        XCTAssertNil(xmlError(html))
        XCTAssertFalse(html.contains("<b>A&E"))
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertFalse(html.contains("<ward&1>"))
        XCTAssertFalse(html.contains("<p>&amp"))
        XCTAssertTrue(html.contains("&lt;b&gt;A&amp;E&lt;/b&gt;"))
        XCTAssertTrue(html.contains("Title &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
        XCTAssertTrue(html.contains("vw_occupancy_percent.&lt;ward&amp;1&gt;"))
        XCTAssertTrue(html.contains("&lt;p&gt;&amp;amp"))
        XCTAssertEqual(count("<svg class=\"chart\"", in: section("daily", html)), 6, "the escaped ward still charted")
        XCTAssertEqual(HTMLReport.escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;")
    }

    func testDailyChartsHaveCIBandAxesAndTitle() {
        let html = HTMLReport.render(title: "t", run: sampleRun())
        let daily = section("daily", html)
        let charts = daily.components(separatedBy: "<svg class=\"chart\"").dropFirst()
        XCTAssertEqual(charts.count, 5)
        for c in charts {
            XCTAssertTrue(c.contains("viewBox=\"0 0 640 320\""))
            XCTAssertTrue(c.contains("<path class=\"band\" d=\"M"), "CI band")
            XCTAssertTrue(c.contains("Z\""), "band is a closed polygon")
            XCTAssertTrue(c.contains("<path class=\"line\""), "mean line")
            XCTAssertTrue(c.contains("class=\"ctitle\""), "title")
            XCTAssertGreaterThanOrEqual(count("class=\"tick\"", in: c), 6, "ticks on both axes")
            XCTAssertTrue(c.contains(">day after warm-up<"), "x-axis label (no dates known)")
        }
        XCTAssertTrue(daily.contains("% of available beds"))
        // The frailty hub series has three NaN days: its line and band are broken in two, not drawn through NaN.
        let hub = charts.first { $0.contains("frailty_hub") }!
        XCTAssertEqual(count("<path class=\"band\"", in: hub), 2)
        XCTAssertEqual(count("<path class=\"line\"", in: hub), 2)
        XCTAssertFalse(html.contains("nan"))
        XCTAssertFalse(html.lowercased().contains("infinity"))
    }

    func testBandsAreClippedToThePossibleRange() {
        // Few replications and a lot of noise: the t-interval of a daily count reaches below 0, of a percentage above 100.
        let counts = dailySeries("handovers_over_30min", days: 60, base: 3, amplitude: 1, noise: 6)
        let percent = dailySeries("acute_occupancy_percent", days: 60, base: 97, amplitude: 1, noise: 8)
        XCTAssertLessThan(counts.days.map(\.lower).min()!, 0)
        XCTAssertGreaterThan(percent.days.map(\.upper).max()!, 100)
        let run = RunReport(scenario: "s", replications: 10, seed: 1, metrics: [], daily: [counts, percent])
        let daily = section("daily", HTMLReport.render(title: "t", run: run))
        XCTAssertFalse(daily.contains(">-"), "no negative tick labels")
        let percentChart = daily.components(separatedBy: "<svg class=\"chart\"").first { $0.contains("Acute bed occupancy") }!
        let yTicks = percentChart.components(separatedBy: "text-anchor=\"end\">").dropFirst()
            .compactMap { Double($0.prefix { $0 != "<" }) }
        XCTAssertFalse(yTicks.isEmpty)
        XCTAssertLessThanOrEqual(yTicks.max() ?? 0, 100, "no axis past 100%: \(yTicks)")
        XCTAssertEqual(count("<path class=\"band\"", in: daily), 2)
    }

    func testAFlatCountHasNoNegativeAxis() {
        let zeros = DailySummary(series: "handovers_over_30min", days: (0..<30).map { MetricSummary(id: "\($0)", values: [0, 0]) })
        let daily = section("daily", HTMLReport.render(title: "t", run: RunReport(scenario: "s", replications: 2, seed: 1, metrics: [], daily: [zeros])))
        XCTAssertTrue(daily.contains("<path class=\"line\""))
        XCTAssertFalse(daily.contains(">-"), "no negative tick labels for a count that is 0 every day")
    }

    func testNaNAndEmptyDataDoNotCrash() {
        let nanMetrics = HTMLReport.headlineMetrics.map { MetricSummary(id: $0, values: [.nan]) }
            + [MetricSummary(id: "ed_4h_percent.single", values: [3])]
        let allNaN = DailySummary(series: "nctr_percent", days: (0..<20).map { MetricSummary(id: "\($0)", values: [.nan]) })
        let oneRep = DailySummary(series: "acute_occupancy_percent", days: (0..<20).map { MetricSummary(id: "\($0)", values: [90]) })
        let empty = DailySummary(series: "handovers_over_30min", days: [])
        let infinite = DailySummary(series: "occupancy.hub", days: [MetricSummary(id: "0", values: [.infinity, 1]),
                                                                   MetricSummary(id: "1", values: [2, 3]),
                                                                   MetricSummary(id: "2", values: [-.infinity, 3])])
        let run = RunReport(scenario: "s", replications: 1, seed: 1,
                            metrics: nanMetrics + [MetricSummary(id: "vw_occupancy_percent.hub", values: [.infinity, 2])],
                            daily: [allNaN, oneRep, empty, infinite],
                            incomplete: true)
        var comparison = Comparison(baseline: "a", option: "b", baselineResults: [], optionResults: [])
        comparison.rows = [row("nctr_percent", baseline: .nan, option: .nan, diffs: [.nan, .nan])]
        let emptyComparison = Comparison(baseline: "a", option: "c", baselineResults: [], optionResults: [])
        var sweep = sampleSweep()
        sweep.points = sweep.points.map { p in
            var p = p
            p.metrics = p.metrics.map { MetricSummary(id: $0.id, values: [.nan]) }
            return p
        }
        let html = HTMLReport.render(title: "t", run: run, comparisons: [comparison, emptyComparison], sweep: sweep)
        XCTAssertNil(xmlError(html))
        XCTAssertEqual(sectionIDs(html), ["findings", "headline", "daily", "compare", "sweep"])
        XCTAssertTrue(html.contains("Incomplete run"))
        XCTAssertEqual(count("<svg class=\"chart\"", in: section("daily", html)), 4)
        XCTAssertTrue(section("daily", html).contains(">no data<"))
        XCTAssertTrue(section("compare", html).contains(">no data<"))
        XCTAssertTrue(section("sweep", html).contains(">no data<"))
        XCTAssertFalse(html.contains("nan"))

        // Nothing at all, and an empty run.
        let nothing = HTMLReport.render(title: "t", run: nil)
        XCTAssertNil(xmlError(nothing))
        XCTAssertEqual(sectionIDs(nothing), [])
        let emptyRun = HTMLReport.render(title: "t", run: RunReport(scenario: "s", replications: 0, seed: 0, metrics: [], daily: []),
                                         sweep: Sweep(scenario: "s", parameters: [], points: [], shown: []))
        XCTAssertNil(xmlError(emptyRun))
        XCTAssertEqual(sectionIDs(emptyRun), ["headline", "daily", "sweep"])
        XCTAssertEqual(count("<svg class=\"chart", in: emptyRun), 0)
    }

    func testCompareTableAndForestPlot() {
        let c = sampleComparison()
        let html = HTMLReport.render(title: "t", run: nil, comparisons: [c, sampleComparison(option: "second")])
        XCTAssertNil(xmlError(html))
        XCTAssertEqual(sectionIDs(html), ["compare"])
        let compare = section("compare", html)
        XCTAssertEqual(count("<svg class=\"chart\" data-chart=\"forest\"", in: compare), 2, "one forest plot per comparison")
        XCTAssertTrue(compare.contains("<td class=\"better\">better</td>"))
        XCTAssertTrue(compare.contains("<td class=\"worse\">worse</td>"))
        XCTAssertTrue(compare.contains("<td class=\"none\">no clear difference</td>"))
        XCTAssertTrue(compare.contains("<td class=\"none\">lower</td>"), "a clear difference without a direction")
        XCTAssertTrue(compare.contains("class=\"zero\""), "zero line")
        XCTAssertTrue(compare.contains("class=\"whisker\""))
        // Each metric on its own axis in its own units: a baseline of 0 (elective_over_78_weeks) is plotted too.
        XCTAssertTrue(compare.contains("data-metric=\"elective_over_78_weeks\""))
        XCTAssertFalse(compare.contains("Not plotted"))
        // Headline rows in the main table, the rest in details.
        let first = compare.components(separatedBy: "<div class=\"comparison\">")[1]
        let details = first.components(separatedBy: "<details>")[1]
        XCTAssertTrue(details.contains("vw_full_percent.frailty_hub"))
        XCTAssertTrue(details.contains("ucr_visits"))
        XCTAssertFalse(details.contains(">nctr_percent<"))
    }

    func testSweepChartsHaveLegendAndTargetLine() {
        let html = HTMLReport.render(title: "t", run: nil, sweep: sampleSweep())
        XCTAssertNil(xmlError(html))
        let charts = section("sweep", html).components(separatedBy: "<svg class=\"chart\"").dropFirst()
        XCTAssertEqual(charts.count, 2)
        let full = charts.first { $0.contains(">vw_full_percent.frailty_hub<") }!
        XCTAssertEqual(count("<path class=\"line\"", in: full), 3, "one line per value of the second parameter")
        XCTAssertEqual(count("<path class=\"band\"", in: full), 3)
        XCTAssertTrue(full.contains("class=\"legend\""))
        XCTAssertTrue(full.contains("frailty_hub.staff = 4<"))
        XCTAssertTrue(full.contains("class=\"target\""), "dashed target line")
        XCTAssertTrue(full.contains(">frailty_hub.places<"), "x axis is the first parameter")
        let occ = charts.first { $0.contains(">vw_occupancy_percent.frailty_hub<") }!
        XCTAssertFalse(occ.contains("class=\"target\""), "the target is for another metric")

        let one = HTMLReport.render(title: "t", run: nil, sweep: sampleSweep(twoParameters: false))
        let oneFull = section("sweep", one).components(separatedBy: "<svg class=\"chart\"")[1]
        XCTAssertEqual(count("<path class=\"line\"", in: oneFull), 1)
        XCTAssertFalse(oneFull.contains("class=\"legend\""))
    }

    func testNiceTicks() {
        XCTAssertEqual(HTMLReport.niceTicks(0, 100, count: 6), [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(HTMLReport.niceTicks(1, 365, count: 7), [0, 100, 200, 300, 400])
        let t = HTMLReport.niceTicks(87.3, 96.1, count: 6)
        XCTAssertEqual(t.first, 86)
        XCTAssertEqual(t.last, 98)
        XCTAssertEqual(t.count, 7)
        XCTAssertEqual(HTMLReport.niceTicks(-3.2, 4.1, count: 5), [-4, -2, 0, 2, 4, 6])
        XCTAssertEqual(HTMLReport.niceTicks(5, 5, count: 5), [5])
        XCTAssertEqual(HTMLReport.niceTicks(.nan, 5, count: 5), [])
        XCTAssertEqual(HTMLReport.niceTicks(0, .infinity, count: 5), [])
        for (lo, hi) in [(0.001, 0.0042), (1.2e8, 1.5e8), (-50.0, -10.0), (0.0, 1e-12)] {
            let ticks = HTMLReport.niceTicks(lo, hi, count: 6)
            XCTAssertLessThanOrEqual(ticks.first!, lo)
            XCTAssertGreaterThanOrEqual(ticks.last!, hi)
            XCTAssertTrue((3...12).contains(ticks.count), "\(lo)..\(hi): \(ticks)")
        }
        XCTAssertEqual(HTMLReport.tickLabel(0.25, step: 0.25), "0.25")
        XCTAssertEqual(HTMLReport.tickLabel(2.5, step: 2.5), "2.5")
        XCTAssertEqual(HTMLReport.tickLabel(40, step: 20), "40")
        XCTAssertEqual(HTMLReport.tickLabel(140_000_000, step: 5_000_000), "140M")
        XCTAssertEqual(HTMLReport.tickLabel(12_000, step: 2_000), "12k")
        XCTAssertEqual(HTMLReport.tickLabel(0, step: 0.5), "0.0")
    }
}

final class ReportTypesTests: XCTestCase {
    func testTargetParsing() {
        XCTAssertEqual(Target(parsing: "vw_full_percent.frailty_hub <= 5"),
                       Target(metric: "vw_full_percent.frailty_hub", comparison: .atMost, value: 5))
        XCTAssertEqual(Target(parsing: "ed_4h_percent>=76.5"), Target(metric: "ed_4h_percent", comparison: .atLeast, value: 76.5))
        XCTAssertNil(Target(parsing: "ed_4h_percent > 76"))
        XCTAssertNil(Target(parsing: "<= 5"))
        XCTAssertNil(Target(parsing: "x <= five"))
        XCTAssertNil(Target(parsing: "x <= inf"))
        XCTAssertNil(Target(parsing: ""))
        XCTAssertEqual(Target(parsing: "a <= 5")?.description, "a <= 5.0")
    }

    func testTargetIsMetOnlyWhenTheWholeCIIsOnTheRightSide() {
        let atMost = Target(metric: "m", comparison: .atMost, value: 5)
        let atLeast = Target(metric: "m", comparison: .atLeast, value: 5)
        let low = MetricSummary(id: "m", values: [3, 3.5, 4, 3.2])      // CI well below 5
        let spanning = MetricSummary(id: "m", values: [3, 7, 4, 6])     // CI spans 5
        let high = MetricSummary(id: "m", values: [8, 8.5, 9, 8.2])
        XCTAssertTrue(atMost.isMet(by: low))
        XCTAssertFalse(atMost.isMet(by: spanning))
        XCTAssertFalse(atMost.isMet(by: high))
        XCTAssertTrue(atLeast.isMet(by: high))
        XCTAssertFalse(atLeast.isMet(by: spanning))
        XCTAssertFalse(atLeast.isMet(by: low))
        XCTAssertFalse(atMost.isMet(by: MetricSummary(id: "m", values: [1])), "no CI from one replication")
        XCTAssertFalse(atMost.isMet(by: MetricSummary(id: "m", values: [.nan, .nan])))
    }

    func testComparisonVerdicts() {
        let positive = MetricSummary(id: "d", values: [1, 1.2, 0.9, 1.1, 1.0])
        let negative = MetricSummary(id: "d", values: [-1, -1.2, -0.9, -1.1, -1.0])
        let spanning = MetricSummary(id: "d", values: [-1, 1, -0.5, 0.6, 0.1])
        XCTAssertGreaterThan(positive.lower, 0)
        XCTAssertLessThan(spanning.lower, 0)
        XCTAssertGreaterThan(spanning.upper, 0)
        XCTAssertEqual(Comparison.verdict(positive, .higherIsBetter), .better)
        XCTAssertEqual(Comparison.verdict(negative, .higherIsBetter), .worse)
        XCTAssertEqual(Comparison.verdict(positive, .lowerIsBetter), .worse)
        XCTAssertEqual(Comparison.verdict(negative, .lowerIsBetter), .better)
        XCTAssertEqual(Comparison.verdict(spanning, .higherIsBetter), .noClearDifference)
        XCTAssertEqual(Comparison.verdict(spanning, .lowerIsBetter), .noClearDifference)
        XCTAssertEqual(Comparison.verdict(positive, .neither), .higher, "a clear difference without a direction is shown")
        XCTAssertEqual(Comparison.verdict(negative, .neither), .lower)
        XCTAssertEqual(Comparison.verdict(spanning, .neither), .noClearDifference)
        XCTAssertEqual(Comparison.verdict(MetricSummary(id: "d", values: [1]), .higherIsBetter), .noClearDifference)
        XCTAssertEqual(MetricCatalog.direction(of: "home_at_91_days_percent"), .higherIsBetter)
        XCTAssertEqual(MetricCatalog.direction(of: "nctr_percent"), .lowerIsBetter)
        XCTAssertEqual(MetricCatalog.direction(of: "acute_occupancy_percent"), .neither)
        XCTAssertEqual(MetricCatalog.direction(of: "vw_full_percent.frailty_hub"), .lowerIsBetter)
    }
}

/// Issue 13 point 6: the report a steering group reads: dates, escalation, national standards, options over the
/// baseline, differences in the metrics' own units, and the size answer.
final class SteeringReportTests: XCTestCase {
    func charts(_ html: String, _ id: String) -> [String] {
        Array(section(id, html).components(separatedBy: "<svg class=\"chart\"").dropFirst())
    }

    func datedRun() -> RunReport {
        var run = sampleRun()
        run.firstDate = CivilDate(year: 2025, month: 4, day: 15)
        run.daily.append(dailySeries("ed_4h_percent", days: 365, base: 74, amplitude: 4, noise: 2))
        // Winter beds (a dated period) on days 260-349; escalation rules open beds on days 200-239 (20 of them),
        // 240-259 (40), and on day 100 (2, a twentieth of the peak).
        run.daily.append(DailySummary(series: "escalation_beds_dated", days: (0..<365).map { d in
            MetricSummary(id: "\(d)", values: (260..<350).contains(d) ? [40, 40] : [0, 0])
        }))
        run.daily.append(DailySummary(series: "escalation_beds_rules", days: (0..<365).map { d in
            let v: Double = (200..<240).contains(d) ? 20 : (240..<260).contains(d) ? 40 : d == 100 ? 2 : 0
            return MetricSummary(id: "\(d)", values: [v, v])
        }))
        return run
    }

    func testDailyChartsAreDatedByMonth() {
        let daily = charts(HTMLReport.render(title: "t", run: datedRun()), "daily")
        XCTAssertEqual(daily.count, 7, "occupancy, NCTR, 4 hours, handovers, escalation beds, two virtual wards")
        for c in daily {
            XCTAssertTrue(c.contains(">date<"))
            XCTAssertFalse(c.contains(">day"))
            // Day 0 is 15 April 2025: the first tick is 1 May, with the year under it; January has its year.
            XCTAssertTrue(c.contains(">May</text><text class=\"tick year\""), "first tick with its year")
            XCTAssertTrue(c.contains(">Jun</text>"))
            XCTAssertTrue(c.contains(">Jan</text><text class=\"tick year\""), "a new year is named")
            XCTAssertTrue(c.contains(">2025</text>") && c.contains(">2026</text>"))
            XCTAssertFalse(c.contains(">Apr</text><text class=\"tick year\""), "15 April 2025 is not a month start: May is first")
            XCTAssertEqual(count(">Apr</text>", in: c), 1, "1 April 2026, the last month of the year shown")
        }
        let ticks = HTMLReport.monthTicks(from: CivilDate(year: 2025, month: 4, day: 15), x0: -0.5, x1: 364.5)
        XCTAssertEqual(ticks.map(\.x), [16, 47, 77, 108, 139, 169, 200, 230, 261, 292, 320, 351], "days from 15 April to each 1st")
        let tenYears = HTMLReport.monthTicks(from: CivilDate(year: 2025, month: 4, day: 1), x0: 0, x1: 3650)
        XCTAssertLessThanOrEqual(tenYears.count, 13, "a long run gets fewer ticks")
        XCTAssertEqual(tenYears.first?.label, "2026", "yearly ticks on 1 January, labelled by year")
        XCTAssertTrue(tenYears.allSatisfy { Int($0.label) != nil && $0.year == nil }, "\(tenYears.map(\.label))")
    }

    func testEscalationDaysAreShadedOnEveryDailyChart() {
        let html = HTMLReport.render(title: "t", run: datedRun())
        for c in charts(html, "daily") {
            // Three bands: rules at half their peak (light), rules at their peak (darker), then the dated period;
            // day 100 (a twentieth of the peak) is left clear.
            XCTAssertEqual(count("<rect class=\"shade", in: c), 3, "one band per run of days at one shade")
            XCTAssertTrue(c.contains("class=\"shade s1\""))
            XCTAssertTrue(c.contains("class=\"shade s2\""))
            XCTAssertTrue(c.contains("class=\"shade s3\""))
        }
        XCTAssertTrue(section("daily", html).contains("dated escalation beds open"))
        XCTAssertEqual(HTMLReport.escalationShading(datedRun()).map { [$0.x0, $0.x1] }, [[199.5, 239.5], [239.5, 259.5], [259.5, 349.5]])
        XCTAssertNil(xmlError(html))
        // Without escalation beds: no shading and no escalation chart.
        let plain = HTMLReport.render(title: "t", run: sampleRun())
        XCTAssertFalse(plain.contains("class=\"shade"))
        XCTAssertFalse(plain.contains("escalation rules, at the daily audit"))
    }

    func testNationalStandardsAreDataNextToTheCatalogue() {
        XCTAssertEqual(MetricCatalog.standard(of: "acute_occupancy_percent"), NationalStandard(.atMost, 92, source: "NHS planning guidance 2024/25"))
        XCTAssertEqual(MetricCatalog.standard(of: "ed_4h_percent")?.value, 78)
        XCTAssertEqual(MetricCatalog.standard(of: "ed_4h_percent")?.kind, .atLeast)
        XCTAssertEqual(MetricCatalog.standard(of: "vw_occupancy_percent")?.value, 80)
        XCTAssertEqual(MetricCatalog.standard(of: "vw_occupancy_percent.frailty_hub")?.value, 80, "every ward")
        XCTAssertEqual(MetricCatalog.standard(of: "ucr_2h_percent")?.value, 70)
        XCTAssertNil(MetricCatalog.standard(of: "nctr_percent"))
        XCTAssertNil(MetricCatalog.standard(of: "ed_4h_percent.type1"), "the 78% standard is for all types")
        for id in MetricCatalog.standards.keys { XCTAssertNotNil(MetricCatalog.all.first { $0.id == id }, id) }
    }

    func testStandardsAreDrawnWhereTheMetricIsChartedOrListed() {
        let html = HTMLReport.render(title: "t", run: datedRun())
        let daily = charts(html, "daily")
        let occupancy = daily.first { $0.contains("Acute bed occupancy at the daily audit") }!
        XCTAssertTrue(occupancy.contains("<line class=\"std\""))
        XCTAssertTrue(occupancy.contains(">NHS standard ≤ 92%</text>"))
        XCTAssertTrue(occupancy.contains("<title>national standard ≤ 92%: NHS planning guidance 2024/25</title>"), "its source")
        let fourHours = daily.first { $0.contains("within 4 hours") }!
        XCTAssertTrue(fourHours.contains("NHS standard ≥ 78%"))
        let nctr = daily.first { $0.contains("no criteria to reside") }!
        XCTAssertFalse(nctr.contains("class=\"std\""), "no national standard for NCTR")
        // The headline table lists each standard, and its CI bar marks it.
        let headline = section("headline", html)
        for text in ["≤ 92%", "≥ 78%", "≥ 80%", "≥ 70%"] { XCTAssertTrue(headline.contains(">\(text)</span>"), text) }
        XCTAssertTrue(headline.contains("<line class=\"std\""))
        // A sweep of a ward's occupancy has the 80% line.
        let sweep = charts(HTMLReport.render(title: "t", run: nil, sweep: sampleSweep()), "sweep")
        let occ = sweep.first { $0.contains(">vw_occupancy_percent.frailty_hub<") }!
        XCTAssertTrue(occ.contains("NHS standard ≥ 80%"))
    }

    func testTheCompareReportDrawsEachOptionOverTheBaseline() {
        let run = datedRun()
        var a = sampleComparison(option: "option-a"), b = sampleComparison(option: "option-b")
        a.optionDaily = run.daily.map { d in DailySummary(series: d.series, days: d.days.map { MetricSummary(id: $0.id, values: [$0.mean * 0.9, $0.mean * 0.92]) }) }
        b.optionDaily = a.optionDaily
        let html = HTMLReport.render(title: "t", run: run, comparisons: [a])
        XCTAssertNil(xmlError(html))
        let daily = charts(html, "daily")
        XCTAssertEqual(daily.count, 7)
        for c in daily {
            XCTAssertTrue(c.hasPrefix(" data-chart=\"daily\" data-series=\"2\""), String(c.prefix(60)))
            XCTAssertTrue(c.contains("class=\"line\" d=\"M") && c.contains("stroke=\"\(HTMLReport.palette[0])\""), "baseline")
            XCTAssertTrue(c.contains("stroke=\"\(HTMLReport.palette[1])\""), "option")
            XCTAssertTrue(c.contains(">mk-baseline</text>") && c.contains(">option-a</text>"), "legend")
        }
        let two = charts(HTMLReport.render(title: "t", run: run, comparisons: [a, b]), "daily")
        XCTAssertTrue(two.allSatisfy { $0.hasPrefix(" data-chart=\"daily\" data-series=\"3\"") }, "every option")
    }

    func testTheForestPlotIsInEachMetricsUnitsWithFavoursSides() {
        let html = HTMLReport.render(title: "t", run: nil, comparisons: [sampleComparison()])
        let forest = section("compare", html).components(separatedBy: "data-chart=\"forest\"")[1]
        func row(_ id: String) -> String {
            forest.components(separatedBy: "data-metric=\"\(id)\"")[1].components(separatedBy: "</g>")[0]
        }
        // NCTR: -2.4 percentage points (not -11% of its baseline); lower is better, so the option's side is left.
        let nctr = row("nctr_percent")
        let mean = MetricSummary(id: "d", values: spread(-2.4, 0.6)).mean
        XCTAssertTrue(nctr.contains(HTMLReport.signed(mean) + " points"), nctr)
        XCTAssertTrue(nctr.contains(" pts<"))
        XCTAssertFalse(forest.contains("% of baseline"), "no longer relative to the baseline")
        XCTAssertLessThan(nctr.range(of: "favours option")!.lowerBound, nctr.range(of: "favours baseline")!.lowerBound)
        // 91-day home: higher is better, so the option's side is right.
        let home = row("home_at_91_days_percent")
        XCTAssertLessThan(home.range(of: "favours baseline")!.lowerBound, home.range(of: "favours option")!.lowerBound)
        // Costs in pounds; occupancy has no better direction, so no sides.
        XCTAssertTrue(row("cost_total").contains(">+£"))
        XCTAssertTrue(row("cost_total").contains("£3M/year") || row("cost_total").contains("£3.0"), row("cost_total"))
        XCTAssertFalse(row("acute_occupancy_percent").contains("favours"))
        // The point sits left of 0 for a negative difference, right for a positive one.
        func cx(_ r: String) -> Double { Double(r.components(separatedBy: "<circle class=\"pt\" cx=\"")[1].prefix { $0 != "\"" })! }
        let zero = (300.0 + 760 - 24) / 2
        XCTAssertLessThan(cx(nctr), zero)
        XCTAssertGreaterThan(cx(home), zero)
    }

    func testTheSizeReportStatesItsAnswerAndZoomsAroundTheTarget() {
        let full = [10.0: 40.0, 20: 20, 30: 9, 40: 4, 50: 2, 60: 1]
        var sweep = Sweep(scenario: "s", parameters: ["frailty_hub.places"], points: full.keys.sorted().map { p in
            SweepPoint(values: [p], metrics: [MetricSummary(id: "vw_full_percent.frailty_hub", values: spread(full[p]!, full[p]! * 0.1))])
        }, shown: ["vw_full_percent.frailty_hub"], target: Target(parsing: "vw_full_percent.frailty_hub <= 5"))
        sweep.answer = .smallest(40)
        let html = HTMLReport.render(title: "size", run: nil, sweep: sweep)
        XCTAssertNil(xmlError(html))
        XCTAssertTrue(html.contains("meeting the target <code>vw_full_percent.frailty_hub</code> &lt;= 5 with 95% confidence: <b class=\"answer\">40</b>"))
        XCTAssertLessThan(html.range(of: "id=\"answer\"")!.lowerBound, html.range(of: "<section id=\"sweep\"")!.lowerBound, "banner first")
        let chart = charts(html, "sweep")[0]
        XCTAssertTrue(chart.contains("<line class=\"answer\""))
        XCTAssertTrue(chart.contains(">answer: 40<"))
        XCTAssertTrue(chart.contains("<circle class=\"answerpt\""))
        XCTAssertTrue(chart.contains("y-axis zoomed around the target"))
        // The curve runs from 40% (10 places) to 1%; zoomed, the y-axis covers the target and the answer's
        // neighbours (9% at 30 places, 4% at 40, 2% at 50), not 40%.
        let yTicks = chart.components(separatedBy: "text-anchor=\"end\">").dropFirst().compactMap { Double($0.prefix { $0 != "<" }) }
        XCTAssertLessThanOrEqual(yTicks.max() ?? 100, 15, "\(yTicks)")
        XCTAssertTrue(yTicks.contains { $0 <= 5 } && yTicks.contains { $0 >= 5 })
        // No value meets: the banner says so.
        sweep.answer = .none(low: 10, high: 60)
        let none = HTMLReport.render(title: "size", run: nil, sweep: sweep)
        XCTAssertTrue(none.contains("No value of <code>frailty_hub.places</code> from 10 to 60 meets the target"), none)
        XCTAssertFalse(none.contains("<line class=\"answer\""))
    }

    func testCostsAreInPounds() {
        let points = [100.0, 200, 300].map { p in
            SweepPoint(values: [p], metrics: [MetricSummary(id: "cost_total", values: spread(1e8 + p * 1e5, 1e6))])
        }
        let html = HTMLReport.render(title: "t", run: nil, sweep: Sweep(scenario: "s", parameters: ["beds"], points: points, shown: ["cost_total"]))
        let chart = charts(html, "sweep")[0]
        XCTAssertTrue(chart.contains(">£ per year<"), "y-axis unit")
        XCTAssertTrue(chart.contains(">£100M<") || chart.contains(">£105M<") || chart.contains(">£110M<"), chart)
        XCTAssertTrue(chart.contains(">Total cost</text>"), "the catalogue's label as the title")
        XCTAssertTrue(section("headline", HTMLReport.render(title: "t", run: sampleRun())).contains("<td>£ per year</td>"))
    }
}

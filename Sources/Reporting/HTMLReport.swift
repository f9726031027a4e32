import Foundation
import PatientFlow
import SimCore

/// One self-contained HTML page for a run, comparisons and a sweep (DESIGN §6, `--report html`): inline CSS and
/// inline SVG charts, no scripts and no network references, so the file can be mailed or archived as it is.
/// The page is also well-formed XML (after its doctype line), which the tests check.
///
/// Sections (each `<section id=...>` with an `<h2>`): `headline` (the DESIGN §4 metrics with CIs and national
/// standards, and every metric in a `<details>`), `daily` (dated series over time with 95% CI bands, escalation
/// shaded, standards drawn, each option over the baseline), `compare` (per comparison a table and a forest plot
/// of paired differences in each metric's units) and `sweep` (metric curves against the swept parameter, with
/// the target line; for `size` the answer in a banner above everything and on the chart). See docs/report.md.
public enum HTMLReport {
    /// The page. `run` gives the headline and daily sections, `comparisons` the compare section and `sweep` the
    /// sweep section; sections without data are left out (or say "no data"). Never fails: NaN values are skipped.
    ///
    /// For `compare`, `scorecard` gives the scorecard and the findings per option, `assumptions` each option's
    /// differences from the baseline's scenario, and `provenance` where each scenario's results came from (a run's
    /// own is `run.provenance`).
    public static func render(title: String, run: RunReport?, comparisons: [Comparison] = [], sweep: Sweep? = nil,
                              scorecard: Scorecard? = nil, assumptions: [(option: String, changes: [AssumptionChange])] = [],
                              provenance: [(scenario: String, provenance: Provenance)] = [],
                              uncertainty: UncertaintyReport? = nil) -> String {
        var body = ""
        body += "<header><h1>\(esc(title))</h1>\n"
        if let run {
            body += "<p class=\"meta\">Scenario <b>\(esc(run.scenario))</b> · \(run.replications) replication"
                + "\(run.replications == 1 ? "" : "s") · seed \(run.seed) · means with 95% confidence intervals"
                + " (Student t) across replications</p>\n"
            if run.incomplete {
                body += "<p class=\"warn\">Incomplete run: some replications did not finish; figures cover those that did.</p>\n"
            }
        }
        body += "</header>\n"
        if let answer = sweep?.answer, let t = sweep?.target, let p = sweep?.parameters.first {
            body += sizeBanner(answer, target: t, parameter: p)
        }
        if let scorecard { body += scorecardSection(scorecard) }
        if run != nil || scorecard != nil { body += findingsSection(run: run, card: scorecard) }
        if let run {
            body += headlineSection(run)
            body += dailySection(run, comparisons: comparisons)
        }
        if !comparisons.isEmpty { body += compareSection(comparisons) }
        if let sweep { body += sweepSection(sweep) }
        if let uncertainty { body += uncertaintySection(uncertainty) }
        if run == nil && comparisons.isEmpty && sweep == nil && uncertainty == nil {
            body += "<p class=\"nodata\">Nothing to report.</p>\n"
        }
        body += assumptionsSection(assumptions)
        let sources = provenance.isEmpty ? (run?.provenance.map { [(scenario: run!.scenario, provenance: $0)] } ?? []) : provenance
        body += provenanceSection(sources)
        return page(title: title, body: body)
    }

    /// The whole page around `body` (the header and sections).
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(esc(title))</title>
        <style>\(css)\(decisionCSS)\(uncertaintyCSS)</style>
        </head>
        <body>
        \(body)<footer>flowsim report · self-contained page: inline styles and charts, no scripts.</footer>
        </body>
        </html>

        """
    }

    /// The headline and key metrics of the catalogue, in the order shown.
    public static var headlineMetrics: [String] { MetricCatalog.headlineAndKey }

    // MARK: - Sections

    static func headlineSection(_ run: RunReport) -> String {
        var s = "<section id=\"headline\">\n<h2>Headline metrics</h2>\n"
        let rows = headlineMetrics.compactMap { run.metric($0) }
        if rows.isEmpty {
            s += "<p class=\"nodata\">No headline metrics in this run.</p>\n"
        } else {
            s += metricTable(rows, bars: true)
        }
        s += "<details>\n<summary>Every metric (\(run.metrics.count))</summary>\n"
        s += run.metrics.isEmpty ? "<p class=\"nodata\">No metrics.</p>\n" : metricTable(run.metrics, bars: false)
        s += "</details>\n</section>\n"
        return s
    }

    static func metricTable(_ rows: [MetricSummary], bars: Bool) -> String {
        var s = "<table class=\"metrics\">\n<thead><tr><th>metric</th><th>id</th><th>unit</th><th class=\"num\">mean</th>"
            + "<th class=\"num\">95% CI</th><th class=\"num\">n</th>\(bars ? "<th>national standard</th><th>interval</th>" : "")</tr></thead>\n<tbody>\n"
        for m in rows {
            let info = MetricCatalog.info(for: m.id)
            s += "<tr><td>\(esc(MetricCatalog.label(of: m.id)))</td><td class=\"id\">\(esc(m.id))</td>"
                + "<td>\(esc(info.map { unitText($0.unit) } ?? ""))</td><td class=\"num\">\(fmt(m.mean))</td>"
                + "<td class=\"num\">\(ci(m))</td><td class=\"num\">\(m.count)</td>"
            if bars {
                let standard = info.flatMap { i in i.standard.map { (i.unit, $0) } }
                s += "<td>" + (standard.map { u, st in
                    "<span class=\"std\" title=\"\(esc(st.source))\">\(esc(st.text(unit: u)))</span>"
                } ?? "") + "</td><td>\(ciBar(m))</td>"
            }
            s += "</tr>\n"
        }
        return s + "</tbody>\n</table>\n"
    }

    /// A small bar: the 95% CI as a band and the mean as a tick, on a scale from 0 (0-100 for percentages).
    static func ciBar(_ m: MetricSummary) -> String {
        let w = 180.0, h = 16.0, pad = 4.0
        guard m.mean.isFinite else { return "<span class=\"nodata\">no data</span>" }
        let vals = [m.mean, m.lower, m.upper].filter(\.isFinite)
        var lo = min(0, vals.min()!), hi = max(0, vals.max()!)
        if m.id.contains("percent") { hi = max(hi, 100) } else { hi += (hi - lo) * 0.05 }
        if hi == lo { hi = lo + 1 }
        let ticks = niceTicks(lo, hi, count: 3)
        if let f = ticks.first, let l = ticks.last, l > f { lo = min(lo, f); hi = max(hi, l) }
        let x = { (v: Double) in pad + (v - lo) / (hi - lo) * (w - 2 * pad) }
        var s = "<svg class=\"cibar\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" role=\"img\">"
        s += "<title>\(esc(m.id)): \(fmt(m.mean)) (95% CI \(ci(m))), scale \(fmt(lo)) to \(fmt(hi))</title>"
        s += "<line class=\"track\" x1=\"\(n(pad))\" y1=\"\(n(h / 2))\" x2=\"\(n(w - pad))\" y2=\"\(n(h / 2))\"/>"
        if m.lower.isFinite && m.upper.isFinite {
            let x0 = x(m.lower), x1 = x(m.upper)
            s += "<rect class=\"ci\" x=\"\(n(x0))\" y=\"3\" width=\"\(n(max(1.5, x1 - x0)))\" height=\"\(n(h - 6))\" rx=\"2\"/>"
        }
        if let st = MetricCatalog.standard(of: m.id), st.value >= lo, st.value <= hi {
            s += "<line class=\"std\" x1=\"\(n(x(st.value)))\" y1=\"0\" x2=\"\(n(x(st.value)))\" y2=\"\(n(h))\"/>"
        }
        s += "<line class=\"mean\" x1=\"\(n(x(m.mean)))\" y1=\"1\" x2=\"\(n(x(m.mean)))\" y2=\"\(n(h - 1))\"/>"
        return s + "</svg>"
    }

    /// The daily series worth a chart, in this order.
    static func dailySeriesShown(_ run: RunReport) -> [DailySummary] {
        let main = ["acute_occupancy_percent", "nctr_percent", "ed_4h_percent", "handovers_over_30min", "escalation_beds_rules"]
        let wards = run.metrics.compactMap { m -> String? in
            let p = "vw_occupancy_percent."
            return m.id.hasPrefix(p) ? String(m.id.dropFirst(p.count)) : nil
        }
        var out = main.compactMap { id in run.daily.first { $0.series == id } }
        // Escalation beds are charted only when some opened (they shade every chart anyway).
        out.removeAll { $0.series == "escalation_beds_rules" && !$0.days.contains { $0.mean > 0 } }
        for w in wards {
            if let d = run.daily.first(where: { $0.series == "occupancy.\(w)" }) { out.append(d) }
        }
        return out
    }

    /// A daily series' chart title (the catalogue's label of the metric it measures day by day), y-axis unit and
    /// the catalogue id whose national standard it is judged against.
    static func dailyTitle(_ series: String) -> (title: String, unit: String, metric: String?) {
        switch series {
        case "acute_occupancy_percent":
            return (MetricCatalog.label(of: "acute_occupancy_audit_percent"), "% of available beds", "acute_occupancy_audit_percent")
        case "nctr_percent": return (MetricCatalog.label(of: series), "% of occupied acute beds", series)
        case "ed_4h_percent": return (MetricCatalog.label(of: series) + ", by day", "% of the day's departures", series)
        case "handovers_over_30min": return (MetricCatalog.label(of: series), "handovers per day", nil)
        case "escalation_beds_rules": return ("Beds opened by escalation rules, at the daily audit", "beds", nil)
        default:
            if series.hasPrefix("occupancy.") {
                return ("Virtual ward \(series.dropFirst("occupancy.".count)): patients on the ward", "patients", nil)
            }
            return (series, "value", nil)
        }
    }

    /// Escalation as shaded bands: days with dated extra beds open (the scenario's capacity periods, such as winter
    /// beds: the same in every replication) in the darker shade; days when escalation rules had beds open in two
    /// lighter ones, by the mean across replications against its peak (at least a quarter: `s1`, at least
    /// three fifths: `s2`), so beds opened now and then, in few replications, leave the day clear.
    /// Consecutive days in one shade are one band.
    static func escalationShading(_ run: RunReport) -> [Shade] {
        let dated = run.daily.first { $0.series == "escalation_beds_dated" }?.days ?? []
        let rules = run.daily.first { $0.series == "escalation_beds_rules" }?.days ?? []
        let top = rules.map(\.mean).filter(\.isFinite).max() ?? 0
        var out: [Shade] = []
        for d in 0..<Swift.max(dated.count, rules.count) {
            var level = 0
            if d < rules.count, top > 0, case let m = rules[d].mean, m.isFinite {
                level = m >= 0.6 * top ? 2 : m >= 0.25 * top ? 1 : 0
            }
            if d < dated.count, dated[d].mean.isFinite, dated[d].mean > 0 { level = 3 }
            guard level > 0 else { continue }
            if var last = out.last, last.x1 == Double(d) - 0.5, last.level == level {
                last.x1 = Double(d) + 0.5
                out[out.count - 1] = last
            } else {
                out.append(Shade(x0: Double(d) - 0.5, x1: Double(d) + 0.5, level: level))
            }
        }
        return out
    }

    static func dailySection(_ run: RunReport, comparisons: [Comparison] = []) -> String {
        var s = "<section id=\"daily\">\n<h2>Over time</h2>\n"
        let shown = dailySeriesShown(run)
        if shown.isEmpty {
            return s + "<p class=\"nodata\">No daily series in this run.</p>\n</section>\n"
        }
        let shading = escalationShading(run)
        let first = run.firstDate.map { "\(longDate($0))" } ?? "the first day after warm-up"
        s += "<p class=\"note\">Daily values at the 23:59 audit from \(esc(first)) (after warm-up): the line is the mean across"
            + " replications, the band its 95% confidence interval (clipped to the possible range, e.g. 0-100%)."
            + (comparisons.isEmpty ? "" : " Each option is drawn over the baseline (same seeds: common random numbers).")
            + (shading.isEmpty ? "" : " Shaded\(comparisons.isEmpty ? "" : " (the baseline's)"): <span class=\"shade s3\">dated escalation beds open</span>"
                + " (the scenario's extra capacity periods, such as winter beds) and <span class=\"shade s1\">days when escalation rules"
                + " had beds open</span> (darker: more; mean across replications at least a quarter of its peak).")
            + " Dashed amber lines: national standards (NHS England planning guidance 2024/25 and 2025/26).</p>\n<div class=\"charts\">\n"
        for d in shown {
            let (title, unit, metric) = dailyTitle(d.series)
            var chart = Chart(title: title, xLabel: run.firstDate == nil ? "day after warm-up" : "date", yLabel: unit)
            chart.kind = "daily"
            chart.firstDate = run.firstDate
            func line(_ name: String, _ colour: String, _ days: [MetricSummary]) -> ChartSeries {
                let pts = days.enumerated().map { i, m in ChartPoint(x: Double(i), y: m.mean, lower: m.lower, upper: m.upper) }
                return ChartSeries(name: name, colour: colour, points: clipped(pts, metric: d.series))
            }
            chart.series = [line(run.scenario, palette[0], d.days)]
            for (i, c) in comparisons.enumerated() {
                if let o = c.optionDaily.first(where: { $0.series == d.series }) {
                    chart.series.append(line(c.option, palette[(i + 1) % palette.count], o.days))
                }
            }
            chart.legend = chart.series.count > 1
            chart.limits = possibleRange(chart.series.flatMap(\.points), metric: d.series)
            chart.markers = false
            chart.shading = shading
            if let metric, let st = MetricCatalog.standard(of: metric) {
                chart.references.append(Reference(value: st.value, label: "NHS standard \(st.text(unit: .percent))", kind: "std",
                                                  source: "national standard \(st.text(unit: .percent)): \(st.source)"))
            }
            s += chart.svg()
        }
        return s + "</div>\n</section>\n"
    }

    static func compareSection(_ comparisons: [Comparison]) -> String {
        var s = "<section id=\"compare\">\n<h2>Comparisons</h2>\n"
        s += "<p class=\"note\">Paired differences (option − baseline) under common random numbers, with 95% confidence"
            + " intervals. <span class=\"better\">better</span> / <span class=\"worse\">worse</span> when the interval"
            + " excludes 0 in that direction.</p>\n"
        for c in comparisons {
            s += "<div class=\"comparison\">\n<h3>\(esc(c.option)) vs \(esc(c.baseline))</h3>\n"
            s += "<p class=\"meta\">\(c.replications) paired replication\(c.replications == 1 ? "" : "s")"
                + (c.incomplete ? " (interrupted: \(c.replications) of \(c.planned) finished; verdicts rest on those)" : "") + "</p>\n"
            if c.rows.isEmpty {
                s += "<p class=\"nodata\">No metrics in common.</p>\n</div>\n"
                continue
            }
            let headline = headlineMetrics.compactMap { id in c.rows.first { $0.metric == id } }
            let main = headline.isEmpty ? Array(c.rows.prefix(20)) : headline
            s += comparisonTable(c, main)
            s += forestPlot(c, main)
            let rest = c.rows.filter { r in !main.contains { $0.metric == r.metric } }
            if !rest.isEmpty {
                s += "<details>\n<summary>Every other metric (\(rest.count))</summary>\n\(comparisonTable(c, rest))</details>\n"
            }
            s += "</div>\n"
        }
        return s + "</section>\n"
    }

    static func verdictClass(_ v: Verdict) -> String {
        switch v {
        case .better: return "better"
        case .worse: return "worse"
        case .higher, .lower, .tooSmall, .noClearDifference, .identical: return "none"
        }
    }

    static func comparisonTable(_ c: Comparison, _ rows: [ComparisonRow]) -> String {
        var s = "<table class=\"metrics\">\n<thead><tr><th>metric</th><th class=\"num\">\(esc(c.baseline))</th>"
            + "<th class=\"num\">\(esc(c.option))</th><th class=\"num\">difference</th><th class=\"num\">95% CI</th>"
            + "<th>verdict</th></tr></thead>\n<tbody>\n"
        for r in rows {
            let d = r.difference
            s += "<tr><td class=\"id\">\(esc(r.metric))</td><td class=\"num\">\(fmt(r.baseline.mean))</td>"
                + "<td class=\"num\">\(fmt(r.option.mean))</td><td class=\"num\">\(signed(d.mean))</td>"
                + "<td class=\"num\">\(ci(d, signed: true))</td>"
                + "<td class=\"\(verdictClass(r.verdict))\">\(esc(r.verdict.rawValue))</td></tr>\n"
        }
        return s + "</tbody>\n</table>\n"
    }

    /// Each metric's paired difference (option − baseline) as a point with its 95% CI, each on its own row and
    /// axis in the metric's own units (percentage points for percentages, £ for costs), 0 in the middle, with
    /// "favours option" / "favours baseline" on the sides the metric's better direction gives.
    static func forestPlot(_ c: Comparison, _ rows: [ComparisonRow]) -> String {
        var items: [ComparisonRow] = [], skipped: [String] = []
        for r in rows {
            if r.difference.mean.isFinite { items.append(r) } else { skipped.append(r.metric) }
        }
        let w = 760.0, left = 300.0, right = 24.0, top = 44.0, rowH = 40.0, bottom = 16.0
        let h = top + rowH * Double(max(items.count, 1)) + bottom
        var s = "<svg class=\"chart\" data-chart=\"forest\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\">\n"
        s += "<title>Paired differences, \(esc(c.option)) − \(esc(c.baseline)), in each metric's units</title>\n"
        s += "<text class=\"ctitle\" x=\"\(n(w / 2))\" y=\"18\" text-anchor=\"middle\">Difference \(esc(c.option)) − \(esc(c.baseline)) (95% CI), in each metric's own units</text>\n"
        s += "<text class=\"alabel\" x=\"\(n(w / 2))\" y=\"34\" text-anchor=\"middle\">percentages in percentage points; each row has its own scale, 0 in the middle</text>\n"
        guard !items.isEmpty else {
            s += "<text class=\"nodata\" x=\"\(n(w / 2))\" y=\"\(n(h / 2 + 4))\" text-anchor=\"middle\">no data</text>\n</svg>\n"
            return s + skippedNote(skipped)
        }
        let mid = (left + w - right) / 2, half = (w - right - left) / 2
        for (i, r) in items.enumerated() {
            let d = r.difference, y0 = top + rowH * Double(i), y = y0 + 16
            let info = MetricCatalog.info(for: r.metric)
            let unit = info?.unit
            let extent = [d.mean, d.lower, d.upper].filter(\.isFinite).map(abs).max() ?? 0
            let ticks = niceTicks(0, extent > 0 ? extent * 1.05 : 1, count: 3)
            let a = ticks.last ?? 1, step = ticks.count > 1 ? ticks[1] - ticks[0] : a
            let x = { (v: Double) in mid + v / a * half }
            let cls = verdictClass(r.verdict)
            let label = MetricCatalog.label(of: r.metric)
            let value = "\(signedValue(d.mean, unit)) (95% CI \(signedValue(d.lower, unit)) to \(signedValue(d.upper, unit)))"
            s += "<g class=\"\(cls)\" data-metric=\"\(esc(r.metric))\"><title>\(esc(label)) (\(esc(r.metric))): \(esc(value))</title>"
            if i % 2 == 1 { s += "<rect class=\"stripe\" x=\"0\" y=\"\(n(y0))\" width=\"\(n(w))\" height=\"\(n(rowH))\"/>" }
            s += "<text class=\"rlabel\" x=\"\(n(left - 10))\" y=\"\(n(y + 1))\" text-anchor=\"end\">\(esc(truncated(label, 46)))</text>"
            s += "<text class=\"runit\" x=\"\(n(left - 10))\" y=\"\(n(y + 14))\" text-anchor=\"end\">\(esc(signedValue(d.mean, unit)))</text>"
            s += "<line class=\"track\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(w - right))\" y2=\"\(n(y))\"/>"
            s += "<line class=\"zero\" x1=\"\(n(mid))\" y1=\"\(n(y - 9))\" x2=\"\(n(mid))\" y2=\"\(n(y + 9))\"/>"
            for t in [-a, a] {
                s += "<text class=\"tick\" x=\"\(n(x(t)))\" y=\"\(n(y + 20))\" text-anchor=\"\(t < 0 ? "start" : "end")\">\(esc(signedTick(t, step: step, unit)))</text>"
            }
            if let favours = favoursSides(r.direction) {
                s += "<text class=\"favours\" x=\"\(n(left + 2))\" y=\"\(n(y - 8))\">← favours \(esc(favours.left))</text>"
                s += "<text class=\"favours\" x=\"\(n(w - right - 2))\" y=\"\(n(y - 8))\" text-anchor=\"end\">favours \(esc(favours.right)) →</text>"
            }
            if d.lower.isFinite && d.upper.isFinite {
                s += "<line class=\"whisker\" x1=\"\(n(x(d.lower)))\" y1=\"\(n(y))\" x2=\"\(n(x(d.upper)))\" y2=\"\(n(y))\"/>"
                for e in [d.lower, d.upper] {
                    s += "<line class=\"whisker\" x1=\"\(n(x(e)))\" y1=\"\(n(y - 4))\" x2=\"\(n(x(e)))\" y2=\"\(n(y + 4))\"/>"
                }
            }
            s += "<circle class=\"pt\" cx=\"\(n(x(d.mean)))\" cy=\"\(n(y))\" r=\"4\"/></g>\n"
        }
        s += "</svg>\n"
        return s + skippedNote(skipped)
    }

    /// Which side of 0 favours whom: a lower-is-better metric favours the option on the left (its difference is
    /// negative when the option is better), a higher-is-better one on the right; nil for metrics with no better
    /// direction.
    static func favoursSides(_ direction: Direction) -> (left: String, right: String)? {
        switch direction {
        case .lowerIsBetter: return ("option", "baseline")
        case .higherIsBetter: return ("baseline", "option")
        case .neither: return nil
        }
    }

    static func skippedNote(_ skipped: [String]) -> String {
        skipped.isEmpty ? "" : "<p class=\"note\">Not plotted (no data): \(skipped.map(esc).joined(separator: ", ")).</p>\n"
    }

    static func sweepSection(_ sweep: Sweep) -> String {
        var s = "<section id=\"sweep\">\n<h2>Sweep</h2>\n"
        let params = sweep.parameters
        s += "<p class=\"meta\">Scenario <b>\(esc(sweep.scenario))</b> · \(sweep.points.count) point\(sweep.points.count == 1 ? "" : "s")"
            + (params.isEmpty ? "" : " over \(params.map { "<code>\(esc($0))</code>" }.joined(separator: " × "))")
        if let t = sweep.target { s += " · target <code>\(esc(t.description))</code>" }
        s += "</p>\n"
        guard !params.isEmpty, !sweep.points.isEmpty, !sweep.shown.isEmpty else {
            return s + "<p class=\"nodata\">No sweep points to draw.</p>\n</section>\n"
        }
        s += "<div class=\"charts\">\n"
        for metric in sweep.shown {
            // Group by the second parameter (one line each), or one group.
            var groups: [(key: Double?, points: [SweepPoint])] = []
            for p in sweep.points {
                let key: Double? = params.count > 1 && p.values.count > 1 ? p.values[1] : nil
                if let i = groups.firstIndex(where: { $0.key == key || ($0.key?.isNaN == true && key?.isNaN == true) }) {
                    groups[i].points.append(p)
                } else {
                    groups.append((key, [p]))
                }
            }
            groups.sort { ($0.key ?? 0) < ($1.key ?? 0) }
            let info = MetricCatalog.info(for: metric)
            var chart = Chart(title: MetricCatalog.label(of: metric), xLabel: params[0],
                              yLabel: info.map { unitText($0.unit) } ?? metric)
            chart.kind = "sweep"
            chart.subtitle = metric
            chart.money = info?.unit == .gbpPerYear
            chart.series = groups.enumerated().map { i, g in
                let pts = g.points.compactMap { p -> ChartPoint? in
                    guard let x = p.values.first, x.isFinite else { return nil }
                    let m = p.metric(metric)
                    return ChartPoint(x: x, y: m?.mean ?? .nan, lower: m?.lower ?? .nan, upper: m?.upper ?? .nan)
                }.sorted { $0.x < $1.x }
                let name = g.key.map { "\(params[1]) = \(short($0))" } ?? metric
                return ChartSeries(name: name, colour: palette[i % palette.count], points: pts)
            }
            chart.legend = groups.count > 1
            let all = chart.series.flatMap(\.points)
            chart.limits = possibleRange(all, metric: metric)
            if chart.limits != nil { chart.series = chart.series.map { se in var se = se; se.points = clipped(se.points, metric: metric); return se } }
            if let st = MetricCatalog.standard(of: metric), let unit = info?.unit {
                chart.references.append(Reference(value: st.value, label: "NHS standard \(st.text(unit: unit))", kind: "std",
                                                  source: "national standard \(st.text(unit: unit)): \(st.source)"))
            }
            if let t = sweep.target, t.metric == metric {
                chart.references.append(Reference(value: t.value, label: "target \(t.comparison.rawValue) \(short(t.value))", kind: "target"))
                if case .smallest(let a) = sweep.answer {
                    chart.marker = (a, "answer: \(short(a))")
                    chart.yWindow = zoom(around: t, answer: a, series: chart.series)
                    if chart.yWindow != nil { chart.subtitle = "\(metric) · y-axis zoomed around the target" }
                }
            }
            s += chart.svg()
        }
        return s + "</div>\n</section>\n"
    }

    /// `size`'s answer as a sentence at the top of the page.
    static func sizeBanner(_ answer: SizeAnswer, target: Target, parameter: String) -> String {
        let goal = "<code>\(esc(target.metric))</code> \(esc(target.comparison.rawValue)) \(esc(short(target.value)))"
        switch answer {
        case .smallest(let a):
            return "<p class=\"banner\" id=\"answer\">Smallest value of <code>\(esc(parameter))</code> meeting the target "
                + "\(goal) with 95% confidence: <b class=\"answer\">\(esc(short(a)))</b></p>\n"
        case .none(let lo, let hi):
            return "<p class=\"banner none\" id=\"answer\">No value of <code>\(esc(parameter))</code> from \(esc(short(lo))) to "
                + "\(esc(short(hi))) meets the target \(goal) with 95% confidence.</p>\n"
        }
    }

    /// The y range of a `size` chart zoomed around the target: wide enough for the target and the means and CIs
    /// of the answer and its neighbours (the values the decision turns on), with a margin.
    static func zoom(around t: Target, answer: Double, series: [ChartSeries]) -> ClosedRange<Double>? {
        guard let pts = series.first?.points, let i = pts.firstIndex(where: { $0.x == answer }) else { return nil }
        let near = pts[Swift.max(0, i - 1)...Swift.min(pts.count - 1, i + 1)]
        let vals = near.flatMap { [$0.y, $0.lower, $0.upper] }.filter(\.isFinite) + [t.value]
        guard let lo = vals.min(), let hi = vals.max() else { return nil }
        let span = Swift.max(hi - lo, 1e-9 + abs(t.value) * 0.01)
        return (lo - 0.15 * span)...(hi + 0.15 * span)
    }

    // MARK: - Charts

    /// A shaded stretch of a dated chart's x-axis (escalation beds open), darker for a higher `level` (1-4).
    struct Shade: Equatable { var x0, x1: Double; var level: Int }
    /// A horizontal dashed line: a national standard (`std`) or a target (`target`).
    struct Reference { var value: Double; var label: String; var kind: String; var source: String? = nil }

    /// The range a metric's values can take, judged from its means: 0-100 for percentages, 0-inf for counts;
    /// nil when a mean is negative (a difference, say).
    static func possibleRange(_ pts: [ChartPoint], metric: String) -> ClosedRange<Double>? {
        let means = pts.map(\.y).filter(\.isFinite)
        guard !means.isEmpty, means.allSatisfy({ $0 >= 0 }) else { return nil }
        let isPercent = metric.split(separator: ".").first.map { $0.hasSuffix("percent") } ?? false
        return 0...(isPercent && means.allSatisfy({ $0 <= 100 }) ? 100.0 : .infinity)
    }

    /// Clips CI bands to the range a metric can take, for drawing: a t-interval of a count or a percentage can
    /// reach below 0 (or above 100) with few replications. Counts: when every mean is >= 0; percentages: 0-100
    /// when every mean is in it. The means are never changed.
    static func clipped(_ pts: [ChartPoint], metric: String) -> [ChartPoint] {
        let top = possibleRange(pts, metric: metric)?.upperBound ?? .infinity
        guard top >= 0 else { return pts }
        return pts.map { p in
            var p = p
            if p.lower.isFinite { p.lower = Swift.min(Swift.max(p.lower, 0), top) }
            if p.upper.isFinite { p.upper = Swift.min(Swift.max(p.upper, 0), top) }
            return p
        }
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    struct ChartPoint { var x, y, lower, upper: Double }
    struct ChartSeries { var name: String; var colour: String; var points: [ChartPoint] }

    /// A line chart with 95% CI bands: fixed 640x320 viewBox, axes with nice ticks, title, optional legend and a
    /// dashed reference line.
    struct Chart {
        var title: String
        var xLabel: String
        var yLabel: String
        var series: [ChartSeries] = []
        var references: [Reference] = []
        /// `data-chart`: daily, sweep.
        var kind = ""
        /// A second line under the title (the metric's id).
        var subtitle: String?
        /// Day 0 of a daily chart: x values are days from it and the axis shows months.
        var firstDate: CivilDate?
        var shading: [Shade] = []
        /// A vertical line at an x value (`size`'s answer, `replications`' answer, `warmup`'s truncation point).
        var marker: (x: Double, label: String)?
        /// A fixed y range (a zoom): lines and bands outside it are clipped.
        var yWindow: ClosedRange<Double>?
        /// Tick labels in pounds.
        var money = false
        var legend = false
        var markers = true
        /// The range the values can take: the axis is not padded past it (no -10 patients, no 105%).
        var limits: ClosedRange<Double>?

        static let w = 640.0, h = 320.0
        static let left = 64.0, right = 20.0, top = 40.0, bottom = 50.0

        func svg() -> String {
            let w = Self.w, h = Self.h, left = Self.left, right = Self.right, bottom = Self.bottom
            // The legend sits in rows between the title and the plot, so it never hides a line.
            var legendItems: [(x: Double, row: Int, series: ChartSeries)] = []
            if legend {
                var x = left, row = 0
                for se in series {
                    let width = 26 + 6.2 * Double(truncated(se.name, 40).count) + 14
                    if x + width > w - right && x > left { x = left; row += 1 }
                    legendItems.append((x, row, se))
                    x += width
                }
            }
            let legendRows = legendItems.map(\.row).max().map { $0 + 1 } ?? 0
            let top = Self.top + 16 * Double(legendRows)
            let plotW = w - left - right, plotH = h - top - bottom
            var s = "<svg class=\"chart\"\(kind.isEmpty ? "" : " data-chart=\"\(kind)\"") data-series=\"\(series.count)\" "
                + "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\">\n"
            s += "<title>\(esc(title))</title>\n"
            s += "<text class=\"ctitle\" x=\"\(n(w / 2))\" y=\"\(subtitle == nil ? 20 : 16)\" text-anchor=\"middle\">\(esc(truncated(title, 80)))</text>\n"
            if let subtitle {
                s += "<text class=\"csub\" x=\"\(n(w / 2))\" y=\"30\" text-anchor=\"middle\">\(esc(truncated(subtitle, 90)))</text>\n"
            }
            let finite = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
            guard !finite.isEmpty else {
                s += "<rect class=\"frame\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\"/>\n"
                s += "<text class=\"nodata\" x=\"\(n(left + plotW / 2))\" y=\"\(n(top + plotH / 2))\" text-anchor=\"middle\">no data</text>\n"
                return s + "</svg>\n"
            }
            var xs = finite.map(\.x)
            if let m = marker, m.x.isFinite { xs.append(m.x) }
            var ys = finite.flatMap { [$0.y, $0.lower, $0.upper] }.filter(\.isFinite)
            for r in references where r.value.isFinite { ys.append(r.value) }
            if let win = yWindow { ys = [win.lowerBound, win.upperBound] }
            if xs.min()! == xs.max()! { xs += [xs[0] - 1, xs[0] + 1] }
            var x0 = xs.min()!, x1 = xs.max()!
            var y0 = ys.min()!, y1 = ys.max()!
            if y1 - y0 < 1e-9 * max(1, abs(y0)) {
                // A flat line: widen around it, but not past the possible range (no negative counts).
                let flat = y0
                y0 -= max(1, abs(y0) * 0.1)
                y1 += max(1, abs(y1) * 0.1)
                if let l = limits, flat >= l.lowerBound { y0 = Swift.max(y0, l.lowerBound) }
            }
            let xt = niceTicks(x0, x1, count: 7)
            // Nice y range: extend to the outer ticks so the data do not touch the frame.
            let yPad = (y1 - y0) * 0.04
            var padLo = y0 - yPad, padHi = y1 + yPad
            if let l = limits {
                if y0 >= l.lowerBound { padLo = Swift.max(padLo, l.lowerBound) }
                if y1 <= l.upperBound { padHi = Swift.min(padHi, l.upperBound) }
            }
            let yt = niceTicks(padLo, padHi, count: 6)
            if let f = yt.first, let l = yt.last { y0 = min(y0, f); y1 = max(y1, l) }
            if firstDate != nil, let lo = xs.min(), let hi = xs.max() { x0 = lo - 0.5; x1 = hi + 0.5 }
            // x: the data's own range (days 1..N), ticks inside it.
            if x1 - x0 < 1e-12 { x0 -= 1; x1 += 1 }
            let sx = { (v: Double) in left + (v - x0) / (x1 - x0) * plotW }
            let sy = { (v: Double) in top + plotH - (v - y0) / (y1 - y0) * plotH }
            let xStep = xt.count > 1 ? xt[1] - xt[0] : 1, yStep = yt.count > 1 ? yt[1] - yt[0] : 1
            let xTicks: [(x: Double, label: String, year: String?)] = firstDate.map { monthTicks(from: $0, x0: x0, x1: x1) }
                ?? xt.filter { $0 >= x0 - 1e-9 && $0 <= x1 + 1e-9 }.map { ($0, tickLabel($0, step: xStep), nil) }
            // The plot area clips what it holds (a nested svg: no url() reference needed); inside it, page coordinates.
            // A 5-pixel margin keeps the end points' markers whole.
            let plotOpen = "<svg x=\"\(n(left - 5))\" y=\"\(n(top - 5))\" width=\"\(n(plotW + 10))\" height=\"\(n(plotH + 10))\" overflow=\"hidden\">"
                + "<g transform=\"translate(\(n(5 - left)) \(n(5 - top)))\">"
            let plotClose = "</g></svg>\n"
            if !shading.isEmpty {
                s += plotOpen + "<g class=\"shading\">"
                for sh in shading {
                    s += "<rect class=\"shade s\(sh.level)\" x=\"\(n(sx(sh.x0)))\" y=\"\(n(top))\" width=\"\(n(Swift.max(0.5, sx(sh.x1) - sx(sh.x0))))\" height=\"\(n(plotH))\"/>"
                }
                s += "</g>" + plotClose
            }

            // Grid, axes, ticks.
            s += "<g class=\"axes\">\n"
            for t in yt where t >= y0 - 1e-9 && t <= y1 + 1e-9 {
                s += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(sy(t)))\" x2=\"\(n(w - right))\" y2=\"\(n(sy(t)))\"/>"
                s += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(sy(t) + 4))\" text-anchor=\"end\">\(money ? "£" : "")\(tickLabel(t, step: yStep))</text>\n"
            }
            for (t, label, year) in xTicks {
                s += "<line class=\"tickmark\" x1=\"\(n(sx(t)))\" y1=\"\(n(top + plotH))\" x2=\"\(n(sx(t)))\" y2=\"\(n(top + plotH + (year == nil ? 5 : 26)))\"/>"
                // Dated: the label just right of its tick (the month or year starting there), the year under it.
                let dated = firstDate != nil
                s += "<text class=\"tick\" x=\"\(n(sx(t) + (dated ? 3 : 0)))\" y=\"\(n(top + plotH + 16))\" text-anchor=\"\(dated ? "start" : "middle")\">\(esc(label))</text>"
                if let year {
                    s += "<text class=\"tick year\" x=\"\(n(sx(t) + 3))\" y=\"\(n(top + plotH + 28))\" text-anchor=\"start\">\(esc(year))</text>"
                }
                s += "\n"
            }
            s += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(w - right))\" y2=\"\(n(top + plotH))\"/>"
            s += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotH))\"/>\n"
            s += "<text class=\"alabel\" x=\"\(n(left + plotW / 2))\" y=\"\(n(h - (firstDate == nil ? 10 : 6)))\" text-anchor=\"middle\">\(esc(truncated(xLabel, 70)))</text>\n"
            s += "<text class=\"alabel\" transform=\"translate(14 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(truncated(yLabel, 40)))</text>\n"
            s += "</g>\n"

            // Bands first, then lines on top, inside the plot area.
            s += plotOpen + "\n"
            for se in series {
                for run in runs(se.points, band: true) where run.count > 1 {
                    var d = "M" + run.map { "\(n(sx($0.x))),\(n(sy($0.upper)))" }.joined(separator: "L")
                    d += "L" + run.reversed().map { "\(n(sx($0.x))),\(n(sy($0.lower)))" }.joined(separator: "L") + "Z"
                    s += "<path class=\"band\" d=\"\(d)\" fill=\"\(se.colour)\"/>\n"
                }
            }
            for r in references where r.value.isFinite && r.value >= y0 && r.value <= y1 {
                s += "<g><title>\(esc(r.source ?? r.label))</title>"
                s += "<line class=\"\(r.kind)\" x1=\"\(n(left))\" y1=\"\(n(sy(r.value)))\" x2=\"\(n(w - right))\" y2=\"\(n(sy(r.value)))\"/>"
                s += "<text class=\"\(r.kind == "std" ? "slabel" : "tlabel")\" x=\"\(n(w - right - 4))\" y=\"\(n(sy(r.value) - 5))\" text-anchor=\"end\">\(esc(r.label))</text></g>\n"
            }
            if let m = marker, m.x.isFinite {
                s += "<line class=\"answer\" x1=\"\(n(sx(m.x)))\" y1=\"\(n(top))\" x2=\"\(n(sx(m.x)))\" y2=\"\(n(top + plotH))\"/>"
                s += "<text class=\"answerlabel\" x=\"\(n(sx(m.x) + 5))\" y=\"\(n(top + 14))\">\(esc(m.label))</text>\n"
                for se in series.prefix(1) {
                    for p in se.points where p.x == m.x && p.y.isFinite {
                        s += "<circle class=\"answerpt\" cx=\"\(n(sx(p.x)))\" cy=\"\(n(sy(p.y)))\" r=\"6\"/>\n"
                    }
                }
            }
            for se in series {
                for run in runs(se.points, band: false) {
                    if run.count > 1 {
                        let d = "M" + run.map { "\(n(sx($0.x))),\(n(sy($0.y)))" }.joined(separator: "L")
                        s += "<path class=\"line\" d=\"\(d)\" stroke=\"\(se.colour)\"/>\n"
                    }
                    if markers || run.count == 1 {
                        for p in run {
                            s += "<circle class=\"pt\" cx=\"\(n(sx(p.x)))\" cy=\"\(n(sy(p.y)))\" r=\"3\" fill=\"\(se.colour)\"/>"
                        }
                        s += "\n"
                    }
                }
            }
            s += plotClose
            if !legendItems.isEmpty {
                s += "<g class=\"legend\">"
                for item in legendItems {
                    let y = Self.top + 16 * Double(item.row) + 2
                    s += "<line x1=\"\(n(item.x))\" y1=\"\(n(y))\" x2=\"\(n(item.x + 20))\" y2=\"\(n(y))\" stroke=\"\(item.series.colour)\" stroke-width=\"3\"/>"
                    s += "<text x=\"\(n(item.x + 26))\" y=\"\(n(y + 4))\">\(esc(truncated(item.series.name, 40)))</text>"
                }
                s += "</g>\n"
            }
            return s + "</svg>\n"
        }

        /// Maximal runs of consecutive points with a finite mean (lines) or finite CI (bands); NaN breaks a run.
        func runs(_ pts: [ChartPoint], band: Bool) -> [[ChartPoint]] {
            var out: [[ChartPoint]] = [], cur: [ChartPoint] = []
            for p in pts {
                let ok = p.x.isFinite && (band ? p.lower.isFinite && p.upper.isFinite : p.y.isFinite)
                if ok { cur.append(p) } else if !cur.isEmpty { out.append(cur); cur = [] }
            }
            if !cur.isEmpty { out.append(cur) }
            return out
        }
    }

    // MARK: - Helpers

    /// About `count` round tick values (steps of 1, 2 or 5 x 10^k) covering [lo, hi]: the first tick is at or
    /// below `lo`, the last at or above `hi`. Empty for non-finite input; one tick when lo == hi.
    public static func niceTicks(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        guard lo.isFinite, hi.isFinite, count >= 1 else { return [] }
        let a = min(lo, hi), b = max(lo, hi)
        if a == b { return [a] }
        let raw = (b - a) / Double(max(count - 1, 1))
        let mag = pow(10, floor(log10(raw)))
        let f = raw / mag
        let step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag
        guard step.isFinite, step > 0 else { return [a, b] }
        let first = floor(a / step + 1e-9) * step, last = ceil(b / step - 1e-9) * step
        var ticks: [Double] = []
        var i = 0.0
        while first + i * step <= last + step * 1e-6, ticks.count < 100 {
            let t = first + i * step
            ticks.append(abs(t) < step * 1e-9 ? 0 : t)
            i += 1
        }
        return ticks
    }

    /// A tick label with as many decimals as the step needs; thousands and millions shortened to k and M.
    static func tickLabel(_ v: Double, step: Double) -> String {
        let a = max(abs(v), step)
        var value = v, st = step, suffix = ""
        if a >= 1e6 && step >= 1e5 { value = v / 1e6; st = step / 1e6; suffix = "M" }
        else if a >= 1e4 && step >= 1e3 { value = v / 1e3; st = step / 1e3; suffix = "k" }
        var decimals = 0
        while decimals < 6 {
            let scaled = st * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { break }
            decimals += 1
        }
        return TableWriter.fixed(value, decimals) + suffix
    }

    /// HTML-escapes text for element content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static func esc(_ s: String) -> String { escape(s) }

    /// A unit as an axis or a table says it: `%`, `£ per year`, `days`.
    static func unitText(_ u: MetricUnit) -> String { u == .gbpPerYear ? "£ per year" : u.rawValue }  // spelled out on chart axes

    /// A signed difference with its unit: "-3.7 points", "+£1.2M", "+120 count/year".
    static func signedValue(_ x: Double, _ u: MetricUnit?) -> String {
        guard x.isFinite else { return "–" }
        switch u {
        case .percent: return signed(x) + " points"
        case .gbpPerYear:
            let a = abs(x), sign = x > 0 ? "+" : x < 0 ? "-" : ""
            let v = a >= 1e6 ? TableWriter.format(a / 1e6) + "M" : a >= 1e3 ? TableWriter.format(a / 1e3) + "k" : TableWriter.format(a)
            return sign + "£" + v + "/year"
        case .some(let u): return signed(x) + " " + u.rawValue
        case .none: return signed(x)
        }
    }

    /// A forest row's end tick: "-5 pts", "+£2M".
    static func signedTick(_ t: Double, step: Double, _ u: MetricUnit?) -> String {
        let sign = t > 0 ? "+" : t < 0 ? "-" : ""
        let v = tickLabel(abs(t), step: step)
        switch u {
        case .percent: return sign + v + " pts"
        case .gbpPerYear: return sign + "£" + v
        case .some(let u): return sign + v + " " + u.rawValue
        case .none: return sign + v
        }
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "15 Apr 2025".
    static func longDate(_ d: CivilDate) -> String { "\(d.day) \(monthNames[d.month - 1]) \(d.year)" }

    /// Ticks at the first of the month for a dated axis whose x is days from `first`: every month, or every 2, 3,
    /// 6 or 12 so there are at most 13. Each is labelled with its month ("Apr"), or its year for yearly ticks; `year`
    /// is set on the first tick and on each January, for the second row of labels.
    static func monthTicks(from first: CivilDate, x0: Double, x1: Double) -> [(x: Double, label: String, year: String?)] {
        var months: [(x: Double, date: CivilDate)] = []
        var y = first.year, m = first.month
        while months.count < 2_000 {
            let d = CivilDate(year: y, month: m, day: 1)
            let x = Double(d.daysSinceEpoch - first.daysSinceEpoch)
            if x > x1 { break }
            if x >= x0 { months.append((x, d)) }
            m += 1
            if m > 12 { m = 1; y += 1 }
        }
        let step = [1, 2, 3, 6, 12, 24, 60].first { months.count / $0 <= 12 } ?? 120
        let kept = months.filter { ($0.date.month - 1) % Swift.min(step, 12) == 0 && (step <= 12 || $0.date.year % (step / 12) == 0) }
        return kept.enumerated().map { i, t in
            if step >= 12 { return (t.x, "\(t.date.year)", nil) }
            return (t.x, monthNames[t.date.month - 1], i == 0 || t.date.month == 1 ? "\(t.date.year)" : nil)
        }
    }
    /// About four significant figures (TableWriter.format), with thousands separated by commas.
    static func fmt(_ x: Double) -> String {
        if x.isNaN { return "–" }
        let t = TableWriter.format(x)
        guard x.isFinite, abs(x) >= 10_000 else { return t }
        return TableWriter.withThousands(t)  // no decimals from 1,000 up
    }
    /// A parameter value without trailing zeros: 4, 2.5, 0.125.
    static func short(_ x: Double) -> String { TableWriter.trimmingZeros(fmt(x)) }
    static func signed(_ x: Double) -> String { x.isFinite && x > 0 ? "+" + fmt(x) : fmt(x) }
    static func ci(_ m: MetricSummary, signed s: Bool = false) -> String { ci(m.lower, m.upper, signed: s) }
    static func ci(_ lo: Double, _ hi: Double, signed s: Bool = false) -> String {
        guard lo.isFinite, hi.isFinite else { return "–" }
        return s ? "\(signed(lo)) to \(signed(hi))" : "\(fmt(lo)) to \(fmt(hi))"
    }
    static func truncated(_ s: String, _ max: Int) -> String { s.count <= max ? s : String(s.prefix(max - 1)) + "…" }
    /// A coordinate with at most one decimal.
    static func n(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : TableWriter.fixed(r, 1)
    }

    static let css = """

    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:0 auto;\
    max-width:1240px;padding:16px 24px;color:#222;background:#fff;line-height:1.4}
    h1{font-size:1.6em;margin:0.2em 0}h2{font-size:1.25em;border-bottom:2px solid #1f77b4;padding-bottom:2px;margin-top:1.6em}
    h3{font-size:1.05em;margin:1em 0 0.3em}
    .meta{color:#555;margin:0.2em 0}.note{color:#555;font-size:0.9em}.nodata{color:#999;font-style:italic}
    .warn{background:#fff3cd;border:1px solid #e0c36c;padding:6px 10px}
    table.metrics{border-collapse:collapse;font-size:0.9em;margin:0.5em 0}
    table.metrics th,table.metrics td{padding:3px 10px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:middle}
    table.metrics th{background:#f3f5f8;font-weight:600}
    table.metrics td.num,table.metrics th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
    td.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:0.95em}
    td.better,span.better{color:#1a7f37;font-weight:600}td.worse,span.worse{color:#c62828;font-weight:600}td.none{color:#777}
    details{margin:0.6em 0}summary{cursor:pointer;color:#1f4e79}
    .charts{display:flex;flex-wrap:wrap;gap:12px}
    svg.chart{width:584px;max-width:100%;height:auto;border:1px solid #e4e4e4;background:#fff}
    svg.chart[data-chart=forest]{width:760px}
    svg.chart text{font-size:11px;fill:#333}svg.chart .ctitle{font-size:13px;font-weight:600}
    svg.chart .alabel{font-size:11px;fill:#555}svg.chart .nodata{font-size:14px;fill:#999}
    .grid{stroke:#e8e8e8;stroke-width:1}.axis{stroke:#444;stroke-width:1}.tickmark{stroke:#444}
    .frame{fill:none;stroke:#ddd}
    .band{fill-opacity:0.22;stroke:none}.line{fill:none;stroke-width:1.8;stroke-linejoin:round}
    .target{stroke:#c62828;stroke-width:1.5;stroke-dasharray:6 4}
    svg.chart .tlabel{fill:#c62828;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
    .zero{stroke:#444;stroke-width:1.2}
    .std{stroke:#b26b00;stroke-width:1.5;stroke-dasharray:3 3}
    svg.chart .slabel{fill:#8a5300;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
    span.std{color:#8a5300;font-weight:600;white-space:nowrap}span.shade{padding:0 3px}
    rect.shade{stroke:none}rect.s1{fill:#f0b35a;fill-opacity:0.12}rect.s2{fill:#f0b35a;fill-opacity:0.24}
    rect.s3{fill:#e07b00;fill-opacity:0.22}span.shade.s1{background:#fcefdc}span.shade.s3{background:#f8d8b0}
    line.answer{stroke:#1a7f37;stroke-width:2}svg.chart .answerlabel{fill:#1a7f37;font-weight:700;font-size:12px}
    .answerpt{fill:none;stroke:#1a7f37;stroke-width:2.5}
    svg.chart .year{font-weight:600;fill:#555}svg.chart .csub{font-size:10px;fill:#777;font-family:ui-monospace,Menlo,Consolas,monospace}
    svg.chart .favours{font-size:10px;fill:#888;font-style:italic}svg.chart .runit{font-size:10px;fill:#555}
    svg.chart .track{stroke:#ddd;stroke-width:1}.stripe{fill:#f7f8fa}
    .banner{font-size:1.25em;background:#e8f4ea;border:1px solid #9ccfa6;border-left:6px solid #1a7f37;padding:10px 14px;margin:0.8em 0}
    .banner.none{background:#fdecea;border-color:#e3a19a;border-left-color:#c62828}
    .banner b.answer{font-size:1.3em;color:#1a7f37}
    .whisker{stroke-width:1.8}
    g.better .whisker{stroke:#1a7f37}g.better circle{fill:#1a7f37}
    g.worse .whisker{stroke:#c62828}g.worse circle{fill:#c62828}
    g.none .whisker{stroke:#777}g.none circle{fill:#777}
    svg.cibar .track{stroke:#ccc;stroke-width:1}svg.cibar .ci{fill:#9ecae1}svg.cibar .mean{stroke:#08519c;stroke-width:2}
    footer{margin-top:2em;color:#999;font-size:0.8em}

    """
}

import Foundation
import PatientFlow

/// One self-contained HTML page for a run, comparisons and a sweep (DESIGN §6, `--report html`): inline CSS and
/// inline SVG charts, no scripts and no network references, so the file can be mailed or archived as it is.
/// The page is also well-formed XML (after its doctype line), which the tests check.
///
/// Sections (each `<section id=...>` with an `<h2>`): `headline` (the DESIGN §4 metrics with CIs, and every metric
/// in a `<details>`), `daily` (occupancy, NCTR, handovers and virtual-ward series over time with 95% CI bands),
/// `compare` (per comparison a table and a forest plot of paired differences) and `sweep` (metric curves against
/// the swept parameter, with the target line). See docs/report.md.
public enum HTMLReport {
    /// The page. `run` gives the headline and daily sections, `comparisons` the compare section and `sweep` the
    /// sweep section; sections without data are left out (or say "no data"). Never fails: NaN values are skipped.
    public static func render(title: String, run: RunReport?, comparisons: [Comparison] = [], sweep: Sweep? = nil,
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
        if let run {
            body += headlineSection(run)
            body += dailySection(run)
        }
        if !comparisons.isEmpty { body += compareSection(comparisons) }
        if let sweep { body += sweepSection(sweep) }
        if let uncertainty { body += uncertaintySection(uncertainty) }
        if run == nil && comparisons.isEmpty && sweep == nil && uncertainty == nil {
            body += "<p class=\"nodata\">Nothing to report.</p>\n"
        }
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
        <style>\(css)\(uncertaintyCSS)</style>
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
            + "<th class=\"num\">95% CI</th><th class=\"num\">n</th>\(bars ? "<th>interval</th>" : "")</tr></thead>\n<tbody>\n"
        for m in rows {
            let info = MetricCatalog.info(for: m.id)
            s += "<tr><td>\(esc(MetricCatalog.label(of: m.id)))</td><td class=\"id\">\(esc(m.id))</td>"
                + "<td>\(esc(info?.unit.rawValue ?? ""))</td><td class=\"num\">\(fmt(m.mean))</td>"
                + "<td class=\"num\">\(ci(m))</td><td class=\"num\">\(m.count)</td>"
            if bars { s += "<td>\(ciBar(m))</td>" }
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
        s += "<line class=\"mean\" x1=\"\(n(x(m.mean)))\" y1=\"1\" x2=\"\(n(x(m.mean)))\" y2=\"\(n(h - 1))\"/>"
        return s + "</svg>"
    }

    /// The daily series worth a chart, in this order.
    static func dailySeriesShown(_ run: RunReport) -> [DailySummary] {
        let main = ["acute_occupancy_percent", "nctr_percent", "handovers_over_30min"]
        let wards = run.metrics.compactMap { m -> String? in
            let p = "vw_occupancy_percent."
            return m.id.hasPrefix(p) ? String(m.id.dropFirst(p.count)) : nil
        }
        var out = main.compactMap { id in run.daily.first { $0.series == id } }
        for w in wards {
            if let d = run.daily.first(where: { $0.series == "occupancy.\(w)" }) { out.append(d) }
        }
        return out
    }

    static func dailyTitle(_ series: String) -> (title: String, unit: String) {
        switch series {
        case "acute_occupancy_percent": return ("Acute bed occupancy at the daily audit", "% of available beds")
        case "nctr_percent": return ("Patients with no criteria to reside", "% of occupied acute beds")
        case "handovers_over_30min": return ("Ambulance handovers over 30 minutes", "handovers per day")
        default:
            if series.hasPrefix("occupancy.") {
                return ("Virtual ward \(series.dropFirst("occupancy.".count)): patients on the ward", "patients")
            }
            return (series, "value")
        }
    }

    static func dailySection(_ run: RunReport) -> String {
        var s = "<section id=\"daily\">\n<h2>Over time</h2>\n"
        let shown = dailySeriesShown(run)
        if shown.isEmpty {
            return s + "<p class=\"nodata\">No daily series in this run.</p>\n</section>\n"
        }
        s += "<p class=\"note\">Daily values at the 23:59 audit after warm-up: the line is the mean across replications,"
            + " the band its 95% confidence interval (clipped to the possible range, e.g. 0-100%).</p>\n<div class=\"charts\">\n"
        for d in shown {
            let (title, unit) = dailyTitle(d.series)
            let pts = d.days.enumerated().map { i, m in
                ChartPoint(x: Double(i + 1), y: m.mean, lower: m.lower, upper: m.upper)
            }
            var chart = Chart(title: title, xLabel: "day", yLabel: unit)
            chart.series = [ChartSeries(name: d.series, colour: palette[0], points: clipped(pts, metric: d.series))]
            chart.limits = possibleRange(pts, metric: d.series)
            chart.markers = false
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

    /// Each metric's paired difference as a point with CI whiskers, as % of the baseline mean, on one axis.
    static func forestPlot(_ c: Comparison, _ rows: [ComparisonRow]) -> String {
        struct Item { var label: String; var mean: Double; var lo: Double; var hi: Double; var cls: String }
        var items: [Item] = [], skipped: [String] = []
        for r in rows {
            let b = abs(r.baseline.mean), d = r.difference
            guard b.isFinite, b > 0, d.mean.isFinite else { skipped.append(r.metric); continue }
            let lo = d.lower.isFinite ? 100 * d.lower / b : .nan, hi = d.upper.isFinite ? 100 * d.upper / b : .nan
            items.append(Item(label: r.metric, mean: 100 * d.mean / b, lo: lo, hi: hi, cls: verdictClass(r.verdict)))
        }
        let w = 640.0, left = 210.0, right = 24.0, top = 40.0, rowH = 22.0, bottom = 44.0
        let h = top + rowH * Double(max(items.count, 1)) + bottom
        var s = "<svg class=\"chart\" data-chart=\"forest\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\">\n"
        s += "<title>Paired differences, \(esc(c.option)) − \(esc(c.baseline)), % of baseline</title>\n"
        s += "<text class=\"ctitle\" x=\"\(n(w / 2))\" y=\"20\" text-anchor=\"middle\">Difference \(esc(c.option)) − \(esc(c.baseline)), % of baseline mean</text>\n"
        guard !items.isEmpty else {
            s += "<text class=\"nodata\" x=\"\(n(w / 2))\" y=\"\(n(h / 2 + 4))\" text-anchor=\"middle\">no data</text>\n</svg>\n"
            return s + skippedNote(skipped)
        }
        let vals = items.flatMap { [$0.mean, $0.lo, $0.hi] }.filter(\.isFinite) + [0]
        var lo = vals.min()!, hi = vals.max()!
        if hi - lo < 1e-9 { lo -= 1; hi += 1 }
        let pad = (hi - lo) * 0.05
        let ticks = niceTicks(lo - pad, hi + pad, count: 6)
        if let f = ticks.first, let l = ticks.last { lo = min(lo, f); hi = max(hi, l) }
        let x = { (v: Double) in left + (v - lo) / (hi - lo) * (w - left - right) }
        let plotBottom = top + rowH * Double(items.count)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for t in ticks {
            s += "<line class=\"grid\" x1=\"\(n(x(t)))\" y1=\"\(n(top - 6))\" x2=\"\(n(x(t)))\" y2=\"\(n(plotBottom))\"/>"
            s += "<text class=\"tick\" x=\"\(n(x(t)))\" y=\"\(n(plotBottom + 16))\" text-anchor=\"middle\">\(tickLabel(t, step: step))%</text>\n"
        }
        s += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(plotBottom))\" x2=\"\(n(w - right))\" y2=\"\(n(plotBottom))\"/>\n"
        s += "<line class=\"zero\" x1=\"\(n(x(0)))\" y1=\"\(n(top - 6))\" x2=\"\(n(x(0)))\" y2=\"\(n(plotBottom))\"/>\n"
        s += "<text class=\"alabel\" x=\"\(n((left + w - right) / 2))\" y=\"\(n(h - 8))\" text-anchor=\"middle\">difference, % of baseline mean</text>\n"
        for (i, it) in items.enumerated() {
            let y = top + rowH * (Double(i) + 0.5)
            s += "<g class=\"\(it.cls)\"><title>\(esc(it.label)): \(signed(it.mean))% (95% CI \(ci(it.lo, it.hi, signed: true))%)</title>"
            s += "<text class=\"rlabel\" x=\"\(n(left - 8))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(esc(truncated(it.label, 30)))</text>"
            if it.lo.isFinite && it.hi.isFinite {
                s += "<line class=\"whisker\" x1=\"\(n(x(it.lo)))\" y1=\"\(n(y))\" x2=\"\(n(x(it.hi)))\" y2=\"\(n(y))\"/>"
                for e in [it.lo, it.hi] {
                    s += "<line class=\"whisker\" x1=\"\(n(x(e)))\" y1=\"\(n(y - 5))\" x2=\"\(n(x(e)))\" y2=\"\(n(y + 5))\"/>"
                }
            }
            s += "<circle class=\"pt\" cx=\"\(n(x(it.mean)))\" cy=\"\(n(y))\" r=\"4\"/></g>\n"
        }
        s += "</svg>\n"
        return s + skippedNote(skipped)
    }

    static func skippedNote(_ skipped: [String]) -> String {
        skipped.isEmpty ? "" : "<p class=\"note\">Not plotted (baseline mean 0 or no data): \(skipped.map(esc).joined(separator: ", ")).</p>\n"
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
            var chart = Chart(title: metric, xLabel: params[0], yLabel: metric)
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
            if let t = sweep.target, t.metric == metric {
                chart.reference = (t.value, "target \(t.comparison.rawValue) \(short(t.value))")
            }
            s += chart.svg()
        }
        return s + "</div>\n</section>\n"
    }

    // MARK: - Charts

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
        var reference: (value: Double, label: String)?
        var legend = false
        var markers = true
        /// The range the values can take: the axis is not padded past it (no -10 patients, no 105%).
        var limits: ClosedRange<Double>?
        /// A dashed vertical line at an x value (a suggested truncation point).
        var marker: (x: Double, label: String)?

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
            var s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\">\n"
            s += "<title>\(esc(title))</title>\n"
            s += "<text class=\"ctitle\" x=\"\(n(w / 2))\" y=\"20\" text-anchor=\"middle\">\(esc(truncated(title, 80)))</text>\n"
            let finite = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
            guard !finite.isEmpty else {
                s += "<rect class=\"frame\" x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotW))\" height=\"\(n(plotH))\"/>\n"
                s += "<text class=\"nodata\" x=\"\(n(left + plotW / 2))\" y=\"\(n(top + plotH / 2))\" text-anchor=\"middle\">no data</text>\n"
                return s + "</svg>\n"
            }
            var xs = finite.map(\.x)
            if let m = marker, m.x.isFinite { xs.append(m.x) }
            var ys = finite.flatMap { [$0.y, $0.lower, $0.upper] }.filter(\.isFinite)
            if let r = reference, r.value.isFinite { ys.append(r.value) }
            if xs.min()! == xs.max()! { xs += [xs[0] - 1, xs[0] + 1] }
            var x0 = xs.min()!, x1 = xs.max()!
            var y0 = ys.min()!, y1 = ys.max()!
            if y1 - y0 < 1e-9 * max(1, abs(y0)) { y0 -= max(1, abs(y0) * 0.1); y1 += max(1, abs(y1) * 0.1) }
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
            // x: the data's own range (days 1..N), ticks inside it.
            if x1 - x0 < 1e-12 { x0 -= 1; x1 += 1 }
            let sx = { (v: Double) in left + (v - x0) / (x1 - x0) * plotW }
            let sy = { (v: Double) in top + plotH - (v - y0) / (y1 - y0) * plotH }
            let xStep = xt.count > 1 ? xt[1] - xt[0] : 1, yStep = yt.count > 1 ? yt[1] - yt[0] : 1

            // Grid, axes, ticks.
            s += "<g class=\"axes\">\n"
            for t in yt where t >= y0 - 1e-9 && t <= y1 + 1e-9 {
                s += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(sy(t)))\" x2=\"\(n(w - right))\" y2=\"\(n(sy(t)))\"/>"
                s += "<text class=\"tick\" x=\"\(n(left - 6))\" y=\"\(n(sy(t) + 4))\" text-anchor=\"end\">\(tickLabel(t, step: yStep))</text>\n"
            }
            for t in xt where t >= x0 - 1e-9 && t <= x1 + 1e-9 {
                s += "<line class=\"tickmark\" x1=\"\(n(sx(t)))\" y1=\"\(n(top + plotH))\" x2=\"\(n(sx(t)))\" y2=\"\(n(top + plotH + 5))\"/>"
                s += "<text class=\"tick\" x=\"\(n(sx(t)))\" y=\"\(n(top + plotH + 18))\" text-anchor=\"middle\">\(tickLabel(t, step: xStep))</text>\n"
            }
            s += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(w - right))\" y2=\"\(n(top + plotH))\"/>"
            s += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotH))\"/>\n"
            s += "<text class=\"alabel\" x=\"\(n(left + plotW / 2))\" y=\"\(n(h - 10))\" text-anchor=\"middle\">\(esc(truncated(xLabel, 70)))</text>\n"
            s += "<text class=\"alabel\" transform=\"translate(14 \(n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(truncated(yLabel, 40)))</text>\n"
            s += "</g>\n"

            // Bands first, then lines on top.
            for se in series {
                for run in runs(se.points, band: true) where run.count > 1 {
                    var d = "M" + run.map { "\(n(sx($0.x))),\(n(sy($0.upper)))" }.joined(separator: "L")
                    d += "L" + run.reversed().map { "\(n(sx($0.x))),\(n(sy($0.lower)))" }.joined(separator: "L") + "Z"
                    s += "<path class=\"band\" d=\"\(d)\" fill=\"\(se.colour)\"/>\n"
                }
            }
            if let r = reference, r.value.isFinite {
                s += "<line class=\"target\" x1=\"\(n(left))\" y1=\"\(n(sy(r.value)))\" x2=\"\(n(w - right))\" y2=\"\(n(sy(r.value)))\"/>"
                s += "<text class=\"tlabel\" x=\"\(n(w - right - 4))\" y=\"\(n(sy(r.value) - 5))\" text-anchor=\"end\">\(esc(r.label))</text>\n"
            }
            if let m = marker, m.x.isFinite {
                s += "<line class=\"target\" x1=\"\(n(sx(m.x)))\" y1=\"\(n(top))\" x2=\"\(n(sx(m.x)))\" y2=\"\(n(top + plotH))\"/>"
                s += "<text class=\"tlabel\" x=\"\(n(sx(m.x) + 4))\" y=\"\(n(top + 12))\">\(esc(m.label))</text>\n"
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
    /// About four significant figures (TableWriter.format), with thousands separated by commas.
    static func fmt(_ x: Double) -> String {
        if x.isNaN { return "–" }
        let t = TableWriter.format(x)
        guard x.isFinite, abs(x) >= 10_000 else { return t }
        let neg = t.hasPrefix("-")
        let digits = Array(neg ? t.dropFirst() : Substring(t))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (neg ? "-" : "") + out
    }
    /// A parameter value without trailing zeros: 4, 2.5, 0.125.
    static func short(_ x: Double) -> String {
        var t = fmt(x)
        if t.contains(".") {
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
        }
        return t
    }
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
    svg.chart[data-chart=forest]{width:640px}
    svg.chart text{font-size:11px;fill:#333}svg.chart .ctitle{font-size:13px;font-weight:600}
    svg.chart .alabel{font-size:11px;fill:#555}svg.chart .nodata{font-size:14px;fill:#999}
    .grid{stroke:#e8e8e8;stroke-width:1}.axis{stroke:#444;stroke-width:1}.tickmark{stroke:#444}
    .frame{fill:none;stroke:#ddd}
    .band{fill-opacity:0.22;stroke:none}.line{fill:none;stroke-width:1.8;stroke-linejoin:round}
    .target{stroke:#c62828;stroke-width:1.5;stroke-dasharray:6 4}
    svg.chart .tlabel{fill:#c62828;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
    .zero{stroke:#444;stroke-width:1.2}
    .whisker{stroke-width:1.8}
    g.better .whisker{stroke:#1a7f37}g.better circle{fill:#1a7f37}
    g.worse .whisker{stroke:#c62828}g.worse circle{fill:#c62828}
    g.none .whisker{stroke:#777}g.none circle{fill:#777}
    svg.cibar .track{stroke:#ccc;stroke-width:1}svg.cibar .ci{fill:#9ecae1}svg.cibar .mean{stroke:#08519c;stroke-width:2}
    footer{margin-top:2em;color:#999;font-size:0.8em}

    """
}

import PatientFlow

/// The uncertainty analysis in a report: the probability-best table, the distribution of each option's
/// differences over the samples, and a tornado of what drives them (docs/uncertainty.md).
extension HTMLReport {
    static func uncertaintySection(_ r: UncertaintyReport) -> String {
        let a = r.analysis
        var s = "<section id=\"uncertainty\">\n<h2>Under uncertainty</h2>\n"
        s += "<p class=\"note\">\(a.samples) samples of \(r.laws.count) uncertain values (Latin hypercube), \(a.replications) "
            + "replications each, common random numbers across scenarios. Uncertain values: "
            + r.laws.map { "<code>\(esc($0.name))</code> ~ \(esc($0.law))" }.joined(separator: "; ") + ". Replications whose "
            + "queues grew without bound (the uncertain values past the system's capacity cliff): "
            + a.scenarios.indices.map { "\(esc(a.scenarios[$0])) \(TableWriter.fixed(100 * a.unstableShare($0), 1))%" }.joined(separator: ", ")
            + ".</p>\n"
        if a.scenarios.count > 1 && !r.best.isEmpty {
            s += "<h3>Probability each scenario is best</h3>\n<table class=\"metrics\">\n<thead><tr><th>metric</th>"
                + a.scenarios.map { "<th class=\"num\">\(esc($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for x in r.best {
                let top = x.probabilities.max() ?? 0
                s += "<tr><td>\(esc(MetricCatalog.label(of: x.metric)))</td>" + x.probabilities.map { p in
                    "<td class=\"num\(p == top && p > 0 ? " better" : "")\">\(TableWriter.fixed(p, 2))</td>"
                }.joined() + "</tr>\n"
            }
            s += "</tbody>\n</table>\n"
        }
        if !r.targets.isEmpty {
            s += "<h3>Probability of meeting each target</h3>\n<table class=\"metrics\">\n<thead><tr><th>target</th>"
                + a.scenarios.map { "<th class=\"num\">\(esc($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for t in r.targets {
                s += "<tr><td class=\"id\">\(esc(t.description))</td>"
                    + (a.probabilityMeeting(t) ?? []).map { "<td class=\"num\">\(TableWriter.fixed($0, 2))</td>" }.joined() + "</tr>\n"
            }
            s += "</tbody>\n</table>\n"
        }
        if a.scenarios.count > 1 {
            s += "<h3>Differences from \(esc(a.scenarios[0])) over the samples</h3>\n<div class=\"charts\">\n"
            for (m, id) in a.metrics.enumerated() { s += differencesChart(a, metric: m, id: id) }
            s += "</div>\n"
        }
        s += "<h3>What drives it</h3>\n<p class=\"note\">Partial rank correlation coefficient of each uncertain value with "
            + (a.scenarios.count > 1 ? "the option's difference from the baseline" : "the metric")
            + " across the samples (Marino et al. 2008): near ±1 this value decides the result; near 0 it does not matter.</p>\n"
        s += "<div class=\"charts\">\n" + r.tornado.map { tornadoChart(a, $0.option, $0.metric, $0.prcc) }.joined() + "</div>\n"
        return s + "</section>\n"
    }

    /// One dot per sample and option, the expected difference as a bar, on the metric's own axis.
    static func differencesChart(_ a: UncertaintyAnalysis, metric m: Int, id: String) -> String {
        let width = 584.0, rowHeight = 34.0, left = 170.0, right = 20.0
        let options = Array(1..<a.scenarios.count)
        let height = 60 + rowHeight * Double(options.count)
        let values: [[Double]] = options.map { j in
            (0..<a.samples).map { s -> Double in a.means[s][j][m] - a.means[s][0][m] }.filter { $0.isFinite }
        }
        let all: [Double] = values.flatMap { $0 } + [0.0]
        guard let lo = all.min(), let hi = all.max() else { return "" }
        let pad: Double = Swift.max((hi - lo) * 0.08, 1e-9)
        let x0 = lo - pad, x1 = hi + pad
        func x(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * (width - left - right) }
        let info = MetricCatalog.info(for: id)
        var s = "<svg class=\"chart\" data-chart=\"differences\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "xmlns=\"http://www.w3.org/2000/svg\">\n"
        s += "<text class=\"ctitle\" x=\"10\" y=\"18\">\(esc(truncated((info?.label(for: id) ?? id) + ": option − baseline (" + (info?.unitLabel ?? "") + ")", 76)))</text>\n"
        s += "<line class=\"zero\" x1=\"\(n(x(0)))\" y1=\"28\" x2=\"\(n(x(0)))\" y2=\"\(n(height - 24))\"/>\n"
        for (i, j) in options.enumerated() {
            let y = 44 + rowHeight * Double(i)
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(esc(truncated(a.scenarios[j], 26)))</text>\n"
            for v in values[i] { s += "<circle class=\"sample\" cx=\"\(n(x(v)))\" cy=\"\(n(y))\" r=\"2.6\"/>\n" }
            if !values[i].isEmpty {
                let mean = values[i].reduce(0, +) / Double(values[i].count)
                s += "<line class=\"expected\" x1=\"\(n(x(mean)))\" y1=\"\(n(y - 10))\" x2=\"\(n(x(mean)))\" y2=\"\(n(y + 10))\"/>\n"
            }
        }
        let ticks = niceTicks(x0, x1, count: 5)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : (x1 - x0)
        for t in ticks where t >= x0 && t <= x1 {
            let label = info?.unit == .gbpPerYear ? TableWriter.format(t, unit: .gbpPerYear) : tickLabel(t, step: step)
            s += "<text class=\"alabel\" x=\"\(n(x(t)))\" y=\"\(n(height - 8))\" text-anchor=\"middle\">\(esc(label))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// Horizontal bars, largest |PRCC| on top.
    static func tornadoChart(_ a: UncertaintyAnalysis, _ option: String, _ id: String, _ prcc: [Double]) -> String {
        let size = prcc.map { $0.isNaN ? 0.0 : abs($0) }
        let order = prcc.indices.sorted { size[$0] != size[$1] ? size[$0] > size[$1] : $0 < $1 }
        let width = 584.0, rowHeight = 22.0, left = 230.0, right = 40.0
        let height = 56 + rowHeight * Double(order.count)
        let mid = left + (width - left - right) / 2, half = (width - left - right) / 2
        var s = "<svg class=\"chart\" data-chart=\"tornado\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "xmlns=\"http://www.w3.org/2000/svg\">\n"
        let what = a.scenarios.count > 1 ? "\(option) − \(a.scenarios[0])" : option
        s += "<text class=\"ctitle\" x=\"10\" y=\"18\">\(esc(truncated(MetricCatalog.label(of: id) + ": " + what, 76)))</text>\n"
        s += "<line class=\"zero\" x1=\"\(n(mid))\" y1=\"28\" x2=\"\(n(mid))\" y2=\"\(n(height - 20))\"/>\n"
        for (i, k) in order.enumerated() {
            let y = 34 + rowHeight * Double(i), r = prcc[k]
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y + 12))\" text-anchor=\"end\">\(esc(truncated(a.dimensions[k], 36)))</text>\n"
            guard r.isFinite else { continue }
            let w = abs(r) * half
            s += "<rect class=\"\(r < 0 ? "neg" : "pos")\" x=\"\(n(r < 0 ? mid - w : mid))\" y=\"\(n(y + 2))\" width=\"\(n(w))\" height=\"\(n(rowHeight - 6))\"/>\n"
            // The value on the other side of the zero line, where no bar or name is.
            s += "<text class=\"alabel\" x=\"\(n(r < 0 ? mid + 4 : mid - 4))\" y=\"\(n(y + 13))\" text-anchor=\"\(r < 0 ? "start" : "end")\">"
                + "\(TableWriter.fixed(r, 2))</text>\n"
        }
        for t in [-1.0, -0.5, 0, 0.5, 1] {
            s += "<text class=\"alabel\" x=\"\(n(mid + t * half))\" y=\"\(n(height - 6))\" text-anchor=\"middle\">\(TableWriter.fixed(t, 1))</text>\n"
        }
        return s + "</svg>\n"
    }

    static let uncertaintyCSS = """
    circle.sample{fill:#1f77b4;fill-opacity:0.45}line.expected{stroke:#08306b;stroke-width:2.5}
    rect.pos{fill:#d62728;fill-opacity:0.7}rect.neg{fill:#1f77b4;fill-opacity:0.7}td.num.better{color:#1a7f37;font-weight:600}

    """
}

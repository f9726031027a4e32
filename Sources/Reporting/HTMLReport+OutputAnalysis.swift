import PatientFlow

/// The report pages of `flowsim replications` (how the interval narrows with n) and `flowsim warmup` (the mean
/// daily series from time 0 with MSER-5's truncation point).
extension HTMLReport {
    /// One page: a chart per metric of the relative half-width (or the half-width, for an absolute precision)
    /// against n, with the precision as a dashed line and the answer marked.
    public static func render(title: String, replications study: ReplicationsStudy) -> String {
        var s = "<header><h1>\(esc(title))</h1>\n<p class=\"meta\">Scenario <b>\(esc(study.scenario))</b> · seed \(study.seed)"
            + " · \(study.replicationsRead) replications read</p>\n</header>\n"
        s += "<section id=\"replications\">\n<h2>How many replications</h2>\n"
        s += "<p class=\"note\">The half-width of the 95% confidence interval (Student t) of each metric's mean after n"
            + " replications. The replications algorithm of Hoad, Robinson &amp; Davies (2010) answers the first n at"
            + " which every metric is within \(esc(study.algorithm.precision.description)) and stays so for the next"
            + " \(study.algorithm.lookAhead) replications (the look-ahead). "
            + (study.answer.map { "Answer: <b>\($0) replications</b>." }
               ?? "<span class=\"warn\">No answer within \(study.maxReplications) replications.</span>") + "</p>\n"
        s += "<div class=\"charts\">\n"
        let relative: Bool
        let line: Double
        switch study.algorithm.precision {
        case .relative(let r): relative = true; line = 100 * r
        case .absolute(let a): relative = false; line = a
        }
        for (m, id) in study.metrics.enumerated() {
            let pts = study.curves[m].map { p in
                let y = relative ? 100 * p.relativeHalfWidth : p.halfWidth
                return ChartPoint(x: Double(p.n), y: y.isFinite ? y : .nan, lower: .nan, upper: .nan)
            }
            // The first replications' intervals are very wide: the axis follows the curve from the initial n.
            let shown = pts.filter { $0.x >= Double(study.algorithm.initial) }
            var chart = Chart(title: "\(MetricCatalog.info(for: id)?.label(for: id) ?? id)",
                              xLabel: "replications (n)", yLabel: relative ? "half-width, % of the mean" : "half-width")
            chart.series = [ChartSeries(name: id, colour: palette[m % palette.count], points: shown)]
            chart.references.append(Reference(value: line, label: "precision \(study.algorithm.precision)", kind: "target"))
            chart.limits = 0...Double.infinity
            if let a = study.answer { chart.marker = (Double(a), "n = \(a)") }
            s += chart.svg()
        }
        s += "</div>\n</section>\n"
        return page(title: title, body: s)
    }

    /// One page: a chart per daily series of its mean across replications from time 0, with MSER-5's
    /// truncation point marked and the scenario's warm-up as a note.
    public static func render(title: String, warmup study: WarmupStudy) -> String {
        var s = "<header><h1>\(esc(title))</h1>\n<p class=\"meta\">Scenario <b>\(esc(study.scenario))</b> · "
            + "\(study.replications) replication\(study.replications == 1 ? "" : "s") · seed \(study.seed)</p>\n</header>\n"
        s += "<section id=\"warmup\">\n<h2>Warm-up</h2>\n"
        s += "<p class=\"note\">Each daily series' mean across replications from the start of the run, warm-up days"
            + " included. MSER-5 (White 1997) batches it into 5-day means and picks the truncation that minimises the"
            + " marginal standard error of what is left, over the first half of the run. "
            + (study.suggestedDays.map { "Suggested warm-up: <b>\($0) days</b>" } ?? "No suggestion")
            + "; the scenario's is \(esc(TableWriter.compact(study.currentWarmUpDays))) days.</p>\n<div class=\"charts\">\n"
        for (m, id) in study.metrics.enumerated() {
            let pts = study.means[m].enumerated().map { d, v in ChartPoint(x: Double(d), y: v, lower: .nan, upper: .nan) }
            let (title, unit, _) = dailyTitle(id)
            var chart = Chart(title: title, xLabel: "day from the start of the run", yLabel: unit)
            chart.series = [ChartSeries(name: id, colour: palette[0], points: pts)]
            chart.limits = possibleRange(pts, metric: id)
            chart.markers = false
            if let r = study.results[m] { chart.marker = (Double(r.points), "MSER-5: \(r.points) d") }
            s += chart.svg()
        }
        s += "</div>\n</section>\n"
        return page(title: title, body: s)
    }
}

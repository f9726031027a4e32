import PatientFlow

/// The sections of a report a steering group reads first: the scorecard of a compare, a plain-language finding
/// per headline metric, the assumptions that differ from the baseline, and where the results came from.
extension HTMLReport {
    /// A difference between the baseline's merged scenario and an option's: the key and both values (nil where
    /// the key is absent), as the report lists them.
    public struct AssumptionChange: Sendable, Equatable {
        public var key: String
        public var baseline: String?
        public var option: String?
        public init(key: String, baseline: String?, option: String?) {
            self.key = key
            self.baseline = baseline
            self.option = option
        }
    }

    /// Options x metrics: difference, CI and verdict per cell, coloured by verdict.
    static func scorecardSection(_ card: Scorecard) -> String {
        guard !card.comparisons.isEmpty, !card.metrics.isEmpty else { return "" }
        var s = "<section id=\"scorecard\">\n<h2>Scorecard</h2>\n"
        s += "<p class=\"note\">Each option's paired difference from <b>\(esc(card.baseline))</b> (option − baseline, "
            + "common random numbers) with its 95% confidence interval. A difference is clear when the interval excludes 0"
            + (card.comparisons.contains { $0.holmAdjusted } ? " (here: when its Holm-adjusted p-value is below 0.05)" : "")
            + "; <span class=\"better\">better</span> / <span class=\"worse\">worse</span> needs a clear difference at "
            + "least the metric's minimum meaningful difference (<i>too small to matter</i> otherwise); metrics without "
            + "a better direction say higher / lower.</p>\n"
        // Rows are the metrics and columns the options (a page is narrower than ten metrics are wide);
        // scorecard.csv has one row per option.
        s += "<table class=\"metrics scorecard\">\n<thead><tr><th>metric</th><th class=\"num\">\(esc(card.baseline))<br/>"
            + "<span class=\"unit\">baseline</span></th>"
            + card.comparisons.map { "<th class=\"num\">\(esc($0.option))<br/><span class=\"unit\">option − baseline</span></th>" }.joined()
            + "</tr></thead>\n<tbody>\n"
        for m in card.metrics {
            let info = MetricCatalog.info(for: m), unit = info?.unit
            s += "<tr><td title=\"\(esc(m))\">\(esc(info?.label(for: m) ?? m))<br/><span class=\"unit\">\(esc(info?.unitLabel ?? ""))"
                + "\(info.map { $0.direction == .neither ? "" : ", \($0.direction.rawValue) is better" } ?? "")</span></td>"
            s += "<td class=\"num\">\(esc(TableWriter.format(card.comparisons[0].row(m)?.baseline.mean ?? .nan, unit: unit)))</td>"
            for c in card.comparisons {
                guard let r = c.row(m) else { s += "<td></td>"; continue }
                let d = r.difference
                let ci = d.lower.isNaN ? "" : "<br/><span class=\"ci\">\(esc(TableWriter.signed(d.lower, unit: unit))) to "
                    + "\(esc(TableWriter.signed(d.upper, unit: unit)))</span>"
                s += "<td class=\"num cell-\(verdictClass(r.verdict))\">\(esc(TableWriter.signed(d.mean, unit: unit)))\(ci)"
                    + "<br/><span class=\"verdict\">\(esc(r.verdict.rawValue))</span></td>"
            }
            s += "</tr>\n"
        }
        s += "</tbody>\n</table>\n"
        let tests = Comparison.testCount(card.comparisons)
        s += "<p class=\"note\">\(tests) differences were tested (every metric and option)"
            + (card.comparisons.contains { $0.holmAdjusted }
               ? "; the verdicts are Holm-adjusted so that the chance of any false clear difference is at most 5%."
               : ": if the options changed nothing, about \(Int((0.05 * Double(tests)).rounded())) would still look clear by "
                   + "chance at 95%, so read a single surprising verdict with care (<code>--holm</code> adjusts for this).") + "</p>\n"
        return s + "</section>\n"
    }

    /// One sentence per headline metric: the level for a run, the change per option for a compare.
    static func findingsSection(run: RunReport?, card: Scorecard?) -> String {
        // One list per option (or one for a run), in the scorecard's order of metrics.
        var lists: [(title: String?, items: [String])] = []
        if let card, !card.comparisons.isEmpty {
            lists = card.comparisons.map { c in
                (c.option, card.metrics.compactMap { m in c.row(m).map { Findings.sentence(for: $0, option: c.option) } })
            }
        } else if let run {
            lists = [(nil, MetricCatalog.headline.compactMap { run.metric($0) }.map(Findings.sentence))]
        }
        guard lists.contains(where: { !$0.items.isEmpty }) else { return "" }
        return "<section id=\"findings\">\n<h2>Findings</h2>\n" + lists.map { l in
            (l.title.map { "<h3>\(esc($0))</h3>\n" } ?? "") + "<ul class=\"findings\">\n"
                + l.items.map { "<li>\(esc($0))</li>\n" }.joined() + "</ul>\n"
        }.joined() + "</section>\n"
    }

    /// What each option's scenario changes against the baseline's (the merged scenarios compared key by key).
    static func assumptionsSection(_ changes: [(option: String, changes: [AssumptionChange])]) -> String {
        guard !changes.isEmpty else { return "" }
        var s = "<section id=\"assumptions\">\n<h2>Assumptions that differ from the baseline</h2>\n"
        s += "<p class=\"note\">Every value of each option's scenario (after <code>extends</code> and overrides) that is "
            + "not the baseline's.</p>\n"
        for (option, list) in changes {
            s += "<h3>\(esc(option))</h3>\n"
            guard !list.isEmpty else { s += "<p class=\"nodata\">No value differs from the baseline.</p>\n"; continue }
            s += "<table class=\"metrics\">\n<thead><tr><th>key</th><th>baseline</th><th>option</th></tr></thead>\n<tbody>\n"
            for c in list {
                s += "<tr><td class=\"id\">\(esc(c.key))</td><td>\(esc(c.baseline ?? "(absent)"))</td>"
                    + "<td>\(esc(c.option ?? "(absent)"))</td></tr>\n"
            }
            s += "</tbody>\n</table>\n"
        }
        return s + "</section>\n"
    }

    /// Where the results came from.
    static func provenanceSection(_ ps: [(scenario: String, provenance: Provenance)]) -> String {
        guard !ps.isEmpty else { return "" }
        var s = "<section id=\"provenance\">\n<h2>Where these results come from</h2>\n"
        for (scenario, p) in ps {
            if ps.count > 1 { s += "<h3>\(esc(scenario))</h3>\n" }
            s += "<table class=\"metrics\">\n<tbody>\n"
            for (k, v) in p.lines { s += "<tr><th>\(esc(k))</th><td class=\"id\">\(esc(v))</td></tr>\n" }
            s += "</tbody>\n</table>\n"
        }
        return s + "</section>\n"
    }

    static let decisionCSS = """
    table.scorecard td{vertical-align:top}table.scorecard th .unit{font-weight:400;color:#666;font-size:0.85em}
    table.scorecard tr.base td{background:#f8f9fb;color:#444}
    table.scorecard .ci{color:#666;font-size:0.85em}table.scorecard .verdict{font-size:0.85em}
    td.cell-better{background:#e6f4ea;color:#1a7f37}td.cell-worse{background:#fdecea;color:#c62828}
    ul.findings li{margin:0.25em 0}

    """
}

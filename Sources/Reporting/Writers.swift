import Foundation
import PatientFlow

/// Files a run writes, in formats people and tools read back: JSON, tidy CSV.
///
/// Numbers are written with Swift's shortest round-trip representation, keys in a fixed order, so the same
/// results give byte-identical files.
public enum Writers {
    /// `summary.json`: the scenario, the run settings and every metric's summary.
    /// `summary.json`: the scenario, the run settings, where it came from (`provenance`) and every metric's
    /// summary with the catalogue's label, unit and better direction.
    public static func summaryJSON(_ r: RunReport) -> String {
        var s = "{\n"
        s += "  \"scenario\": \(json(r.scenario)),\n"
        s += "  \"replications\": \(r.replications),\n"
        s += "  \"seed\": \(r.seed),\n"
        s += "  \"incomplete\": \(r.incomplete),\n"
        if let p = r.provenance { s += "  \"provenance\": \(p.json()),\n" }
        s += "  \"metrics\": [\n"
        s += r.metrics.map { m in
            "    {\"id\": \(json(m.id)), \(describe(m.id, json: true)), \"mean\": \(num(m.mean)), \"sd\": \(num(m.standardDeviation)), "
                + "\"n\": \(m.count), \"lower\": \(num(m.lower)), \"upper\": \(num(m.upper))}"
        }.joined(separator: ",\n")
        s += "\n  ]\n}\n"
        return s
    }

    /// The catalogue's label, unit and better direction of `id`, as JSON members or CSV fields (empty for an id
    /// the catalogue lacks).
    static func describe(_ id: String, json asJSON: Bool) -> String {
        let info = MetricCatalog.info(for: id)
        let fields = [info?.label(for: id) ?? "", info?.unitLabel ?? "", info?.direction.rawValue ?? ""]
        if asJSON {
            return zip(["label", "unit", "better"], fields).map { "\(json($0)): \(json($1))" }.joined(separator: ", ")
        }
        return fields.map(csv).joined(separator: ",")
    }

    /// `daily.csv`: one row per day and series: the date, the mean and 95% CI across replications, and the
    /// 10th, 50th and 90th percentiles across replications (the spread one replication can show).
    public static func dailyCSV(_ daily: [DailySummary]) -> String {
        var s = "day,date,series,mean,lower,upper,p10,p50,p90\n"
        var dates = DateTexts()  // every series has the same days
        for series in daily {
            let name = csv(series.series)
            for (d, m) in series.days.enumerated() {
                let date = series.date(ofDay: d).map { dates.text($0) } ?? ""
                let p = d < series.percentiles.count ? series.percentiles[d] : Percentiles(p10: .nan, p50: .nan, p90: .nan)
                s += "\(d),\(date),\(name),\(cnum(m.mean)),\(cnum(m.lower)),\(cnum(m.upper)),"
                    + "\(cnum(p.p10)),\(cnum(p.p50)),\(cnum(p.p90))\n"
            }
        }
        return s
    }

    /// The metric table as CSV (`--format csv`).
    /// `monthly.csv`: month, metric, mean, lower, upper, n (the front door's metrics by calendar month).
    public static func monthlyCSV(_ monthly: [MonthlySummary]) -> String {
        var s = "month,metric,mean,lower,upper,n\n"
        for m in monthly {
            s += "\(m.month),\(csv(m.metric)),\(cnum(m.summary.mean)),\(cnum(m.summary.lower)),\(cnum(m.summary.upper)),\(m.summary.count)\n"
        }
        return s
    }

    /// `summary.csv` (and `--format csv`): one row per metric with the catalogue's label, unit and better
    /// direction, and `scenario` first so the files of several scenarios stack.
    public static func metricsCSV(_ metrics: [MetricSummary], scenario: String) -> String {
        let name = csv(scenario)
        return "scenario,metric,label,unit,better,mean,sd,n,lower,upper\n" + metrics.map {
            "\(name),\(csv($0.id)),\(describe($0.id, json: false)),\(cnum($0.mean)),\(cnum($0.standardDeviation)),\($0.count),"
                + "\(cnum($0.lower)),\(cnum($0.upper))\n"
        }.joined()
    }

    /// A comparison as CSV: one row per metric; `pairs` is the number of paired replications behind it (fewer
    /// than asked for after an interrupt); `minimum_difference` the smallest difference the verdict counts and
    /// `p_value` the paired t-test's (Holm-adjusted with `--holm`, then `holm` is true).
    public static func comparisonCSV(_ c: Comparison) -> String { comparisonCSV([c]) }

    /// Several comparisons in one table (one header; `compare`'s `comparison.csv`).
    public static func comparisonCSV(_ cs: [Comparison]) -> String {
        "baseline,option,metric,label,unit,better,baseline_mean,option_mean,difference,difference_lower,difference_upper,verdict,pairs,"
            + "minimum_difference,p_value,holm\n" + cs.map(comparisonRowsCSV).joined()
    }

    static func comparisonRowsCSV(_ c: Comparison) -> String {
        c.rows.map {
                "\(csv(c.baseline)),\(csv(c.option)),\(csv($0.metric)),\(describe($0.metric, json: false)),"
                    + "\(cnum($0.baseline.mean)),\(cnum($0.option.mean)),"
                    + "\(cnum($0.difference.mean)),\(cnum($0.difference.lower)),\(cnum($0.difference.upper)),\($0.verdict.rawValue),"
                    + "\(c.replications),\(cnum($0.minimumDifference)),\(cnum($0.pValue)),\(c.holmAdjusted)\n"
            }.joined()
    }

    /// A comparison as JSON; `planned` and `incomplete` say whether every paired replication asked for finished.
    public static func comparisonJSON(_ cs: [Comparison]) -> String {
        "{\"comparisons\": [\n" + cs.map { c in
            "  {\"baseline\": \(json(c.baseline)), \"option\": \(json(c.option)), \"replications\": \(c.replications), "
                + "\"planned\": \(c.planned), \"incomplete\": \(c.incomplete), \"holm\": \(c.holmAdjusted), \"metrics\": [\n"
                + c.rows.map {
                    "    {\"id\": \(json($0.metric)), \(describe($0.metric, json: true)), \"baseline\": \(num($0.baseline.mean)), "
                        + "\"option\": \(num($0.option.mean)), "
                        + "\"difference\": \(num($0.difference.mean)), \"lower\": \(num($0.difference.lower)), "
                        + "\"upper\": \(num($0.difference.upper)), \"minimum_difference\": \(num($0.minimumDifference)), "
                        + "\"p_value\": \(num($0.pValue)), \"verdict\": \(json($0.verdict.rawValue))}"
                }.joined(separator: ",\n") + "\n  ]}"
        }.joined(separator: ",\n") + "\n]}\n"
    }

    /// `scorecard.csv`: one row per option; per scorecard metric the baseline and option means, the difference
    /// with its 95% CI and the verdict (columns `<metric>.baseline`, `.option`, `.difference`, `.lower`, `.upper`,
    /// `.verdict`).
    public static func scorecardCSV(_ card: Scorecard) -> String {
        let parts = ["baseline", "option", "difference", "lower", "upper", "verdict"]
        var s = "option,baseline,pairs," + card.metrics.flatMap { m in parts.map { csv("\(m).\($0)") } }.joined(separator: ",") + "\n"
        for c in card.comparisons {
            s += "\(csv(c.option)),\(csv(c.baseline)),\(c.replications)"
            for m in card.metrics {
                guard let r = c.row(m) else { s += String(repeating: ",", count: parts.count); continue }
                s += ",\(cnum(r.baseline.mean)),\(cnum(r.option.mean)),\(cnum(r.difference.mean)),\(cnum(r.difference.lower)),"
                    + "\(cnum(r.difference.upper)),\(csv(r.verdict.rawValue))"
            }
            s += "\n"
        }
        return s
    }

    /// A sweep as tidy CSV: parameter values, metric, mean and CI.
    public static func sweepCSV(_ sweep: Sweep) -> String {
        var s = sweep.parameters.map(csv).joined(separator: ",") + ",metric,mean,sd,lower,upper,n\n"
        for p in sweep.points {
            let head = p.values.map(pnum).joined(separator: ",")
            for m in p.metrics {
                s += "\(head),\(csv(m.id)),\(cnum(m.mean)),\(cnum(m.standardDeviation)),\(cnum(m.lower)),\(cnum(m.upper)),\(m.count)\n"
            }
        }
        return s
    }

    /// A sweep as JSON: the parameters and, per point, its values and every metric's summary.
    public static func sweepJSON(_ sweep: Sweep) -> String {
        var s = "{\"scenario\": \(json(sweep.scenario)), \"parameters\": [\(sweep.parameters.map(json).joined(separator: ", "))],\n"
        s += " \"shown\": [\(sweep.shown.map(json).joined(separator: ", "))],\n \"points\": [\n"
        s += sweep.points.map { p in
            "  {\"values\": [\(p.values.map(num).joined(separator: ", "))], \"metrics\": [\n" + p.metrics.map { m in
                "    {\"id\": \(json(m.id)), \"mean\": \(num(m.mean)), \"sd\": \(num(m.standardDeviation)), "
                    + "\"n\": \(m.count), \"lower\": \(num(m.lower)), \"upper\": \(num(m.upper))}"
            }.joined(separator: ",\n") + "\n  ]}"
        }.joined(separator: ",\n")
        return s + "\n]}\n"
    }

    /// A problem in a sweep CSV read back (`--resume`), on a line of it.
    public struct SweepFileError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Reads the points of a sweep CSV written by `sweepCSV` for these parameters (`--resume`).
    ///
    /// A UTF-8 byte order mark and CRLF line ends (a file saved by a spreadsheet) are accepted. Anything else
    /// that `sweepCSV` does not write is an error naming its line: another sweep's header, a row with the wrong
    /// number of fields, a value that is not a number (`abc` is not read as NaN), a metric twice for one point,
    /// a point whose rows are split up, a point with fewer metrics than the others, or a last line without its
    /// end (a truncated file).
    public static func readSweepCSV(_ data: Data, parameters: [String]) throws(SweepFileError) -> [SweepPoint] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.isEmpty { return [] }
        // Lines split on bytes: in Swift "\r\n" is one Character, which splitting on "\n" would not see.
        let raw = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        var lines: [String] = []
        for (i, r) in raw.enumerated() {
            let body = r.last == 0x0D ? r.dropLast() : r[...]
            guard let line = String(validating: body, as: UTF8.self) else {
                throw SweepFileError(line: i + 1, message: "the line is not valid UTF-8 text")
            }
            lines.append(line)
        }
        // Every row sweepCSV writes ends with a newline: a last line without one was cut short.
        guard lines.last == "" else {
            throw SweepFileError(line: lines.count, message: "the last line has no end: the file was cut short (truncated)")
        }
        lines.removeLast()
        let expectedHeader = parameters.map(csv).joined(separator: ",") + ",metric,mean,sd,lower,upper,n"
        guard let header = lines.first, header == expectedHeader else {
            let found = lines.first.map { String($0.prefix(200)) } ?? ""
            throw SweepFileError(line: 1, message: "the header is `\(found)`; a sweep over \(parameters.joined(separator: ", ")) "
                                 + "has the header `\(expectedHeader)`")
        }
        let k = parameters.count
        var points: [SweepPoint] = [], firstLine: [Int] = [], index: [[Double]: Int] = [:]
        var seen: [[Double]: [String: Int]] = [:]
        for (i, line) in lines.enumerated().dropFirst() {
            let number = i + 1
            func fail(_ message: String) -> SweepFileError { SweepFileError(line: number, message: message) }
            guard !line.isEmpty else { throw fail("an empty line") }
            guard let f = csvFields(line), f.count == k + 6 else {
                throw fail("expected \(k + 6) fields (\(expectedHeader)), found \(csvFields(line)?.count.description ?? "unbalanced quotes")")
            }
            var values: [Double] = []
            for (j, p) in parameters.enumerated() {
                guard let v = Double(f[j]), v.isFinite else { throw fail("\(p): `\(f[j].prefix(40))` is not a number") }
                values.append(v)
            }
            let id = f[k]
            guard !id.isEmpty else { throw fail("the metric is empty") }
            var x: [Double] = []
            for (j, column) in ["mean", "sd", "lower", "upper"].enumerated() {
                let cell = f[k + 1 + j]
                if cell.isEmpty { x.append(.nan); continue }  // a missing value (NaN is written as nothing)
                guard let v = Double(cell), v.isFinite else { throw fail("\(column): `\(cell.prefix(40))` is not a number") }
                x.append(v)
            }
            guard let n = Int(f[k + 5]), n >= 0 else { throw fail("n: `\(f[k + 5].prefix(40))` is not a count of replications") }
            if let earlier = seen[values]?[id] {
                throw fail("metric \(id) of point \(values.map(cnum).joined(separator: ", ")) appears twice (first on line \(earlier))")
            }
            if let p = index[values], p != points.count - 1 {
                throw fail("point \(values.map(cnum).joined(separator: ", ")) continues here, but its rows start on line "
                           + "\(firstLine[p]) and another point came between")
            }
            if index[values] == nil {
                index[values] = points.count
                firstLine.append(number)
                points.append(SweepPoint(values: values, metrics: []))
            }
            seen[values, default: [:]][id] = number
            points[points.count - 1].metrics.append(MetricSummary(id: id, mean: x[0], standardDeviation: x[1], count: n,
                                                                  lower: x[2], upper: x[3]))
        }
        // Every point has the metrics the first has: a point cut short at a line end has fewer.
        if let first = points.first {
            let ids = first.metrics.map(\.id)
            for (p, point) in points.enumerated().dropFirst() where point.metrics.map(\.id) != ids {
                throw SweepFileError(line: firstLine[p], message: "point \(point.values.map(cnum).joined(separator: ", ")) has "
                                     + "\(point.metrics.count) metrics where the first point has \(ids.count): the file is "
                                     + "incomplete or was edited")
            }
        }
        return points
    }

    /// The fields of one CSV line as `csv` writes them (quoted when they hold a comma or a quote); nil if the
    /// quotes do not balance.
    static func csvFields(_ line: String) -> [String]? {
        var fields: [String] = [], field = "", quoted = false, wasQuoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    quoted = false
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                if wasQuoted { field.append("\"") }  // "" inside quotes
                quoted = true
                wasQuoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
                wasQuoted = false
            } else {
                field.append(c)
            }
        }
        guard !quoted else { return nil }
        fields.append(field)
        return fields
    }

    /// Writes `contents` to `path` atomically: a temporary file in the same folder, then a rename, so a
    /// reader never sees half a file and an interrupted write leaves the old one.
    public static func writeAtomically(_ contents: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        try Data(contents.utf8).write(to: tmp)
        if rename(tmp.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: tmp)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    public static func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
    /// A parameter value: whole numbers without a decimal point (`40`, not `40.0`), others as `cnum`.
    public static func pnum(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && abs(x) < 1e15 ? "\(Int(x))" : cnum(x)
    }

    /// `answer.json` of `size`: the parameter, the target, the smallest value meeting it with 95% confidence
    /// (null when none in the range does), and the values run.
    public static func sizeAnswerJSON(parameter: String, target: Target, answer: Double?, range: ClosedRange<Double>,
                                      evaluated: [Double], replications: Int, seed: UInt64) -> String {
        "{\n  \"parameter\": \(json(parameter)),\n  \"target\": \(json(target.description)),\n"
            + "  \"answer\": \(answer.map(pnum) ?? "null"),\n  \"met\": \(answer != nil),\n"
            + "  \"range\": [\(pnum(range.lowerBound)), \(pnum(range.upperBound))],\n"
            + "  \"values_run\": [\(evaluated.map(pnum).joined(separator: ", "))],\n"
            + "  \"replications\": \(replications),\n  \"seed\": \(json(String(seed)))\n}\n"
    }
    /// `answer.json` of `size` over several parameters: the parameters, targets and cost, the cheapest
    /// combination meeting every target (null when none does) with its cost and each target's CI there, every
    /// point run (values, feasible, cost), the frontier, the grid's size and whether all of it ran, and the
    /// selection (Kim & Nelson) when the cost is a metric.
    public static func cheapestAnswerJSON(parameters: [String], targets: [Target], cost: String, costMetric: String?,
                                          weights: [Double]?, answer: [Double]?, answerCost: Double?,
                                          answerMetrics: [MetricSummary],
                                          points: [(values: [Double], feasible: Bool, cost: Double?)], frontier: [[Double]],
                                          gridSize: Int,
                                          selection: (indifference: Double, candidates: [[Double]], replications: [Int],
                                                      means: [Double], budgetReached: Bool)?,
                                          replications: Int, seed: UInt64) -> String {
        func list(_ v: [Double]) -> String { "[" + v.map(pnum).joined(separator: ", ") + "]" }
        func object(_ v: [Double]) -> String {
            "{" + zip(parameters, v).map { "\(json($0)): \(pnum($1))" }.joined(separator: ", ") + "}"
        }
        var s = "{\n  \"parameters\": [\(parameters.map(json).joined(separator: ", "))],\n"
        s += "  \"targets\": [\(targets.map { json($0.description) }.joined(separator: ", "))],\n"
        s += "  \"cost\": {\"description\": \(json(cost)), \"metric\": \(costMetric.map(json) ?? "null"), \"weights\": "
            + "\(weights.map(object) ?? "null")},\n"
        s += "  \"answer\": \(answer.map(object) ?? "null"),\n  \"met\": \(answer != nil),\n"
        s += "  \"answer_cost\": \(answerCost.map(num) ?? "null"),\n"
        let atAnswer = answer == nil ? [] : targets.compactMap { t -> String? in
            guard let m = answerMetrics.first(where: { $0.id == t.metric }) else { return nil }
            return "    {\"target\": \(json(t.description)), \"mean\": \(num(m.mean)), \"lower\": \(num(m.lower)), "
                + "\"upper\": \(num(m.upper)), \"met\": \(t.isMet(by: m))}"
        }
        s += "  \"targets_at_answer\": [" + (atAnswer.isEmpty ? "" : "\n" + atAnswer.joined(separator: ",\n") + "\n  ") + "],\n"
        s += "  \"points_run\": \(points.count),\n  \"grid_size\": \(gridSize),\n"
        s += "  \"grid_exhausted\": \(points.count == gridSize),\n"
        s += "  \"points\": [\n" + points.map { p in
            "    {\"values\": \(object(p.values)), \"feasible\": \(p.feasible), \"cost\": \(p.cost.map(num) ?? "null")}"
        }.joined(separator: ",\n") + "\n  ],\n"
        s += "  \"frontier\": [" + frontier.map(object).joined(separator: ", ") + "],\n"
        if let sel = selection {
            s += "  \"selection\": {\"method\": \"Kim-Nelson 2001 (KN)\", \"confidence\": 0.95, \"indifference\": \(num(sel.indifference)), "
                + "\"budget_reached\": \(sel.budgetReached),\n    \"candidates\": [" + sel.candidates.indices.map { i in
                    "{\"values\": \(object(sel.candidates[i])), \"replications\": \(sel.replications[i]), \"mean_cost\": \(num(sel.means[i]))}"
                }.joined(separator: ", ") + "]},\n"
        } else {
            s += "  \"selection\": null,\n"
        }
        return s + "  \"replications\": \(replications),\n  \"seed\": \(json(String(seed)))\n}\n"
    }
    /// In CSV a missing number is an empty field.
    public static func cnum(_ x: Double) -> String { x.isFinite ? "\(x)" : "" }
    static func json(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 { out += String(format: "\\u%04x", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
    public static func csv(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}


import Foundation
import PatientFlow

/// Files a run writes, in formats people and tools read back: JSON, tidy CSV.
///
/// Numbers are written with Swift's shortest round-trip representation, keys in a fixed order, so the same
/// results give byte-identical files.
public enum Writers {
    /// `summary.json`: the scenario, the run settings and every metric's summary.
    public static func summaryJSON(_ r: RunReport) -> String {
        var s = "{\n"
        s += "  \"scenario\": \(json(r.scenario)),\n"
        s += "  \"replications\": \(r.replications),\n"
        s += "  \"seed\": \(r.seed),\n"
        s += "  \"incomplete\": \(r.incomplete),\n"
        s += "  \"metrics\": [\n"
        s += r.metrics.map { m in
            "    {\"id\": \(json(m.id)), \"mean\": \(num(m.mean)), \"sd\": \(num(m.standardDeviation)), "
                + "\"n\": \(m.count), \"lower\": \(num(m.lower)), \"upper\": \(num(m.upper))}"
        }.joined(separator: ",\n")
        s += "\n  ]\n}\n"
        return s
    }

    /// `daily.csv`: one row per day and series, mean and 95% CI across replications.
    public static func dailyCSV(_ daily: [DailySummary]) -> String {
        var s = "day,series,mean,lower,upper\n"
        for series in daily {
            for (d, m) in series.days.enumerated() {
                s += "\(d),\(csv(series.series)),\(cnum(m.mean)),\(cnum(m.lower)),\(cnum(m.upper))\n"
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

    public static func metricsCSV(_ metrics: [MetricSummary]) -> String {
        "metric,mean,sd,n,lower,upper\n" + metrics.map {
            "\(csv($0.id)),\(cnum($0.mean)),\(cnum($0.standardDeviation)),\($0.count),\(cnum($0.lower)),\(cnum($0.upper))\n"
        }.joined()
    }

    /// A comparison as CSV: one row per metric.
    public static func comparisonCSV(_ c: Comparison) -> String {
        "baseline,option,metric,baseline_mean,option_mean,difference,difference_lower,difference_upper,verdict\n"
            + c.rows.map {
                "\(csv(c.baseline)),\(csv(c.option)),\(csv($0.metric)),\(cnum($0.baseline.mean)),\(cnum($0.option.mean)),"
                    + "\(cnum($0.difference.mean)),\(cnum($0.difference.lower)),\(cnum($0.difference.upper)),\($0.verdict.rawValue)\n"
            }.joined()
    }

    /// A comparison as JSON.
    public static func comparisonJSON(_ cs: [Comparison]) -> String {
        "{\"comparisons\": [\n" + cs.map { c in
            "  {\"baseline\": \(json(c.baseline)), \"option\": \(json(c.option)), \"replications\": \(c.replications), \"metrics\": [\n"
                + c.rows.map {
                    "    {\"id\": \(json($0.metric)), \"baseline\": \(num($0.baseline.mean)), \"option\": \(num($0.option.mean)), "
                        + "\"difference\": \(num($0.difference.mean)), \"lower\": \(num($0.difference.lower)), "
                        + "\"upper\": \(num($0.difference.upper)), \"verdict\": \(json($0.verdict.rawValue))}"
                }.joined(separator: ",\n") + "\n  ]}"
        }.joined(separator: ",\n") + "\n]}\n"
    }

    /// A sweep as tidy CSV: parameter values, metric, mean and CI.
    public static func sweepCSV(_ sweep: Sweep) -> String {
        var s = sweep.parameters.map(csv).joined(separator: ",") + ",metric,mean,sd,lower,upper,n\n"
        for p in sweep.points {
            let head = p.values.map(cnum).joined(separator: ",")
            for m in p.metrics {
                s += "\(head),\(csv(m.id)),\(cnum(m.mean)),\(cnum(m.standardDeviation)),\(cnum(m.lower)),\(cnum(m.upper)),\(m.count)\n"
            }
        }
        return s
    }

    /// Reads the points of a sweep CSV written by `sweepCSV` for these parameters (`--resume`); nil if the file's
    /// columns are not this sweep's.
    public static func readSweepCSV(_ text: String, parameters: [String]) -> [SweepPoint]? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst()
        guard header == parameters.map(csv).joined(separator: ",") + ",metric,mean,sd,lower,upper,n" else { return nil }
        var points: [[Double]: [MetricSummary]] = [:], order: [[Double]] = []
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count == parameters.count + 6 else { return nil }
            let values = f[0..<parameters.count].compactMap(Double.init)
            guard values.count == parameters.count, let n = Int(f[parameters.count + 5]) else { return nil }
            let x = f[parameters.count...].map { Double($0) ?? .nan }
            let m = MetricSummary(id: f[parameters.count], mean: x[1], standardDeviation: x[2], count: n, lower: x[3], upper: x[4])
            if points[values] == nil { order.append(values) }
            points[values, default: []].append(m)
        }
        return order.map { SweepPoint(values: $0, metrics: points[$0]!) }
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

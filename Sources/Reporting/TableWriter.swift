import PatientFlow

/// Plain-text tables for terminals.
public enum TableWriter {
    /// A table of metric summaries: metric, mean, 95% CI, replications.
    public static func metrics(_ summaries: [MetricSummary], title: String? = nil) -> String {
        var rows: [[String]] = [["metric", "mean", "95% CI", "n"]]
        for s in summaries {
            rows.append([s.id, format(s.mean),
                         s.lower.isNaN ? "-" : "\(format(s.lower)) .. \(format(s.upper))", "\(s.count)"])
        }
        return (title.map { $0 + "\n" } ?? "") + render(rows, rightAligned: [1, 2, 3])
    }

    /// Formats a number with about four significant figures, without exponent for everyday magnitudes.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "-" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        let a = abs(x)
        let decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4
        return fixed(x, decimals)
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (abs(x) * scale).rounded() / scale
        let whole = Int(r)
        var s = "\(whole)"
        if decimals > 0 {
            var frac = Int(((r - Double(whole)) * scale).rounded())
            if frac >= Int(scale) { frac = 0 }
            let f = "\(frac)"
            s += "." + String(repeating: "0", count: decimals - f.count) + f
        }
        return (x < 0 && r != 0 ? "-" : "") + s
    }

    public static func render(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.enumerated().map { i, row in
            let line = row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ")
            return i == 0 ? line + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") : line
        }.joined(separator: "\n") + "\n"
    }
}

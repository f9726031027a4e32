import PatientFlow

/// Plain-text tables for terminals.
public enum TableWriter {
    /// A table of metric summaries: metric, mean, 95% CI, unit, better direction, replications and the
    /// catalogue's label (last, so a narrow terminal cuts only the label).
    public static func metrics(_ summaries: [MetricSummary], title: String? = nil) -> String {
        var rows: [[String]] = [["metric", "mean", "95% CI", "unit", "better", "n", "label"]]
        for s in summaries {
            let info = MetricCatalog.info(for: s.id)
            let unit = info?.unit
            rows.append([s.id, format(s.mean, unit: unit),
                         s.lower.isNaN ? "-" : "\(format(s.lower, unit: unit)) .. \(format(s.upper, unit: unit))", info?.unitLabel ?? "",
                         info.map { $0.direction == .neither ? "-" : $0.direction.rawValue } ?? "", "\(s.count)",
                         info?.label(for: s.id) ?? ""])
        }
        return (title.map { $0 + "\n" } ?? "") + render(rows, rightAligned: [1, 2, 5])
    }

    /// Formats a number with about four significant figures, without exponent for everyday magnitudes.
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "-" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        let a = abs(x)
        let decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : a >= 1 ? 3 : 4
        return fixed(x, decimals)
    }

    /// A number as `format` writes it, without trailing zeros (`5`, `2.5`, `61`).
    public static func compact(_ x: Double) -> String {
        var s = format(x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// A whole number as text (`-12345`) with thousands separators: `-12,345`.
    static func withThousands(_ whole: String) -> String {
        let negative = whole.hasPrefix("-")
        let digits = Array(negative ? whole.dropFirst() : whole[...])
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (negative ? "-" : "") + out
    }

    /// A decimal without the zeros that say nothing: `1.0` -> `1`, `0.250` -> `0.25`.
    static func trimmingZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// `x` with `decimals` decimals; "-" for NaN (nothing to show, e.g. a probability over no sample), "inf"
    /// and "-inf", and Swift's own description past what an Int holds.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        guard x.isFinite else { return x.isNaN ? "-" : x < 0 ? "-inf" : "inf" }
        guard abs(x) * scale < 9e18 else { return "\(x)" }
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

    /// The scorecard for a terminal: one row per metric (label, unit, better direction, the baseline's mean),
    /// one column per option with its difference from the baseline, the CI's half-width and the verdict.
    public static func scorecard(_ card: Scorecard) -> String {
        var rows: [[String]] = [["metric", "unit", "better", card.baseline] + card.comparisons.map(\.option)]
        for m in card.metrics {
            let info = MetricCatalog.info(for: m)
            let base = card.comparisons.first?.row(m)?.baseline.mean ?? .nan
            rows.append([m, info?.unitLabel ?? "", info.map { $0.direction == .neither ? "-" : $0.direction.rawValue } ?? "",
                         format(base, unit: info?.unit)] + card.comparisons.map { c in
                guard let r = c.row(m) else { return "" }
                let d = r.difference
                let pm = d.lower.isNaN ? "" : " ±" + format(d.halfWidth, unit: info?.unit)
                return "\(signed(d.mean, unit: info?.unit))\(pm) \(r.verdict.rawValue)"
            })
        }
        return render(rows, rightAligned: Set(3..<(4 + card.comparisons.count)))
    }

    /// A difference with its sign (`+1.20`, `-3.70`, `0`); money as `-£2.32m`.
    public static func signed(_ x: Double, unit: MetricUnit? = nil) -> String {
        let s = format(abs(x), unit: unit)
        let zero = s.allSatisfy { !("1"..."9").contains($0) }
        return zero ? s : (x > 0 ? "+" : "-") + s
    }

    /// A number as `format` writes it, money in pounds with k and m (`£94.99m`, `£850k`).
    public static func format(_ x: Double, unit: MetricUnit?) -> String {
        guard unit == .gbpPerYear, x.isFinite else { return format(x) }
        let a = abs(x), sign = x < 0 ? "-" : ""
        if a >= 1e6 { return sign + "£" + format(a / 1e6) + "m" }
        if a >= 1e3 { return sign + "£" + format(a / 1e3) + "k" }
        return sign + "£" + format(a)
    }

    public static func render(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let widths = rows[0].indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.enumerated().map { i, row in
            let line = row.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? pad + cell : cell + pad
            }.joined(separator: "  ")
            // Trailing spaces off, by bytes (a trailing 0x20 is always a whole space character): building a
            // string from reversed characters cost ~600,000 instructions a row of the metric table.
            var end = line.utf8.endIndex
            while end > line.utf8.startIndex, line.utf8[line.utf8.index(before: end)] == UInt8(ascii: " ") {
                end = line.utf8.index(before: end)
            }
            let trimmed = String(line[..<end])
            return i == 0 ? trimmed + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") : trimmed
        }.joined(separator: "\n") + "\n"
    }
}

import PatientFlow

/// One plain-language sentence per headline metric, for a steering group: what the metric is, its value, and
/// for an option the change, its 95% CI and the verdict, in the metric's own units (points for percentages,
/// £ for money), so nobody has to read a CI to get the message. The report and the terminal share them.
public enum Findings {
    /// A level: "Patients with no criteria to reside: 11.5% (95% CI 11.2% to 11.8%)."
    public static func sentence(for s: MetricSummary) -> String {
        let info = MetricCatalog.info(for: s.id)
        let label = info?.label(for: s.id) ?? s.id
        guard !s.mean.isNaN else { return "\(label): no value in this run." }
        let unit = info?.unit
        let ci = s.lower.isNaN ? "" : " (95% CI \(level(s.lower, unit)) to \(level(s.upper, unit)))"
        return "\(label): \(level(s.mean, unit))\(ci)."
    }

    /// A change: "option-x lowers patients with no criteria to reside by 3.6 points, from 11.3% to 7.7% (95% CI
    /// of the change 2.1 to 5.1 points lower): better."
    public static func sentence(for r: ComparisonRow, option: String) -> String {
        let info = MetricCatalog.info(for: r.metric)
        let label = lowercasedFirst(info?.label(for: r.metric) ?? r.metric)
        let unit = info?.unit
        let d = r.difference
        let from = "from \(level(r.baseline.mean, unit)) to \(level(r.option.mean, unit))"
        switch r.verdict {
        case .identical:
            return "\(option) leaves \(label) unchanged at \(level(r.baseline.mean, unit)) (every paired replication identical)."
        case .noClearDifference:
            let ci = d.lower.isNaN ? "" : ", 95% CI \(change(d.lower, unit)) to \(change(d.upper, unit))"
            return "\(option): no clear difference in \(label) (\(change(d.mean, unit))\(ci))."
        case .tooSmall:
            return "\(option) changes \(label) by \(change(d.mean, unit)), \(from): a clear difference, but smaller than the "
                + "\(amount(r.minimumDifference, unit)) that counts as meaningful."
        case .better, .worse, .higher, .lower:
            let verb = d.mean < 0 ? "lowers" : "raises"
            let side = d.mean < 0 ? "lower" : "higher"
            let ci = d.lower.isNaN ? "" : " (95% CI of the change \(bare(min(abs(d.lower), abs(d.upper)), unit)) to "
                + "\(amount(max(abs(d.lower), abs(d.upper)), unit)) \(side))"
            let judged = r.verdict == .better || r.verdict == .worse ? ": \(r.verdict.rawValue)." : "."
            return "\(option) \(verb) \(label) by \(amount(abs(d.mean), unit)), \(from)\(ci)\(judged)"
        }
    }

    /// A level in its unit: `11.5%`, `£94.9m a year`, `2,664 a year`, `8.1 days`.
    static func level(_ x: Double, _ unit: MetricUnit?) -> String {
        guard x.isFinite else { return "-" }
        switch unit {
        case .percent: return "\(rounded(x))%"
        case .gbpPerYear: return "\(TableWriter.format(x, unit: .gbpPerYear)) a year"
        case .countPerYear, .hoursPerYear, .bedDaysPerYear:
            return "\(grouped(x))\(unit == .countPerYear ? "" : unit == .hoursPerYear ? " hours" : " bed-days") a year"
        case .days, .hours, .weeks: return "\(rounded(x)) \(unit!.rawValue)"
        case .count, .places, .patients, nil: return "\(rounded(x))\(unit.map { $0 == .count ? "" : " \($0.rawValue)" } ?? "")"
        }
    }

    /// A size of change, without sign: `3.6 points`, `£2.3m a year`, `120 a year`.
    static func amount(_ x: Double, _ unit: MetricUnit?) -> String {
        if unit == .percent { return "\(rounded(x)) point\(rounded(x) == "1" ? "" : "s")" }
        return level(x, unit)
    }

    /// A size without its unit words, for the first end of a range: `3.4`, `£1.2m`, `1,200`.
    static func bare(_ x: Double, _ unit: MetricUnit?) -> String {
        switch unit {
        case .gbpPerYear: return TableWriter.format(x, unit: .gbpPerYear)
        case .countPerYear, .hoursPerYear, .bedDaysPerYear: return grouped(x)
        default: return rounded(x)
        }
    }

    /// A signed change: `-3.6 points`, `+£2.3m a year`.
    static func change(_ x: Double, _ unit: MetricUnit?) -> String {
        guard x.isFinite else { return "-" }
        let a = amount(abs(x), unit)
        return a.allSatisfy({ !("1"..."9").contains($0) }) ? a : (x < 0 ? "-" : "+") + a
    }

    /// Three significant figures at most, one decimal for everyday sizes.
    static func rounded(_ x: Double) -> String {
        let a = abs(x)
        let digits = a >= 100 ? 0 : a >= 1 ? 1 : a >= 0.1 ? 2 : 3
        return TableWriter.trimmingZeros(TableWriter.fixed(x, digits))
    }

    /// A whole number with thousands separators: `12,345`.
    static func grouped(_ x: Double) -> String { TableWriter.withThousands(TableWriter.fixed(x, 0)) }

    static func lowercasedFirst(_ s: String) -> String {
        // Keep a first word that is an acronym (A&E, NCTR, ED, UCR, G&A) as it is.
        let word = s.prefix { $0 != " " }
        guard let first = s.first, word.count > 1, !word.dropFirst().contains(where: { $0.isUppercase || $0 == "&" }) else { return s }
        return first.lowercased() + s.dropFirst()
    }
}

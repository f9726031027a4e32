import SimCore

/// How plain (unquoted) scalars read, following the YAML 1.2 core schema: `null`, `true`/`false`, numbers.
///
/// The loader interprets scalars itself (Yams' resolver is not used), so what a value means is decided here,
/// and `scripts/check-schema` reads files with the same rules.
enum ScalarSyntax {
    static func isNull(_ s: String) -> Bool { s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL" }

    static func bool(_ s: String) -> Bool? {
        switch s {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// A decimal number `[-+]?(digits[.digits]|.digits)([eE][-+]?digits)?`, or `.nan`/`.inf` forms (which
    /// are numbers, though never allowed). Nil if the text is not a number.
    static func number(_ s: String) -> Double? {
        switch s {
        case ".nan", ".NaN", ".NAN": return .nan
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        default: break
        }
        guard isDecimal(s) else { return nil }
        return Double(s)
    }

    /// Whether `s` is a decimal number as written in YAML 1.2 (no hex, no `nan` words, no underscores).
    static func isDecimal(_ s: String) -> Bool {
        var chars = Substring(s).utf8[...]
        if let f = chars.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { chars = chars.dropFirst() }
        var digits = 0, fraction = 0, sawDot = false
        while let c = chars.first, (c >= 48 && c <= 57) || c == UInt8(ascii: ".") {
            if c == UInt8(ascii: ".") {
                if sawDot { return false }
                sawDot = true
            } else if sawDot { fraction += 1 } else { digits += 1 }
            chars = chars.dropFirst()
        }
        guard digits + fraction > 0 else { return false }
        if let e = chars.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            chars = chars.dropFirst()
            if let sign = chars.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { chars = chars.dropFirst() }
            guard !chars.isEmpty, chars.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            return true
        }
        return chars.isEmpty
    }

    /// Whether `s` is `[-+]?digits`.
    static func isInteger(_ s: String) -> Bool {
        var chars = Substring(s).utf8[...]
        if let f = chars.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") { chars = chars.dropFirst() }
        return !chars.isEmpty && chars.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Duration units and their length in minutes.
    static let durationUnits: [(String, Double)] = [("s", 1.0 / 60), ("min", 1), ("h", 60), ("d", 1440), ("w", 10080)]

    /// A duration `digits[.digits]unit` in minutes; nil if the text is not one (a negative one included).
    static func duration(_ s: String) -> Double? {
        let digits = s.prefix { ($0 >= "0" && $0 <= "9") || $0 == "." }
        let unit = s.dropFirst(digits.count)
        guard !digits.isEmpty, digits.first != ".", digits.last != ".", digits.filter({ $0 == "." }).count <= 1,
              let factor = durationUnits.first(where: { $0.0 == unit })?.1,
              let x = Double(digits) else { return nil }
        return x * factor
    }

    /// `HH:MM` (hours 0-23, or 24:00 if allowed) in minutes after midnight.
    static func clockTime(_ s: String, allow24: Bool = false) -> Double? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
              let h = Int(parts[0]), let m = Int(parts[1]), m < 60 else { return nil }
        if h < 24 { return Double(h * 60 + m) }
        if allow24 && h == 24 && m == 0 { return 1440 }
        return nil
    }

    /// `YYYY-MM-DD`, a real date.
    static func date(_ s: String) -> CivilDate? {
        guard s.count == 10, s.allSatisfy({ ($0 >= "0" && $0 <= "9") || $0 == "-" }) else { return nil }
        return CivilDate(iso: s)
    }
}

// MARK: - Scalar decoders

/// Descriptions of what each kind of value may be, used in messages.
enum Expect {
    static let duration = "a duration: a number with a unit s, min, h, d or w (30s, 15min, 4h, 7d, 6w)"
    static let probability = "a probability: a number from 0 to 1"
    static let date = "a date YYYY-MM-DD"
    static let clock = "a time of day \"HH:MM\" (00:00 to 23:59)"
    static let bool = "true or false"
}

extension ScenarioDecoder {
    /// Any non-null scalar as text (names, descriptions).
    func string(_ node: ScenarioNode, _ path: NodePath, _ what: String = "a string") -> String? {
        guard case .scalar(let s, _) = node.value else {
            expected(what, node, path)
            return nil
        }
        return s
    }

    /// A finite plain number.
    func number(_ node: ScenarioNode, _ path: NodePath, _ what: String = "a number") -> Double? {
        guard case .scalar(let s, let quoted) = node.value else {
            expected(what, node, path)
            return nil
        }
        guard let x = ScalarSyntax.number(s) else {
            expected(what, node, path)
            return nil
        }
        if quoted {
            report(node, path, "expected \(what), found the string \"\(s)\" (write numbers without quotes)")
            return nil
        }
        if x.isNaN {
            report(node, path, "NaN is not allowed: expected \(what)")
            return nil
        }
        if !x.isFinite {
            report(node, path, "\(s) is not a finite number: expected \(what)")
            return nil
        }
        return x
    }

    /// A number in `range`.
    func number(_ node: ScenarioNode, _ path: NodePath, in range: ClosedRange<Double>, _ what: String) -> Double? {
        guard let x = number(node, path, what) else { return nil }
        guard range.contains(x) else {
            report(node, path, "\(format(x)) is out of range: expected \(what)")
            return nil
        }
        return x
    }

    /// A whole number in `range`.
    func integer(_ node: ScenarioNode, _ path: NodePath, in range: ClosedRange<Int>, _ what: String) -> Int? {
        guard var x = number(node, path, what) else { return nil }
        // A sampled uncertain value where the model counts whole things (places, crews) is rounded (decision 180).
        if sampledLocations.contains(node.location) { x = x.rounded() }
        guard x == x.rounded(), abs(x) < 9.0e15 else {
            report(node, path, abs(x) >= 9.0e15 ? "\(format(x)) is too large: expected \(what)"
                                                : "expected \(what), found \(format(x)), which is not a whole number")
            return nil
        }
        let n = Int(x)
        guard range.contains(n) else {
            report(node, path, "\(n) is out of range: expected \(what)")
            return nil
        }
        return n
    }

    func bool(_ node: ScenarioNode, _ path: NodePath) -> Bool? {
        guard case .scalar(let s, let quoted) = node.value, !quoted, let b = ScalarSyntax.bool(s) else {
            expected(Expect.bool, node, path)
            return nil
        }
        return b
    }

    func probability(_ node: ScenarioNode, _ path: NodePath) -> Double? {
        number(node, path, in: 0...1, Expect.probability)
    }

    /// A duration in minutes, finite and >= 0. A bare number is an error: durations need a unit.
    func duration(_ node: ScenarioNode, _ path: NodePath) -> Double? {
        guard case .scalar(let s, let quoted) = node.value else {
            expected(Expect.duration, node, path)
            return nil
        }
        if !quoted, let x = ScalarSyntax.number(s) {
            if x.isNaN {
                report(node, path, "NaN is not allowed: expected \(Expect.duration)")
            } else {
                report(node, path, "a duration needs a unit: 15min, 4h, 7d, 6w (found the bare number \(s))")
            }
            return nil
        }
        if s.hasPrefix("-"), ScalarSyntax.duration(String(s.dropFirst())) != nil {
            report(node, path, "durations must be >= 0, found \(s)")
            return nil
        }
        guard let x = ScalarSyntax.duration(s) else {
            let unit = String(s.drop { ($0 >= "0" && $0 <= "9") || $0 == "." })
            var message = "expected \(Expect.duration), found \(node.described)"
            if !unit.isEmpty, unit.count < s.count {
                let units = ScalarSyntax.durationUnits.map(\.0)
                let known = ["m": "min", "mins": "min", "minutes": "min", "minute": "min", "hr": "h", "hrs": "h",
                             "hour": "h", "hours": "h", "day": "d", "days": "d", "week": "w", "weeks": "w",
                             "sec": "s", "secs": "s", "seconds": "s"]
                let better = known[unit.trimmingSpaces] ?? Suggest.nearest(unit.trimmingSpaces, in: units)
                message += "; unknown unit '\(unit)'" + (better.map { " (use '\($0)')" } ?? "")
            }
            report(node, path, message)
            return nil
        }
        guard x.isFinite else {
            report(node, path, "\(s) is too long: a duration must be finite")
            return nil
        }
        return x
    }

    func date(_ node: ScenarioNode, _ path: NodePath) -> CivilDate? {
        guard case .scalar(let s, _) = node.value, let d = ScalarSyntax.date(s) else {
            expected(Expect.date + " (a real date)", node, path)
            return nil
        }
        return d
    }

    func clockTime(_ node: ScenarioNode, _ path: NodePath, allow24: Bool = false) -> Double? {
        guard case .scalar(let s, _) = node.value, let t = ScalarSyntax.clockTime(s, allow24: allow24) else {
            expected(allow24 ? "a time of day \"HH:MM\" (00:00 to 24:00)" : Expect.clock, node, path)
            return nil
        }
        return t
    }

    /// A list; nil (after reporting) otherwise.
    func sequence(_ node: ScenarioNode, _ path: NodePath, _ what: String) -> [ScenarioNode]? {
        guard case .sequence(let items) = node.value else {
            expected(what, node, path)
            return nil
        }
        return items
    }

    /// A list of `count` non-negative finite weights, not all zero.
    func weights(_ node: ScenarioNode, _ path: NodePath, count: Int, _ what: String) -> [Double]? {
        let description = "a list of \(count) weights (numbers >= 0, not all 0) for \(what)"
        guard let items = sequence(node, path, description) else { return nil }
        guard items.count == count else {
            report(node, path, "expected \(count) weights for \(what), found \(items.count)")
            return nil
        }
        var out: [Double] = []
        for (i, item) in items.enumerated() {
            if let w = number(item, path.index(i), in: 0...Double.greatestFiniteMagnitude, "a weight >= 0") {
                out.append(w)
            }
        }
        guard out.count == count else { return nil }
        let total = out.reduce(0, +)
        guard total > 0, total.isFinite else {
            report(node, path, total > 0 ? "the weights are too large" : "the weights are all 0: at least one must be > 0")
            return nil
        }
        return out
    }

    func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

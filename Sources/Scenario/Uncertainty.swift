import Foundation
import PatientFlow
import Stochastics

/// A distribution for a value we do not know exactly (second-order uncertainty, decision 180).
public enum UncertainLaw: Sendable, Equatable, CustomStringConvertible {
    case uniform(low: Double, high: Double)
    case triangular(low: Double, mode: Double, high: Double)
    /// A normal, optionally truncated to `truncate`.
    case normal(mean: Double, sd: Double, truncate: ClosedRange<Double>?)

    /// The central value a normal run uses: the midpoint, the mode, the mean.
    public var central: Double {
        switch self {
        case .uniform(let a, let b): return (a + b) / 2
        case .triangular(_, let c, _): return c
        case .normal(let m, _, _): return m
        }
    }

    /// The value at cumulative probability `u` in [0, 1] (inversion, so a Latin hypercube's strata map to the
    /// law's strata).
    public func quantile(_ u: Double) -> Double {
        let u = min(max(u, 0), 1)
        switch self {
        case .uniform(let a, let b):
            return a + u * (b - a)
        case .triangular(let a, let c, let b):
            guard b > a else { return a }
            let fc = (c - a) / (b - a)
            return u < fc ? a + ((u * (b - a) * (c - a))).squareRoot() : b - (((1 - u) * (b - a) * (b - c))).squareRoot()
        case .normal(let m, let s, let t):
            guard let t else { return m + s * SpecialFunctions.normalQuantile(min(max(u, 1e-12), 1 - 1e-12)) }
            let lo = SpecialFunctions.normalCDF((t.lowerBound - m) / s), hi = SpecialFunctions.normalCDF((t.upperBound - m) / s)
            let p = lo + u * (hi - lo)
            return min(max(m + s * SpecialFunctions.normalQuantile(min(max(p, 1e-12), 1 - 1e-12)), t.lowerBound), t.upperBound)
        }
    }

    /// The smallest and largest values the law gives (a normal without truncation: mean ± 4 sd).
    public var support: ClosedRange<Double> {
        switch self {
        case .uniform(let a, let b): return a...b
        case .triangular(let a, _, let b): return a...b
        case .normal(let m, let s, let t): return t ?? (m - 4 * s)...(m + 4 * s)
        }
    }

    public var description: String { description(unit: "") }

    /// The law with its numbers in `unit` (`triangular(1.5d, 2d, 3d)`).
    public func description(unit: String) -> String {
        func f(_ x: Double) -> String { UncertainValues.format(x) + unit }
        switch self {
        case .uniform(let a, let b): return "uniform(\(f(a)), \(f(b)))"
        case .triangular(let a, let c, let b): return "triangular(\(f(a)), \(f(c)), \(f(b)))"
        case .normal(let m, let s, let t):
            return "normal(mean \(f(m)), sd \(f(s)))" + (t.map { " truncated to [\(f($0.lowerBound)), \(f($0.upperBound))]" } ?? "")
        }
    }
}

/// One dimension of the uncertainty: a value of the scenario with its own law, or a named factor that several
/// values are multiplied by (`uncertainty.factors`).
public struct UncertainDimension: Sendable, Equatable {
    /// The dotted key of the value (`units.home_support.capacity`), or `factor:NAME` for a shared factor.
    public var name: String
    public var law: UncertainLaw
    /// The unit the value is written in (`d`, `h`, `min`, `w`, `s`, or "" for a plain number).
    public var suffix: String
    public var location: SourceLocation

    public var central: Double { law.central }

    /// The value at cumulative probability `u` (a value the model counts in whole numbers, such as places, is
    /// rounded where it is used).
    public func value(atQuantile u: Double) -> Double { law.quantile(u) }

    public var isFactor: Bool { name.hasPrefix("factor:") }

    /// The law as written, with the value's unit.
    public var lawDescription: String { law.description(unit: suffix) }
}

/// A value scaled by a shared factor: `{uncertain: {value: 7.9d, factor: los}}` is 7.9 days x the factor.
public struct ScaledValue: Sendable, Equatable {
    public var path: String
    public var value: Double
    public var suffix: String
    public var factor: String
    public var location: SourceLocation
}

/// The uncertain values of a resolved scenario: where they are, their laws, and how to write a value back.
public struct UncertainValues: Sendable, Equatable {
    /// Independent dimensions: the values with a law of their own, then the factors, in file order.
    public var dimensions: [UncertainDimension] = []
    /// Values that move with a factor.
    public var scaled: [ScaledValue] = []

    public init() {}

    public var isEmpty: Bool { dimensions.isEmpty }

    /// The values of every uncertain path for a point of the dimensions (`point[name]`; the central value
    /// where a dimension is missing).
    public func values(at point: [String: Double]) -> [String: (value: Double, suffix: String)] {
        var out: [String: (value: Double, suffix: String)] = [:]
        for d in dimensions where !d.isFactor { out[d.name] = (point[d.name] ?? d.central, d.suffix) }
        for s in scaled {
            let f = point["factor:" + s.factor] ?? dimensions.first { $0.name == "factor:" + s.factor }?.central ?? 1
            out[s.path] = (s.value * f, s.suffix)
        }
        return out
    }

    /// A number as a scenario scalar: shortest round trip, without an exponent.
    public static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return "\(Int(x))" }
        let s = "\(x)"
        guard s.contains("e") else { return s }
        var f = String(format: "%.15f", x)
        while f.hasSuffix("0") { f.removeLast() }
        return f
    }

    static let keys = ["triangular", "uniform", "normal", "truncate", "value", "factor"]
    static let allowed = "one of {triangular: [low, mode, high]}, {uniform: [low, high]}, {normal: {mean: M, sd: S}} "
        + "(optionally with truncate: [low, high]) or {value: X, factor: NAME} (a factor of `uncertainty.factors`)"
}

extension ScenarioDecoder {
    /// The tree with every `{uncertain: ...}` value replaced by a plain scalar, the uncertain values found, and
    /// the `uncertainty` section removed (it only declares factors). `point` gives the value of each dimension
    /// (by name); the central value where it has none. Problems are reported with their positions.
    func resolveUncertainty(_ root: ScenarioNode, at point: [String: Double] = [:]) -> (ScenarioNode, UncertainValues) {
        var found = UncertainValues()
        // Factors first: the values that use them are checked against these names.
        if let section = root["uncertainty"] {
            let path = NodePath.root.key("uncertainty")
            if let f = fields(section, path, allowed: ["factors"], expected: "the uncertainty section") {
                if let factors = f["factors"] {
                    if let entries = factors.entries {
                        for e in entries {
                            let p = path.key("factors").key(e.key)
                            if let (law, suffix) = law(e.value, p) {
                                                if !suffix.isEmpty { report(e.value, p, "a factor is a plain number (it multiplies values); found the unit '\(suffix)'") }
                                found.dimensions.append(UncertainDimension(name: "factor:" + e.key, law: law, suffix: "",
                                                                           location: e.value.location))
                            }
                        }
                    } else {
                        report(factors, path.key("factors"), "expected a mapping of factor names to laws, e.g. los: {triangular: [0.8, 1, 1.25]}")
                    }
                }
            }
        }
        let factorNames = Set(found.dimensions.map { String($0.name.dropFirst("factor:".count)) })
        var independent: [UncertainDimension] = []
        func walk(_ node: ScenarioNode, _ path: NodePath, _ keys: [String]) -> ScenarioNode {
            switch node.value {
            case .mapping(let entries):
                if let spec = node["uncertain"] {
                    guard entries.count == 1 else {
                        report(node, path, "an uncertain value is {uncertain: ...} alone; found other keys beside it")
                        return node
                    }
                    let dotted = keys.joined(separator: ".")
                    let p = path.key("uncertain")
                    var value: Double?, suffix = ""
                    if spec["factor"] != nil || spec["value"] != nil {
                        guard let f = fields(spec, p, allowed: ["value", "factor"], expected: "a scaled value") else { return node }
                        let name = f.required("factor", "the factor's name").flatMap { string($0, p.key("factor")) }
                        let v = f.required("value", "the value the factor multiplies").flatMap { number(withUnit: $0, p.key("value")) }
                        if let name, !factorNames.contains(name) {
                            report(spec["factor"]!, p.key("factor"), "no factor '\(name)' in uncertainty.factors"
                                   + Suggest.didYouMean(name, in: Array(factorNames)) + (factorNames.isEmpty ? " (declare it there: uncertainty: {factors: {\(name): {triangular: [0.8, 1, 1.25]}}})" : ""))
                        }
                        if let name, let v, factorNames.contains(name) {
                            found.scaled.append(ScaledValue(path: dotted, value: v.value, suffix: v.suffix, factor: name,
                                                            location: spec.location))
                            let fx = point["factor:" + name] ?? found.dimensions.first { $0.name == "factor:" + name }!.central
                            value = v.value * fx
                            suffix = v.suffix
                        }
                    } else if let (law, s) = law(spec, p) {
                        let d = UncertainDimension(name: dotted, law: law, suffix: s, location: spec.location)
                        independent.append(d)
                        value = point[dotted] ?? d.central
                        suffix = s
                    }
                    guard let value else { return node }
                    sampledLocations.insert(node.location)
                    return ScenarioNode(.scalar(UncertainValues.format(value) + suffix, quoted: false), at: node.location)
                }
                return ScenarioNode(.mapping(entries.compactMap { e in
                    if path == .root && e.key == "uncertainty" { return nil }
                    return ScenarioNode.Entry(key: e.key, keyLocation: e.keyLocation, value: walk(e.value, path.key(e.key), keys + [e.key]))
                }), at: node.location)
            case .sequence(let items):
                return ScenarioNode(.sequence(items.enumerated().map { i, x in walk(x, path.index(i), keys.isEmpty ? ["[\(i)]"] : keys.dropLast() + [keys.last! + "[\(i)]"]) }),
                                    at: node.location)
            default:
                return node
            }
        }
        let tree = walk(root, .root, [])
        found.dimensions = independent + found.dimensions
        return (tree, found)
    }

    /// A law `{triangular: [...]}`, `{uniform: [...]}` or `{normal: {mean:, sd:}, truncate: [...]}`: its numbers,
    /// the unit they share.
    private func law(_ node: ScenarioNode, _ path: NodePath) -> (UncertainLaw, String)? {
        guard let f = fields(node, path, allowed: ["triangular", "uniform", "normal", "truncate"], expected: "an uncertain value") else { return nil }
        let given = ["triangular", "uniform", "normal"].filter { f[$0] != nil }
        guard given.count == 1 else {
            report(node, path, given.isEmpty ? "expected \(UncertainValues.allowed)" : "give one law, not \(given.joined(separator: " and "))")
            return nil
        }
        var numbers: [(value: Double, suffix: String)] = []
        func list(_ key: String, count: Int) -> [Double]? {
            guard let n = f[key], case .sequence(let items) = n.value, items.count == count else {
                report(f[key] ?? node, path.key(key), "expected a list of \(count) numbers, e.g. \(key): " + (count == 3 ? "[1.5d, 2d, 3d]" : "[0.1, 0.2]"))
                return nil
            }
            var out: [Double] = []
            for (i, item) in items.enumerated() {
                guard let v = number(withUnit: item, path.key(key).index(i)) else { return nil }
                numbers.append(v)
                out.append(v.value)
            }
            return out
        }
        var law: UncertainLaw?
        if given[0] == "triangular", let x = list("triangular", count: 3) {
            if x[0] <= x[1] && x[1] <= x[2] && x[0] < x[2] { law = .triangular(low: x[0], mode: x[1], high: x[2]) }
            else { report(f["triangular"]!, path.key("triangular"), "expected low <= mode <= high with low < high") }
        } else if given[0] == "uniform", let x = list("uniform", count: 2) {
            if x[0] < x[1] { law = .uniform(low: x[0], high: x[1]) } else { report(f["uniform"]!, path.key("uniform"), "expected low < high") }
        } else if given[0] == "normal" {
            let p = path.key("normal")
            if let g = fields(f["normal"]!, p, allowed: ["mean", "sd"], expected: "a normal law") {
                let m = g.required("mean", "the mean").flatMap { number(withUnit: $0, p.key("mean")) }
                let s = g.required("sd", "the standard deviation").flatMap { number(withUnit: $0, p.key("sd")) }
                if let m, let s {
                    numbers += [m, s]
                    if s.value > 0 { law = .normal(mean: m.value, sd: s.value, truncate: nil) } else { report(g["sd"]!, p.key("sd"), "the sd must be > 0") }
                }
            }
        }
        if let t = f["truncate"] {
            guard given[0] == "normal" else {
                report(t, path.key("truncate"), "truncate applies to a normal law (triangular and uniform are bounded already)")
                return nil
            }
            if let x = list("truncate", count: 2), case .normal(let m, let s, _)? = law {
                if x[0] < x[1] && x[0] <= m && m <= x[1] { law = .normal(mean: m, sd: s, truncate: x[0]...x[1]) }
                else { report(t, path.key("truncate"), "expected low < high with the mean between them"); law = nil }
            }
        }
        guard let law else { return nil }
        let suffixes = Set(numbers.map(\.suffix))
        guard suffixes.count == 1 else {
            report(node, path, "write every number of an uncertain value in one unit (found \(suffixes.sorted().map { $0.isEmpty ? "a plain number" : $0 }.joined(separator: ", ")))")
            return nil
        }
        return (law, suffixes.first!)
    }

    /// A number as written, with its unit suffix (`2d`, `15min`, `0.3`, `46`).
    private func number(withUnit node: ScenarioNode, _ path: NodePath) -> (value: Double, suffix: String)? {
        guard case .scalar(let s, let quoted) = node.value, !quoted else {
            report(node, path, "expected a number, or a number with a unit (2d, 4h, 15min), found \(node.described)")
            return nil
        }
        let text = s.trimmingCharacters(in: .whitespaces)
        let digits = text.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }
        var numberPart = String(digits), suffix = String(text.dropFirst(digits.count))
        // `2e` is not a number: an `e` that ends the digits belongs to no unit we know, so it is an error below.
        if numberPart.hasSuffix("e") || numberPart.hasSuffix("E") { numberPart.removeLast(); suffix = String(text.dropFirst(numberPart.count)) }
        guard let v = ScalarSyntax.number(numberPart), v.isFinite, ["", "s", "min", "h", "d", "w"].contains(suffix) else {
            report(node, path, "expected a number, or a number with a unit (s, min, h, d, w), found \(node.described)")
            return nil
        }
        return (v, suffix)
    }
}

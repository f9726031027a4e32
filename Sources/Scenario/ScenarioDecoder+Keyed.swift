import Foundation
import PatientFlow
import Stochastics

/// The levels of the `next` key where a table may use it: the destinations of a unit's route (the key's
/// index is then the unit index) or an acute ward's pathways (the pathway index).
struct NextLevels {
    let names: [String]
    /// The index in the `next` dimension of each name.
    let slots: [Int]
    /// The size of the `next` dimension (every unit, or every pathway); slots no name maps to are never read.
    let size: Int
    /// "destination" or "pathway", for messages.
    let meaning: String
}

/// One key of a table: its levels and where each level's values go in its dimension.
struct TableDimension {
    let key: TableKey
    let name: String
    let levels: [String]
    let slots: [Int]
    let size: Int
}

/// Where `next` may key a table.
enum NextRule {
    /// Not here (stay, assessment and acute_stay tables only).
    case forbidden
    case levels(NextLevels)
    /// Allowed, but the levels are unknown because the route or pathways have errors (already reported).
    case unknown
}

/// Which keys a table here may use.
struct KeyRules {
    var next: NextRule = .forbidden
    /// Only the attributes before this index (an arrival mix is keyed by earlier attributes only).
    var attributesBefore: Int?

    static let attributesOnly = KeyRules()
}

extension ScenarioDecoder {
    static let keyedForm = "{by: ATTRIBUTE, table: {LEVEL: value, ...}} or {by: [A, B], table: {A_LEVEL: {B_LEVEL: value}}}"

    /// Whether `node` is written as a table (`{by: ..., table: ...}`) rather than a plain value.
    func isKeyed(_ node: ScenarioNode) -> Bool {
        node.entries?.contains { $0.key == "by" || $0.key == "table" } ?? false
    }

    /// A value that may be keyed by one or two attributes (or `next` where `rules` allow it):
    /// `decode` reads each plain value. Builds `Keyed` row-major over the keys' levels.
    func keyed<V>(_ node: ScenarioNode, _ path: NodePath, attributes: [AttributeSpec], rules: KeyRules = .attributesOnly,
                  _ decode: (ScenarioNode, NodePath) -> V?) -> Keyed<V>? {
        guard isKeyed(node) else { return decode(node, path).map { Keyed($0) } }
        guard let f = fields(node, path, allowed: ["by", "table"], expected: ScenarioDecoder.keyedForm) else { return nil }
        let attributeNames = attributes.map(\.name)
        var keyNames = Array(attributeNames.prefix(rules.attributesBefore ?? attributeNames.count))
        if case .forbidden = rules.next {} else { keyNames.append(StandardAttribute.next) }
        let byWhat = "an attribute name (\(keyNames.isEmpty ? "none allowed here" : keyNames.joined(separator: ", "))) or a list of two"
        let byNode = f.required("by", byWhat)
        let tableNode = f.required("table", "a mapping from each level to a value")
        guard let byNode, let tableNode else { return nil }

        // The keys.
        var names: [(String, ScenarioNode, NodePath)] = []
        switch byNode.value {
        case .scalar(let s, _): names = [(s, byNode, path.key("by"))]
        case .sequence(let items) where (1...2).contains(items.count):
            for (i, item) in items.enumerated() {
                guard let s = string(item, path.key("by").index(i), "an attribute name") else { return nil }
                names.append((s, item, path.key("by").index(i)))
            }
        default:
            expected(byWhat, byNode, path.key("by"))
            return nil
        }
        if names.count == 2 && names[0].0 == names[1].0 {
            report(byNode, path.key("by"), "the two keys must differ, found '\(names[0].0)' twice")
            return nil
        }
        var dims: [TableDimension] = []
        for (name, n, p) in names {
            if name == StandardAttribute.next {
                switch rules.next {
                case .forbidden:
                    report(n, p, "'next' cannot key this value: only stay, assessment and acute_stay tables may depend on "
                           + "where the patient goes next")
                    return nil
                case .unknown:
                    return nil
                case .levels(let l):
                    guard !l.names.isEmpty else {
                        report(n, p, "'next' has no levels here (no \(l.meaning)s)")
                        return nil
                    }
                    dims.append(TableDimension(key: .next, name: "next (\(l.meaning))", levels: l.names, slots: l.slots, size: l.size))
                }
            } else if let a = attributeNames.firstIndex(of: name) {
                if let limit = rules.attributesBefore, a >= limit {
                    report(n, p, "'\(name)' cannot key this value: an attribute mix may depend only on attributes listed "
                           + "before it in `attributes` (\(limit == 0 ? "none" : Suggest.list(Array(attributeNames.prefix(limit)))))")
                    return nil
                }
                let levels = attributes[a].levels
                dims.append(TableDimension(key: .attribute(a), name: "attribute '\(name)'", levels: levels,
                                      slots: Array(levels.indices), size: levels.count))
            } else {
                report(n, p, "unknown attribute '\(name)'\(Suggest.didYouMean(name, in: keyNames)); allowed: "
                       + (keyNames.isEmpty ? "none" : keyNames.joined(separator: ", ")))
                return nil
            }
        }

        // The table, filled row-major.
        let before = count
        let size = dims.reduce(1) { $0 * $1.size }
        var values = [V?](repeating: nil, count: size)
        func fill(_ node: ScenarioNode, _ path: NodePath, dim d: Int, row: Int) {
            let dim = dims[d]
            let what = d + 1 < dims.count ? "a mapping from each level of \(dims[d + 1].name) to a value"
                                          : "a value"
            guard let entries = node.entries else {
                expected("a mapping from each level of \(dim.name) (\(Suggest.names(dim.levels))) to \(what)",
                         node, path)
                return
            }
            var seen = Set<Int>()
            for e in entries {
                guard let li = dim.levels.firstIndex(of: e.key) else {
                    report(e.keyLocation, path.key(e.key),
                           "unknown level '\(e.key)' of \(dim.name)\(Suggest.didYouMean(e.key, in: dim.levels)); "
                           + "levels: \(Suggest.names(dim.levels))")
                    continue
                }
                seen.insert(li)
                let slot = dim.slots[li]
                if d + 1 < dims.count {
                    fill(e.value, path.key(e.key), dim: d + 1, row: slot)
                } else if isKeyed(e.value) {
                    report(e.value, path.key(e.key), "tables cannot be nested: key one table by two attributes "
                           + "with by: [A, B]")
                } else if let v = decode(e.value, path.key(e.key)) {
                    values[d == 0 ? slot : row * dims[1].size + slot] = v
                }
            }
            let missing = dim.levels.indices.filter { !seen.contains($0) }.map { dim.levels[$0] }
            if !missing.isEmpty {
                report(node, path, "missing \(missing.count == 1 ? "level" : "levels") \(Suggest.list(missing)) of "
                       + "\(dim.name): every level needs a value")
            }
        }
        fill(tableNode, path.key("table"), dim: 0, row: 0)
        guard count == before, let filler = values.first(where: { $0 != nil }) ?? nil else { return nil }
        return Keyed(keys: dims.map(\.key), sizes: dims.map(\.size), values: values.map { $0 ?? filler })
    }
}

// MARK: - Choices

extension ScenarioDecoder {
    /// A weighted choice: a single name (probability 1) or `{name: probability, ...}` summing to 1.
    ///
    /// - Parameters:
    ///   - what: "unit", "level" or "pathway", for messages.
    ///   - resolve: the index of a name, or nil after reporting why it is not allowed.
    func choice(_ node: ScenarioNode, _ path: NodePath, what: String,
                resolve: (String, SourceLocation, NodePath) -> Int?) -> EmpiricalChoice<Int>? {
        let expectation = "a \(what) name or a mapping {\(what): probability, ...} with probabilities summing to 1"
        switch node.value {
        case .scalar(let name, _):
            guard let i = resolve(name, node.location, path) else { return nil }
            return EmpiricalChoice(values: [i], weights: [1])
        case .mapping(let entries):
            guard !entries.isEmpty else {
                report(node, path, "expected \(expectation), found an empty mapping")
                return nil
            }
            if let sum = percentageSum(entries.map(\.value)) {
                report(node, path, "the values sum to \(String(format: "%g", sum)): they look like percentages; write probabilities "
                       + "between 0 and 1 that sum to 1 (0.3, not 30)")
                return nil
            }
            var indices: [Int?] = [], weights: [Double?] = []
            for e in entries {
                indices.append(resolve(e.key, e.keyLocation, path.key(e.key)))
                weights.append(probability(e.value, path.key(e.key)))
            }
            let ws = weights.compactMap { $0 }
            if ws.count == weights.count {
                let sum = ws.reduce(0, +)
                if abs(sum - 1) > ScenarioDecoder.sumTolerance {
                    report(node, path, "the probabilities sum to \(formatSum(sum)); they must sum to 1 (within "
                           + "1e-6)" + mergeHint(node))
                    return nil
                }
            }
            let ids = indices.compactMap { $0 }
            guard ids.count == indices.count, ws.count == weights.count else { return nil }
            return EmpiricalChoice(values: ids, weights: ws)
        default:
            expected(expectation, node, path)
            return nil
        }
    }
}

extension ScenarioDecoder {
    /// How far probabilities (or shares) may sum from 1: 1e-6, so values written to four or more decimals
    /// (0.3333 three times is 0.9999, refused; 0.333333 three times is accepted) and sums rounded by a
    /// spreadsheet load. They are normalised to sum to exactly 1 when the choice is built.
    static let sumTolerance = 1e-6

    /// The sum of `values` if they are plain numbers, at least one above 1, summing to 100 within 0.01 (within
    /// rounding of written percentages): a table of percentages where probabilities are expected. Nil otherwise.
    func percentageSum(_ values: [ScenarioNode]) -> Double? {
        var sum = 0.0, aboveOne = false
        for v in values {
            guard case .scalar(let s, quoted: false) = v.value, let x = ScalarSyntax.number(s), x.isFinite, x >= 0 else { return nil }
            sum += x
            aboveOne = aboveOne || x > 1
        }
        return aboveOne && abs(sum - 100) <= 0.01 ? sum : nil
    }

    /// A sum for messages, to ten decimals.
    func formatSum(_ sum: Double) -> String { "\((sum * 1e10).rounded() / 1e10)" }
}

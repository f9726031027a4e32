/// One value that differs between two resolved scenarios: its dotted key path, and its YAML text in each (nil
/// where the key is absent).
public struct ScenarioDifference: Sendable, Equatable, CustomStringConvertible {
    public enum Change: String, Sendable { case added, removed, changed }

    /// The dotted key path, e.g. `units.frailty_hub.places`; list items are `[i]`.
    public var path: String
    /// The value in the baseline (the file extended), one line of YAML; nil if the key is added.
    public var baseline: String?
    /// The value in the option; nil if the key is removed.
    public var option: String?

    public init(path: String, baseline: String?, option: String?) {
        self.path = path
        self.baseline = baseline
        self.option = option
    }

    public var change: Change { baseline == nil ? .added : option == nil ? .removed : .changed }

    /// `changed units.x.places: 20 -> 40`, `added units.y: {...}`, `removed units.z.stay: 3d`.
    public var description: String {
        switch change {
        case .added: return "added    \(path): \(option ?? "")"
        case .removed: return "removed  \(path): \(baseline ?? "")"
        case .changed: return "changed  \(path): \(baseline ?? "") -> \(option ?? "")"
        }
    }
}

extension Scenario {
    /// What `option` changes against `baseline`, both resolved (every `extends` and override applied): each key
    /// added, removed or changed, in the baseline's key order then the option's new keys. Mappings are compared
    /// key by key (so a route that changes one probability shows that one); lists and scalars as whole values;
    /// unquoted numbers by value (`0.30` and `0.3` are the same). For the "assumptions that differ from the
    /// baseline" of a comparison, and `flowsim explain --diff`.
    ///
    /// - Complexity: O(n) in the size of the two trees.
    public static func differences(from baseline: Scenario, to option: Scenario) -> [ScenarioDifference] {
        ScenarioNode.differences(from: baseline.resolved, to: option.resolved)
    }
}

extension ScenarioNode {
    /// What `b` changes against `a` (see `Scenario.differences(from:to:)`).
    public static func differences(from a: ScenarioNode, to b: ScenarioNode) -> [ScenarioDifference] {
        var out: [ScenarioDifference] = []
        collect(a, b, path: "", into: &out)
        return out
    }

    private static func collect(_ a: ScenarioNode, _ b: ScenarioNode, path: String, into out: inout [ScenarioDifference]) {
        if let ea = a.entries, let eb = b.entries {
            let inB = Dictionary(eb.map { ($0.key, $0.value) }, uniquingKeysWith: { x, _ in x })
            let inA = Set(ea.map(\.key))
            for e in ea {
                let p = path.isEmpty ? e.key : "\(path).\(e.key)"
                if let v = inB[e.key] {
                    collect(e.value, v, path: p, into: &out)
                } else {
                    out.append(ScenarioDifference(path: p, baseline: e.value.inlineYAML, option: nil))
                }
            }
            for e in eb where !inA.contains(e.key) {
                let p = path.isEmpty ? e.key : "\(path).\(e.key)"
                out.append(ScenarioDifference(path: p, baseline: nil, option: e.value.inlineYAML))
            }
            return
        }
        if !a.sameValue(as: b) {
            out.append(ScenarioDifference(path: path, baseline: a.inlineYAML, option: b.inlineYAML))
        }
    }

    /// Whether two trees hold the same value (unquoted numbers compared as numbers; keys of mappings in any order).
    func sameValue(as other: ScenarioNode) -> Bool {
        switch (value, other.value) {
        case (.null, .null): return true
        case (.scalar(let x, let qx), .scalar(let y, let qy)):
            if !qx && !qy, let u = ScalarSyntax.number(x), let v = ScalarSyntax.number(y) { return u == v }
            return x == y && qx == qy
        case (.sequence(let xs), .sequence(let ys)):
            return xs.count == ys.count && zip(xs, ys).allSatisfy { $0.sameValue(as: $1) }
        case (.mapping(let xs), .mapping(let ys)):
            guard xs.count == ys.count else { return false }
            let inY = Dictionary(ys.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            return xs.allSatisfy { e in inY[e.key].map { e.value.sameValue(as: $0) } ?? false }
        default: return false
        }
    }

    /// The value as one line of YAML (flow style), cut at 200 characters.
    var inlineYAML: String {
        let s = flowText
        return s.count > 200 ? String(s.prefix(200)) + "…" : s
    }

    private var flowText: String {
        switch value {
        case .null: return "null"
        case .scalar(let s, let quoted):
            guard quoted || s.contains(where: { $0.isNewline }) else { return s }
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"\(escaped)\""
        case .sequence(let items): return "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        case .mapping(let entries): return "{" + entries.map { "\($0.key): \($0.value.flowText)" }.joined(separator: ", ") + "}"
        }
    }
}

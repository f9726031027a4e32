import Foundation
import PatientFlow

extension ScenarioNode {
    /// `override` applied on top of `base`: structural mappings (the scenario, `units`, a unit, `pathways`,
    /// places, rates) merge key by key, recursively; values replace whole: scalars, lists, and the mappings
    /// that are one value (a route or mix, a distribution, a probability, a keyed table), so
    /// `route: {home: 0.8, rehab: 0.2}` over `{home: 0.9, died: 0.1}` is the new route, not a 1.1-sum blend.
    /// Which keys of a unit are one value is declared by its kind's form (`UnitKindForm.replacedWhole`); top-level
    /// ones are `topLevelReplacedWhole`. A `null` in the override deletes the key. Merged mappings keep the base's
    /// order, new keys at the end.
    ///
    /// - Complexity: O(n + m) for mappings of n and m keys, recursively.
    public static func merged(_ base: ScenarioNode, _ override: ScenarioNode) -> ScenarioNode {
        merged(base, override, at: [], kind: nil)
    }

    /// Keys outside units whose mapping is one value (dotted paths from the top, `*` for any one key).
    static let topLevelReplacedWhole = ["population.growth_per_year"]

    /// Whether the mapping at `path` (from the top of the scenario) is one value, replaced whole. Inside a unit
    /// (`units.NAME...`) its kind's form decides; a unit whose kind is missing or unknown uses every kind's rules.
    static func isReplacedWhole(_ path: [String], kind: UnitKindName?) -> Bool {
        if path.count >= 3 && path[0] == "units" {
            let inside = Array(path.dropFirst(2))
            let forms = kind.flatMap(UnitKindForms.form).map { [$0] } ?? UnitKindForms.all
            return forms.contains { form in form.replacedWhole.contains { matches($0, inside) } }
        }
        return topLevelReplacedWhole.contains { matches($0, path) }
    }

    /// `pattern` (dotted, `*` for any one key) names exactly `path`.
    static func matches(_ pattern: String, _ path: [String]) -> Bool {
        let parts = pattern.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == path.count && zip(parts, path).allSatisfy { $0 == "*" || $0 == $1 }
    }

    static func merged(_ base: ScenarioNode, _ override: ScenarioNode, at path: [String], kind: UnitKindName?) -> ScenarioNode {
        guard case .mapping(let baseEntries) = base.value, case .mapping(let overrides) = override.value else { return override }
        var entries: [Entry?] = baseEntries
        var index: [String: Int] = [:]
        for (i, e) in baseEntries.enumerated() { index[e.key] = i }
        // Entering a unit: its kind (the override's, else the base's) decides which of its keys are one value.
        var kind = kind
        if path.count == 2 && path[0] == "units" {
            kind = (override["kind"]?.scalar ?? base["kind"]?.scalar).flatMap(UnitKindName.init(rawValue:))
        }
        for o in overrides {
            if let i = index[o.key], let existing = entries[i] {
                let childPath = path + [o.key]
                if o.value.isNull {
                    entries[i] = nil
                } else if !isReplacedWhole(childPath, kind: kind) && existing.value.entries != nil && o.value.entries != nil
                            && existing.value["uncertain"] == nil && o.value["uncertain"] == nil {
                    // (an uncertain value is one value: a law over another law replaces it)
                    entries[i]?.value = merged(existing.value, o.value, at: childPath, kind: kind)
                } else {
                    entries[i] = Entry(key: o.key, keyLocation: o.keyLocation, value: o.value.withoutNulls())
                }
            } else if !o.value.isNull {
                index[o.key] = entries.count
                entries.append(o)
            }
        }
        return ScenarioNode(.mapping(entries.compactMap { $0 }), at: base.location)
    }

    /// This tree with every null-valued mapping entry removed: in a value that replaces another whole,
    /// `key: null` still means "no such key" (as it would have deleted an inherited one).
    func withoutNulls() -> ScenarioNode {
        switch value {
        case .mapping(let entries):
            return ScenarioNode(.mapping(entries.filter { !$0.value.isNull }.map {
                Entry(key: $0.key, keyLocation: $0.keyLocation, value: $0.value.withoutNulls())
            }), at: location)
        case .sequence(let items):
            return ScenarioNode(.sequence(items.map { $0.withoutNulls() }), at: location)
        default:
            return self
        }
    }

    /// This mapping without `key`.
    func removing(_ key: String) -> ScenarioNode {
        guard case .mapping(let entries) = value else { return self }
        return ScenarioNode(.mapping(entries.filter { $0.key != key }), at: location)
    }
}

/// Follows `extends` from a scenario to the scenarios it builds on, and merges them.
enum Extends {
    /// Longest chain of `extends`.
    static let maximumDepth = 32

    /// The tree with every file it extends merged under it, and the files of the chain (this file first);
    /// nil after reporting a missing file, a cycle or a parse error in a parent.
    static func resolve(_ node: ScenarioNode, file: String, decoder d: ScenarioDecoder,
                        chain: [(canonical: String, display: String)] = []) -> (ScenarioNode, [String])? {
        let chain = chain.isEmpty ? [(canonical(file), file)] : chain
        guard let ext = node["extends"], !ext.isNull else { return (node, [file]) }
        let path = NodePath.root.key("extends")
        guard case .scalar(let relative, _) = ext.value, !relative.isEmpty else {
            d.expected("the path of the scenario this one extends, relative to this file", ext, path)
            return nil
        }
        guard !relative.utf8.contains(0) else {
            d.report(ext, path, "a file name may not contain a NUL character")
            return nil
        }
        let parentFile = Paths.resolve(relative, relativeTo: file)
        let parentCanonical = canonical(parentFile)
        if let i = chain.firstIndex(where: { $0.canonical == parentCanonical }) {
            let cycle = chain[i...].map(\.display) + [parentFile]
            d.report(ext, path, "extends forms a cycle: \(cycle.joined(separator: " -> "))")
            return nil
        }
        guard chain.count < maximumDepth else {
            d.report(ext, path, "extends goes more than \(maximumDepth) files deep")
            return nil
        }
        guard let parent = ScenarioNode.parse(referenced: parentFile, scope: d.scope, reference: (ext.location, path),
                                              decoder: d) else { return nil }
        guard let (base, files) = resolve(parent, file: parentFile, decoder: d,
                                          chain: chain + [(parentCanonical, parentFile)]) else { return nil }
        return (ScenarioNode.merged(base, node.removing("extends")), [file] + files)
    }

    /// An absolute path with `.`, `..` and symbolic links resolved, to recognise a file reached twice.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}

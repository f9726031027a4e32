import Yams

/// A YAML value that remembers where it was written: the scenario tree before it is decoded.
///
/// Scenario files are composed into these (not decoded with `Codable`, which would lose positions), merged
/// along the `extends` chain, and then decoded into a `SystemSpec`. Each node keeps the file and position of
/// its own text, so after a merge an error still points into the file the value came from.
public struct ScenarioNode: Sendable {
    public enum Value: Sendable {
        /// An empty value, `~` or `null`.
        case null
        /// A scalar as written; `quoted` if it was written in quotes (or as a block scalar), so it is a string.
        case scalar(String, quoted: Bool)
        case sequence([ScenarioNode])
        /// Key-value pairs in file order (keys are unique).
        case mapping([Entry])
    }

    /// One key of a mapping, with the position of the key itself.
    public struct Entry: Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: ScenarioNode

        public init(key: String, keyLocation: SourceLocation, value: ScenarioNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    /// The value of `key` if this is a mapping that has it.
    public subscript(key: String) -> ScenarioNode? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key == key }?.value
    }

    public var isNull: Bool {
        if case .null = value { return true }
        return false
    }

    /// The entries if this is a mapping.
    public var entries: [Entry]? {
        if case .mapping(let e) = value { return e }
        return nil
    }

    /// The text if this is a scalar.
    public var scalar: String? {
        if case .scalar(let s, _) = value { return s }
        return nil
    }

    /// A short description for messages: "a mapping", "a list", "the number 12", "the string "abc"".
    var described: String {
        switch value {
        case .null: return "nothing (null)"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar(let s, let quoted):
            let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            if !quoted && ScalarSyntax.number(s) != nil { return "the number \(shown)" }
            if !quoted && ScalarSyntax.bool(s) != nil { return shown }
            return "the string \"\(shown)\""
        }
    }
}

// MARK: - Rendering

extension ScenarioNode {
    /// The tree as YAML text (block style; short lists of scalars in flow style), keys in file order.
    ///
    /// Scalars are written as they were read, quoted where they were quoted, so the text loads to the same
    /// scenario. Used by `flowsim explain` to print the resolved scenario.
    public func yaml() -> String {
        do {
            return try Yams.serialize(node: yamsNode(), indent: 2, width: 120, allowUnicode: true)
        } catch {
            return "# could not render the scenario: \(error)\n"
        }
    }

    func yamsNode() -> Node {
        switch value {
        case .null:
            return Node("null", .implicit, .plain)
        case .scalar(let s, let quoted):
            return Node(s, .implicit, quoted ? .doubleQuoted : .plain)
        case .sequence(let items):
            let flat = items.count <= 24 && items.allSatisfy { if case .scalar = $0.value { return true } else { return false } }
            return Node(items.map { $0.yamsNode() }, .implicit, flat ? .flow : .block)
        case .mapping(let entries):
            return Node(entries.map { (Node($0.key, .implicit, .plain), $0.value.yamsNode()) }, .implicit, .block)
        }
    }
}

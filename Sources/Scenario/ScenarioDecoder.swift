/// A dotted key path into the scenario, e.g. `units.ed.cubicles.pattern.steps[2]`.
struct NodePath: Sendable, Hashable, CustomStringConvertible {
    let text: String

    static let root = NodePath(text: "")

    func key(_ k: String) -> NodePath { NodePath(text: text.isEmpty ? k : text + "." + k) }
    func index(_ i: Int) -> NodePath { NodePath(text: text + "[\(i)]") }
    var description: String { text }
}

/// Decodes one scenario tree into the model's values, collecting every problem on the way.
///
/// Each decoding function (in the `ScenarioDecoder+*.swift` extensions) returns nil after reporting why a value
/// is wrong, and carries on, so one pass reports as many problems as it can. A part has failed if `count` grew
/// while it was decoded.
final class ScenarioDecoder {
    /// Most errors kept: past this, a pathological file would only make a longer list (and cost time).
    static let maximumErrors = 200

    private(set) var errors: [ScenarioError] = []
    private var seen = Set<ScenarioError>()
    /// Errors found past `maximumErrors` (counted, not kept).
    private(set) var dropped = 0
    /// Nodes the rest of the `extends` chain may still expand to (`ScenarioNode.nodeBudget` in all).
    var nodesLeft = ScenarioNode.nodeBudget
    /// The folders `extends` and `csv` may read from.
    let scope: FileScope
    /// The files of the `extends` chain, the loaded file first (set once the chain is resolved).
    var chain: [String] = []

    /// Where uncertain values were replaced by a central or sampled value: a whole number is rounded there.
    var sampledLocations: Set<SourceLocation> = []

    init(scope: FileScope) { self.scope = scope }

    /// Records an error; the message is only built if it is kept.
    func report(_ location: SourceLocation, _ path: NodePath, _ message: @autoclosure () -> String) {
        guard errors.count < ScenarioDecoder.maximumErrors else {
            dropped += 1
            return
        }
        let e = ScenarioError(location: location, path: path.text, message: message())
        if seen.insert(e).inserted { errors.append(e) }
    }

    func report(_ node: ScenarioNode, _ path: NodePath, _ message: @autoclosure () -> String) {
        report(node.location, path, message())
    }

    /// "expected X, found Y".
    func expected(_ what: String, _ node: ScenarioNode, _ path: NodePath) {
        report(node, path, "expected \(what), found \(node.described)")
    }

    /// Errors found so far (kept or not): decoders compare it before and after a part to see if it failed.
    var count: Int { errors.count + dropped }

    /// For a value mapping merged from several files: how to replace it rather than merge into it.
    func mergeHint(_ node: ScenarioNode) -> String {
        guard let entries = node.entries else { return "" }
        let files = Set(entries.map(\.keyLocation.file))
        guard files.count > 1 else { return "" }
        return " (this mapping was merged from \(files.count) files by `extends`: inherited keys stay unless the "
            + "extending file sets them to null)"
    }

    /// The errors in file order (files in order of first appearance), then line and column.
    func sorted(fileOrder: [String]) -> [ScenarioError] {
        func rank(_ f: String) -> Int { fileOrder.firstIndex(of: f) ?? fileOrder.count }
        let sorted = errors.enumerated().sorted { a, b in
            let (x, y) = (a.element.location, b.element.location)
            if x.file != y.file { return (rank(x.file), x.file) < (rank(y.file), y.file) }
            if x.line != y.line { return x.line < y.line }
            if x.column != y.column { return x.column < y.column }
            return a.offset < b.offset
        }.map(\.element)
        guard dropped > 0, let last = sorted.last else { return sorted }
        return sorted + [ScenarioError(location: last.location, path: "",
                                       message: "\(dropped) more errors not shown (the first \(errors.count) are above)")]
    }
}

/// The keys of a mapping checked against the allowed ones: unknown keys are reported (with the nearest
/// allowed key), missing required ones on request. A null value counts as absent.
struct Fields {
    let node: ScenarioNode
    let path: NodePath
    let entries: [ScenarioNode.Entry]
    let decoder: ScenarioDecoder

    /// The value of `key`, or nil if it is absent or null.
    subscript(key: String) -> ScenarioNode? {
        guard let v = entries.first(where: { $0.key == key })?.value, !v.isNull else { return nil }
        return v
    }

    func has(_ key: String) -> Bool { self[key] != nil }

    /// The value of `key`; if it is absent, reports it as missing, saying what it should be.
    func required(_ key: String, _ what: String) -> ScenarioNode? {
        if let v = self[key] { return v }
        if let e = entries.first(where: { $0.key == key }) {
            decoder.report(e.value, path.key(key), "needs a value: \(what)")
        } else {
            decoder.report(node, path.key(key), "missing required key '\(key)': \(what)")
        }
        return nil
    }
}

extension ScenarioDecoder {
    /// `node` as a mapping with only `allowed` keys; nil (after reporting) if it is not a mapping.
    ///
    /// - Parameter hint: extra text for an unknown key (e.g. which other kinds have it), or nil.
    func fields(_ node: ScenarioNode, _ path: NodePath, allowed: [String], expected what: String,
                hint: ((String) -> String?)? = nil) -> Fields? {
        guard let entries = node.entries else {
            expected(what, node, path)
            return nil
        }
        for e in entries where !allowed.contains(e.key) {
            report(e.keyLocation, path.key(e.key), {
                var message = "unknown key '\(e.key)'" + Suggest.didYouMean(e.key, in: allowed)
                if let h = hint?(e.key) { message += " (\(h))" }
                return message + (allowed.isEmpty ? " No keys are allowed here." : " Allowed keys: \(Suggest.names(allowed)).")
            }())
        }
        return Fields(node: node, path: path, entries: entries, decoder: self)
    }
}

/// Suggestions for misspelt names.
enum Suggest {
    /// The candidate nearest to `name` by edit distance, if it is near enough to be a likely typo.
    static func nearest(_ name: String, in candidates: [String]) -> String? {
        let lowered = Array(name.lowercased().unicodeScalars)
        var best: (String, Int)?
        for c in candidates.prefix(1000) {  // a bound on the work for pathological files
            let length = c.unicodeScalars.count
            let n = min(lowered.count, length)
            let limit = n <= 3 ? 1 : n <= 6 ? 2 : 3
            guard abs(lowered.count - length) <= limit else { continue }
            let d = distance(lowered, Array(c.lowercased().unicodeScalars))
            if d <= limit, best == nil || d < best!.1 { best = (c, d) }
        }
        if let best { return best.0 }
        // A unique candidate the name starts (e.g. `bedded` for `bedded_care`).
        let starting = name.count >= 3 ? candidates.prefix(1000).filter { $0.lowercased().hasPrefix(name.lowercased()) } : []
        return starting.count == 1 ? starting[0] : nil
    }

    /// " (did you mean 'x'?)" or "".
    static func didYouMean(_ name: String, in candidates: [String]) -> String {
        nearest(name, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    /// Levenshtein edit distance with adjacent transpositions counted as one edit (the "optimal string
    /// alignment" distance; Damerau 1964), O(|a||b|) time and O(|b|) space.
    static func distance(_ a: String, _ b: String) -> Int {
        distance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    static func distance(_ x: [Unicode.Scalar], _ y: [Unicode.Scalar]) -> Int {
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        guard x.count <= 256 && y.count <= 256 else { return max(x.count, y.count) }
        var before = [Int](repeating: 0, count: y.count + 1)  // row i - 2
        var previous = Array(0...y.count)                      // row i - 1
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var v = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] { v = min(v, before[j - 2] + 1) }
                current[j] = v
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[y.count]
    }

    /// Names separated by commas; long lists are cut short.
    static func names(_ names: [String], limit: Int = 40) -> String {
        names.count <= limit ? names.joined(separator: ", ")
            : names.prefix(limit).joined(separator: ", ") + ", ... (\(names.count) in all)"
    }

    /// "a, b and c".
    static func list(_ names: [String], quoted: Bool = true) -> String {
        let q = quoted ? names.map { "'\($0)'" } : names
        guard q.count > 1 else { return q.first ?? "" }
        return q.dropLast().joined(separator: ", ") + " and " + q.last!
    }
}

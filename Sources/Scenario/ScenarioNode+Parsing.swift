import Foundation
import Yams

extension ScenarioNode {
    /// Most nodes a scenario may expand to (aliases can multiply a small file: "billion laughs"), over the whole
    /// `extends` chain.
    static let nodeBudget = 500_000

    /// Parses YAML text into a tree; problems go to `decoder` and the result is nil.
    ///
    /// An empty document gives an empty mapping (so the loader reports the missing keys). libyaml limits
    /// nesting to 1000 levels, so the recursion here stays shallow. The node budget is shared by every file of
    /// an `extends` chain (`decoder.nodesLeft`), so a chain of large files cannot add up past it.
    static func parse(yaml text: String, file: String, decoder d: ScenarioDecoder) -> ScenarioNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let at = error.scenarioLocation(file: file)
            if let tab = firstIndentingTab(text, upTo: at.line) {
                d.report(SourceLocation(file: file, line: tab.line, column: tab.column), .root,
                         "tabs are not allowed for indentation in YAML; use spaces")
            } else {
                d.report(at, .root, error.summary)
            }
            return nil
        } catch {
            d.report(SourceLocation(file: file, line: 1, column: 1), .root, "cannot parse the YAML: \(error)")
            return nil
        }
        guard let root else { return ScenarioNode(.mapping([]), at: SourceLocation(file: file, line: 1, column: 1)) }
        var budget = d.nodesLeft
        var converter = Converter(file: file, decoder: d)
        let node = converter.convert(root, budget: &budget)
        d.nodesLeft = max(budget, 0)
        if budget < 0 {
            d.report(SourceLocation(file: file, line: 1, column: 1), .root,
                     "the document is too large: it expands to more than \(nodeBudget) values (check aliases)")
            return nil
        }
        return converter.failed ? nil : node
    }

    /// The line and column of the first tab in the leading whitespace of a line, among lines 1...`last`: libyaml
    /// reports a tab in indentation as "found character that cannot start any token", which does not say why.
    static func firstIndentingTab(_ text: String, upTo last: Int) -> (line: Int, column: Int)? {
        var line = 1
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line > last { break }
            for (column, c) in l.unicodeScalars.enumerated() {
                if c == "\t" { return (line, column + 1) }
                if c != " " { break }
            }
            line += 1
        }
        return nil
    }

    /// Reads and parses the scenario file a user named (it may be anywhere); a file that cannot be read, is
    /// larger than `ScenarioFiles.maximumScenarioBytes` or is not UTF-8 is reported at its start.
    static func parse(file path: String, decoder d: ScenarioDecoder) -> ScenarioNode? {
        let start = SourceLocation(file: path, line: 1, column: 1)
        switch ScenarioFiles.read(path, limit: ScenarioFiles.maximumScenarioBytes) {
        case .failure(let f):
            d.report(start, .root, "the file '\(path)' \(f.reason)")
            return nil
        case .success(let data):
            guard let text = decodeUTF8(data, file: path, decoder: d), let root = parse(yaml: text, file: path, decoder: d)
            else { return nil }
            return looksLikeScenario(root, file: path, at: start, .root, decoder: d) ? root : nil
        }
    }

    /// Reads and parses a file named by `extends` at `reference`; it must lie in `scope`'s folders. Problems
    /// reading it are reported at the reference.
    static func parse(referenced path: String, scope: FileScope, reference: (SourceLocation, NodePath),
                      decoder d: ScenarioDecoder) -> ScenarioNode? {
        guard let data = scope.read(path, limit: ScenarioFiles.maximumScenarioBytes, what: "the file",
                                    reference: reference.0, reference.1, decoder: d),
              let text = decodeUTF8(data, file: path, decoder: d),
              let root = parse(yaml: text, file: path, decoder: d) else { return nil }
        return looksLikeScenario(root, file: path, at: reference.0, reference.1, decoder: d) ? root : nil
    }

    /// Whether a parsed file is recognisably a scenario: a mapping that is empty or has at least one top-level
    /// key that is a scenario key or a near miss of one (a typo still gets its "did you mean"). Otherwise one
    /// error is reported, and nothing of the file's contents is echoed: a file that is not a scenario (named by
    /// mistake, or to make the loader print it) is never quoted in messages.
    static func looksLikeScenario(_ root: ScenarioNode, file: String, at location: SourceLocation, _ path: NodePath,
                                  decoder d: ScenarioDecoder) -> Bool {
        if let entries = root.entries,
           entries.isEmpty || entries.contains(where: { SystemForm.keys.contains($0.key) || Suggest.nearest($0.key, in: SystemForm.keys) != nil }) {
            return true
        }
        d.report(location, path, "the file '\(file)' is not a scenario file: a scenario is a YAML mapping with name, horizon "
                 + "and units (its contents are not shown)")
        return false
    }

    /// The data as UTF-8 text, or nil after reporting where the first invalid byte is.
    static func decodeUTF8(_ data: Data, file: String, decoder d: ScenarioDecoder) -> String? {
        if let s = String(validatingUTF8Bytes: data) { return s }
        let (line, column) = firstInvalidUTF8(data)
        d.report(SourceLocation(file: file, line: line, column: column), .root,
                 "the file is not valid UTF-8 text (scenario files must be UTF-8)")
        return nil
    }

    /// Line and column (in characters) of the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (Int, Int) {
        let bytes = [UInt8](data)
        var line = 1, column = 1, i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, column)
            }
            guard i + length <= bytes.count,
                  String(bytes: bytes[i..<(i + length)], encoding: .utf8) != nil else { return (line, column) }
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return (line, column)
    }

    /// Turns Yams nodes into `ScenarioNode`s: keys must be plain strings.
    private struct Converter {
        let file: String
        let decoder: ScenarioDecoder
        var failed = false

        init(file: String, decoder: ScenarioDecoder) {
            self.file = file
            self.decoder = decoder
        }

        func location(_ mark: Mark?) -> SourceLocation {
            SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        }

        mutating func convert(_ node: Node, budget: inout Int) -> ScenarioNode {
            budget -= 1
            guard budget >= 0 else { return ScenarioNode(.null, at: location(node.mark)) }
            let here = location(node.mark)
            switch node {
            case .scalar(let s):
                let quoted = (s.style != .plain && s.style != .any) || s.tag.rawValue == Tag.Name.str.rawValue
                if !quoted && ScalarSyntax.isNull(s.string) { return ScenarioNode(.null, at: here) }
                return ScenarioNode(.scalar(s.string, quoted: quoted), at: here)
            case .sequence(let seq):
                var items: [ScenarioNode] = []
                for child in seq {
                    items.append(convert(child, budget: &budget))
                    if budget < 0 { break }
                }
                return ScenarioNode(.sequence(items), at: here)
            case .mapping(let map):
                var entries: [Entry] = []
                for (k, v) in map {
                    guard case .scalar(let ks) = k, !(ks.style == .plain && ScalarSyntax.isNull(ks.string)) else {
                        decoder.report(location(k.mark), .root, "a key must be a plain name, not \(k.shortKind)")
                        failed = true
                        continue
                    }
                    entries.append(Entry(key: ks.string, keyLocation: location(k.mark), value: convert(v, budget: &budget)))
                    if budget < 0 { break }
                }
                return ScenarioNode(.mapping(entries), at: here)
            case .alias:
                // Yams resolves aliases while composing; an unresolved one is an error.
                decoder.report(here, .root, "an alias here could not be resolved")
                failed = true
                return ScenarioNode(.null, at: here)
            }
        }
    }
}

extension ScenarioNode {
    /// A short identifier-like word (letters, digits, `_`, `-`, `.`, `+`), safe to quote in a message.
    static func isNameLike(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 60 && s.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.+".unicodeScalars.contains($0)) && $0.isASCII
        }
    }
}

extension Node {
    fileprivate var shortKind: String {
        switch self {
        case .scalar: return "an empty value"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

extension String {
    /// The bytes as a String if they are valid UTF-8 (never repairs them).
    init?(validatingUTF8Bytes data: Data) {
        guard let s = String(data: data, encoding: .utf8) else { return nil }
        self = s
    }
}

extension YamlError {
    /// Where libyaml found the problem.
    func scenarioLocation(file: String) -> SourceLocation {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourceLocation(file: file, line: max(mark.line, 1), column: max(mark.column, 1))
        case .duplicatedKeysInMapping(_, let context):
            return SourceLocation(file: file, line: max(context.mark.line, 1), column: max(context.mark.column, 1))
        default:
            return SourceLocation(file: file, line: 1, column: 1)
        }
    }

    /// One line saying what libyaml found wrong.
    var summary: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            let during = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return "invalid YAML: \(problem)\(during)"
        case .reader(let problem, _, _, _):
            return "invalid YAML text: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            // Only names are echoed: a duplicate in a file that is not a scenario must not print its contents.
            let names = duplicates.sorted().filter(ScenarioNode.isNameLike)
            let keys = names.isEmpty ? "" : " " + names.map { "'\($0)'" }.joined(separator: ", ")
            return "duplicate key\(keys) in a mapping: each key may appear once"
        case .memory:
            return "invalid YAML: out of memory while parsing"
        default:
            return "invalid YAML: \(self)"
        }
    }
}

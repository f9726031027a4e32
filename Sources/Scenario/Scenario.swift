import Foundation
import PatientFlow

/// A scenario file, loaded: parse -> extends/overrides -> defaults -> validate -> immutable `SystemSpec`.
///
/// Every problem found is reported with its file, line, column and key path; as many as one pass can find
/// are thrown together as `ScenarioErrors`. Loading never traps, whatever the input.
public struct Scenario: Sendable {
    /// What runs.
    public let spec: SystemSpec
    /// Replications to run unless the command line says otherwise (`replications:`, default 10).
    public let replications: Int
    /// The file loaded, then each file it extends, in order.
    public let files: [String]
    /// The merged tree (after `extends` and overrides, before defaults), for `flowsim explain`; uncertain values
    /// are still written with their laws.
    public let resolved: ScenarioNode
    /// The values written with their uncertainty (`{uncertain: ...}`); `spec` uses their central values.
    public let uncertain: UncertainValues

    public init(spec: SystemSpec, replications: Int = 10, files: [String] = [],
                resolved: ScenarioNode = ScenarioNode(.mapping([]), at: SourceLocation(file: "", line: 1, column: 1)),
                uncertain: UncertainValues = UncertainValues()) {
        self.spec = spec
        self.replications = replications
        self.files = files
        self.resolved = resolved
        self.uncertain = uncertain
    }

    /// The scenario with its uncertain values at `point` (dimension name -> value; see `UncertainValues`), the
    /// others at their central values: one sample of an uncertainty analysis. Errors (a sampled value the model
    /// refuses, e.g. a probability table that no longer sums to 1) name the file and key.
    public func sampled(at point: [String: Double]) throws(ScenarioErrors) -> Scenario {
        let file = files.first ?? "<scenario>"
        let d = ScenarioDecoder(scope: FileScope(scenarioFile: file, allowing: []))
        d.chain = files
        let (tree, found) = d.resolveUncertainty(resolved, at: point)
        if d.errors.isEmpty, let decoded = d.system(tree), d.errors.isEmpty {
            return Scenario(spec: decoded.spec, replications: decoded.replications, files: files, resolved: resolved, uncertain: found)
        }
        if d.errors.isEmpty { d.report(SourceLocation(file: file, line: 1, column: 1), .root, "the sampled scenario could not be loaded") }
        throw ScenarioErrors(d.sorted(fileOrder: files))
    }

    // MARK: Loading

    /// Loads the scenario file at `path` (relative paths are relative to the working directory; `extends`
    /// and CSV paths are relative to the file that names them).
    ///
    /// - Parameter folders: folders besides the scenario file's own (and their subfolders) that `extends` and
    ///   `csv` may name files in; by default they may name files only in the scenario's folder tree.
    public static func load(path: String, allowing folders: [String] = []) throws(ScenarioErrors) -> Scenario {
        let d = ScenarioDecoder(scope: FileScope(scenarioFile: path, allowing: folders))
        let root = ScenarioNode.parse(file: path, decoder: d)
        return try finish(root, file: path, decoder: d)
    }

    /// Loads a scenario from text; `file` names it in messages and anchors relative paths (its folder is the
    /// scenario's folder for `extends` and `csv`).
    public static func load(yaml: String, file: String = "<scenario>", allowing folders: [String] = []) throws(ScenarioErrors) -> Scenario {
        let d = ScenarioDecoder(scope: FileScope(scenarioFile: file, allowing: folders))
        let root = ScenarioNode.parse(yaml: yaml, file: file, decoder: d).flatMap { root in
            ScenarioNode.looksLikeScenario(root, file: file, at: SourceLocation(file: file, line: 1, column: 1), .root,
                                           decoder: d) ? root : nil
        }
        return try finish(root, file: file, decoder: d)
    }

    /// Loads a scenario from bytes (which must be UTF-8); `file` names it in messages and anchors relative paths.
    public static func load(data: Data, file: String, allowing folders: [String] = []) throws(ScenarioErrors) -> Scenario {
        let d = ScenarioDecoder(scope: FileScope(scenarioFile: file, allowing: folders))
        let root = ScenarioNode.decodeUTF8(data, file: file, decoder: d).flatMap {
            ScenarioNode.parse(yaml: $0, file: file, decoder: d)
        }
        return try finish(root, file: file, decoder: d)
    }

    /// Every problem in the scenario file at `path`; empty if it loads.
    public static func validate(path: String, allowing folders: [String] = []) -> [ScenarioError] {
        do {
            _ = try load(path: path, allowing: folders)
            return []
        } catch {
            return error.errors
        }
    }

    /// Every problem in a scenario given as text; empty if it loads.
    public static func validate(yaml: String, file: String = "<scenario>", allowing folders: [String] = []) -> [ScenarioError] {
        do {
            _ = try load(yaml: yaml, file: file, allowing: folders)
            return []
        } catch {
            return error.errors
        }
    }

    /// The nearest of `candidates` to a misspelt `name`, if one is near enough to be a likely typo (the
    /// suggestions scenario errors make, for the command line's metric names).
    public static func nearest(_ name: String, in candidates: [String]) -> String? {
        Suggest.nearest(name, in: candidates)
    }

    /// A fingerprint of the resolved scenario (FNV-1a, 64 bits, of `resolved` as YAML): it changes when any
    /// value of the scenario or of a file it extends changes, and not with comments or layout. Result folders
    /// record it so `--resume` can tell a changed scenario.
    public var fingerprint: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in resolved.yaml().utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The kinds a unit may have, in the order the docs list them.
    public static var unitKinds: [String] { UnitKindForms.names }

    private static func finish(_ root: ScenarioNode?, file: String, decoder d: ScenarioDecoder) throws(ScenarioErrors) -> Scenario {
        var files = [file]
        if let root, let (merged, chain) = Extends.resolve(root, file: file, decoder: d) {
            files = chain
            d.chain = chain
            let (central, uncertain) = d.resolveUncertainty(merged)
            if d.errors.isEmpty, let decoded = d.system(central), d.errors.isEmpty {
                return Scenario(spec: decoded.spec, replications: decoded.replications, files: chain, resolved: merged,
                                uncertain: uncertain)
            }
        }
        if d.errors.isEmpty {
            d.report(SourceLocation(file: file, line: 1, column: 1), .root, "the scenario could not be loaded")
        }
        throw ScenarioErrors(d.sorted(fileOrder: files))
    }
}

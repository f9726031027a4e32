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
    /// The merged tree (after `extends` and overrides, before defaults), for `flowsim explain`.
    public let resolved: ScenarioNode

    public init(spec: SystemSpec, replications: Int = 10, files: [String] = [],
                resolved: ScenarioNode = ScenarioNode(.mapping([]), at: SourceLocation(file: "", line: 1, column: 1))) {
        self.spec = spec
        self.replications = replications
        self.files = files
        self.resolved = resolved
    }

    // MARK: Loading

    /// Loads the scenario file at `path` (relative paths are relative to the working directory; `extends`
    /// and CSV paths are relative to the file that names them).
    public static func load(path: String) throws(ScenarioErrors) -> Scenario {
        let d = ScenarioDecoder()
        let root = ScenarioNode.parse(contentsOf: path, displayPath: path, decoder: d)
        return try finish(root, file: path, decoder: d)
    }

    /// Loads a scenario from text; `file` names it in messages and anchors relative paths.
    public static func load(yaml: String, file: String = "<scenario>") throws(ScenarioErrors) -> Scenario {
        let d = ScenarioDecoder()
        return try finish(ScenarioNode.parse(yaml: yaml, file: file, decoder: d), file: file, decoder: d)
    }

    /// Loads a scenario from bytes (which must be UTF-8); `file` names it in messages and anchors relative paths.
    public static func load(data: Data, file: String) throws(ScenarioErrors) -> Scenario {
        let d = ScenarioDecoder()
        let root = ScenarioNode.decodeUTF8(data, file: file, decoder: d).flatMap {
            ScenarioNode.parse(yaml: $0, file: file, decoder: d)
        }
        return try finish(root, file: file, decoder: d)
    }

    /// Every problem in the scenario file at `path`; empty if it loads.
    public static func validate(path: String) -> [ScenarioError] {
        do {
            _ = try load(path: path)
            return []
        } catch {
            return error.errors
        }
    }

    /// Every problem in a scenario given as text; empty if it loads.
    public static func validate(yaml: String, file: String = "<scenario>") -> [ScenarioError] {
        do {
            _ = try load(yaml: yaml, file: file)
            return []
        } catch {
            return error.errors
        }
    }

    /// The kinds a unit may have, in the order the docs list them.
    public static var unitKinds: [String] { UnitKindForms.names }

    private static func finish(_ root: ScenarioNode?, file: String, decoder d: ScenarioDecoder) throws(ScenarioErrors) -> Scenario {
        var files = [file]
        if let root, let (merged, chain) = Extends.resolve(root, file: file, decoder: d) {
            files = chain
            if let decoded = d.system(merged), d.errors.isEmpty {
                return Scenario(spec: decoded.spec, replications: decoded.replications, files: chain, resolved: merged)
            }
        }
        if d.errors.isEmpty {
            d.report(SourceLocation(file: file, line: 1, column: 1), .root, "the scenario could not be loaded")
        }
        throw ScenarioErrors(d.sorted(fileOrder: files))
    }
}

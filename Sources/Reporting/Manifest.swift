import Foundation

/// `manifest.json`: what a result folder holds and the settings that made it, written last into the folder.
///
/// `--resume` compares these settings with the command's before it reuses anything, so a sweep is never
/// finished with another seed, another number of replications, another scenario or other parameters. Nothing
/// here depends on the time or on `--jobs`, so the same command writes the same manifest.
public struct Manifest: Sendable, Equatable {
    public static let fileName = "manifest.json"
    /// The first key of every manifest, and its format version.
    static let marker = "flowsim_manifest"
    static let version = 1

    /// `run`, `compare`, `sweep` or `size`.
    public var command: String
    /// The scenario file as given on the command line, and its name.
    public var scenario: String
    public var scenarioName: String
    /// A fingerprint of the resolved scenario (after `extends`), which changes with any value in it.
    public var scenarioHash: String
    public var seed: UInt64
    public var replications: Int
    /// Sweep and size parameters (dotted keys), in order.
    public var parameters: [String]
    /// The `size` target, as given.
    public var target: String?
    /// `compare`'s option scenarios.
    public var options: [String]
    /// `--set KEY=VALUE` overrides of `run` and `compare`, as given (written only when there are some, so a
    /// folder written without them is as before). The fingerprint is of the scenario with them applied.
    public var overrides: [String]
    /// The run was interrupted: some replications, points or options did not finish.
    public var incomplete: Bool
    /// The other files in the folder (filled in by `ResultFolder.commit`).
    public var files: [String]

    public init(command: String, scenario: String, scenarioName: String, scenarioHash: String, seed: UInt64,
                replications: Int, parameters: [String] = [], target: String? = nil, options: [String] = [],
                overrides: [String] = [], incomplete: Bool = false, files: [String] = []) {
        self.command = command
        self.scenario = scenario
        self.scenarioName = scenarioName
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.replications = replications
        self.parameters = parameters
        self.target = target
        self.options = options
        self.overrides = overrides
        self.incomplete = incomplete
        self.files = files
    }

    /// The manifest as JSON, keys in a fixed order. The seed is a string: JSON readers hold numbers as
    /// doubles, which cannot hold every 64-bit seed exactly.
    public func json() -> String {
        func list(_ xs: [String]) -> String { "[" + xs.map(Writers.json).joined(separator: ", ") + "]" }
        var s = "{\n"
        s += "  \"\(Self.marker)\": \(Self.version),\n"
        s += "  \"command\": \(Writers.json(command)),\n"
        s += "  \"scenario\": \(Writers.json(scenario)),\n"
        s += "  \"scenario_name\": \(Writers.json(scenarioName)),\n"
        s += "  \"scenario_hash\": \(Writers.json(scenarioHash)),\n"
        s += "  \"seed\": \(Writers.json(String(seed))),\n"
        s += "  \"replications\": \(replications),\n"
        s += "  \"parameters\": \(list(parameters)),\n"
        if let target { s += "  \"target\": \(Writers.json(target)),\n" }
        s += "  \"options\": \(list(options)),\n"
        if !overrides.isEmpty { s += "  \"overrides\": \(list(overrides)),\n" }
        s += "  \"incomplete\": \(incomplete),\n"
        s += "  \"files\": \(list(files))\n"
        return s + "}\n"
    }

    /// Reads a manifest back; nil if the data is not one.
    public static func parse(_ data: Data) -> Manifest? {
        guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any], o[marker] as? Int == version,
              let command = o["command"] as? String, let scenario = o["scenario"] as? String,
              let name = o["scenario_name"] as? String, let hash = o["scenario_hash"] as? String,
              let seedText = o["seed"] as? String, let seed = UInt64(seedText), let replications = o["replications"] as? Int,
              let parameters = o["parameters"] as? [String], let options = o["options"] as? [String],
              let incomplete = o["incomplete"] as? Bool, let files = o["files"] as? [String] else { return nil }
        return Manifest(command: command, scenario: scenario, scenarioName: name, scenarioHash: hash, seed: seed,
                        replications: replications, parameters: parameters, target: o["target"] as? String,
                        options: options, overrides: o["overrides"] as? [String] ?? [], incomplete: incomplete, files: files)
    }
}

import ArgumentParser
import Foundation

/// Options every command that runs replications shares.
struct RunOptions: ParsableArguments {
    // `.unconditional`: `-r -1` is a value (and is then refused as below 1), not a missing value.
    @Option(name: .shortAndLong, parsing: .unconditional, help: "Replications (default: the scenario's `replications`).")
    var replications: Int?

    @Option(name: .shortAndLong, parsing: .unconditional, help: "Seed for the random streams (default: the scenario's `seed`).")
    var seed: UInt64?

    @Option(name: .shortAndLong, parsing: .unconditional,
            help: "Threads to run replications on (default: all cores). Results do not depend on it.")
    var jobs: Int?

    @Option(name: .shortAndLong, help: "Folder for the output files (default: results/runs/<name>-<time>/). Written all at once; a folder of other files is refused.")
    var out: String?

    @Flag(help: "Also write report.html: one self-contained page with charts.")
    var report = false

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    @OptionGroup var files: FileOptions

    func validate() throws {
        if let r = replications, r < 1 { throw ValidationError("--replications must be at least 1 (got \(r)).") }
        if let r = replications, r > 100_000 { throw ValidationError("--replications must be at most 100000 (got \(r)).") }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1 (got \(j)).") }
        if let o = out, o.isEmpty { throw ValidationError("--out needs a folder name.") }
    }
}

extension RunOptions {
    /// These options as arguments, those that change results only (`-r`, `--seed`, `--report`, `--allow-dir`; not
    /// `--jobs`, `--out` or `--quiet`): what a shard file keeps for `flowsim merge`.
    var resultArguments: [String] {
        var a: [String] = []
        if let r = replications { a += ["--replications", "\(r)"] }
        if let s = seed { a += ["--seed", "\(s)"] }
        if report { a.append("--report") }
        return a + files.allowDirs.flatMap { ["--allow-dir", $0] }
    }
}

/// Where scenario files may read other files from.
struct FileOptions: ParsableArguments {
    @Option(name: .customLong("allow-dir"),
            help: "A folder whose files `extends` and `csv` may also name (repeatable; default: only the scenario's own folder and below).")
    var allowDirs: [String] = []
}

/// How results are printed on stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `--set KEY=VALUE`: one value of the scenario overridden from the command line (run, compare, uncertainty, explain), loaded
/// as sweep and size load theirs: a small scenario that extends the file.
struct OverrideOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("""
        KEY=VALUE: override one value of the scenario, KEY a dotted path into the file \
        (e.g. units.home_support.capacity=200; repeatable). With compare and uncertainty it applies to the baseline and to every option.
        """, valueName: "key=value"))
    var sets: [String] = []

    func validate() throws { _ = try overrides() }

    /// The overrides in the order given; a usage error (exit 2) naming the flag if one is malformed.
    func overrides() throws -> [Override] { try sets.map(Override.init(parsing:)) }
}

/// One `--set KEY=VALUE`.
struct Override {
    var key: String
    var value: String
    /// Where it came from, for messages: `--set KEY=VALUE` as written, or sweep's and size's point.
    var flag: String

    init(key: String, value: String, flag: String? = nil) {
        self.key = key
        self.value = value
        self.flag = flag ?? "--set \(key)=\(value)"
    }

    init(parsing text: String) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--set needs KEY=VALUE, e.g. units.home_support.capacity=200 (got '\(text)').")
        }
        if let problem = keyProblem(parts[0]) { throw ValidationError("--set \(text): \(problem).") }
        guard !parts[1].contains(where: \.isNewline) else {
            throw ValidationError("--set \(parts[0]): VALUE must be one line (got a line break).")
        }
        self.init(key: parts[0], value: parts[1])
    }
}

import ArgumentParser

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

import ArgumentParser

/// Options every command that runs replications shares.
struct RunOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Replications (default: the scenario's `replications`).")
    var replications: Int?

    @Option(name: .shortAndLong, help: "Seed for the random streams (default: the scenario's `seed`).")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: "Threads to run replications on (default: all cores). Results do not depend on it.")
    var jobs: Int?

    @Option(name: .shortAndLong, help: "Folder for the output files (default: results/runs/<name>-<time>/).")
    var out: String?

    @Flag(help: "Also write report.html: one self-contained page with charts.")
    var report = false

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if let r = replications, r < 1 { throw ValidationError("--replications must be at least 1.") }
        if let r = replications, r > 100_000 { throw ValidationError("--replications must be at most 100000.") }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1.") }
    }
}

/// How results are printed on stdout.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

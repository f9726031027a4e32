import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario

/// A parameter and its values: `KEY=40,60,80` or `KEY=20...120:10`.
struct ParameterValues {
    var key: String
    var values: [Double]

    /// Parses `KEY=VALUES`; a usage error naming `flag` on bad input.
    static func parse(_ text: String, flag: String = "--set") throws -> ParameterValues {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ValidationError("\(flag) needs KEY=VALUES, e.g. units.frailty_hub.places=20,30,40 or units.frailty_hub.places=20...60:10 (got '\(text)').")
        }
        if let problem = keyProblem(parts[0]) { throw ValidationError("\(flag) \(text): \(problem).") }
        return ParameterValues(key: parts[0], values: try parseValues(parts[1], for: "\(flag) \(parts[0])"))
    }

    static func parseValues(_ text: String, for key: String) throws -> [Double] {
        if text.contains("...") {
            let r = text.components(separatedBy: "...")
            let hi = r.count == 2 ? r[1].split(separator: ":").map(String.init) : []
            guard r.count == 2, let a = Double(r[0]), let b = Double(hi.first ?? ""), a.isFinite, b.isFinite, a <= b,
                  let step = hi.count == 2 ? Double(hi[1]) : 1, step > 0, step.isFinite, (b - a) / step <= 10_000 else {
                throw ValidationError("\(key): a range is A...B or A...B:STEP with A <= B and STEP > 0 (got '\(text)').")
            }
            return stride(from: a, through: b + step * 1e-9, by: step).map { $0 }
        }
        let vs = text.split(separator: ",", omittingEmptySubsequences: false).compactMap {
            Double($0.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        }
        guard !vs.isEmpty, vs.count == text.split(separator: ",", omittingEmptySubsequences: false).count else {
            throw ValidationError("\(key): values are numbers separated by commas, or a range A...B:STEP (got '\(text)').")
        }
        return vs
    }
}

func formatValue(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }

/// `flowsim sweep SCENARIO --set KEY=VALUES [--set KEY2=VALUES]`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over one or two parameters and tabulate chosen metrics with 95% CIs.",
        discussion: """
        KEY is a dotted path into the scenario file (units.frailty_hub.places); VALUES a list (40,60,80) or a
        range (20...120:10). Every point uses the same seed: common random numbers across the sweep.
        Writes sweep.csv, and report.html (curves with CI bands) with --report.

        Examples:
          flowsim sweep scenarios/mk-baseline.yaml --set units.frailty_hub.places=20...60:10
          flowsim sweep scenarios/mk-baseline.yaml --set units.acute.beds.base=520,546,580 \\
              --set units.home_support.capacity=220,260 --metric nctr_percent --metric handovers_over_30min_percent
        """
    )

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(name: .customLong("set"), help: "KEY=VALUES (once or twice).")
    var sets: [String] = []

    @Option(name: .customLong("metric"), help: "A metric to show (repeatable; default: the headline metrics present).")
    var metrics: [String] = []

    @OptionGroup var common: RunOptions

    @Option(name: .shortAndLong, help: "How to print: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: """
        Finish an interrupted sweep (needs --out): skip the points already in the folder's sweep.csv and keep \
        every point there. Refused (exit 2) if the folder's sweep ran with another scenario, seed, \
        replications or parameters.
        """)
    var resume = false

    @Option(help: ArgumentHelp("Run only shard K of N (0 <= K < N): a fixed block of the points x replications, written to --out DIR as one shard file for `flowsim merge DIR`.",
                               valueName: "K/N"))
    var shard: String?

    func validate() throws {
        try validateShard(shard, out: common.out)
        if shard != nil && resume { throw ValidationError("--shard and --resume do not go together: a shard run again is skipped if complete.") }
        guard (1...2).contains(sets.count) else { throw ValidationError("Give one or two --set KEY=VALUES.") }
        if resume && common.out == nil { throw ValidationError("--resume needs --out: the folder of the sweep to finish.") }
        let parsed = try sets.map { try ParameterValues.parse($0) }
        if parsed.map({ $0.values.count }).reduce(1, *) > 400 {
            throw ValidationError("A sweep of more than 400 points is too large; narrow the ranges or use flowsim size.")
        }
    }

    func run() throws { try execute() }

    /// The arguments that change what `sweep` writes, as given (no `--out`, `--jobs`, `--quiet`, `--shard`), for
    /// a shard file and `flowsim merge`.
    var resultArguments: [String] {
        var a = [scenario] + sets.flatMap { ["--set", $0] } + metrics.flatMap { ["--metric", $0] }
        a += common.resultArguments
        return a + ["--format", format.rawValue]
    }

    /// Runs the sweep; with `replay` (`flowsim merge`) every point's replications come from shard files.
    func execute(replay: ShardReplay? = nil) throws {
        let params = try sets.map { try ParameterValues.parse($0) }
        let keys = params.map(\.key)
        let base = try loadScenario(scenario, allowing: common.files.allowDirs)
        let n = common.replications ?? base.replications
        let seed = common.seed ?? base.spec.seed
        var grid: [[Double]] = [[]]
        for p in params { grid = grid.flatMap { prefix in p.values.map { prefix + [$0] } } }
        func spec(at values: [Double]) throws -> SystemSpec {
            let overrides = zip(params, values).map { Override(key: $0.key, value: formatValue($1)) }
            var s = try loadScenario(scenario, overrides: overrides, allowing: common.files.allowDirs).spec
            s.seed = seed
            return s
        }
        // Every point's scenario and the metrics asked for are checked before the first point runs.
        let specs = try grid.map(spec(at:))
        let ids = metricIDs(of: specs[0])
        for m in metrics { try requireMetric(m, in: ids, option: "--metric") }
        if let shard, let (k, shards) = Sharding.parse(shard) {
            let header = ShardHeader(flowsim: Version.full, command: "sweep", scenario: scenario, scenarioHash: base.fingerprint,
                                     seed: seed, replications: n, arguments: resultArguments, points: grid.count,
                                     shard: k, shards: shards)
            // Unit u is replication u % n of point u / n: each point's part of the block, in point order.
            let work = specs.enumerated().map { p, s in (spec: s, replications: header.replications(ofPoint: p)) }
            return try writeShard(header, work: work, options: common)
        }
        if let replay { try replay.check(fingerprint: base.fingerprint, seed: seed, replications: n) }
        let replayed = try replay?.resultsByScenario()
        let folder = try openOutputFolder(common.out, name: "sweep-\(base.spec.name)")
        defer { folder.close() }
        var manifest = Manifest(command: "sweep", scenario: scenario, scenarioName: base.spec.name,
                                scenarioHash: base.fingerprint, seed: seed, replications: n, parameters: keys, incomplete: true)
        var earlier: [SweepPoint] = []
        if resume {
            earlier = try resumedPoints(folder, file: "sweep.csv", manifest: manifest, command: resumeCommand)
            if !common.quiet { printError("resuming: \(earlier.count) points already in \(folder.path)/sweep.csv") }
        }
        var finished: [[Double]: SweepPoint] = Dictionary(earlier.map { ($0.values, $0) }, uniquingKeysWith: { a, _ in a })
        /// Every finished point: this grid's in its order, then earlier ones it does not cover (all sorted by
        /// value if there are any), so a sweep finished in two goes equals one run straight through.
        func allPoints() -> [SweepPoint] {
            let inGrid = grid.compactMap { finished[$0] }
            let gridSet = Set(grid)
            let others = earlier.filter { !gridSet.contains($0.values) }
            guard !others.isEmpty else { return inGrid }
            return (inGrid + others).sorted { $0.values.lexicographicallyPrecedes($1.values) }
        }
        func sweep(shown: [String]) -> Sweep {
            Sweep(scenario: base.spec.name, parameters: keys, points: allPoints(), shown: shown)
        }
        for (p, (values, s)) in zip(grid, specs).enumerated() where !interruption.isCancelled {
            if finished[values] != nil { continue }
            let label = zip(params, values).map { "\($0.key)=\(formatValue($1))" }.joined(separator: " ")
            let results = replayed?[p] ?? runReplications(s, replications: n, jobs: common.jobs, quiet: common.quiet, label: label)
            try checkResults(results)
            if results.count == n {
                finished[values] = SweepPoint(values: values, metrics: Summaries.metrics(results))
                // Written after every point (the whole folder, at once), so an interrupted sweep keeps what
                // finished and --resume skips it.
                try commit(folder, [("sweep.csv", Writers.sweepCSV(sweep(shown: [])))], manifest: manifest)
            }
        }
        let points = allPoints()
        let shown = metrics.isEmpty ? Headline.present(in: points.first?.metrics ?? []) : metrics
        let result = sweep(shown: shown)
        switch format {
        case .table: print(sweepTable(result), terminator: "")
        case .csv: print(Writers.sweepCSV(result), terminator: "")
        case .json: print(Writers.sweepJSON(result), terminator: "")
        }
        var files = [("sweep.csv", Writers.sweepCSV(result))]
        if common.report { files.append(("report.html", HTMLReport.render(title: "sweep of \(base.spec.name)", run: nil, sweep: result))) }
        let missing = grid.filter { finished[$0] == nil }.count
        manifest.incomplete = missing > 0
        try commit(folder, files, manifest: manifest)
        if !common.quiet { printError("wrote \(folder.path)/") }
        if interruption.isCancelled {
            printError("interrupted: \(grid.count - missing) of \(grid.count) points finished"
                       + (points.count > grid.count - missing ? " (\(points.count) points in sweep.csv in all)" : ""))
            throw interruptedExitCode
        }
    }

    /// The command that would finish the sweep in a folder with these settings.
    func resumeCommand(_ m: Manifest) -> String {
        let sets = m.parameters == sets.compactMap({ try? ParameterValues.parse($0).key }) ? sets
            : m.parameters.map { "\($0)=VALUES" }
        return "flowsim sweep \(shellQuote(m.scenario)) " + sets.map { "--set \(shellQuote($0))" }.joined(separator: " ")
            + " -r \(m.replications) --seed \(m.seed) --out \(shellQuote(common.out ?? "DIR")) --resume"
    }
}

/// A table with one row per point and a mean (95% CI) column per shown metric.
func sweepTable(_ sweep: Sweep) -> String {
    var rows: [[String]] = [sweep.parameters + sweep.shown]
    for p in sweep.points {
        rows.append(p.values.map(formatValue) + sweep.shown.map { id in
            guard let m = p.metric(id) else { return "-" }
            return m.lower.isNaN ? TableWriter.format(m.mean)
                : "\(TableWriter.format(m.mean)) (\(TableWriter.format(m.lower))..\(TableWriter.format(m.upper)))"
        })
    }
    return TableWriter.render(rows, rightAligned: Set(0..<rows[0].count))
}

/// The headline metrics of the catalogue, in order.
enum Headline {
    static var ids: [String] { MetricCatalog.headline }
    static func present(in metrics: [MetricSummary]) -> [String] {
        ids.filter { id in metrics.contains { $0.id == id } }
    }
}

/// The points of an earlier run of the same sweep or search in `folder` (`--resume`): none if the folder holds
/// nothing yet. Bad input (exit 2) if the folder's run had other settings (saying which, and the command that
/// would match), if it has no manifest to check them against, or if the file is damaged (naming the line).
func resumedPoints(_ folder: ResultFolder, file: String, manifest: Manifest, command: (Manifest) -> String) throws -> [SweepPoint] {
    let data = folder.existingFile(file)
    guard let earlier = folder.manifest else {
        guard data != nil else { return [] }
        printError("error: --resume: \(folder.path)/\(file) has no \(Manifest.fileName) (an older flowsim wrote it), so its "
                   + "seed, replications and scenario cannot be checked; run the \(manifest.command) again into a new folder")
        throw ExitCode(2)
    }
    var differences: [String] = []
    if earlier.command != manifest.command {
        differences.append("it holds the results of `flowsim \(earlier.command)`, not of `flowsim \(manifest.command)`")
    } else {
        if earlier.scenarioHash != manifest.scenarioHash {
            differences.append("the scenario differs (\(earlier.scenario) then, \(manifest.scenario) now: their resolved "
                               + "contents are not the same)")
        }
        if earlier.seed != manifest.seed { differences.append("seed \(earlier.seed) (this command: \(manifest.seed))") }
        if earlier.replications != manifest.replications {
            differences.append("\(earlier.replications) replications (this command: \(manifest.replications))")
        }
        if earlier.parameters != manifest.parameters {
            differences.append("parameters \(earlier.parameters.joined(separator: ", ")) (this command: "
                               + "\(manifest.parameters.joined(separator: ", ")))")
        }
    }
    guard differences.isEmpty else {
        printError("error: --resume: \(folder.path) was written with other settings: " + differences.joined(separator: "; ") + ".")
        if earlier.command == manifest.command {
            printError("To finish that \(earlier.command), run: \(command(earlier))")
        }
        throw ExitCode(2)
    }
    guard let data else { return [] }
    do {
        return try Writers.readSweepCSV(data, parameters: manifest.parameters)
    } catch {
        printError("error: --resume: \(folder.path)/\(file): \(error.description); it was not written as flowsim writes it, "
                   + "so nothing in it is reused (fix that line, or run again into a new folder)")
        throw ExitCode(2)
    }
}

/// A word for a shell command line, quoted if it needs to be.
func shellQuote(_ s: String) -> String {
    let safe = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-=,:+@".unicodeScalars.contains($0)) }
    return safe ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// `flowsim run SCENARIO`: replications in parallel, every metric with a 95% CI, files for later.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and print every metric with its mean and 95% confidence interval.",
        discussion: """
        Writes summary.json (every metric with its label, unit, better direction, mean and CI, and where the
        results came from), summary.csv (the same as a table), replications.csv (replication, metric, value),
        monthly.csv (month, metric, mean, lower, upper, n: the front door by calendar month) and daily.csv (day,
        date, series, mean, lower, upper, p10, p50, p90; day 0 is the first day after warm-up, or with
        --include-warm-up the first day of the run) to the output folder; daily-replications.csv with
        --daily-per-replication, report.html with --report, and trace.csv with --trace (docs/trace.md).
        Percentages' intervals are clipped to 0-100 and counts' to 0 or more. Also occupancy.csv (unit, level, time and
        audit shares) and capacity.csv (unit, places, P(delay | places) = P(N = c) / P(N <= c) from the occupancy
        distribution); --capacity-table UNIT prints the places UNIT needs for P(delay) <= 1 in 10, 20, 50, 100
        and 200, and its table.

        Examples:
          flowsim run scenarios/mk-baseline.yaml
          flowsim run scenarios/mk-baseline.yaml --replications 20 --seed 7 --jobs 2 --report
          flowsim run scenarios/option-vw-expand.yaml --format csv --out results/runs/vw-expand
          flowsim run scenarios/mk-baseline.yaml --set units.home_support.capacity=200 --set seed=3
          flowsim run scenarios/examples/small-chain.yaml -r 8 --trace-replications 0,3,5-7
          flowsim run scenarios/examples/two-wards.yaml --capacity-table medical
          flowsim run scenarios/mk-baseline.yaml --include-warm-up -r 20
        """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @OptionGroup var options: RunOptions

    @OptionGroup var overrides: OverrideOptions

    @Option(name: .shortAndLong, help: "How to print the metrics: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: "Also write daily-replications.csv: every replication's value of every daily series on every day.")
    var dailyPerReplication = false

    @Flag(help: "Also write trace.csv (docs/trace.md): every movement, request and grant of the traced replications.")
    var trace = false

    @Option(name: [.customLong("trace-replications"), .customLong("trace-replication")],
            help: ArgumentHelp("The replications --trace records: numbers and ranges such as 0,3,5-7 (default 0). Implies --trace.",
                               valueName: "list"))
    var traceReplications: String?

    /// The replications to trace, ascending, each once (empty without a trace).
    var tracedReplications: [Int] {
        guard trace || traceReplications != nil else { return [] }
        return (try? Self.parseReplicationList(traceReplications ?? "0")) ?? []
    }

    @Option(name: .customLong("capacity-table"),
            help: "Print the places this unit (a unit or place name, e.g. ward or ed.majors) needs for P(delay) <= 1 in N, and its capacity table (repeatable).")
    var capacityTables: [String] = []

    @Flag(name: .customLong("include-warm-up"),
          help: "Daily series from time 0, warm-up days included (day counts from the start of the run); metrics still exclude warm-up.")
    var includeWarmUp = false

    @Option(help: ArgumentHelp("Run only shard K of N (0 <= K < N): a fixed block of the replications, written to --out DIR as one shard file for `flowsim merge DIR` (docs: README, Running on Slurm).",
                               valueName: "K/N"))
    var shard: String?

    func validate() throws {
        try validateShard(shard, out: options.out)
        if shard != nil {
            guard !trace && traceReplications == nil else {
                throw ValidationError("--shard and --trace do not go together: trace the replications with a run of its own.")
            }
        }
        if let list = traceReplications {
            do { _ = try Self.parseReplicationList(list) } catch let error as ValidationError {
                throw ValidationError("--trace-replications \(list): \(error.message)")
            }
        }
    }

    /// Parses "0,3,5-7" into [0, 3, 5, 6, 7]: comma-separated numbers >= 0 and ranges `a-b` with a <= b.
    static func parseReplicationList(_ text: String) throws -> [Int] {
        var out = Set<Int>()
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for item in items {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false)
            guard !item.isEmpty, ends.count <= 2, let a = Int(ends[0]), a >= 0, let b = ends.count == 2 ? Int(ends[1]) : a else {
                throw ValidationError("'\(item)' is not a replication number or a range such as 5-7 (numbers from 0)")
            }
            guard a <= b else { throw ValidationError("the range '\(item)' runs backwards") }
            guard b - a < 1_000_000 else { throw ValidationError("the range '\(item)' is too long") }
            out.formUnion(a...b)
        }
        return out.sorted()
    }

    func run() throws { try execute() }

    /// The arguments that change what `run` writes, as given (no `--out`, `--jobs`, `--quiet`, `--shard`): a shard
    /// file keeps them and `flowsim merge` runs them again with the shards' replications in place of simulating.
    var resultArguments: [String] {
        var a = [scenario]
        a += options.resultArguments
        a += overrides.sets.flatMap { ["--set", $0] }
        a += ["--format", format.rawValue]
        if dailyPerReplication { a.append("--daily-per-replication") }
        a += capacityTables.flatMap { ["--capacity-table", $0] }
        if includeWarmUp { a.append("--include-warm-up") }
        return a
    }

    /// Runs the command; with `replay` (`flowsim merge`), its replications come from shard files instead of
    /// being simulated, and everything else (summaries, files, messages, exit code) is the same code.
    func execute(replay: ShardReplay? = nil) throws {
        let loaded = try loadScenario(scenario, overrides: try overrides.overrides(), allowing: options.files.allowDirs)
        var spec = loaded.spec
        if let seed = options.seed { spec.seed = seed }
        spec.dailyIncludesWarmUp = includeWarmUp
        let n = options.replications ?? loaded.replications
        let traced = tracedReplications
        if let last = traced.last, last >= n {
            printError("error: --trace-replications \(traceReplications ?? "0"): replication \(last) is out of range; "
                       + "the run has replications 0 to \(n - 1)")
            throw ExitCode(2)
        }
        // Capacity tables are for places of the scenario (checked before anything runs).
        let placeNames = spec.units.flatMap { u in u.kind.placeSpecs.map { $0.metricName(unit: u.name) } }
        for name in capacityTables where !placeNames.contains(name) {
            let known = placeNames.isEmpty ? "it has none" : "they are " + placeNames.joined(separator: ", ")
            printError("error: --capacity-table \(name): not a unit with places in \(spec.name) (\(known))")
            throw ExitCode(2)
        }
        if let shard, let (k, shards) = Sharding.parse(shard) {
            return try runShard(k, of: shards, spec: spec, loaded: loaded, replications: n)
        }
        if let replay { try replay.check(fingerprint: loaded.fingerprint, seed: spec.seed, replications: n) }
        // The folder is checked (and locked) before anything runs: a bad --out fails in a second, not after the run.
        let folder = try openOutputFolder(options.out, name: spec.name)
        defer { folder.close() }
        // Streamed: each replication is summarised as it finishes and dropped, and its rows go straight into
        // the folder's staging area, so 10,000 replications (or a 10-year horizon) need no more memory than a few.
        let rowFiles: (StagedFile, StagedFile?)
        do {
            rowFiles = (try StagedFile("\(folder.staging)/replications.csv"),
                        dailyPerReplication ? try StagedFile("\(folder.staging)/daily-replications.csv") : nil)
        } catch {
            printError("error: \(error); nothing was written")
            throw ExitCode(1)
        }
        let summaries = StreamingSummaries(firstDate: spec.firstDailyDate, keepDailyValues: dailyPerReplication,
                                           replicationsFile: rowFiles.0, dailyFile: rowFiles.1)
        let outcome = try replay.map { try $0.feed(summaries) } ?? streamSome(spec, replications: n, options: options, into: summaries)
        do { try summaries.finishFiles() } catch {
            printError("error: \(error); nothing was written")  // the error names the file
            throw ExitCode(1)
        }
        let incomplete = outcome.consumed < n
        var report = RunReport(scenario: spec.name, replications: outcome.consumed, seed: spec.seed,
                               metrics: summaries.metrics, daily: summaries.daily, incomplete: incomplete,
                               provenance: provenance(of: loaded, path: scenario, spec: spec, replications: outcome.consumed,
                                                      overrides: overrides.sets))
        report.firstDate = spec.firstObservedDate
        let count = incomplete ? "\(outcome.consumed) of \(n) replications (interrupted)" : "\(n) replications"
        switch format {
        case .table:
            print(TableWriter.metrics(report.metrics, title: "\(spec.name): \(count), seed \(spec.seed)"), terminator: "")
        case .csv: print(Writers.metricsCSV(report.metrics, scenario: spec.name), terminator: "")
        case .json: print(Writers.summaryJSON(report), terminator: "")
        }
        let occupancy = summaries.occupancy
        for name in capacityTables {
            if let u = occupancy.first(where: { $0.unit == name }) { print(Writers.capacityTable(u), terminator: "") }
        }
        var files = [("summary.json", Writers.summaryJSON(report)), ("summary.csv", Writers.metricsCSV(report.metrics, scenario: spec.name)),
                     ("daily.csv", Writers.dailyCSV(report.daily)), ("monthly.csv", Writers.monthlyCSV(summaries.monthly)),
                     ("occupancy.csv", Writers.occupancyCSV(occupancy)), ("capacity.csv", Writers.capacityCSV(occupancy))]
        if options.report { files.append(("report.html", HTMLReport.render(title: spec.name, run: report))) }
        if !traced.isEmpty && !interruption.isCancelled {
            try writeTrace(spec, replications: traced, into: folder)
        } else if !traced.isEmpty {
            printError("trace.csv not written: the run was interrupted")
        }
        try commit(folder, files, manifest: Manifest(command: "run", scenario: scenario, scenarioName: spec.name,
                                                     scenarioHash: loaded.fingerprint, seed: spec.seed, replications: n,
                                                     overrides: overrides.sets, incomplete: incomplete))
        if !options.quiet || incomplete {
            printError("wrote \(folder.path)/" + (incomplete ? " (incomplete: \(outcome.consumed) of \(n) replications)" : ""))
        }
        try checkOutcome(outcome)
        if incomplete { throw interruptedExitCode }
    }

    /// Per-patient traces only on request: each traced replication run again on its own, in order (the same
    /// streams give the same replication, so its rows are those of a trace of it alone), streamed into the
    /// output folder's staging area so it is committed with the other files. A write error (a full disk) stops
    /// the replication and fails the run (exit 1); a second interrupt stops it and the trace is left out.
    func writeTrace(_ spec: SystemSpec, replications: [Int], into folder: ResultFolder) throws {
        let writer = TraceWriter(attributes: spec.attributes)
        let file: StagedFile
        do {
            file = try StagedFile("\(folder.staging)/trace.csv")
            try file.append(writer.header)
        } catch {
            printError("error: cannot write \(folder.path)/trace.csv: \(error)")
            throw ExitCode(1)
        }
        var failure: Error?
        var aborted = false
        for r in replications where failure == nil && !aborted {
            let sim = SystemSimulation(spec: spec, replication: r)
            let stop = Cancellation()
            sim.abort = stop
            sim.trace = { e in
                guard failure == nil else { return }
                do {
                    try file.append(writer.row(replication: r, e))
                } catch {
                    failure = error
                    stop.cancel()
                }
                if Interrupts.abort.isCancelled { stop.cancel() }
            }
            _ = sim.run()
            aborted = sim.wasAborted
        }
        if failure == nil {
            do { try file.finish() } catch { failure = error }
        }
        if let failure {
            printError("error: cannot write \(folder.path)/trace.csv: \(failure); nothing was written")
            throw ExitCode(1)
        }
        if aborted {
            try? FileManager.default.removeItem(atPath: file.path)
            printError("trace.csv not written: the run was interrupted")
        }
    }
}

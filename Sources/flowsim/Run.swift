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
        --daily-per-replication, and report.html with --report. Percentages' intervals are clipped to 0-100 and
        counts' to 0 or more.

        Examples:
          flowsim run scenarios/mk-baseline.yaml
          flowsim run scenarios/mk-baseline.yaml --replications 20 --seed 7 --jobs 2 --report
          flowsim run scenarios/option-vw-expand.yaml --format csv --out results/runs/vw-expand
          flowsim run scenarios/mk-baseline.yaml --set units.home_support.capacity=200 --set seed=3
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

    @Flag(help: "Also write trace.csv: every patient movement (time, patient, person, unit, event) of one replication.")
    var trace = false

    @Option(help: "The replication --trace records (default 0).")
    var traceReplication: Int = 0

    @Flag(name: .customLong("include-warm-up"),
          help: "Daily series from time 0, warm-up days included (day counts from the start of the run); metrics still exclude warm-up.")
    var includeWarmUp = false

    func validate() throws {
        if traceReplication < 0 { throw ValidationError("--trace-replication must be >= 0.") }
    }

    func run() throws {
        let loaded = try loadScenario(scenario, overrides: try overrides.overrides(), allowing: options.files.allowDirs)
        var spec = loaded.spec
        if let seed = options.seed { spec.seed = seed }
        spec.dailyIncludesWarmUp = includeWarmUp
        let n = options.replications ?? loaded.replications
        if trace && traceReplication >= n {
            printError("error: --trace-replication \(traceReplication): the run has replications 0 to \(n - 1)")
            throw ExitCode(2)
        }
        // The folder is checked (and locked) before anything runs: a bad --out fails in a second, not after the run.
        let folder = try openOutputFolder(options.out, name: spec.name)
        defer { folder.close() }
        // Streamed: each replication is summarised as it finishes and dropped, so 10,000 replications (or a
        // 10-year horizon) need no more memory than a few.
        let summaries = StreamingSummaries(firstDate: spec.firstDailyDate, keepDailyValues: dailyPerReplication)
        let outcome = try streamSome(spec, replications: n, options: options, into: summaries)
        let incomplete = outcome.consumed < n
        let report = RunReport(scenario: spec.name, replications: outcome.consumed, seed: spec.seed,
                               metrics: summaries.metrics, daily: summaries.daily, incomplete: incomplete,
                               provenance: provenance(of: loaded, path: scenario, spec: spec, replications: outcome.consumed,
                                                      overrides: overrides.sets))
        let count = incomplete ? "\(outcome.consumed) of \(n) replications (interrupted)" : "\(n) replications"
        switch format {
        case .table:
            print(TableWriter.metrics(report.metrics, title: "\(spec.name): \(count), seed \(spec.seed)"), terminator: "")
        case .csv: print(Writers.metricsCSV(report.metrics, scenario: spec.name), terminator: "")
        case .json: print(Writers.summaryJSON(report), terminator: "")
        }
        var files = [("summary.json", Writers.summaryJSON(report)), ("summary.csv", Writers.metricsCSV(report.metrics, scenario: spec.name)),
                     ("replications.csv", summaries.replicationsCSV),
                     ("daily.csv", Writers.dailyCSV(report.daily)), ("monthly.csv", Writers.monthlyCSV(summaries.monthly))]
        if dailyPerReplication { files.append(("daily-replications.csv", summaries.dailyValuesCSV)) }
        if options.report { files.append(("report.html", HTMLReport.render(title: spec.name, run: report))) }
        if trace && !interruption.isCancelled {
            try writeTrace(spec, into: folder)
        } else if trace {
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

    /// Per-patient traces only on request: one replication, run again on its own (the same streams give the
    /// same replication), streamed into the output folder's staging area so it is committed with the other
    /// files. A write error (a full disk) stops the replication and fails the run (exit 1); a second interrupt
    /// stops it and the trace is left out.
    func writeTrace(_ spec: SystemSpec, into folder: ResultFolder) throws {
        let sim = SystemSimulation(spec: spec, replication: traceReplication)
        let file: StagedFile
        do {
            file = try StagedFile("\(folder.staging)/trace.csv")
            try file.append("time_minutes,patient,person,unit,event\n")
        } catch {
            printError("error: cannot write \(folder.path)/trace.csv: \(error)")
            throw ExitCode(1)
        }
        let stop = Cancellation()
        sim.abort = stop
        var failure: Error?
        sim.trace = { e in
            guard failure == nil else { return }
            do {
                try file.append("\(e.time),\(e.patient),\(e.person),\(Writers.csv(e.unit)),\(e.kind.rawValue)\n")
            } catch {
                failure = error
                stop.cancel()
            }
            if Interrupts.abort.isCancelled { stop.cancel() }
        }
        _ = sim.run()
        if failure == nil {
            do { try file.finish() } catch { failure = error }
        }
        if let failure {
            printError("error: cannot write \(folder.path)/trace.csv: \(failure); nothing was written")
            throw ExitCode(1)
        }
        if sim.wasAborted {
            try? FileManager.default.removeItem(atPath: file.path)
            printError("trace.csv not written: the run was interrupted")
        }
    }
}

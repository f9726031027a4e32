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
        Writes summary.json, replications.csv (replication, metric, value), monthly.csv (month, metric, mean,
        lower, upper, n: the front door by calendar month), daily.csv (day, series, mean,
        lower, upper), occupancy.csv (unit, level, time and audit shares) and capacity.csv (unit, places,
        P(delay | places) = P(N = c) / P(N <= c) from the occupancy distribution) to the output folder, and
        report.html with --report. --capacity-table UNIT prints the places UNIT needs for P(delay) <= 1 in 10,
        20, 50, 100 and 200, and its table.

        Examples:
          flowsim run scenarios/mk-baseline.yaml
          flowsim run scenarios/mk-baseline.yaml --replications 20 --seed 7 --jobs 2 --report
          flowsim run scenarios/option-vw-expand.yaml --format csv --out results/runs/vw-expand
          flowsim run scenarios/examples/two-wards.yaml --capacity-table medical
        """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @OptionGroup var options: RunOptions

    @Option(name: .shortAndLong, help: "How to print the metrics: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: "Also write trace.csv: every patient movement (time, patient, person, unit, event) of one replication.")
    var trace = false

    @Option(help: "The replication --trace records (default 0).")
    var traceReplication: Int = 0

    @Option(name: .customLong("capacity-table"),
            help: "Print the places this unit (a unit or place name, e.g. ward or ed.majors) needs for P(delay) <= 1 in N, and its capacity table (repeatable).")
    var capacityTables: [String] = []

    func validate() throws {
        if traceReplication < 0 { throw ValidationError("--trace-replication must be >= 0.") }
    }

    func run() throws {
        let loaded = try loadScenario(scenario, allowing: options.files.allowDirs)
        var spec = loaded.spec
        if let seed = options.seed { spec.seed = seed }
        let n = options.replications ?? loaded.replications
        if trace && traceReplication >= n {
            printError("error: --trace-replication \(traceReplication): the run has replications 0 to \(n - 1)")
            throw ExitCode(2)
        }
        // Capacity tables are for places of the scenario (checked before anything runs).
        let placeNames = spec.units.flatMap { u in u.kind.placeSpecs.map { $0.metricName(unit: u.name) } }
        for name in capacityTables where !placeNames.contains(name) {
            let known = placeNames.isEmpty ? "it has none" : "they are " + placeNames.joined(separator: ", ")
            printError("error: --capacity-table \(name): not a unit with places in \(spec.name) (\(known))")
            throw ExitCode(2)
        }
        // The folder is checked (and locked) before anything runs: a bad --out fails in a second, not after the run.
        let folder = try openOutputFolder(options.out, name: spec.name)
        defer { folder.close() }
        // Streamed: each replication is summarised as it finishes and dropped, so 10,000 replications (or a
        // 10-year horizon) need no more memory than a few.
        let summaries = StreamingSummaries()
        let outcome = streamReplications(spec, replications: n, jobs: options.jobs, quiet: options.quiet, label: spec.name,
                                         into: summaries)
        let incomplete = outcome.consumed < n
        guard outcome.consumed > 0 else {
            printError("interrupted before any replication finished: nothing written")
            throw interruptedExitCode
        }
        let report = RunReport(scenario: spec.name, replications: outcome.consumed, seed: spec.seed,
                               metrics: summaries.metrics, daily: summaries.daily, incomplete: incomplete)
        let count = incomplete ? "\(outcome.consumed) of \(n) replications (interrupted)" : "\(n) replications"
        switch format {
        case .table:
            print(TableWriter.metrics(report.metrics, title: "\(spec.name): \(count), seed \(spec.seed)"), terminator: "")
        case .csv: print(Writers.metricsCSV(report.metrics), terminator: "")
        case .json: print(Writers.summaryJSON(report), terminator: "")
        }
        let occupancy = summaries.occupancy
        for name in capacityTables {
            if let u = occupancy.first(where: { $0.unit == name }) { print(Writers.capacityTable(u), terminator: "") }
        }
        var files = [("summary.json", Writers.summaryJSON(report)), ("replications.csv", summaries.replicationsCSV),
                     ("daily.csv", Writers.dailyCSV(report.daily)), ("monthly.csv", Writers.monthlyCSV(summaries.monthly)),
                     ("occupancy.csv", Writers.occupancyCSV(occupancy)), ("capacity.csv", Writers.capacityCSV(occupancy))]
        if options.report { files.append(("report.html", HTMLReport.render(title: spec.name, run: report))) }
        if trace && !interruption.isCancelled {
            try writeTrace(spec, into: folder)
        } else if trace {
            printError("trace.csv not written: the run was interrupted")
        }
        try commit(folder, files, manifest: Manifest(command: "run", scenario: scenario, scenarioName: spec.name,
                                                     scenarioHash: loaded.fingerprint, seed: spec.seed, replications: n,
                                                     incomplete: incomplete))
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

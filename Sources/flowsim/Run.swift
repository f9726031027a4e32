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
        lower, upper, n: the front door by calendar month) and daily.csv (day, series, mean,
        lower, upper) to the output folder, and report.html with --report.

        Examples:
          flowsim run scenarios/mk-baseline.yaml
          flowsim run scenarios/mk-baseline.yaml --replications 20 --seed 7 --jobs 2 --report
          flowsim run scenarios/option-vw-expand.yaml --format csv --out results/runs/vw-expand
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

    func validate() throws {
        if traceReplication < 0 { throw ValidationError("--trace-replication must be >= 0.") }
    }

    func run() throws {
        let loaded = try loadScenario(scenario)
        var spec = loaded.spec
        if let seed = options.seed { spec.seed = seed }
        let n = options.replications ?? loaded.replications
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
        switch format {
        case .table:
            print(TableWriter.metrics(report.metrics, title: "\(spec.name): \(n) replications, seed \(spec.seed)"), terminator: "")
        case .csv: print(Writers.metricsCSV(report.metrics), terminator: "")
        case .json: print(Writers.summaryJSON(report), terminator: "")
        }
        let folder = try outputFolder(options.out, name: spec.name)
        var files = [("summary.json", Writers.summaryJSON(report)), ("replications.csv", summaries.replicationsCSV),
                     ("daily.csv", Writers.dailyCSV(report.daily)), ("monthly.csv", Writers.monthlyCSV(summaries.monthly))]
        if options.report { files.append(("report.html", HTMLReport.render(title: spec.name, run: report))) }
        if trace {
            // Per-patient traces only on request: one replication, run again on its own (the same streams give
            // the same replication), written to a temporary file and renamed like every output.
            let sim = SystemSimulation(spec: spec, replication: traceReplication)
            let tmpPath = "\(folder)/.trace.csv.tmp"
            guard FileManager.default.createFile(atPath: tmpPath, contents: nil),
                  let out = FileHandle(forWritingAtPath: tmpPath) else {
                printError("error: cannot write \(folder)/trace.csv")
                throw ExitCode(1)
            }
            var buffer = "time_minutes,patient,person,unit,event\n"
            sim.trace = { e in
                buffer += "\(e.time),\(e.patient),\(e.person),\(Writers.csv(e.unit)),\(e.kind.rawValue)\n"
                if buffer.utf8.count > 1 << 20 { out.write(Data(buffer.utf8)); buffer = "" }
            }
            _ = sim.run()
            out.write(Data(buffer.utf8))
            try out.close()
            if rename(tmpPath, "\(folder)/trace.csv") != 0 {
                printError("error: cannot write \(folder)/trace.csv")
                throw ExitCode(1)
            }
        }
        try writeFiles(files, to: folder)
        if !options.quiet || incomplete {
            printError("wrote \(folder)/" + (incomplete ? " (incomplete: \(outcome.consumed) of \(n) replications)" : ""))
        }
        try checkOutcome(outcome)
        if incomplete { throw interruptedExitCode }
    }
}

import ArgumentParser
import PatientFlow
import Reporting
import Scenario

/// `flowsim run SCENARIO`: replications in parallel, every metric with a 95% CI, files for later.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and print every metric with its mean and 95% confidence interval.",
        discussion: """
        Writes summary.json, replications.csv (replication, metric, value) and daily.csv (day, series, mean,
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
                     ("daily.csv", Writers.dailyCSV(report.daily))]
        if options.report { files.append(("report.html", HTMLReport.render(title: spec.name, run: report))) }
        try writeFiles(files, to: folder)
        if !options.quiet || incomplete {
            printError("wrote \(folder)/" + (incomplete ? " (incomplete: \(outcome.consumed) of \(n) replications)" : ""))
        }
        try checkOutcome(outcome)
        if incomplete { throw interruptedExitCode }
    }
}

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
        let results = runReplications(spec, replications: n, jobs: options.jobs, quiet: options.quiet, label: spec.name)
        let report = RunReport(scenario: spec.name, replications: n, seed: spec.seed,
                               metrics: Summaries.metrics(results), daily: Summaries.daily(results))
        switch format {
        case .table:
            print(TableWriter.metrics(report.metrics, title: "\(spec.name): \(n) replications, seed \(spec.seed)"), terminator: "")
        case .csv: print(Writers.metricsCSV(report.metrics), terminator: "")
        case .json: print(Writers.summaryJSON(report), terminator: "")
        }
        let folder = try outputFolder(options.out, name: spec.name)
        var files = [("summary.json", Writers.summaryJSON(report)), ("replications.csv", Writers.replicationsCSV(results)),
                     ("daily.csv", Writers.dailyCSV(report.daily))]
        if options.report { files.append(("report.html", HTMLReport.render(title: spec.name, run: report))) }
        try writeFiles(files, to: folder)
        if !options.quiet { printError("wrote \(folder)/") }
        try checkResults(results)
    }
}

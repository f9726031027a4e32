import ArgumentParser
import PatientFlow
import Reporting
import Scenario

/// `flowsim compare BASELINE OPTION...`: paired differences under common random numbers, with verdicts.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare options with a baseline: paired differences with 95% CIs and a verdict per metric.",
        discussion: """
        Every scenario runs the same replications with the same seed, so replication r of an option meets the
        same arrivals and draws as replication r of the baseline (common random numbers) and the differences
        are paired. A verdict is "better" or "worse" when the 95% CI of the difference excludes 0, in the
        direction that is good for that metric (docs/metrics.md), else "no clear difference".
        Writes comparison.csv, comparison.json, summary.json (the baseline), and report.html with --report.

        Examples:
          flowsim compare scenarios/mk-baseline.yaml scenarios/option-integrated-discharge-hub.yaml
          flowsim compare scenarios/mk-baseline.yaml scenarios/option-*.yaml -r 20 --report
        """
    )

    @Argument(help: "The baseline scenario.")
    var baseline: String

    @Argument(help: "One or more option scenarios.")
    var options: [String] = []

    @OptionGroup var common: RunOptions

    @Option(name: .shortAndLong, help: "How to print: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: "Show every metric, not only those with a verdict or a clear difference.")
    var all = false

    func validate() throws {
        if options.isEmpty { throw ValidationError("Give at least one option scenario to compare with the baseline.") }
    }

    func run() throws {
        let base = try loadScenario(baseline, allowing: common.files.allowDirs)
        let opts = try options.map { try loadScenario($0, allowing: common.files.allowDirs) }
        let n = common.replications ?? base.replications
        let seed = common.seed ?? base.spec.seed
        var spec = base.spec
        spec.seed = seed
        let folder = try openOutputFolder(common.out, name: "compare-\(spec.name)")
        defer { folder.close() }
        let baseResults = runReplications(spec, replications: n, jobs: common.jobs, quiet: common.quiet, label: spec.name)
        try checkResults(baseResults)
        guard !baseResults.isEmpty else {
            printError("interrupted before any replication finished: nothing written")
            throw interruptedExitCode
        }
        var comparisons: [Comparison] = []
        var notRun: [String] = []
        for o in opts {
            var os = o.spec
            os.seed = seed
            if interruption.isCancelled {
                notRun.append(os.name)
                continue
            }
            let results = runReplications(os, replications: n, jobs: common.jobs, quiet: common.quiet, label: os.name)
            try checkResults(results)
            // Verdicts rest on the pairs that finished; `planned` says how many were asked for.
            if !results.isEmpty {
                var c = Comparison(baseline: spec.name, option: os.name, baselineResults: baseResults,
                                   optionResults: results, planned: n)
                c.optionDaily = Summaries.daily(results)  // drawn over the baseline's in the report
                comparisons.append(c)
            } else {
                notRun.append(os.name)
            }
        }
        let incomplete = baseResults.count < n || !notRun.isEmpty || comparisons.contains { $0.incomplete }
        switch format {
        case .table:
            for c in comparisons { print(table(c)) }
        case .csv: print(comparisons.map(Writers.comparisonCSV).joined(), terminator: "")
        case .json: print(Writers.comparisonJSON(comparisons), terminator: "")
        }
        var baseReport = RunReport(scenario: spec.name, replications: baseResults.count, seed: seed,
                                   metrics: Summaries.metrics(baseResults), daily: Summaries.daily(baseResults),
                                   incomplete: incomplete)
        baseReport.firstDate = spec.firstObservedDate
        var files = [("comparison.csv", comparisons.map(Writers.comparisonCSV).joined()),
                     ("comparison.json", Writers.comparisonJSON(comparisons)),
                     ("summary.json", Writers.summaryJSON(baseReport))]
        if common.report {
            files.append(("report.html", HTMLReport.render(title: "\(spec.name) vs \(comparisons.map(\.option).joined(separator: ", "))",
                                                            run: baseReport, comparisons: comparisons)))
        }
        try commit(folder, files, manifest: Manifest(command: "compare", scenario: baseline, scenarioName: spec.name,
                                                     scenarioHash: base.fingerprint, seed: seed, replications: n,
                                                     options: options, incomplete: incomplete))
        if !common.quiet || incomplete { printError("wrote \(folder.path)/" + (incomplete ? " (incomplete)" : "")) }
        if incomplete {
            var parts = comparisons.map { c in
                c.incomplete ? "\(c.option): verdicts on the \(c.replications) of \(c.planned) pairs that finished"
                    : "\(c.option): all \(c.replications) pairs"
            }
            parts += notRun.map { "\($0): not run" }
            printError("interrupted: wrote comparisons for \(comparisons.count) of \(opts.count) options ("
                       + parts.joined(separator: "; ") + ")")
            throw interruptedExitCode
        }
    }

    func table(_ c: Comparison) -> String {
        let rows = c.rows.filter { all || $0.verdict == .better || $0.verdict == .worse || $0.direction != .neither }
        var t: [[String]] = [["metric", c.baseline, c.option, "difference (95% CI)", "verdict"]]
        for r in rows {
            let d = r.difference
            let ci = d.lower.isNaN ? TableWriter.format(d.mean)
                : "\(TableWriter.format(d.mean)) (\(TableWriter.format(d.lower)) .. \(TableWriter.format(d.upper)))"
            t.append([r.metric, TableWriter.format(r.baseline.mean), TableWriter.format(r.option.mean), ci, r.verdict.rawValue])
        }
        let pairs = c.incomplete ? "\(c.replications) of \(c.planned) paired replications (interrupted: verdicts rest on these \(c.replications))"
            : "\(c.replications) paired replications"
        return "\(c.option) vs \(c.baseline): \(pairs)\n" + TableWriter.render(t, rightAligned: [1, 2, 3])
    }
}

import ArgumentParser
import PatientFlow
import Reporting
import Scenario

/// `flowsim warmup SCENARIO --metric SERIES`: MSER-5 on the daily series from time 0.
struct Warmup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suggest a warm-up by MSER-5 from the daily series of a run that includes its warm-up.",
        discussion: """
        Runs the scenario from its initial state (empty, or the `initial` occupancy it gives) with the daily series \
        kept from time 0, takes each series' mean across replications, batches it into 5-day means and finds the \
        truncation d* that minimises MSER(d) = sum over the batches after d of (Z - their mean)^2 / (k - d)^2, over \
        the first half of the run (White 1997; White, Cobb & Spratt 2000). Prints d* x 5 days per series and the \
        largest as the suggestion, beside the scenario's warm_up. Writes warmup.csv (day, metric, mean, mser), \
        answer.json and, with --report, report.html. --metric names daily series (docs/metrics.md, "Daily \
        series": acute_occupied, nctr_percent, occupancy.<place>, ...). See docs/uncertainty.md.

        Examples:
          flowsim warmup scenarios/mk-baseline.yaml --metric acute_occupied --metric nctr_percent
          flowsim warmup scenarios/mk-baseline.yaml --metric occupancy.home_support -r 20 --report
          flowsim warmup scenarios/examples/two-wards.yaml --metric occupancy.ward_b --set warm_up=0d
        """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("metric"), help: "A daily series to study (repeatable; docs/metrics.md, \"Daily series\").")
    var metrics: [String] = []

    @OptionGroup var common: RunOptions

    @OptionGroup var overrides: OverrideOptions

    func validate() throws {
        if metrics.isEmpty { throw ValidationError("--metric is required: name at least one daily series, e.g. --metric acute_occupied.") }
    }

    func run() throws {
        let loaded = try loadScenario(scenario, overrides: try overrides.overrides(), allowing: common.files.allowDirs)
        var spec = loaded.spec
        if let seed = common.seed { spec.seed = seed }
        spec.dailyIncludesWarmUp = true
        let names = dailySeriesNames(of: spec)
        var chosen: [String] = []
        for m in metrics where !chosen.contains(m) {
            try requireMetric(m, in: names, option: "--metric", what: "daily series in this scenario",
                              listing: "docs/metrics.md, \"Daily series\"; `flowsim run SCENARIO` writes them all to daily.csv")
            chosen.append(m)
        }
        let n = common.replications ?? loaded.replications
        let folder = try openOutputFolder(common.out, name: "warmup-\(spec.name)")
        defer { folder.close() }
        let summaries = StreamingSummaries(firstDate: spec.firstDailyDate)
        let outcome = try streamSome(spec, replications: n, options: common, into: summaries)
        let incomplete = outcome.consumed < n
        let daily = summaries.daily
        let means = chosen.map { id in daily.first { $0.series == id }?.days.map(\.mean) ?? [] }
        let study = WarmupStudy(scenario: spec.name, metrics: chosen, means: means, results: means.map { MSER.truncation($0) },
                                currentWarmUpDays: spec.warmUp / 1440, replications: outcome.consumed, seed: spec.seed)
        let days = means.first?.count ?? 0
        print("\(spec.name): MSER-5 on the mean of \(outcome.consumed) replication\(outcome.consumed == 1 ? "" : "s") "
              + "(seed \(spec.seed)), \(days) days from the start of the run:")
        var rows: [[String]] = [["series", "warm-up (days)", "batches dropped", "of", "mean after", "MSER(d*)"]]
        for (m, id) in chosen.enumerated() {
            guard let r = study.results[m] else { rows.append([id, "-", "-", "-", "-", "-"]); continue }
            let rest = means[m].dropFirst(r.points)
            rows.append([id, "\(r.points)", "\(r.batches)", "\(means[m].count / r.batch)",
                         TableWriter.format(rest.reduce(0, +) / Double(rest.count)), TableWriter.format(r.statistic[r.batches])])
        }
        print(TableWriter.render(rows, rightAligned: [1, 2, 3, 4, 5]), terminator: "")
        let current = TableWriter.compact(study.currentWarmUpDays)
        if let s = study.suggestedDays {
            let verdict = Double(s) <= study.currentWarmUpDays ? "the scenario's warm_up of \(current) days is at least that"
                : "longer than the scenario's warm_up of \(current) days"
            print("suggested warm-up: \(s) days (the largest over the series); \(verdict)")
        } else {
            print("no suggestion: the series are too short for two 5-day batches or have no values")
        }
        for (m, id) in chosen.enumerated() {
            if let r = study.results[m], r.batches > 0, r.batches == r.statistic.count - 1 {
                printError("warning: \(id): the truncation is at the end of the first half of the run, the most MSER-5 "
                           + "considers: the series may not settle within the run; run longer (e.g. --set horizon=...)")
            }
        }
        var files = [("warmup.csv", Writers.warmupCSV(study)), ("answer.json", Writers.warmupAnswerJSON(study))]
        if common.report { files.append(("report.html", HTMLReport.render(title: "warm-up for \(spec.name)", warmup: study))) }
        try commit(folder, files, manifest: Manifest(command: "warmup", scenario: scenario, scenarioName: spec.name,
                                                     scenarioHash: loaded.fingerprint, seed: spec.seed, replications: n,
                                                     parameters: chosen, overrides: overrides.sets, incomplete: incomplete))
        if !common.quiet || incomplete {
            printError("wrote \(folder.path)/" + (incomplete ? " (incomplete: \(outcome.consumed) of \(n) replications)" : ""))
        }
        try checkOutcome(outcome)
        if incomplete { throw interruptedExitCode }
    }
}

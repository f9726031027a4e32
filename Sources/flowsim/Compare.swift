import ArgumentParser
import Foundation
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
        are paired. First a scorecard: options x the headline metrics (or --metric), each option's difference
        from the baseline with its 95% CI half-width and a verdict. A difference is clear when its 95% CI
        excludes 0 (with --holm: when its Holm-adjusted p-value is below 0.05); a clear difference is "better"
        or "worse" in the direction good for that metric (docs/metrics.md), "higher" or "lower" for a metric
        without one (occupancy), and "too small to matter" when it is smaller than the metric's minimum
        meaningful difference (1 point for percentages, 1% of the baseline for costs, 5% of the baseline
        otherwise; --min-difference changes it). "identical" means every paired difference is 0.
        Then, per option, the other key metrics with a clear difference (--all: every metric).
        --set KEY=VALUE applies to the baseline and to every option alike, so the comparison stays paired (an
        option that sets the same key itself is overridden too).
        Writes scorecard.csv (one row per option), comparison.csv, comparison.json, summary.json (the
        baseline), summary-<option>.json per option, summary.csv (every scenario), and report.html with --report.

        Examples:
          flowsim compare scenarios/mk-baseline.yaml scenarios/option-integrated-discharge-hub.yaml
          flowsim compare scenarios/mk-baseline.yaml scenarios/option-*.yaml -r 20 --report
          flowsim compare scenarios/mk-baseline.yaml scenarios/option-vw-expand.yaml \\
              --metric nctr_percent --metric bed_days_released --min-difference nctr_percent=0.5 --holm
          flowsim compare scenarios/mk-baseline.yaml scenarios/option-vw-expand.yaml --set units.home_support.capacity=200
        """
    )

    @Argument(help: "The baseline scenario.")
    var baseline: String

    @Argument(help: "One or more option scenarios.")
    var options: [String] = []

    @OptionGroup var common: RunOptions

    @OptionGroup var overrides: OverrideOptions

    @Option(name: .shortAndLong, help: "How to print: table, csv or json.")
    var format: OutputFormat = .table

    @Flag(help: "Show every metric, not only the key metrics with a clear difference.")
    var all = false

    @Option(name: .customLong("metric"), help: "A metric for the scorecard (repeatable; default: the headline metrics).")
    var scorecardMetrics: [String] = []

    @Option(name: .customLong("min-difference"),
            help: "METRIC=X (in the metric's units) or METRIC=X% (of the baseline's mean): the smallest difference a verdict counts (repeatable).")
    var minDifferences: [String] = []

    @Flag(help: "Holm-adjust the verdicts over every metric and option (family-wise error 5%).")
    var holm = false

    @Option(help: ArgumentHelp("Run only shard K of N (0 <= K < N): the same block of replications of the baseline and every option (common random numbers), written to --out DIR as one shard file for `flowsim merge DIR`.",
                               valueName: "K/N"))
    var shard: String?

    func validate() throws {
        if options.isEmpty { throw ValidationError("Give at least one option scenario to compare with the baseline.") }
        try validateShard(shard, out: common.out)
        _ = try parsedMinimumDifferences()
    }

    /// `--min-difference` as rules by metric id; a usage error names the flag and what is allowed.
    func parsedMinimumDifferences() throws -> [String: MinimumDifference] {
        var rules: [String: MinimumDifference] = [:]
        for text in minDifferences {
            let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let allowed = "write METRIC=X (in the metric's units, e.g. nctr_percent=0.5) or METRIC=X% (of the baseline's mean, e.g. cost_total=2%)"
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--min-difference '\(text)': \(allowed).")
            }
            let relative = parts[1].hasSuffix("%")
            guard let x = Double(relative ? String(parts[1].dropLast()) : parts[1]), x.isFinite, x >= 0 else {
                throw ValidationError("--min-difference '\(text)': '\(parts[1])' is not a number of 0 or more; \(allowed).")
            }
            guard MetricCatalog.info(for: parts[0]) != nil else {
                let known = MetricCatalog.all.map(\.id)
                let hint = Scenario.nearest(parts[0], in: known).map { "; did you mean '\($0)'?" } ?? ""
                throw ValidationError("--min-difference '\(text)': no metric '\(parts[0])'\(hint) (flowsim explain --metrics lists them).")
            }
            rules[parts[0]] = relative ? .relative(x / 100) : .absolute(x)
        }
        return rules
    }

    func run() throws { try execute() }

    /// The arguments that change what `compare` writes, as given (no `--out`, `--jobs`, `--quiet`, `--shard`),
    /// for a shard file and `flowsim merge`.
    var resultArguments: [String] {
        var a = [baseline] + options
        a += common.resultArguments
        a += overrides.sets.flatMap { ["--set", $0] }
        a += ["--format", format.rawValue]
        if all { a.append("--all") }
        a += scorecardMetrics.flatMap { ["--metric", $0] }
        a += minDifferences.flatMap { ["--min-difference", $0] }
        if holm { a.append("--holm") }
        return a
    }

    /// Runs the comparison; with `replay` (`flowsim merge`) every scenario's replications come from shard files.
    func execute(replay: ShardReplay? = nil) throws {
        let sets = try overrides.overrides()
        let base = try loadScenario(baseline, overrides: sets, allowing: common.files.allowDirs)
        let opts = try options.map { try loadScenario($0, overrides: sets, allowing: common.files.allowDirs) }
        let n = common.replications ?? base.replications
        let seed = common.seed ?? base.spec.seed
        var spec = base.spec
        spec.seed = seed
        let fingerprint = ([base] + opts).map(\.fingerprint).joined(separator: " ")
        if let shard, let (k, shards) = Sharding.parse(shard) {
            let header = ShardHeader(flowsim: Version.full, command: "compare", scenario: baseline, scenarioHash: fingerprint,
                                     seed: seed, replications: n, arguments: resultArguments, results: 1 + opts.count,
                                     shard: k, shards: shards)
            let specs = [spec] + opts.map { o -> SystemSpec in
                var os = o.spec
                os.seed = seed
                return os
            }
            return try writeShard(header, work: specs.map { ($0, header.first..<header.end) }, options: common)
        }
        if let replay { try replay.check(fingerprint: fingerprint, seed: seed, replications: n) }
        let replayed = try replay?.resultsByScenario()
        let folder = try openOutputFolder(common.out, name: "compare-\(spec.name)")
        defer { folder.close() }
        let baseResults = replayed?[0]
            ?? runReplications(spec, replications: n, jobs: common.jobs, quiet: common.quiet, label: spec.name)
        try checkResults(baseResults)
        guard !baseResults.isEmpty else {
            printError("interrupted before any replication finished: nothing written")
            throw interruptedExitCode
        }
        let rules = try parsedMinimumDifferences()
        var comparisons: [Comparison] = []
        var optionReports: [RunReport] = [], ranOptions: [Scenario] = []
        var notRun: [String] = []
        for (i, (o, optionPath)) in zip(opts, options).enumerated() {
            var os = o.spec
            os.seed = seed
            if interruption.isCancelled {
                notRun.append(os.name)
                continue
            }
            let results = replayed?[i + 1]
                ?? runReplications(os, replications: n, jobs: common.jobs, quiet: common.quiet, label: os.name)
            try checkResults(results)
            // Verdicts rest on the pairs that finished; `planned` says how many were asked for.
            if !results.isEmpty {
                var c = Comparison(baseline: spec.name, option: os.name, baselineResults: baseResults,
                                   optionResults: results, planned: n, minimumDifferences: rules)
                c.optionDaily = Summaries.daily(results, firstDate: os.firstObservedDate)  // drawn over the baseline's in the report
                comparisons.append(c)
                ranOptions.append(o)
                optionReports.append(RunReport(scenario: os.name, replications: results.count, seed: seed,
                                               metrics: Summaries.metrics(results), daily: [],
                                               incomplete: results.count < n,
                                               provenance: provenance(of: o, path: optionPath, spec: os, replications: results.count,
                                                                          overrides: overrides.sets)))
            } else {
                notRun.append(os.name)
            }
        }
        let incomplete = baseResults.count < n || !notRun.isEmpty || comparisons.contains { $0.incomplete }
        if holm { Comparison.adjustForMultiplicity(&comparisons) }
        let card = Scorecard(comparisons, metrics: scorecardMetrics.isEmpty ? MetricCatalog.headline : scorecardMetrics)
        switch format {
        case .table:
            print(scorecardTable(card, comparisons))
            for c in comparisons { print(table(c)) }
            print(multiplicityNote(comparisons))
        case .csv: print(Writers.comparisonCSV(comparisons), terminator: "")
        case .json: print(Writers.comparisonJSON(comparisons), terminator: "")
        }
        var baseReport = RunReport(scenario: spec.name, replications: baseResults.count, seed: seed,
                                   metrics: Summaries.metrics(baseResults),
                                   daily: Summaries.daily(baseResults, firstDate: spec.firstObservedDate),
                                   incomplete: incomplete,
                                   provenance: provenance(of: base, path: baseline, spec: spec, replications: baseResults.count,
                                                         overrides: overrides.sets))
        baseReport.firstDate = spec.firstObservedDate
        var files = [("scorecard.csv", Writers.scorecardCSV(card)),
                     ("comparison.csv", Writers.comparisonCSV(comparisons)),
                     ("comparison.json", Writers.comparisonJSON(comparisons)),
                     ("summary.json", Writers.summaryJSON(baseReport)),
                     ("summary.csv", ([baseReport] + optionReports).enumerated().map { i, r in
                         let csv = Writers.metricsCSV(r.metrics, scenario: r.scenario)
                         return i == 0 ? csv : String(csv.drop { $0 != "\n" }.dropFirst())
                     }.joined())]
        // One summary per option, named after it; two options with one name get -2, -3 (the order given).
        var used: Set<String> = ["summary.json"]
        for r in optionReports {
            var name = "summary-\(safeFileName(r.scenario)).json", k = 2
            while used.contains(name) { name = "summary-\(safeFileName(r.scenario))-\(k).json"; k += 1 }
            used.insert(name)
            files.append((name, Writers.summaryJSON(r)))
        }
        if common.report {
            // What each option's scenario changes against the baseline's, as the report lists it.
            let changes = zip(ranOptions, optionReports).map { o, r -> (option: String, changes: [HTMLReport.AssumptionChange]) in
                (r.scenario, Scenario.differences(from: base, to: o).map {
                    HTMLReport.AssumptionChange(key: $0.path, baseline: $0.baseline, option: $0.option)
                })
            }
            let sources = [(scenario: spec.name, provenance: baseReport.provenance!)]
                + optionReports.compactMap { r in r.provenance.map { (scenario: r.scenario, provenance: $0) } }
            files.append(("report.html", HTMLReport.render(title: "\(spec.name) vs \(comparisons.map(\.option).joined(separator: ", "))",
                                                            run: baseReport, comparisons: comparisons, scorecard: card,
                                                            assumptions: changes, provenance: sources)))
        }
        try commit(folder, files, manifest: Manifest(command: "compare", scenario: baseline, scenarioName: spec.name,
                                                     scenarioHash: base.fingerprint, seed: seed, replications: n,
                                                     options: options, overrides: overrides.sets, incomplete: incomplete))
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

    /// The scorecard, titled with what its numbers are.
    func scorecardTable(_ card: Scorecard, _ cs: [Comparison]) -> String {
        let pairs = cs.map(\.replications).min() ?? 0
        return "Scorecard: option - \(card.baseline) (difference ±95% CI half-width, verdict), \(pairs) paired replications\n"
            + TableWriter.scorecard(card)
    }

    /// Per option: the metrics outside the scorecard with a clear difference (key and headline metrics; every
    /// metric with --all).
    func table(_ c: Comparison) -> String {
        let onCard = Set(scorecardMetrics.isEmpty ? MetricCatalog.headline : scorecardMetrics)
        func shown(_ r: ComparisonRow) -> Bool {
            if all { return true }
            guard r.verdict.isClear, !onCard.contains(r.metric) else { return false }
            return MetricCatalog.info(for: r.metric).map { $0.tier != .detail } ?? false
        }
        let rows = c.rows.filter(shown)
        let hidden = all ? 0 : c.rows.filter { $0.verdict.isClear && !onCard.contains($0.metric) && !shown($0) }.count
        let pairs = c.incomplete ? "\(c.replications) of \(c.planned) paired replications (interrupted: verdicts rest on these \(c.replications))"
            : "\(c.replications) paired replications"
        let title = "\(c.option) vs \(c.baseline): \(pairs)" + (all ? "" : "; other key metrics with a clear difference")
        guard !rows.isEmpty else {
            return title + ": none" + (hidden > 0 ? " (and \(hidden) detail metrics: --all shows every metric)\n" : "\n")
        }
        var t: [[String]] = [["metric", c.baseline, c.option, "difference (95% CI)", "unit", "verdict"]]
        for r in rows {
            let d = r.difference, unit = MetricCatalog.info(for: r.metric)?.unit
            let ci = d.lower.isNaN ? TableWriter.signed(d.mean, unit: unit)
                : "\(TableWriter.signed(d.mean, unit: unit)) (\(TableWriter.format(d.lower, unit: unit)) .. \(TableWriter.format(d.upper, unit: unit)))"
            t.append([r.metric, TableWriter.format(r.baseline.mean, unit: unit), TableWriter.format(r.option.mean, unit: unit), ci,
                      MetricCatalog.info(for: r.metric)?.unitLabel ?? "", r.verdict.rawValue])
        }
        return title + "\n" + TableWriter.render(t, rightAligned: [1, 2, 3])
            + (hidden > 0 ? "(and \(hidden) detail metrics with a clear difference: --all shows every metric)\n" : "")
    }

    /// What so many tests at 95% mean, and what `--holm` does.
    func multiplicityNote(_ cs: [Comparison]) -> String {
        let m = Comparison.testCount(cs)
        let clear = cs.reduce(0) { $0 + $1.rows.filter { $0.verdict.isClear || $0.verdict == .tooSmall }.count }
        if holm {
            return "Note: verdicts are Holm-adjusted over \(m) tests (every metric and option): the chance of any false "
                + "clear difference among them is at most 5%. \(clear) clear differences; the CIs shown are unadjusted 95% intervals."
        }
        let expected = "\(Int((0.05 * Double(m)).rounded()))"
        return "Note: \(m) differences were tested at 95% (every metric and option). If the options changed nothing, about "
            + "\(expected) would still look clear by chance; \(clear) did. Read single surprising verdicts with care, or use --holm "
            + "(family-wise 5%)."
    }
}

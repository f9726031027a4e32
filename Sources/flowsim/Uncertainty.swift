import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario
import Stochastics

/// `flowsim uncertainty BASELINE [OPTION...]`: the options under parameter uncertainty (issue 14, decision 181).
struct UncertaintyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uncertainty",
        abstract: "Run the scenarios over samples of their uncertain values: spread, probability best, what drives it.",
        discussion: """
        Values written with their uncertainty ({uncertain: {triangular: [1.5d, 2d, 3d]}}, docs/uncertainty.md)
        are sampled by a Latin hypercube of --samples points (seeded, the same whatever --jobs is). Every
        scenario runs every sample with the same values and the same random streams (common random numbers),
        --replications each. Per metric and scenario: the spread of the sample means across samples (p5, p50,
        p95) apart from the replication error inside a sample; per option: the expected difference from the
        baseline with its 95% CI and the share of samples in which it is better; per metric the probability
        each scenario is best, per --target the probability each meets it; and a tornado: the partial rank
        correlation of each uncertain value with the difference (or, without options, the baseline's value).
        Writes samples.csv, sample-means.csv, spread.csv, differences.csv, probability-best.csv, targets.csv,
        tornado.csv, uncertainty.json, and report.html with --report. --set KEY=VALUE applies to the baseline
        and to every option (a plain value over an uncertain one fixes it). --shard K/N runs a block of whole
        samples (every scenario and replication of each) for `flowsim merge`.

        Examples:
          flowsim uncertainty scenarios/mk-uncertain.yaml --samples 50 -r 10
          flowsim uncertainty scenarios/mk-uncertain.yaml scenarios/option-discharge-to-assess.yaml \\
              --samples 50 -r 10 --target 'nctr_percent <= 10' --report
          flowsim uncertainty scenarios/mk-baseline.yaml --samples 50 -r 10 --shard 3/8 --out shards/mk-u
        """
    )

    @Argument(help: "The baseline scenario (its uncertain values, and the options', are sampled).")
    var baseline: String

    @Argument(help: "Option scenarios (each runs every sample).")
    var options: [String] = []

    @OptionGroup var common: RunOptions

    @Option(help: "Samples of the uncertain values (Latin hypercube).")
    var samples: Int = 50

    @Option(name: .customLong("metric"), help: "A metric to analyse (repeatable; default: the headline metrics).")
    var metrics: [String] = []

    @Option(name: .customLong("target"), help: "A target such as 'nctr_percent <= 10': the probability each scenario meets it (repeatable).")
    var targets: [String] = []

    @OptionGroup var overrides: OverrideOptions

    @Option(help: ArgumentHelp("Run only shard K of N (0 <= K < N): a block of whole samples (each with every scenario and replication, common random numbers kept), written to --out DIR as one shard file for `flowsim merge DIR`.",
                               valueName: "K/N"))
    var shard: String?

    func validate() throws {
        try validateShard(shard, out: common.out)
        if samples < 2 { throw ValidationError("--samples must be at least 2 (got \(samples)).") }
        if samples > 100_000 { throw ValidationError("--samples must be at most 100000 (got \(samples)).") }
        for t in targets where Target(parsing: t) == nil {
            throw ValidationError("--target '\(t)': expected METRIC <= X or METRIC >= X, e.g. 'nctr_percent <= 10'.")
        }
    }

    func run() throws { try execute() }

    /// The arguments that change what `uncertainty` writes, as given (no `--out`, `--jobs`, `--quiet`,
    /// `--shard`), for a shard file and `flowsim merge`.
    var resultArguments: [String] {
        var a = [baseline] + options + common.resultArguments + ["--samples", "\(samples)"]
        a += overrides.sets.flatMap { ["--set", $0] }
        a += metrics.flatMap { ["--metric", $0] }
        return a + targets.flatMap { ["--target", $0] }
    }

    /// Runs the analysis; with `replay` (`flowsim merge`) every sample's replications come from shard files.
    func execute(replay: ShardReplay? = nil) throws {
        let paths = [baseline] + options
        let sets = try overrides.overrides()
        let loaded = try paths.map { try loadScenario($0, overrides: sets, allowing: common.files.allowDirs) }
        let seed = common.seed ?? loaded[0].spec.seed
        let n = common.replications ?? loaded[0].replications
        // The dimensions: every scenario's uncertain values, by name; one name must have one law everywhere.
        var dimensions: [UncertainDimension] = []
        for (s, path) in zip(loaded, paths) {
            for d in s.uncertain.dimensions {
                if let e = dimensions.first(where: { $0.name == d.name }) {
                    if e.law != d.law || e.suffix != d.suffix {
                        printError("error: \(path): \(d.name) is \(d.lawDescription) here but \(e.lawDescription) in \(baseline): one value, one law")
                        throw ExitCode(2)
                    }
                } else {
                    dimensions.append(d)
                }
            }
        }
        guard !dimensions.isEmpty else {
            printError("error: \(baseline): no uncertain values to sample; write a value as {uncertain: {triangular: [low, mode, high]}} "
                       + "(docs/uncertainty.md)")
            throw ExitCode(2)
        }
        let probe = metricIDs(of: loaded[0].spec)
        let chosen = metrics.isEmpty ? Headline.ids.filter(probe.contains) : metrics
        for m in chosen { try requireMetric(m, in: probe, option: "--metric") }
        let goals = targets.compactMap(Target.init(parsing:))
        for g in goals { try requireMetric(g.metric, in: probe, option: "--target") }
        let analysed = chosen + goals.map(\.metric).filter { !chosen.contains($0) }

        let design = LatinHypercube.design(samples: samples, dimensions: dimensions.map(\.name), seed: seed)
        let points = design.map { u in zip(dimensions, u).map { $0.value(atQuantile: $1) } }
        // Each sample's specs, checked before anything runs: a sampled value the model refuses is bad input.
        var specs: [[SystemSpec]] = []
        for (s, point) in points.enumerated() {
            let values = Dictionary(uniqueKeysWithValues: zip(dimensions.map(\.name), point))
            var row: [SystemSpec] = []
            for (scenario, path) in zip(loaded, paths) {
                do {
                    var spec = try scenario.sampled(at: values).spec
                    // Common random numbers: every scenario of sample s runs the same streams.
                    spec.seed = StreamKey(seed: seed, replication: s, name: "uncertainty/sample").digest
                    row.append(spec)
                } catch {
                    printError("error: \(path), sample \(s) (" + zip(dimensions, point).map { "\($0.name) = \(UncertainValues.format($1))" }
                        .joined(separator: ", ") + "):")
                    for e in error.errors { printError("  " + e.description) }
                    throw ExitCode(2)
                }
            }
            specs.append(row)
        }
        // Point s * scenarios + j is sample s of scenario j; a shard runs whole samples (decision 196).
        let fingerprint = loaded.map(\.fingerprint).joined(separator: " ")
        if let shard, let (k, shards) = Sharding.parse(shard) {
            let header = ShardHeader(flowsim: Version.full, command: "uncertainty", scenario: baseline, scenarioHash: fingerprint,
                                     seed: seed, replications: n, arguments: resultArguments, points: samples * loaded.count,
                                     group: loaded.count * n, shard: k, shards: shards)
            let work = specs.joined().enumerated().map { p, s in (spec: s, replications: header.replications(ofPoint: p)) }
            return try writeShard(header, work: work, options: common, metricsOnly: true)
        }
        if let replay { try replay.check(fingerprint: fingerprint, seed: seed, replications: n) }
        let replayed = try replay?.resultsByScenario()
        let folder = try openOutputFolder(common.out, name: "uncertainty-\(loaded[0].spec.name)")
        defer { folder.close() }
        var analysis = UncertaintyAnalysis(scenarios: loaded.map(\.spec.name), dimensions: dimensions.map(\.name),
                                           points: points, metrics: analysed, replications: n)
        var finished = 0
        let outcomes = loaded.map { _ in StreamOutcome() }
        sampling: for s in 0..<samples {
            for j in loaded.indices {
                if interruption.isCancelled { break sampling }
                let results = replayed?[s * loaded.count + j]
                    ?? runReplications(specs[s][j], replications: n, jobs: common.jobs, quiet: common.quiet,
                                       label: "sample \(s + 1)/\(samples) \(loaded[j].spec.name)")
                guard results.count == n else { break sampling }
                // Warnings are gathered per scenario over every sample and printed once at the end.
                for r in results { outcomes[j].add(r) }
                if !outcomes[j].stopped.isEmpty || !outcomes[j].broken.isEmpty { break sampling }
                analysis.record(sample: s, scenario: j, results: results)
            }
            finished = s + 1
        }
        for (j, o) in outcomes.enumerated() where !o.warnings.isEmpty || !o.stopped.isEmpty || !o.broken.isEmpty {
            printError("\(loaded[j].spec.name), over every sample:")
            try checkOutcome(o)
        }
        guard finished > 1 else {
            printError("interrupted before two samples finished: nothing written")
            throw interruptedExitCode
        }
        if finished < samples {
            analysis.points = Array(analysis.points.prefix(finished))
            analysis.means = Array(analysis.means.prefix(finished))
            analysis.standardErrors = Array(analysis.standardErrors.prefix(finished))
            analysis.unstable = Array(analysis.unstable.prefix(finished))
        }
        let report = UncertaintyReport(analysis: analysis, targets: goals, laws: dimensions.map { ($0.name, $0.lawDescription) },
                                       planned: samples)
        print(report.text(), terminator: "")
        var files = report.files()
        if common.report {
            files.append(("report.html", HTMLReport.render(title: "uncertainty: \(loaded.map(\.spec.name).joined(separator: ", "))",
                                                            run: nil, uncertainty: report)))
        }
        try commit(folder, files, manifest: Manifest(command: "uncertainty", scenario: baseline, scenarioName: loaded[0].spec.name,
                                                     scenarioHash: loaded[0].fingerprint, seed: seed, replications: n,
                                                     options: options, overrides: overrides.sets, incomplete: finished < samples))
        if !common.quiet || finished < samples {
            printError("wrote \(folder.path)/" + (finished < samples ? " (incomplete: \(finished) of \(samples) samples)" : ""))
        }
        if finished < samples { throw interruptedExitCode }
    }
}

import ArgumentParser
import PatientFlow
import Reporting
import Scenario

/// `flowsim replications SCENARIO --metric M --precision 5%`: how many replications a precision needs.
struct Replications: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find how many replications give every metric's 95% CI within a precision.",
        discussion: """
        The replications algorithm of Hoad, Robinson & Davies (2010): after an initial 3 replications, the 95% t-interval \
        of each metric's mean is checked after every replication; at the first n where every metric's half-width is \
        within the precision, the next 5 replications are run too (the look-ahead; 5% of n beyond n = 100) and n is \
        the answer if the precision holds for all of them, else the search goes on. --precision 5% is relative (the \
        half-width at most 5% of the mean); --precision 0.5 is absolute, in each metric's units. Replications run in \
        batches across --jobs and are read in replication order, so the answer does not depend on --jobs.

        Prints the curve (n; per metric mean, half-width, relative half-width) and the answer; writes \
        replications.csv (n, metric, mean, lower, upper, half_width, relative_half_width), answer.json and, with \
        --report, report.html. Exit code 1 if --max-replications is reached first (-r is refused: the command \
        chooses the number). See docs/uncertainty.md.

        Examples:
          flowsim replications scenarios/mk-baseline.yaml --metric nctr_percent --metric ed_4h_percent --precision 5%
          flowsim replications scenarios/examples/erlang-loss.yaml --metric vw_full_percent.ward --precision 2% --report
          flowsim replications scenarios/mk-baseline.yaml --metric acute_occupancy_percent --precision 0.5 \\
              --max-replications 50 --jobs 2
        """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("metric"), help: "A metric whose CI must be precise (repeatable; ids as `run --format csv` lists them).")
    var metrics: [String] = []

    @Option(help: ArgumentHelp("The precision: N% of the mean (relative, e.g. 5%) or a plain number (absolute, in the metric's units).",
                               valueName: "precision"))
    var precision: String

    @Option(name: .customLong("max-replications"), parsing: .unconditional, help: "Stop without an answer after this many (exit 1).")
    var maxReplications: Int = 1000

    @Option(name: .customLong("initial"), parsing: .unconditional, help: "Replications before the first check (at least 3).")
    var initial: Int = 3

    @Option(name: .customLong("look-ahead"), parsing: .unconditional,
            help: "Replications the precision must keep holding for after it is first reached (kLimit).")
    var lookAhead: Int = 5

    @OptionGroup var common: RunOptions

    @OptionGroup var overrides: OverrideOptions

    func validate() throws {
        if common.replications != nil {
            throw ValidationError("--replications: replications chooses the number itself; use --max-replications to limit it.")
        }
        if metrics.isEmpty { throw ValidationError("--metric is required: name at least one metric, e.g. --metric nctr_percent.") }
        guard Precision(parsing: precision) != nil else {
            throw ValidationError("--precision must be a percentage of the mean above 0 and below 100 (e.g. 5%) or a number above 0 "
                                  + "in the metric's units (e.g. 0.5) (got '\(precision)').")
        }
        if initial < 3 { throw ValidationError("--initial must be at least 3 (got \(initial)).") }
        if lookAhead < 0 { throw ValidationError("--look-ahead must be 0 or more (got \(lookAhead)).") }
        if maxReplications < initial || maxReplications > 100_000 {
            throw ValidationError("--max-replications must be from --initial (\(initial)) to 100000 (got \(maxReplications)).")
        }
    }

    func run() throws {
        guard let target = Precision(parsing: precision) else { throw ExitCode(2) }  // checked in validate()
        let loaded = try loadScenario(scenario, overrides: try overrides.overrides(), allowing: common.files.allowDirs)
        var spec = loaded.spec
        if let seed = common.seed { spec.seed = seed }
        let ids = metricIDs(of: spec)
        var chosen: [String] = []
        for m in metrics where !chosen.contains(m) {
            try requireMetric(m, in: ids, option: "--metric")
            chosen.append(m)
        }
        let folder = try openOutputFolder(common.out, name: "replications-\(spec.name)")
        defer { folder.close() }
        let algorithm = ReplicationsAlgorithm(precision: target, initial: initial, lookAhead: lookAhead)
        let summaries = StreamingSummaries()
        let outcome = StreamOutcome()
        let (values, state) = algorithm.search(metrics: chosen.count, maxReplications: maxReplications,
                                               batch: common.jobs ?? Cores.count) { start, end in
            guard !interruption.isCancelled else { return chosen.map { _ in [] } }
            _ = streamReplications(spec, from: start, replications: end, jobs: common.jobs, quiet: common.quiet,
                                   label: "\(spec.name): replications \(start + 1)-\(end)", into: summaries, outcome: outcome)
            let all = Dictionary(summaries.metricValues.map { ($0.id, $0.values) }, uniquingKeysWith: { a, _ in a })
            return chosen.map { Array((all[$0] ?? []).dropFirst(start)) }
        }
        if outcome.consumed == 0 {
            printError("interrupted before any replication finished: nothing written")
            throw interruptedExitCode
        }
        var answer: Int?
        var read = outcome.consumed
        if case .converged(let n, let through) = state { answer = n; read = through }
        let interrupted = answer == nil && interruption.isCancelled && outcome.consumed < maxReplications
        let shown = values.map { ReplicationsAlgorithm.curve(Array($0.prefix(read))) }
        let perMetric = shown.map { c -> Int? in
            if case .converged(let n, _) = algorithm.evaluate(algorithm.within(c)) { return n }
            return nil
        }
        let study = ReplicationsStudy(scenario: spec.name, metrics: chosen, curves: shown, algorithm: algorithm, answer: answer,
                                      perMetric: perMetric, maxReplications: maxReplications, seed: spec.seed)
        print("\(spec.name): the 95% CI after n replications (seed \(spec.seed), precision \(target)):")
        print(curveTable(study), terminator: "")
        print(sentence(study, interrupted: interrupted))
        var files = [("replications.csv", Writers.replicationsCurveCSV(study)), ("answer.json", Writers.replicationsAnswerJSON(study))]
        if common.report {
            files.append(("report.html", HTMLReport.render(title: "replications for \(spec.name)", replications: study)))
        }
        try commit(folder, files, manifest: Manifest(command: "replications", scenario: scenario, scenarioName: spec.name,
                                                     scenarioHash: loaded.fingerprint, seed: spec.seed, replications: read,
                                                     parameters: chosen, target: "precision \(target)",
                                                     overrides: overrides.sets, incomplete: interrupted))
        if !common.quiet || interrupted { printError("wrote \(folder.path)/" + (interrupted ? " (incomplete: interrupted)" : "")) }
        try checkOutcome(outcome)
        if interrupted { throw interruptedExitCode }
        if answer == nil { throw ExitCode(1) }
    }

    /// n, then per metric the mean, the half-width and the half-width as a percentage of the mean.
    func curveTable(_ study: ReplicationsStudy) -> String {
        var rows: [[String]] = [["n"] + study.metrics.flatMap { ["\($0) mean", "± half-width", "% of mean"] }]
        for n in study.algorithm.initial...max(study.algorithm.initial, study.replicationsRead) {
            guard n <= study.replicationsRead else { break }
            rows.append(["\(n)"] + study.metrics.indices.flatMap { m -> [String] in
                guard let p = study.point(m, at: n) else { return ["-", "-", "-"] }
                return [TableWriter.format(p.mean), TableWriter.format(p.halfWidth), TableWriter.format(100 * p.relativeHalfWidth) + "%"]
            } + (n == study.answer ? ["<- answer"] : [""]))
        }
        rows[0].append("")
        return TableWriter.render(rows, rightAligned: Set(0..<(rows[0].count - 1)))
    }

    /// "12 replications give nctr_percent within 5% (half-width 0.43 of 11.5) and ..."
    func sentence(_ study: ReplicationsStudy, interrupted: Bool) -> String {
        let precision = study.algorithm.precision
        guard let n = study.answer else {
            let why = interrupted ? "interrupted after \(study.replicationsRead) replications"
                : "--max-replications \(study.maxReplications) reached"
            let now = study.metrics.indices.compactMap { m -> String? in
                study.point(m, at: study.replicationsRead).map {
                    "\(study.metrics[m]) \(TableWriter.format(100 * $0.relativeHalfWidth))% (half-width \(TableWriter.format($0.halfWidth)))"
                }
            }
            return "no answer: \(why) before every metric was within \(precision) for \(study.algorithm.lookAhead) more "
                + "replications; at \(study.replicationsRead): " + now.joined(separator: ", ")
        }
        let parts = study.metrics.indices.compactMap { m -> String? in
            study.point(m, at: n).map {
                "\(study.metrics[m]) within \(precision) (half-width \(TableWriter.format($0.halfWidth)) of \(TableWriter.format($0.mean)))"
            }
        }
        let alone = study.metrics.indices.map { m in "\(study.metrics[m]) \(study.perMetric[m].map(String.init) ?? "-")" }
        return "answer: \(n) replications give " + parts.joined(separator: " and ")
            + "; it held for the next \(study.algorithm.kLimit(n)) (look-ahead)"
            + (study.metrics.count > 1 ? ". Each alone: " + alone.joined(separator: ", ") : "")
    }
}

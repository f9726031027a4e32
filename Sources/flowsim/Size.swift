import ArgumentParser
import PatientFlow
import Reporting
import Scenario

/// `flowsim size SCENARIO --param KEY --range A...B --target 'METRIC <= X'`, or with two or three
/// `--param KEY=A...B` and several targets the cheapest combination meeting them all (Size+Combination.swift).
struct Size: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the smallest value of a parameter, or the cheapest combination of two or three, meeting targets with 95% confidence.",
        discussion: """
        The target is met at a value when the whole 95% CI of the metric is on the right side of X. The search
        assumes the metric moves one way with the parameter: it checks the low end, then the high end, then
        bisects, so it runs a handful of values, not all of them; every point uses the same seed (common random
        numbers). Prints the answer and the evidence (every value it ran); writes size.csv, answer.json (the
        answer, or null), and report.html with --report. Exit code 1 if no value in the range meets the target.

        With two or three --param KEY=A...B[:STEP] and one or more --target (all must hold), it finds the
        cheapest combination: for each combination of the other parameters, the smallest feasible value of the
        last by bisection, skipping points that more capacity (monotonicity) already decides; then the cheapest
        of that frontier by --cost-weights (default: 1 per unit of each parameter, i.e. the fewest places), or,
        with --cost METRIC, the frontier's smallest mean by Kim & Nelson's (2001) fully sequential selection
        within --indifference. It prints the points run against the grid's size. docs/uncertainty.md explains.
        With --shard K/N --out DIR it runs shard K of the search's next round (the README's "Running on Slurm").

        Examples:
          flowsim size scenarios/mk-baseline.yaml --param units.frailty_hub.places --range 10...80 \\
              --target 'vw_full_percent.frailty_hub <= 5'
          flowsim size scenarios/mk-baseline.yaml --param units.acute.beds.base --range 500...650:5 \\
              --target 'handovers_over_30min_percent <= 10' -r 20
          flowsim size scenarios/examples/erlang-two-loss.yaml --param units.a.places=5...30 \\
              --param units.b.places=3...20 --target 'vw_full_percent.a <= 5' --target 'vw_full_percent.b <= 5' \\
              --cost-weights units.a.places=1,units.b.places=0.5
          flowsim size scenarios/mk-baseline.yaml --param units.frailty_hub.places=20...60:10 \\
              --param units.acute.beds.base=520...580:10 --target 'vw_full_percent.frailty_hub <= 5' \\
              --target 'handovers_over_30min_percent <= 10' --cost cost_total --indifference 50000
        """
    )

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(name: .customLong("param"), help: ArgumentHelp("""
        The parameter, a dotted path into the scenario file, with --range; or, two or three times, \
        KEY=A...B[:STEP] (or KEY=V1,V2,...) for the cheapest combination.
        """, valueName: "key"))
    var params: [String] = []

    @Option(help: "The values to search with one --param KEY: A...B or A...B:STEP (STEP defaults to 1).")
    var range: String?

    @Option(name: .customLong("target"), help: ArgumentHelp("""
        The target: 'METRIC <= X' or 'METRIC >= X' (repeatable with several --param: all must hold).
        """, valueName: "target"))
    var targets: [String] = []

    @Option(help: ArgumentHelp("""
        With several --param: the cost to minimise is this metric's mean (e.g. cost_total), chosen by Kim & \
        Nelson's selection among the frontier (needs --indifference).
        """, valueName: "metric"))
    var cost: String?

    @Option(name: .customLong("cost-weights"), help: ArgumentHelp("""
        With several --param: the cost is the sum of weight x value, KEY=W,KEY=W (W >= 0; a parameter not \
        named costs 0). Default: 1 for every parameter (the fewest places in all).
        """, valueName: "key=w,..."))
    var costWeights: String?

    @Option(help: "With --cost: the indifference zone, in the cost's units: a difference in mean cost this small does not matter.")
    var indifference: Double?

    @Option(name: .customLong("max-replications"), parsing: .unconditional,
            help: "With --cost: the most replications per candidate in the selection (default: 100).")
    var maxReplications: Int?

    @OptionGroup var common: RunOptions

    @Flag(help: """
        Finish an interrupted search (needs --out): reuse the values already in the folder's size.csv (the target \
        may differ). Refused (exit 2) if the folder's search ran with another scenario, seed, replications or \
        parameter.
        """)
    var resume = false

    @Option(help: ArgumentHelp("""
        With several --param: run only shard K of N (0 <= K < N) of the search's next round, given the rounds \
        `flowsim merge` has recorded in --out DIR (decision 197); merge DIR writes the answer or says another \
        round is needed (exit 4).
        """, valueName: "K/N"))
    var shard: String?

    /// The one parameter of the one-parameter search (`--param KEY --range R`, or `--param KEY=R`).
    var param: String { params.first.map { $0.split(separator: "=", maxSplits: 1).first.map(String.init) ?? $0 } ?? "" }
    var rangeText: String {
        range ?? params.first.flatMap { p in p.firstIndex(of: "=").map { String(p[p.index(after: $0)...]) } } ?? ""
    }
    var target: String { targets.first ?? "" }
    /// Two or three parameters, or a cost or several targets: the cheapest-combination search.
    var isCombination: Bool { params.count > 1 }

    func validate() throws {
        try validateShard(shard, out: common.out)
        if shard != nil && params.count < 2 {
            throw ValidationError("--shard works with two or three --param KEY=A...B (a search in rounds); for one parameter, "
                                  + "`flowsim sweep --shard` runs its range, or run size on one machine.")
        }
        if resume && common.out == nil { throw ValidationError("--resume needs --out: the folder of the search to finish.") }
        guard (1...3).contains(params.count) else {
            throw ValidationError("Give --param KEY --range A...B for one parameter, or two or three --param KEY=A...B[:STEP].")
        }
        guard !targets.isEmpty else { throw ValidationError("Give a --target 'METRIC <= X' or 'METRIC >= X'.") }
        for t in targets where Target(parsing: t) == nil {
            throw ValidationError("--target must read 'METRIC <= X' or 'METRIC >= X', e.g. 'vw_full_percent.frailty_hub <= 5' (got '\(t)').")
        }
        if isCombination { return try validateCombination() }
        if targets.count > 1 || cost != nil || costWeights != nil || indifference != nil || maxReplications != nil {
            throw ValidationError("Several --target, --cost, --cost-weights, --indifference and --max-replications are for two or "
                                  + "three --param KEY=A...B; one parameter takes one --target.")
        }
        if let problem = keyProblem(param) { throw ValidationError("--param: \(problem).") }
        if range != nil && params[0].contains("=") {
            throw ValidationError("--param \(params[0]): give the values once, as --param KEY --range A...B or --param KEY=A...B.")
        }
        guard rangeText.contains("...") else { throw ValidationError("--range must be A...B or A...B:STEP (got '\(rangeText)').") }
        _ = try ParameterValues.parseValues(rangeText, for: "--range")
    }

    func run() throws { try execute() }

    /// Runs the search; with `replay` (`flowsim merge` of a sharded search's round) its replications come from
    /// the recorded rounds (Size+Shard.swift).
    func execute(replay: ShardReplay? = nil) throws {
        if isCombination { return try runCombination(replay: replay) }
        guard let goal = Target(parsing: target) else { throw ExitCode(2) }  // checked in validate()
        let values = try ParameterValues.parseValues(rangeText, for: "--range")
        guard let low = values.first, let high = values.last else { throw ExitCode(2) }
        let base = try loadScenario(scenario, allowing: common.files.allowDirs)
        let n = common.replications ?? base.replications
        let seed = common.seed ?? base.spec.seed
        func spec(at value: Double) throws -> SystemSpec {
            var s = try loadScenario(scenario, overrides: [Override(key: param, value: formatValue(value), flag: "--param \(param) at \(formatValue(value))")], allowing: common.files.allowDirs).spec
            s.seed = seed
            return s
        }
        // The parameter (at both ends of the range) and the target's metric are checked before anything runs.
        let lowSpec = try spec(at: low)
        _ = try spec(at: high)
        try requireMetric(goal.metric, in: metricIDs(of: lowSpec), option: "--target")
        let folder = try openOutputFolder(common.out, name: "size-\(base.spec.name)")
        defer { folder.close() }
        let manifest = Manifest(command: "size", scenario: scenario, scenarioName: base.spec.name, scenarioHash: base.fingerprint,
                                seed: seed, replications: n, parameters: [param], target: goal.description, incomplete: true)
        var evaluated: [Int: SweepPoint] = [:]
        // Values run before that are not in this range: kept in size.csv, never dropped.
        var others: [SweepPoint] = []
        if resume {
            for p in try resumedPoints(folder, file: "size.csv", manifest: manifest, command: resumeCommand) {
                if let i = values.firstIndex(of: p.values[0]) { evaluated[i] = p } else { others.append(p) }
            }
            if !common.quiet { printError("resuming: \(evaluated.count + others.count) values already in \(folder.path)/size.csv") }
        }
        func points() -> [SweepPoint] {
            (evaluated.keys.sorted().compactMap { evaluated[$0] } + others).sorted { $0.values[0] < $1.values[0] }
        }
        func save(complete: Bool, shown: [String] = [], report: Bool = false, answer: SizeAnswer? = nil) throws {
            var sweep = Sweep(scenario: base.spec.name, parameters: [param], points: points(), shown: shown,
                              target: report ? goal : nil)
            sweep.answer = answer
            var files = [("size.csv", Writers.sweepCSV(sweep))]
            if complete {
                var smallest: Double? = nil
                if case .smallest(let v)? = answer { smallest = v }
                files.append(("answer.json", Writers.sizeAnswerJSON(parameter: param, target: goal, answer: smallest, range: low...high,
                                                                    evaluated: points().map { $0.values[0] }, replications: n, seed: seed)))
            }
            if report { files.append(("report.html", HTMLReport.render(title: "size \(param) for \(goal)", run: nil, sweep: sweep))) }
            var m = manifest
            m.incomplete = !complete
            try commit(folder, files, manifest: m)
        }

        func evaluate(_ i: Int) throws -> Bool {
            // A value run before (whatever its target was) is reused when it has the metric.
            if let p = evaluated[i], let m = p.metric(goal.metric) { return goal.isMet(by: m) }
            let results = runReplications(try spec(at: values[i]), replications: n, jobs: common.jobs, quiet: common.quiet,
                                          label: "\(param)=\(formatValue(values[i]))")
            try checkResults(results)
            if results.count < n {
                try save(complete: false)
                printError("interrupted: no answer; the \(points().count) values that finished are in \(folder.path)/size.csv")
                throw interruptedExitCode
            }
            let point = SweepPoint(values: [values[i]], metrics: Summaries.metrics(results))
            guard let m = point.metric(goal.metric) else {
                try requireMetric(goal.metric, in: point.metrics.map(\.id), option: "--target")
                throw ExitCode(2)
            }
            evaluated[i] = point
            try save(complete: false)  // after every value, so an interrupted search keeps what finished
            let met = goal.isMet(by: m)
            if !common.quiet {
                printError("\(param) = \(formatValue(values[i])): \(goal.metric) \(TableWriter.format(m.mean)) "
                           + "(95% CI \(TableWriter.format(m.lower)) .. \(TableWriter.format(m.upper))): \(met ? "meets" : "does not meet") \(goal)")
            }
            return met
        }

        // Smallest value meeting the target, assuming the metric moves one way with the parameter.
        var answer: Int?
        if try evaluate(0) {
            answer = 0
        } else if try evaluate(values.count - 1) {
            var lo = 0, hi = values.count - 1  // lo fails, hi meets
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if try evaluate(mid) { hi = mid } else { lo = mid }
            }
            answer = hi
        }

        let shown = points()
        let sweep = Sweep(scenario: base.spec.name, parameters: [param], points: shown, shown: [goal.metric], target: goal)
        print("evidence (\(evaluated.count) of \(values.count) values run, \(n) replications each, seed \(seed)):")
        print(sweepTable(sweep), terminator: "")
        try save(complete: true, shown: [goal.metric], report: common.report,
                 answer: answer.map { .smallest(values[$0]) } ?? .none(low: values[0], high: values[values.count - 1]))
        guard let a = answer else {
            print("no value of \(param) in \(formatValue(low))...\(formatValue(high)) meets \(goal) with 95% confidence")
            throw ExitCode(1)
        }
        print("answer: \(param) = \(formatValue(values[a])) is the smallest value that meets \(goal) with 95% confidence")
    }

    /// The command that would finish the search in a folder with these settings.
    func resumeCommand(_ m: Manifest) -> String {
        "flowsim size \(shellQuote(m.scenario)) --param \(shellQuote(m.parameters.first ?? param)) --range \(shellQuote(rangeText)) "
            + "--target \(shellQuote(target)) -r \(m.replications) --seed \(m.seed) --out \(shellQuote(common.out ?? "DIR")) --resume"
    }
}

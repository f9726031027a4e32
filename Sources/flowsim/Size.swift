import ArgumentParser
import PatientFlow
import Reporting
import Scenario

/// `flowsim size SCENARIO --param KEY --range A...B --target 'METRIC <= X'`.
struct Size: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the smallest value of a parameter whose metric meets a target with 95% confidence.",
        discussion: """
        The target is met at a value when the whole 95% CI of the metric is on the right side of X. The search
        assumes the metric moves one way with the parameter: it checks the low end, then the high end, then
        bisects, so it runs a handful of values, not all of them; every point uses the same seed (common random
        numbers). Prints the answer and the evidence (every value it ran); writes size.csv, and report.html with
        --report. Exit code 1 if no value in the range meets the target.

        Examples:
          flowsim size scenarios/mk-baseline.yaml --param units.frailty_hub.places --range 10...80 \\
              --target 'vw_full_percent.frailty_hub <= 5'
          flowsim size scenarios/mk-baseline.yaml --param units.acute.beds.base --range 500...650:5 \\
              --target 'handovers_over_30min_percent <= 10' -r 20
        """
    )

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(help: "The parameter: a dotted path into the scenario file.")
    var param: String

    @Option(help: "The values to search: A...B or A...B:STEP (STEP defaults to 1).")
    var range: String

    @Option(help: "The target: 'METRIC <= X' or 'METRIC >= X'.")
    var target: String

    @OptionGroup var common: RunOptions

    @Flag(help: "Reuse the values already in the output folder's size.csv (needs --out): finish an interrupted search.")
    var resume = false

    func validate() throws {
        if resume && common.out == nil { throw ValidationError("--resume needs --out: the folder of the search to finish.") }
        guard Target(parsing: target) != nil else {
            throw ValidationError("--target must read 'METRIC <= X' or 'METRIC >= X', e.g. 'vw_full_percent.frailty_hub <= 5' (got '\(target)').")
        }
        guard range.contains("...") else { throw ValidationError("--range must be A...B or A...B:STEP (got '\(range)').") }
        _ = try ParameterValues.parseValues(range, for: "--range")
    }

    func run() throws {
        let goal = Target(parsing: target)!
        let values = try ParameterValues.parseValues(range, for: "--range")
        let base = try loadScenario(scenario)
        let n = common.replications ?? base.replications
        var evaluated: [Int: SweepPoint] = [:]
        let folder = try outputFolder(common.out, name: "size-\(base.spec.name)")
        if resume {
            for p in try finishedPoints("\(folder)/size.csv", parameters: [param]) {
                if let i = values.firstIndex(of: p.values[0]) { evaluated[i] = p }
            }
            if !common.quiet { printError("resuming: \(evaluated.count) values already in \(folder)/size.csv") }
        }
        func save() throws {
            let points = evaluated.keys.sorted().map { evaluated[$0]! }
            try writeFiles([("size.csv", Writers.sweepCSV(Sweep(scenario: base.spec.name, parameters: [param],
                                                                 points: points, shown: [])))], to: folder)
        }

        func evaluate(_ i: Int) throws -> Bool {
            if let p = evaluated[i] { return goal.isMet(by: p.metric(goal.metric)!) }
            var spec = try loadScenario(scenario, overrides: [(param, formatValue(values[i]))]).spec
            spec.seed = common.seed ?? base.spec.seed
            let results = runReplications(spec, replications: n, jobs: common.jobs, quiet: common.quiet,
                                          label: "\(param)=\(formatValue(values[i]))")
            try checkResults(results)
            if results.count < n {
                printError("interrupted: no answer; the values that finished are above")
                throw interruptedExitCode
            }
            let point = SweepPoint(values: [values[i]], metrics: Summaries.metrics(results))
            guard let m = point.metric(goal.metric) else {
                printError("error: --target \(goal.metric): no such metric in this scenario's results")
                throw ExitCode(2)
            }
            evaluated[i] = point
            try save()  // after every value, so an interrupted search keeps what finished
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

        let points = evaluated.keys.sorted().map { evaluated[$0]! }
        let sweep = Sweep(scenario: base.spec.name, parameters: [param], points: points, shown: [goal.metric], target: goal)
        print("evidence (\(points.count) of \(values.count) values run, \(n) replications each, seed \(common.seed ?? base.spec.seed)):")
        print(sweepTable(sweep), terminator: "")
        var files = [("size.csv", Writers.sweepCSV(sweep))]
        if common.report { files.append(("report.html", HTMLReport.render(title: "size \(param) for \(goal)", run: nil, sweep: sweep))) }
        try writeFiles(files, to: folder)
        guard let a = answer else {
            print("no value of \(param) in \(formatValue(values.first!))...\(formatValue(values.last!)) meets \(goal) with 95% confidence")
            throw ExitCode(1)
        }
        print("answer: \(param) = \(formatValue(values[a])) is the smallest value that meets \(goal) with 95% confidence")
    }
}

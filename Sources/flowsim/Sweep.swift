import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario

/// A parameter and its values: `KEY=40,60,80` or `KEY=20...120:10`.
struct ParameterValues {
    var key: String
    var values: [Double]

    /// Parses `KEY=VALUES`; nil with a reason on bad input.
    static func parse(_ text: String) throws -> ParameterValues {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw ValidationError("--set needs KEY=VALUES, e.g. units.frailty_hub.places=20,30,40 or units.frailty_hub.places=20...60:10 (got '\(text)').")
        }
        return ParameterValues(key: parts[0], values: try parseValues(parts[1], for: parts[0]))
    }

    static func parseValues(_ text: String, for key: String) throws -> [Double] {
        if text.contains("...") {
            let r = text.components(separatedBy: "...")
            let hi = r.count == 2 ? r[1].split(separator: ":").map(String.init) : []
            guard r.count == 2, let a = Double(r[0]), let b = Double(hi.first ?? ""), a.isFinite, b.isFinite, a <= b,
                  let step = hi.count == 2 ? Double(hi[1]) : 1, step > 0, step.isFinite, (b - a) / step <= 10_000 else {
                throw ValidationError("\(key): a range is A...B or A...B:STEP with A <= B and STEP > 0 (got '\(text)').")
            }
            return stride(from: a, through: b + step * 1e-9, by: step).map { $0 }
        }
        let vs = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !vs.isEmpty, vs.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw ValidationError("\(key): values are numbers separated by commas, or a range A...B:STEP (got '\(text)').")
        }
        return vs.map { $0! }
    }
}

func formatValue(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }

/// `flowsim sweep SCENARIO --set KEY=VALUES [--set KEY2=VALUES]`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over one or two parameters and tabulate chosen metrics with 95% CIs.",
        discussion: """
        KEY is a dotted path into the scenario file (units.frailty_hub.places); VALUES a list (40,60,80) or a
        range (20...120:10). Every point uses the same seed: common random numbers across the sweep.
        Writes sweep.csv, and report.html (curves with CI bands) with --report.

        Examples:
          flowsim sweep scenarios/mk-baseline.yaml --set units.frailty_hub.places=20...60:10
          flowsim sweep scenarios/mk-baseline.yaml --set units.acute.beds.base=520,546,580 \\
              --set units.home_support.capacity=220,260 --metric nctr_percent --metric handovers_over_30min_percent
        """
    )

    @Argument(help: "The scenario file.")
    var scenario: String

    @Option(name: .customLong("set"), help: "KEY=VALUES (once or twice).")
    var sets: [String] = []

    @Option(name: .customLong("metric"), help: "A metric to show (repeatable; default: the headline metrics present).")
    var metrics: [String] = []

    @OptionGroup var common: RunOptions

    @Option(name: .shortAndLong, help: "How to print: table or csv.")
    var format: OutputFormat = .table

    @Flag(help: "Skip the points already in the output folder's sweep.csv (needs --out): finish an interrupted sweep.")
    var resume = false

    func validate() throws {
        guard (1...2).contains(sets.count) else { throw ValidationError("Give one or two --set KEY=VALUES.") }
        if resume && common.out == nil { throw ValidationError("--resume needs --out: the folder of the sweep to finish.") }
        let parsed = try sets.map(ParameterValues.parse)
        if parsed.map({ $0.values.count }).reduce(1, *) > 400 {
            throw ValidationError("A sweep of more than 400 points is too large; narrow the ranges or use flowsim size.")
        }
    }

    func run() throws {
        let params = try sets.map(ParameterValues.parse)
        let base = try loadScenario(scenario)
        let n = common.replications ?? base.replications
        var grid: [[Double]] = [[]]
        for p in params { grid = grid.flatMap { prefix in p.values.map { prefix + [$0] } } }
        let folder = try outputFolder(common.out, name: "sweep-\(base.spec.name)")
        let done = resume ? try finishedPoints("\(folder)/sweep.csv", parameters: params.map(\.key)) : []
        if resume && !common.quiet { printError("resuming: \(done.count) points already in \(folder)/sweep.csv") }
        var points: [SweepPoint] = []
        for values in grid where !interruption.isCancelled {
            if let finished = done.first(where: { $0.values == values }) {
                points.append(finished)
                continue
            }
            let overrides = zip(params, values).map { (key: $0.key, value: formatValue($1)) }
            var spec = try loadScenario(scenario, overrides: overrides).spec
            spec.seed = common.seed ?? base.spec.seed
            let label = zip(params, values).map { "\($0.key)=\(formatValue($1))" }.joined(separator: " ")
            let results = runReplications(spec, replications: n, jobs: common.jobs, quiet: common.quiet, label: label)
            try checkResults(results)
            if results.count == n {
                points.append(SweepPoint(values: values, metrics: Summaries.metrics(results)))
                // Written after every point, so an interrupted sweep keeps what finished (and --resume skips it).
                try writeFiles([("sweep.csv", Writers.sweepCSV(Sweep(scenario: base.spec.name, parameters: params.map(\.key),
                                                                      points: points, shown: [])))], to: folder)
            }
        }
        let shown = metrics.isEmpty ? Headline.present(in: points.first?.metrics ?? []) : metrics
        for m in shown where points.first?.metric(m) == nil {
            printError("error: --metric \(m): no such metric in this scenario's results")
            throw ExitCode(2)
        }
        let sweep = Sweep(scenario: base.spec.name, parameters: params.map(\.key), points: points, shown: shown)
        print(format == .csv ? Writers.sweepCSV(sweep) : sweepTable(sweep), terminator: "")
        var files = [("sweep.csv", Writers.sweepCSV(sweep))]
        if common.report { files.append(("report.html", HTMLReport.render(title: "sweep of \(base.spec.name)", run: nil, sweep: sweep))) }
        try writeFiles(files, to: folder)
        if !common.quiet { printError("wrote \(folder)/") }
        if interruption.isCancelled {
            printError("interrupted: wrote the \(points.count) of \(grid.count) points that finished")
            throw interruptedExitCode
        }
    }
}

/// A table with one row per point and a mean (95% CI) column per shown metric.
func sweepTable(_ sweep: Sweep) -> String {
    var rows: [[String]] = [sweep.parameters + sweep.shown]
    for p in sweep.points {
        rows.append(p.values.map(formatValue) + sweep.shown.map { id in
            guard let m = p.metric(id) else { return "-" }
            return m.lower.isNaN ? TableWriter.format(m.mean)
                : "\(TableWriter.format(m.mean)) (\(TableWriter.format(m.lower))..\(TableWriter.format(m.upper)))"
        })
    }
    return TableWriter.render(rows, rightAligned: Set(0..<rows[0].count))
}

/// The headline metrics of the catalogue, in order.
enum Headline {
    static var ids: [String] { MetricCatalog.headline }
    static func present(in metrics: [MetricSummary]) -> [String] {
        ids.filter { id in metrics.contains { $0.id == id } }
    }
}

/// The points of an earlier run of the same sweep (`--resume`): none if there is no file yet; bad input (exit 2)
/// if the file is another sweep's.
func finishedPoints(_ path: String, parameters: [String]) throws -> [SweepPoint] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    guard let points = Writers.readSweepCSV(String(decoding: data, as: UTF8.self), parameters: parameters) else {
        printError("error: \(path) is not a sweep over \(parameters.joined(separator: ", ")); --resume needs the folder of the same sweep")
        throw ExitCode(2)
    }
    return points
}

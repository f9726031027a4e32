import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario

/// `flowsim size` over two or three parameters: the cheapest combination meeting every target with 95%
/// confidence, found by `CheapestSearch` (screening of the monotone frontier, then the cheapest by a linear cost
/// or Kim & Nelson's selection on a simulated cost).
extension Size {
    /// The cost to minimise.
    enum Cost {
        /// Sum of weight x value over the parameters (in their order).
        case weights([Double])
        /// The mean of a metric of the run.
        case metric(String)
    }

    func validateCombination() throws {
        let parsed = try params.map { try ParameterValues.parse($0, flag: "--param") }
        if range != nil {
            throw ValidationError("--range is for one --param KEY; with several, give each its values: --param KEY=A...B[:STEP].")
        }
        if Set(parsed.map(\.key)).count < parsed.count { throw ValidationError("--param: each parameter once (a key is repeated).") }
        if resume {
            throw ValidationError("--resume works with one --param; run a search over several parameters again into a new folder.")
        }
        if common.report { throw ValidationError("--report is written by one-parameter size only; the evidence is in size.csv and answer.json.") }
        let grid = parsed.map(\.values.count).reduce(1, *)
        let lines = parsed.dropLast().map(\.values.count).reduce(1, *)
        if lines > 400 {
            throw ValidationError("--param: \(lines) combinations of the parameters before the last is too many to screen (at most 400); "
                                  + "narrow their ranges, or put the one with most values last.")
        }
        if grid > 1_000_000 { throw ValidationError("--param: a grid of \(grid) points is too large (at most 1000000).") }
        if cost != nil && costWeights != nil { throw ValidationError("Give --cost METRIC or --cost-weights KEY=W,..., not both.") }
        if cost != nil {
            guard let d = indifference, d > 0, d.isFinite else {
                throw ValidationError("--cost needs --indifference X > 0, in the cost's units (e.g. --indifference 50000 for £50,000 a year).")
            }
            if let m = maxReplications, m < 2 || m > 100_000 {
                throw ValidationError("--max-replications must be 2 to 100000 (got \(m)).")
            }
            if let r = common.replications, r < 2 {
                throw ValidationError("--cost needs at least 2 replications per point (-r), for the selection's first stage.")
            }
        } else if indifference != nil || maxReplications != nil {
            throw ValidationError("--indifference and --max-replications are for --cost METRIC (a cost that is simulated).")
        }
        _ = try costOfCombination(keys: parsed.map(\.key))
    }

    /// The cost from --cost or --cost-weights (default: weight 1 for every parameter).
    func costOfCombination(keys: [String]) throws -> Cost {
        if let cost {
            if let problem = keyProblem(cost) { throw ValidationError("--cost: a metric id, e.g. cost_total; \(problem).") }
            return .metric(cost)
        }
        guard let text = costWeights else { return .weights(keys.map { _ in 1 }) }
        var weights = keys.map { _ in 0.0 }
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard kv.count == 2, let w = Double(kv[1]), w.isFinite, w >= 0 else {
                throw ValidationError("--cost-weights needs KEY=W,KEY=W with W a number >= 0, e.g. "
                                      + "\(keys[0])=1,\(keys[1])=0.5 (got '\(item)').")
            }
            guard let i = keys.firstIndex(of: kv[0]) else {
                throw ValidationError("--cost-weights \(kv[0]): not a --param of this search (they are \(keys.joined(separator: ", "))).")
            }
            weights[i] = w
        }
        return .weights(weights)
    }

    /// A point run: its values, the metrics there, whether it meets every target, and the cost's observations
    /// (per replication, for a metric cost).
    struct CombinationPoint {
        var point: SweepPoint
        var feasible: Bool
        var costObservations: [Double]
    }

    func runCombination() throws {
        let axes = try params.map { p -> ParameterValues in
            var a = try ParameterValues.parse(p, flag: "--param")
            a.values = Array(Set(a.values)).sorted()  // ascending: the search's monotonicity is in this order
            return a
        }
        let keys = axes.map(\.key)
        let goals = targets.compactMap(Target.init(parsing:))
        let costRule = try costOfCombination(keys: keys)
        let base = try loadScenario(scenario, allowing: common.files.allowDirs)
        let n = common.replications ?? base.replications
        let seed = common.seed ?? base.spec.seed
        if case .metric = costRule, n < 2 {
            throw ValidationError("--cost needs at least 2 replications per point (the scenario has \(n)); give -r 2 or more.")
        }
        func values(_ p: CheapestSearch.Point) -> [Double] { zip(axes, p).map { $0.values[$1] } }
        func spec(at vs: [Double]) throws -> SystemSpec {
            let overrides = zip(keys, vs).map { Override(key: $0, value: formatValue($1), flag: "--param \($0) at \(formatValue($1))") }
            var s = try loadScenario(scenario, overrides: overrides, allowing: common.files.allowDirs).spec
            s.seed = seed
            return s
        }
        // The corners of the grid load and the metrics exist before anything runs.
        let lowSpec = try spec(at: axes.map { $0.values[0] })
        _ = try spec(at: axes.map { $0.values[$0.values.count - 1] })
        let ids = metricIDs(of: lowSpec)
        for g in goals { try requireMetric(g.metric, in: ids, option: "--target") }
        if case .metric(let m) = costRule { try requireMetric(m, in: ids, option: "--cost") }
        let folder = try openOutputFolder(common.out, name: "size-\(base.spec.name)")
        defer { folder.close() }
        let manifest = Manifest(command: "size", scenario: scenario, scenarioName: base.spec.name, scenarioHash: base.fingerprint,
                                seed: seed, replications: n, parameters: keys,
                                target: goals.map(\.description).joined(separator: "; "), incomplete: true)
        var run: [CheapestSearch.Point: CombinationPoint] = [:]
        var order: [CheapestSearch.Point] = []
        func sweep() -> Sweep {
            Sweep(scenario: base.spec.name, parameters: keys,
                  points: order.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { run[$0]?.point },
                  shown: goals.map(\.metric))
        }
        func label(_ vs: [Double]) -> String { zip(keys, vs).map { "\($0)=\(formatValue($1))" }.joined(separator: " ") }
        func interrupted() throws -> Never {
            try commit(folder, [("size.csv", Writers.sweepCSV(sweep()))], manifest: manifest)
            printError("interrupted: no answer; the \(order.count) points that finished are in \(folder.path)/size.csv")
            throw interruptedExitCode
        }

        // 1. Screening: the feasibility frontier.
        let screening = try CheapestSearch.screen(sizes: axes.map(\.values.count)) { p in
            let vs = values(p)
            let results = runReplications(try spec(at: vs), replications: n, jobs: common.jobs, quiet: common.quiet, label: label(vs))
            try checkResults(results)
            if results.count < n { try interrupted() }
            let point = SweepPoint(values: vs, metrics: Summaries.metrics(results))
            let feasible = goals.allSatisfy { g in point.metric(g.metric).map(g.isMet) ?? false }
            var observations: [Double] = []
            if case .metric(let m) = costRule { observations = results.map { $0.metric(m) ?? .nan } }
            run[p] = CombinationPoint(point: point, feasible: feasible, costObservations: observations)
            order.append(p)
            try commit(folder, [("size.csv", Writers.sweepCSV(sweep()))], manifest: manifest)
            if !common.quiet { printError("\(label(vs)): \(feasible ? "meets every target" : "does not meet every target")") }
            return feasible
        }

        // 2. The cheapest of the frontier's minimal points.
        let candidates = screening.minimal
        var chosen: CheapestSearch.Point?
        var selection: CheapestSearch.Selection?
        var costs: [CheapestSearch.Point: Double] = [:]
        switch costRule {
        case .weights(let w):
            for p in order { costs[p] = zip(w, values(p)).map { $0 * $1 }.reduce(0, +) }
            chosen = CheapestSearch.cheapest(candidates) { costs[$0] ?? .infinity }
        case .metric(let m):
            for p in order { costs[p] = run[p].map { mean($0.costObservations) } }
            if let bad = candidates.first(where: { run[$0]?.costObservations.contains { !$0.isFinite } ?? true }) {
                printError("error: --cost \(m): not a number in some replications at \(label(values(bad))) (a replication that "
                           + "stopped early or whose queues grew without bound); the selection needs a cost in every one")
                throw ExitCode(1)
            }
            if !candidates.isEmpty {
                let budget = maxReplications ?? max(100, n)
                let specs = try candidates.map { try spec(at: values($0)) }
                let s = try CheapestSearch.selectSmallestMean(
                    first: candidates.map { run[$0]!.costObservations }, indifference: indifference ?? 1,
                    maxObservations: budget) { i, r in
                        let p = candidates[i]
                        guard let result = oneReplication(specs[i], r) else { try interrupted() }
                        try checkResults([result])
                        guard let v = result.metric(m), v.isFinite else {
                            printError("error: --cost \(m): not a number in replication \(r) at \(label(values(p)))")
                            throw ExitCode(1)
                        }
                        return v
                    }
                for (i, p) in candidates.enumerated() { costs[p] = s.means[i] }
                selection = s
                chosen = candidates[s.chosen]
            }
        }

        // 3. The evidence and the answer.
        print("evidence (\(order.count) of \(screening.gridSize) points run, the whole grid "
              + "\(order.count == screening.gridSize ? "was" : "was not") run; \(n) replications each, seed \(seed)):")
        var rows: [[String]] = [["#"] + keys + goals.map(\.metric) + ["meets", "cost"]]
        for (i, p) in order.enumerated() {
            guard let c = run[p] else { continue }
            rows.append([String(i + 1)] + c.point.values.map(formatValue) + goals.map { g in
                guard let s = c.point.metric(g.metric) else { return "-" }
                return "\(TableWriter.format(s.mean)) (\(TableWriter.format(s.lower))..\(TableWriter.format(s.upper)))"
            } + [c.feasible ? "yes" : "no", costs[p].map(TableWriter.format) ?? "-"])
        }
        print(TableWriter.render(rows, rightAligned: Set(0..<rows[0].count).subtracting([rows[0].count - 2])), terminator: "")
        let costName: String
        switch costRule {
        case .weights(let w): costName = zip(keys, w).map { "\(formatValue($1)) x \($0)" }.joined(separator: " + ")
        case .metric(let m): costName = "mean \(m)"
        }
        print("frontier (the feasible points with no feasible point below them, of \(screening.frontier.count) lines with one): "
              + (candidates.isEmpty ? "none" : candidates.map { "(" + values($0).map(formatValue).joined(separator: ", ") + ")" }
                  .joined(separator: " ")))
        if let s = selection {
            print("selection (Kim & Nelson 2001, indifference \(formatValue(indifference ?? 0)), 95%): "
                  + candidates.enumerated().map { i, p in
                      "(" + values(p).map(formatValue).joined(separator: ", ") + ") \(TableWriter.format(s.means[i])) over \(s.replications[i])"
                  }.joined(separator: "; ")
                  + (s.budgetReached ? "; the budget of \(maxReplications ?? max(100, n)) replications ran out with "
                     + "\(s.survivors.count) left: the smallest mean is taken, without the procedure's guarantee" : ""))
        }
        let answerValues = chosen.map(values)
        let answer = Writers.cheapestAnswerJSON(
            parameters: keys, targets: goals, cost: costName, costMetric: cost, weights: { if case .weights(let w) = costRule { return w }; return nil }(),
            answer: answerValues, answerCost: chosen.flatMap { costs[$0] },
            answerMetrics: chosen.flatMap { run[$0]?.point.metrics } ?? [],
            points: order.compactMap { p in run[p].map { (values: $0.point.values, feasible: $0.feasible, cost: costs[p]) } },
            frontier: screening.frontier.map(values), gridSize: screening.gridSize,
            selection: selection.map { s in (indifference ?? 0, candidates.map(values), s.replications, s.means, s.budgetReached) },
            replications: n, seed: seed)
        var m = manifest
        m.incomplete = false
        try commit(folder, [("size.csv", Writers.sweepCSV(sweep())), ("answer.json", answer)], manifest: m)
        guard let chosen, let vs = answerValues, let c = run[chosen] else {
            print("no combination in the ranges meets every target with 95% confidence: "
                  + goals.map(\.description).joined(separator: ", "))
            throw ExitCode(1)
        }
        print("answer: \(label(vs)) is the cheapest combination meeting every target with 95% confidence "
              + "(cost \(costName) = \(TableWriter.format(costs[chosen] ?? .nan)))")
        for g in goals {
            guard let s = c.point.metric(g.metric) else { continue }
            print("  \(g): \(TableWriter.format(s.mean)) (95% CI \(TableWriter.format(s.lower)) .. \(TableWriter.format(s.upper)))")
        }
        if !common.quiet { printError("wrote \(folder.path)/") }
    }

    /// Replication `r` alone of `spec` (nil if interrupted first): a sequential procedure's next observation.
    func oneReplication(_ spec: SystemSpec, _ r: Int) -> ReplicationResult? {
        final class Box: @unchecked Sendable { var result: ReplicationResult? }
        let box = Box()
        Experiment.stream(spec, from: r, replications: r + 1, jobs: 1, cancellation: interruption, abort: Interrupts.abort) {
            box.result = $0
        }
        return box.result
    }
}

private func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }

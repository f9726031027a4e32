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

    /// The search's settings, checked before anything runs: each parameter's values (ascending: the search's
    /// monotonicity is in this order), the targets, the cost, the scenario, replications and seed.
    struct Combination {
        var axes: [ParameterValues]
        var goals: [Target]
        var costRule: Cost
        var base: Scenario
        var n: Int
        var seed: UInt64
        /// The scenario at the grid's lowest corner.
        var lowSpec: SystemSpec
        /// The most replications per candidate in the selection.
        var budget: Int
        var keys: [String] { axes.map(\.key) }
        /// A point's scenario: the baseline with the point's values (exit 2 if it does not load).
        var spec: ([Double]) throws -> SystemSpec

        func values(_ p: CheapestSearch.Point) -> [Double] { zip(axes, p).map { $0.values[$1] } }
        func label(_ vs: [Double]) -> String { zip(keys, vs).map { "\($0)=\(formatValue($1))" }.joined(separator: " ") }
        /// The points run, in lexicographic order, for size.csv.
        func sweep(_ run: [CheapestSearch.Point: CombinationPoint], _ order: [CheapestSearch.Point]) -> Sweep {
            Sweep(scenario: base.spec.name, parameters: keys,
                  points: order.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { run[$0]?.point }, shown: goals.map(\.metric))
        }
        /// The point's summary, and whether it meets every target.
        func evaluate(_ vs: [Double], _ results: [ReplicationResult]) -> (point: SweepPoint, feasible: Bool) {
            let point = SweepPoint(values: vs, metrics: Summaries.metrics(results))
            return (point, goals.allSatisfy { g in point.metric(g.metric).map(g.isMet) ?? false })
        }
    }

    /// The settings of `size` over several parameters, checked: the corners of the grid load and the metrics
    /// exist before anything runs (exit 2 otherwise).
    func combination() throws -> Combination {
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
        let (scenario, allowDirs) = (self.scenario, common.files.allowDirs)
        func spec(at vs: [Double]) throws -> SystemSpec {
            let overrides = zip(keys, vs).map { Override(key: $0, value: formatValue($1), flag: "--param \($0) at \(formatValue($1))") }
            var s = try loadScenario(scenario, overrides: overrides, allowing: allowDirs).spec
            s.seed = seed
            return s
        }
        // The corners of the grid load and the metrics exist before anything runs.
        let lowSpec = try spec(at: axes.map { $0.values[0] })
        _ = try spec(at: axes.map { $0.values[$0.values.count - 1] })
        let ids = metricIDs(of: lowSpec)
        for g in goals { try requireMetric(g.metric, in: ids, option: "--target") }
        if case .metric(let m) = costRule { try requireMetric(m, in: ids, option: "--cost") }
        return Combination(axes: axes, goals: goals, costRule: costRule, base: base, n: n, seed: seed, lowSpec: lowSpec,
                           budget: maxReplications ?? max(100, n), spec: spec(at:))
    }

    /// Where the search's replications come from: simulated here, or read from a sharded search's recorded
    /// rounds (Size+Shard.swift), which throw `CombinationNeeds` for what they do not hold.
    struct CombinationRuns {
        /// The n replications of a point (screening).
        var point: (CheapestSearch.Point) throws -> [ReplicationResult]
        /// Replication r of a candidate (the selection's stages after the first).
        var replication: (CheapestSearch.Point, Int) throws -> ReplicationResult
    }

    /// Runs that were interrupted (a signal) before they finished.
    struct CombinationInterrupted: Error {}

    /// What the search has not got from recorded rounds: a point to screen, or the selection's stage `from`
    /// with the candidates still in it.
    enum CombinationNeeds: Error {
        case point(CheapestSearch.Point)
        case stage(survivors: [CheapestSearch.Point], from: Int)
    }

    /// A search planned without output ends at a recorded point whose replications stopped (or a cost that is
    /// not a number): the merge runs it with its messages and exit code.
    struct CombinationStops: Error {}

    /// The search's replications simulated, each candidate's scenario loaded once for the selection.
    func simulatedRuns(_ c: Combination) -> CombinationRuns {
        final class Specs: @unchecked Sendable { var byPoint: [CheapestSearch.Point: SystemSpec] = [:] }
        let specs = Specs()
        return CombinationRuns(
            point: { p in
                let vs = c.values(p)
                let results = runReplications(try c.spec(vs), replications: c.n, jobs: common.jobs, quiet: common.quiet,
                                              label: c.label(vs))
                if results.count < c.n { throw CombinationInterrupted() }
                return results
            },
            replication: { p, r in
                if specs.byPoint[p] == nil { specs.byPoint[p] = try c.spec(c.values(p)) }
                guard let result = oneReplication(specs.byPoint[p]!, r) else { throw CombinationInterrupted() }
                return result
            })
    }

    /// What the search found: the screening, every point run (in the order run), the candidates, the selection
    /// (with a metric cost), each point's cost and the answer.
    struct CombinationOutcome {
        var screening: CheapestSearch.Screening
        var run: [CheapestSearch.Point: CombinationPoint]
        var order: [CheapestSearch.Point]
        var candidates: [CheapestSearch.Point]
        var selection: CheapestSearch.Selection?
        var costs: [CheapestSearch.Point: Double]
        var chosen: CheapestSearch.Point?
    }

    func runCombination(replay: ShardReplay? = nil) throws {
        let c = try combination()
        if let shard, let (k, shards) = Sharding.parse(shard) { return try runCombinationShard(c, shard: k, of: shards) }
        var runs = simulatedRuns(c)
        if let replay {
            let rounds = try recordRounds(c, replay)
            if try nextRound(c, rounds, tasks: replay.header.shards) != nil {
                printError("round \(rounds.count) of the search is recorded in \(rounds.folder); the search needs round "
                           + "\(rounds.count + 1): run the same `flowsim size ... --shard K/N --out \(rounds.folder)` tasks again, "
                           + "then flowsim merge \(rounds.folder) (exit 4: nothing written to the merge's --out yet)")
                throw ExitCode(4)
            }
            runs = rounds.runs
        }
        let folder = try openOutputFolder(common.out, name: "size-\(c.base.spec.name)")
        defer { folder.close() }
        try reportCombination(c, try searchCombination(c, runs: runs, folder: folder), folder: folder)
    }

    /// The search: screening of the frontier, then the cheapest of its minimal points. With `folder` it writes
    /// size.csv after every point and says how each went (and reports stops and exits 1, as on one machine);
    /// without, it plans (nothing written or printed; a point whose replications stopped throws
    /// `CombinationStops`).
    func searchCombination(_ c: Combination, runs: CombinationRuns, folder: ResultFolder?) throws -> CombinationOutcome {
        let manifest = combinationManifest(c)
        var run: [CheapestSearch.Point: CombinationPoint] = [:]
        var order: [CheapestSearch.Point] = []
        func sweep() -> Sweep { c.sweep(run, order) }
        func check(_ results: [ReplicationResult]) throws {
            guard folder != nil else {
                if Self.stops(results) { throw CombinationStops() }
                return
            }
            try checkResults(results)
        }
        func fail(_ message: String) throws -> Never {
            guard folder != nil else { throw CombinationStops() }
            printError(message)
            throw ExitCode(1)
        }
        func interrupted() throws -> Never {
            if let folder { try commit(folder, [("size.csv", Writers.sweepCSV(sweep()))], manifest: manifest) }
            printError("interrupted: no answer; the \(order.count) points that finished are in \(folder?.path ?? "")/size.csv")
            throw interruptedExitCode
        }

        // 1. Screening: the feasibility frontier.
        let screening = try CheapestSearch.screen(sizes: c.axes.map(\.values.count)) { p in
            let vs = c.values(p)
            let results: [ReplicationResult]
            do { results = try runs.point(p) } catch is CombinationInterrupted { try interrupted() }
            try check(results)
            let (point, feasible) = c.evaluate(vs, results)
            var observations: [Double] = []
            if case .metric(let m) = c.costRule { observations = results.map { $0.metric(m) ?? .nan } }
            run[p] = CombinationPoint(point: point, feasible: feasible, costObservations: observations)
            order.append(p)
            if let folder {
                try commit(folder, [("size.csv", Writers.sweepCSV(sweep()))], manifest: manifest)
                if !common.quiet { printError("\(c.label(vs)): \(feasible ? "meets every target" : "does not meet every target")") }
            }
            return feasible
        }

        // 2. The cheapest of the frontier's minimal points.
        let candidates = screening.minimal
        var chosen: CheapestSearch.Point?
        var selection: CheapestSearch.Selection?
        var costs: [CheapestSearch.Point: Double] = [:]
        switch c.costRule {
        case .weights(let w):
            for p in order { costs[p] = zip(w, c.values(p)).map { $0 * $1 }.reduce(0, +) }
            chosen = CheapestSearch.cheapest(candidates) { costs[$0] ?? .infinity }
        case .metric(let m):
            for p in order { costs[p] = run[p].map { mean($0.costObservations) } }
            if let bad = candidates.first(where: { run[$0]?.costObservations.contains { !$0.isFinite } ?? true }) {
                try fail("error: --cost \(m): not a number in some replications at \(c.label(c.values(bad))) (a replication that "
                         + "stopped early or whose queues grew without bound); the selection needs a cost in every one")
            }
            if !candidates.isEmpty {
                func observe(_ i: Int, _ r: Int) throws -> Double {
                    let p = candidates[i]
                    let result: ReplicationResult
                    do { result = try runs.replication(p, r) } catch is CombinationInterrupted { try interrupted() }
                    try check([result])
                    guard let v = result.metric(m), v.isFinite else {
                        try fail("error: --cost \(m): not a number in replication \(r) at \(c.label(c.values(p)))")
                    }
                    return v
                }
                let first = candidates.map { run[$0]!.costObservations }, delta = indifference ?? 1
                let s: CheapestSearch.Selection
                do {
                    s = try CheapestSearch.selectSmallestMean(first: first, indifference: delta, maxObservations: c.budget, observe: observe)
                } catch CombinationNeeds.stage(_, let r) {
                    // The candidates still in at stage r, from the stages recorded before it.
                    let at = try CheapestSearch.selectSmallestMean(first: first, indifference: delta, maxObservations: r, observe: observe)
                    throw CombinationNeeds.stage(survivors: at.survivors.map { candidates[$0] }, from: r)
                }
                for (i, p) in candidates.enumerated() { costs[p] = s.means[i] }
                selection = s
                chosen = candidates[s.chosen]
            }
        }
        return CombinationOutcome(screening: screening, run: run, order: order, candidates: candidates, selection: selection,
                                  costs: costs, chosen: chosen)
    }

    func combinationManifest(_ c: Combination) -> Manifest {
        Manifest(command: "size", scenario: scenario, scenarioName: c.base.spec.name, scenarioHash: c.base.fingerprint,
                 seed: c.seed, replications: c.n, parameters: c.keys,
                 target: c.goals.map(\.description).joined(separator: "; "), incomplete: true)
    }

    /// The evidence and the answer: printed, and written with size.csv and answer.json (exit 1 if no
    /// combination meets every target).
    func reportCombination(_ c: Combination, _ o: CombinationOutcome, folder: ResultFolder) throws {
        let (keys, goals, n, seed) = (c.keys, c.goals, c.n, c.seed)
        let (screening, run, order, candidates, costs) = (o.screening, o.run, o.order, o.candidates, o.costs)
        print("evidence (\(order.count) of \(screening.gridSize) points run, the whole grid "
              + "\(order.count == screening.gridSize ? "was" : "was not") run; \(n) replications each, seed \(seed)):")
        var rows: [[String]] = [["#"] + keys + goals.map(\.metric) + ["meets", "cost"]]
        for (i, p) in order.enumerated() {
            guard let cp = run[p] else { continue }
            rows.append([String(i + 1)] + cp.point.values.map(formatValue) + goals.map { g in
                guard let s = cp.point.metric(g.metric) else { return "-" }
                return "\(TableWriter.format(s.mean)) (\(TableWriter.format(s.lower))..\(TableWriter.format(s.upper)))"
            } + [cp.feasible ? "yes" : "no", costs[p].map(TableWriter.format) ?? "-"])
        }
        print(TableWriter.render(rows, rightAligned: Set(0..<rows[0].count).subtracting([rows[0].count - 2])), terminator: "")
        let costName: String
        switch c.costRule {
        case .weights(let w): costName = zip(keys, w).map { "\(formatValue($1)) x \($0)" }.joined(separator: " + ")
        case .metric(let m): costName = "mean \(m)"
        }
        print("frontier (the feasible points with no feasible point below them, of \(screening.frontier.count) lines with one): "
              + (candidates.isEmpty ? "none" : candidates.map { "(" + c.values($0).map(formatValue).joined(separator: ", ") + ")" }
                  .joined(separator: " ")))
        if let s = o.selection {
            print("selection (Kim & Nelson 2001, indifference \(formatValue(indifference ?? 0)), 95%): "
                  + candidates.enumerated().map { i, p in
                      "(" + c.values(p).map(formatValue).joined(separator: ", ") + ") \(TableWriter.format(s.means[i])) over \(s.replications[i])"
                  }.joined(separator: "; ")
                  + (s.budgetReached ? "; the budget of \(c.budget) replications ran out with "
                     + "\(s.survivors.count) left: the smallest mean is taken, without the procedure's guarantee" : ""))
        }
        let answerValues = o.chosen.map(c.values)
        let answer = Writers.cheapestAnswerJSON(
            parameters: keys, targets: goals, cost: costName, costMetric: cost, weights: { if case .weights(let w) = c.costRule { return w }; return nil }(),
            answer: answerValues, answerCost: o.chosen.flatMap { costs[$0] },
            answerMetrics: o.chosen.flatMap { run[$0]?.point.metrics } ?? [],
            points: order.compactMap { p in run[p].map { (values: $0.point.values, feasible: $0.feasible, cost: costs[p]) } },
            frontier: screening.frontier.map(c.values), gridSize: screening.gridSize,
            selection: o.selection.map { s in (indifference ?? 0, candidates.map(c.values), s.replications, s.means, s.budgetReached) },
            replications: n, seed: seed)
        var m = combinationManifest(c)
        m.incomplete = false
        try commit(folder, [("size.csv", Writers.sweepCSV(c.sweep(run, order))), ("answer.json", answer)], manifest: m)
        guard let chosen = o.chosen, let vs = answerValues, let cp = run[chosen] else {
            print("no combination in the ranges meets every target with 95% confidence: "
                  + goals.map(\.description).joined(separator: ", "))
            throw ExitCode(1)
        }
        print("answer: \(c.label(vs)) is the cheapest combination meeting every target with 95% confidence "
              + "(cost \(costName) = \(TableWriter.format(costs[chosen] ?? .nan)))")
        for g in goals {
            guard let s = cp.point.metric(g.metric) else { continue }
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

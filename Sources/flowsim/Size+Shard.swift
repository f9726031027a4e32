import ArgumentParser
import Foundation
import PatientFlow
import Reporting

/// `size` over several parameters, sharded in rounds (decision 197). Each point of the search depends on the
/// answers before it, so the work goes in rounds: `size ... --shard K/N --out DIR` replays the search from the
/// rounds DIR has recorded (no simulation), finds the points it needs next (with as many of those it may need
/// after them as fill the N tasks) and runs shard K's block of their points x replications into
/// DIR/round-J/; `flowsim merge DIR` checks round J's shards, records them as DIR/round-J.flowsim-shard and
/// replays the search again: finished, it writes what `size` writes on one machine, byte for byte; otherwise
/// it says so and exits 4, and the same tasks run round J + 1.
extension Size {
    /// The arguments that change what `size` writes, as given (no `--out`, `--jobs`, `--quiet`, `--shard`), for
    /// a shard file and `flowsim merge`.
    var resultArguments: [String] {
        var a = [scenario] + params.flatMap { ["--param", $0] } + targets.flatMap { ["--target", $0] }
        if let range { a += ["--range", range] }
        if let cost { a += ["--cost", cost] }
        if let costWeights { a += ["--cost-weights", costWeights] }
        if let indifference { a += ["--indifference", "\(indifference)"] }
        if let maxReplications { a += ["--max-replications", "\(maxReplications)"] }
        return a + common.resultArguments
    }

    /// The header of a round's shard (shard 0 of 1: the round as recorded); its build, scenario, seed and
    /// arguments are the search's.
    func roundHeader(_ c: Combination, round: ShardHeader.Round?, replications: Int, shard: Int = 0, shards: Int = 1) -> ShardHeader {
        ShardHeader(flowsim: Version.full, command: "size", scenario: scenario, scenarioHash: c.base.fingerprint, seed: c.seed,
                    replications: replications, arguments: resultArguments, points: round?.points.count ?? 1, round: round,
                    shard: shard, shards: shards)
    }

    /// What may differ between the rounds of one search.
    static let roundFields: Set<String> = ["replications", "points", "round", "number of shards"]

    /// The rounds recorded in a search's folder, as replications by point.
    struct RecordedRounds {
        var folder: String
        var count = 0
        /// Screening: each point's n replications, in order.
        var points: [CheapestSearch.Point: [ReplicationResult]] = [:]
        /// The selection's later stages: replication r of a candidate.
        var observations: [CheapestSearch.Point: [Int: ReplicationResult]] = [:]

        mutating func add(_ round: ShardHeader.Round, _ entries: [(scenario: Int, result: ReplicationResult)]) {
            count += 1
            var screened: [CheapestSearch.Point: [ReplicationResult]] = [:]
            for (s, r) in entries {
                let p = round.points[s]
                if round.firstReplication == 0 { screened[p, default: []].append(r) } else { observations[p, default: [:]][r.replication] = r }
            }
            points.merge(screened) { earlier, _ in earlier }
        }

        /// Replications from the rounds; what they do not hold throws `CombinationNeeds`.
        var runs: CombinationRuns {
            CombinationRuns(
                point: { p in
                    guard let results = points[p] else { throw CombinationNeeds.point(p) }
                    return results
                },
                replication: { p, r in
                    guard let result = observations[p]?[r] else { throw CombinationNeeds.stage(survivors: [], from: r) }
                    return result
                })
        }
    }

    /// The rounds `flowsim merge` recorded in `folder` (none if it does not exist), checked to be rounds
    /// 1, 2, ... of this search (exit 2 naming the file otherwise).
    func loadRounds(_ c: Combination, in folder: String) throws -> RecordedRounds {
        let search = roundHeader(c, round: nil, replications: c.n)
        var rounds = RecordedRounds(folder: folder)
        for (i, j) in SearchRounds.recorded(in: folder).enumerated() {
            let path = "\(folder)/\(SearchRounds.recordedName(j))"
            func refuse(_ why: String) throws -> Never {
                printError("error: \(path): \(why)")
                throw ExitCode(2)
            }
            guard j == i + 1 else { try refuse("round \(j) without round \(i + 1) before it; the folder's rounds are damaged") }
            let (h, entries): (ShardHeader, [(scenario: Int, result: ReplicationResult)])
            do { (h, entries) = try ShardFile.readEntries(path) } catch { try refuse("\(error)") }
            if let d = h.difference(from: search, ignoring: Self.roundFields) {
                try refuse("from another search (its \(d.name) is \(d.mine), this search's is \(d.theirs)); use another --out "
                           + "or delete the folder")
            }
            guard let round = h.round, round.number == j, h.points == round.points.count,
                  round.points.allSatisfy({ $0.count == c.axes.count && zip($0, c.axes).allSatisfy { $1.values.indices.contains($0) } }),
                  round.firstReplication > 0 || h.replications == c.n else {
                try refuse("not round \(j) of a search over these parameters")
            }
            rounds.add(round, entries)
        }
        return rounds
    }

    /// The next round of the search given the recorded rounds, for `tasks` shards; nil when the search needs
    /// nothing more (it is finished, or stops at a recorded point: the merge then repeats the stop). Screening
    /// rounds hold the next point and the points after it in each case (`CheapestSearch.nextPoints`), as many as
    /// make `tasks` units of n replications; selection rounds the next stages of every candidate still in, as many
    /// stages as make `tasks` units of one replication.
    func nextRound(_ c: Combination, _ rounds: RecordedRounds, tasks: Int) throws -> (round: ShardHeader.Round, replications: Int)? {
        let number = rounds.count + 1
        do {
            _ = try searchCombination(c, runs: rounds.runs, folder: nil)
            return nil
        } catch is CombinationStops {
            return nil
        } catch CombinationNeeds.point {
            var known: [CheapestSearch.Point: Bool] = [:], stops = Set<CheapestSearch.Point>()
            for (p, results) in rounds.points {
                if Self.stops(results) { stops.insert(p) } else { known[p] = c.evaluate(c.values(p), results).feasible }
            }
            let points = CheapestSearch.nextPoints(sizes: c.axes.map(\.values.count), known: known, stops: stops,
                                                   limit: max(1, tasks / c.n))
            return (ShardHeader.Round(number: number, points: points, firstReplication: 0), c.n)
        } catch CombinationNeeds.stage(let survivors, let r) {
            return (ShardHeader.Round(number: number, points: survivors, firstReplication: r),
                    min(max(1, tasks / survivors.count), c.budget - r))
        }
    }

    /// Whether a point's replications end the search (one stopped or broke an invariant: exit 1).
    static func stops(_ results: [ReplicationResult]) -> Bool {
        results.contains { $0.stopped != nil || !$0.invariantViolations.isEmpty }
    }

    /// `size ... --shard K/N --out DIR`: shard K of the next round into DIR/round-J/ (nothing if the search needs
    /// no more rounds).
    func runCombinationShard(_ c: Combination, shard k: Int, of shards: Int) throws {
        let dir = common.out ?? "."
        let rounds = try loadRounds(c, in: dir)
        guard let (round, b) = try nextRound(c, rounds, tasks: shards) else {
            if !common.quiet {
                printError("the search in \(dir) needs no more rounds (\(rounds.count) recorded): flowsim merge \(dir) --out OUT "
                           + "writes its answer")
            }
            return
        }
        let header = roundHeader(c, round: round, replications: b, shard: k, shards: shards)
        let work = try round.points.enumerated().map { i, p -> (spec: SystemSpec, replications: Range<Int>) in
            let block = header.replications(ofPoint: i)
            return (block.isEmpty ? c.lowSpec : try c.spec(c.values(p)), block)
        }
        try writeShard(header, work: work, options: common, into: "\(dir)/\(SearchRounds.folderName(round.number))", metricsOnly: true)
    }

    /// `flowsim merge DIR`: the recorded rounds and, if `replay` holds the next round's shards, that round
    /// checked (it must be the round the recorded ones lead to) and recorded as DIR/round-J.flowsim-shard.
    func recordRounds(_ c: Combination, _ replay: ShardReplay) throws -> RecordedRounds {
        guard let folder = replay.folder else {
            printError("error: \(replay.files.first?.path ?? "") is a shard of a size search's round: merge the search's folder "
                       + "(the one given as --out to the shards), which holds its rounds")
            throw ExitCode(2)
        }
        var rounds = try loadRounds(c, in: folder)
        guard let first = replay.files.first else { return rounds }
        let h = replay.header, name = "\(folder)/\(SearchRounds.folderName(rounds.count + 1))"
        if let d = h.difference(from: roundHeader(c, round: nil, replications: c.n), ignoring: Self.roundFields) {
            printError("error: \(first.path): from another search (its \(d.name) is \(d.mine), this search's is \(d.theirs)); "
                       + "delete \(name) and run its tasks again")
            throw ExitCode(2)
        }
        let planned = try nextRound(c, rounds, tasks: h.shards)
        guard let round = h.round, let planned, planned.round == round, planned.replications == h.replications else {
            let next = planned.map { "round \($0.round.number): " + SearchRounds.describe($0.round, replications: $0.replications) }
            printError("error: \(first.path): its shards ran another round than the \(rounds.count) recorded in \(folder) lead to "
                       + "(\(next ?? "none: the search is finished")); delete \(name) and run its tasks again")
            throw ExitCode(2)
        }
        var entries: [(scenario: Int, result: ReplicationResult)] = []
        for f in replay.files {
            do { entries += try ShardFile.readEntries(f.path).entries } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
        }
        let recorded = roundHeader(c, round: round, replications: h.replications)
        let path = "\(folder)/\(SearchRounds.recordedName(round.number))"
        let text = ShardFile.headerLine(recorded) + "\n" + entries.map { ShardFile.encode($0.result, scenario: $0.scenario) + "\n" }.joined()
            + ShardFile.trailerLine(count: entries.count) + "\n"
        do { try Writers.writeAtomically(text, to: path) } catch {
            printError("error: cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        if !common.quiet { printError("recorded round \(round.number) (\(SearchRounds.describe(round, replications: h.replications))) in \(path)") }
        rounds.add(round, entries)
        return rounds
    }
}

/// The files of a sharded `size` search's folder: round J's shards in round-J/, and the round as
/// `flowsim merge` recorded it in round-J.flowsim-shard.
enum SearchRounds {
    static func folderName(_ j: Int) -> String { "round-\(j)" }
    static func recordedName(_ j: Int) -> String { "round-\(j).\(ShardFile.fileExtension)" }

    /// The numbers of the rounds recorded in `folder`, ascending.
    static func recorded(in folder: String) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("round-"), name.hasSuffix("." + ShardFile.fileExtension) else { return nil }
            return Int(name.dropFirst("round-".count).dropLast(ShardFile.fileExtension.count + 1)).flatMap { $0 > 0 ? $0 : nil }
        }.sorted()
    }

    /// "3 points x 10 replications" or "2 candidates x replications 10 to 13".
    static func describe(_ round: ShardHeader.Round, replications b: Int) -> String {
        let k = round.points.count
        return round.firstReplication == 0 ? "\(k) point\(k == 1 ? "" : "s") x \(b) replication\(b == 1 ? "" : "s")"
            : "\(k) candidate\(k == 1 ? "" : "s") x replications \(round.firstReplication) to \(round.firstReplication + b - 1)"
    }

    /// What `flowsim merge` replays for a search's folder: the shards of the round after the last recorded one
    /// (checked to be one whole round), or, if there are none, the last recorded round; nil if `folder` holds no
    /// rounds (it is not a search's folder). Throws a `ShardFile.Problem` for bad or missing shards.
    static func replay(of folder: String) throws -> ShardReplay? {
        let recorded = Self.recorded(in: folder), next = (recorded.last ?? 0) + 1
        let pending = "\(folder)/\(folderName(next))"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: pending)) ?? [])
            .filter { $0.hasSuffix("." + ShardFile.fileExtension) && !$0.hasPrefix(".") }.sorted()
        if !names.isEmpty {
            let files = try names.map { (path: "\(pending)/\($0)", header: try ShardFile.readHeader("\(pending)/\($0)")) }
            return ShardReplay(files: try ShardFile.plan(files), folder: folder)
        }
        guard let last = recorded.last else { return nil }
        return ShardReplay(files: [], header: try ShardFile.readHeader("\(folder)/\(recordedName(last))"), folder: folder)
    }
}

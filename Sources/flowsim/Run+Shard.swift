import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario
#if canImport(Glibc)
import Glibc
#endif

extension Run {
    /// `run --shard K/N --out DIR`: simulates shard K's block of replications and writes
    /// DIR/shard-K-of-N.flowsim-shard, all at once (a temporary file renamed into place). A complete shard file
    /// with the same header is left alone (a resubmitted task); one from another run is refused (exit 2).
    /// Exit 0 once the file is written, even if replications stopped: `flowsim merge` gives the run's exit code.
    func runShard(_ k: Int, of shards: Int, spec: SystemSpec, loaded: Scenario, replications n: Int) throws {
        let header = ShardHeader(flowsim: Version.full, command: "run", scenario: scenario, scenarioHash: loaded.fingerprint,
                                 seed: spec.seed, replications: n, arguments: resultArguments, shard: k, shards: shards)
        try writeShard(header, work: [(spec, header.first..<header.end)], options: options)
    }
}

/// Checks `--shard K/N` (a usage error otherwise): K/N well formed and an `--out` folder for the shard files.
func validateShard(_ shard: String?, out: String?) throws {
    guard let s = shard else { return }
    guard Sharding.parse(s) != nil else {
        throw ValidationError("--shard \(s): give K/N with 0 <= K < N <= 100000, e.g. --shard 3/8 (shards count from 0).")
    }
    guard out != nil else { throw ValidationError("--shard needs --out DIR: the folder the shard files go to.") }
}

/// Simulates `work` (scenario s = its position: a spec and the replications of it the shard runs, in the order
/// the shard file holds them) and writes `folder` (default `--out`)/shard-K-of-N.flowsim-shard, all at once (a
/// temporary file renamed into place). A complete shard file with the same header is left alone (a resubmitted
/// task); one from another run is refused (exit 2). Exit 0 once the file is written, even if replications
/// stopped: `flowsim merge` gives the command's exit code. With `metricsOnly` the lines leave out the daily,
/// monthly and occupancy series (`uncertainty` and `size` read only metrics, warnings and stops).
func writeShard(_ header: ShardHeader, work: [(spec: SystemSpec, replications: Range<Int>)], options: RunOptions,
                into folder: String? = nil, metricsOnly: Bool = false) throws {
    let dir = folder ?? options.out ?? ".", k = header.shard, shards = header.shards
    let path = "\(dir)/\(ShardFile.fileName(shard: k, of: shards))"
    do {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
        printError("error: --out \(dir): cannot create the shard folder (\(error.localizedDescription))")
        throw ExitCode(2)
    }
    if FileManager.default.fileExists(atPath: path) {
        if ShardFile.isComplete(path, header: header) {
            if !options.quiet { printError("\(path) is complete with the same header: shard \(k)/\(shards) skipped") }
            return
        }
        if let old = try? ShardFile.readHeader(path), let d = old.difference(from: header) {
            printError("error: \(path) is from another run (its \(d.name) is \(d.mine), this run's is \(d.theirs)); "
                       + "use another --out or delete it")
            throw ExitCode(2)
        }
        // An incomplete or unreadable file of this shard is written again.
    }
    let total = work.map(\.replications.count).reduce(0, +)
    let temporary = "\(dir)/.\(ShardFile.fileName(shard: k, of: shards)).tmp-\(getpid())"
    let writer: ShardWriter
    do {
        writer = ShardWriter(try StagedFile(temporary))
        try writer.file.append(ShardFile.headerLine(header) + "\n")
    } catch {
        printError("error: cannot write \(temporary): \(error)")
        throw ExitCode(1)
    }
    let outcome = StreamOutcome()
    for (s, (spec, block)) in work.enumerated() where !block.isEmpty && !interruption.isCancelled {
        let before = outcome.consumed
        let progress = ProgressLine(label: "\(spec.name) shard \(k)/\(shards)", total: block.count, quiet: options.quiet)
        Experiment.stream(spec, from: block.lowerBound, replications: block.upperBound, jobs: options.jobs ?? Cores.count,
                          cancellation: interruption, abort: Interrupts.abort, progress: progress.update) { r in
            outcome.add(r)
            writer.append(ShardFile.encode(metricsOnly ? withoutSeries(r) : r, scenario: s) + "\n")
        }
        progress.finish(finished: outcome.consumed - before)
    }
    if writer.failure == nil { writer.append(ShardFile.trailerLine(count: outcome.consumed) + "\n") }
    if writer.failure == nil { do { try writer.file.finish() } catch { writer.failure = error } }
    if let failure = writer.failure {
        unlink(temporary)
        printError("error: cannot write \(temporary): \(failure); nothing was written")
        throw ExitCode(1)
    }
    guard outcome.consumed == total else {
        unlink(temporary)
        printError("interrupted: \(outcome.consumed) of \(total) replications of shard \(k)/\(shards) "
                   + "finished; \(path) not written")
        throw interruptedExitCode
    }
    guard rename(temporary, path) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(temporary)
        printError("error: cannot write \(path): \(reason)")
        throw ExitCode(1)
    }
    if !options.quiet {
        printError("wrote \(path) (\(total) replications: units \(header.first)..<\(header.end) of \(header.units))")
    }
    do { try checkOutcome(outcome) } catch {
        printError("note: the shard is complete; flowsim merge reports these and exits 1, as the command on one machine would")
    }
}

/// `r` without its daily, monthly and occupancy series: all `uncertainty` and `size` read of a replication is
/// its metrics, warnings, stops and broken invariants (decision 196).
func withoutSeries(_ r: ReplicationResult) -> ReplicationResult {
    var slim = r
    slim.daily = []
    slim.monthly = []
    slim.occupancy = []
    return slim
}

/// Appends replications' lines to a shard's temporary file as they come (in replication order, one at a time).
final class ShardWriter: @unchecked Sendable {
    let file: StagedFile
    var failure: Error?
    init(_ file: StagedFile) { self.file = file }

    func append(_ line: String) {
        guard failure == nil else { return }
        do { try file.append(line) } catch { failure = error }
    }
}

/// The checked shard files of one run, replayed in replication order in place of simulating (`flowsim merge`).
struct ShardReplay {
    var files: [(path: String, header: ShardHeader)]
    var header: ShardHeader
    /// A sharded `size` search's folder, which holds its recorded rounds; `files` are then the shards of its
    /// next round (none when every round is recorded, `header` then the last round's).
    var folder: String?

    init(files: [(path: String, header: ShardHeader)], header: ShardHeader? = nil, folder: String? = nil) {
        self.files = files
        self.header = header ?? files[0].header
        self.folder = folder
    }

    /// Exit 2 unless the scenario as loaded now is the one the shards ran.
    func check(fingerprint: String, seed: UInt64, replications: Int) throws {
        let source = files[0].path
        if fingerprint != header.scenarioHash {
            printError("error: \(header.scenario) has changed since the shards ran (fingerprint \(fingerprint), "
                       + "\(source) has \(header.scenarioHash)): run the shards again")
            throw ExitCode(2)
        }
        guard "\(seed)" == header.seed, replications == header.replications else {
            printError("error: \(source): seed \(header.seed) and \(header.replications) replications, but its options give "
                       + "seed \(seed) and \(replications)")
            throw ExitCode(2)
        }
    }

    /// Every scenario's replications in replication order (`compare`: the baseline's first), all in memory.
    func resultsByScenario() throws -> [[ReplicationResult]] {
        var out = Array(repeating: [ReplicationResult](), count: max(header.results, header.points))
        for f in files {
            do {
                for (s, r) in try ShardFile.readEntries(f.path).entries { out[s].append(r) }
            } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
        }
        return out
    }

    /// Adds every replication, shard by shard (one file in memory at a time), to `summaries`.
    func feed(_ summaries: StreamingSummaries) throws -> StreamOutcome {
        let outcome = StreamOutcome()
        for f in files {
            let results: [ReplicationResult]
            do { results = try ShardFile.read(f.path).results } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
            for r in results {
                summaries.add(r)
                outcome.add(r)
            }
        }
        return outcome
    }
}

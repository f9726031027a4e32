import ArgumentParser
import Foundation
import Reporting
#if canImport(Glibc)
import Glibc
#endif

/// `flowsim merge DIR --out OUT`: the files of one run from its shard files, byte for byte.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the shard files of `flowsim run`, `compare`, `sweep`, `uncertainty` or `size --shard K/N` into the files the command writes on one machine.",
        discussion: """
        Reads every *.flowsim-shard file in DIR, checks they come from one run (the same build, scenario, seed,
        options and number of shards) and together hold every replication, then passes the replications in order
        through the command's own summary code: OUT gets the same files, byte for byte, and the command the same
        exit code (summary.json's `created` is the time of the merge unless SOURCE_DATE_EPOCH fixes it). Shards
        missing are listed, as `sbatch --array` takes them (exit 2). Run it where the scenario file is, under
        the path the shards were given.
        A `size` search over several parameters runs in rounds (each needs the ones before): DIR is the search's
        folder; merge records round J's shards (DIR/round-J/) as DIR/round-J.flowsim-shard, then writes what
        `size` writes if the search is finished, or else writes nothing, says so and exits 4: run the same
        `size ... --shard K/N --out DIR` tasks again for the next round, and merge again.

        Examples:
          flowsim run scenarios/mk-baseline.yaml -r 40 --shard 3/8 --out shards/mk
          flowsim merge shards/mk --out results/runs/mk-40
          flowsim compare scenarios/mk-baseline.yaml scenarios/option-vw-expand.yaml -r 40 --shard 0/4 --out shards/vw
          flowsim sweep scenarios/mk-baseline.yaml --set units.frailty_hub.places=20...60:10 -r 20 --shard 5/8 --out shards/fh
          flowsim uncertainty scenarios/mk-baseline.yaml --samples 50 -r 10 --shard 2/8 --out shards/mk-u
        """
    )

    @Argument(help: "The folder of shard files.")
    var folder: String

    @Option(name: .shortAndLong, help: "Folder for the merged files (as `run --out`).")
    var out: String?

    @Flag(name: .shortAndLong, help: "No progress on stderr.")
    var quiet = false

    func run() throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            printError("error: \(folder): not a folder that can be read")
            throw ExitCode(2)
        }
        let shardNames = names.filter { $0.hasSuffix("." + ShardFile.fileExtension) && !$0.hasPrefix(".") }.sorted()
        let replay: ShardReplay
        do {
            // A sharded size search's folder holds rounds (round-J/ and round-J.flowsim-shard), not shards.
            if let rounds = try SearchRounds.replay(of: folder) {
                replay = rounds
            } else {
                guard !shardNames.isEmpty else {
                    printError("error: \(folder): no shard files (*.\(ShardFile.fileExtension)); write them with flowsim run --shard K/N --out \(folder)")
                    throw ExitCode(2)
                }
                let files = try shardNames.map { name in (path: "\(folder)/\(name)", header: try ShardFile.readHeader("\(folder)/\(name)")) }
                replay = ShardReplay(files: try ShardFile.plan(files))
            }
        } catch let error as ShardFile.Problem {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let header = replay.header, source = replay.files.first?.path ?? folder
        guard header.flowsim == Version.full else {
            printError("error: \(source): written by flowsim \(header.flowsim); this is \(Version.full). "
                       + "Merge with the build that ran the shards (results and summaries depend on it)")
            throw ExitCode(2)
        }
        var arguments = header.arguments
        if let out { arguments += ["--out", out] }
        if quiet { arguments.append("--quiet") }
        let command: any Replayable
        do {
            switch header.command {
            case "run": command = try Run.parse(arguments)
            case "compare": command = try Compare.parse(arguments)
            case "sweep": command = try SweepCommand.parse(arguments)
            case "uncertainty": command = try UncertaintyCommand.parse(arguments)
            case "size": command = try Size.parse(arguments)
            default:
                printError("error: \(source): shards of `\(header.command)`; this flowsim merges shards of run, compare, sweep, uncertainty and size")
                throw ExitCode(2)
            }
        } catch let error where !(error is ExitCode) {
            printError("error: \(source): its options do not parse: \(Run.fullMessage(for: error))")
            throw ExitCode(2)
        }
        try command.execute(replay: replay)
    }
}

/// A command `merge` can run with its replications read from shard files.
protocol Replayable {
    func execute(replay: ShardReplay?) throws
}

extension Run: Replayable {}
extension Compare: Replayable {}
extension SweepCommand: Replayable {}
extension UncertaintyCommand: Replayable {}
extension Size: Replayable {}

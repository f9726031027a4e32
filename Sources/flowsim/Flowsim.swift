import ArgumentParser
import Scenario
#if canImport(Glibc)
import Glibc
#endif

@main
struct Flowsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowsim",
        abstract: "Simulate urgent and emergency care flow from scenario files.",
        discussion: """
        Three jobs: compare options (run, compare; uncertainty: the options over samples of what the scenario does not know), size capacity (sweep, size), and regression runs (regress).
        Check files with validate and see what runs with explain.
        Plan runs with replications (how many for a precision) and warmup (how long a warm-up, by MSER-5).
        Scale out: run, compare, sweep, uncertainty and size take --shard K/N (one block of the work per task; size in rounds) and merge joins the shards.

        Exit codes: 0 ok, 1 run failed, 2 bad input or usage, 3 regression drift, 4 a sharded size search needs another round.
        Shell completion: flowsim --generate-completion-script bash|zsh|fish
        """,
        version: Version.full,
        subcommands: [Run.self, Merge.self, Compare.self, SweepCommand.self, Size.self, UncertaintyCommand.self, Replications.self, Warmup.self,
                      Validate.self, Explain.self, Regress.self]
    )

    /// Parses and runs, mapping usage errors to exit code 2 (the parser's default is 64).
    static func main() {
        checkHelpTopic()
        do {
            var command = try parseAsRoot()
            // Commands that run replications or write folders handle interrupts (before they load anything, so
            // an interrupt never leaves temporary files); the others stop at once, as any program does.
            if command is Run || command is Compare || command is SweepCommand || command is Size || command is Regress
                || command is UncertaintyCommand || command is Replications || command is Warmup {
                Interrupts.install()
            }
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                printError(fullMessage(for: error))
                Glibc.exit(2)
            }
            Self.exit(withError: error)
        }
    }

    /// `flowsim help NAME` for a NAME that is not a command is a usage error (the parser prints the general help
    /// and exits 0).
    static func checkHelpTopic() {
        let args = Array(CommandLine.arguments.dropFirst())
        guard args.first == "help", args.count > 1 else { return }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName ?? String(describing: $0).lowercased() }
        let topic = args[1]
        guard !names.contains(topic) && !topic.hasPrefix("-") else { return }
        let hint = Scenario.nearest(topic, in: names).map { "; did you mean '\($0)'?" } ?? ""
        printError("Error: unknown command '\(topic)'\(hint) Commands: \(names.joined(separator: ", ")).")
        Glibc.exit(2)
    }
}

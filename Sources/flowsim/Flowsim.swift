import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

@main
struct Flowsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowsim",
        abstract: "Simulate urgent and emergency care flow from scenario files.",
        discussion: """
        Three jobs: compare options (run, compare), size capacity (sweep, size), and regression runs (regress).
        Check files with validate and see what runs with explain.

        Exit codes: 0 ok, 1 run failed, 2 bad input or usage, 3 regression drift.
        Shell completion: flowsim --generate-completion-script bash|zsh|fish
        """,
        subcommands: [Run.self, Compare.self, SweepCommand.self, Size.self, Validate.self, Explain.self, Regress.self]
    )

    /// Parses and runs, mapping usage errors to exit code 2 (the parser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
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
}

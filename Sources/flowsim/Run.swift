import ArgumentParser
import Dispatch
import PatientFlow
import Reporting
import Scenario

/// `flowsim run SCENARIO`: replications in parallel, every metric with a 95% CI.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and print every metric with its mean and 95% confidence interval.",
        discussion: """
        Examples:
          flowsim run scenarios/mk-baseline.yaml
          flowsim run scenarios/mk-baseline.yaml --replications 20 --seed 7 --jobs 2
        """
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .shortAndLong, help: "Replications (default: the scenario's `replications`).")
    var replications: Int?

    @Option(name: .shortAndLong, help: "Seed for the random streams (default: the scenario's `seed`).")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: "Threads to run replications on (default: all cores). Results do not depend on it.")
    var jobs: Int?

    func validate() throws {
        if let r = replications, r < 1 { throw ValidationError("--replications must be at least 1.") }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1.") }
    }

    func run() throws {
        let loaded = try loadScenario(scenario)
        var spec = loaded.spec
        if let seed { spec.seed = seed }
        let n = replications ?? loaded.replications
        let results = Experiment.run(spec, replications: n, jobs: jobs ?? ProcessInfoLite.cores)
        let summaries = Summaries.metrics(results)
        print(TableWriter.metrics(summaries, title: "\(spec.name): \(n) replications, seed \(spec.seed)"), terminator: "")
        let warnings = Set(results.flatMap(\.warnings)).sorted()
        for w in warnings { printError("warning: \(w)") }
        let broken = results.flatMap(\.invariantViolations)
        if !broken.isEmpty {
            for b in Set(broken).sorted() { printError("error: invariant broken: \(b)") }
            throw ExitCode(1)
        }
    }
}

import ArgumentParser
import Foundation
import PatientFlow
import Scenario

/// `flowsim validate FILE...`: every error of every file.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files and print every error (file:line:column: key: message).",
        discussion: """
        Exit code 0 when every file is valid, 2 when any has errors.

        Examples:
          flowsim validate scenarios/*.yaml
        """
    )

    @Argument(help: "Scenario files.")
    var files: [String] = []

    @OptionGroup var fileOptions: FileOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one scenario file.") }
    }

    func run() throws {
        var bad = 0
        for f in files {
            let errors = Scenario.validate(path: f, allowing: fileOptions.allowDirs)
            if errors.isEmpty {
                print("ok \(f)")
            } else {
                bad += 1
                for e in errors { printError(e.description) }
            }
        }
        if bad > 0 {
            printError("\(bad) of \(files.count) files have errors")
            throw ExitCode(2)
        }
    }
}

/// `flowsim explain SCENARIO`: the scenario as it runs.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the resolved scenario: after extends and overrides, with the defaults the model uses.",
        discussion: """
        The first part is the merged file (every extends applied); the second summarises what runs: the run
        settings and, for each unit, its kind and capacity.

        With --metrics (and no scenario), prints the metric catalogue instead: every metric's id, label, unit,
        better direction and definition, as the tables of docs/metrics.md.

        Examples:
          flowsim explain scenarios/option-vw-expand.yaml
          flowsim explain --metrics
        """
    )

    @Argument(help: "The scenario file.")
    var scenario: String?

    @Flag(help: "Print the metric catalogue (as in docs/metrics.md) instead of a scenario.")
    var metrics = false

    func validate() throws {
        if metrics && scenario != nil { throw ValidationError("Give either a scenario or --metrics, not both.") }
        if !metrics && scenario == nil { throw ValidationError("Missing expected argument '<scenario>'.") }
    }

    @OptionGroup var fileOptions: FileOptions

    func run() throws {
        guard let scenario else {
            print(MetricCatalog.markdownTables(), terminator: "")
            return
        }
        let s = try loadScenario(scenario, allowing: fileOptions.allowDirs)
        print("# \(s.files.joined(separator: " <- extends <- ")) merged")
        print(s.resolved.yaml(), terminator: "")
        let spec = s.spec
        print("\n# What runs (defaults applied)")
        print("# start \(spec.calendar.startDate), warm-up \(spec.warmUp / 1440) d, horizon \(spec.horizon / 1440) d, "
              + "audit at \(Int(spec.auditTime) / 60):\(String(format: "%02d", Int(spec.auditTime) % 60)), seed \(spec.seed), "
              + "replications \(s.replications), generator \(spec.generator.rawValue)")
        print("# attributes: " + spec.attributes.map { "\($0.name) [\($0.levels.joined(separator: ", "))]" }.joined(separator: "; "))
        print("# wait thresholds: " + spec.waitThresholds.map(SystemSpec.thresholdName).joined(separator: ", "))
        for u in spec.units {
            var line = "#   \(u.name): \(u.kind.kindName.rawValue)"
            if let p = u.kind.places {
                switch p {
                case .unlimited: line += ", unlimited places"
                case .schedule(let c): line += ", places \(c.capacity(at: 0)) at the start (at most \(c.maximum))"
                }
            }
            for place in u.kind.placeSpecs where place.initial.occupied + place.initial.queued > 0 {
                let i = place.initial
                line += "; initially\(place.name.isEmpty ? "" : " in " + place.name) \(i.occupied) present ("
                    + (i.patients.isEmpty ? "remaining stays: \(i.remaining.rawValue)" : "\(i.patients.count) listed with elapsed times")
                    + "), \(i.queued) queued"
            }
            print(line)
        }
    }
}

import PatientFlow
import Reporting
import Scenario
import SimCore

/// The flowsim version: the release (bumped with each set of issues landed) and the git commit of the build.
enum Version {
    static let release = "0.13.0"
    static var full: String { "\(release) (\(BuildInfo.commit))" }
}

/// Where a command's results came from: this build, the scenario as it ran (after `--seed` and `--set`) and the
/// settings, for `summary.json` and the report.
func provenance(of loaded: Scenario, path: String, spec: SystemSpec, replications: Int,
                overrides: [String] = []) -> Provenance {
    Provenance(flowsimVersion: Version.full, scenarioPath: path, scenarioHash: loaded.fingerprint, seed: spec.seed,
               replications: replications, horizonDays: spec.horizon / Duration.day, warmUpDays: spec.warmUp / Duration.day,
               startDate: spec.calendar.startDate, overrides: overrides)
}

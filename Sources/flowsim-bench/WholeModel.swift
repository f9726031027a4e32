import PatientFlow
import Scenario
import SimCore

/// The whole-model benchmark: one replication-year of a scenario on one thread (events per second), then
/// `replications` of them on `jobs` threads (wall time), as `scripts/bench` reports.
enum WholeModel {
    static func run(scenarioPath: String, replications: Int, jobs: Int) throws -> [(String, String)] {
        let scenario = try Scenario.load(path: scenarioPath)
        var spec = scenario.spec
        spec.seed = 1
        let years = (spec.warmUp + spec.horizon) / (365 * Duration.day)

        let t0 = MonotonicClock.seconds()
        let single = SystemSimulation(spec: spec, replication: 0).run()
        let singleSeconds = MonotonicClock.seconds() - t0

        let t1 = MonotonicClock.seconds()
        let many = Experiment.run(spec, replications: replications, jobs: jobs)
        let manySeconds = MonotonicClock.seconds() - t1
        let events = many.reduce(0) { $0 + $1.events }

        func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
        return [
            ("engine", "\"flowsim\""), ("model", "\"\(spec.name)\""),
            ("arrivals", "\(single.conservation.created)"), ("events", "\(single.events)"),
            ("sim_seconds", num(singleSeconds)),
            ("events_per_second", num((Double(single.events) / singleSeconds).rounded())),
            ("replication_years", num(years)),
            ("replications", "\(replications)"), ("jobs", "\(jobs)"),
            ("replications_wall_seconds", num(manySeconds)),
            ("replications_events", "\(events)"),
            ("wall_seconds_per_100_replication_years", num(manySeconds / (Double(replications) * years) * 100)),
            ("peak_rss_mb", num(peakRSSMegabytes())),
            ("mean_nctr_percent", num(single.metric("nctr_percent") ?? .nan)),
        ]
    }
}

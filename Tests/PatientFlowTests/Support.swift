import PatientFlow
import SimCore
import Stochastics
import XCTest

let day = Duration.day
let hour = Duration.hour

/// Runs replications and checks the invariants every run must keep: patients conserved, capacities never
/// exceeded (counted by the pool), and time never going back (enforced by preconditions in the engine, so a
/// violation would trap the test).
func runChecked(_ spec: SystemSpec, replications: Int = 4, file: StaticString = #filePath, line: UInt = #line)
    -> [ReplicationResult] {
    let results = Experiment.run(spec, replications: replications, jobs: 2)
    for r in results {
        XCTAssertEqual(r.invariantViolations, [], "replication \(r.replication)", file: file, line: line)
        XCTAssertTrue(r.conservation.holds, "conservation \(r.conservation)", file: file, line: line)
        XCTAssertGreaterThan(r.conservation.created, 0, "a run with no patients tests nothing", file: file, line: line)
    }
    return results
}

/// Mean and standard error of a metric across replications.
func across(_ results: [ReplicationResult], _ id: String) -> (mean: Double, se: Double) {
    let xs = results.compactMap { $0.metric(id) }.filter { !$0.isNaN }
    precondition(xs.count >= 2, "metric \(id) needs values")
    let m = xs.reduce(0, +) / Double(xs.count)
    let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
    return (m, (v / Double(xs.count)).squareRoot())
}

/// The small full chain used by several tests: arrivals -> handover -> ED -> acute (P0/P1/P2) -> services -> exits.
/// Loads: 70 arrivals/day, 14 admissions/day x ~5 d in a bed ~ 70 beds; P1 4.2/day x 10 d ~ 42 places;
/// P2 1.4/day x 20 d ~ 28 beds. The defaults leave headroom; tests shrink a unit to create pressure.
func smallChain(edCubicles: Int? = 16, beds: Int? = 85, reablement: Int? = 60, rehab: Int? = 40,
                p1Delay: Distribution = .exponential(mean: 1 * day), horizon: SimTime = 200 * day,
                warmUp: SimTime = 30 * day, p0Delay: Distribution = .exponential(mean: 4 * hour),
                acuteStay: Distribution = .lognormal(mean: 4 * day, sd: 3 * day),
                independenceLossPerDay: Double = 0) -> SystemSpec {
    var b = SystemBuilder(name: "small-chain", horizon: horizon, warmUp: warmUp)
    b.arrivals("ambulances", perDay: 30, byAmbulance: true,
               mix: ["age_band": ["18-64": 0.4, "65-74": 0.2, "75-84": 0.2, "85+": 0.2]], to: ["handover": 1])
    b.arrivals("walk-ins", perDay: 40, mix: ["age_band": ["18-64": 0.7, "65-74": 0.1, "75-84": 0.1, "85+": 0.1]],
               to: ["ed": 1])
    b.handover("handover", handover: .uniform(low: 5, high: 15), to: ["ed": 1])
    b.emergencyDepartment("ed", cubicles: edCubicles, assessment: .lognormal(mean: 2.5 * hour, sd: 1.5 * hour),
                          to: ["home": 0.8, "acute": 0.2])
    b.acuteWard("acute", beds: beds, acuteStay: acuteStay, pathways: [
        .init("P0", to: "home", share: 0.6, delay: p0Delay, withinDischargeHours: true),
        .init("P1", to: "reablement", share: 0.3, delay: p1Delay, countsFor91Day: true),
        .init("P2", to: "rehab", share: 0.1, delay: .exponential(mean: 2 * day), countsFor91Day: true),
    ], escalation: ["P1": (0.02, "P2")], independenceLossPerDay: independenceLossPerDay)
    b.communityService("reablement", capacity: reablement, stay: .lognormal(mean: 10 * day, sd: 5 * day), to: ["home": 1])
    b.bedded("rehab", beds: rehab, stay: .lognormal(mean: 20 * day, sd: 10 * day), to: ["home": 0.9, "died": 0.1])
    b.exit("home", readmission: 0.2, readmitTo: "ed", death: 0.05, careHomeMove: 0.02)
    b.exit("died", destination: .died)
    return try! b.build()
}

/// Erlang B(c, a) by its recursion B(k) = a B(k-1) / (k + a B(k-1)), and Erlang C from it, C = c B / (c - a (1 - B))
/// (Gross & Harris, "Fundamentals of Queueing Theory", 4th ed., §2.3, §2.6).
func erlangB(_ c: Int, _ a: Double) -> Double {
    var b = 1.0
    for k in stride(from: 1, through: c, by: 1) { b = a * b / (Double(k) + a * b) }
    return b
}

func erlangC(_ c: Int, _ a: Double) -> Double {
    let b = erlangB(c, a)
    return Double(c) * b / (Double(c) - a * (1 - b))
}

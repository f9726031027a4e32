import PatientFlow
import SimCore
import Stochastics
import XCTest

/// The rules for the remaining stays of patients present at the start (`initial`): each against its known
/// answer, from the time each initial occupant leaves (fixed seeds; tolerances of 4 standard errors).
final class InitialStateTests: XCTestCase {
    /// When each initial occupant of `ward` left (its episode "arrives" at the ward itself), in days.
    func departures(stay: Distribution, initial: InitialState, seed: UInt64 = 1) -> [Double] {
        var b = SystemBuilder(name: "initial", horizon: 400 * day, warmUp: 0)
        b.arrivals("in", perDay: 1, to: ["ward": 1])
        b.bedded("ward", beds: nil, stay: stay, to: ["home": 1], initial: initial)
        b.exit("home")
        var spec = try! b.build()
        spec.seed = seed
        let sim = SystemSimulation(spec: spec, replication: 0)
        var initial = Set<Int>(), left: [Double] = []
        sim.trace = { e in
            // A patient present at the start "arrives" at the unit it starts in; the others at the arrivals unit.
            if e.kind == .arrive && e.unit == "ward" { initial.insert(e.episode) }
            if e.kind == .leave && e.unit == "ward" && initial.remove(e.episode) != nil { left.append(e.time / day) }
        }
        let r = sim.run()
        XCTAssertEqual(r.invariantViolations, [])
        return left
    }

    func meanAndSE(_ xs: [Double]) -> (mean: Double, se: Double) {
        let m = xs.reduce(0, +) / Double(xs.count)
        let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
        return (m, (v / Double(xs.count)).squareRoot())
    }

    /// IPACS: a stay L, remaining U(1 day, L). For a fixed L = 5 days: uniform on [1, 5], mean (1 + L) / 2 = 3.
    func testUniformFromOneIsUniformBetweenOneDayAndTheStay() {
        let left = departures(stay: .constant(5 * day), initial: InitialState(occupied: 2000, remaining: .uniformFromOne))
        XCTAssertEqual(left.count, 2000)
        let (m, se) = meanAndSE(left)
        XCTAssertEqual(m, 3, accuracy: 4 * se, "(1 + L) / 2")
        XCTAssertEqual(se, 4 / 12.0.squareRoot() / 2000.0.squareRoot(), accuracy: 0.1 * se, "sd of U(1, 5)")
        XCTAssertGreaterThanOrEqual(left.min()!, 1)
        XCTAssertLessThanOrEqual(left.max()!, 5)
        // With a lognormal L (mean 6 d): E[remaining] = (1 + E[L]) / 2 when L > 1 day almost surely.
        let lognormal = departures(stay: .lognormal(mean: 6 * day, sd: 1 * day),
                                   initial: InitialState(occupied: 2000, remaining: .uniformFromOne))
        let (m2, se2) = meanAndSE(lognormal)
        XCTAssertEqual(m2, 3.5, accuracy: 4 * se2)
    }

    /// The default is unchanged: the equilibrium residual of a fixed stay L is U(0, L), mean L / 2.
    func testEquilibriumIsTheDefault() {
        XCTAssertEqual(InitialState(occupied: 3).remaining, .equilibrium)
        let left = departures(stay: .constant(5 * day), initial: InitialState(occupied: 2000))
        let (m, se) = meanAndSE(left)
        XCTAssertEqual(m, 2.5, accuracy: 4 * se)
        XCTAssertLessThan(left.min()!, 1, "the equilibrium residual can be under a day, IPACS's cannot")
    }

    /// Listed patients with their elapsed time: an exponential stay is memoryless (mean remaining = mean, whatever
    /// has elapsed); a fixed stay L leaves at L - elapsed, at once if elapsed is past L.
    func testListedPatientsLeaveAsTheConditionalStaySays() {
        let long = Array(repeating: InitialPatient(elapsed: 10 * day), count: 2000)
        let exp = departures(stay: .exponential(mean: 4 * day), initial: InitialState(patients: long))
        XCTAssertEqual(exp.count, 2000, "every listed patient is present at the start")
        let (m, se) = meanAndSE(exp)
        XCTAssertEqual(m, 4, accuracy: 4 * se, "memoryless: 4 days left after 10")
        let fixed = departures(stay: .constant(5 * day),
                               initial: InitialState(patients: [InitialPatient(elapsed: 2 * day), InitialPatient(elapsed: 4.5 * day),
                                                                InitialPatient(elapsed: 7 * day)]))
        XCTAssertEqual(fixed.sorted(), [0, 0.5, 3], "L - elapsed, and at once when the stay is already over")
        // Gamma(2, 2 d), elapsed 3 d: E[S - e | S > e] = theta (2 + e/theta) / (1 + e/theta) = 2 * 3.5 / 2.5 = 2.8 d.
        let gamma = departures(stay: .gamma(shape: 2, scale: 2 * day),
                               initial: InitialState(patients: Array(repeating: InitialPatient(elapsed: 3 * day), count: 2000)))
        let (mg, seg) = meanAndSE(gamma)
        XCTAssertEqual(mg, 2.8, accuracy: 4 * seg, "the residual given age, not the whole stay (mean 4) nor the equilibrium one (3)")
    }

    /// Listed patients keep the attributes the file gives them, and the queue still comes after them.
    func testListedPatientsAndAQueue() {
        var b = SystemBuilder(name: "initial", horizon: 30 * day, warmUp: 0)
        b.arrivals("in", perDay: 1, to: ["ward": 1])
        b.bedded("ward", beds: 3, stay: .exponential(mean: 2 * day), to: ["home": 1],
                 initial: InitialState(queued: 2, patients: Array(repeating: InitialPatient(elapsed: day), count: 3)))
        b.exit("home")
        let sim = SystemSimulation(spec: try! b.build(), replication: 0)
        var enteredAtZero = 0
        sim.trace = { e in if e.time == 0 && e.kind == .enter { enteredAtZero += 1 } }
        let r = sim.run()
        XCTAssertEqual(r.invariantViolations, [])
        // Patients present at the start are traced entering at time 0 (docs/trace.md); the queued ones wait.
        XCTAssertEqual(enteredAtZero, 3, "3 listed patients fill the 3 beds; the 2 queued wait")
        XCTAssertEqual(r.conservation.created - r.conservation.left, r.conservation.present)
    }
}

import PatientFlow
import SimCore
import Stochastics
import XCTest

/// Issue 12: a replication always ends. A loop of moves that take no time (which a scenario file cannot hold,
/// but a system built in code can) stops at the instant limit naming its units; a replication can be aborted
/// part-way; patients at the start count against the patient limit before any is made.
final class RunLimitTests: XCTestCase {
    /// a -> b -> a with stays of 0 on unlimited beds: every patient goes round forever at one instant.
    func zeroTimeLoop() throws -> SystemSpec {
        var b = SystemBuilder(name: "loop", horizon: 10 * day, warmUp: 0)
        b.arrivals("door", perDay: 1, to: ["a": 1])
        b.bedded("a", beds: nil, stay: .constant(1), to: ["b": 1])
        b.bedded("b", beds: nil, stay: .constant(1), to: ["a": 1])
        b.exit("home")
        // build() rejects the loop (SystemSpec.problems()), so the stays are set to 0 on the built spec.
        var spec = try b.build()
        for i in spec.units.indices {
            if case .beddedCare(var s) = spec.units[i].kind {
                s.stay = Keyed(.constant(0))
                spec.units[i].kind = .beddedCare(s)
            }
        }
        XCTAssertFalse(spec.problems().isEmpty, "the loop is one problems() sees")
        return spec
    }

    func testAZeroTimeLoopStopsAtTheInstantLimitNamingItsUnits() throws {
        XCTAssertEqual(SystemSimulation.maximumEventsAtOneInstant, 5_000_000)
        let sim = SystemSimulation(spec: try zeroTimeLoop(), replication: 0)
        sim.eventsAtOneInstantLimit = 200_000  // the default takes ~30 s in a debug build
        let start = Date()
        let r = sim.run()
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "it used to spin for ever")
        let stopped = try XCTUnwrap(r.stopped)
        XCTAssertTrue(stopped.contains("more than 200000 events at one instant"), stopped)
        XCTAssertTrue(stopped.contains("units a, b") || stopped.contains("units b, a"), stopped)
        XCTAssertEqual(r.invariantViolations, [])
    }

    func testAnAbortedReplicationEndsPartWay() throws {
        let abort = Cancellation()
        abort.cancel()
        let sim = SystemSimulation(spec: try zeroTimeLoop(), replication: 0)
        sim.abort = abort
        let start = Date()
        _ = sim.run()
        XCTAssertTrue(sim.wasAborted)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        // Experiment drops aborted replications and starts no more.
        let consumed = Experiment.stream(try zeroTimeLoop(), replications: 3, jobs: 1, abort: abort) { _ in
            XCTFail("an aborted replication was handed on")
        }
        XCTAssertEqual(consumed, 0)
    }

    func testPatientsAtTheStartCountAgainstTheLimit() throws {
        var b = SystemBuilder(name: "crowded", horizon: 10 * day, warmUp: 0)
        b.arrivals("door", perDay: 1, to: ["ward": 1])
        b.bedded("ward", beds: nil, stay: .exponential(mean: day), to: ["home": 1],
                 initial: InitialState(occupied: SystemSimulation.maximumPatientsPresent + 1))
        b.exit("home")
        let start = Date()
        let r = SystemSimulation(spec: try b.build(), replication: 0).run()
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "no patient is made")
        XCTAssertTrue(r.stopped?.contains("the units start with \(SystemSimulation.maximumPatientsPresent + 1) patients") ?? false,
                      r.stopped ?? "not stopped")
        XCTAssertEqual(r.conservation.created, 0)
    }

    /// With unlimited beds nobody queues: the stop names the unit holding the patients, not one with 0 waiting.
    func testTheStopNamesTheUnitHoldingThePatients() throws {
        var b = SystemBuilder(name: "hoard", horizon: 30 * day, warmUp: 0)
        b.arrivals("door", perDay: 150_000, to: ["ward": 1])
        b.bedded("clinic", beds: 5, stay: .exponential(mean: hour), to: ["home": 1])
        b.bedded("ward", beds: nil, stay: .constant(1000 * day), to: ["home": 1])
        b.exit("home")
        let r = SystemSimulation(spec: try b.build(), replication: 0).run()
        let stopped = try XCTUnwrap(r.stopped)
        XCTAssertTrue(stopped.contains("the most patients are at unit ward"), stopped)
        XCTAssertFalse(stopped.contains("0 waiting"), stopped)
    }
}

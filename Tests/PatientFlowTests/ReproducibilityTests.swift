@testable import PatientFlow
import Dispatch
import SimCore
import XCTest

final class ReproducibilityTests: XCTestCase {
    /// Same spec + seed = identical results, whatever the number of threads.
    func testResultsDoNotDependOnJobs() {
        let spec = smallChain(horizon: 60 * day, warmUp: 10 * day)
        let one = Experiment.run(spec, replications: 3, jobs: 1)
        let two = Experiment.run(spec, replications: 3, jobs: 2)
        let three = Experiment.run(spec, replications: 3, jobs: 3)
        for (a, (b, c)) in zip(one, zip(two, three)) {
            XCTAssertEqual(a.metrics, b.metrics)
            XCTAssertEqual(a.metrics, c.metrics)
            XCTAssertEqual(a.daily, b.daily)
            XCTAssertEqual(a.events, c.events)
        }
    }

    /// Different replications differ (their streams are independent).
    func testReplicationsDiffer() {
        let r = Experiment.run(smallChain(horizon: 60 * day, warmUp: 10 * day), replications: 2, jobs: 1)
        XCTAssertNotEqual(r[0].metric("ed_attendances"), r[1].metric("ed_attendances"))
    }

    /// Memory follows the patients present: after a long run the entity tables hold only those in the system.
    func testLongRunKeepsOnlyPatientsPresent() {
        let r = SystemSimulation(spec: smallChain(beds: nil, reablement: nil, rehab: nil, horizon: 3 * 365 * day),
                                 replication: 0).run()
        XCTAssertGreaterThan(r.conservation.created, 70_000)
        XCTAssertLessThan(r.conservation.present, 1_000, "only those in the system at the end are kept")
        // People are kept for their 91-day follow-up: ~70/day x 91 d ~ 6,400 at most, never the 70,000+ seen.
        XCTAssertLessThan(r.entitySlots, 20_000, "memory grows with patients present, not patients simulated")
    }
}

/// The hand-off of `Experiment.stream`: replications go to whichever worker is free, and no more than the window
/// are started and not yet passed on, so a slow replication cannot make finished ones pile up without bound.
final class InOrderHandOffTests: XCTestCase {
    func result(_ r: Int) -> ReplicationResult {
        ReplicationResult(replication: r, metrics: [], daily: [], monthly: [], occupancy: [],
                          conservation: Conservation(created: 0, left: 0, present: 0), invariantViolations: [],
                          events: 0, entitySlots: 0, warnings: [], stopped: nil)
    }

    func testAtMostTheWindowIsStartedAheadOfTheFirstNotPassedOn() {
        final class Passed: @unchecked Sendable { var order: [Int] = [] }
        let passed = Passed()
        let order = InOrder(first: 0, replications: 10, ahead: 3) { passed.order.append($0.replication) }
        XCTAssertEqual([order.claim(), order.claim(), order.claim()], [0, 1, 2])
        // Replications 1 and 2 finish while 0 is slow: the window is full, the next claim waits.
        _ = order.add(result(2))
        _ = order.add(result(1))
        let claimed = DispatchSemaphore(value: 0)
        final class Box: @unchecked Sendable { var value: Int? }
        let got = Box()
        DispatchQueue.global().async {
            got.value = order.claim()
            claimed.signal()
        }
        XCTAssertEqual(claimed.wait(timeout: .now() + 0.3), .timedOut, "a fourth replication started past a slow one")
        XCTAssertEqual(passed.order, [], "nothing passed on before replication 0")
        _ = order.add(result(0))
        XCTAssertEqual(claimed.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(got.value, 3)
        XCTAssertEqual(passed.order, [0, 1, 2], "passed on in order once 0 finished")
        for r in 3..<10 {
            if r > 3 { XCTAssertEqual(order.claim(), r) }
            _ = order.add(result(r))
        }
        XCTAssertNil(order.claim(), "all handed out")
        XCTAssertEqual(passed.order, Array(0..<10))
        XCTAssertEqual(order.consumed, 10)
    }
}

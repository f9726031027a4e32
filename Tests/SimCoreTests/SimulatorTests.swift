import SimCore
import Stochastics
import XCTest

/// The clock and the run loop, with both event lists underneath.
final class SimulatorTests: XCTestCase {
    func testRunUntilStopsAtTheEndAndLeavesLaterEventsPending() {
        check(HeapEventList<Int>.self)
        check(SortedArrayEventList<Int>.self)

        func check<L: EventList>(_: L.Type) where L.Payload == Int {
            let sim = Simulator<L>()
            for t in [1.0, 2, 5, 7, 10, 15] { sim.schedule(at: t, Int(t)) }
            var seen: [Int] = []
            let outcome = sim.run(until: 7) { seen.append($0) }
            XCTAssertEqual(outcome, .reachedEnd)
            XCTAssertEqual(seen, [1, 2, 5, 7], "an event exactly at the end time runs")
            XCTAssertEqual(sim.now, 7)
            XCTAssertEqual(sim.pendingEvents, 2)
            XCTAssertEqual(sim.eventsHandled, 4)

            // Ending between events moves the clock to the end time.
            XCTAssertEqual(sim.run(until: 8.5) { seen.append($0) }, .reachedEnd)
            XCTAssertEqual(sim.now, 8.5)
            XCTAssertEqual(seen.count, 4)

            // Continue: the rest runs, then the list is exhausted; the clock stays at the last event.
            XCTAssertEqual(sim.run(until: 100) { seen.append($0) }, .exhausted)
            XCTAssertEqual(seen, [1, 2, 5, 7, 10, 15])
            XCTAssertEqual(sim.now, 15)
            XCTAssertEqual(sim.pendingEvents, 0)
            XCTAssertEqual(sim.run { _ in XCTFail("no events are left") }, .exhausted)
        }
    }

    func testStopReturnsAfterTheCurrentEvent() {
        let sim = Simulator<HeapEventList<Int>>()
        for i in 1...10 { sim.schedule(at: Double(i), i) }
        var seen: [Int] = []
        let outcome = sim.run { k in
            seen.append(k)
            if k == 4 { sim.stop() }
        }
        XCTAssertEqual(outcome, .stopped)
        XCTAssertEqual(seen, [1, 2, 3, 4])
        XCTAssertEqual(sim.now, 4)
        XCTAssertEqual(sim.pendingEvents, 6)
        // A new run starts afresh (the stop request does not linger).
        XCTAssertEqual(sim.run(until: 6) { seen.append($0) }, .reachedEnd)
        XCTAssertEqual(seen, [1, 2, 3, 4, 5, 6])
    }

    func testStopScheduledAsAnEvent() {
        enum E { case work(Int), stop }
        let sim = Simulator<HeapEventList<E>>()
        sim.schedule(at: 5, priority: .stop, .stop)
        sim.schedule(at: 5, priority: .normal, .work(5))
        sim.schedule(at: 6, priority: .normal, .work(6))
        var work: [Int] = []
        let outcome = sim.run { e in
            switch e {
            case .work(let k): work.append(k)
            case .stop: sim.stop()
            }
        }
        XCTAssertEqual(outcome, .stopped)
        XCTAssertEqual(work, [5], "the stop priority runs after other events at the same time")
        XCTAssertEqual(sim.now, 5)
    }

    func testScheduleAfterIsRelativeToNow() {
        let sim = Simulator<HeapEventList<String>>(startTime: 100)
        XCTAssertEqual(sim.now, 100)
        sim.schedule(after: 5, "first")
        var times: [String: SimTime] = [:]
        sim.run { name in
            times[name] = sim.now
            if name == "first" {
                sim.schedule(after: 2.5, "second")
                sim.schedule(after: 0, "same-time")
                sim.schedule(at: 120, "absolute")
            }
        }
        XCTAssertEqual(times, ["first": 105, "second": 107.5, "same-time": 105, "absolute": 120])
    }

    func testSameTimeEventsRunByPriorityThenOrder() {
        let sim = Simulator<HeapEventList<String>>()
        sim.schedule(at: 1, priority: .arrival, "arrival")
        sim.schedule(at: 1, priority: .audit, "audit")
        sim.schedule(at: 1, priority: .release, "release-1")
        sim.schedule(at: 1, priority: .capacityChange, "capacity")
        sim.schedule(at: 1, priority: .release, "release-2")
        var order: [String] = []
        sim.run { e in
            order.append(e)
            // Scheduled now for now: after everything of a lower-or-equal priority already waiting.
            if e == "release-1" { sim.schedule(after: 0, priority: .release, "release-3") }
        }
        XCTAssertEqual(order, ["capacity", "release-1", "release-2", "release-3", "arrival", "audit"])
    }

    func testCancelThroughTheSimulator() {
        let sim = Simulator<HeapEventList<Int>>()
        let timeout = sim.schedule(at: 10, 99)
        sim.schedule(at: 5, 1)
        var seen: [Int] = []
        sim.run { k in
            seen.append(k)
            if k == 1 { XCTAssertTrue(sim.cancel(timeout)) }
        }
        XCTAssertEqual(seen, [1])
        XCTAssertEqual(sim.now, 5)
    }

    /// The usual timeout pattern: a cancelled event reaches the front of the list, and the event behind it
    /// must still run.
    func testACancelledEventDoesNotSwallowTheNextOne() {
        check(HeapEventList<Int>.self)
        check(SortedArrayEventList<Int>.self)

        func check<L: EventList>(_: L.Type) where L.Payload == Int {
            let sim = Simulator<L>()
            let timeout = sim.schedule(at: 1, 1)
            sim.schedule(at: 2, 2)
            sim.schedule(at: 3, 3)
            XCTAssertTrue(sim.cancel(timeout))
            XCTAssertEqual(sim.pendingEvents, 2)
            var seen: [Int] = []
            sim.run { seen.append($0) }
            XCTAssertEqual(seen, [2, 3], "\(L.self)")
        }
    }

    func testResetDropsEventsAndSetsTheClock() {
        let sim = Simulator<HeapEventList<Int>>()
        for i in 0..<5 { sim.schedule(at: Double(i), i) }
        sim.run(until: 2) { _ in }
        sim.reset(to: 50)
        XCTAssertEqual(sim.now, 50)
        XCTAssertEqual(sim.pendingEvents, 0)
        XCTAssertEqual(sim.eventsHandled, 0)
        sim.schedule(after: 1, 7)
        var seen: [Int] = []
        sim.run { seen.append($0) }
        XCTAssertEqual(seen, [7])
        XCTAssertEqual(sim.now, 51)
    }

    /// A random model: each event schedules one or two more at random delays (a quarter of them zero, so
    /// same-time events are common) and random priorities, keeping about 200 pending, and sometimes cancels a
    /// pending one. In every handler the clock never goes back and equals the time the event was scheduled
    /// for; cancelled events never run. The heap and the sorted array see the same history.
    func testTimeNeverGoesBackInARandomModel() {
        func history<L: EventList>(_: L.Type, seed: UInt64) -> [Int]? where L.Payload == Int {
            let s = RandomStream(seed: seed, replication: 0, name: "random-model")
            let sim = Simulator<L>()
            let priorities: [EventPriority] = [.capacityChange, .release, .normal, .arrival, .audit]
            var due: [Int: SimTime] = [:]
            var cancellable: [(id: EventID, event: Int)] = []
            var cancelled = Set<Int>()
            var next = 0
            func add() {
                let delay = s.uniform() < 0.25 ? 0 : s.exponential(mean: 3)
                let id = sim.schedule(after: delay, priority: priorities[s.integer(below: priorities.count)], next)
                due[next] = sim.now + delay
                if s.uniform() < 0.05 { cancellable.append((id, next)) }
                next += 1
            }
            for _ in 0..<200 { add() }
            var last = -Double.infinity
            var log: [Int] = []
            var consistent = true
            let outcome = sim.run(until: 300) { k in
                // Everything scheduled and neither run nor cancelled is pending (k itself was just taken).
                // On a mismatch the list has lost an event: stop, as cancelling a lost event would trip
                // HeapEventList's debug assertion.
                guard sim.pendingEvents == due.count - 1 else {
                    XCTFail("\(L.self) seed \(seed): \(due.count - 1 - sim.pendingEvents) event(s) lost by t = \(sim.now)")
                    consistent = false
                    return sim.stop()
                }
                XCTAssertFalse(cancelled.contains(k), "a cancelled event ran")
                XCTAssertGreaterThanOrEqual(sim.now, last, "time went back")
                XCTAssertEqual(sim.now, due[k], "an event runs at the time it was scheduled for")
                due[k] = nil
                last = sim.now
                log.append(k)
                add()
                if sim.pendingEvents < 200 && s.uniform() < 0.5 { add() }
                // Cancel an event that has not run yet.
                if let c = cancellable.popLast(), due[c.event] != nil {
                    XCTAssertTrue(sim.cancel(c.id))
                    due[c.event] = nil
                    cancelled.insert(c.event)
                }
            }
            guard consistent else { return nil }
            XCTAssertEqual(outcome, .reachedEnd)
            XCTAssertEqual(sim.now, 300)
            XCTAssertEqual(sim.pendingEvents, due.count, "pending = scheduled - run - cancelled")
            XCTAssertGreaterThan(cancelled.count, 10, "the model cancels events")
            return log
        }
        for seed in 0..<4 as Range<UInt64> {
            guard let sorted = history(SortedArrayEventList<Int>.self, seed: seed),
                  let heap = history(HeapEventList<Int>.self, seed: seed) else { continue }
            XCTAssertGreaterThan(sorted.count, 5000, "the model does something")
            XCTAssertEqual(heap, sorted)
        }
    }
}

import SimCore
import Stochastics
import XCTest

/// Entity storage that reuses slots, and the engine's promise that memory follows the number of entities in
/// the system, never the number ever simulated.
final class EntityTableTests: XCTestCase {
    func testInsertRemoveAndSlotReuse() {
        let table = EntityTable<String>()
        let a = table.insert("a"), b = table.insert("b"), c = table.insert("c")
        XCTAssertEqual([a, b, c], [0, 1, 2])
        XCTAssertEqual(table.count, 3)
        XCTAssertEqual(table[b], "b")
        XCTAssertEqual(table.remove(b), "b")
        XCTAssertFalse(table.contains(b))
        XCTAssertFalse(table.contains(-1))
        XCTAssertFalse(table.contains(99))
        XCTAssertEqual(table.count, 2)
        let d = table.insert("d")
        XCTAssertEqual(d, b, "a freed slot is reused")
        XCTAssertEqual(table.slotCount, 3)
        table[d] += "!"
        XCTAssertEqual(table[d], "d!")
        XCTAssertEqual(table.entities.map(\.id), [0, 1, 2])
        XCTAssertEqual(table.entities.map(\.element), ["a", "d!", "c"])
    }

    /// An M/M/1 queue (lambda 0.9, mu 1) through 200,000 customers, each with its state in an EntityTable.
    /// The table's slots equal the peak number in the system (a few dozen at rho 0.9; P(N >= 1000) is
    /// 0.9^1000 ~ 1e-46 at any instant), and at most one arrival and one departure are ever pending.
    func testMemoryDoesNotGrowWithEntitiesEverSimulated() {
        struct Customer { var arrival: SimTime; var started: SimTime? }
        enum Event { case arrival, departure(Int) }
        let arrivals = RandomStream(seed: 61, replication: 0, name: "arrivals")
        let service = RandomStream(seed: 61, replication: 0, name: "service")
        let sim = Simulator<HeapEventList<Event>>()
        let pool = ResourcePool()
        let server = pool.add(name: "server", capacity: 1)
        let customers = EntityTable<Customer>()
        let n = 200_000
        var arrived = 0, departed = 0, peak = 0, maxPending = 0
        var sojourn = Tally()

        func startService(_ id: Int) {
            customers[id].started = sim.now
            sim.schedule(after: service.exponential(mean: 1), priority: .release, .departure(id))
        }
        sim.schedule(after: arrivals.exponential(mean: 1 / 0.9), priority: .arrival, .arrival)
        let outcome = sim.run { event in
            switch event {
            case .arrival:
                arrived += 1
                if arrived < n { sim.schedule(after: arrivals.exponential(mean: 1 / 0.9), priority: .arrival, .arrival) }
                let id = customers.insert(Customer(arrival: sim.now, started: nil))
                peak = max(peak, customers.count)
                if pool.request(server, entity: id, at: sim.now) { startService(id) }
            case .departure(let id):
                let c = customers.remove(id)
                XCTAssertNotNil(c.started)
                sojourn.add(sim.now - c.arrival)
                departed += 1
                pool.release(server, at: sim.now)
                while let g = pool.nextGrant() { startService(g.entity) }
            }
            maxPending = max(maxPending, sim.pendingEvents)
        }
        XCTAssertEqual(outcome, .exhausted)
        XCTAssertEqual(departed, n)
        XCTAssertEqual(sojourn.count, n)
        XCTAssertEqual(customers.count, 0)
        XCTAssertEqual(customers.slotCount, peak, "slots = the peak number present at once")
        XCTAssertLessThan(customers.slotCount, 1000)
        XCTAssertLessThanOrEqual(maxPending, 2, "one arrival and one departure at most")
        XCTAssertEqual(sim.pendingEvents, 0)
        XCTAssertEqual(sim.eventsHandled, 2 * n)
        XCTAssertEqual(pool.queueLength(server), 0)
    }
}

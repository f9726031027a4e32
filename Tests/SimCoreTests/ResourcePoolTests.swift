import SimCore
import Stochastics
import XCTest

/// Queues, priorities, blocking after service, capacity changes and the pool's statistics.
final class ResourcePoolTests: XCTestCase {
    /// A `Grant`'s fields (Grant has no public initialiser to build expected values with).
    struct G: Equatable {
        var resource: ResourceID, entity: Int, requestedAt: SimTime, released: ResourceID?
    }

    /// Drains the grants produced by the last calls, oldest first.
    func grants(_ pool: ResourcePool) -> [G] {
        var out: [G] = []
        while let g = pool.nextGrant() {
            out.append(G(resource: g.resource, entity: g.entity, requestedAt: g.requestedAt, released: g.released))
        }
        XCTAssertEqual(pool.pendingGrants, 0)
        return out
    }

    func grant(_ r: ResourceID, _ entity: Int, askedAt t: SimTime, released: ResourceID? = nil) -> G {
        G(resource: r, entity: entity, requestedAt: t, released: released)
    }

    // MARK: Queues

    func testFIFOOrder() {
        let pool = ResourcePool()
        let desk = pool.add(name: "desk", capacity: 1)
        XCTAssertEqual(pool.count, 1)
        XCTAssertEqual(pool.name(desk), "desk")
        XCTAssertTrue(pool.request(desk, entity: 1, at: 0))
        XCTAssertEqual(grants(pool), [], "an immediate grant is reported by the return value only")
        for e in 2...4 { XCTAssertFalse(pool.request(desk, entity: e, at: Double(e - 1))) }
        XCTAssertEqual(pool.waitingEntities(desk), [2, 3, 4])
        XCTAssertEqual(pool.queueLength(desk), 3)
        XCTAssertEqual(pool.busy(desk), 1)
        XCTAssertEqual(pool.free(desk), 0)

        pool.release(desk, at: 5)
        XCTAssertEqual(grants(pool), [grant(desk, 2, askedAt: 1)])
        XCTAssertEqual(pool.busy(desk), 1, "the place passed straight on")
        pool.release(desk, at: 6)
        pool.release(desk, at: 7)
        XCTAssertEqual(grants(pool), [grant(desk, 3, askedAt: 2), grant(desk, 4, askedAt: 3)],
                       "grants queue up until the model drains them")
        pool.release(desk, at: 8)
        XCTAssertEqual(grants(pool), [])
        XCTAssertEqual(pool.busy(desk), 0)
        XCTAssertEqual(pool.free(desk), 1)
        XCTAssertTrue(pool.request(desk, entity: 5, at: 9), "a free place with nobody waiting is taken at once")
        XCTAssertEqual(pool.grantsBeyondCapacity(desk), 0)
    }

    func testPriorityDisciplineLowerValueFirstFIFOAmongEquals() {
        let pool = ResourcePool()
        let bed = pool.add(name: "bed", capacity: 1, discipline: .priority)
        XCTAssertTrue(pool.request(bed, entity: 0, at: 0, priority: 9))
        let asks: [(entity: Int, priority: Int)] = [(1, 5), (2, 1), (3, 5), (4, 1), (5, 0), (6, -2), (7, 5)]
        for (k, a) in asks.enumerated() {
            XCTAssertFalse(pool.request(bed, entity: a.entity, at: Double(k + 1), priority: a.priority))
        }
        let expected = [6, 5, 2, 4, 1, 3, 7]
        XCTAssertEqual(pool.waitingEntities(bed), expected)
        var served: [Int] = []
        for t in 10..<17 {
            pool.release(bed, at: Double(t))
            served += grants(pool).map(\.entity)
        }
        XCTAssertEqual(served, expected)
        XCTAssertEqual(pool.queueLength(bed), 0)
    }

    /// Random interleavings of requests (priorities 0-4) and releases on a priority queue, against a reference
    /// that serves the smallest (priority, arrival order).
    func testPriorityQueueMatchesAReferenceOrder() {
        for seed in 0..<40 {
            let s = RandomStream(seed: UInt64(seed), replication: 0, name: "priority")
            let pool = ResourcePool()
            let r = pool.add(name: "r", capacity: 2, discipline: .priority)
            var waiting: [(priority: Int, order: Int)] = []
            var busy = 0, t = 0.0
            for order in 0..<300 {
                t += 1
                if s.uniform() < 0.55 {
                    let p = s.integer(below: 5)
                    let now = pool.request(r, entity: order, at: t, priority: p)
                    XCTAssertEqual(now, busy < 2 && waiting.isEmpty)
                    if now { busy += 1 } else { waiting.append((p, order)) }
                } else if busy > 0 {
                    pool.release(r, at: t)
                    let g = grants(pool)
                    if let k = waiting.indices.min(by: { (waiting[$0].priority, waiting[$0].order) < (waiting[$1].priority, waiting[$1].order) }) {
                        XCTAssertEqual(g.map(\.entity), [waiting[k].order], "seed \(seed)")
                        waiting.remove(at: k)
                    } else {
                        XCTAssertEqual(g, [])
                        busy -= 1
                    }
                }
                XCTAssertEqual(pool.busy(r), busy)
                XCTAssertEqual(pool.queueLength(r), waiting.count)
            }
        }
    }

    // MARK: Blocking after service

    func testBlockedEntitiesKeepTheirPlaceAndGetTheNextInTheOrderTheyBlocked() {
        let pool = ResourcePool()
        let a = pool.add(name: "A", capacity: 2)
        let b = pool.add(name: "B", capacity: 1)
        XCTAssertTrue(pool.request(a, entity: 1, at: 0))
        XCTAssertTrue(pool.request(a, entity: 2, at: 0))
        XCTAssertTrue(pool.request(b, entity: 9, at: 0))
        XCTAssertFalse(pool.request(a, entity: 3, at: 0.5), "A is full")

        // 1 and 2 finish in A and want B, which is full: they block, keeping their A beds.
        XCTAssertFalse(pool.request(b, entity: 1, at: 1, releasing: a))
        XCTAssertFalse(pool.request(b, entity: 2, at: 2, releasing: a))
        XCTAssertEqual(pool.busy(a), 2, "blocked entities keep their place")
        XCTAssertEqual(pool.waitingEntities(a), [3])
        // A newcomer for B queues behind them.
        XCTAssertFalse(pool.request(b, entity: 7, at: 3))
        XCTAssertEqual(pool.waitingEntities(b), [1, 2, 7])
        XCTAssertEqual(grants(pool), [])

        // B frees: 1 gets B and gives up its A bed, which passes to 3 at the same instant.
        pool.release(b, at: 4)
        XCTAssertEqual(grants(pool), [grant(b, 1, askedAt: 1, released: a), grant(a, 3, askedAt: 0.5)])
        XCTAssertEqual(pool.busy(a), 2)
        XCTAssertEqual(pool.busy(b), 1)
        // B frees again: 2 gets it; nobody waits for A, so A's bed is freed.
        pool.release(b, at: 5)
        XCTAssertEqual(grants(pool), [grant(b, 2, askedAt: 2, released: a)])
        XCTAssertEqual(pool.busy(a), 1)
        pool.release(b, at: 6)
        XCTAssertEqual(grants(pool), [grant(b, 7, askedAt: 3)])
        XCTAssertEqual(pool.busy(a), 1)
        XCTAssertEqual(pool.grantsBeyondCapacity(a) + pool.grantsBeyondCapacity(b), 0)
    }

    func testAnImmediateGrantReleasesTheOldPlaceAtOnce() {
        let pool = ResourcePool()
        let a = pool.add(name: "A", capacity: 1)
        let b = pool.add(name: "B", capacity: 1)
        XCTAssertTrue(pool.request(a, entity: 1, at: 0))
        XCTAssertFalse(pool.request(a, entity: 2, at: 1))
        XCTAssertTrue(pool.request(b, entity: 1, at: 3, releasing: a), "B is free: granted now")
        XCTAssertEqual(grants(pool), [grant(a, 2, askedAt: 1)], "A passed on to the next in line")
        XCTAssertEqual(pool.busy(a), 1)
        XCTAssertEqual(pool.busy(b), 1)
        // Without a queue, the released place is simply freed.
        XCTAssertTrue(pool.request(b, entity: 2, at: 4, releasing: a) == false)
        pool.release(b, at: 5)
        XCTAssertEqual(grants(pool), [grant(b, 2, askedAt: 4, released: a)])
        XCTAssertEqual(pool.busy(a), 0)
    }

    /// C frees -> the entity blocked in B moves to C -> the entity blocked in A moves to B -> the first in the
    /// queue for A gets A: one release, three grants, in that order, all at the same instant, and no resource
    /// ever shows an empty place in between.
    func testCascadeAcrossThreeResources() {
        let pool = ResourcePool()
        let a = pool.add(name: "A", capacity: 1)
        let b = pool.add(name: "B", capacity: 1)
        let c = pool.add(name: "C", capacity: 1)
        XCTAssertTrue(pool.request(c, entity: 0, at: 0))
        XCTAssertTrue(pool.request(b, entity: 1, at: 0))
        XCTAssertTrue(pool.request(a, entity: 2, at: 0))
        XCTAssertFalse(pool.request(c, entity: 1, at: 1, releasing: b))
        XCTAssertFalse(pool.request(b, entity: 2, at: 2, releasing: a))
        XCTAssertFalse(pool.request(a, entity: 3, at: 3))
        pool.release(c, at: 4)
        XCTAssertEqual(grants(pool), [grant(c, 1, askedAt: 1, released: b), grant(b, 2, askedAt: 2, released: a),
                                      grant(a, 3, askedAt: 3)])
        for r in [a, b, c] {
            XCTAssertEqual(pool.busy(r), 1)
            XCTAssertEqual(pool.queueLength(r), 0)
            XCTAssertEqual(pool.busyStatistic(r).mean(at: 10), 1, accuracy: 1e-12, "\(pool.name(r)) was never empty")
        }
    }

    // MARK: Withdrawal

    func testWithdraw() {
        let pool = ResourcePool()
        let r = pool.add(name: "r", capacity: 1)
        XCTAssertTrue(pool.request(r, entity: 1, at: 0))
        for e in 2...4 { XCTAssertFalse(pool.request(r, entity: e, at: 1)) }
        XCTAssertTrue(pool.withdraw(r, entity: 3, at: 2))
        XCTAssertEqual(pool.waitingEntities(r), [2, 4])
        XCTAssertEqual(pool.queueLength(r), 2)
        XCTAssertFalse(pool.withdraw(r, entity: 3, at: 2), "no longer waiting")
        XCTAssertFalse(pool.withdraw(r, entity: 1, at: 2), "the holder is not waiting")
        pool.release(r, at: 3)
        pool.release(r, at: 4)
        XCTAssertEqual(grants(pool).map(\.entity), [2, 4])

        // Priority queue: the others keep their order.
        let p = pool.add(name: "p", capacity: 1, discipline: .priority, at: 4)
        XCTAssertTrue(pool.request(p, entity: 0, at: 5))
        for (e, prio) in [(1, 3), (2, 1), (3, 2), (4, 1), (5, 0)] { pool.request(p, entity: e, at: 5, priority: prio) }
        XCTAssertTrue(pool.withdraw(p, entity: 4, at: 6))
        XCTAssertTrue(pool.withdraw(p, entity: 5, at: 6))
        XCTAssertEqual(pool.waitingEntities(p), [2, 3, 1])
        for t in 7...9 { pool.release(p, at: Double(t)) }
        XCTAssertEqual(grants(pool).map(\.entity), [2, 3, 1])
    }

    func testABlockedEntityThatWithdrawsKeepsItsPlace() {
        let pool = ResourcePool()
        let a = pool.add(name: "A", capacity: 1)
        let b = pool.add(name: "B", capacity: 1)
        XCTAssertTrue(pool.request(a, entity: 1, at: 0))
        XCTAssertTrue(pool.request(b, entity: 9, at: 0))
        XCTAssertFalse(pool.request(a, entity: 2, at: 0))
        XCTAssertFalse(pool.request(b, entity: 1, at: 1, releasing: a))
        XCTAssertTrue(pool.withdraw(b, entity: 1, at: 2))
        XCTAssertEqual(pool.busy(a), 1, "withdrawing from B does not give up A")
        XCTAssertEqual(grants(pool), [])
        pool.release(b, at: 3)
        XCTAssertEqual(grants(pool), [], "nobody waits for B any more")
        pool.release(a, at: 4)
        XCTAssertEqual(grants(pool), [grant(a, 2, askedAt: 0)])
    }

    // MARK: Capacity changes

    func testCapacityIncreaseGrantsWaitingEntities() {
        let pool = ResourcePool()
        let r = pool.add(name: "r", capacity: 1)
        let x = pool.add(name: "x", capacity: 1)
        XCTAssertTrue(pool.request(r, entity: 1, at: 0))
        XCTAssertFalse(pool.request(r, entity: 2, at: 1))
        XCTAssertTrue(pool.request(x, entity: 3, at: 1))
        XCTAssertFalse(pool.request(r, entity: 3, at: 2, releasing: x))  // 3 blocks in x
        XCTAssertFalse(pool.request(x, entity: 5, at: 2.5))  // 5 waits for x
        XCTAssertFalse(pool.request(r, entity: 4, at: 3))
        pool.setCapacity(r, 3, at: 5)
        XCTAssertEqual(pool.capacity(r), 3)
        XCTAssertEqual(grants(pool), [grant(r, 2, askedAt: 1), grant(r, 3, askedAt: 2, released: x),
                                      grant(x, 5, askedAt: 2.5)],
                       "two new places go to the first two in line; 3's release of x passes x on")
        XCTAssertEqual(pool.busy(r), 3)
        XCTAssertEqual(pool.waitingEntities(r), [4])
        XCTAssertEqual(pool.busy(x), 1)
        XCTAssertEqual(pool.grantsBeyondCapacity(r), 0)
    }

    func testCapacityDecreaseNeverEvictsButBlocksNewGrants() {
        let pool = ResourcePool()
        let r = pool.add(name: "r", capacity: 3)
        for e in 1...3 { XCTAssertTrue(pool.request(r, entity: e, at: 0)) }
        XCTAssertFalse(pool.request(r, entity: 4, at: 1))
        pool.setCapacity(r, 1, at: 2)
        XCTAssertEqual(grants(pool), [])
        XCTAssertEqual(pool.busy(r), 3, "nobody is evicted")
        XCTAssertEqual(pool.free(r), 0)
        XCTAssertFalse(pool.request(r, entity: 5, at: 3), "no new grant while busy >= capacity")
        pool.release(r, at: 4)
        XCTAssertEqual(grants(pool), [], "busy 3 -> 2, still above capacity 1")
        XCTAssertEqual(pool.busy(r), 2)
        pool.release(r, at: 5)
        XCTAssertEqual(grants(pool), [], "busy 2 -> 1 = capacity")
        XCTAssertEqual(pool.busy(r), 1)
        pool.release(r, at: 6)
        XCTAssertEqual(grants(pool), [grant(r, 4, askedAt: 1)], "below capacity again: the place passes on")
        XCTAssertEqual(pool.busy(r), 1)

        // Capacity 0 closes the resource; reopening grants the queue.
        pool.setCapacity(r, 0, at: 7)
        pool.release(r, at: 8)
        XCTAssertEqual(grants(pool), [])
        XCTAssertEqual(pool.busy(r), 0)
        XCTAssertEqual(pool.waitingEntities(r), [5])
        XCTAssertFalse(pool.request(r, entity: 6, at: 9))
        pool.setCapacity(r, 2, at: 10)
        XCTAssertEqual(grants(pool).map(\.entity), [5, 6])
        XCTAssertEqual(pool.grantsBeyondCapacity(r), 0)
        XCTAssertEqual(pool.busyStatistic(r).max, 3)
    }

    // MARK: Statistics

    func testBusyAndQueueStatisticsOnAHandExample() {
        let pool = ResourcePool()
        let r = pool.add(name: "r", capacity: 1)
        pool.request(r, entity: 1, at: 0)   // busy 1
        pool.request(r, entity: 2, at: 2)   // queue 1
        pool.request(r, entity: 3, at: 3)   // queue 2
        pool.release(r, at: 5)              // 2 served: queue 1
        pool.release(r, at: 6)              // 3 served: queue 0
        pool.release(r, at: 9)              // busy 0
        XCTAssertEqual(grants(pool).count, 2)
        // Busy: 1 on [0, 9], 0 on [9, 10]: mean 0.9, E[X^2] 0.9, variance 0.09.
        let busy = pool.busyStatistic(r)
        XCTAssertEqual(busy.mean(at: 10), 0.9, accuracy: 1e-12)
        XCTAssertEqual(busy.variance(at: 10), 0.09, accuracy: 1e-12)
        XCTAssertEqual(busy.max, 1)
        // Queue: 0 [0,2], 1 [2,3], 2 [3,5], 1 [5,6], 0 [6,10]: area 6, mean 0.6; E[Q^2] = (1 + 8 + 1) / 10 = 1.
        let queue = pool.queueStatistic(r)
        XCTAssertEqual(queue.mean(at: 10), 0.6, accuracy: 1e-12)
        XCTAssertEqual(queue.variance(at: 10), 1 - 0.36, accuracy: 1e-12)
        XCTAssertEqual(queue.max, 2)

        // Two servers: busy 1 [0,2], 2 [2,5], 1 [5,6], 2 [6,10]: mean 17/10, E[X^2] 31/10, variance 0.21.
        let two = pool.add(name: "two", capacity: 2, at: 10)
        pool.request(two, entity: 1, at: 10)
        pool.request(two, entity: 2, at: 12)
        pool.release(two, at: 15)
        pool.request(two, entity: 3, at: 16)
        XCTAssertEqual(pool.busyStatistic(two).start, 10)
        XCTAssertEqual(pool.busyStatistic(two).mean(at: 20), 1.7, accuracy: 1e-12)
        XCTAssertEqual(pool.busyStatistic(two).variance(at: 20), 0.21, accuracy: 1e-12)

        // A warm-up reset at 20 keeps the current values and counts only what follows: busy 2 on [20, 22],
        // 1 on [22, 25] -> 7/5.
        pool.resetStatistics(at: 20)
        pool.release(two, at: 22)
        XCTAssertEqual(pool.busyStatistic(two).start, 20)
        XCTAssertEqual(pool.busyStatistic(two).mean(at: 25), 1.4, accuracy: 1e-12)
        XCTAssertEqual(pool.busyStatistic(r).mean(at: 25), 0, accuracy: 1e-12)
        XCTAssertEqual(pool.queueStatistic(r).mean(at: 25), 0, accuracy: 1e-12)
    }

    // MARK: Invariants under random use

    /// Model-based test: 30 entities request (sometimes keeping the place they hold: blocking), release,
    /// withdraw, and capacities change, at random, over two FIFO resources and one priority resource. A
    /// reference tracks what each entity holds and waits for; after every operation the pool must agree:
    /// busy = places held (blocked holders included), the queues hold exactly the waiting entities in their
    /// order, every grant goes to an entity waiting for it and releases what it kept, nobody waits while a
    /// place is free, busy grows only below capacity, and grantsBeyondCapacity stays 0.
    func testInvariantsUnderRandomOperations() {
        struct Entity { var holds: Int?; var waitsFor: Int?; var keeps: Int?; var order = 0; var priority = 0 }
        var blockedGrants = 0, withdrawals = 0, overCapacitySteps = 0, capacityGrants = 0
        for seed in 0..<60 {
            let s = RandomStream(seed: UInt64(seed), replication: 0, name: "pool-invariants")
            let pool = ResourcePool()
            let ids = [pool.add(name: "a", capacity: 2), pool.add(name: "b", capacity: 1),
                       pool.add(name: "c", capacity: 2, discipline: .priority)]
            var entities = [Entity](repeating: Entity(), count: 30)
            var t = 0.0, order = 0
            for step in 0..<400 {
                t += s.uniform() < 0.3 ? 0 : 1
                let busyBefore = ids.map { pool.busy($0) }, capacityBefore = ids.map { pool.capacity($0) }
                let queueBefore = ids.map { pool.queueLength($0) }
                let e = s.integer(below: entities.count)
                let op = s.uniform()
                var capacityChanged = -1
                if op < 0.1 {
                    let r = s.integer(below: 3)
                    pool.setCapacity(ids[r], s.integer(below: 4), at: t)
                    capacityChanged = r
                } else if entities[e].waitsFor != nil {
                    if op < 0.3 {
                        XCTAssertTrue(pool.withdraw(ids[entities[e].waitsFor!], entity: e, at: t))
                        withdrawals += 1
                        entities[e].waitsFor = nil
                        entities[e].keeps = nil
                    }
                } else if let h = entities[e].holds, op < 0.55 {
                    pool.release(ids[h], at: t)
                    entities[e].holds = nil
                } else {
                    let r = s.integer(below: 3)
                    guard r != entities[e].holds else { continue }
                    let keep = entities[e].holds
                    let p = s.integer(below: 3)
                    let now = pool.request(ids[r], entity: e, at: t, priority: p, releasing: keep.map { ids[$0] })
                    XCTAssertEqual(now, busyBefore[r] < capacityBefore[r] && queueBefore[r] == 0,
                                   "seed \(seed) step \(step): granted at once exactly when a place is free")
                    if now {
                        entities[e].holds = r
                    } else {
                        entities[e].waitsFor = r
                        entities[e].keeps = keep
                        entities[e].order = order
                        entities[e].priority = p
                        order += 1
                    }
                }
                while let g = pool.nextGrant() {
                    let r = g.resource.index, k = g.entity
                    if g.released != nil { blockedGrants += 1 }
                    if capacityChanged >= 0 { capacityGrants += 1 }
                    XCTAssertEqual(entities[k].waitsFor, r, "seed \(seed) step \(step): grant to a waiting entity")
                    XCTAssertEqual(g.released?.index, entities[k].keeps, "seed \(seed) step \(step)")
                    XCTAssertEqual(g.released?.index, entities[k].holds, "seed \(seed) step \(step)")
                    entities[k].holds = r
                    entities[k].waitsFor = nil
                    entities[k].keeps = nil
                }
                for (r, id) in ids.enumerated() {
                    let holders = entities.filter { $0.holds == r }.count
                    let waiting = entities.enumerated().filter { $0.element.waitsFor == r }
                    XCTAssertEqual(pool.busy(id), holders, "seed \(seed) step \(step): busy(\(r))")
                    let expectedOrder = waiting.sorted { x, y in
                        r == 2 ? (x.element.priority, x.element.order) < (y.element.priority, y.element.order)
                               : x.element.order < y.element.order
                    }.map(\.offset)
                    XCTAssertEqual(pool.waitingEntities(id), expectedOrder, "seed \(seed) step \(step): queue(\(r))")
                    XCTAssertEqual(pool.queueLength(id), waiting.count)
                    if pool.busy(id) < pool.capacity(id) {
                        XCTAssertEqual(pool.queueLength(id), 0, "seed \(seed) step \(step): nobody waits beside a free place")
                    }
                    // Busy grows only up to the capacity; so it can exceed the capacity only after a reduction,
                    // and then it never grows.
                    if pool.busy(id) > busyBefore[r] {
                        XCTAssertLessThanOrEqual(pool.busy(id), pool.capacity(id), "seed \(seed) step \(step)")
                    }
                    if pool.busy(id) > pool.capacity(id) && busyBefore[r] <= capacityBefore[r] {
                        XCTAssertEqual(capacityChanged, r, "seed \(seed) step \(step): over capacity only after a reduction")
                    }
                    XCTAssertEqual(pool.grantsBeyondCapacity(id), 0)
                    if pool.busy(id) > pool.capacity(id) { overCapacitySteps += 1 }
                }
            }
        }
        // The random walk reached the interesting states.
        XCTAssertGreaterThan(blockedGrants, 100)
        XCTAssertGreaterThan(withdrawals, 100)
        XCTAssertGreaterThan(overCapacitySteps, 100)
        XCTAssertGreaterThan(capacityGrants, 100)
    }

    /// An unmonitored resource grants and queues exactly as a monitored one, and keeps no time-weighted statistics.
    func testUnmonitoredResourceBehavesTheSameWithoutStatistics() {
        let watched = ResourcePool(), quiet = ResourcePool()
        let a = watched.add(name: "a", capacity: 1), b = quiet.add(name: "b", capacity: 1, monitored: false)
        for (pool, r) in [(watched, a), (quiet, b)] {
            XCTAssertTrue(pool.request(r, entity: 1, at: 0))
            XCTAssertFalse(pool.request(r, entity: 2, at: 1))
            pool.release(r, at: 3)
            XCTAssertEqual(pool.nextGrant()?.entity, 2)
            XCTAssertEqual(pool.busy(r), 1)
        }
        // Busy 1 from 0 to 4: the monitored mean is 1; the unmonitored statistic never moved from its start.
        XCTAssertEqual(watched.busyStatistic(a).mean(at: 4), 1, accuracy: 1e-12)
        XCTAssertEqual(watched.queueStatistic(a).mean(at: 4), 0.5, accuracy: 1e-12, "one waiting from 1 to 3")
        XCTAssertEqual(quiet.busyStatistic(b).mean(at: 4), 0)
        XCTAssertEqual(quiet.queueStatistic(b).mean(at: 4), 0)
    }

    // MARK: Overflow, turnaround, acceptance

    /// A request for a full resource takes a free place of a resource it may overflow into; never of one it
    /// may not. A freed place serves its own queue before the queues that overflow into it.
    func testOverflowTakesAllowedFreePlacesOnly() {
        let pool = ResourcePool()
        let medicine = pool.add(name: "medicine", capacity: 1), surgery = pool.add(name: "surgery", capacity: 1)
        let frailty = pool.add(name: "frailty", capacity: 1)
        pool.setOverflow(medicine, to: [surgery])
        XCTAssertEqual(pool.requestPlace(medicine, entity: 1, at: 0), medicine)
        XCTAssertEqual(pool.requestPlace(medicine, entity: 2, at: 1), surgery, "home full: the allowed pool")
        XCTAssertNil(pool.requestPlace(medicine, entity: 3, at: 2), "frailty is free but not allowed")
        XCTAssertEqual(pool.busy(frailty), 0)
        XCTAssertNil(pool.requestPlace(surgery, entity: 4, at: 3), "surgery's own patient waits for surgery")
        pool.release(surgery, at: 4)
        XCTAssertEqual(grants(pool), [grant(surgery, 4, askedAt: 3)], "own queue first")
        pool.release(surgery, at: 5)
        XCTAssertEqual(grants(pool), [grant(surgery, 3, askedAt: 2)], "then the queue that overflows into it")
        XCTAssertEqual(pool.queueLength(medicine), 0)
        for r in [medicine, surgery, frailty] { XCTAssertEqual(pool.grantsBeyondCapacity(r), 0) }
    }

    /// Overflow with blocking: the grant in the other resource releases the place held.
    func testOverflowGrantReleasesTheHeldPlace() {
        let pool = ResourcePool()
        let cubicle = pool.add(name: "cubicle", capacity: 1)
        let home = pool.add(name: "home", capacity: 0), other = pool.add(name: "other", capacity: 0)
        pool.setOverflow(home, to: [other])
        XCTAssertTrue(pool.request(cubicle, entity: 1, at: 0))
        XCTAssertNil(pool.requestPlace(home, entity: 1, at: 1, releasing: cubicle))
        pool.setCapacity(other, 1, at: 2)
        XCTAssertEqual(grants(pool), [grant(other, 1, askedAt: 1, released: cubicle)])
        XCTAssertEqual(pool.busy(cubicle), 0)
    }

    /// A released place under turnaround is neither held nor free until its turnaround completes, then goes
    /// to the head of the queue.
    func testTurnaroundDelaysTheNextGrant() {
        let pool = ResourcePool()
        let bed = pool.add(name: "bed", capacity: 1)
        pool.setTurnaround(bed, true)
        XCTAssertTrue(pool.request(bed, entity: 1, at: 0))
        XCTAssertFalse(pool.request(bed, entity: 2, at: 1))
        pool.release(bed, at: 5)
        XCTAssertEqual(grants(pool), [], "no grant while the bed is cleaned")
        XCTAssertEqual(pool.nextTurnaround(), bed)
        XCTAssertNil(pool.nextTurnaround())
        XCTAssertEqual(pool.busy(bed), 0)
        XCTAssertEqual(pool.free(bed), 0)
        XCTAssertEqual(pool.turningAround(bed), 1)
        pool.completeTurnaround(bed, at: 6)
        XCTAssertEqual(grants(pool), [grant(bed, 2, askedAt: 1)])
        XCTAssertEqual(pool.turningAround(bed), 0)
        pool.release(bed, at: 7)
        pool.completeTurnaround(bed, at: 8)
        XCTAssertEqual(pool.free(bed), 1, "a completed turnaround with nobody waiting leaves the place free")
        XCTAssertEqual(pool.busyStatistic(bed).mean(at: 10), (5 + 1) / 10, accuracy: 1e-12,
                       "held 0-5 and 6-7: cleaning time is not occupancy")
    }

    /// A resource that is not accepting queues requests and keeps freed places; accepting again fills them.
    func testAcceptanceHours() {
        let pool = ResourcePool()
        let home = pool.add(name: "care home", capacity: 2)
        pool.setAccepting(home, false, at: 0)
        XCTAssertFalse(pool.request(home, entity: 1, at: 1))
        XCTAssertFalse(pool.request(home, entity: 2, at: 2))
        XCTAssertEqual(pool.free(home), 2)
        pool.setAccepting(home, true, at: 3)
        XCTAssertEqual(grants(pool), [grant(home, 1, askedAt: 1), grant(home, 2, askedAt: 2)])
        XCTAssertFalse(pool.request(home, entity: 3, at: 4))
        pool.setAccepting(home, false, at: 5)
        pool.release(home, at: 6)
        XCTAssertEqual(grants(pool), [], "closed: the freed place stays free")
        XCTAssertEqual(pool.free(home), 1)
        pool.setAccepting(home, true, at: 7)
        XCTAssertEqual(grants(pool), [grant(home, 3, askedAt: 4)])
    }

    /// Overflow limited by priority: only requests at or below the maximum priority value may overflow.
    func testOverflowOnlyForPriorityRequests() {
        let pool = ResourcePool()
        let majors = pool.add(name: "majors", capacity: 1, discipline: .priority), corridor = pool.add(name: "corridor", capacity: 2)
        pool.setOverflow(majors, to: [corridor], maxPriority: 0)
        XCTAssertEqual(pool.requestPlace(majors, entity: 1, at: 0, priority: 1), majors)
        XCTAssertNil(pool.requestPlace(majors, entity: 2, at: 1, priority: 1), "a walk-in does not overflow")
        XCTAssertEqual(pool.requestPlace(majors, entity: 3, at: 2, priority: 0), corridor, "an ambulance does")
        pool.release(corridor, at: 3)
        XCTAssertEqual(grants(pool), [], "the corridor place is not given to the waiting walk-in")
        pool.release(majors, at: 4)
        XCTAssertEqual(grants(pool), [grant(majors, 2, askedAt: 1)])
    }

    /// A reserve keeps places for the resource's own requests.
    func testOverflowReserve() {
        let pool = ResourcePool()
        let a = pool.add(name: "a", capacity: 0), b = pool.add(name: "b", capacity: 3)
        pool.setOverflow(a, to: [b])
        pool.setOverflowReserve(b, 2)
        XCTAssertEqual(pool.requestPlace(a, entity: 1, at: 0), b, "3 free > reserve 2")
        XCTAssertNil(pool.requestPlace(a, entity: 2, at: 1), "2 free: kept for b's own patients")
        XCTAssertEqual(pool.requestPlace(b, entity: 3, at: 2), b)
        XCTAssertEqual(pool.requestPlace(b, entity: 4, at: 3), b)
    }

    /// A blocked entity moves from its held place to a free place elsewhere, keeping its request.
    func testTransferHeld() {
        let pool = ResourcePool()
        let cubicle = pool.add(name: "cubicle", capacity: 1), corridor = pool.add(name: "corridor", capacity: 1)
        let bed = pool.add(name: "bed", capacity: 0)
        XCTAssertTrue(pool.request(cubicle, entity: 1, at: 0))
        XCTAssertFalse(pool.request(cubicle, entity: 2, at: 0), "the next patient waits for the cubicle")
        XCTAssertFalse(pool.request(bed, entity: 1, at: 1, releasing: cubicle))
        XCTAssertTrue(pool.transferHeld(entity: 1, waitingFor: bed, to: corridor, at: 2))
        XCTAssertEqual(grants(pool), [grant(cubicle, 2, askedAt: 0)], "the cubicle passed to the next patient")
        XCTAssertEqual(pool.busy(corridor), 1)
        XCTAssertFalse(pool.transferHeld(entity: 1, waitingFor: bed, to: corridor, at: 3), "the corridor is full")
        pool.setCapacity(bed, 1, at: 4)
        XCTAssertEqual(grants(pool), [grant(bed, 1, askedAt: 1, released: corridor)], "the bed grant frees the corridor")
        XCTAssertEqual(pool.busy(corridor), 0)
    }
}

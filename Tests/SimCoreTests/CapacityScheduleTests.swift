import SimCore
import Stochastics
import XCTest

/// Capacity patterns and dated periods, and a schedule driving a resource through `setCapacity`.
final class CapacityScheduleTests: XCTestCase {
    let h = Duration.hour, day = Duration.day

    /// 2 servers 08:00-20:00, none otherwise; one extra from day 2 10:00 to day 3 14:00.
    var shifts: CapacitySchedule {
        CapacitySchedule(period: day,
                         steps: [.init(offset: 0, capacity: 0), .init(offset: 8 * h, capacity: 2),
                                 .init(offset: 20 * h, capacity: 0)],
                         periods: [.init(from: 2 * day + 10 * h, to: 3 * day + 14 * h, delta: 1)])
    }

    func testCapacityAtDailyPatternAndDatedPeriod() {
        let s = shifts
        let table: [(SimTime, Int)] = [
            (0, 0), (8 * h - 0.001, 0), (8 * h, 2), (20 * h - 0.001, 2), (20 * h, 0),
            (day + 8 * h, 2), (day + 23 * h, 0),
            (2 * day + 9 * h, 2), (2 * day + 10 * h, 3), (2 * day + 21 * h, 1),   // the extra place at night
            (3 * day, 1), (3 * day + 8 * h, 3), (3 * day + 14 * h, 2), (3 * day + 20 * h, 0),
            (10 * day + 12 * h, 2),
        ]
        for (t, c) in table { XCTAssertEqual(s.capacity(at: t), c, "at \(t / h) h") }
        XCTAssertEqual(s.maximum, 3)
    }

    func testNextChangeWalksEveryBoundaryInOrder() {
        let s = shifts
        var changes: [SimTime] = []
        var t = 0.0
        while let next = s.nextChange(after: t), next < 5 * day {
            XCTAssertGreaterThan(next, t)
            changes.append(next)
            t = next
        }
        // Every step boundary is a possible change, including midnight (the pattern's first step), where the
        // capacity happens to stay 0; plus the dated period's start and end.
        let expected: [SimTime] = [
            8 * h, 20 * h, day, day + 8 * h, day + 20 * h, 2 * day, 2 * day + 8 * h, 2 * day + 10 * h,
            2 * day + 20 * h, 3 * day, 3 * day + 8 * h, 3 * day + 14 * h, 3 * day + 20 * h, 4 * day,
            4 * day + 8 * h, 4 * day + 20 * h,
        ]
        XCTAssertEqual(changes, expected)
        // Capacity is constant between consecutive changes (checked at midpoints against the ends).
        var previous = 0.0
        for c in changes {
            XCTAssertEqual(s.capacity(at: (previous + c) / 2), s.capacity(at: previous), "between \(previous) and \(c)")
            previous = c
        }
        // From inside a segment, the next change is that segment's end.
        XCTAssertEqual(s.nextChange(after: 2 * day + 9 * h), 2 * day + 10 * h)
        XCTAssertEqual(s.nextChange(after: 23 * h), day)
        XCTAssertEqual(s.nextChange(after: day), day + 8 * h)
    }

    func testDatedReductionsClampAtZeroAndConstantSchedules() {
        let closed = CapacitySchedule(constant: 4, periods: [.init(from: 10, to: 20, delta: -6),
                                                              .init(from: 15, to: 30, delta: 3)])
        XCTAssertEqual(closed.capacity(at: 0), 4)
        XCTAssertEqual(closed.capacity(at: 10), 0, "never below 0")
        XCTAssertEqual(closed.capacity(at: 15), 1, "overlapping periods add up: 4 - 6 + 3")
        XCTAssertEqual(closed.capacity(at: 20), 7)
        XCTAssertEqual(closed.capacity(at: 30), 4)
        XCTAssertEqual(closed.nextChange(after: 0), 10)
        XCTAssertEqual(closed.nextChange(after: 10), 15)
        XCTAssertEqual(closed.nextChange(after: 15), 20)
        XCTAssertEqual(closed.nextChange(after: 20), 30)
        XCTAssertNil(closed.nextChange(after: 30))
        XCTAssertEqual(closed.maximum, 7)

        let flat = CapacitySchedule(constant: 3)
        XCTAssertEqual(flat.capacity(at: 1e9), 3)
        XCTAssertNil(flat.nextChange(after: 0), "a constant capacity never changes")
    }

    func testWeeklyRota() {
        // Three on weekdays (from the run's first day), one at weekends.
        let rota = CapacitySchedule(period: Duration.week,
                                    steps: [.init(offset: 0, capacity: 3), .init(offset: 5 * day, capacity: 1)])
        XCTAssertEqual(rota.capacity(at: 4 * day + 23 * h), 3)
        XCTAssertEqual(rota.capacity(at: 5 * day), 1)
        XCTAssertEqual(rota.capacity(at: 7 * day), 3)
        XCTAssertEqual(rota.capacity(at: 12 * day + h), 1)
        XCTAssertEqual(rota.nextChange(after: 0), 5 * day)
        XCTAssertEqual(rota.nextChange(after: 5 * day), 7 * day)
        XCTAssertEqual(rota.nextChange(after: 6 * day), 7 * day)
    }

    // MARK: A schedule driving a pool

    /// Poisson arrivals (1.5 an hour) to servers that follow `shifts`, exponential service with mean 20 min,
    /// 14 days, 5 replications. Capacity events have the `.capacityChange` priority and set the pool's capacity
    /// from the schedule. After every event: the pool's capacity is the schedule's; busy <= capacity unless the
    /// capacity was just reduced, and busy never grows while above capacity; nobody starts service while the
    /// capacity is 0; grantsBeyondCapacity stays 0.
    func testScheduleDrivesAPoolWithoutOverbooking() {
        enum Event { case arrival, departure, capacity }
        let schedule = shifts
        var overCapacityAtReduction = 0, grantsAtOpening = 0, startsInExtraPeriod = 0, starts = 0
        for r in 0..<5 {
            let arrivals = RandomStream(seed: 51, replication: r, name: "arrivals")
            let service = RandomStream(seed: 51, replication: r, name: "service")
            let sim = Simulator<HeapEventList<Event>>()
            let pool = ResourcePool()
            let servers = pool.add(name: "servers", capacity: schedule.capacity(at: 0))
            var lastBusy = 0

            func start() {
                starts += 1
                XCTAssertGreaterThan(schedule.capacity(at: sim.now), 0, "served at \(sim.now / h) h while closed")
                XCTAssertLessThanOrEqual(pool.busy(servers), pool.capacity(servers))
                let extra = schedule.periods[0]
                if sim.now >= extra.from && sim.now < extra.to && schedule.capacity(at: sim.now) == 1 { startsInExtraPeriod += 1 }
                sim.schedule(after: service.exponential(mean: 20), priority: .release, .departure)
            }
            func startGranted() {
                while pool.nextGrant() != nil { start() }
            }

            sim.schedule(after: arrivals.exponential(mean: 40), priority: .arrival, .arrival)
            if let first = schedule.nextChange(after: 0) { sim.schedule(at: first, priority: .capacityChange, .capacity) }
            sim.run(until: 14 * day) { event in
                var reduced = false
                switch event {
                case .arrival:
                    sim.schedule(after: arrivals.exponential(mean: 40), priority: .arrival, .arrival)
                    if pool.request(servers, entity: 0, at: sim.now) { start() }
                case .departure:
                    pool.release(servers, at: sim.now)
                    startGranted()
                case .capacity:
                    let before = pool.capacity(servers)
                    pool.setCapacity(servers, schedule.capacity(at: sim.now), at: sim.now)
                    reduced = pool.capacity(servers) < before
                    if reduced && pool.busy(servers) > pool.capacity(servers) { overCapacityAtReduction += 1 }
                    if !reduced { grantsAtOpening += pool.pendingGrants }
                    startGranted()
                    if let next = schedule.nextChange(after: sim.now) {
                        sim.schedule(at: next, priority: .capacityChange, .capacity)
                    }
                }
                let busy = pool.busy(servers), capacity = pool.capacity(servers)
                XCTAssertEqual(capacity, schedule.capacity(at: sim.now), "the pool follows the schedule")
                if busy > capacity {
                    XCTAssertLessThanOrEqual(busy, lastBusy, "busy grew while above capacity at \(sim.now / h) h")
                    XCTAssertTrue(reduced || lastBusy > capacity, "above capacity without a reduction at \(sim.now / h) h")
                }
                lastBusy = busy
            }
            XCTAssertEqual(pool.grantsBeyondCapacity(servers), 0)
        }
        // The interesting paths were exercised: closing on people in service, opening on a night queue, and
        // the dated extra place.
        XCTAssertGreaterThan(overCapacityAtReduction, 0)
        XCTAssertGreaterThan(grantsAtOpening, 0)
        XCTAssertGreaterThan(startsInExtraPeriod, 0)
        XCTAssertGreaterThan(starts, 1000)
    }
}

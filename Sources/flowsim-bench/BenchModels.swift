import SimCore
import Stochastics

/// The two peer-bench models (shared/reference/peer-bench/README.md), with the same parameters, written on
/// SimCore's event list, resources and blocking primitive, as any flowsim model is.
enum BenchModels {
    struct Result {
        var model: String
        var arrivals: Int
        /// Logical events as the peer-bench README counts them: mmc 3, tandem 5 per customer.
        var events: Int
        /// Events the engine actually popped from its event list.
        var engineEvents: Int
        var simSeconds: Double
        var endTime: Double
        var results: [(String, Double)]
    }

    /// M/M/c: lambda = 9.5/h, exponential service mean 1 h, c = 10, FIFO; exactly n arrivals, run until empty.
    /// Time unit: hours.
    static func mmc(n: Int, seed: UInt64) -> Result {
        enum Event { case arrival, departure }
        let lambda = 9.5, serviceMean = 1.0, servers = 10
        let t0 = MonotonicClock.seconds()
        let arrivals = RandomStream(seed: seed, replication: 0, name: "arrivals")
        let service = RandomStream(seed: seed, replication: 0, name: "service")
        let sim = Simulator<HeapEventList<Event>>()
        let pool = ResourcePool()
        let server = pool.add(name: "servers", capacity: servers)
        var wait = Tally()
        var arrived = 0

        sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
        sim.run { event in
            switch event {
            case .arrival:
                arrived += 1
                if arrived < n { sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival) }
                if pool.request(server, entity: arrived, at: sim.now) {
                    wait.add(0)
                    sim.schedule(after: service.exponential(mean: serviceMean), priority: .release, .departure)
                }
            case .departure:
                pool.release(server, at: sim.now)
                while let g = pool.nextGrant() {
                    wait.add(sim.now - g.requestedAt)
                    sim.schedule(after: service.exponential(mean: serviceMean), priority: .release, .departure)
                }
            }
        }
        let elapsed = MonotonicClock.seconds() - t0
        precondition(wait.count == n, "every customer is served")
        return Result(model: "mmc", arrivals: n, events: 3 * n, engineEvents: sim.eventsHandled, simSeconds: elapsed,
                      endTime: sim.now, results: [("mean_wait", wait.mean)])
    }

    /// Tandem with blocking: arrivals 4/day to A (20 beds, exp mean 3 d, unlimited FIFO queue), then B
    /// (5 places, exp mean 1 d, no waiting room); a patient done in A keeps the A bed until a B place frees.
    /// Exactly n arrivals; run until all have left B. Time unit: days.
    static func tandem(n: Int, seed: UInt64) -> Result {
        enum Event { case arrival, endA, endB }
        let lambda = 4.0, aMean = 3.0, bMean = 1.0
        let t0 = MonotonicClock.seconds()
        let arrivals = RandomStream(seed: seed, replication: 0, name: "arrivals")
        let stayA = RandomStream(seed: seed, replication: 0, name: "stay-a")
        let stayB = RandomStream(seed: seed, replication: 0, name: "stay-b")
        let sim = Simulator<HeapEventList<Event>>()
        let pool = ResourcePool()
        let wardA = pool.add(name: "A", capacity: 20)
        let placeB = pool.add(name: "B", capacity: 5)
        var waitA = Tally(), blocked = Tally()
        var arrived = 0, left = 0

        // Grants from cascades: a B place to a blocked patient, or an A bed to a queued arrival.
        func startGranted() {
            while let g = pool.nextGrant() {
                if g.resource == placeB {
                    blocked.add(sim.now - g.requestedAt)
                    sim.schedule(after: stayB.exponential(mean: bMean), priority: .release, .endB)
                } else {
                    waitA.add(sim.now - g.requestedAt)
                    sim.schedule(after: stayA.exponential(mean: aMean), priority: .release, .endA)
                }
            }
        }

        sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
        sim.run { event in
            switch event {
            case .arrival:
                arrived += 1
                if arrived < n { sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival) }
                if pool.request(wardA, entity: arrived, at: sim.now) {
                    waitA.add(0)
                    sim.schedule(after: stayA.exponential(mean: aMean), priority: .release, .endA)
                }
            case .endA:
                if pool.request(placeB, entity: 0, at: sim.now, releasing: wardA) {
                    blocked.add(0)
                    sim.schedule(after: stayB.exponential(mean: bMean), priority: .release, .endB)
                }
            case .endB:
                left += 1
                pool.release(placeB, at: sim.now)
            }
            startGranted()
        }
        let elapsed = MonotonicClock.seconds() - t0
        precondition(left == n && waitA.count == n && blocked.count == n, "every patient passes through")
        return Result(model: "tandem", arrivals: n, events: 5 * n, engineEvents: sim.eventsHandled,
                      simSeconds: elapsed, endTime: sim.now,
                      results: [("mean_wait_a", waitA.mean), ("mean_blocked", blocked.mean)])
    }
}

import SimCore
import Stochastics

/// The result of one benchmark run.
struct BenchResult {
    var model: String
    var arrivals: Int
    /// Logical events as the peer-bench README counts them: mmc 3, tandem 5 per customer.
    var events: Int
    /// Events the engine actually took from its event list.
    var engineEvents: Int
    var simSeconds: Double
    var endTime: Double
    var results: [(String, Double)]
}

/// M/M/c from shared/reference/peer-bench: lambda = 9.5/h, exponential service mean 1 h, c = 10, FIFO;
/// exactly n arrivals, run until all are served. Time unit: hours.
///
/// Written as any flowsim model is: a final class owning its simulator, resources and streams, with a
/// `handle` method for its events.
final class MMCModel {
    enum Event { case arrival, departure }
    static let lambda = 9.5, serviceMean = 1.0, servers = 10

    let n: Int
    let sim = Simulator<HeapEventList<Event>>()
    let pool = ResourcePool()
    let server: ResourceID
    let arrivals: RandomStream, service: RandomStream
    @exclusivity(unchecked) var wait = Tally()
    @exclusivity(unchecked) var arrived = 0

    init(n: Int, seed: UInt64) {
        self.n = n
        // The model reads waits, not occupancy: no time-weighted monitoring, as the peers keep none.
        server = pool.add(name: "servers", capacity: Self.servers, monitored: false)
        arrivals = RandomStream(seed: seed, replication: 0, name: "arrivals")
        service = RandomStream(seed: seed, replication: 0, name: "service")
    }

    func run() -> BenchResult {
        let t0 = MonotonicClock.seconds()
        sim.schedule(after: arrivals.exponential(mean: 1 / Self.lambda), priority: .arrival, .arrival)
        sim.run { handle($0) }
        let elapsed = MonotonicClock.seconds() - t0
        precondition(wait.count == n, "every customer is served")
        return BenchResult(model: "mmc", arrivals: n, events: 3 * n, engineEvents: sim.eventsHandled,
                           simSeconds: elapsed, endTime: sim.now, results: [("mean_wait", wait.mean)])
    }

    func handle(_ event: Event) {
        switch event {
        case .arrival:
            arrived += 1
            if arrived < n { sim.schedule(after: arrivals.exponential(mean: 1 / Self.lambda), priority: .arrival, .arrival) }
            if pool.request(server, entity: arrived, at: sim.now) { startService(waited: 0) }
        case .departure:
            pool.release(server, at: sim.now)
            while let g = pool.nextGrant() { startService(waited: sim.now - g.requestedAt) }
        }
    }

    func startService(waited: Double) {
        wait.add(waited)
        sim.schedule(after: service.exponential(mean: Self.serviceMean), priority: .release, .departure)
    }
}

/// The tandem bed-blocking model from shared/reference/peer-bench: arrivals 4/day to ward A (20 beds, exp mean
/// 3 d, unlimited FIFO queue), then place B (5 places, exp mean 1 d, no waiting room); a patient done in A keeps
/// the A bed until a B place frees (blocking after service, FIFO among the blocked). Exactly n arrivals; run
/// until all have left B. Time unit: days.
final class TandemModel {
    enum Event { case arrival, endA, endB }
    static let lambda = 4.0, aMean = 3.0, bMean = 1.0, aBeds = 20, bPlaces = 5

    let n: Int
    let sim = Simulator<HeapEventList<Event>>()
    let pool = ResourcePool()
    let wardA: ResourceID, placeB: ResourceID
    let arrivals: RandomStream, stayA: RandomStream, stayB: RandomStream
    @exclusivity(unchecked) var waitA = Tally()
    @exclusivity(unchecked) var blocked = Tally()
    @exclusivity(unchecked) var arrived = 0
    @exclusivity(unchecked) var left = 0

    init(n: Int, seed: UInt64) {
        self.n = n
        // The model reads waits and blocking, not occupancy: no time-weighted monitoring, as the peers keep none.
        wardA = pool.add(name: "A", capacity: Self.aBeds, monitored: false)
        placeB = pool.add(name: "B", capacity: Self.bPlaces, monitored: false)
        arrivals = RandomStream(seed: seed, replication: 0, name: "arrivals")
        stayA = RandomStream(seed: seed, replication: 0, name: "stay-a")
        stayB = RandomStream(seed: seed, replication: 0, name: "stay-b")
    }

    func run() -> BenchResult {
        let t0 = MonotonicClock.seconds()
        sim.schedule(after: arrivals.exponential(mean: 1 / Self.lambda), priority: .arrival, .arrival)
        sim.run { handle($0) }
        let elapsed = MonotonicClock.seconds() - t0
        precondition(left == n && waitA.count == n && blocked.count == n, "every patient passes through")
        return BenchResult(model: "tandem", arrivals: n, events: 5 * n, engineEvents: sim.eventsHandled,
                           simSeconds: elapsed, endTime: sim.now,
                           results: [("mean_wait_a", waitA.mean), ("mean_blocked", blocked.mean)])
    }

    func handle(_ event: Event) {
        switch event {
        case .arrival:
            arrived += 1
            if arrived < n { sim.schedule(after: arrivals.exponential(mean: 1 / Self.lambda), priority: .arrival, .arrival) }
            if pool.request(wardA, entity: arrived, at: sim.now) { startA(waited: 0) }
        case .endA:
            // Blocking after service: ask for B while keeping the A bed.
            if pool.request(placeB, entity: 0, at: sim.now, releasing: wardA) { startB(blockedFor: 0) }
        case .endB:
            left += 1
            pool.release(placeB, at: sim.now)
        }
        // A release can cascade: B to the first blocked patient, whose A bed goes to the first in A's queue.
        while let g = pool.nextGrant() {
            if g.resource == placeB { startB(blockedFor: sim.now - g.requestedAt) } else { startA(waited: sim.now - g.requestedAt) }
        }
    }

    func startA(waited: Double) {
        waitA.add(waited)
        sim.schedule(after: stayA.exponential(mean: Self.aMean), priority: .release, .endA)
    }

    func startB(blockedFor: Double) {
        blocked.add(blockedFor)
        sim.schedule(after: stayB.exponential(mean: Self.bMean), priority: .release, .endB)
    }
}

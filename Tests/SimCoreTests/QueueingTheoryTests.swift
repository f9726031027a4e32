import SimCore
import Stochastics
import XCTest

/// Analytic validation: small models built on `Simulator` and `ResourcePool`, as any flowsim model is, and
/// compared with queueing theory across independent replications with fixed seeds.
///
/// Every comparison uses `assertAgrees`: a two-sided 99.9% Student-t interval on the replication mean
/// (about 4 standard errors), the standard error estimated from the spread of the replications. Warm-up
/// periods are several relaxation times of the model, so the start-empty bias is far below one standard error.
/// Sizes are chosen so the whole file runs in a few seconds in a debug build.
final class QueueingTheoryTests: XCTestCase {
    // MARK: The formulas themselves

    func testErlangFormulasMatchPublishedValues() {
        // peer-bench README: M/M/10, lambda 9.5/h, mean service 1 h -> P(wait) 0.82559, Wq 1.65117 h (5 d.p.).
        XCTAssertEqual(QueueingFormulas.erlangC(servers: 10, offeredLoad: 9.5), 0.82559, accuracy: 5e-6)
        XCTAssertEqual(QueueingFormulas.mmcMeanWait(servers: 10, arrivalRate: 9.5, serviceRate: 1), 1.65117,
                       accuracy: 5e-6)
        // Erlang B tables (e.g. Gross & Harris, Table of the Erlang loss function): B(5, 3 Erl) = 0.11005.
        XCTAssertEqual(QueueingFormulas.erlangB(servers: 5, offeredLoad: 3), 0.11005, accuracy: 5e-6)
        // One server: B = a / (1 + a); C = rho, Wq = rho / (mu - lambda).
        XCTAssertEqual(QueueingFormulas.erlangB(servers: 1, offeredLoad: 0.5), 1.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(QueueingFormulas.erlangC(servers: 1, offeredLoad: 0.7), 0.7, accuracy: 1e-15)
        // Pollaczek-Khinchine with exponential service (E[S^2] = 2/mu^2) is the M/M/1 result.
        XCTAssertEqual(QueueingFormulas.pollaczekKhinchineWait(arrivalRate: 0.7, serviceMean: 1, serviceSecondMoment: 2),
                       QueueingFormulas.mmcMeanWait(servers: 1, arrivalRate: 0.7, serviceRate: 1), accuracy: 1e-12)
    }

    // MARK: M/M/c against Erlang C

    /// c = 3, lambda = 2.4, mu = 1 (rho = 0.8): P(wait) = 0.6472, Wq = 1.0787.
    func testMMcAgainstErlangC() {
        let c = 3, lambda = 2.4, mu = 1.0
        // Relaxation time of M/M/c at rho 0.8 is of order 1 / (c mu (1 - sqrt(rho))^2) ~ 30; warm-up 300 is ten.
        let warmUp = 300.0, horizon = 300.0 + 20_000
        let runs = Replications.run(16) { r in
            QueueingModels.mmc(servers: c, lambda: lambda, mu: mu, warmUp: warmUp, horizon: horizon,
                               seed: 101, replication: r)
        }
        assertAgrees(ReplicationEstimate(runs.map(\.waitedFraction)),
                     with: QueueingFormulas.erlangC(servers: c, offeredLoad: lambda / mu), "M/M/3 P(wait)")
        assertAgrees(ReplicationEstimate(runs.map(\.meanWait)),
                     with: QueueingFormulas.mmcMeanWait(servers: c, arrivalRate: lambda, serviceRate: mu),
                     "M/M/3 Wq")
        for run in runs {
            XCTAssertEqual(run.grantsBeyondCapacity, 0)
            XCTAssertEqual(run.unserved, 0, "every counted customer is served")
            XCTAssertEqual(run.tally.mean, run.meanWait, accuracy: 1e-9 * max(1, run.meanWait), "WaitTally's mean is Tally's")
        }
        // The per-place wait metrics (`WaitTally`, unit.<name>.wait_*): P(W > 0) = C(c, a) and, for FIFO M/M/c,
        // P(W > t) = C(c, a) exp(-(c mu - lambda) t) (Gross & Harris, 4th ed., §2.3).
        let erlangC = QueueingFormulas.erlangC(servers: c, offeredLoad: lambda / mu)
        assertAgrees(ReplicationEstimate(runs.map(\.tally.waitedShare)), with: erlangC, "M/M/3 P(W > 0) from WaitTally")
        assertAgrees(ReplicationEstimate(runs.map(\.tally.mean)),
                     with: QueueingFormulas.mmcMeanWait(servers: c, arrivalRate: lambda, serviceRate: mu), "M/M/3 Wq from WaitTally")
        for (k, t) in QueueingModels.mmcThresholds.enumerated() {
            assertAgrees(ReplicationEstimate(runs.map { $0.tally.overShare(k) }),
                         with: erlangC * exp(-(Double(c) * mu - lambda) * t), "M/M/3 P(W > \(t))")
        }
    }

    // MARK: M/M/c/c against Erlang B

    /// A loss system: an arrival that finds every server busy is lost (checked with `pool.free` before asking).
    /// c = 5, offered load 3 Erl: blocking 0.11005.
    func testLossSystemAgainstErlangB() {
        let c = 5, lambda = 3.0, mu = 1.0
        // Holding times have mean 1; after 20 the start-empty state is forgotten (e^-20).
        let warmUp = 20.0, horizon = 20.0 + 20_000
        let runs = Replications.run(16) { r -> (blocking: Double, anomalies: Int) in
            enum Event { case arrival, departure }
            let arrivals = RandomStream(seed: 202, replication: r, name: "arrivals")
            let service = RandomStream(seed: 202, replication: r, name: "service")
            let sim = Simulator<HeapEventList<Event>>()
            let pool = ResourcePool()
            let servers = pool.add(name: "servers", capacity: c)
            var offered = 0, lost = 0, anomalies = 0
            sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
            sim.run(until: horizon) { event in
                switch event {
                case .arrival:
                    sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
                    let counted = sim.now >= warmUp
                    if counted { offered += 1 }
                    if pool.free(servers) == 0 {
                        if counted { lost += 1 }
                        return
                    }
                    // A free server is granted at once, so nobody ever waits in a loss system.
                    if !pool.request(servers, entity: 0, at: sim.now) { anomalies += 1 }
                    sim.schedule(after: service.exponential(mean: 1 / mu), priority: .release, .departure)
                case .departure:
                    pool.release(servers, at: sim.now)
                    while pool.nextGrant() != nil { anomalies += 1 }
                }
            }
            return (Double(lost) / Double(offered), anomalies)
        }
        XCTAssertEqual(runs.map(\.anomalies), Array(repeating: 0, count: runs.count), "a free server is granted at once")
        assertAgrees(ReplicationEstimate(runs.map(\.blocking)),
                     with: QueueingFormulas.erlangB(servers: c, offeredLoad: lambda / mu), "M/M/5/5 blocking")
    }

    // MARK: M/G/1 against Pollaczek-Khinchine

    /// lambda = 0.5, lognormal service with mean 1 and sd 1.5 (E[S^2] = 1 + 2.25 = 3.25, rho = 0.5):
    /// Wq = 0.5 * 3.25 / (2 * 0.5) = 1.625 (an exponential service of the same mean would give 1.0).
    func testMG1WithLognormalServiceAgainstPollaczekKhinchine() {
        let lambda = 0.5
        let service = Distribution.lognormal(mean: 1, sd: 1.5)
        XCTAssertEqual(service.mean, 1, accuracy: 1e-12)
        XCTAssertEqual(service.variance, 2.25, accuracy: 1e-12)
        // Busy periods at rho 0.5 with this service last a few units; warm-up 500 is far beyond.
        let warmUp = 500.0, horizon = 500.0 + 100_000
        let runs = Replications.run(16) { r in
            QueueingModels.mg1(lambda: lambda, service: service, warmUp: warmUp, horizon: horizon,
                               seed: 303, replication: r)
        }
        let expected = QueueingFormulas.pollaczekKhinchineWait(
            arrivalRate: lambda, serviceMean: service.mean, serviceSecondMoment: service.variance + 1)
        XCTAssertEqual(expected, 1.625, accuracy: 1e-12)
        assertAgrees(ReplicationEstimate(runs), with: expected, "M/G/1 Wq")
    }

    // MARK: M/G/infinity occupancy

    /// lambda = 5, gamma service mean 2 sd 1: the number in service is Poisson with mean lambda E[S] = 10, so its
    /// time-weighted mean and variance are both 10 (Gross & Harris §6.1.1, M/G/inf).
    func testMGInfinityOccupancyIsPoisson() {
        let lambda = 5.0
        let service = Distribution.gamma(mean: 2, sd: 1)
        // Starting empty, the number in service at t is Poisson(lambda * integral_0^t P(S > u) du); by t = 20
        // (10 mean service times, P(S > 20) is negligible) it is stationary.
        let warmUp = 20.0, horizon = 20.0 + 5000
        let runs = Replications.run(16) { r -> (mean: Double, variance: Double, end: Double, start: Double, refused: Int,
                                                 shares: [Double]) in
            enum Event { case arrival, departure, warmUp }
            let arrivals = RandomStream(seed: 404, replication: r, name: "arrivals")
            let stays = RandomStream(seed: 404, replication: r, name: "service")
            let sim = Simulator<HeapEventList<Event>>()
            let pool = ResourcePool()
            let places = pool.add(name: "unlimited", capacity: 1_000_000)
            var refused = 0
            var histogram = OccupancyHistogram(start: 0)
            sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
            sim.schedule(at: warmUp, priority: .audit, .warmUp)
            sim.run(until: horizon) { event in
                switch event {
                case .arrival:
                    sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
                    if !pool.request(places, entity: 0, at: sim.now) { refused += 1 }
                    sim.schedule(after: service.sample(stays), priority: .release, .departure)
                case .departure:
                    pool.release(places, at: sim.now)
                case .warmUp:
                    pool.resetStatistics(at: sim.now)
                    histogram.reset(at: sim.now)
                }
                histogram.update(to: pool.busy(places), at: sim.now)
            }
            let stat = pool.busyStatistic(places)
            return (stat.mean(at: horizon), stat.variance(at: horizon), sim.now, stat.start, refused,
                    histogram.timeFractions(at: horizon))
        }
        for run in runs {
            XCTAssertEqual(run.refused, 0, "a resource with a million places always has one free")
            XCTAssertEqual(run.end, horizon, "run(until:) leaves the clock at the horizon")
            XCTAssertEqual(run.start, warmUp, "statistics restart at the end of the warm-up")
        }
        // Within a replication the time average has variance about 2 * (lambda E[S^2] / 2) / T = 25 / 5000, so
        // the time-weighted variance (which subtracts the sample mean) is biased low by ~0.005: far below
        // its standard error across replications (~0.03).
        assertAgrees(ReplicationEstimate(runs.map(\.mean)), with: lambda * service.mean, "M/G/inf mean occupancy")
        assertAgrees(ReplicationEstimate(runs.map(\.variance)), with: lambda * service.mean,
                     "M/G/inf occupancy variance")
        // The capacity table (`CapacityPlanning`, capacity.csv) from this unconstrained occupancy: N is Poisson(a),
        // so P(N >= c) is the Poisson tail and P(N = c) / P(N <= c) is Erlang B(c, a) (the loss system's
        // occupancy is the same Poisson truncated at c; Monks et al. 2016 compute p(delay) this way).
        let a = lambda * service.mean
        var pmf = [exp(-a)]
        for k in 1...40 { pmf.append(pmf[k - 1] * a / Double(k)) }
        let delays = runs.map { CapacityPlanning.delayCurve($0.shares) }, tails = runs.map { CapacityPlanning.tailCurve($0.shares) }
        for c in [5, 8, 10, 12, 15, 18] {
            assertAgrees(ReplicationEstimate(delays.map { c < $0.count ? $0[c] : 0 }),
                         with: QueueingFormulas.erlangB(servers: c, offeredLoad: a), "P(delay | \(c)) = B(\(c), \(a))")
            assertAgrees(ReplicationEstimate(tails.map { c < $0.count ? $0[c] : 0 }), with: pmf[c...].reduce(0, +),
                         "P(N >= \(c)), the Poisson(\(a)) tail")
        }
    }

    // MARK: Little's law on a small network

    /// Poisson arrivals (lambda 1) to station 1 (2 servers, exponential mean 1.5), then station 2 (1 server,
    /// exponential mean 0.8) with probability 0.4, else station 3 (1 server, exponential mean 1).
    ///
    /// A Jackson network: station 1 is M/M/2 with a = 1.5 (W = 1.5 + C/(2/1.5 - 1) = 3.42857), station 2 is
    /// M/M/1 at rho 0.32 (W = 0.8/0.68), station 3 M/M/1 at rho 0.6 (W = 2.5). So W = 5.39916 and L = lambda W.
    /// The test checks both Little's law within each replication (time-weighted number in system against
    /// lambda x mean sojourn, paired) and each side against the Jackson value.
    func testLittlesLawOnANetworkOfThreeResources() {
        let lambda = 1.0
        let w1 = 1.5 + QueueingFormulas.mmcMeanWait(servers: 2, arrivalRate: lambda, serviceRate: 1 / 1.5)
        let w2 = 0.8 / (1 - 0.4 * lambda * 0.8)
        let w3 = 1.0 / (1 - 0.6 * lambda * 1.0)
        let jacksonW = w1 + 0.4 * w2 + 0.6 * w3
        XCTAssertEqual(jacksonW, 5.39916, accuracy: 1e-5)

        // Station 1 relaxes like an M/M/2 at rho 0.75 (tens of time units); warm-up 300.
        let warmUp = 300.0, horizon = 300.0 + 20_000
        let runs = Replications.run(16) { r in
            QueueingModels.jacksonNetwork(lambda: lambda, warmUp: warmUp, horizon: horizon, seed: 505, replication: r)
        }
        let differences = ReplicationEstimate(runs.map { $0.timeAverageInSystem - lambda * $0.meanSojourn })
        assertAgrees(differences, with: 0, "Little's law: L - lambda W")
        assertAgrees(ReplicationEstimate(runs.map(\.timeAverageInSystem)), with: lambda * jacksonW, "network L")
        assertAgrees(ReplicationEstimate(runs.map(\.meanSojourn)), with: jacksonW, "network W")
        for run in runs {
            XCTAssertEqual(run.leftInSystem, 0, "the run drains")
            // About 5.4 in the system on average with geometric tails (the busiest station has rho 0.75), so
            // 200 at once has probability of order 0.75^200 ~ 1e-25: slots are reused, not one per customer.
            XCTAssertLessThan(run.peakSlots, 200, "entity slots are reused")
        }
    }

    // MARK: The peer-bench tandem with blocking after service

    /// peer-bench README "tandem": arrivals 4/day to A (20 beds, exponential mean 3 d, FIFO queue), then B
    /// (5 places, exponential mean 1 d, no waiting room); blocking after service. Reference (C, 100 seeds,
    /// N = 200,000 each): mean wait for A 0.1439 d (sd 0.013), mean time blocked 0.4459 d (sd 0.0097).
    func testTandemBlockingAgainstPeerBenchReference() {
        // 16 runs of 100,000 arrivals, each as the reference runs them (start empty, exactly N arrivals, run
        // until all have left). Their mean has SE about 0.013 * sqrt(200,000 / 1.6M) = 0.0046 d for the wait
        // (3% of it) and 0.0034 d for the time blocked (0.8%); the t interval is about 4 SE. The start-empty
        // transient touches a few hundred of 100,000 patients per run: a bias far below that SE.
        let n = 100_000, replications = 16
        let runs = Replications.run(replications) { r in
            QueueingModels.tandem(arrivals: n, seed: 606, replication: r)
        }
        for run in runs {
            XCTAssertEqual([run.admittedA, run.admittedB, run.served], [n, n, n], "every patient passes through A and B")
            XCTAssertEqual(run.grantsBeyondCapacity, 0)
            XCTAssertEqual(run.wrongReleases, 0)
        }
        // The reference means are themselves averages of 100 runs: their SE is sd / sqrt(100).
        let waitA = ReplicationEstimate(runs.map(\.meanWaitA))
        let blocked = ReplicationEstimate(runs.map(\.meanBlocked))
        assertAgrees(waitA, with: 0.1439, expectedStandardError: 0.013 / 10, "tandem mean wait for A")
        assertAgrees(blocked, with: 0.4459, expectedStandardError: 0.0097 / 10, "tandem mean time blocked")

        // The spread between replications must match the reference's too. A run of N arrivals has sd about
        // sd_200k * sqrt(200,000 / N) (CLT for a long-run average), and (R - 1) s^2 / sigma^2 is chi-square with
        // R - 1 = 15 dof, whose 0.05% and 99.95% quantiles are 3.108 and 39.72 (scipy.stats.chi2.ppf).
        let scale = (200_000.0 / Double(n)).squareRoot()
        for (estimate, referenceSD, name) in [(waitA, 0.013, "wait for A"), (blocked, 0.0097, "blocked")] {
            let sigma = referenceSD * scale
            let statistic = Double(replications - 1) * estimate.standardDeviation * estimate.standardDeviation
                / (sigma * sigma)
            XCTAssertGreaterThan(statistic, 3.108, "\(name): replications vary less than the reference")
            XCTAssertLessThan(statistic, 39.72, "\(name): replications vary more than the reference")
        }
    }
}

// MARK: - Models

/// The models of the validation tests, each a function of (parameters, seed, replication) only.
enum QueueingModels {
    struct MMcRun: Sendable {
        var waitedFraction: Double
        var meanWait: Double
        var grantsBeyondCapacity: Int
        /// Counted customers never served (0 unless the pool loses a grant).
        var unserved: Int
        /// The same waits in a `WaitTally` (thresholds `mmcThresholds`), as the model records them per place.
        var tally: WaitTally
    }

    static let mmcThresholds = [0.5, 1.5]

    /// M/M/c FIFO. Customers arriving in [warmUp, horizon) are counted; arrivals stop at the horizon and the
    /// run continues until the counted customers have been served.
    static func mmc(servers c: Int, lambda: Double, mu: Double, warmUp: Double, horizon: Double,
                    seed: UInt64, replication r: Int) -> MMcRun {
        enum Event { case arrival, departure }
        let arrivals = RandomStream(seed: seed, replication: r, name: "arrivals")
        let service = RandomStream(seed: seed, replication: r, name: "service")
        let sim = Simulator<HeapEventList<Event>>()
        let pool = ResourcePool()
        let servers = pool.add(name: "servers", capacity: c)
        var waits = Tally(), waited = 0, counted = 0, tally = WaitTally(thresholds: mmcThresholds)
        sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
        sim.run { event in
            switch event {
            case .arrival:
                let next = sim.now + arrivals.exponential(mean: 1 / lambda)
                if next < horizon { sim.schedule(at: next, priority: .arrival, .arrival) }
                let isCounted = sim.now >= warmUp
                if isCounted { counted += 1 }
                if pool.request(servers, entity: 0, at: sim.now) {
                    if isCounted { waits.add(0); tally.add(0) }
                    sim.schedule(after: service.exponential(mean: 1 / mu), priority: .release, .departure)
                } else if isCounted {
                    waited += 1
                }
            case .departure:
                pool.release(servers, at: sim.now)
                while let g = pool.nextGrant() {
                    if g.requestedAt >= warmUp { waits.add(sim.now - g.requestedAt); tally.add(sim.now - g.requestedAt) }
                    sim.schedule(after: service.exponential(mean: 1 / mu), priority: .release, .departure)
                }
            }
        }
        return MMcRun(waitedFraction: Double(waited) / Double(counted), meanWait: waits.mean,
                      grantsBeyondCapacity: pool.grantsBeyondCapacity(servers), unserved: counted - waits.count,
                      tally: tally)
    }

    /// M/G/1 FIFO; returns the mean wait in queue of customers arriving in [warmUp, horizon).
    static func mg1(lambda: Double, service: Distribution, warmUp: Double, horizon: Double,
                    seed: UInt64, replication r: Int) -> Double {
        enum Event { case arrival, departure }
        let arrivals = RandomStream(seed: seed, replication: r, name: "arrivals")
        let services = RandomStream(seed: seed, replication: r, name: "service")
        let sim = Simulator<HeapEventList<Event>>()
        let pool = ResourcePool()
        let server = pool.add(name: "server", capacity: 1)
        var waits = Tally()
        sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
        sim.run { event in
            switch event {
            case .arrival:
                let next = sim.now + arrivals.exponential(mean: 1 / lambda)
                if next < horizon { sim.schedule(at: next, priority: .arrival, .arrival) }
                if pool.request(server, entity: 0, at: sim.now) {
                    if sim.now >= warmUp { waits.add(0) }
                    sim.schedule(after: service.sample(services), priority: .release, .departure)
                }
            case .departure:
                pool.release(server, at: sim.now)
                while let g = pool.nextGrant() {
                    if g.requestedAt >= warmUp { waits.add(sim.now - g.requestedAt) }
                    sim.schedule(after: service.sample(services), priority: .release, .departure)
                }
            }
        }
        return waits.mean
    }

    struct NetworkRun: Sendable {
        var timeAverageInSystem: Double
        var meanSojourn: Double
        var leftInSystem: Int
        var peakSlots: Int
    }

    /// The three-station Jackson network of `testLittlesLawOnANetworkOfThreeResources`.
    static func jacksonNetwork(lambda: Double, warmUp: Double, horizon: Double, seed: UInt64,
                               replication r: Int) -> NetworkRun {
        enum Event { case arrival, serviceEnd(station: Int, entity: Int), warmUp, horizon }
        let arrivals = RandomStream(seed: seed, replication: r, name: "arrivals")
        let routing = RandomStream(seed: seed, replication: r, name: "routing")
        let serviceStreams = (0..<3).map { RandomStream(seed: seed, replication: r, name: "service-\($0)") }
        let serviceMeans = [1.5, 0.8, 1.0]
        let sim = Simulator<HeapEventList<Event>>()
        let pool = ResourcePool()
        let stations = [pool.add(name: "one", capacity: 2), pool.add(name: "two", capacity: 1),
                        pool.add(name: "three", capacity: 1)]
        let arrivedAt = EntityTable<Double>()
        var inSystem = TimeWeighted()
        var sojourns = Tally()
        var averageInSystem = Double.nan

        func startService(_ station: Int, _ entity: Int) {
            sim.schedule(after: serviceStreams[station].exponential(mean: serviceMeans[station]), priority: .release,
                         .serviceEnd(station: station, entity: entity))
        }
        func join(_ station: Int, _ entity: Int) {
            if pool.request(stations[station], entity: entity, at: sim.now) { startService(station, entity) }
        }
        func startGranted() {
            while let g = pool.nextGrant() { startService(g.resource.index, g.entity) }
        }

        sim.schedule(after: arrivals.exponential(mean: 1 / lambda), priority: .arrival, .arrival)
        sim.schedule(at: warmUp, priority: .audit, .warmUp)
        sim.schedule(at: horizon, priority: .audit, .horizon)
        sim.run { event in
            switch event {
            case .arrival:
                let next = sim.now + arrivals.exponential(mean: 1 / lambda)
                if next < horizon { sim.schedule(at: next, priority: .arrival, .arrival) }
                let id = arrivedAt.insert(sim.now)
                inSystem.update(to: Double(arrivedAt.count), at: sim.now)
                join(0, id)
            case .serviceEnd(let station, let entity):
                pool.release(stations[station], at: sim.now)
                if station == 0 {
                    join(routing.bernoulli(0.4) ? 1 : 2, entity)
                } else {
                    let arrival = arrivedAt.remove(entity)
                    inSystem.update(to: Double(arrivedAt.count), at: sim.now)
                    if arrival >= warmUp && arrival < horizon { sojourns.add(sim.now - arrival) }
                }
                startGranted()
            case .warmUp:
                inSystem.reset(at: sim.now)
            case .horizon:
                averageInSystem = inSystem.mean(at: sim.now)
            }
        }
        return NetworkRun(timeAverageInSystem: averageInSystem, meanSojourn: sojourns.mean,
                          leftInSystem: arrivedAt.count, peakSlots: arrivedAt.slotCount)
    }

    struct TandemRun: Sendable {
        var meanWaitA: Double
        var meanBlocked: Double
        /// Patients who left B, and who got an A bed and a B place.
        var served: Int, admittedA: Int, admittedB: Int
        var grantsBeyondCapacity: Int
        /// Grants whose `released` field was not what the patient held (0 unless the pool is wrong).
        var wrongReleases: Int
    }

    /// The peer-bench tandem: exactly `n` arrivals, run until every patient has left B. Time in days.
    static func tandem(arrivals n: Int, seed: UInt64, replication r: Int) -> TandemRun {
        enum Event { case arrival, endA, endB }
        let arrivals = RandomStream(seed: seed, replication: r, name: "arrivals")
        let stayA = RandomStream(seed: seed, replication: r, name: "stay-a")
        let stayB = RandomStream(seed: seed, replication: r, name: "stay-b")
        let sim = Simulator<HeapEventList<Event>>()
        let pool = ResourcePool()
        let wardA = pool.add(name: "A", capacity: 20)
        let placeB = pool.add(name: "B", capacity: 5)
        var waitA = Tally(), blocked = Tally()
        var arrived = 0, left = 0, wrongReleases = 0

        func startGranted() {
            while let g = pool.nextGrant() {
                if g.resource == placeB {
                    // A patient granted B gives up the A bed it kept; one granted A held nothing.
                    if g.released != wardA { wrongReleases += 1 }
                    blocked.add(sim.now - g.requestedAt)
                    sim.schedule(after: stayB.exponential(mean: 1), priority: .release, .endB)
                } else {
                    if g.released != nil { wrongReleases += 1 }
                    waitA.add(sim.now - g.requestedAt)
                    sim.schedule(after: stayA.exponential(mean: 3), priority: .release, .endA)
                }
            }
        }

        sim.schedule(after: arrivals.exponential(mean: 1.0 / 4), priority: .arrival, .arrival)
        sim.run { event in
            switch event {
            case .arrival:
                arrived += 1
                if arrived < n { sim.schedule(after: arrivals.exponential(mean: 1.0 / 4), priority: .arrival, .arrival) }
                if pool.request(wardA, entity: arrived, at: sim.now) {
                    waitA.add(0)
                    sim.schedule(after: stayA.exponential(mean: 3), priority: .release, .endA)
                }
            case .endA:
                if pool.request(placeB, entity: 0, at: sim.now, releasing: wardA) {
                    blocked.add(0)
                    sim.schedule(after: stayB.exponential(mean: 1), priority: .release, .endB)
                }
            case .endB:
                left += 1
                pool.release(placeB, at: sim.now)
            }
            startGranted()
        }
        return TandemRun(meanWaitA: waitA.mean, meanBlocked: blocked.mean, served: left, admittedA: waitA.count,
                         admittedB: blocked.count,
                         grantsBeyondCapacity: pool.grantsBeyondCapacity(wardA) + pool.grantsBeyondCapacity(placeB),
                         wrongReleases: wrongReleases)
    }
}

import SimCore
import Stochastics

/// An elective waiting list treated in the acute ward's beds.
///
/// Referrals join the list; sessions call the longest waiters; a called patient whose ward has no free bed
/// on the day is cancelled and goes back on the list with the original referral date.
public struct ElectiveListSpec: Sendable {
    /// Referrals per day (a rate profile: weekday and month shapes apply).
    public var referrals: RateProfile
    /// Sessions: each entry is (time of week in minutes from Monday 00:00, patients called).
    public var sessions: [(timeOfWeek: SimTime, patients: Int)]
    /// The ward whose beds electives use, the stay there, and where they go after.
    public var ward: UnitIndex
    /// The ward's pool whose beds the list uses (0 for a ward without pools).
    public var pool: Int
    public var stay: Keyed<Distribution>
    public var route: Keyed<Outcome>
    /// The list at the start: its size and how long each has waited (a distribution of waits).
    public var initialSize: Int
    public var initialWait: Distribution
    /// Attribute mix of elective patients (as an arrivals stream's mix).
    public var mix: [Keyed<EmpiricalChoice<Int>>?]

    public init(referrals: RateProfile, sessions: [(timeOfWeek: SimTime, patients: Int)], ward: UnitIndex,
                stay: Keyed<Distribution>, route: Keyed<Outcome>, initialSize: Int, initialWait: Distribution,
                mix: [Keyed<EmpiricalChoice<Int>>?], pool: Int = 0) {
        self.pool = pool
        self.referrals = referrals
        self.sessions = sessions
        self.ward = ward
        self.stay = stay
        self.route = route
        self.initialSize = initialSize
        self.initialWait = initialWait
        self.mix = mix
    }
}

/// An elective list: referrals join it, weekly sessions call the longest waiters into the ward's beds, and a
/// called patient with no free bed on the day is cancelled back onto the list with the original referral date.
final class ElectiveListUnit: FlowUnit {
    let referrals: RateProfile
    let sessions: [(timeOfWeek: SimTime, patients: Int)]
    let ward: UnitIndex
    let pool: Int
    let stay: Keyed<Distribution>
    let next: Keyed<Outcome>
    let initialSize: Int
    let initialWait: Distribution
    let mix: [Keyed<EmpiricalChoice<Int>>?]
    /// The list, oldest referral first.
    @exclusivity(unchecked) var queue = ElectiveQueue()

    init(_ spec: UnitSpec, _ e: ElectiveListSpec, index: Int, streams: UnitStreams) {
        let copy = e.replicaCopy()
        referrals = copy.referrals
        sessions = copy.sessions
        ward = copy.ward
        pool = copy.pool
        stay = copy.stay
        next = copy.route
        initialSize = copy.initialSize
        initialWait = copy.initialWait
        mix = copy.mix
        super.init(spec, index: index, places: [], streams: streams)
    }

    /// The initial list, the first referral and every session's first call.
    override func start(_ s: SystemSimulation) {
        for _ in 0..<initialSize { add(s, referredAt: -initialWait.sample(streams.initial)) }
        scheduleNextReferral(s)
        let mondayBeforeStart = -Double(s.spec.calendar.weekday(ofDay: 0)) * Duration.day
        for (i, session) in sessions.enumerated() {
            var t = mondayBeforeStart + session.timeOfWeek
            while t < 0 { t += Duration.week }
            s.sim.schedule(at: t, priority: .normal, .session(unit: Int32(index), index: Int32(i)))
        }
    }

    func scheduleNextReferral(_ s: SystemSimulation) {
        let process = PoissonArrivals(rate: referrals)
        if let t = process.next(after: s.sim.now, unitExponential: streams.arrival.exponential(mean: 1), horizon: s.endTime) {
            s.sim.schedule(at: t, priority: .arrival, .electiveReferral(unit: Int32(index)))
        }
    }

    func referral(_ s: SystemSimulation) {
        add(s, referredAt: s.sim.now)
        scheduleNextReferral(s)
    }

    func add(_ s: SystemSimulation, referredAt t: SimTime) {
        let attrs = s.drawAttributes(mix: mix, streams.mix)
        let person = s.persons.insert(Person(attributes: attrs))
        let p = s.newPatient(attributes: attrs, person: person, byAmbulance: false)
        s.persons[person].state = .home
        s.patients[p].electiveUnit = Int32(index)
        s.patients[p].referralTime = t
        queue.push(referral: t, patient: Int32(p))
    }

    /// A session calls the longest waiters; each needs a free bed on the day or is cancelled back onto the list.
    func session(_ i: Int, _ s: SystemSimulation) {
        s.sim.schedule(after: Duration.week, priority: .normal, .session(unit: Int32(index), index: Int32(i)))
        guard s.units[ward].places.indices.contains(pool) else { return }
        let bed = s.units[ward].places[pool].resource
        var cancelled: [(SimTime, Int32)] = []
        for _ in 0..<sessions[i].patients {
            guard let (t, p) = queue.pop() else { break }
            if s.pool.free(bed) > 0 && s.pool.queueLength(bed) == 0 {
                if s.warmedUp { s.metrics.electiveAdmissions += 1 }
                s.moveTo(Int(p), unit: ward)
                s.processGrants()
            } else {
                if s.warmedUp { s.metrics.electiveCancellations += 1 }
                cancelled.append((t, p))
            }
        }
        for (t, p) in cancelled { queue.push(referral: t, patient: p) }
    }

    /// Patients on the list referred before `t`.
    func count(referredBefore t: SimTime) -> Int { queue.count(referredBefore: t) }
}

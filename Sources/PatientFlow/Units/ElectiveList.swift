import SimCore
import Stochastics

/// One clinical priority of an elective list (NHS England's clinical prioritisation: P1 within 72 hours, P2
/// within a month, P3 within three months, P4 longer).
public struct ElectivePriority: Sendable, Equatable {
    public var name: String
    /// The share of referrals at this priority.
    public var share: Double
    /// The target time from joining the list (the decision to admit) to treatment.
    public var target: SimTime
    public init(name: String, share: Double, target: SimTime) {
        self.name = name
        self.share = share
        self.target = target
    }

    /// Without priorities a list has one, routine, with the 18-week referral-to-treatment standard as its target.
    public static let routine = ElectivePriority(name: "routine", share: 1, target: 18 * Duration.week)
}

/// Patients on a list when the run starts: `size` of them at one priority, each having waited a draw of `wait`
/// since their referral-to-treatment clock started (a snapshot's band of waits is a uniform `wait`).
public struct InitialCohort: Sendable, Equatable {
    /// The priority's index, or -1: each patient's priority is drawn from the referral mix.
    public var priority: Int
    public var size: Int
    public var wait: Distribution
    public init(priority: Int = -1, size: Int, wait: Distribution) {
        self.priority = priority
        self.size = size
        self.wait = wait
    }
}

/// An elective waiting list treated in the acute ward's beds (inpatients) or as day cases.
///
/// Referrals join the list at a clinical priority; sessions call patients by priority, then longest wait. A
/// day case is treated in the day-case unit (theatre and day-surgery trolleys, discharged the same day) and
/// takes no G&A bed; an inpatient needs a free bed in one of the list's pools on the day, or is cancelled and
/// goes back on the list with the original referral date.
public struct ElectiveListSpec: Sendable {
    /// Referrals per day (a rate profile: weekday and month shapes apply).
    public var referrals: RateProfile
    /// Sessions: each entry is (time of week in minutes from Monday 00:00, patients called).
    public var sessions: [(timeOfWeek: SimTime, patients: Int)]
    /// The ward whose beds inpatients use, the stay there, and where patients go after.
    public var ward: UnitIndex
    /// The ward's pools whose beds the list uses, in order of preference (a ring-fenced pool first, say).
    public var pools: [Int]
    public var stay: Keyed<Distribution>
    public var route: Keyed<Outcome>
    /// Clinical priorities, most urgent first (the calling order), with their shares of referrals.
    public var priorities: [ElectivePriority]
    /// The chance that a referral is a day case.
    public var dayCase: Keyed<Double>
    /// Time on the referral-to-treatment clock when a referral joins the list (the clock starts at referral to
    /// the consultant; the patient is listed at the decision to admit).
    public var waitBeforeListing: Keyed<Distribution>
    /// The list at the start.
    public var initialList: [InitialCohort]
    /// Attribute mix of elective patients (as an arrivals stream's mix).
    public var mix: [Keyed<EmpiricalChoice<Int>>?]

    public init(referrals: RateProfile, sessions: [(timeOfWeek: SimTime, patients: Int)], ward: UnitIndex,
                stay: Keyed<Distribution>, route: Keyed<Outcome>, initialList: [InitialCohort],
                mix: [Keyed<EmpiricalChoice<Int>>?], pools: [Int] = [0], priorities: [ElectivePriority] = [.routine],
                dayCase: Keyed<Double> = Keyed(0), waitBeforeListing: Keyed<Distribution> = Keyed(.constant(0))) {
        self.referrals = referrals
        self.sessions = sessions
        self.ward = ward
        self.pools = pools
        self.stay = stay
        self.route = route
        self.priorities = priorities
        self.dayCase = dayCase
        self.waitBeforeListing = waitBeforeListing
        self.initialList = initialList
        self.mix = mix
    }

    /// A list of one priority with `initialSize` patients whose waits are draws of `initialWait`.
    public init(referrals: RateProfile, sessions: [(timeOfWeek: SimTime, patients: Int)], ward: UnitIndex,
                stay: Keyed<Distribution>, route: Keyed<Outcome>, initialSize: Int, initialWait: Distribution,
                mix: [Keyed<EmpiricalChoice<Int>>?], pool: Int = 0) {
        self.init(referrals: referrals, sessions: sessions, ward: ward, stay: stay, route: route,
                  initialList: initialSize > 0 ? [InitialCohort(size: initialSize, wait: initialWait)] : [], mix: mix,
                  pools: [pool])
    }

    /// The patients on the list at the start.
    public var initialSize: Int { initialList.reduce(0) { $0 + $1.size } }
    /// The first pool the list uses.
    public var pool: Int { pools.first ?? 0 }
}

/// An elective list: referrals join it at a priority, weekly sessions call patients by priority and then
/// longest wait; day cases are treated without a bed, inpatients need a free bed in one of the list's pools on
/// the day or are cancelled back onto the list with the original referral date.
final class ElectiveListUnit: FlowUnit {
    let referrals: RateProfile
    /// `referrals` with each day's rates worked out once, when that gives the same times (no growth: the profile
    /// evaluates growth at each hour's start, the cached table at the day's).
    let referralTable: DailyCachedProfile?
    let sessions: [(timeOfWeek: SimTime, patients: Int)]
    let ward: UnitIndex
    let pools: [Int]
    let stay: Keyed<Distribution>
    let next: Keyed<Outcome>
    let priorities: [ElectivePriority]
    /// The referral mix of priorities (nil with one priority: no draw).
    let priorityMix: EmpiricalChoice<Int>?
    let dayCase: Keyed<Double>
    let hasDayCases: Bool
    let waitBeforeListing: Keyed<Distribution>
    let hasWaitBeforeListing: Bool
    let initialList: [InitialCohort]
    let mix: [Keyed<EmpiricalChoice<Int>>?]
    /// Each priority's position in the run's list of priority names (metrics).
    let priorityMetricIndex: [Int]
    /// The list, most urgent and then longest waiting first.
    @exclusivity(unchecked) var queue = ElectiveQueue()

    init(_ spec: UnitSpec, _ e: ElectiveListSpec, index: Int, streams: UnitStreams, context: BuildContext) {
        let copy = e.replicaCopy()
        referrals = copy.referrals
        referralTable = copy.referrals.growthPerYear == 0 ? DailyCachedProfile(copy.referrals) : nil
        sessions = copy.sessions
        ward = copy.ward
        pools = copy.pools
        stay = copy.stay
        next = copy.route
        priorities = copy.priorities
        priorityMix = copy.priorities.count > 1
            ? EmpiricalChoice(values: Array(copy.priorities.indices), weights: copy.priorities.map(\.share)) : nil
        dayCase = copy.dayCase
        hasDayCases = copy.dayCase.values.contains { $0 > 0 }
        waitBeforeListing = copy.waitBeforeListing
        hasWaitBeforeListing = copy.waitBeforeListing.values.contains { $0 != .constant(0) }
        initialList = copy.initialList
        mix = copy.mix
        priorityMetricIndex = context.electivePriorityIndex[index] ?? Array(copy.priorities.indices)
        super.init(spec, index: index, places: [], streams: streams)
    }

    /// The initial list, the first referral and every session's first call.
    override func start(_ s: SystemSimulation) {
        for cohort in initialList {
            for _ in 0..<cohort.size {
                let wait = cohort.wait.sample(streams.initial)
                add(s, clock: -wait, priority: cohort.priority >= 0 ? cohort.priority : drawPriority(), initial: true)
            }
        }
        scheduleNextReferral(s)
        let mondayBeforeStart = -Double(s.spec.calendar.weekday(ofDay: 0)) * Duration.day
        for (i, session) in sessions.enumerated() {
            var t = mondayBeforeStart + session.timeOfWeek
            while t < 0 { t += Duration.week }
            s.sim.schedule(at: t, priority: .normal, .session(unit: Int32(index), index: Int32(i)))
        }
    }

    func scheduleNextReferral(_ s: SystemSimulation) {
        let e = streams.arrival.exponential(mean: 1)
        let next = referralTable.map { $0.nextByHours(after: s.sim.now, unitExponential: e, horizon: s.endTime) }
            ?? PoissonArrivals(rate: referrals).next(after: s.sim.now, unitExponential: e, horizon: s.endTime)
        if let t = next {
            s.sim.schedule(at: t, priority: .arrival, .electiveReferral(unit: Int32(index)))
        }
    }

    func drawPriority() -> Int { priorityMix?.sample(streams.priority) ?? 0 }

    /// A referral: listed now, at a priority, with the time already on its referral-to-treatment clock.
    func referral(_ s: SystemSimulation) {
        add(s, clock: s.sim.now, priority: drawPriority(), initial: false)
        scheduleNextReferral(s)
    }

    /// Adds a patient: a referral listed now (`clock`), whose referral-to-treatment clock started the wait
    /// before listing earlier; or, `initial`, a patient on the list at the start whose clock started at `clock`
    /// and who was listed the wait before listing later (at the start at the latest).
    func add(_ s: SystemSimulation, clock: SimTime, priority: Int, initial: Bool) {
        let attrs = s.drawAttributes(mix: mix, streams.mix)
        let person = s.persons.insert(Person(attributes: attrs))
        let p = s.newPatient(attributes: attrs, person: person, byAmbulance: false)
        s.persons[person].state = .home
        let before = hasWaitBeforeListing ? waitBeforeListing.sample(attrs, streams.listing) : 0
        let referral = initial ? clock : clock - before
        s.patients[p].electiveUnit = Int32(index)
        s.patients[p].referralTime = referral
        s.patients[p].listedAt = initial ? min(clock + before, 0) : clock
        s.patients[p].electivePriority = Int8(priority)
        s.patients[p].dayCase = hasDayCases && streams.dayCase.bernoulli(dayCase.value(attrs))
        if s.trace != nil { s.traceEvent(p, index, .arrive) }
        queue.push(referral: referral, patient: Int32(p), priority: priority)
    }

    /// A session calls patients by priority, then longest wait: a day case is treated without a bed; an inpatient
    /// needs a free bed in one of the list's pools on the day or is cancelled back onto the list.
    func session(_ i: Int, _ s: SystemSimulation) {
        s.sim.schedule(after: Duration.week, priority: .normal, .session(unit: Int32(index), index: Int32(i)))
        let places = s.units[ward].places
        var cancelled: [(SimTime, Int32)] = []
        for _ in 0..<sessions[i].patients {
            guard let (t, p) = queue.pop() else { break }
            let patient = Int(p)
            if s.patients[patient].dayCase {
                treated(patient, dayCase: true, s)
                s.moveTo(patient, unit: next.sample(s.patients[patient].attributes, streams.route))
                s.processGrants()
                continue
            }
            let bed = pools.first { k in
                places.indices.contains(k) && s.pool.free(places[k].resource) > 0 && s.pool.queueLength(places[k].resource) == 0
            }
            if let bed {
                treated(patient, dayCase: false, s)
                s.patients[patient].homePlace = Int16(bed)
                s.moveTo(patient, unit: ward)
                s.processGrants()
            } else {
                if s.warmedUp { s.metrics.electiveCancellation(at: s.sim.now) }
                cancelled.append((t, p))
            }
        }
        for (t, p) in cancelled { queue.push(referral: t, patient: p, priority: Int(s.patients[Int(p)].electivePriority)) }
    }

    /// A called patient is treated (admitted to a bed, or as a day case): their waits count.
    func treated(_ p: Int, dayCase: Bool, _ s: SystemSimulation) {
        guard s.warmedUp else { return }
        let k = Int(s.patients[p].electivePriority)
        s.metrics.electiveTreated(dayCase: dayCase, priority: priorityMetricIndex[k], wait: s.sim.now - s.patients[p].referralTime,
                                  withinTarget: s.sim.now - s.patients[p].listedAt <= priorities[k].target, at: s.sim.now)
    }

    /// Patients on the list referred before `t`.
    func count(referredBefore t: SimTime) -> Int { queue.count(referredBefore: t) }
}

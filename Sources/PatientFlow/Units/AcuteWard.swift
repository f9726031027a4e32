import SimCore
import Stochastics

/// One discharge pathway of an acute ward (P0 ... P3).
public struct PathwaySpec: Sendable {
    public var name: String
    /// The unit that takes the patient (a community service, bedded care, or an exit).
    public var target: UnitIndex
    /// Time after the end of the acute phase before the patient can take a place: discharge process (P0) or
    /// assessment and referral (P1-P3).
    public var delay: Keyed<Distribution>
    /// The delay may only end within discharge hours.
    public var withinDischargeHours: Bool
    /// Counted in `home_at_91_days_percent` (reablement and rehabilitation pathways).
    public var countsFor91Day: Bool
    /// The pathway a patient of this one turns out to need once assessed (drawn when the acute phase ends):
    /// under discharge to assess, people assessed at home need less care than the ward would have prescribed.
    /// Nil: the pathway stands.
    public var reassessedAs: Keyed<EmpiricalChoice<Int>>?
    public init(name: String, target: UnitIndex, delay: Keyed<Distribution>, withinDischargeHours: Bool,
                countsFor91Day: Bool, reassessedAs: Keyed<EmpiricalChoice<Int>>? = nil) {
        self.reassessedAs = reassessedAs
        self.name = name
        self.target = target
        self.delay = delay
        self.withinDischargeHours = withinDischargeHours
        self.countsFor91Day = countsFor91Day
    }
}

/// The 91 days after leaving a unit alive (DESIGN §3 "91-day follow-up"): an emergency return to the front door,
/// death, and a move into a care home, each drawn at the discharge, at a time inside the 91 days. They happen
/// wherever the person is then (at home, in reablement or on a virtual ward, in bedded care or a care home), except
/// in hospital; one that reaches a person in a service ends that stay. A later discharge replaces the draws.
///
/// An acute ward's `follow_up` starts at the acute discharge, keyed by attributes and by `next` (the pathway the
/// patient left by); an exit's own readmission, death and care-home move apply to people who pass it with no
/// acute follow-up running.
public struct AfterDischargeSpec: Sendable {
    /// The chance of an emergency return within 91 days, times `readmissionFactor` (e.g. by frailty), times
    /// (1 + `readmissionPerNCTRDay`)^(NCTR days before the discharge), at most 1.
    public var readmission: Keyed<Double>
    public var readmissionFactor: Keyed<Double>
    public var readmissionPerNCTRDay: Double
    /// When the return comes, given one (drawn inside the 91 days), and where the patient goes first.
    public var readmissionTime: Keyed<Distribution>
    public var readmissionRoute: Keyed<Outcome>?
    /// Within 91 days: the chance of death and of a move into a care home, and when.
    public var death: Keyed<Double>
    public var careHomeMove: Keyed<Double>
    public var eventTime: Keyed<Distribution>
    public init(readmission: Keyed<Double>, readmissionFactor: Keyed<Double> = Keyed(1), readmissionPerNCTRDay: Double = 0,
                readmissionTime: Keyed<Distribution>, readmissionRoute: Keyed<Outcome>?, death: Keyed<Double>,
                careHomeMove: Keyed<Double>, eventTime: Keyed<Distribution>) {
        self.readmission = readmission
        self.readmissionFactor = readmissionFactor
        self.readmissionPerNCTRDay = readmissionPerNCTRDay
        self.readmissionTime = readmissionTime
        self.readmissionRoute = readmissionRoute
        self.death = death
        self.careHomeMove = careHomeMove
        self.eventTime = eventTime
    }
}

/// A unit's `AfterDischargeSpec` in one replication: an object, so the discharge paths read its tables in place
/// rather than copying the struct (and retaining each of its tables) on every discharge.
final class AfterDischarge {
    let spec: AfterDischargeSpec
    init(_ spec: AfterDischargeSpec) { self.spec = spec.replicaCopy() }
}

/// A pool of acute beds (a specialty: medicine, frailty, surgery), with beds on a schedule.
public struct BedPool: Sendable {
    /// The pool's name ("" for a ward without pools: the unit itself).
    public var name: String
    public var beds: PlacesSpec
    public var initial: InitialState
    /// Beds kept for the pool's own patients: other pools' patients outlie here only while more are free.
    public var reserve: Int
    /// Elective beds: no emergency admission has the pool as its home pool or outlies into it (checked by
    /// `SystemSpec.problems()`), so only elective lists' patients use it.
    public var ringFenced: Bool
    public init(name: String = "", beds: PlacesSpec, initial: InitialState = InitialState(), reserve: Int = 0,
                ringFenced: Bool = false) {
        self.name = name
        self.beds = beds
        self.initial = initial
        self.reserve = reserve
        self.ringFenced = ringFenced
    }
}

/// Where a patient whose home pool is full may go: a free bed in one of `to` (in order), staying `losFactor`
/// times as long in the acute phase there (outliers stay longer).
public struct OutlierRule: Sendable, Equatable {
    public var to: [Int]
    public var losFactor: Double
    public init(to: [Int], losFactor: Double = 1) {
        self.to = to
        self.losFactor = losFactor
    }
}

/// Escalation beds opened by a rule: at each check time, if closed and occupancy (of the pool's beds) or the
/// number waiting for a bed in the ward (boarders) reaches a threshold, `beds` open in `pool`; if open and both
/// are at or below the closing thresholds, they close (occupied beds are not evicted, as with any reduction).
public struct EscalationRule: Sendable, Equatable {
    public var pool: Int
    public var beds: Int
    /// Minutes after midnight, sorted.
    public var checkTimes: [SimTime]
    /// Open when occupancy >= `openOccupancy` (a fraction) or boarders >= `openBoarders` (either may be nil).
    public var openOccupancy: Double?
    public var openBoarders: Int?
    /// Close when occupancy <= `closeOccupancy` and boarders <= `closeBoarders`.
    public var closeOccupancy: Double
    public var closeBoarders: Int
    public init(pool: Int, beds: Int, checkTimes: [SimTime], openOccupancy: Double?, openBoarders: Int?,
                closeOccupancy: Double, closeBoarders: Int) {
        self.pool = pool
        self.beds = beds
        self.checkTimes = checkTimes
        self.openOccupancy = openOccupancy
        self.openBoarders = openBoarders
        self.closeOccupancy = closeOccupancy
        self.closeBoarders = closeBoarders
    }
}

/// When discharges happen: the discharge (or transfer) of a patient whose process is done happens at the next
/// point of a Poisson process with rate `perDay` x `hourOfDay[h]` x `dayOfWeek[d]` (shapes with mean 1), so
/// departures cluster in the afternoon and thin at night and at weekends.
public struct DischargeTiming: Sendable, Equatable {
    public var perDay: Double
    public var hourOfDay: [Double]
    public var dayOfWeek: [Double]
    public init(perDay: Double, hourOfDay: [Double], dayOfWeek: [Double] = Array(repeating: 1, count: 7)) {
        self.perDay = perDay
        self.hourOfDay = hourOfDay
        self.dayOfWeek = dayOfWeek
    }
}

/// General and acute beds: pools of beds, an acute phase, then NCTR time until the pathway's service has room.
public struct AcuteWardSpec: Sendable {
    public var pools: [BedPool]
    /// A patient's home pool (index into `pools`), by attributes; one pool needs none.
    public var homePool: Keyed<EmpiricalChoice<Int>>?
    /// For each pool, where its patients may outlie when it is full (nil: nowhere).
    public var outliers: [OutlierRule?]
    public var escalationRules: [EscalationRule]
    /// Time a freed bed takes before the next patient can have it (cleaning); nil: none.
    public var turnaround: Distribution?
    public var pathways: [PathwaySpec]
    /// Which pathway a patient will leave by, drawn on admission (index into `pathways`).
    public var pathwayMix: Keyed<EmpiricalChoice<Int>>
    /// Length of the acute phase; may be keyed by `next` (the pathway).
    public var acuteStay: Keyed<Distribution>
    /// Discharge hours, as minutes after midnight: [open, close), for pathways `withinDischargeHours` when
    /// there is no `dischargeTiming`.
    public var dischargeOpen: SimTime
    public var dischargeClose: SimTime
    /// When discharges and transfers of pathways `withinDischargeHours` happen (replaces discharge hours).
    public var dischargeTiming: DischargeTiming?
    /// Deconditioning: chance per NCTR day of moving to the next pathway up (index `escalateTo`).
    public var escalationPerDay: [Double]
    public var escalateTo: [Int?]
    /// Deconditioning: chance per NCTR day of losing independence (a care-home move within 91 days).
    public var independenceLossPerDay: Double
    /// The 91 days after an acute discharge alive (nil: only the exits' own events).
    public var followUp: AfterDischargeSpec?

    public init(pools: [BedPool], homePool: Keyed<EmpiricalChoice<Int>>? = nil, outliers: [OutlierRule?] = [],
                escalationRules: [EscalationRule] = [], turnaround: Distribution? = nil, pathways: [PathwaySpec],
                pathwayMix: Keyed<EmpiricalChoice<Int>>, acuteStay: Keyed<Distribution>, dischargeOpen: SimTime,
                dischargeClose: SimTime, dischargeTiming: DischargeTiming? = nil, escalationPerDay: [Double],
                escalateTo: [Int?], independenceLossPerDay: Double, followUp: AfterDischargeSpec? = nil) {
        self.followUp = followUp
        self.pools = pools
        self.homePool = homePool
        self.outliers = outliers.count == pools.count ? outliers : Array(repeating: nil, count: pools.count)
        self.escalationRules = escalationRules
        self.turnaround = turnaround
        self.pathways = pathways
        self.pathwayMix = pathwayMix
        self.acuteStay = acuteStay
        self.dischargeOpen = dischargeOpen
        self.dischargeClose = dischargeClose
        self.dischargeTiming = dischargeTiming
        self.escalationPerDay = escalationPerDay
        self.escalateTo = escalateTo
        self.independenceLossPerDay = independenceLossPerDay
    }

    /// A ward without pools: one set of beds.
    public init(beds: PlacesSpec, pathways: [PathwaySpec], pathwayMix: Keyed<EmpiricalChoice<Int>>,
                acuteStay: Keyed<Distribution>, dischargeOpen: SimTime, dischargeClose: SimTime,
                escalationPerDay: [Double], escalateTo: [Int?], independenceLossPerDay: Double,
                initial: InitialState = InitialState()) {
        self.init(pools: [BedPool(beds: beds, initial: initial)], pathways: pathways, pathwayMix: pathwayMix,
                  acuteStay: acuteStay, dischargeOpen: dischargeOpen, dischargeClose: dischargeClose,
                  escalationPerDay: escalationPerDay, escalateTo: escalateTo, independenceLossPerDay: independenceLossPerDay)
    }

    /// The beds of a ward without pools (its first pool's).
    public var beds: PlacesSpec { pools[0].beds }
    public var initial: InitialState { pools[0].initial }
}

/// General and acute beds in pools. An emergency admission asks for a bed in its home pool, or outlies in an
/// allowed pool when the home pool is full (staying longer); its acute phase (meets the criteria to reside) is
/// followed by NCTR time: the pathway's discharge process or assessment, then a wait for a place in the
/// pathway's service while holding the bed. Each NCTR day may decondition the patient (a higher pathway).
/// Elective patients called from a list use the same beds for a planned stay. Escalation rules open beds when
/// occupancy or boarding passes a threshold; a freed bed may need a turnaround before the next patient.
final class AcuteWardUnit: FlowUnit {
    let pathways: [PathwaySpec]
    let pathwayMix: Keyed<EmpiricalChoice<Int>>
    let acuteStay: Keyed<Distribution>
    let dischargeOpen: SimTime
    let dischargeClose: SimTime
    /// Departure times of pathways within discharge hours, when the ward has a discharge profile.
    let dischargeProcess: DailyCachedProfile?
    /// `dischargeProcess`, lent to each draw without reference counting (`dischargeProcess` keeps it alive).
    let dischargeProcessRef: Unmanaged<DailyCachedProfile>?
    let escalationPerDay: [Double]
    let escalateTo: [Int?]
    let independenceLossPerDay: Double
    let followUp: AfterDischarge?
    let homePool: Keyed<EmpiricalChoice<Int>>?
    let outliers: [OutlierRule?]
    let escalationRules: [EscalationRule]
    let turnaround: Distribution?
    /// Beds each pool keeps for its own patients (outliers take one only while more are free).
    let reserves: [Int]
    /// Each pathway's position in the run's list of pathway names (metrics).
    let pathwayMetricIndex: [Int]
    /// Each pathway's NCTR reason while waiting for its service (run-wide index; 0, process, for exits).
    let waitingReason: [Int]

    /// NCTR patients now in the ward's beds, and their time-weighted number.
    @exclusivity(unchecked) var nctrCount = 0
    @exclusivity(unchecked) var nctrStat = TimeWeighted(start: 0)
    /// NCTR patients by reason (run-wide reasons: process, then waiting for each service), and their
    /// time-weighted numbers (NCTR bed-days by reason).
    @exclusivity(unchecked) var reasonCount: [Int]
    @exclusivity(unchecked) var reasonStat: [TimeWeighted]
    /// Patients in a pool other than their home pool, and their time-weighted number (outlier bed-days).
    @exclusivity(unchecked) var outlierCount = 0
    @exclusivity(unchecked) var outlierStat = TimeWeighted(start: 0)
    /// Beds opened by escalation rules now, and their time-weighted number (escalation bed-days).
    @exclusivity(unchecked) var ruleOpen: [Bool]
    @exclusivity(unchecked) var openedStat = TimeWeighted(start: 0)
    /// The virtual wards this ward's inpatients may step down to, in unit order, and the same read without
    /// reference counting on each admission (`stepDownTargets` keeps them alive).
    @exclusivity(unchecked) private(set) var stepDownTargets: [VirtualWardUnit] = []
    @exclusivity(unchecked) private var stepDownRefs = Borrowed<VirtualWardUnit>([])
    /// The elective lists, by unit index (nil for other units), whose patients use these beds.
    @exclusivity(unchecked) private(set) var electiveLists: [ElectiveListUnit?] = []

    init(_ spec: UnitSpec, _ w: AcuteWardSpec, index: Int, places: [Place], streams: UnitStreams, context: BuildContext) {
        let copy = w.replicaCopy()
        pathways = copy.pathways
        pathwayMix = copy.pathwayMix
        acuteStay = copy.acuteStay
        dischargeOpen = copy.dischargeOpen
        dischargeClose = copy.dischargeClose
        dischargeProcess = copy.dischargeTiming.map { t in
            DailyCachedProfile(RateProfile(perDay: t.perDay, hourOfDay: t.hourOfDay, dayOfWeek: t.dayOfWeek,
                                           calendar: context.spec.calendar))
        }
        dischargeProcessRef = dischargeProcess.map { .passUnretained($0) }
        escalationPerDay = copy.escalationPerDay
        escalateTo = copy.escalateTo
        independenceLossPerDay = copy.independenceLossPerDay
        followUp = w.followUp.map(AfterDischarge.init)
        homePool = copy.homePool
        outliers = copy.outliers
        escalationRules = copy.escalationRules
        turnaround = copy.turnaround
        reserves = copy.pools.map(\.reserve)
        ruleOpen = Array(repeating: false, count: copy.escalationRules.count)
        pathwayMetricIndex = context.pathwayMetricIndex[index] ?? []
        waitingReason = context.nctrReasonOfPathway[index] ?? Array(repeating: 0, count: copy.pathways.count)
        reasonCount = Array(repeating: 0, count: context.nctrReasonCount)
        reasonStat = Array(repeating: TimeWeighted(start: 0), count: context.nctrReasonCount)
        super.init(spec, index: index, places: places, streams: streams)
    }

    override func link(_ units: [FlowUnit]) {
        stepDownTargets = units.compactMap { u in
            guard let v = u as? VirtualWardUnit, v.stepDownFrom.contains(index) else { return nil }
            return v
        }
        stepDownRefs.deallocate()
        stepDownRefs = Borrowed(stepDownTargets)
        electiveLists = units.map { $0 as? ElectiveListUnit }
    }

    deinit { stepDownRefs.deallocate() }

    override var afterDischarge: AfterDischarge? { followUp }

    /// The elective list of an elective patient (nil for emergency admissions).
    func electiveList(of p: Int, _ s: SystemSimulation) -> ElectiveListUnit? {
        let e = Int(s.patients[p].electiveUnit)
        return e >= 0 ? electiveLists[e] : nil
    }

    /// Schedules the escalation rules' first checks.
    override func start(_ s: SystemSimulation) {
        for (k, rule) in escalationRules.enumerated() {
            if let t = PullRounds.next(after: -1, rule.checkTimes) {
                s.sim.schedule(at: t, priority: .audit, .escalationCheck(unit: Int32(index), rule: Int32(k)))
            }
        }
    }

    // MARK: Entering, the end of the acute phase, leaving

    /// An admission asks for a bed in its home pool (by attributes; an elective list's pool for electives); the
    /// pool itself lets it outlie in allowed pools when full (`ResourcePool.setOverflow`).
    override func requestTarget(_ p: Int, _ s: SystemSimulation) -> (resource: ResourceID, priority: Int) {
        var home = 0
        if electiveList(of: p, s) != nil {
            home = Int(s.patients[p].homePlace)  // the pool the session found a free bed in
        } else if let homePool {
            home = homePool.sample(s.patients[p].attributes, streams.stream)
        }
        s.patients[p].homePlace = Int16(home)
        return (placeResources[home], 0)
    }

    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        let attrs = s.patients[p].attributes
        let pool = s.placeIndex(of: p), home = Int(s.patients[p].homePlace)
        let outlier = pool != home
        if outlier {
            s.patients[p].outlier = true
            outlierCount += 1
            outlierStat.update(to: Double(outlierCount), at: s.sim.now)
        }
        if s.patients[p].electiveUnit >= 0, let list = electiveList(of: p, s) {
            // A planned stay, then the list's route.
            s.patients[p].admissionTime = s.sim.now
            s.patients[p].next = Int32(list.next.sample(attrs, streams.route))
            s.scheduleStayEnd(p, after: list.stay.sample(attrs, streams.stay))
            return
        }
        s.patients[p].admissionTime = s.sim.now
        s.patients[p].acuteUnit = Int32(index)
        let pathway = pathwayMix.sample(attrs, streams.route)
        s.patients[p].next = Int32(pathway)
        s.patients[p].pathway = Int16(pathway)
        s.noteReadmission(p)
        if s.warmedUp { s.metrics.admission(neighbourhood: s.neighbourhood(of: attrs), at: s.sim.now) }
        var stay = acuteStay.sample(attrs, next: pathway, streams.stay)
        if outlier, let rule = outliers[home] { stay *= rule.losFactor }
        s.patients[p].acuteEnd = s.sim.now + stay
        s.scheduleStayEnd(p, after: stay)
        // Patients who will die in hospital do not step down.
        // The units are read in place (`s.units[...]` and a `for` over the targets would retain each).
        if stepDownRefs.count > 0 && !s.unitRefs.with(pathways[pathway].target, \.endsInDeath) {
            for k in 0..<stepDownRefs.count where stepDownRefs.with(k, { $0.drawEligibility(p, acuteStay: stay, s) }) { break }
        }
    }

    /// The end of the acute phase (medically optimised: NCTR time starts), or of an elective stay.
    override func stayEnded(_ p: Int, _ s: SystemSimulation) {
        if electiveList(of: p, s) != nil {
            s.moveTo(p, unit: Int(s.patients[p].next))
            return
        }
        let k = Int(s.patients[p].next)
        if let r = pathways[k].reassessedAs {
            let needed = r.sample(s.patients[p].attributes, streams.assessment)
            if needed != k {
                if s.warmedUp { s.metrics.reassessed += 1 }
                s.patients[p].next = Int32(needed)
                s.patients[p].pathway = Int16(needed)
            }
        }
        s.patients[p].phase = .nctrDelay
        s.patients[p].nctrStart = s.sim.now
        nctrCount += 1
        nctrStat.update(to: Double(nctrCount), at: s.sim.now)
        setReason(p, 0, s)
        if escalateTo[Int(s.patients[p].next)] != nil {
            s.sim.schedule(after: Duration.day, priority: .normal, .nctrDay(patient: Int32(p), token: s.patients[p].token))
        }
        startDischargeDelay(p, s)
    }

    override func leaving(_ p: Int, to dest: Int, _ s: SystemSimulation) {
        let pt = s.patients[p]
        if pt.outlier {
            s.patients[p].outlier = false
            outlierCount -= 1
            outlierStat.update(to: Double(outlierCount), at: s.sim.now)
        }
        if pt.electiveUnit >= 0 {
            s.patients[p].token = s.freshToken()
            return
        }
        if pt.displacedShare > 0 && s.warmedUp {
            // A step-up a full virtual ward turned away: its bed-days count against those step-down released.
            s.metrics.bedDaysDisplaced += Double(pt.displacedShare) * (s.sim.now - pt.admissionTime)
        }
        let inNCTR = pt.phase == .nctrDelay || pt.phase == .nctrWaiting
        let nctr = inNCTR ? s.sim.now - pt.nctrStart : 0
        if inNCTR {
            nctrCount -= 1
            nctrStat.update(to: Double(nctrCount), at: s.sim.now)
            setReason(p, -1, s)
        }
        if s.warmedUp {
            if !s.unitRefs.with(dest, \.endsInDeath) {
                let day = s.spec.calendar.dayIndex(s.sim.now)
                s.metrics.acuteDeparture(hour: s.spec.calendar.hourOfDay(s.sim.now), weekday: s.spec.calendar.weekday(ofDay: day))
            }
            s.metrics.acuteDischarge(los: s.sim.now - pt.admissionTime, nctr: inNCTR ? nctr : nil,
                                     pathway: pathwayMetricIndex[Int(pt.next)],
                                     neighbourhood: s.neighbourhood(of: pt.attributes), at: s.sim.now)
        }
        if !s.unitRefs.with(dest, \.endsInDeath) { s.startFollowUp(p, ward: self, nctr: nctr, to: dest) }
        s.patients[p].token = s.freshToken()  // stops the deconditioning clock
    }

    override func startInitialOccupant(_ p: Int, _ s: SystemSimulation) {
        let attrs = s.patients[p].attributes
        s.patients[p].admissionTime = -(s.startingElapsed ?? 0)
        s.patients[p].acuteUnit = Int32(index)
        s.patients[p].homePlace = Int16(s.placeIndex(of: p))
        let pathway = pathwayMix.sample(attrs, streams.route)
        s.patients[p].next = Int32(pathway)
        s.patients[p].pathway = Int16(pathway)
        s.scheduleStayEnd(p, after: s.initialRemaining(acuteStay.value(attrs, next: pathway), streams.initial))
    }

    /// How long a freed bed takes before the next patient can have it.
    func turnaroundTime() -> SimTime { turnaround?.sample(streams.turnaround) ?? 0 }

    // MARK: Escalation rules

    /// A rule's check: open its beds when occupancy or boarding passes the opening threshold, close them when
    /// both are at or below the closing thresholds.
    func checkEscalation(_ k: Int, _ s: SystemSimulation) {
        let rule = escalationRules[k]
        if let t = PullRounds.next(after: s.sim.now, rule.checkTimes) {
            s.sim.schedule(at: t, priority: .audit, .escalationCheck(unit: Int32(index), rule: Int32(k)))
        }
        let place = places[rule.pool]
        let capacity = s.pool.capacity(place.resource)
        let occupancy = capacity > 0 ? Double(s.pool.busy(place.resource)) / Double(capacity) : 1
        let boarders = places.reduce(0) { $0 + s.pool.queueLength($1.resource) }
        if !ruleOpen[k] {
            let byOccupancy = rule.openOccupancy.map { occupancy >= $0 } ?? false
            let byBoarders = rule.openBoarders.map { boarders >= $0 } ?? false
            guard byOccupancy || byBoarders else { return }
            ruleOpen[k] = true
            place.opened += rule.beds
        } else {
            guard occupancy <= rule.closeOccupancy && boarders <= rule.closeBoarders else { return }
            ruleOpen[k] = false
            place.opened -= rule.beds
        }
        openedStat.update(to: Double(zip(ruleOpen, escalationRules).reduce(0) { $0 + ($1.0 ? $1.1.beds : 0) }), at: s.sim.now)
        s.applyCapacity(place)
    }

    // MARK: NCTR: discharge process, waiting for a service, deconditioning

    func startDischargeDelay(_ p: Int, _ s: SystemSimulation) {
        let k = Int(s.patients[p].next)
        var end = s.sim.now + pathways[k].delay.sample(s.patients[p].attributes, streams.delay)
        if pathways[k].withinDischargeHours {
            if let process = dischargeProcessRef {
                let e = streams.timing.exponential(mean: 1)
                end = process._withUnsafeGuaranteedRef {
                    $0.nextByHours(after: end, unitExponential: e, horizon: .infinity)
                } ?? end
            } else {
                end = DischargeHours.next(end, open: dischargeOpen, close: dischargeClose)
            }
        }
        s.sim.schedule(at: end, priority: .release, .delayEnd(patient: Int32(p), token: s.patients[p].token))
    }

    /// Why NCTR patient `p` is still in the bed changes to `reason` (-1: no longer NCTR).
    func setReason(_ p: Int, _ reason: Int, _ s: SystemSimulation) {
        let old = Int(s.patients[p].nctrReason)
        guard old != reason else { return }
        if old >= 0 {
            reasonCount[old] -= 1
            reasonStat[old].update(to: Double(reasonCount[old]), at: s.sim.now)
        }
        if reason >= 0 {
            reasonCount[reason] += 1
            reasonStat[reason].update(to: Double(reasonCount[reason]), at: s.sim.now)
        }
        s.patients[p].nctrReason = Int8(reason)
        if old < 0 { s.addNCTRPatient(p) } else if reason < 0 { s.removeNCTRPatient(p) }
    }

    /// The discharge process or assessment is done: the patient asks for a place in the pathway's service.
    func dischargeDelayEnded(_ p: Int, _ s: SystemSimulation) {
        s.patients[p].phase = .nctrWaiting
        setReason(p, waitingReason[Int(s.patients[p].next)], s)
        s.moveTo(p, unit: pathways[Int(s.patients[p].next)].target)
    }

    /// Deconditioning: a day of NCTR may move the patient to the next pathway up.
    func nctrDay(_ p: Int, _ s: SystemSimulation) {
        let current = Int(s.patients[p].next)
        if let up = escalateTo[current], streams.deconditioning.bernoulli(escalationPerDay[current]) {
            s.patients[p].next = Int32(up)
            s.patients[p].pathway = Int16(up)
            let target = Int(s.patients[p].target)
            if s.patients[p].phase == .nctrWaiting, target >= 0 {
                // Leave the old service's queue; the new pathway needs its own assessment.
                s.withdrawRequest(p)
            }
            s.patients[p].token = s.freshToken()
            s.patients[p].phase = .nctrDelay
            setReason(p, 0, s)
            startDischargeDelay(p, s)
        }
        if escalateTo[Int(s.patients[p].next)] != nil {
            s.sim.schedule(after: Duration.day, priority: .normal, .nctrDay(patient: Int32(p), token: s.patients[p].token))
        }
    }
}

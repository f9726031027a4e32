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
    public init(name: String, target: UnitIndex, delay: Keyed<Distribution>, withinDischargeHours: Bool,
                countsFor91Day: Bool) {
        self.name = name
        self.target = target
        self.delay = delay
        self.withinDischargeHours = withinDischargeHours
        self.countsFor91Day = countsFor91Day
    }
}

/// General and acute beds: an acute phase, then NCTR time until the pathway's service has room.
public struct AcuteWardSpec: Sendable {
    public var beds: PlacesSpec
    public var pathways: [PathwaySpec]
    /// Which pathway a patient will leave by, drawn on admission (index into `pathways`).
    public var pathwayMix: Keyed<EmpiricalChoice<Int>>
    /// Length of the acute phase; may be keyed by `next` (the pathway).
    public var acuteStay: Keyed<Distribution>
    /// Discharge hours, as minutes after midnight: [open, close).
    public var dischargeOpen: SimTime
    public var dischargeClose: SimTime
    /// Deconditioning: chance per NCTR day of moving to the next pathway up (index `escalateTo`).
    public var escalationPerDay: [Double]
    public var escalateTo: [Int?]
    /// Deconditioning: chance per NCTR day of losing independence (a care-home move within 91 days).
    public var independenceLossPerDay: Double
    public var initial: InitialState
    public init(beds: PlacesSpec, pathways: [PathwaySpec], pathwayMix: Keyed<EmpiricalChoice<Int>>,
                acuteStay: Keyed<Distribution>, dischargeOpen: SimTime, dischargeClose: SimTime,
                escalationPerDay: [Double], escalateTo: [Int?], independenceLossPerDay: Double,
                initial: InitialState = InitialState()) {
        self.beds = beds
        self.pathways = pathways
        self.pathwayMix = pathwayMix
        self.acuteStay = acuteStay
        self.dischargeOpen = dischargeOpen
        self.dischargeClose = dischargeClose
        self.escalationPerDay = escalationPerDay
        self.escalateTo = escalateTo
        self.independenceLossPerDay = independenceLossPerDay
        self.initial = initial
    }
}

/// General and acute beds. An emergency admission has an acute phase (meets the criteria to reside), then NCTR
/// time: the pathway's discharge process or assessment, then a wait for a place in the pathway's service while
/// holding the bed. Each NCTR day may decondition the patient (a higher pathway). Elective patients called from
/// a list use the same beds for a planned stay.
final class AcuteWardUnit: FlowUnit {
    let pathways: [PathwaySpec]
    let pathwayMix: Keyed<EmpiricalChoice<Int>>
    let acuteStay: Keyed<Distribution>
    let dischargeOpen: SimTime
    let dischargeClose: SimTime
    let escalationPerDay: [Double]
    let escalateTo: [Int?]
    let independenceLossPerDay: Double
    /// Each pathway's position in the run's list of pathway names (metrics).
    let pathwayMetricIndex: [Int]

    /// NCTR patients now in the ward's beds, and their time-weighted number.
    @exclusivity(unchecked) var nctrCount = 0
    @exclusivity(unchecked) var nctrStat = TimeWeighted(start: 0)
    /// The virtual wards this ward's inpatients may step down to, in unit order.
    @exclusivity(unchecked) private(set) var stepDownTargets: [VirtualWardUnit] = []
    /// The elective lists, by unit index (nil for other units), whose patients use these beds.
    @exclusivity(unchecked) private(set) var electiveLists: [ElectiveListUnit?] = []

    init(_ spec: UnitSpec, _ w: AcuteWardSpec, index: Int, resource: ResourceID?, streams: UnitStreams,
         pathwayMetricIndex: [Int]) {
        let copy = w.replicaCopy()
        pathways = copy.pathways
        pathwayMix = copy.pathwayMix
        acuteStay = copy.acuteStay
        dischargeOpen = copy.dischargeOpen
        dischargeClose = copy.dischargeClose
        escalationPerDay = copy.escalationPerDay
        escalateTo = copy.escalateTo
        independenceLossPerDay = copy.independenceLossPerDay
        self.pathwayMetricIndex = pathwayMetricIndex
        super.init(spec, index: index, resource: resource, streams: streams)
    }

    override func link(_ units: [FlowUnit]) {
        stepDownTargets = units.compactMap { u in
            guard let v = u as? VirtualWardUnit, v.stepDownFrom.contains(index) else { return nil }
            return v
        }
        electiveLists = units.map { $0 as? ElectiveListUnit }
    }

    /// The elective list of an elective patient (nil for emergency admissions).
    func electiveList(of p: Int, _ s: SystemSimulation) -> ElectiveListUnit? {
        let e = Int(s.patients[p].electiveUnit)
        return e >= 0 ? electiveLists[e] : nil
    }

    // MARK: Entering, the end of the acute phase, leaving

    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        let attrs = s.patients[p].attributes
        if let list = electiveList(of: p, s) {
            // A planned stay, then the list's route.
            s.patients[p].admissionTime = s.sim.now
            s.patients[p].next = Int32(list.next.value(attrs).sample(streams.route))
            s.scheduleStayEnd(p, after: list.stay.value(attrs).sample(streams.stay))
            return
        }
        s.patients[p].admissionTime = s.sim.now
        s.patients[p].acuteUnit = Int32(index)
        let pathway = pathwayMix.value(attrs).sample(streams.route)
        s.patients[p].next = Int32(pathway)
        s.noteReadmission(p)
        if s.warmedUp { s.metrics.admission(neighbourhood: s.neighbourhood(of: attrs)) }
        let stay = acuteStay.value(attrs, next: pathway).sample(streams.stay)
        s.patients[p].acuteEnd = s.sim.now + stay
        s.scheduleStayEnd(p, after: stay)
        for vw in stepDownTargets where vw.drawEligibility(p, acuteStay: stay, s) { break }
    }

    /// The end of the acute phase (medically optimised: NCTR time starts), or of an elective stay.
    override func stayEnded(_ p: Int, _ s: SystemSimulation) {
        if electiveList(of: p, s) != nil {
            s.moveTo(p, unit: Int(s.patients[p].next))
            return
        }
        s.patients[p].phase = .nctrDelay
        s.patients[p].nctrStart = s.sim.now
        nctrCount += 1
        nctrStat.update(to: Double(nctrCount), at: s.sim.now)
        if escalateTo[Int(s.patients[p].next)] != nil {
            s.sim.schedule(after: Duration.day, priority: .normal, .nctrDay(patient: Int32(p), token: s.patients[p].token))
        }
        startDischargeDelay(p, s)
    }

    override func leaving(_ p: Int, to dest: Int, _ s: SystemSimulation) {
        let pt = s.patients[p]
        if pt.electiveUnit >= 0 {
            s.patients[p].token = s.freshToken()
            return
        }
        let inNCTR = pt.phase == .nctrDelay || pt.phase == .nctrWaiting
        let nctr = inNCTR ? s.sim.now - pt.nctrStart : 0
        if inNCTR {
            nctrCount -= 1
            nctrStat.update(to: Double(nctrCount), at: s.sim.now)
        }
        if s.warmedUp {
            s.metrics.acuteDischarge(los: s.sim.now - pt.admissionTime, nctr: inNCTR ? nctr : nil,
                                     pathway: pathwayMetricIndex[Int(pt.next)],
                                     neighbourhood: s.neighbourhood(of: pt.attributes))
        }
        if !s.units[dest].endsInDeath { s.startFollowUp(p, ward: self, nctr: nctr) }
        s.patients[p].token = s.freshToken()  // stops the deconditioning clock
    }

    override func startInitialOccupant(_ p: Int, _ s: SystemSimulation) {
        let attrs = s.patients[p].attributes
        s.patients[p].admissionTime = 0
        s.patients[p].acuteUnit = Int32(index)
        let pathway = pathwayMix.value(attrs).sample(streams.route)
        s.patients[p].next = Int32(pathway)
        s.scheduleStayEnd(p, after: acuteStay.value(attrs, next: pathway).sampleResidual(streams.initial))
    }

    // MARK: NCTR: discharge process, waiting for a service, deconditioning

    func startDischargeDelay(_ p: Int, _ s: SystemSimulation) {
        let k = Int(s.patients[p].next)
        var end = s.sim.now + pathways[k].delay.value(s.patients[p].attributes).sample(streams.delay)
        if pathways[k].withinDischargeHours {
            end = DischargeHours.next(end, open: dischargeOpen, close: dischargeClose)
        }
        s.sim.schedule(at: end, priority: .release, .delayEnd(patient: Int32(p), token: s.patients[p].token))
    }

    /// The discharge process or assessment is done: the patient asks for a place in the pathway's service.
    func dischargeDelayEnded(_ p: Int, _ s: SystemSimulation) {
        s.patients[p].phase = .nctrWaiting
        s.moveTo(p, unit: pathways[Int(s.patients[p].next)].target)
    }

    /// Deconditioning: a day of NCTR may move the patient to the next pathway up.
    func nctrDay(_ p: Int, _ s: SystemSimulation) {
        let current = Int(s.patients[p].next)
        if let up = escalateTo[current], streams.deconditioning.bernoulli(escalationPerDay[current]) {
            s.patients[p].next = Int32(up)
            let target = Int(s.patients[p].target)
            if s.patients[p].phase == .nctrWaiting, target >= 0 {
                // Leave the old service's queue; the new pathway needs its own assessment.
                if let r = s.units[target].resource { s.pool.withdraw(r, entity: p, at: s.sim.now) }
                s.patients[p].target = -1
            }
            s.patients[p].token = s.freshToken()
            s.patients[p].phase = .nctrDelay
            startDischargeDelay(p, s)
        }
        if escalateTo[Int(s.patients[p].next)] != nil {
            s.sim.schedule(after: Duration.day, priority: .normal, .nctrDay(patient: Int32(p), token: s.patients[p].token))
        }
    }
}

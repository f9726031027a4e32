import SimCore
import Stochastics

/// One area of the front door: resus/majors cubicles, minors, an urgent treatment centre (the type-3 stream),
/// same-day emergency care (SDEC). Each has its own places, queue, assessment and outcomes.
public struct EDArea: Sendable {
    /// Whose request is served first when the area is full.
    public enum Discipline: String, Sendable, CaseIterable {
        /// First come, first served.
        case fifo
        /// Ambulance arrivals hand over before walk-ins waiting for the same area (then first come, first served).
        case ambulanceFirst = "ambulance_first"
    }

    /// The queue priority of walk-ins in an ambulance-first area (ambulance arrivals have 0).
    public static let walkInPriority = 1

    /// What an attendance here counts as in the national A&E figures.
    public enum AttendanceType: String, Sendable, CaseIterable {
        /// A consultant-led 24-hour emergency department.
        case type1
        /// An urgent treatment centre / minor injury unit.
        case type3
        /// Not an A&E attendance (e.g. SDEC, whose patients are emergency admissions or referrals).
        case none
    }

    /// The area's name ("" for an ED without areas: the unit itself).
    public var name: String
    public var places: PlacesSpec
    public var discipline: Discipline
    /// Assessment and treatment time; may depend on the outcome (`next`).
    public var assessment: Keyed<Distribution>
    /// Outcomes: home, admission (a bed), a virtual ward, SDEC...
    public var route: Keyed<Outcome>
    public var type: AttendanceType
    /// When the area takes new patients; streamed patients who find it closed go to `whenClosed`.
    public var hours: OpeningHours?
    public var whenClosed: Int?
    public var initial: InitialState
    /// Where ambulance patients are handed over when this (ambulance-first) area is full: a free place of that
    /// area (corridor care, a cohort bay), so the crew is released; nil: the crew waits.
    public var ambulanceOverflow: Int?

    public init(name: String = "", places: PlacesSpec, discipline: Discipline = .fifo, assessment: Keyed<Distribution>,
                route: Keyed<Outcome>, type: AttendanceType = .type1, hours: OpeningHours? = nil, whenClosed: Int? = nil,
                initial: InitialState = InitialState(), ambulanceOverflow: Int? = nil) {
        self.ambulanceOverflow = ambulanceOverflow
        self.name = name
        self.places = places
        self.discipline = discipline
        self.assessment = assessment
        self.route = route
        self.type = type
        self.hours = hours
        self.whenClosed = whenClosed
        self.initial = initial
    }
}

/// The front door: areas, and the streaming that sends each arrival to one of them (by attributes, including
/// `arrival_mode` when the scenario has it).
public struct EmergencyDepartmentSpec: Sendable {
    public var areas: [EDArea]
    /// Which area an arrival is streamed to (index into `areas`); one area needs no streaming.
    public var streaming: Keyed<EmpiricalChoice<Int>>?
    /// The area (corridor or trolley spaces) an admitted patient moves to, if it has a free place, when no bed
    /// is free at the decision to admit, so the cubicle is freed for the next patient; nil: boarders keep it.
    public var boardingArea: Int?
    /// Time from the decision to admit until a bed is asked for (referral to the specialty, bed management,
    /// the ward accepting): the patient keeps the cubicle meanwhile; nil: at once.
    public var bedRequestDelay: Distribution?

    public init(areas: [EDArea], streaming: Keyed<EmpiricalChoice<Int>>? = nil, boardingArea: Int? = nil,
                bedRequestDelay: Distribution? = nil) {
        self.areas = areas
        self.streaming = streaming
        self.boardingArea = boardingArea
        self.bedRequestDelay = bedRequestDelay
    }

    /// An ED without areas: cubicles, an assessment and outcomes.
    public init(cubicles: PlacesSpec, assessment: Keyed<Distribution>, route: Keyed<Outcome>,
                initial: InitialState = InitialState()) {
        self.init(areas: [EDArea(places: cubicles, assessment: assessment, route: route, initial: initial)])
    }
}

/// The emergency department. An arrival is streamed to an area (ambulances may hand over first there); after
/// the assessment the patient leaves by the area's route. Admitted patients keep their cubicle until a bed is
/// free (boarding: the decision-to-admit wait), so full beds hold ambulances at the door.
final class EmergencyDepartmentUnit: FlowUnit {
    /// An area's parameters (a class: reading one costs one reference count, not one per table).
    final class Area {
        let discipline: EDArea.Discipline
        let assessment: Keyed<Distribution>
        let route: Keyed<Outcome>
        /// The route adjusted for each neighbourhood team's residents (nil where it does not change).
        let teamRoutes: [Keyed<Outcome>?]
        let type: EDArea.AttendanceType
        let hours: OpeningHours?
        let whenClosed: Int?
        let ambulanceOverflow: Int?

        /// The area a streamed patient is passed on to because this one is closed at `t`, or nil if it is open
        /// (or has nowhere to pass patients on to).
        func redirect(at t: SimTime) -> Int? {
            // Read in place: `guard let hours` would copy the hours and retain their storage, on every arrival.
            guard hours?.isOpen(at: t) == false else { return nil }
            return whenClosed
        }

        init(discipline: EDArea.Discipline, assessment: Keyed<Distribution>, route: Keyed<Outcome>,
             teamRoutes: [Keyed<Outcome>?], type: EDArea.AttendanceType, hours: OpeningHours?, whenClosed: Int?,
             ambulanceOverflow: Int?) {
            self.discipline = discipline
            self.assessment = assessment
            self.route = route
            self.teamRoutes = teamRoutes
            self.type = type
            self.hours = hours
            self.whenClosed = whenClosed
            self.ambulanceOverflow = ambulanceOverflow
        }
    }

    let areas: [Area]
    /// `areas` read without reference counting on the hot paths.
    let areaRefs: Borrowed<Area>
    /// The streaming, when the department has one (`hasStreaming`; else a one-area stand-in never drawn from):
    /// not optional, so a draw reads it in place rather than copying it out and retaining it on every arrival.
    let streaming: Keyed<EmpiricalChoice<Int>>
    let hasStreaming: Bool
    let boardingArea: Int?
    let bedRequestDelay: Distribution?
    /// Whether each destination unit is an acute ward (an admission: its wait from decision counts).
    let admits: [Bool]

    init(_ spec: UnitSpec, _ e: EmergencyDepartmentSpec, index: Int, places: [Place], streams: UnitStreams,
         context: BuildContext) {
        let isVW = context.spec.units.map { $0.kind.kindName == .virtualWard }
        let teams = context.spec.population?.teams ?? []
        areas = e.areas.map { a in
            Area(discipline: a.discipline, assessment: a.assessment.replicaCopy(), route: a.route.replicaCopy(),
                 teamRoutes: teams.map { TeamRoutes.adjust(a.route, stepUpFactor: $0.stepUpFactor, isVirtualWard: isVW) },
                 type: a.type, hours: a.hours, whenClosed: a.whenClosed, ambulanceOverflow: a.ambulanceOverflow)
        }
        areaRefs = Borrowed(areas)
        hasStreaming = e.streaming != nil
        streaming = e.streaming?.replicaCopy() ?? Keyed(EmpiricalChoice(values: [0], weights: [1])!)
        boardingArea = e.boardingArea
        bedRequestDelay = e.bedRequestDelay?.replicaCopy()
        admits = context.spec.units.map { $0.kind.kindName == .acuteWard }
        super.init(spec, index: index, places: places, streams: streams)
    }

    deinit { areaRefs.deallocate() }

    /// Streaming: the area by the patient's attributes; an area that is closed now passes the patient on to its
    /// `when_closed` area. Ambulance arrivals go first in an `ambulance_first` area.
    override func requestTarget(_ p: Int, _ s: SystemSimulation) -> (resource: ResourceID, priority: Int) {
        var a = 0
        if hasStreaming { a = streaming.sample(s.patients[p].attributes, streams.stream) }
        var hops = 0
        while hops < areas.count, let next = areaRefs.with(a, { $0.redirect(at: s.sim.now) }) {
            a = next
            hops += 1
        }
        s.patients[p].streamedArea = Int16(a)
        let ambulanceFirst = areaRefs.with(a) { $0.discipline == .ambulanceFirst }
        return (placeResources[a], ambulanceFirst && !s.patients[p].byAmbulance ? EDArea.walkInPriority : 0)
    }

    /// Ambulance patients handed over in an overflow area are assessed as the area they were streamed to.
    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        let a = s.patients[p].streamedArea >= 0 ? Int(s.patients[p].streamedArea) : s.placeIndex(of: p)
        let t = Int(s.patients[p].team)
        let attrs = s.patients[p].attributes
        let stay = areaRefs.with(a) { area in
            let dest = t >= 0 && area.teamRoutes[t] != nil ? area.teamRoutes[t].unsafelyUnwrapped.sample(attrs, streams.route)
                : area.route.sample(attrs, streams.route)
            s.patients[p].next = Int32(dest)
            return area.assessment.sample(attrs, next: dest, streams.stay)
        }
        s.scheduleStayEnd(p, after: stay)
    }

    /// The assessment is done: the patient leaves by the outcome drawn on entry, keeping the cubicle meanwhile.
    /// An admission starts the decision-to-admit clock: the patient boards until a bed is free.
    override func stayEnded(_ p: Int, _ s: SystemSimulation) {
        let dest = Int(s.patients[p].next)
        if admits[dest] && !s.patients[p].boarding {
            s.patients[p].decisionToAdmit = s.sim.now
            s.patients[p].boarding = true
            s.metrics.boardingChanged(by: 1, at: s.sim.now)
            if let delay = bedRequestDelay {
                // The bed is asked for once the specialty and bed management have taken the patient on.
                s.scheduleStayEnd(p, after: delay.sample(streams.delay))
                return
            }
        }
        s.moveTo(p, unit: dest)
        // No bed now: the boarder moves to a corridor space if one is free, freeing the cubicle.
        if let b = boardingArea, admits[dest], s.patients[p].unit == Int32(index), s.patients[p].requested >= 0,
           s.placeIndex(of: p) != b {
            s.transferHeld(p, to: places[b])
        }
    }

    /// ED time runs from the episode's arrival (ambulance patients: from the ambulance's arrival) to leaving the
    /// area, for a bed if admitted; a boarder's wait from the decision to admit ends here too.
    override func leaving(_ p: Int, to dest: Int, _ s: SystemSimulation) {
        if s.patients[p].boarding {
            s.patients[p].boarding = false
            s.metrics.boardingChanged(by: -1, at: s.sim.now)
            if s.warmedUp { s.metrics.decisionToAdmitWait(s.sim.now - s.patients[p].decisionToAdmit, at: s.sim.now) }
        }
        if s.countsDay {
            let type = areaRefs.with(s.placeIndex(of: p)) { $0.type }
            s.metrics.edDeparture(los: s.sim.now - s.patients[p].arrivalTime, type: type, at: s.sim.now)
        }
    }

    override func startInitialOccupant(_ p: Int, _ s: SystemSimulation) {
        let area = areas[s.placeIndex(of: p)]
        let attrs = s.patients[p].attributes
        let dest = area.route.sample(attrs, streams.route)
        s.patients[p].next = Int32(dest)
        s.scheduleStayEnd(p, after: s.initialRemaining(area.assessment.value(attrs, next: dest), streams.initial))
    }
}

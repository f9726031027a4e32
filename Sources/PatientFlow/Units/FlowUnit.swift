import SimCore
import Stochastics

/// One unit of a replication, compiled from its `UnitSpec`: what every kind has (name, resource, statistics,
/// streams), and the three moments in which kinds differ (decision 17): entering the unit, the end of a stay
/// there, and leaving it. Each kind is a subclass in `Units/<Kind>.swift`, beside its spec.
///
/// A class hierarchy, not a protocol or an enum of payloads: a kind's parameters are stored, non-optional, in
/// its own subclass (read once, when the replication is built), and the three moments are one virtual call
/// each. Pattern-matching `UnitKind` on the hot path copied the whole payload and retained every array in it.
class FlowUnit {
    let index: Int
    let name: String
    let kind: UnitKindName
    /// The unit's places (ED areas, bed pools, or one for most kinds), each a resource of the replication's
    /// pool; empty for units patients pass through (arrivals, exits).
    let places: [Place]
    /// Each place's resource, by place index (read without touching the places).
    let placeResources: [ResourceID]
    /// Where a patient in this unit is, for the 91-day follow-up.
    let personState: PersonState
    /// Random streams are keyed by (seed, replication, "<unit>/<purpose>"); each kind makes the ones it draws from.
    let streams: UnitStreams
    /// A virtual ward's `when_full`: where a step-up goes when no place is free (-1 for other kinds).
    let whenFull: Int
    /// Whether a patient arriving here from elsewhere starts a new episode at the front door (handover, ED).
    let isFrontDoor: Bool
    /// Whether a patient routed here is first screened (`screenReferral`): a UCR (the referral starts its clock).
    let screensReferrals: Bool

    init(_ spec: UnitSpec, index: Int, places: [Place], streams: UnitStreams, whenFull: Int = -1,
         screensReferrals: Bool = false) {
        self.screensReferrals = screensReferrals
        self.index = index
        self.name = spec.name
        self.kind = spec.kind.kindName
        self.places = places
        self.placeResources = places.map(\.resource)
        self.personState = spec.kind.personState
        self.streams = streams
        self.whenFull = whenFull
        isFrontDoor = kind == .ambulanceHandover || kind == .emergencyDepartment
    }

    /// The unit's (first) place's resource, or nil for units without places.
    var resource: ResourceID? { places.first?.resource }

    /// The place (its resource) a patient coming here asks for, and the priority of the request (lower first, for places with
    /// a priority queue). Most kinds have one place and no priorities.
    func requestTarget(_ p: Int, _ s: SystemSimulation) -> (resource: ResourceID, priority: Int) { (placeResources[0], 0) }

    // MARK: What kinds override

    /// Patient `p` takes its place here, coming from unit `from` (or -1).
    func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        preconditionFailure("unit \(name) (\(kind.rawValue)) has no places: it is never entered")
    }

    /// A stay scheduled by this unit ended (the patient's token still matched).
    func stayEnded(_ p: Int, _ s: SystemSimulation) {
        preconditionFailure("unit \(name) (\(kind.rawValue)) schedules no stays")
    }

    /// Patient `p` gives up its place here to go to unit `dest` (its place is already released or passed on).
    func leaving(_ p: Int, to dest: Int, _ s: SystemSimulation) {}

    /// A patient routed to a unit without places: exits end the episode here. Validation keeps routes out of
    /// the other kinds without places (arrivals, elective lists).
    func passThrough(_ p: Int, _ s: SystemSimulation) {
        preconditionFailure("a route leads to unit \(name) (\(kind.rawValue)), which takes no patients")
    }

    /// For units that `screensReferrals`: a patient routed here is first screened; nil lets it ask for a place
    /// here, a unit index sends it there instead, and -1 means the unit keeps it waiting (it asks later).
    func screenReferral(_ p: Int, _ s: SystemSimulation) -> Int? { nil }

    /// Whether a patient going here has died (no 91-day follow-up starts).
    var endsInDeath: Bool { false }

    /// The 91 days of events a discharge from here schedules (acute wards' `follow_up`, exits' own), if any:
    /// a readmission it schedules goes by its route.
    var afterDischarge: AfterDischarge? { nil }

    /// Schedules what the unit does on its own from the start (pull rounds, elective referrals and sessions).
    func start(_ s: SystemSimulation) {}

    /// The remaining stay of an initial occupant of one of the unit's places, and what it does next: drawn from
    /// the equilibrium residual of the unit's stay (decision 20). Units without a stay cannot start occupied.
    func startInitialOccupant(_ p: Int, _ s: SystemSimulation) {
        preconditionFailure("unit \(name) (\(kind.rawValue)) cannot start occupied")
    }

    /// Resolves references to other units once every unit of the replication exists.
    func link(_ units: [FlowUnit]) {}
}

/// The random streams of one unit, each keyed by (seed, replication, "<unit>/<purpose>") and made on first use:
/// a stream a unit never draws from costs nothing, and adding one shifts no other. Stored without dynamic
/// exclusivity checks, like all hot per-replication state (one replication owns its units on one thread).
final class UnitStreams {
    let seed: UInt64
    let replication: Int
    let generator: GeneratorKind
    let unit: String

    init(seed: UInt64, replication: Int, generator: GeneratorKind, unit: String) {
        self.seed = seed
        self.replication = replication
        self.generator = generator
        self.unit = unit
    }

    /// What a unit draws for; each purpose is one stream, named "<unit>/<purpose>".
    enum Purpose: Int, CaseIterable {
        case arrivals, mix, route, stay, delay, deconditioning, followUp, initial, stream, turnaround, timing, assessment
        case travel, outOfHours, priority, dayCase, listing

        var name: String {
            switch self {
            case .followUp: return "follow-up"
            case .stream: return "streaming"
            case .outOfHours: return "out-of-hours"
            case .dayCase: return "day-case"
            default: return "\(self)"
            }
        }
    }

    /// The streams made so far: they own the generators whose sources the getters hand out.
    private var made: [RandomStream] = []

    /// Makes the stream for `purpose`, keeps it, and puts its source in `slot`.
    private func make(_ purpose: Purpose, _ slot: inout RandomSource?) -> RandomSource {
        let s = RandomStream(seed: seed, replication: replication, name: "\(unit)/\(purpose.name)", kind: generator)
        made.append(s)
        slot = s.source
        return s.source
    }

    // One stored optional per purpose (an array of them measured 2% more instructions in the whole model). They
    // hold the streams' sources, plain values, so a draw touches no reference count.
    @exclusivity(unchecked) private var _arrival: RandomSource?
    @exclusivity(unchecked) private var _mix: RandomSource?
    @exclusivity(unchecked) private var _route: RandomSource?
    @exclusivity(unchecked) private var _stay: RandomSource?
    @exclusivity(unchecked) private var _delay: RandomSource?
    @exclusivity(unchecked) private var _deconditioning: RandomSource?
    @exclusivity(unchecked) private var _followUp: RandomSource?
    @exclusivity(unchecked) private var _initial: RandomSource?
    @exclusivity(unchecked) private var _stream: RandomSource?
    @exclusivity(unchecked) private var _turnaround: RandomSource?
    @exclusivity(unchecked) private var _timing: RandomSource?
    @exclusivity(unchecked) private var _assessment: RandomSource?
    @exclusivity(unchecked) private var _travel: RandomSource?
    @exclusivity(unchecked) private var _outOfHours: RandomSource?
    @exclusivity(unchecked) private var _priority: RandomSource?
    @exclusivity(unchecked) private var _dayCase: RandomSource?
    @exclusivity(unchecked) private var _listing: RandomSource?

    var arrival: RandomSource { _arrival ?? make(.arrivals, &_arrival) }
    var mix: RandomSource { _mix ?? make(.mix, &_mix) }
    var route: RandomSource { _route ?? make(.route, &_route) }
    var stay: RandomSource { _stay ?? make(.stay, &_stay) }
    var delay: RandomSource { _delay ?? make(.delay, &_delay) }
    var deconditioning: RandomSource { _deconditioning ?? make(.deconditioning, &_deconditioning) }
    var followUp: RandomSource { _followUp ?? make(.followUp, &_followUp) }
    var initial: RandomSource { _initial ?? make(.initial, &_initial) }
    var stream: RandomSource { _stream ?? make(.stream, &_stream) }
    var turnaround: RandomSource { _turnaround ?? make(.turnaround, &_turnaround) }
    var timing: RandomSource { _timing ?? make(.timing, &_timing) }
    var assessment: RandomSource { _assessment ?? make(.assessment, &_assessment) }
    var travel: RandomSource { _travel ?? make(.travel, &_travel) }
    var outOfHours: RandomSource { _outOfHours ?? make(.outOfHours, &_outOfHours) }
    var priority: RandomSource { _priority ?? make(.priority, &_priority) }
    var dayCase: RandomSource { _dayCase ?? make(.dayCase, &_dayCase) }
    var listing: RandomSource { _listing ?? make(.listing, &_listing) }
}

extension FlowUnit {
    /// The behaviour of each kind: the one switch over kinds, and it has no default, so a new kind that lacks
    /// a behaviour does not compile.
    static func make(_ spec: UnitSpec, index: Int, places: [Place], streams: UnitStreams, context: BuildContext) -> FlowUnit {
        switch spec.kind {
        case .arrivals(let a):
            return ArrivalsUnit(spec, a, index: index, streams: streams, context: context)
        case .ambulanceHandover(let h):
            return HandoverUnit(spec, h, index: index, places: places, streams: streams)
        case .emergencyDepartment(let e):
            return EmergencyDepartmentUnit(spec, e, index: index, places: places, streams: streams, context: context)
        case .acuteWard(let w):
            return AcuteWardUnit(spec, w, index: index, places: places, streams: streams, context: context)
        case .communityService(let c), .beddedCare(let c):
            return ServiceUnit(spec, c, index: index, places: places, streams: streams)
        case .exit(let x):
            return ExitUnit(spec, x, index: index, streams: streams)
        case .virtualWard(let v):
            return VirtualWardUnit(spec, v, index: index, places: places, streams: streams)
        case .urgentCommunityResponse(let u):
            return UrgentResponseUnit(spec, u, index: index, places: places, streams: streams)
        case .electiveList(let e):
            return ElectiveListUnit(spec, e, index: index, streams: streams, context: context)
        }
    }
}

/// What a unit's behaviour may need of the whole system when it is built.
struct BuildContext {
    let spec: SystemSpec
    /// For each acute ward (unit index), its pathways' positions in the run's list of pathway names (metrics).
    let pathwayMetricIndex: [Int: [Int]]
    /// The run's NCTR reasons (`FlowMetrics.nctrReasonNames`): for each acute ward, each pathway's reason while
    /// waiting for its service (0, process, for pathways to an exit).
    let nctrReasonOfPathway: [Int: [Int]]
    let nctrReasonCount: Int
    /// For each elective list (unit index), its priorities' positions in the run's list of priority names.
    let electivePriorityIndex: [Int: [Int]]
    /// The attribute holding the arrival mode (`arrival_mode`), and its ambulance and walk-in levels, if the
    /// scenario has one.
    let arrivalMode: ArrivalModeAttribute?
}

/// One place of a unit (the unit itself, an ED area, a bed pool): a resource of the pool with its schedule,
/// its initial occupants and its statistics.
final class Place {
    /// Index within the unit, and the name used in metrics (`unit.<name>.*`): the unit's own name for a unit
    /// with one place, "<unit>.<area>" for an area or pool.
    let index: Int
    let name: String
    let resource: ResourceID
    /// The unit's index.
    let unit: Int
    let schedule: CapacitySchedule?
    let initial: InitialState
    /// When the place takes new patients (nil: always).
    let accepts: OpeningHours?
    let occupancy = OccupancyRecorder(start: 0)
    /// Time-weighted capacity (available places).
    @exclusivity(unchecked) var capacityStat: TimeWeighted
    /// Time-weighted indicator that no place is free (a virtual ward's `vw_full_percent`).
    @exclusivity(unchecked) var fullStat = TimeWeighted(start: 0)
    /// Places opened on top of the schedule by an escalation rule.
    @exclusivity(unchecked) var opened = 0
    /// Waits of the patients granted a place after asking for this one (after warm-up).
    @exclusivity(unchecked) var waits: WaitTally

    /// Places the schedule's dated periods add at `t` (winter escalation beds).
    func extraPlaces(at t: SimTime) -> Int { schedule?.extraPlaces(at: t) ?? 0 }

    init(index: Int, name: String, resource: ResourceID, unit: Int, spec: PlaceSpec, waitThresholds: [SimTime] = []) {
        waits = WaitTally(thresholds: waitThresholds)
        self.index = index
        self.name = name
        self.resource = resource
        self.unit = unit
        if case .schedule(let s) = spec.places { schedule = s } else { schedule = nil }
        initial = spec.initial
        accepts = spec.accepts
        capacityStat = TimeWeighted(start: 0, value: Double(spec.places.capacity(at: 0)))
    }

    /// The capacity at `t`: the schedule's, plus places opened by a rule.
    func capacity(at t: SimTime) -> Int { (schedule?.capacity(at: t) ?? PlacesSpec.unlimitedCapacity) + opened }
}

import SimCore
import Stochastics

/// Index of a unit in `SystemSpec.units`.
public typealias UnitIndex = Int

/// A weighted choice of destinations (unit indices) or other outcomes.
public typealias Outcome = EmpiricalChoice<Int>

/// Places of a unit: a number, a schedule, or unlimited.
public enum PlacesSpec: Sendable, Equatable {
    case unlimited
    case schedule(CapacitySchedule)

    public static func fixed(_ n: Int) -> PlacesSpec { .schedule(CapacitySchedule(constant: n)) }

    /// The capacity at time t (unlimited -> a very large number).
    public func capacity(at t: SimTime) -> Int {
        switch self {
        case .unlimited: return PlacesSpec.unlimitedCapacity
        case .schedule(let s): return s.capacity(at: t)
        }
    }

    public static let unlimitedCapacity = 1 << 40
}

/// Where patients start when the run starts: a number in the unit and a number queueing for it.
public struct InitialState: Sendable, Equatable {
    public var occupied: Int
    public var queued: Int
    public init(occupied: Int = 0, queued: Int = 0) {
        self.occupied = occupied
        self.queued = queued
    }
}

/// A demand stream creating patients (kind `arrivals`).
public struct ArrivalsSpec: Sendable {
    public enum Rate: Sendable {
        case profile(RateProfile)
        case dated(DatedRates)
    }
    public var rate: Rate
    /// The attribute mix: for each attribute in order, a choice of level, possibly keyed by earlier attributes.
    public var mix: [Keyed<EmpiricalChoice<Int>>?]
    /// Where new patients go first.
    public var route: Keyed<Outcome>
    /// Patients arriving through this stream came by ambulance (they count in handover metrics).
    public var byAmbulance: Bool
    /// Demand comes from the system's registered population: one stream per (neighbourhood, age band), with
    /// `rate` giving the total per day and the shapes, and neighbourhood and age set by the stream.
    public var fromPopulation: Bool
    public init(rate: Rate, mix: [Keyed<EmpiricalChoice<Int>>?], route: Keyed<Outcome>, byAmbulance: Bool,
                fromPopulation: Bool = false) {
        self.rate = rate
        self.mix = mix
        self.route = route
        self.byAmbulance = byAmbulance
        self.fromPopulation = fromPopulation
    }
}

/// Ambulances waiting to hand over to the next unit (the ED); the crew is held meanwhile.
public struct HandoverSpec: Sendable {
    /// Time to hand over once a cubicle is free.
    public var handover: Keyed<Distribution>
    public var route: Keyed<Outcome>
    public init(handover: Keyed<Distribution>, route: Keyed<Outcome>) {
        self.handover = handover
        self.route = route
    }
}

/// A unit with places, a stay and routes on: ED cubicles, community caseloads, bedded care, generic wards.
///
/// The destination is drawn on entry (so the stay may depend on it); at the end of the stay the patient asks
/// for a place at the destination while keeping this one (blocking after service).
public struct ServiceSpec: Sendable {
    public var places: PlacesSpec
    public var stay: Keyed<Distribution>
    public var route: Keyed<Outcome>
    public var initial: InitialState
    /// Patients here are at home (caseload services): they count as "at home" for the 91-day follow-up.
    public var atHome: Bool
    public init(places: PlacesSpec, stay: Keyed<Distribution>, route: Keyed<Outcome>,
                initial: InitialState = InitialState(), atHome: Bool) {
        self.places = places
        self.stay = stay
        self.route = route
        self.initial = initial
        self.atHome = atHome
    }
}

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

/// Where a patient ends: home, care home, died. Starts the 91-day follow-up.
public struct ExitSpec: Sendable {
    public enum Destination: String, Sendable, CaseIterable { case home, careHome = "care_home", died }
    public var destination: Destination
    /// Within 91 days of leaving: the chance of an emergency readmission, and when (given one).
    public var readmission: Keyed<Double>
    public var readmissionTime: Keyed<Distribution>
    /// Where a readmitted patient goes first (e.g. the ambulance handover or the ED).
    public var readmissionRoute: Keyed<Outcome>?
    /// Within 91 days: the chance of death and of a move into a care home, and when.
    public var death: Keyed<Double>
    public var careHomeMove: Keyed<Double>
    public var eventTime: Keyed<Distribution>
    public init(destination: Destination, readmission: Keyed<Double>, readmissionTime: Keyed<Distribution>,
                readmissionRoute: Keyed<Outcome>?, death: Keyed<Double>, careHomeMove: Keyed<Double>,
                eventTime: Keyed<Distribution>) {
        self.destination = destination
        self.readmission = readmission
        self.readmissionTime = readmissionTime
        self.readmissionRoute = readmissionRoute
        self.death = death
        self.careHomeMove = careHomeMove
        self.eventTime = eventTime
    }
}

/// What a unit is; each kind has fixed semantics (DESIGN §3).
public enum UnitKind: Sendable {
    case arrivals(ArrivalsSpec)
    case ambulanceHandover(HandoverSpec)
    case emergencyDepartment(ServiceSpec)
    case acuteWard(AcuteWardSpec)
    case communityService(ServiceSpec)
    case beddedCare(ServiceSpec)
    case exit(ExitSpec)
    case virtualWard(VirtualWardSpec)
    case urgentCommunityResponse(UrgentResponseSpec)
    case electiveList(ElectiveListSpec)

    public var name: String {
        switch self {
        case .arrivals: return "arrivals"
        case .ambulanceHandover: return "ambulance_handover"
        case .emergencyDepartment: return "emergency_department"
        case .acuteWard: return "acute_ward"
        case .communityService: return "community_service"
        case .beddedCare: return "bedded_care"
        case .exit: return "exit"
        case .virtualWard: return "virtual_ward"
        case .urgentCommunityResponse: return "urgent_community_response"
        case .electiveList: return "elective_list"
        }
    }
}

/// A named unit.
public struct UnitSpec: Sendable {
    public var name: String
    public var kind: UnitKind
    public init(name: String, kind: UnitKind) {
        self.name = name
        self.kind = kind
    }
}

/// A whole system, resolved and validated: what runs.
public struct SystemSpec: Sendable {
    public var name: String
    public var calendar: SimCalendar
    /// Length of the run after warm-up, and the warm-up, in minutes.
    public var horizon: SimTime
    public var warmUp: SimTime
    /// Time of the daily audit (bed state), minutes after midnight; 23:59 by default.
    public var auditTime: SimTime
    public var attributes: [AttributeSpec]
    public var units: [UnitSpec]
    public var seed: UInt64
    public var generator: GeneratorKind
    /// Registered populations by neighbourhood, growth and neighbourhood teams (nil: demand from rates only).
    public var population: PopulationSpec?
    /// Costs (nil: no cost metrics).
    public var costs: CostSpec?

    public init(name: String, calendar: SimCalendar, horizon: SimTime, warmUp: SimTime, auditTime: SimTime = 1439,
                attributes: [AttributeSpec], units: [UnitSpec], seed: UInt64 = 1, generator: GeneratorKind = .mt19937,
                population: PopulationSpec? = nil, costs: CostSpec? = nil) {
        self.population = population
        self.costs = costs
        self.name = name
        self.calendar = calendar
        self.horizon = horizon
        self.warmUp = warmUp
        self.auditTime = auditTime
        self.attributes = attributes
        self.units = units
        self.seed = seed
        self.generator = generator
    }

    public func unitIndex(named name: String) -> UnitIndex? { units.firstIndex { $0.name == name } }
    public func attributeIndex(named name: String) -> Int? { attributes.firstIndex { $0.name == name } }
}

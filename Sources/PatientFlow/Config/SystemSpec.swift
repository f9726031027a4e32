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

/// One place of a unit as the spec gives it: a unit's own places, an ED area or a bed pool.
public struct PlaceSpec: Sendable {
    /// The area or pool name ("" for a unit's own places).
    public var name: String
    public var places: PlacesSpec
    public var initial: InitialState
    /// How its queue is ordered (an ED area may hand ambulances over first).
    public var discipline: QueueDiscipline
    /// When it takes new patients (a care home admitting in the working day); nil: always.
    public var accepts: OpeningHours?
    public init(name: String = "", places: PlacesSpec, initial: InitialState = InitialState(), discipline: QueueDiscipline = .fifo,
                accepts: OpeningHours? = nil) {
        self.name = name
        self.places = places
        self.initial = initial
        self.discipline = discipline
        self.accepts = accepts
    }

    /// The name of the place in metrics: the unit's, or "<unit>.<area>".
    public func metricName(unit: String) -> String { name.isEmpty ? unit : "\(unit).\(name)" }
}

/// The attribute that records how a patient arrived at the front door (`arrival_mode`), when a scenario has one:
/// set on every front-door episode, so tables (ED streaming, admission) can depend on it.
public struct ArrivalModeAttribute: Sendable {
    public var attribute: Int
    public var ambulance: Int
    public var walkIn: Int
    public init?(_ attributes: [AttributeSpec]) {
        guard let a = attributes.firstIndex(where: { $0.name == StandardAttribute.arrivalMode }),
              let amb = attributes[a].levels.firstIndex(of: StandardAttribute.ambulance),
              let walk = attributes[a].levels.firstIndex(of: StandardAttribute.walkIn) else { return nil }
        attribute = a
        ambulance = amb
        walkIn = walk
    }
}

/// Where patients start when the run starts: a number in the unit and a number queueing for it.
public struct InitialState: Sendable, Equatable {
    /// How the remaining stays of the `occupied` patients are drawn (decision 144).
    public enum RemainingStay: String, Sendable, Equatable, CaseIterable {
        /// The equilibrium residual of the stay (decision 20): the time left in a stay seen at a random moment.
        case equilibrium
        /// IPACS's rule: a stay L drawn from the unit's stay, then the remaining stay uniform between 1 day and
        /// L (L itself when L is under a day).
        case uniformFromOne = "uniform_from_one"
    }

    /// Patients in the unit at the start (with `patients`, their number) and waiting for it.
    public var occupied: Int
    public var queued: Int
    public var remaining: RemainingStay
    /// Patients listed one by one (`initial: {csv: FILE}`): the first `patients.count` occupants, each with the
    /// time already spent in the unit (its remaining stay is drawn given that elapsed time) and attributes.
    public var patients: [InitialPatient]

    public init(occupied: Int = 0, queued: Int = 0, remaining: RemainingStay = .equilibrium, patients: [InitialPatient] = []) {
        self.occupied = max(occupied, patients.count)
        self.queued = queued
        self.remaining = remaining
        self.patients = patients
    }
}

/// One patient present at the start, as a CSV lists them.
public struct InitialPatient: Sendable, Equatable {
    /// Time already spent in the unit, in minutes.
    public var elapsed: SimTime
    /// Attribute levels given (the bits of `given` say which); the others are drawn from the first arrivals mix.
    public var attributes: AttributeValues
    public var given: UInt32

    public init(elapsed: SimTime, attributes: AttributeValues = AttributeValues(), given: UInt32 = 0) {
        self.elapsed = elapsed
        self.attributes = attributes
        self.given = given
    }
}

/// The name of each unit kind, as scenario files write it: the one list every part of the program reads.
public enum UnitKindName: String, Sendable, CaseIterable {
    case arrivals
    case ambulanceHandover = "ambulance_handover"
    case emergencyDepartment = "emergency_department"
    case acuteWard = "acute_ward"
    case communityService = "community_service"
    case beddedCare = "bedded_care"
    case exit
    case virtualWard = "virtual_ward"
    case urgentCommunityResponse = "urgent_community_response"
    case electiveList = "elective_list"

    /// Kinds that create patients: nothing routes into them.
    public static let sources: [UnitKindName] = [.arrivals, .electiveList]
    /// Kinds a route may lead to.
    public static var destinations: [UnitKindName] { allCases.filter { !sources.contains($0) } }
}

/// What a unit is; each kind has fixed semantics (DESIGN §3). Its behaviour in a run is `Units/<Kind>.swift`.
public enum UnitKind: Sendable {
    case arrivals(ArrivalsSpec)
    case ambulanceHandover(HandoverSpec)
    case emergencyDepartment(EmergencyDepartmentSpec)
    case acuteWard(AcuteWardSpec)
    case communityService(ServiceSpec)
    case beddedCare(ServiceSpec)
    case exit(ExitSpec)
    case virtualWard(VirtualWardSpec)
    case urgentCommunityResponse(UrgentResponseSpec)
    case electiveList(ElectiveListSpec)
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
    /// Daily series from the start of the run, warm-up days included (`run --include-warm-up`, `warmup`); the
    /// metrics still exclude warm-up. Off: day 0 of every series is the first observed day.
    public var dailyIncludesWarmUp = false
    /// Waits reported as `unit.<name>.wait_over.<t>`, ascending minutes (`wait_thresholds`; decision 141).
    public var waitThresholds: [SimTime] = SystemSpec.defaultWaitThresholds
    /// assumption: 4 and 12 hours, the two waits NHS England counts for the front door (the 4-hour standard and
    /// 12-hour trolley waits); a bed or care place waited for in days can set its own.
    public static let defaultWaitThresholds: [SimTime] = [4 * 60, 12 * 60]

    /// A threshold as metric ids write it: whole days `2d`, else whole hours `4h`, else minutes `90min`.
    public static func thresholdName(_ minutes: SimTime) -> String {
        let m = Int(minutes.rounded())
        if m > 0 && m % 1440 == 0 { return "\(m / 1440)d" }
        if m > 0 && m % 60 == 0 { return "\(m / 60)h" }
        return "\(m)min"
    }

    public init(name: String, calendar: SimCalendar, horizon: SimTime, warmUp: SimTime, auditTime: SimTime = 1439,
                attributes: [AttributeSpec], units: [UnitSpec], seed: UInt64 = 1, generator: GeneratorKind = .standard,
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

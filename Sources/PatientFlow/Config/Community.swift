import SimCore
import Stochastics

/// A virtual ward: caseload "beds" at home, as a hub (frail, multi-morbid, consultant-led) or a spoke (one
/// condition, community-led, may escalate to the hub).
///
/// Step-up: patients routed here (from urgent community response, the ED or a GP arrivals stream) are
/// admitted if a place is free, else go to `whenFull` (the admission the ward would have avoided).
/// Step-down: inpatients of `stepDownFrom` wards who are eligible leave their acute bed early; under `pull`
/// the ward runs rounds that fill free places up to a target occupancy, under `refer` a patient is admitted
/// only if a place is free at the moment they become eligible.
public struct VirtualWardSpec: Sendable {
    public enum Role: String, Sendable, CaseIterable { case hub, spoke }
    public enum Policy: Sendable, Equatable {
        /// Rounds at these times of day (minutes after midnight) fill free places up to `targetOccupancy`
        /// (a fraction of capacity) with eligible inpatients, longest-eligible first.
        case pull(rounds: [SimTime], targetOccupancy: Double)
        /// Admit at the moment of eligibility if a place is free.
        case refer
    }

    public var role: Role
    public var places: PlacesSpec
    /// Length of stay on the ward.
    public var stay: Keyed<Distribution>
    public var policy: Policy
    /// Where a step-up goes when the ward is full.
    public var whenFull: UnitIndex
    /// Acute wards whose inpatients may step down here.
    public var stepDownFrom: [UnitIndex]
    /// The chance that an inpatient is eligible for step-down here (drawn on admission to the acute ward).
    public var stepDownEligible: Keyed<Double>
    /// When eligibility starts, as a fraction of the acute phase (0.5: half-way through).
    public var eligibleAfterFraction: Double
    /// The chance of escalating during the stay (at a uniformly random point of it), and where to.
    public var escalation: Keyed<Double>
    public var escalateTo: Keyed<Outcome>
    /// Where patients go at the end of the stay.
    public var route: Keyed<Outcome>

    public init(role: Role, places: PlacesSpec, stay: Keyed<Distribution>, policy: Policy, whenFull: UnitIndex,
                stepDownFrom: [UnitIndex], stepDownEligible: Keyed<Double>, eligibleAfterFraction: Double,
                escalation: Keyed<Double>, escalateTo: Keyed<Outcome>, route: Keyed<Outcome>) {
        self.role = role
        self.places = places
        self.stay = stay
        self.policy = policy
        self.whenFull = whenFull
        self.stepDownFrom = stepDownFrom
        self.stepDownEligible = stepDownEligible
        self.eligibleAfterFraction = eligibleAfterFraction
        self.escalation = escalation
        self.escalateTo = escalateTo
        self.route = route
    }
}

/// The 2-hour urgent community response: crews on shifts visit referred patients at home.
///
/// Referrals (arrivals routed here) wait for a crew; the wait from referral to the start of the first visit
/// is measured against 120 minutes. After the visit the patient goes by `route`: home, a virtual ward
/// (step-up, with that ward's `whenFull`), or an ambulance to the ED.
public struct UrgentResponseSpec: Sendable {
    public var crews: PlacesSpec
    public var visit: Keyed<Distribution>
    public var route: Keyed<Outcome>
    public init(crews: PlacesSpec, visit: Keyed<Distribution>, route: Keyed<Outcome>) {
        self.crews = crews
        self.visit = visit
        self.route = route
    }
}

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
    public var stay: Keyed<Distribution>
    public var route: Keyed<Outcome>
    /// The list at the start: its size and how long each has waited (a distribution of waits).
    public var initialSize: Int
    public var initialWait: Distribution
    /// Attribute mix of elective patients (as an arrivals stream's mix).
    public var mix: [Keyed<EmpiricalChoice<Int>>?]

    public init(referrals: RateProfile, sessions: [(timeOfWeek: SimTime, patients: Int)], ward: UnitIndex,
                stay: Keyed<Distribution>, route: Keyed<Outcome>, initialSize: Int, initialWait: Distribution,
                mix: [Keyed<EmpiricalChoice<Int>>?]) {
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

/// Where demand comes from: registered populations by neighbourhood, with growth by age band.
///
/// An arrivals unit with `population` generates one Poisson stream per (neighbourhood, age band): its rate is
/// the unit's `per_day` x the neighbourhood's share of the registered list x its relative rate x the age
/// band's share x (1 + growth of the band)^years since `baseDate`.
public struct PopulationSpec: Sendable {
    public struct Neighbourhood: Sendable {
        public var name: String
        public var registered: Int
        /// Relative emergency demand per head (deprivation), 1 = average.
        public var relativeRate: Double
        public init(name: String, registered: Int, relativeRate: Double = 1) {
            self.name = name
            self.registered = registered
            self.relativeRate = relativeRate
        }
    }

    /// An integrated neighbourhood team: lowers emergency demand of frail residents of its neighbourhoods and
    /// raises their use of virtual-ward step-up.
    public struct NeighbourhoodTeam: Sendable {
        public var name: String
        public var neighbourhoods: [Int]
        /// Levels of the frailty attribute the team works with.
        public var frailtyLevels: [Int]
        /// Emergency demand of those residents is multiplied by this (<= 1).
        public var demandFactor: Double
        /// Route probabilities towards virtual wards are multiplied by this (then renormalised).
        public var stepUpFactor: Double
        public init(name: String, neighbourhoods: [Int], frailtyLevels: [Int], demandFactor: Double, stepUpFactor: Double) {
            self.name = name
            self.neighbourhoods = neighbourhoods
            self.frailtyLevels = frailtyLevels
            self.demandFactor = demandFactor
            self.stepUpFactor = stepUpFactor
        }
    }

    /// The attribute that holds the neighbourhood (its levels are the neighbourhood names, in order).
    public var attribute: Int
    public var neighbourhoods: [Neighbourhood]
    /// The age attribute and each band's yearly growth.
    public var ageAttribute: Int
    public var growthByAge: [Double]
    /// Growth counts from this date (a run starting later starts grown).
    public var baseDate: CivilDate
    public var teams: [NeighbourhoodTeam]
    public var frailtyAttribute: Int?

    public init(attribute: Int, neighbourhoods: [Neighbourhood], ageAttribute: Int, growthByAge: [Double],
                baseDate: CivilDate, teams: [NeighbourhoodTeam], frailtyAttribute: Int?) {
        self.attribute = attribute
        self.neighbourhoods = neighbourhoods
        self.ageAttribute = ageAttribute
        self.growthByAge = growthByAge
        self.baseDate = baseDate
        self.teams = teams
        self.frailtyAttribute = frailtyAttribute
    }
}

/// Costs of the things the system buys, in pounds.
public struct CostSpec: Sendable, Equatable {
    /// An occupied acute bed-day while the patient meets the criteria to reside, and one after (NCTR).
    public var acuteBedDay: Double
    public var nctrBedDay: Double
    /// A day on a virtual ward.
    public var virtualWardDay: Double
    /// A place-day in each community or bedded service, by unit name.
    public var careDay: [String: Double]
    public var ucrVisit: Double
    public var lostAmbulanceHour: Double
    public init(acuteBedDay: Double = 0, nctrBedDay: Double = 0, virtualWardDay: Double = 0, careDay: [String: Double] = [:],
                ucrVisit: Double = 0, lostAmbulanceHour: Double = 0) {
        self.acuteBedDay = acuteBedDay
        self.nctrBedDay = nctrBedDay
        self.virtualWardDay = virtualWardDay
        self.careDay = careDay
        self.ucrVisit = ucrVisit
        self.lostAmbulanceHour = lostAmbulanceHour
    }
}

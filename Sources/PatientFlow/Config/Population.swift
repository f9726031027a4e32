import SimCore
import Stochastics

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


import SimCore

/// What the system's capacity and activity cost, in pounds (DESIGN §3 "Costs"): fixed costs of staffed capacity
/// per day, whether used or not; variable costs per occupied day or visit; and each option's implementation cost.
/// Capacity released is reported in bed-days beside the cash (`acute_bed_days`, `nctr_bed_days`), never as cash:
/// an empty staffed bed costs what a full one does, less its variable part.
public struct CostSpec: Sendable, Equatable {
    /// Per staffed place per day, whether used or not.
    public struct Fixed: Sendable, Equatable {
        /// A staffed G&A bed-day (base beds), and the premium cost of an escalation bed-day (dated beds above the
        /// base, or beds an escalation rule opened).
        public var acuteBedDay = 0.0
        public var escalationBedDay = 0.0
        public var virtualWardPlaceDay = 0.0
        /// An urgent community response crew on shift, per hour.
        public var ucrCrewHour = 0.0
        /// A staffed place-day of each community or bedded service, by unit name.
        public var placeDay: [String: Double] = [:]
        /// Named fixed items per day (e.g. a discharge hub's staff).
        public var items: [String: Double] = [:]
        public init() {}
    }

    /// Per occupied day or per visit.
    public struct Variable: Sendable, Equatable {
        /// An occupied acute bed-day (treatment, drugs, consumables beyond the staffed bed).
        public var acuteBedDay = 0.0
        public var virtualWardDay = 0.0
        /// An occupied place-day of each community or bedded service (spot-purchased care), by unit name.
        public var careDay: [String: Double] = [:]
        public var ucrVisit = 0.0
        /// An ambulance crew-hour lost at handover (beyond the 15-minute standard).
        public var lostAmbulanceHour = 0.0
        public init() {}
    }

    public var fixed = Fixed()
    public var variable = Variable()
    /// Option implementation costs per year of the run (one-off costs annualised), by item.
    public var implementation: [String: Double] = [:]

    public init(fixed: Fixed = Fixed(), variable: Variable = Variable(), implementation: [String: Double] = [:]) {
        self.fixed = fixed
        self.variable = variable
        self.implementation = implementation
    }
}

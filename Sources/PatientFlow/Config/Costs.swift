import SimCore

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

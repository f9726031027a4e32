extension UnitKind {
    /// The unit's places, or nil for units patients pass through without one (arrivals, exits).
    public var places: PlacesSpec? {
        switch self {
        case .ambulanceHandover: return .unlimited  // ambulance crews: as many as arrive
        case .emergencyDepartment(let s), .communityService(let s), .beddedCare(let s): return s.places
        case .acuteWard(let w): return w.beds
        case .virtualWard(let v): return v.places
        case .urgentCommunityResponse(let u): return u.crews
        case .arrivals, .exit, .electiveList: return nil
        }
    }

    /// Patients in the unit and in its queue when the run starts.
    public var initial: InitialState? {
        switch self {
        case .emergencyDepartment(let s), .communityService(let s), .beddedCare(let s): return s.initial
        case .acuteWard(let w): return w.initial
        case .arrivals, .exit, .ambulanceHandover, .virtualWard, .urgentCommunityResponse, .electiveList: return nil
        }
    }

    /// Where a patient here is, for the 91-day follow-up.
    var personState: PersonState {
        switch self {
        case .communityService(let s), .beddedCare(let s): return s.atHome ? .homeWithCare : .beddedCare
        case .virtualWard, .urgentCommunityResponse, .electiveList: return .homeWithCare
        default: return .hospital
        }
    }
}

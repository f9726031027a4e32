extension UnitKind {
    /// The kind's name, as scenario files write it.
    public var kindName: UnitKindName {
        switch self {
        case .arrivals: return .arrivals
        case .ambulanceHandover: return .ambulanceHandover
        case .emergencyDepartment: return .emergencyDepartment
        case .acuteWard: return .acuteWard
        case .communityService: return .communityService
        case .beddedCare: return .beddedCare
        case .exit: return .exit
        case .virtualWard: return .virtualWard
        case .urgentCommunityResponse: return .urgentCommunityResponse
        case .electiveList: return .electiveList
        }
    }

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

    /// The unit's route on, if it has one (acute wards leave by pathways, exits and elective lists by none).
    public var route: Keyed<Outcome>? {
        switch self {
        case .arrivals(let a): return a.route
        case .ambulanceHandover(let h): return h.route
        case .emergencyDepartment(let s), .communityService(let s), .beddedCare(let s): return s.route
        case .virtualWard(let v): return v.route
        case .urgentCommunityResponse(let u): return u.route
        case .acuteWard, .exit, .electiveList: return nil
        }
    }

    /// Where a patient here is, for the 91-day follow-up.
    var personState: PersonState {
        switch self {
        case .communityService(let s), .beddedCare(let s): return s.atHome ? .homeWithCare : .beddedCare
        case .virtualWard, .urgentCommunityResponse, .electiveList: return .homeWithCare
        case .arrivals, .ambulanceHandover, .emergencyDepartment, .acuteWard, .exit: return .hospital
        }
    }
}

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

    /// The unit's places: one for most kinds, one per area of an ED and per pool of an acute ward, none for
    /// units patients pass through (arrivals, exits, elective lists).
    public var placeSpecs: [PlaceSpec] {
        switch self {
        case .ambulanceHandover: return [PlaceSpec(places: .unlimited)]  // ambulance crews: as many as arrive
        case .emergencyDepartment(let e):
            return e.areas.map { a in
                PlaceSpec(name: a.name, places: a.places, initial: a.initial,
                          discipline: a.discipline == .ambulanceFirst ? .priority : .fifo)
            }
        case .communityService(let s), .beddedCare(let s):
            return [PlaceSpec(places: s.places, initial: s.initial, accepts: s.accepts)]
        case .acuteWard(let w): return w.pools.map { PlaceSpec(name: $0.name, places: $0.beds, initial: $0.initial) }
        case .virtualWard(let v): return [PlaceSpec(places: v.places)]
        case .urgentCommunityResponse(let u): return [PlaceSpec(places: u.crews)]
        case .arrivals, .exit, .electiveList: return []
        }
    }

    /// The unit's (first) places, or nil for units patients pass through without one (arrivals, exits).
    public var places: PlacesSpec? { placeSpecs.first?.places }

    /// Patients in the unit's (first) places and queue when the run starts.
    public var initial: InitialState? { placeSpecs.first?.initial }

    /// The unit's route on, if it has one (acute wards leave by pathways, exits and elective lists by none).
    public var route: Keyed<Outcome>? {
        switch self {
        case .arrivals(let a): return a.route
        case .ambulanceHandover(let h): return h.route
        case .emergencyDepartment(let e): return e.areas.first?.route
        case .communityService(let s), .beddedCare(let s): return s.route
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

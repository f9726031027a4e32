import SimCore
import Stochastics

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
    /// When the service takes new patients (a care home that admits 09:00-17:00 on weekdays); nil: any time.
    public var accepts: OpeningHours?
    public init(places: PlacesSpec, stay: Keyed<Distribution>, route: Keyed<Outcome>,
                initial: InitialState = InitialState(), atHome: Bool, accepts: OpeningHours? = nil) {
        self.accepts = accepts
        self.places = places
        self.stay = stay
        self.route = route
        self.initial = initial
        self.atHome = atHome
    }
}

/// A unit with places, a stay and a route on: community caseloads (`community_service`), bedded care
/// (`bedded_care`), generic wards; the ED is one with its own departure metrics.
///
/// The destination is drawn on entry (the stay may depend on it); at the end of the stay the patient asks for a
/// place there while keeping this one (blocking after service).
class ServiceUnit: FlowUnit {
    let stay: Keyed<Distribution>
    let next: Keyed<Outcome>

    init(_ spec: UnitSpec, _ c: ServiceSpec, index: Int, places: [Place], streams: UnitStreams) {
        let copy = c.replicaCopy()
        stay = copy.stay
        next = copy.route
        super.init(spec, index: index, places: places, streams: streams)
    }


    /// Where patient `p` goes after the stay.
    func destination(_ p: Int, _ s: SystemSimulation) -> Int {
        next.sample(s.patients[p].attributes, streams.route)
    }

    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        let dest = destination(p, s)
        s.patients[p].next = Int32(dest)
        s.scheduleStayEnd(p, after: stay.sample(s.patients[p].attributes, next: dest, streams.stay))
    }

    override func stayEnded(_ p: Int, _ s: SystemSimulation) {
        s.moveTo(p, unit: Int(s.patients[p].next))
    }

    override func startInitialOccupant(_ p: Int, _ s: SystemSimulation) {
        let attrs = s.patients[p].attributes
        let dest = next.sample(attrs, streams.route)
        s.patients[p].next = Int32(dest)
        s.scheduleStayEnd(p, after: s.initialRemaining(stay.value(attrs, next: dest), streams.initial))
    }
}

import SimCore
import Stochastics

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

/// The 2-hour urgent community response: referrals wait for a crew; the wait from referral to the first
/// visit is the 2-hour clock; after the visit the patient goes on by the route.
final class UrgentResponseUnit: FlowUnit {
    let visit: Keyed<Distribution>
    let next: Keyed<Outcome>

    init(_ spec: UnitSpec, _ u: UrgentResponseSpec, index: Int, places: [Place], streams: UnitStreams) {
        let copy = u.replicaCopy()
        visit = copy.visit
        next = copy.route
        super.init(spec, index: index, places: places, streams: streams)
    }


    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        if s.warmedUp { s.metrics.ucrVisit(wait: s.sim.now - s.patients[p].requestedAt) }
        s.scheduleStayEnd(p, after: visit.value(s.patients[p].attributes).sample(streams.stay))
    }

    override func stayEnded(_ p: Int, _ s: SystemSimulation) {
        s.moveTo(p, unit: s.drawRoute(next, of: index, for: p, streams.route))
    }
}

import SimCore
import Stochastics

/// The 2-hour urgent community response: crews on shifts visit referred patients at home.
///
/// Referrals (arrivals routed here) received within the service's `hours` wait for a crew; the crew travels
/// to the patient and then visits, and is busy for both. The 2-hour clock runs from the referral to the crew's
/// arrival (the wait for a crew plus the travel). Referrals received outside `hours` are out of scope of the
/// 2-hour standard: they go by `outOfHours`, to a unit (e.g. the ambulance service) or, for
/// `waitForOpening`, to wait at home for the service to open, when they join the queue for a crew. After the
/// visit the patient goes by `route`: home, a virtual ward (step-up, with that ward's `whenFull`), or an
/// ambulance to the ED.
public struct UrgentResponseSpec: Sendable {
    public var crews: PlacesSpec
    public var visit: Keyed<Distribution>
    public var route: Keyed<Outcome>
    /// Time from a crew being free for the patient to its arrival: on the 2-hour clock, and the crew is busy
    /// meanwhile. A constant 0 (the default) keeps travel inside `visit`.
    public var travel: Keyed<Distribution>
    /// When the service takes referrals (nil: always).
    public var hours: OpeningHours?
    /// Where a referral received outside `hours` goes: unit indices, or `waitForOpening`.
    public var outOfHours: Keyed<Outcome>

    /// The `outOfHours` outcome "wait at home for the service to open", and its name in scenario files.
    public static let waitForOpening = -1
    public static let waitForOpeningName = "wait_for_opening"

    public init(crews: PlacesSpec, visit: Keyed<Distribution>, route: Keyed<Outcome>,
                travel: Keyed<Distribution> = Keyed(.constant(0)), hours: OpeningHours? = nil,
                outOfHours: Keyed<Outcome> = Keyed(EmpiricalChoice(values: [UrgentResponseSpec.waitForOpening], weights: [1])!)) {
        self.crews = crews
        self.visit = visit
        self.route = route
        self.travel = travel
        self.hours = hours
        self.outOfHours = outOfHours
    }
}

/// The 2-hour urgent community response: referrals in hours wait for a crew, which travels and visits; the
/// 2-hour clock stops at the crew's arrival. Referrals out of hours go by `outOfHours` or wait for opening.
final class UrgentResponseUnit: FlowUnit {
    let visit: Keyed<Distribution>
    let next: Keyed<Outcome>
    let travel: Keyed<Distribution>
    /// Whether travel can be anything but 0 (otherwise no travel stream is made or drawn from).
    let hasTravel: Bool
    let hours: OpeningHours?
    let outOfHours: Keyed<Outcome>
    /// Referrals received while the service was closed that wait for it to open, in order of referral.
    @exclusivity(unchecked) var waitingForOpening: [Int32] = []
    /// Set while the waiting referrals are sent to the crews at opening (they are not referred again).
    @exclusivity(unchecked) private var opening = false

    init(_ spec: UnitSpec, _ u: UrgentResponseSpec, index: Int, places: [Place], streams: UnitStreams) {
        let copy = u.replicaCopy()
        visit = copy.visit
        next = copy.route
        travel = copy.travel
        hasTravel = copy.travel.values.contains { $0 != .constant(0) }
        hours = copy.hours
        outOfHours = copy.outOfHours
        super.init(spec, index: index, places: places, streams: streams, screensReferrals: true)
    }

    override func start(_ s: SystemSimulation) {
        if let t = hours?.nextChange(after: 0) { s.sim.schedule(at: t, priority: .capacityChange, .serviceHours(unit: Int32(index))) }
    }

    /// A referral arrives (the patient is routed here): within hours it goes on to ask for a crew (nil);
    /// outside them it goes by `outOfHours`: the unit to send it to instead, or `waitForOpening` if it waits.
    override func screenReferral(_ p: Int, _ s: SystemSimulation) -> Int? {
        if opening { return nil }
        s.patients[p].referralTime = s.sim.now
        let closed = hours.map { !$0.isOpen(at: s.sim.now) } ?? false
        s.patients[p].ucrOutOfHours = closed
        guard closed else {
            if s.warmedUp { s.metrics.ucrReferral(outOfHoursTo: nil) }
            return nil
        }
        let to = outOfHours.sample(s.patients[p].attributes, streams.outOfHours)
        if s.warmedUp { s.metrics.ucrReferral(outOfHoursTo: to) }
        if to == UrgentResponseSpec.waitForOpening { waitingForOpening.append(Int32(p)) }
        return to
    }

    /// The service opens or closes: at opening, the referrals that waited ask for a crew, in order of referral.
    func hoursChanged(_ s: SystemSimulation) {
        guard let hours else { return }
        if let t = hours.nextChange(after: s.sim.now) { s.sim.schedule(at: t, priority: .capacityChange, .serviceHours(unit: Int32(index))) }
        guard hours.isOpen(at: s.sim.now), !waitingForOpening.isEmpty else { return }
        let waiting = waitingForOpening
        waitingForOpening = []
        opening = true
        for p in waiting { s.moveTo(Int(p), unit: index) }
        opening = false
    }

    /// A crew is free for the patient: it travels (on the clock), then visits.
    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        let attrs = s.patients[p].attributes
        let travelTime = hasTravel ? travel.sample(attrs, streams.travel) : 0
        if s.warmedUp {
            s.metrics.ucrVisit(response: s.sim.now + travelTime - s.patients[p].referralTime,
                               outOfHours: s.patients[p].ucrOutOfHours)
        }
        s.scheduleStayEnd(p, after: travelTime + visit.sample(attrs, streams.stay))
    }

    override func stayEnded(_ p: Int, _ s: SystemSimulation) {
        s.moveTo(p, unit: s.drawRoute(next, of: index, for: p, streams.route))
    }
}

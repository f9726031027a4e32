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
    /// Where patients go at the end of the stay (a stepped-down patient whose pathway leads to a service goes
    /// on to that service instead: they keep the need they had).
    public var route: Keyed<Outcome>
    /// Where a stepped-down patient waits for their pathway's service at the end of the stay: holding the
    /// ward's place (`onWard`) or at home, the place freed (`atHome`).
    public enum ServiceWait: String, Sendable, CaseIterable { case onWard = "on_ward", atHome = "at_home" }
    public var serviceWait: ServiceWait

    public init(role: Role, places: PlacesSpec, stay: Keyed<Distribution>, policy: Policy, whenFull: UnitIndex,
                stepDownFrom: [UnitIndex], stepDownEligible: Keyed<Double>, eligibleAfterFraction: Double,
                escalation: Keyed<Double>, escalateTo: Keyed<Outcome>, route: Keyed<Outcome>,
                serviceWait: ServiceWait = .onWard) {
        self.serviceWait = serviceWait
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

/// A virtual ward at home, hub or spoke: step-up admissions (from UCR, the ED or a GP) that find no free place
/// go to `when_full`; eligible inpatients step down by pull rounds or on referral; a stay may escalate.
final class VirtualWardUnit: FlowUnit {
    let stay: Keyed<Distribution>
    let policy: VirtualWardSpec.Policy
    let stepDownFrom: [UnitIndex]
    let stepDownEligible: Keyed<Double>
    let eligibleAfterFraction: Double
    let escalation: Keyed<Double>
    let escalateTo: Keyed<Outcome>
    let next: Keyed<Outcome>
    let serviceWait: VirtualWardSpec.ServiceWait

    /// Stepped-down patients on the ward now (the share of a full ward they hold is charged for the step-ups it
    /// turns away: `bed_days_released` is net of them).
    @exclusivity(unchecked) var stepDownsOnWard = 0

    /// Inpatients eligible for step-down here, oldest first (pull policy): `eligible[eligibleHead...]`.
    @exclusivity(unchecked) var eligible: [(patient: Int32, token: UInt32)] = []
    @exclusivity(unchecked) var eligibleHead = 0

    init(_ spec: UnitSpec, _ v: VirtualWardSpec, index: Int, places: [Place], streams: UnitStreams) {
        let copy = v.replicaCopy()
        stay = copy.stay
        policy = copy.policy
        stepDownFrom = copy.stepDownFrom
        stepDownEligible = copy.stepDownEligible
        eligibleAfterFraction = copy.eligibleAfterFraction
        escalation = copy.escalation
        escalateTo = copy.escalateTo
        next = copy.route
        serviceWait = copy.serviceWait
        super.init(spec, index: index, places: places, streams: streams, whenFull: copy.whenFull)
    }


    override func start(_ s: SystemSimulation) {
        if case .pull(let rounds, _) = policy, let t = PullRounds.next(after: -1, rounds) {
            s.sim.schedule(at: t, priority: .normal, .pullRound(unit: Int32(index)))
        }
    }

    /// A patient takes a place: a stay, or an escalation part-way through it.
    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        let attrs = s.patients[p].attributes
        let stepUp = from < 0 || s.units[from].kind != .acuteWard
        s.patients[p].steppedUp = stepUp
        if !stepUp { stepDownsOnWard += 1 }
        if s.warmedUp {
            if stepUp { s.metrics.vwStepUp += 1 } else { s.metrics.vwStepDown += 1 }
        }
        let length = stay.sample(attrs, streams.stay)
        if streams.delay.bernoulli(escalation.value(attrs)) {
            s.sim.schedule(after: length * streams.delay.uniform(), priority: .release,
                           .escalate(patient: Int32(p), token: s.patients[p].token))
        } else {
            s.scheduleStayEnd(p, after: length)
        }
    }

    /// The end of a stay without escalation: an admission avoided if it was a step-up. A stepped-down patient
    /// whose pathway leads to a service (reablement, rehabilitation, a care home) goes on to it, waiting on the
    /// ward or at home as the scenario says; everyone else goes by the route.
    override func stayEnded(_ p: Int, _ s: SystemSimulation) {
        if s.warmedUp && s.patients[p].steppedUp { s.metrics.admissionsAvoided += 1 }
        if !s.patients[p].steppedUp, let service = pathwayService(p, s) {
            if s.warmedUp { s.metrics.vwStepDownOnward += 1 }
            s.moveTo(p, unit: service, waitingAtHome: serviceWait == .atHome)
            return
        }
        s.moveTo(p, unit: s.drawRoute(next, of: index, for: p, streams.route))
    }

    /// The service of the pathway a stepped-down patient was on (a unit with places), if any.
    func pathwayService(_ p: Int, _ s: SystemSimulation) -> Int? {
        let w = Int(s.patients[p].acuteUnit)
        guard w >= 0, let ward = s.units[w] as? AcuteWardUnit else { return nil }
        let target = ward.pathways[Int(s.patients[p].pathway)].target
        return s.units[target].places.isEmpty ? nil : target
    }

    override func leaving(_ p: Int, to dest: Int, _ s: SystemSimulation) {
        if !s.patients[p].steppedUp { stepDownsOnWard -= 1 }
    }

    /// The patient escalates: back through the front door or to a bed, as the scenario says.
    func escalate(_ p: Int, _ s: SystemSimulation) {
        if s.warmedUp { s.metrics.vwEscalations += 1 }
        s.moveTo(p, unit: escalateTo.sample(s.patients[p].attributes, streams.route))
    }

    // MARK: Step-down

    /// On admission to an acute ward: may this inpatient step down here, and from when? Drawn on the ward's own
    /// stream, so adding a virtual ward shifts no other unit's draws.
    func drawEligibility(_ p: Int, acuteStay: SimTime, _ s: SystemSimulation) -> Bool {
        guard streams.mix.bernoulli(stepDownEligible.value(s.patients[p].attributes)) else { return false }
        s.patients[p].stepDownWard = Int32(index)
        s.sim.schedule(after: acuteStay * eligibleAfterFraction, priority: .normal,
                       .eligible(patient: Int32(p), token: s.patients[p].token))
        return true
    }

    /// An inpatient became eligible: `refer` takes them now if a place is free; `pull` lists them for the rounds.
    func becameEligible(_ p: Int, _ s: SystemSimulation) {
        switch policy {
        case .refer:
            if let r = resource, s.pool.free(r) > 0 { stepDown(p, s) }
        case .pull:
            eligible.append((Int32(p), s.patients[p].token))
        }
    }

    /// A pull round: fill free places up to the target occupancy with eligible inpatients, longest-eligible first.
    func pullRound(_ s: SystemSimulation) {
        guard case .pull(let rounds, let target) = policy, let r = resource else { return }
        if let t = PullRounds.next(after: s.sim.now, rounds) {
            s.sim.schedule(at: t, priority: .normal, .pullRound(unit: Int32(index)))
        }
        let goal = Int((target * Double(s.pool.capacity(r))).rounded(.down))
        while s.pool.busy(r) < goal && s.pool.free(r) > 0 && eligibleHead < eligible.count {
            let (p, token) = eligible[eligibleHead]
            eligibleHead += 1
            if s.patients.contains(Int(p)) && s.patients[Int(p)].token == token && s.inAcutePhase(Int(p)) {
                stepDown(Int(p), s)
                s.processGrants()
            }
        }
        // Forget entries already taken or gone stale.
        if eligibleHead > 1024 && eligibleHead * 2 > eligible.count {
            eligible.removeFirst(eligibleHead)
            eligibleHead = 0
        }
    }

    /// Moves an inpatient in their acute phase here: the rest of the acute phase is bed-days released.
    func stepDown(_ p: Int, _ s: SystemSimulation) {
        if s.warmedUp { s.metrics.bedDaysSaved += max(0, s.patients[p].acuteEnd - s.sim.now) }
        s.patients[p].token = s.freshToken()  // the acute phase's end no longer comes
        s.moveTo(p, unit: index)
    }
}

import SimCore
import Stochastics

/// One replication of a system: builds the units from a `SystemSpec`, runs it and measures it.
///
/// Movement between units is one mechanism for every kind: a patient asks for a place at the next unit while
/// keeping the place they hold (`ResourcePool.request(_:releasing:)`), so full beds hold patients in ED
/// cubicles and full cubicles hold ambulances, with no special case. Kinds differ only in what happens on
/// entering a unit, at the end of a stay and on leaving (`FlowUnit`, one subclass per kind in `Units/`).
///
/// This file is the core (state, event dispatch, arrivals, movement); `+FollowUp` the 91 days after a
/// discharge, `+InitialState` the patients present at the start, `+Statistics` audits and capacity changes,
/// `+Results` what a replication reports.
public final class SystemSimulation {
    typealias Sim = Simulator<HeapEventList<FlowEvent>>

    public let spec: SystemSpec
    public let replication: Int
    let sim = Sim()
    let pool = ResourcePool()
    /// The units, compiled: each owns its parameters, streams, resource and statistics.
    let units: [FlowUnit]
    /// The unit of each resource.
    let unitOfResource: [Int32]
    /// The units of the kinds results and audits look at, in unit order.
    let acuteWards: [AcuteWardUnit]
    let virtualWards: [VirtualWardUnit]
    let electiveLists: [ElectiveListUnit]
    /// Demand streams: one per arrivals unit, or one per (neighbourhood, age band) for population units.
    let arrivalStreams: [ArrivalStream]
    let endTime: SimTime

    @exclusivity(unchecked) var patients = EntityTable<Patient>()
    @exclusivity(unchecked) var persons = EntityTable<Person>()
    @exclusivity(unchecked) var records = EntityTable<FollowUp>()
    @exclusivity(unchecked) var conservation = Conservation()
    @exclusivity(unchecked) var metrics = FlowMetrics()
    @exclusivity(unchecked) var warmedUp = false
    @exclusivity(unchecked) var nextToken: UInt32 = 0
    /// Routes adjusted for residents a neighbourhood team works with (more step-up): per team, per unit.
    let teamRoutes: [[Keyed<Outcome>?]]
    /// 65+ levels of the age attribute, for the 91-day cohort.
    let olderAge: (attribute: Int, levels: [Bool])?
    /// The attribute mix of patients present at the start: the first arrivals unit's.
    let initialMix: [Keyed<EmpiricalChoice<Int>>?]?

    /// Builds replication `replication` of `spec` (streams derived from the spec's seed and the replication).
    public init(spec: SystemSpec, replication: Int) {
        self.spec = spec
        self.replication = replication
        self.endTime = spec.warmUp + spec.horizon
        metrics.prepare(spec: spec)
        let pathwayIndex = metrics.pathwayIndexOfWard
        var unitOf: [Int32] = []
        var built: [FlowUnit] = []
        for (i, u) in spec.units.enumerated() {
            var resource: ResourceID?
            if let places = u.kind.places {
                resource = pool.add(name: u.name, capacity: places.capacity(at: 0))
                unitOf.append(Int32(i))
            }
            let streams = UnitStreams(seed: spec.seed, replication: replication, generator: spec.generator, unit: u.name)
            built.append(FlowUnit.make(u, index: i, resource: resource, streams: streams,
                                       pathwayMetricIndex: pathwayIndex[i] ?? []))
        }
        for u in built { u.link(built) }
        units = built
        unitOfResource = unitOf
        acuteWards = built.compactMap { $0 as? AcuteWardUnit }
        virtualWards = built.compactMap { $0 as? VirtualWardUnit }
        electiveLists = built.compactMap { $0 as? ElectiveListUnit }
        arrivalStreams = ArrivalStream.build(spec: spec, replication: replication)
        teamRoutes = TeamRoutes.build(spec: spec)
        if let a = spec.attributeIndex(named: StandardAttribute.ageBand) {
            olderAge = (a, spec.attributes[a].levels.map(AgeBands.isOlder))
        } else {
            olderAge = nil
        }
        initialMix = built.lazy.compactMap { $0 as? ArrivalsUnit }.first?.mix
    }

    // MARK: Running

    /// Runs the replication to the end of the horizon and returns what it measured.
    public func run() -> ReplicationResult {
        start()
        sim.run(until: endTime) { handle($0) }
        return finish()
    }

    /// The most patients a replication may hold at once before it stops: ~200 bytes each, so ~100 MB. A valid
    /// scenario whose demand is far above its capacity would otherwise grow until memory runs out.
    public static let maximumPatientsPresent = 500_000

    /// Why the replication stopped before its horizon, if it did.
    @exclusivity(unchecked) var stoppedBecause: String?

    /// One line of a per-patient trace: when, which episode (and person), where, what happened.
    public struct TraceEvent: Sendable {
        public enum Kind: String, Sendable { case arrive, enter, leave, exit }
        public var time: SimTime
        public var patient: Int
        public var person: Int
        public var unit: String
        public var kind: Kind
    }

    /// Receives every patient movement when set (`flowsim run --trace`); nil (the default) costs one check per move.
    @exclusivity(unchecked) public var trace: ((TraceEvent) -> Void)?

    func traceEvent(_ p: Int, _ unit: Int, _ kind: TraceEvent.Kind) {
        trace?(TraceEvent(time: sim.now, patient: p, person: Int(patients[p].person), unit: units[unit].name, kind: kind))
    }

    func start() {
        for k in arrivalStreams.indices { scheduleNextArrival(Int32(k)) }
        for unit in units {
            if let s = unit.schedule, let t = s.nextChange(after: 0) {
                sim.schedule(at: t, priority: .capacityChange, .capacityChange(unit: Int32(unit.index)))
            }
        }
        for unit in units { unit.start(self) }
        placeInitialPatients()
        sim.schedule(at: spec.auditTime, priority: .audit, .audit)
        if spec.warmUp > 0 {
            sim.schedule(at: spec.warmUp, priority: .audit, .warmUpEnd)
        } else {
            warmedUp = true
        }
    }

    /// Whether `p` is present and its pending event's `token` still matches (a new token makes events stale).
    func current(_ p: Int32, _ token: UInt32) -> Bool { patients.contains(Int(p)) && patients[Int(p)].token == token }

    func handle(_ event: FlowEvent) {
        switch event {
        case .arrival(let k):
            arrive(stream: Int(k))
        case .stayEnd(let p, let token):
            if current(p, token) { units[Int(patients[Int(p)].unit)].stayEnded(Int(p), self) }
        case .delayEnd(let p, let token):
            if current(p, token), let ward = units[Int(patients[Int(p)].unit)] as? AcuteWardUnit {
                ward.dischargeDelayEnded(Int(p), self)
            }
        case .nctrDay(let p, let token):
            if current(p, token), let ward = units[Int(patients[Int(p)].unit)] as? AcuteWardUnit { ward.nctrDay(Int(p), self) }
        case .capacityChange(let u):
            capacityChanged(Int(u))
        case .audit:
            audit()
        case .warmUpEnd:
            resetStatistics()
        case .followUpEnd(let r):
            followUpEnded(Int(r))
        case .readmission(let person, let exit):
            if let unit = units[Int(exit)] as? ExitUnit { unit.readmit(person: Int(person), self) }
            release(person: Int(person))
        case .careHomeMove(let person):
            if persons[Int(person)].state == .home { persons[Int(person)].state = .careHome }
            release(person: Int(person))
        case .death(let person):
            if persons[Int(person)].state.atHome { persons[Int(person)].state = .dead }
            release(person: Int(person))
        case .escalate(let p, let token):
            if current(p, token), let vw = units[Int(patients[Int(p)].unit)] as? VirtualWardUnit { vw.escalate(Int(p), self) }
        case .eligible(let p, let token):
            if current(p, token), inAcutePhase(Int(p)), case let w = Int(patients[Int(p)].stepDownWard), w >= 0,
               let vw = units[w] as? VirtualWardUnit {
                vw.becameEligible(Int(p), self)
            }
        case .pullRound(let u):
            (units[Int(u)] as? VirtualWardUnit)?.pullRound(self)
        case .electiveReferral(let u):
            (units[Int(u)] as? ElectiveListUnit)?.referral(self)
        case .session(let u, let index):
            (units[Int(u)] as? ElectiveListUnit)?.session(Int(index), self)
        }
        processGrants()
    }

    // MARK: Arrivals

    func scheduleNextArrival(_ k: Int32) {
        let a = arrivalStreams[Int(k)]
        if let t = a.process.next(after: sim.now, unitExponential: a.stream.exponential(mean: 1), horizon: endTime) {
            sim.schedule(at: t, priority: .arrival, .arrival(stream: k))
        }
    }

    func arrive(stream k: Int) {
        let a = arrivalStreams[k]
        scheduleNextArrival(Int32(k))
        guard let unit = units[a.unit] as? ArrivalsUnit else { return }
        var attrs = drawAttributes(mix: unit.mix, unit.streams.mix, fixed: a.fixed)
        let team = teamIndex(attrs)
        // A neighbourhood team prevents some of its residents' emergencies: those arrivals do not happen.
        if team >= 0, a.isEmergencyDemand, let teams = spec.population?.teams,
           !a.teamStream.bernoulli(teams[team].demandFactor) { return }
        if warmedUp, case let n = neighbourhood(of: attrs), n >= 0 { metrics.arrivalsBy[n] += 1 }
        let person = persons.insert(Person(attributes: attrs))
        let p = newPatient(attributes: attrs, person: person, byAmbulance: unit.byAmbulance)
        patients[p].team = Int8(team)
        if trace != nil { traceEvent(p, a.unit, .arrive) }
        attrs = patients[p].attributes
        moveTo(p, unit: route(unit.firstRoute, of: a.unit, for: p).value(attrs).sample(unit.streams.route))
    }

    /// Attributes drawn in order, each level from its mix (which may depend on earlier attributes).
    /// Attributes given by the stream (`fixed`: neighbourhood and age band of a population stream) are kept.
    func drawAttributes(mix: [Keyed<EmpiricalChoice<Int>>?], _ stream: RandomStream,
                        fixed: [(attribute: Int, level: Int)] = []) -> AttributeValues {
        var attrs = AttributeValues()
        for f in fixed { attrs[f.attribute] = f.level }
        for k in mix.indices where !fixed.contains(where: { $0.attribute == k }) {
            if let choice = mix[k] { attrs[k] = choice.value(attrs).sample(stream) }
        }
        return attrs
    }

    func newPatient(attributes: AttributeValues, person: Int, byAmbulance: Bool) -> Int {
        persons[person].references += 1
        persons[person].state = .hospital
        conservation.created += 1
        conservation.present += 1
        return patients.insert(Patient(attributes: attributes, person: Int32(person), byAmbulance: byAmbulance,
                                       arrivalTime: sim.now, token: freshToken()))
    }

    func freshToken() -> UInt32 {
        nextToken &+= 1
        return nextToken
    }

    // MARK: Moving between units

    /// Sends patient `p` towards unit `dest`: through at once if the unit has no places (exits); otherwise asks
    /// for a place there, keeping the place held now until it is granted (blocking after service).
    func moveTo(_ p: Int, unit destination: Int) {
        let dest = redirectIfFull(destination)
        let held = Int(patients[p].unit)
        guard let r = units[dest].resource else {
            if held >= 0, let h = units[held].resource {
                // Release first: leave() records the unit's occupancy, which must be the one after the release.
                pool.release(h, at: sim.now)
                leave(p, unit: held, to: dest)
            }
            units[dest].passThrough(p, self)
            return
        }
        patients[p].target = Int32(dest)
        patients[p].requestedAt = sim.now
        if patients[p].phase == .inService { patients[p].phase = .waiting }
        if pool.request(r, entity: p, at: sim.now, releasing: held >= 0 ? units[held].resource : nil) {
            if held >= 0 { leave(p, unit: held, to: dest) }
            enter(p, unit: dest, from: held)
        }
    }

    /// A virtual ward takes a step-up only if a place is free now; otherwise the patient goes where they
    /// would have gone without the ward (`when_full`), and so on. `SystemSpec.problems()` rejects cycles of
    /// `when_full`, so the chain ends; the bound keeps a code-built system that skipped validation from looping.
    func redirectIfFull(_ dest: Int) -> Int {
        var d = dest, hops = 0
        while units[d].whenFull >= 0, let r = units[d].resource, pool.free(r) == 0, hops <= units.count {
            d = units[d].whenFull
            hops += 1
        }
        return d
    }

    /// Starts everyone the pool granted a place to since the last call, in order. A grant to a blocked patient
    /// has already released the place they held (and passed it on down the chain).
    func processGrants() {
        while let g = pool.nextGrant() {
            let p = g.entity
            let dest = Int(unitOfResource[g.resource.index])
            let held = Int(patients[p].unit)
            if held >= 0 { leave(p, unit: held, to: dest) }
            enter(p, unit: dest, from: held)
        }
    }

    /// Bookkeeping when patient `p` gives up its place at unit `u` to go to `dest`.
    func leave(_ p: Int, unit u: Int, to dest: Int) {
        if trace != nil { traceEvent(p, u, .leave) }
        units[u].leaving(p, to: dest, self)
        patients[p].unit = -1
        occupancyChanged(u)
    }

    /// Patient `p` takes its place at unit `u`, coming from unit `from` (or -1).
    func enter(_ p: Int, unit u: Int, from: Int) {
        if trace != nil { traceEvent(p, u, .enter) }
        patients[p].unit = Int32(u)
        patients[p].target = -1
        patients[p].phase = .inService
        occupancyChanged(u)
        let unit = units[u]
        setPersonState(p, unit.personState)
        unit.enter(p, from: from, self)
    }

    /// Schedules the end of `p`'s stay at its unit `delay` from now; a hand-over that came with the patient
    /// (`startDelay`) is part of the first stay.
    func scheduleStayEnd(_ p: Int, after delay: SimTime) {
        let total = delay + patients[p].startDelay
        patients[p].startDelay = 0
        sim.schedule(after: total, priority: .release, .stayEnd(patient: Int32(p), token: patients[p].token))
    }

    /// Still in the acute phase of an acute ward (not optimised, not elective): may step down.
    func inAcutePhase(_ p: Int) -> Bool {
        let u = Int(patients[p].unit)
        return u >= 0 && units[u].kind == .acuteWard && patients[p].phase == .inService && patients[p].electiveUnit < 0
    }

    // MARK: Neighbourhoods and their teams

    /// The route `unit` gives this patient: its own `route`, or more step-up for residents a neighbourhood team
    /// works with.
    func route(_ route: Keyed<Outcome>, of unit: Int, for p: Int) -> Keyed<Outcome> {
        let t = Int(patients[p].team)
        if t >= 0, let r = teamRoutes[t][unit] { return r }
        return route
    }

    /// The team that works with a resident with these attributes, or -1.
    func teamIndex(_ attrs: AttributeValues) -> Int {
        guard let pop = spec.population, let f = pop.frailtyAttribute else { return -1 }
        return pop.teams.firstIndex { $0.neighbourhoods.contains(attrs[pop.attribute]) && $0.frailtyLevels.contains(attrs[f]) }
            ?? -1
    }

    /// The neighbourhood level of these attributes, or -1 without a population.
    func neighbourhood(of attrs: AttributeValues) -> Int { spec.population.map { attrs[$0.attribute] } ?? -1 }
}

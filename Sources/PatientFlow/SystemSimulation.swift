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
    /// The event list's buckets (`Simulator.bucketFutureEvents`): their width and how many.
    static let eventBucketWidth = 15 * Duration.minute, eventBuckets = 16_384

    public let spec: SystemSpec
    public let replication: Int
    let sim = Sim()
    let pool = ResourcePool()
    /// The units, compiled: each owns its parameters, streams, resource and statistics.
    let units: [FlowUnit]
    /// The place of each resource (by resource index), and its unit.
    let placeOfResource: [Place]
    let unitOfResource: [Int32]
    /// The units of the kinds results and audits look at, in unit order.
    let acuteWards: [AcuteWardUnit]
    let virtualWards: [VirtualWardUnit]
    let electiveLists: [ElectiveListUnit]
    /// Demand streams: one per arrivals unit, or one per (neighbourhood, age band) for population units.
    let arrivalStreams: [ArrivalStream]
    let endTime: SimTime

    let patients = EntityTable<Patient>()
    let persons = EntityTable<Person>()
    let records = EntityTable<FollowUp>()
    /// `units`, `placeOfResource` and `arrivalStreams` read without reference counting on the hot paths
    /// (`Borrowed`); the arrays keep the objects alive.
    let unitRefs: Borrowed<FlowUnit>
    let placeRefs: Borrowed<Place>
    let streamRefs: Borrowed<ArrivalStream>
    @exclusivity(unchecked) var conservation = Conservation()
    @exclusivity(unchecked) var metrics = FlowMetrics()
    @exclusivity(unchecked) var warmedUp = false
    /// Whether the day's flow counts (handovers, ED departures) are kept now: after warm-up, or from the start
    /// when the daily series include warm-up (resetCounts drops what warm-up counted from every metric).
    var countsDay: Bool { warmedUp || spec.dailyIncludesWarmUp }
    /// The arrivals unit whose new patient is being routed now, or -1 (the source of a step-up turned away).
    @exclusivity(unchecked) var arrivingFrom = -1
    /// Step-ups turned away by full virtual wards after warm-up, by ward and source (`stepUpSources`):
    /// `turnedAway[lossSlot[ward] * (units.count + 1) + source]`, source `units.count` for people at home.
    @exclusivity(unchecked) var turnedAway: [Int] = []
    @exclusivity(unchecked) var lossSlot: [Int] = []
    /// While initial occupants are placed: the place's remaining-stay rule and the listed patient's elapsed time.
    var startingRule = InitialState.RemainingStay.equilibrium
    var startingElapsed: SimTime?
    @exclusivity(unchecked) var nextToken: UInt32 = 0
    /// The patients who are NCTR now (`nctrReason >= 0`), in no order: what the daily audit counts by reason.
    @exclusivity(unchecked) var nctrPatients: [Int32] = []
    /// Routes adjusted for residents a neighbourhood team works with (more step-up): per team, per unit.
    let teamRoutes: [[Keyed<Outcome>?]]
    /// 65+ levels of the age attribute, for the 91-day cohort.
    let olderAge: (attribute: Int, levels: [Bool])?
    /// The attribute mix of patients present at the start: the first arrivals unit's.
    let initialMix: [Keyed<EmpiricalChoice<Int>>?]?
    /// The `arrival_mode` attribute, if the scenario has one (set on each front-door episode).
    let arrivalMode: ArrivalModeAttribute?
    /// The neighbourhood attribute (-1 without a population), and the neighbourhood team working with each
    /// (neighbourhood, frailty level), -1 for none: read on every arrival, so kept flat rather than read from the
    /// spec's population (which would copy its arrays).
    let neighbourhoodAttribute: Int
    let frailtyAttribute: Int
    let teamOf: [[Int8]]
    /// Each team's chance that an emergency of a resident it works with still happens.
    let teamDemandFactor: [Double]

    /// Builds replication `replication` of `spec` (streams derived from the spec's seed and the replication).
    public init(spec: SystemSpec, replication: Int) {
        self.spec = spec
        self.replication = replication
        self.endTime = spec.warmUp + spec.horizon
        metrics.prepare(spec: spec)
        arrivalMode = ArrivalModeAttribute(spec.attributes)
        let context = BuildContext(spec: spec, pathwayMetricIndex: metrics.pathwayIndexOfWard,
                                   nctrReasonOfPathway: metrics.nctrReasonOfPathway,
                                   nctrReasonCount: metrics.nctrReasonNames.count,
                                   electivePriorityIndex: metrics.priorityIndexOfList, arrivalMode: arrivalMode)
        var unitOf: [Int32] = [], placeOf: [Place] = []
        var built: [FlowUnit] = []
        for (i, u) in spec.units.enumerated() {
            var places: [Place] = []
            for (k, p) in u.kind.placeSpecs.enumerated() {
                let r = pool.add(name: p.metricName(unit: u.name), capacity: p.places.capacity(at: 0), discipline: p.discipline)
                let place = Place(index: k, name: p.metricName(unit: u.name), resource: r, unit: i, spec: p,
                                  waitThresholds: spec.waitThresholds)
                places.append(place)
                placeOf.append(place)
                unitOf.append(Int32(i))
            }
            let streams = UnitStreams(seed: spec.seed, replication: replication, generator: spec.generator, unit: u.name)
            built.append(FlowUnit.make(u, index: i, places: places, streams: streams, context: context))
        }
        for u in built { u.link(built) }
        units = built
        unitOfResource = unitOf
        placeOfResource = placeOf
        acuteWards = built.compactMap { $0 as? AcuteWardUnit }
        virtualWards = built.compactMap { $0 as? VirtualWardUnit }
        lossSlot = Array(repeating: -1, count: built.count)
        for (k, w) in virtualWards.enumerated() { lossSlot[w.index] = k }
        turnedAway = Array(repeating: 0, count: virtualWards.count * (built.count + 1))
        electiveLists = built.compactMap { $0 as? ElectiveListUnit }
        // ED areas: ambulance patients may be handed over into an overflow area when theirs is full.
        for ed in built.compactMap({ $0 as? EmergencyDepartmentUnit }) {
            for (a, area) in ed.areas.enumerated() {
                guard let o = area.ambulanceOverflow, ed.places.indices.contains(o) else { continue }
                pool.setOverflow(ed.places[a].resource, to: [ed.places[o].resource], maxPriority: 0)
            }
        }
        // Bed pools: outliers overflow into allowed pools; freed beds turn around before the next patient.
        for ward in acuteWards {
            for (home, rule) in ward.outliers.enumerated() {
                guard let rule, ward.places.indices.contains(home) else { continue }
                pool.setOverflow(ward.places[home].resource,
                                 to: rule.to.filter(ward.places.indices.contains).map { ward.places[$0].resource })
            }
            if ward.turnaround != nil { for place in ward.places { pool.setTurnaround(place.resource, true) } }
            for (place, reserve) in zip(ward.places, ward.reserves) { pool.setOverflowReserve(place.resource, reserve) }
        }
        arrivalStreams = ArrivalStream.build(spec: spec, replication: replication)
        // Most events are due minutes to days ahead: buckets of a quarter of an hour over 170 days keep the heap
        // to the events of the next quarter (decision 86).
        sim.bucketFutureEvents(width: Self.eventBucketWidth, count: Self.eventBuckets)
        unitRefs = Borrowed(built)
        placeRefs = Borrowed(placeOf)
        streamRefs = Borrowed(arrivalStreams)
        teamRoutes = TeamRoutes.build(spec: spec)
        if let a = spec.attributeIndex(named: StandardAttribute.ageBand) {
            olderAge = (a, spec.attributes[a].levels.map(AgeBands.isOlder))
        } else {
            olderAge = nil
        }
        initialMix = built.lazy.compactMap { $0 as? ArrivalsUnit }.first?.mix
        if let pop = spec.population {
            neighbourhoodAttribute = pop.attribute
            frailtyAttribute = pop.frailtyAttribute ?? -1
            let frailtyLevels = pop.frailtyAttribute.map { spec.attributes[$0].levels.count } ?? 0
            teamOf = pop.neighbourhoods.indices.map { n in
                (0..<frailtyLevels).map { f in
                    Int8(pop.teams.firstIndex { $0.neighbourhoods.contains(n) && $0.frailtyLevels.contains(f) } ?? -1)
                }
            }
            teamDemandFactor = pop.teams.map(\.demandFactor)
        } else {
            neighbourhoodAttribute = -1
            frailtyAttribute = -1
            teamOf = []
            teamDemandFactor = []
        }
    }

    deinit {
        unitRefs.deallocate()
        placeRefs.deallocate()
        streamRefs.deallocate()
    }

    // MARK: Running

    /// Runs the replication to the end of the horizon and returns what it measured.
    ///
    /// The loop stops the replication early (with `stopped` saying why) if more than
    /// `maximumEventsAtOneInstant` events happen at one instant, and returns at once, unfinished, once `abort`
    /// is set (checked every 65,536 events; `wasAborted` tells).
    public func run() -> ReplicationResult {
        start()
        if stoppedBecause == nil {
            var instant = -SimTime.infinity, atInstant = 0, untilCheck = 1 << 16
            var seen: [Int: Int] = [:]  // units the patients were at, once past the limit
            sim.run(until: endTime) { event in
                if sim.now == instant {
                    atInstant &+= 1
                    if atInstant > eventsAtOneInstantLimit {
                        if let u = unit(of: event) { seen[u, default: 0] += 1 }
                        if atInstant > eventsAtOneInstantLimit + 10_000 { return stopAtOneInstant(seen) }
                    }
                } else {
                    instant = sim.now
                    atInstant = 0
                }
                untilCheck &-= 1
                if untilCheck == 0 {
                    untilCheck = 1 << 16
                    if abort?.isCancelled == true {
                        wasAborted = true
                        return sim.stop()
                    }
                }
                handle(event)
            }
        }
        return finish()
    }

    /// Most events one instant may hold before the replication stops: ten per patient the system may hold.
    /// Only a loop of moves that take no time (which `SystemSpec.problems()` rejects when it can see one) comes
    /// near it; without the guard such a run never leaves that instant.
    public static let maximumEventsAtOneInstant = 10 * maximumPatientsPresent
    /// This replication's instant limit (`maximumEventsAtOneInstant` unless a test lowers it).
    @exclusivity(unchecked) public var eventsAtOneInstantLimit = maximumEventsAtOneInstant

    /// Set by the caller to end the replication part-way (a second interrupt): its results are then not a
    /// replication and should be dropped (`wasAborted`).
    @exclusivity(unchecked) public var abort: Cancellation?
    /// Whether `run` returned because `abort` was set.
    @exclusivity(unchecked) public private(set) var wasAborted = false

    /// The unit an event concerns, if any (for the message when one instant holds too many events).
    func unit(of event: FlowEvent) -> Int? {
        switch event {
        case .stayEnd(let p, _), .delayEnd(let p, _), .nctrDay(let p, _), .escalate(let p, _), .eligible(let p, _):
            return patients.contains(Int(p)) && patients[Int(p)].unit >= 0 ? Int(patients[Int(p)].unit) : nil
        case .readmission(let person, _):
            return persons.contains(Int(person)) && persons[Int(person)].followUpUnit >= 0 ? Int(persons[Int(person)].followUpUnit) : nil
        case .capacityChange(let r), .acceptanceChange(let r), .turnaroundEnd(let r): return placeOfResource[Int(r)].unit
        case .escalationCheck(let u, _), .pullRound(let u), .electiveReferral(let u), .session(let u, _),
             .serviceHours(let u): return Int(u)
        case .arrival(let k): return arrivalStreams[Int(k)].unit
        case .audit, .warmUpEnd, .followUpEnd, .careHomeMove, .death: return nil
        }
    }

    func stopAtOneInstant(_ seen: [Int: Int]) {
        let names = seen.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(8).map { units[$0.key].name }
        let t = sim.now
        stoppedBecause = "stopped on day \(spec.calendar.dayIndex(t)) at minute \(Int(t) % 1440): more than "
            + "\(eventsAtOneInstantLimit) events at one instant, among patients at unit"
            + (names.count == 1 ? " " : "s ") + names.joined(separator: ", ")
            + ": a loop of moves that take no time (stays of 0)?"
        sim.stop()
    }

    /// The most patients a replication may hold at once before it stops: ~200 bytes each, so ~100 MB. A valid
    /// scenario whose demand is far above its capacity would otherwise grow until memory runs out.
    public static let maximumPatientsPresent = 500_000

    /// Why the replication stopped before its horizon, if it did.
    @exclusivity(unchecked) var stoppedBecause: String?

    /// Receives every movement, request and grant when set (`flowsim run --trace`); nil (the default) costs
    /// one check per movement.
    @exclusivity(unchecked) public var trace: ((TraceEvent) -> Void)?
    /// Episode and person serials for the trace (made on the first traced episode).
    @exclusivity(unchecked) var traceIds: TraceIds?

    func start() {
        // Patients at the start count against the limit too, before any of them is made.
        let initial = spec.initialPatients
        if initial > Self.maximumPatientsPresent {
            stoppedBecause = "stopped at the start: the units start with \(initial) patients (limit \(Self.maximumPatientsPresent))"
            return
        }
        for k in arrivalStreams.indices { scheduleNextArrival(Int32(k)) }
        for place in placeOfResource {
            if let s = place.schedule, let t = s.nextChange(after: 0) {
                sim.schedule(at: t, priority: .capacityChange, .capacityChange(resource: Int32(place.resource.index)))
            }
        }
        for unit in units { unit.start(self) }
        placeInitialPatients()
        // Acceptance hours apply from the start, after the initial occupants are in place.
        for place in placeOfResource {
            guard let hours = place.accepts else { continue }
            pool.setAccepting(place.resource, hours.isOpen(at: 0), at: 0)
            if let t = hours.nextChange(after: 0) {
                sim.schedule(at: t, priority: .capacityChange, .acceptanceChange(resource: Int32(place.resource.index)))
            }
        }
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
            if current(p, token) { unitRefs.with(Int(patients[Int(p)].unit)) { $0.stayEnded(Int(p), self) } }
        case .delayEnd(let p, let token):
            if current(p, token) {
                unitRefs.with(Int(patients[Int(p)].unit)) { ($0 as? AcuteWardUnit)?.dischargeDelayEnded(Int(p), self) }
            }
        case .nctrDay(let p, let token):
            if current(p, token) { unitRefs.with(Int(patients[Int(p)].unit)) { ($0 as? AcuteWardUnit)?.nctrDay(Int(p), self) } }
        case .capacityChange(let r):
            capacityChanged(placeOfResource[Int(r)])
        case .acceptanceChange(let r):
            acceptanceChanged(placeOfResource[Int(r)])
        case .turnaroundEnd(let r):
            pool.completeTurnaround(ResourceID(index: Int(r)), at: sim.now)
        case .escalationCheck(let u, let rule):
            (units[Int(u)] as? AcuteWardUnit)?.checkEscalation(Int(rule), self)
        case .audit:
            audit()
        case .warmUpEnd:
            resetStatistics()
        case .followUpEnd(let r):
            followUpEnded(Int(r))
        case .readmission(let person, let serial):
            if persons[Int(person)].followUpSerial == serial { readmit(person: Int(person)) }
            release(person: Int(person))
        case .careHomeMove(let person, let serial):
            if persons[Int(person)].followUpSerial == serial { moveIntoCareHome(person: Int(person)) }
            release(person: Int(person))
        case .death(let person, let serial):
            if persons[Int(person)].followUpSerial == serial { die(person: Int(person)) }
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
        case .serviceHours(let u):
            (units[Int(u)] as? UrgentResponseUnit)?.hoursChanged(self)
        }
        processGrants()
    }

    // MARK: Arrivals

    func scheduleNextArrival(_ k: Int32) {
        let next = streamRefs.with(Int(k)) { a in
            a.process.next(after: sim.now, unitExponential: a.source.exponential(mean: 1), horizon: endTime)
        }
        if let t = next { sim.schedule(at: t, priority: .arrival, .arrival(stream: k)) }
    }

    func arrive(stream k: Int) {
        scheduleNextArrival(Int32(k))
        streamRefs.with(k) { a in
            unitRefs.with(a.unit) { u in
                // A kind check and an unchecked cast: `as?` would retain the unit.
                guard u.kind == .arrivals else { return }
                arrive(a, unsafeDowncast(u, to: ArrivalsUnit.self))
            }
        }
    }

    /// A new patient from stream `a` of arrivals unit `unit`.
    func arrive(_ a: ArrivalStream, _ unit: ArrivalsUnit) {
        var attrs = drawAttributes(mix: unit.mix, unit.streams.mix, fixed: a.fixedValues, order: a.drawOrder)
        let team = teamIndex(attrs)
        // A neighbourhood team prevents some of its residents' emergencies: those arrivals do not happen.
        if team >= 0, a.isEmergencyDemand, !a.teamStream.bernoulli(teamDemandFactor[team]) { return }
        if warmedUp, case let n = neighbourhood(of: attrs), n >= 0 { metrics.arrivalsBy[n] += 1 }
        let person = persons.insert(Person(attributes: attrs))
        let p = newPatient(attributes: attrs, person: person, byAmbulance: unit.byAmbulance)
        if let m = arrivalMode, let level = unit.arrivalMode { patients[p].attributes[m.attribute] = level }
        patients[p].team = Int8(team)
        if trace != nil { traceEvent(p, a.unit, .arrive) }
        attrs = patients[p].attributes
        arrivingFrom = a.unit
        moveTo(p, unit: drawRoute(unit.firstRoute, of: a.unit, for: p, unit.streams.route))
        arrivingFrom = -1
    }

    /// Attributes drawn in order, each level from its mix (which may depend on earlier attributes).
    /// Attributes given by the stream (neighbourhood and age band of a population stream: set in `fixed`, their
    /// bits in `mask`) are kept.
    func drawAttributes(mix: [Keyed<EmpiricalChoice<Int>>?], _ stream: RandomSource,
                        fixed: AttributeValues = AttributeValues(), mask: UInt32 = 0) -> AttributeValues {
        var attrs = fixed
        mix.withUnsafeBufferPointer { m in
            for k in m.indices where mask & (1 << UInt32(k)) == 0 {
                // The choice first, then the draw (`Keyed.choice`): no table is retained.
                if let h = m[k]?.choice(attrs) { attrs[k] = FlatChoices.pick(h, stream.uniform()) }
            }
        }
        return attrs
    }

    /// The attributes `drawAttributes(mix:_:fixed:mask:)` draws, in its order: those with a choice in `mix` and no
    /// bit in `mask`. For a caller that draws with one mask many times (an arrival stream).
    static func drawOrder(mix: [Keyed<EmpiricalChoice<Int>>?], mask: UInt32) -> [Int] {
        mix.indices.filter { mix[$0] != nil && mask & (1 << UInt32($0)) == 0 }
    }

    /// `drawAttributes(mix:_:fixed:mask:)` with the attributes to draw worked out once (`order`, from
    /// `drawOrder(mix:mask:)`): the same draws in the same order, without testing every attribute on every call.
    @inline(__always)
    func drawAttributes(mix: [Keyed<EmpiricalChoice<Int>>?], _ stream: RandomSource, fixed: AttributeValues,
                        order: UnsafeMutableBufferPointer<Int>) -> AttributeValues {
        var attrs = fixed
        mix.withUnsafeBufferPointer { m in
            for k in order { attrs[k] = FlatChoices.pick(m[k].unsafelyUnwrapped.choice(attrs), stream.uniform()) }
        }
        return attrs
    }

    func newPatient(attributes: AttributeValues, person: Int, byAmbulance: Bool) -> Int {
        let newPerson = persons[person].references == 0
        persons[person].references += 1
        persons[person].state = .hospital
        conservation.created += 1
        conservation.present += 1
        let p = patients.insert(Patient(attributes: attributes, person: Int32(person), byAmbulance: byAmbulance,
                                        arrivalTime: sim.now, token: freshToken()))
        persons[person].patient = Int32(p)
        if trace != nil { traceNewEpisode(p, newPerson: newPerson) }
        return p
    }

    func freshToken() -> UInt32 {
        nextToken &+= 1
        return nextToken
    }

    // MARK: Moving between units

    /// Sends patient `p` towards unit `dest`: through at once if the unit has no places (exits); otherwise asks
    /// for a place there, keeping the place held now until it is granted (blocking after service).
    ///
    /// With `waitingAtHome`, the place held is given up first and the patient waits at home for the new one.
    func moveTo(_ p: Int, unit destination: Int, waitingAtHome: Bool = false) {
        let dest = redirectIfFull(destination, for: p)
        if units[dest].screensReferrals, let other = units[dest].screenReferral(p, self) {
            // Sent elsewhere (a UCR referral out of hours), or kept waiting by the unit (-1): it asks later.
            if other >= 0 { moveTo(p, unit: other) }
            return
        }
        var held = Int(patients[p].unit)
        var heldResource = patients[p].resource >= 0 ? ResourceID(index: Int(patients[p].resource)) : nil
        if waitingAtHome, let h = heldResource, unitRefs.with(dest, { !$0.places.isEmpty }) {
            pool.release(h, at: sim.now)
            leave(p, unit: held, to: dest)
            setPersonState(p, .homeWithCare)
            held = -1
            heldResource = nil
        }
        guard unitRefs.with(dest, { !$0.places.isEmpty }) else {
            if let h = heldResource {
                // Release first: leave() records the place's occupancy, which must be the one after the release.
                pool.release(h, at: sim.now)
                leave(p, unit: held, to: dest)
            }
            unitRefs.with(dest) { $0.passThrough(p, self) }
            drainTurnarounds()
            return
        }
        if unitRefs.with(dest, \.isFrontDoor) && (held < 0 || !unitRefs.with(held, \.isFrontDoor)) { startEpisode(p, at: dest) }
        let (resource, priority) = unitRefs.with(dest) { $0.requestTarget(p, self) }
        patients[p].target = Int32(dest)
        patients[p].requested = Int32(resource.index)
        patients[p].requestedAt = sim.now
        if patients[p].phase == .inService { patients[p].phase = .waiting }
        if trace != nil { traceEvent(p, dest, .request, resource: resource.index) }
        if let granted = pool.requestPlace(resource, entity: p, at: sim.now, priority: priority, releasing: heldResource) {
            if trace != nil { traceEvent(p, dest, .granted, resource: granted.index) }
            if held >= 0 { leave(p, unit: held, to: dest) }
            enter(p, unit: dest, resource: granted, from: held)
        } else if trace != nil {
            traceEvent(p, dest, .blocked, resource: resource.index)
        }
        drainTurnarounds()
    }

    /// A new episode at the front door (DESIGN §3 "Episodes and clocks"): every arrival there, whether fresh, a
    /// readmission, a UCR conveyance or a virtual-ward escalation, has its own clock for the handover, ED and
    /// decision-to-admit times, and its own arrival mode.
    ///
    /// An episode that starts at an ambulance handover arrives by ambulance; one sent to the ED from another unit
    /// (UCR, a virtual ward) walks in; a new patient (an arrival, a readmission) keeps the mode it was made with.
    func startEpisode(_ p: Int, at dest: Int) {
        patients[p].arrivalTime = sim.now
        let ambulance = unitRefs.with(dest, \.kind) == .ambulanceHandover
        let sentOn = patients[p].unit >= 0
        guard ambulance || sentOn else { return }
        patients[p].byAmbulance = ambulance
        if let m = arrivalMode { patients[p].attributes[m.attribute] = ambulance ? m.ambulance : m.walkIn }
    }

    /// A virtual ward takes a step-up only if a place is free now; otherwise the patient goes where they
    /// would have gone without the ward (`when_full`), and so on. `SystemSpec.problems()` rejects cycles of
    /// `when_full`, so the chain ends; the bound keeps a code-built system that skipped validation from looping.
    ///
    /// A step-up turned away carries the share of the full ward's places that stepped-down patients held
    /// (`Patient.displacedShare`, for `bed_days_released`).
    func redirectIfFull(_ dest: Int, for p: Int) -> Int {
        var d = dest, hops = 0
        while unitRefs.with(d, \.whenFull) >= 0, let r = unitRefs.with(d, \.resource), pool.free(r) == 0, hops <= units.count {
            if let vw = units[d] as? VirtualWardUnit, case let c = pool.capacity(r), c > 0 {
                patients[p].displacedShare = max(patients[p].displacedShare, Float(vw.stepDownsOnWard) / Float(c))
                if warmedUp { metrics.vwStepUpsTurnedAway += 1 }
            }
            if warmedUp { countTurnedAway(d, p) }
            d = unitRefs.with(d, \.whenFull)
            hops += 1
        }
        return d
    }

    /// Patient `p`, a step-up, turned away by full unit `u`: counted by where it came from, the unit whose
    /// place it holds, the arrivals unit that made it, or home (`units.count`). Out of line: `redirectIfFull`
    /// runs on every move, and this only when a ward is full (inlined, it measured 33M dynamic exclusivity
    /// checks per 1.2M events).
    @inline(never) func countTurnedAway(_ u: Int, _ p: Int) {
        let k = lossSlot[u]
        guard k >= 0 else { return }
        let held = Int(patients[p].unit)
        turnedAway[k * (units.count + 1) + (held >= 0 ? held : arrivingFrom >= 0 ? arrivingFrom : units.count)] += 1
    }

    /// Starts everyone the pool granted a place to since the last call, in order. A grant to a blocked patient
    /// has already released the place they held (and passed it on down the chain). Runs after every event:
    /// inline, it is two comparisons when there is nothing to do.
    @inline(__always) func processGrants() {
        if pool.hasGrants { startGranted() }
        drainTurnarounds()
    }

    @inline(never) func startGranted() {
        while let g = pool.nextGrant() {
            let p = g.entity
            let dest = Int(unitOfResource[g.resource.index])
            let held = Int(patients[p].unit)
            if trace != nil { traceEvent(p, dest, .granted, resource: g.resource.index) }
            if held >= 0 { leave(p, unit: held, to: dest) }
            enter(p, unit: dest, resource: g.resource, from: held)
        }
    }

    /// Schedules the end of every turnaround that started since the last call (beds being cleaned).
    @inline(__always) func drainTurnarounds() {
        if pool.hasTurnarounds { scheduleTurnarounds() }
    }

    @inline(never) func scheduleTurnarounds() {
        while let r = pool.nextTurnaround() {
            let delay = unitRefs.with(Int(unitOfResource[r.index])) { ($0 as? AcuteWardUnit)?.turnaroundTime() } ?? 0
            sim.schedule(after: delay, priority: .release, .turnaroundEnd(resource: Int32(r.index)))
        }
    }

    /// Bookkeeping when patient `p` gives up its place at unit `u` to go to `dest`.
    func leave(_ p: Int, unit u: Int, to dest: Int) {
        if trace != nil { traceEvent(p, u, .leave) }
        unitRefs.with(u) { $0.leaving(p, to: dest, self) }
        let r = Int(patients[p].resource)
        patients[p].unit = -1
        patients[p].resource = -1
        placeRefs.with(r) { occupancyChanged($0) }
    }

    /// Patient `p` takes its place (resource `r`) at unit `u`, coming from unit `from` (or -1).
    func enter(_ p: Int, unit u: Int, resource r: ResourceID, from: Int) {
        // The wait belongs to the place asked for (a home pool, an area), wherever the place was found.
        if warmedUp, case let asked = Int(patients[p].requested), asked >= 0 {
            placeRefs.with(asked) { $0.waits.add(sim.now - patients[p].requestedAt) }
        }
        patients[p].unit = Int32(u)
        patients[p].resource = Int32(r.index)
        if trace != nil { traceEvent(p, u, .enter) }
        patients[p].target = -1
        patients[p].requested = -1
        patients[p].phase = .inService
        placeRefs.with(r.index) { occupancyChanged($0) }
        unitRefs.with(u) { unit in
            setPersonState(p, unit.personState)
            unit.enter(p, from: from, self)
        }
    }

    /// The place patient `p` holds (the patient must hold one).
    func place(of p: Int) -> Place { placeOfResource[Int(patients[p].resource)] }

    /// The index within its unit of the place patient `p` holds (the patient must hold one).
    func placeIndex(of p: Int) -> Int { placeRefs.with(Int(patients[p].resource)) { $0.index } }

    /// Moves waiting patient `p` from the place it holds to a free place of `to` in the same unit (keeping its
    /// request), if `to` has a free place.
    func transferHeld(_ p: Int, to place: Place) {
        let old = self.place(of: p)
        guard pool.transferHeld(entity: p, waitingFor: ResourceID(index: Int(patients[p].requested)), to: place.resource,
                                at: sim.now) else { return }
        patients[p].resource = Int32(place.resource.index)
        if trace != nil { traceEvent(p, place.unit, .transfer) }
        occupancyChanged(old)
        occupancyChanged(place)
        processGrants()
    }

    /// Takes back `p`'s waiting request (the patient stays where it is).
    func withdrawRequest(_ p: Int) {
        if patients[p].requested >= 0 {
            pool.withdraw(ResourceID(index: Int(patients[p].requested)), entity: p, at: sim.now)
            if trace != nil, patients[p].target >= 0 { traceEvent(p, Int(patients[p].target), .withdrawn, resource: Int(patients[p].requested)) }
        }
        patients[p].target = -1
        patients[p].requested = -1
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
        return u >= 0 && unitRefs.with(u, \.kind) == .acuteWard && patients[p].phase == .inService && patients[p].electiveUnit < 0
    }

    // MARK: Neighbourhoods and their teams

    /// The route `unit` gives this patient: its own `route`, or more step-up for residents a neighbourhood team
    /// works with.
    func route(_ route: Keyed<Outcome>, of unit: Int, for p: Int) -> Keyed<Outcome> {
        let t = Int(patients[p].team)
        if t >= 0, let r = teamRoutes[t][unit] { return r }
        return route
    }

    /// A destination drawn from the route `unit` gives patient `p` (see `route(_:of:for:)`), by its attributes.
    func drawRoute(_ route: Keyed<Outcome>, of unit: Int, for p: Int, _ stream: RandomSource) -> Int {
        let attrs = patients[p].attributes
        let t = Int(patients[p].team)
        if t >= 0, let r = teamRoutes[t][unit] { return r.sample(attrs, stream) }
        return route.sample(attrs, stream)
    }

    /// The team that works with a resident with these attributes, or -1.
    func teamIndex(_ attrs: AttributeValues) -> Int {
        guard frailtyAttribute >= 0, !teamDemandFactor.isEmpty else { return -1 }
        return Int(teamOf[attrs[neighbourhoodAttribute]][attrs[frailtyAttribute]])
    }

    /// The neighbourhood level of these attributes, or -1 without a population.
    func neighbourhood(of attrs: AttributeValues) -> Int { neighbourhoodAttribute >= 0 ? attrs[neighbourhoodAttribute] : -1 }
}

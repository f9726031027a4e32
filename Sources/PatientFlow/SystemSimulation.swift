#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SimCore
import Stochastics

/// One replication of a system: builds the units from a `SystemSpec`, runs it and measures it.
///
/// Movement between units is one mechanism for every kind: a patient asks for a place at the next unit while
/// keeping the place they hold (`ResourcePool.request(_:releasing:)`), so full beds hold patients in ED
/// cubicles and full cubicles hold ambulances, with no special case. Kinds differ only in what happens on
/// entering a unit and at the end of a stay.
public final class SystemSimulation {
    typealias Sim = Simulator<HeapEventList<FlowEvent>>

    public let spec: SystemSpec
    public let replication: Int
    let sim = Sim()
    let pool = ResourcePool()
    /// The units, compiled: tag, parameters, streams and resource of each.
    let units: [CompiledUnit]
    /// The resource of each unit, or nil for units without places (arrivals, exits).
    let resources: [ResourceID?]
    let unitOfResource: [Int32]
    /// Demand streams: one per arrivals unit, or one per (neighbourhood, age band) for population units.
    let arrivalStreams: [ArrivalStream]
    let endTime: SimTime

    @exclusivity(unchecked) var patients = EntityTable<Patient>()
    @exclusivity(unchecked) var persons = EntityTable<Person>()
    @exclusivity(unchecked) var records = EntityTable<FollowUp>()
    @exclusivity(unchecked) var conservation = Conservation()
    @exclusivity(unchecked) var metrics = FlowMetrics()
    @exclusivity(unchecked) var occupancy: [OccupancyHistogram]
    /// NCTR patients now in each acute ward's beds.
    @exclusivity(unchecked) var nctrCount: [Int]
    @exclusivity(unchecked) var capacityStat: [TimeWeighted]
    @exclusivity(unchecked) var nctrStat: [TimeWeighted]
    @exclusivity(unchecked) var warmedUp = false
    @exclusivity(unchecked) var nextToken: UInt32 = 0
    /// Virtual wards: inpatients eligible for step-down, oldest first (pull policy), per unit.
    @exclusivity(unchecked) var eligibleLists: [[(patient: Int32, token: UInt32)]]
    @exclusivity(unchecked) var eligibleHeads: [Int]
    /// Time-weighted indicator that a unit has no free place (virtual wards' `vw_full_percent`).
    @exclusivity(unchecked) var fullStat: [TimeWeighted]
    /// Elective lists: patients by referral time, per unit.
    @exclusivity(unchecked) var electiveLists: [ElectiveQueue]
    /// Routes adjusted for residents a neighbourhood team works with (more step-up): per team, per unit.
    let teamRoutes: [[Keyed<Outcome>?]]
    /// For each acute ward, the virtual wards its inpatients may step down to.
    let stepDownTargets: [[Int]]
    /// 65+ levels of the age attribute, for the 91-day cohort.
    let olderAge: (attribute: Int, levels: [Bool])?
    let defaultMixUnit: Int?

    /// Builds replication `replication` of `spec` (streams derived from the spec's seed and the replication).
    public init(spec: SystemSpec, replication: Int) {
        self.spec = spec
        self.replication = replication
        self.endTime = spec.warmUp + spec.horizon
        var res: [ResourceID?] = []
        var unitOf: [Int32] = []
        for (i, u) in spec.units.enumerated() {
            if let places = u.kind.places {
                let r = pool.add(name: u.name, capacity: places.capacity(at: 0))
                res.append(r)
                unitOf.append(Int32(i))
            } else {
                res.append(nil)
            }
        }
        resources = res
        unitOfResource = unitOf
        metrics.prepare(spec: spec)
        let pathwayIndex = metrics.pathwayIndexOfWard
        units = spec.units.enumerated().map { i, u in
            CompiledUnit(u, index: i, resource: res[i], pathwayMetricIndex: pathwayIndex[i] ?? [], seed: spec.seed,
                         replication: replication, generator: spec.generator)
        }
        arrivalStreams = ArrivalStream.build(spec: spec, replication: replication)
        eligibleLists = Array(repeating: [], count: spec.units.count)
        eligibleHeads = Array(repeating: 0, count: spec.units.count)
        fullStat = Array(repeating: TimeWeighted(start: 0), count: spec.units.count)
        electiveLists = Array(repeating: ElectiveQueue(), count: spec.units.count)
        teamRoutes = TeamRoutes.build(spec: spec)
        stepDownTargets = spec.units.indices.map { u in
            spec.units.indices.filter { v in
                if case .virtualWard(let w) = spec.units[v].kind { return w.stepDownFrom.contains(u) }
                return false
            }
        }
        occupancy = spec.units.map { _ in OccupancyHistogram(start: 0) }
        nctrCount = Array(repeating: 0, count: spec.units.count)
        capacityStat = spec.units.map { u in TimeWeighted(start: 0, value: Double(u.kind.places?.capacity(at: 0) ?? 0)) }
        nctrStat = Array(repeating: TimeWeighted(start: 0), count: spec.units.count)
        if let a = spec.attributeIndex(named: StandardAttribute.ageBand) {
            olderAge = (a, spec.attributes[a].levels.map(AgeBands.isOlder))
        } else {
            olderAge = nil
        }
        defaultMixUnit = spec.units.firstIndex { if case .arrivals = $0.kind { return true } else { return false } }
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
    /// Only a loop of moves that take no time (which the scenario loader rejects when it can see one) comes
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
        case .readmission(_, let exit): return Int(exit)
        case .capacityChange(let u), .pullRound(let u), .electiveReferral(let u), .session(let u, _): return Int(u)
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
        // Patients at the start count against the limit too, before any of them is made.
        let initial = spec.units.reduce(0) { total, u in
            var n = u.kind.initial.map { $0.occupied + $0.queued } ?? 0
            if case .electiveList(let e) = u.kind { n += e.initialSize }
            return total + n
        }
        if initial > Self.maximumPatientsPresent {
            stoppedBecause = "stopped at the start: the units start with \(initial) patients (limit \(Self.maximumPatientsPresent))"
            return
        }
        for k in arrivalStreams.indices { scheduleNextArrival(Int32(k)) }
        for (i, u) in spec.units.enumerated() {
            if let places = u.kind.places, case .schedule(let s) = places, let t = s.nextChange(after: 0) {
                sim.schedule(at: t, priority: .capacityChange, .capacityChange(unit: Int32(i)))
            }
        }
        startCommunityUnits()
        placeInitialPatients()
        sim.schedule(at: spec.auditTime, priority: .audit, .audit)
        if spec.warmUp > 0 {
            sim.schedule(at: spec.warmUp, priority: .audit, .warmUpEnd)
        } else {
            warmedUp = true
        }
    }

    func handle(_ event: FlowEvent) {
        switch event {
        case .arrival(let k):
            arrive(stream: Int(k))
        case .stayEnd(let p, let token):
            if patients.contains(Int(p)) && patients[Int(p)].token == token { stayEnded(Int(p)) }
        case .delayEnd(let p, let token):
            if patients.contains(Int(p)) && patients[Int(p)].token == token { dischargeDelayEnded(Int(p)) }
        case .nctrDay(let p, let token):
            if patients.contains(Int(p)) && patients[Int(p)].token == token { nctrDay(Int(p)) }
        case .capacityChange(let u):
            capacityChanged(Int(u))
        case .audit:
            audit()
        case .warmUpEnd:
            resetStatistics()
        case .followUpEnd(let r):
            followUpEnded(Int(r))
        case .readmission(let person, let exit):
            readmit(person: Int(person), exit: Int(exit))
        case .careHomeMove(let person):
            if persons[Int(person)].state == .home { persons[Int(person)].state = .careHome }
            release(person: Int(person))
        case .death(let person):
            if persons[Int(person)].state.atHome { persons[Int(person)].state = .dead }
            release(person: Int(person))
        case .escalate(let p, let token):
            if patients.contains(Int(p)) && patients[Int(p)].token == token { escalate(Int(p)) }
        case .eligible(let p, let token):
            if patients.contains(Int(p)) && patients[Int(p)].token == token { becameEligible(Int(p)) }
        case .pullRound(let u):
            pullRound(Int(u))
        case .electiveReferral(let u):
            electiveReferral(Int(u))
        case .session(let u, let index):
            session(Int(u), index: Int(index))
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
        let unit = units[a.unit]
        var attrs = drawAttributes(mix: unit.arrivals!.mix, unit.mixStream, fixed: a.fixed)
        let team = teamIndex(attrs)
        // A neighbourhood team prevents some of its residents' emergencies: those arrivals do not happen.
        if team >= 0, a.isEmergencyDemand, !a.teamStream.bernoulli(spec.population!.teams[team].demandFactor) { return }
        if warmedUp, case let n = neighbourhood(of: attrs), n >= 0 { metrics.arrivalsBy[n] += 1 }
        let person = persons.insert(Person(attributes: attrs))
        let p = newPatient(attributes: attrs, person: person, byAmbulance: unit.arrivals!.byAmbulance)
        patients[p].team = Int8(team)
        if trace != nil { traceEvent(p, a.unit, .arrive) }
        attrs = patients[p].attributes
        moveTo(p, unit: route(of: unit, for: p).value(attrs).sample(unit.routeStream))
    }

    /// Attributes drawn in order, each level from its mix (which may depend on earlier attributes).
    /// Attributes given by the stream (`fixed`: neighbourhood and age band of a population stream) are kept.
    func drawAttributes(_ a: ArrivalsSpec, _ stream: RandomStream, fixed: [(attribute: Int, level: Int)] = [])
        -> AttributeValues {
        drawAttributes(mix: a.mix, stream, fixed: fixed)
    }

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

    /// Sends patient `p` towards unit `dest`: exits at once; otherwise asks for a place there, keeping the
    /// place held now until it is granted (blocking after service, the pool's own primitive).
    func moveTo(_ p: Int, unit destination: Int) {
        let dest = redirectIfFull(destination)
        let held = Int(patients[p].unit)
        if units[dest].tag == .exit {
            if held >= 0 {
                // Release first: leave() records the unit's occupancy, which must be the one after the release.
                pool.release(resources[held]!, at: sim.now)
                leave(p, unit: held, to: dest)
            }
            exit(p, at: dest)
            return
        }
        guard let r = resources[dest] else { preconditionFailure("unit \(units[dest].name) has no places") }
        patients[p].target = Int32(dest)
        patients[p].requestedAt = sim.now
        if patients[p].phase == .inService { patients[p].phase = .waiting }
        if pool.request(r, entity: p, at: sim.now, releasing: held >= 0 ? resources[held] : nil) {
            if held >= 0 { leave(p, unit: held, to: dest) }
            enter(p, unit: dest, from: held)
        }
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
        let pt = patients[p]
        switch units[u].tag {
        case .emergencyDepartment:
            if warmedUp { metrics.edDeparture(los: sim.now - pt.arrivalTime) }
        case .acuteWard where pt.electiveUnit >= 0:
            patients[p].token = freshToken()
        case .acuteWard:
            let inNCTR = pt.phase == .nctrDelay || pt.phase == .nctrWaiting
            let nctr = inNCTR ? sim.now - pt.nctrStart : 0
            if inNCTR {
                nctrCount[u] -= 1
                nctrStat[u].update(to: Double(nctrCount[u]), at: sim.now)
            }
            if warmedUp {
                metrics.acuteDischarge(los: sim.now - pt.admissionTime, nctr: inNCTR ? nctr : nil,
                                       pathway: units[u].pathwayMetricIndex[Int(pt.next)],
                                       neighbourhood: neighbourhood(of: pt.attributes))
            }
            if units[dest].exit?.destination != .died { startFollowUp(p, ward: u, nctr: nctr) }
            patients[p].token = freshToken()  // stops the deconditioning clock
        default:
            break
        }
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
        let attrs = patients[p].attributes
        setPersonState(p, unit.personState)
        switch unit.tag {
        case .handover:
            // The crew waits with the patient for a place at the next unit (the ED).
            patients[p].next = Int32(unit.handover!.route.value(attrs).sample(unit.routeStream))
            moveTo(p, unit: Int(patients[p].next))
        case .acuteWard where patients[p].electiveUnit >= 0:
            enterElectiveStay(p, ward: unit)
        case .virtualWard:
            enterVirtualWard(p, unit: unit, from: from)
        case .urgentResponse:
            enterUrgentResponse(p, unit: unit)
        case .emergencyDepartment:
            var extra: SimTime = 0
            if from >= 0, let h = units[from].handover {
                // The handover completes once a cubicle is free; its clock ran from arrival.
                extra = h.handover.value(attrs).sample(units[from].stayStream)
                if warmedUp { metrics.handover(time: sim.now - patients[p].arrivalTime + extra) }
            }
            let next = route(of: unit, for: p).value(attrs).sample(unit.routeStream)
            patients[p].next = Int32(next)
            scheduleStayEnd(p, after: extra + unit.service!.stay.value(attrs, next: next).sample(unit.stayStream))
        case .acuteWard:
            patients[p].admissionTime = sim.now
            patients[p].acuteUnit = Int32(u)
            let pathway = unit.ward!.pathwayMix.value(attrs).sample(unit.routeStream)
            patients[p].next = Int32(pathway)
            noteReadmission(p)
            if warmedUp { metrics.admission(neighbourhood: neighbourhood(of: attrs)) }
            let acuteStay = unit.ward!.acuteStay.value(attrs, next: pathway).sample(unit.stayStream)
            patients[p].acuteEnd = sim.now + acuteStay
            scheduleStayEnd(p, after: acuteStay)
            if !stepDownTargets[u].isEmpty { drawStepDownEligibility(p, ward: u, acuteStay: acuteStay) }
        case .communityService, .beddedCare:
            let next = unit.service!.route.value(attrs).sample(unit.routeStream)
            patients[p].next = Int32(next)
            scheduleStayEnd(p, after: unit.service!.stay.value(attrs, next: next).sample(unit.stayStream))
        case .arrivals, .exit, .electiveList:
            preconditionFailure("units without places are never entered")
        }
    }

    func scheduleStayEnd(_ p: Int, after delay: SimTime) {
        sim.schedule(after: delay, priority: .release, .stayEnd(patient: Int32(p), token: patients[p].token))
    }

    func stayEnded(_ p: Int) {
        let u = Int(patients[p].unit)
        let unit = units[u]
        switch unit.tag {
        case .acuteWard where patients[p].electiveUnit >= 0:
            moveTo(p, unit: Int(patients[p].next))
        case .virtualWard:
            virtualWardStayEnded(p, unit: unit)
        case .urgentResponse:
            moveTo(p, unit: route(of: unit, for: p).value(patients[p].attributes).sample(unit.routeStream))
        case .acuteWard:
            // Medically optimised: NCTR time starts.
            patients[p].phase = .nctrDelay
            patients[p].nctrStart = sim.now
            nctrCount[u] += 1
            nctrStat[u].update(to: Double(nctrCount[u]), at: sim.now)
            if unit.ward!.escalateTo[Int(patients[p].next)] != nil {
                sim.schedule(after: Duration.day, priority: .normal,
                             .nctrDay(patient: Int32(p), token: patients[p].token))
            }
            startDischargeDelay(p, unit: unit)
        case .emergencyDepartment, .communityService, .beddedCare:
            moveTo(p, unit: Int(patients[p].next))
        default:
            preconditionFailure("no stay at \(unit.name)")
        }
    }

    func startDischargeDelay(_ p: Int, unit: CompiledUnit) {
        let k = Int(patients[p].next)
        var end = sim.now + unit.ward!.pathways[k].delay.value(patients[p].attributes).sample(unit.delayStream)
        if unit.ward!.pathways[k].withinDischargeHours {
            end = DischargeHours.next(end, open: unit.ward!.dischargeOpen, close: unit.ward!.dischargeClose)
        }
        sim.schedule(at: end, priority: .release, .delayEnd(patient: Int32(p), token: patients[p].token))
    }

    func dischargeDelayEnded(_ p: Int) {
        let unit = units[Int(patients[p].unit)]
        guard unit.tag == .acuteWard else { return }
        patients[p].phase = .nctrWaiting
        moveTo(p, unit: unit.ward!.pathways[Int(patients[p].next)].target)
    }

    /// Deconditioning: a day of NCTR may move the patient to the next pathway up.
    func nctrDay(_ p: Int) {
        let unit = units[Int(patients[p].unit)]
        guard let w = unit.ward else { return }
        let current = Int(patients[p].next)
        if let up = w.escalateTo[current], unit.deconditioningStream.bernoulli(w.escalationPerDay[current]) {
            patients[p].next = Int32(up)
            if patients[p].phase == .nctrWaiting, patients[p].target >= 0 {
                // Leave the old service's queue; the new pathway needs its own assessment.
                pool.withdraw(resources[Int(patients[p].target)]!, entity: p, at: sim.now)
                patients[p].target = -1
            }
            patients[p].token = freshToken()
            patients[p].phase = .nctrDelay
            startDischargeDelay(p, unit: unit)
        }
        if w.escalateTo[Int(patients[p].next)] != nil {
            sim.schedule(after: Duration.day, priority: .normal, .nctrDay(patient: Int32(p), token: patients[p].token))
        }
    }

    // MARK: Exits and the 91-day follow-up

    func exit(_ p: Int, at e: Int) {
        if trace != nil { traceEvent(p, e, .exit) }
        let unit = units[e]
        let destination = unit.exit!.destination
        let pt = patients.remove(p)
        conservation.left += 1
        conservation.present -= 1
        let person = Int(pt.person)
        switch destination {
        case .died: persons[person].state = .dead
        case .careHome: persons[person].state = .careHome
        case .home: persons[person].state = .home
        }
        if destination != .died {
            scheduleAfterDischargeEvents(person: person, exit: unit, attributes: pt.attributes)
        }
        release(person: person)
    }

    /// Readmission, death and care-home moves after leaving, each within 91 days, as simulated events.
    func scheduleAfterDischargeEvents(person: Int, exit unit: CompiledUnit, attributes a: AttributeValues) {
        let stream = unit.followUpStream
        let window = 91 * Duration.day
        if unit.exit!.readmissionRoute != nil, stream.bernoulli(unit.exit!.readmission.value(a)) {
            let t = unit.exit!.readmissionTime.value(a).sample(stream, within: window)
            persons[person].references += 1
            sim.schedule(after: t, priority: .arrival, .readmission(person: Int32(person), exit: Int32(unit.index)))
        }
        if unit.exit!.destination == .home {
            var pCare = unit.exit!.careHomeMove.value(a)
            let r = Int(persons[person].lastRecord)
            if r >= 0 && records.contains(r) { pCare = 1 - (1 - pCare) * independenceRetained(record: r) }
            if stream.bernoulli(pCare) {
                persons[person].references += 1
                sim.schedule(after: unit.exit!.eventTime.value(a).sample(stream, within: window), priority: .normal,
                             .careHomeMove(person: Int32(person)))
            }
        }
        if stream.bernoulli(unit.exit!.death.value(a)) {
            persons[person].references += 1
            sim.schedule(after: unit.exit!.eventTime.value(a).sample(stream, within: window), priority: .normal,
                         .death(person: Int32(person)))
        }
    }

    /// The chance of keeping independence after the NCTR days of the discharge behind `record`.
    func independenceRetained(record r: Int) -> Double {
        let f = records[r]
        let loss = units[Int(f.ward)].ward?.independenceLossPerDay ?? 0
        return loss > 0 ? pow(1 - loss, f.nctrDays) : 1
    }

    func readmit(person: Int, exit e: Int) {
        defer { release(person: person) }
        let unit = units[e]
        guard let route = unit.exit?.readmissionRoute,
              persons[person].state == .home || persons[person].state == .careHome else { return }
        let attrs = persons[person].attributes
        let p = newPatient(attributes: attrs, person: person, byAmbulance: false)
        let first = route.value(attrs).sample(unit.routeStream)
        if units[first].tag == .handover { patients[p].byAmbulance = true }
        moveTo(p, unit: first)
    }

    func startFollowUp(_ p: Int, ward u: Int, nctr: SimTime) {
        let pt = patients[p]
        guard let w = units[u].ward else { return }
        let pathway = w.pathways[Int(pt.next)]
        let person = Int(pt.person)
        let older = olderAge.map { $0.levels[pt.attributes[$0.attribute]] } ?? false
        let record = records.insert(FollowUp(person: pt.person, dischargeTime: sim.now,
                                             cohort: older && pathway.countsFor91Day, pathway: pt.next,
                                             ward: Int32(u), nctrDays: nctr / Duration.day,
                                             counted: warmedUp && sim.now + 91 * Duration.day <= endTime))
        persons[person].references += 1
        persons[person].lastDischarge = sim.now
        persons[person].lastRecord = Int32(record)
        sim.schedule(after: 91 * Duration.day, priority: .followUp, .followUpEnd(record: Int32(record)))
    }

    func noteReadmission(_ p: Int) {
        let person = Int(patients[p].person)
        let r = Int(persons[person].lastRecord)
        if r >= 0, records.contains(r), sim.now - records[r].dischargeTime <= 30 * Duration.day {
            records[r].readmittedWithin30Days = true
        }
    }

    func followUpEnded(_ r: Int) {
        let f = records.remove(r)
        let person = Int(f.person)
        if f.counted {
            metrics.followUp(cohort: f.cohort, atHome: persons[person].state.atHome,
                             readmitted: f.readmittedWithin30Days,
                             neighbourhood: neighbourhood(of: persons[person].attributes))
        }
        if persons[person].lastRecord == Int32(r) { persons[person].lastRecord = -1 }
        release(person: person)
    }

    func setPersonState(_ p: Int, _ state: PersonState) { persons[Int(patients[p].person)].state = state }

    /// The neighbourhood level of these attributes, or -1 without a population.
    func neighbourhood(of attrs: AttributeValues) -> Int { spec.population.map { attrs[$0.attribute] } ?? -1 }

    /// Drops one reference to a person; forgets the person when nothing refers to them any more.
    func release(person: Int) {
        persons[person].references -= 1
        if persons[person].references <= 0 {
            persons.remove(person)
        }
    }

    // MARK: Capacity, audits, statistics

    func capacityChanged(_ u: Int) {
        guard case .schedule(let s)? = units[u].places, let r = resources[u] else { return }
        let c = s.capacity(at: sim.now)
        pool.setCapacity(r, c, at: sim.now)
        capacityStat[u].update(to: Double(c), at: sim.now)
        occupancyChanged(u)
        if let t = s.nextChange(after: sim.now) {
            sim.schedule(at: t, priority: .capacityChange, .capacityChange(unit: Int32(u)))
        }
    }

    func occupancyChanged(_ u: Int) {
        guard let r = resources[u] else { return }
        occupancy[u].update(to: pool.busy(r), at: sim.now)
        fullStat[u].update(to: pool.free(r) == 0 ? 1 : 0, at: sim.now)
    }

    func audit() {
        let day = spec.calendar.dayIndex(sim.now)
        if conservation.present > Self.maximumPatientsPresent {
            stoppedBecause = "stopped on day \(day): \(conservation.present) patients in the system (limit "
                + "\(Self.maximumPatientsPresent)); " + whereThePatientsAre()
            sim.stop()
            return
        }
        if warmedUp {
            var occupied = 0, nctr = 0, capacity = 0
            for unit in units {
                guard let r = unit.resource else { continue }
                let u = unit.index
                occupancy[u].audit()
                if unit.tag == .acuteWard {
                    occupied += pool.busy(r)
                    nctr += nctrCount[u]
                    capacity += pool.capacity(r)
                }
            }
            if spec.calendar.date(ofDay: day + 1).day == 1 { metrics.monthEndOver78Weeks.add(Double(electiveOver78Weeks())) }
            let withPlaces = resources.compactMap { $0 }
            metrics.audit(day: day - firstObservedDay, occupied: occupied, nctr: nctr, capacity: capacity,
                          unitLevels: withPlaces.map { pool.busy($0) }, unitQueues: withPlaces.map { pool.queueLength($0) })
        }
        sim.schedule(after: Duration.day, priority: .audit, .audit)
    }

    var firstObservedDay: Int { spec.calendar.dayIndex(spec.warmUp) }

    /// The unit to blame when the system holds too many patients: the longest queue, or, when nobody queues
    /// (unlimited places), the unit or elective list holding the most patients.
    func whereThePatientsAre() -> String {
        let queues = units.compactMap { u in u.resource.map { (name: u.name, waiting: pool.queueLength($0)) } }
        if let worst = queues.max(by: { $0.waiting < $1.waiting }), worst.waiting > 0 {
            return "the longest queue is at unit \(worst.name) (\(worst.waiting) waiting): its capacity is far below demand"
        }
        let held = units.map { u in (name: u.name, count: u.resource.map { pool.busy($0) } ?? electiveLists[u.index].count) }
        guard let most = held.max(by: { $0.count < $1.count }) else { return "no unit holds them" }
        return "nobody is queueing; the most patients are at unit \(most.name) (\(most.count)): they arrive there faster than "
            + "they leave"
    }

    func resetStatistics() {
        warmedUp = true
        let t = sim.now
        pool.resetStatistics(at: t)
        for u in occupancy.indices {
            occupancy[u].reset(at: t)
            fullStat[u].reset(at: t)
            capacityStat[u].reset(at: t)
            nctrStat[u].reset(at: t)
        }
        metrics.resetCounts()
    }

    // MARK: Initial state

    /// Puts each unit's initial patients in place (remaining stays drawn from the equilibrium residual of the
    /// stay distribution) and its initial queue in line.
    func placeInitialPatients() {
        for (u, unitSpec) in spec.units.enumerated() {
            let unit = units[u]
            guard let initial = unitSpec.kind.initial, initial.occupied + initial.queued > 0, let r = unit.resource
            else { continue }
            for k in 0..<(initial.occupied + initial.queued) {
                let attrs = defaultMixUnit.map { drawAttributes(units[$0].arrivals!, unit.initialStream) } ?? AttributeValues()
                let person = persons.insert(Person(attributes: attrs))
                let p = newPatient(attributes: attrs, person: person, byAmbulance: false)
                if k >= initial.occupied {
                    patients[p].target = Int32(u)
                    if pool.request(r, entity: p, at: 0) { enter(p, unit: u, from: -1) }
                    continue
                }
                pool.setCapacity(r, max(pool.capacity(r), pool.busy(r) + 1), at: 0)
                pool.request(r, entity: p, at: 0)
                patients[p].unit = Int32(u)
                patients[p].phase = .inService
                occupancyChanged(u)
                setPersonState(p, unit.personState)
                if let w = unit.ward {
                    patients[p].admissionTime = 0
                    patients[p].acuteUnit = Int32(u)
                    let pathway = w.pathwayMix.value(attrs).sample(unit.routeStream)
                    patients[p].next = Int32(pathway)
                    scheduleStayEnd(p, after: w.acuteStay.value(attrs, next: pathway).sampleResidual(unit.initialStream))
                } else if let c = unit.service {
                    let next = c.route.value(attrs).sample(unit.routeStream)
                    patients[p].next = Int32(next)
                    scheduleStayEnd(p, after: c.stay.value(attrs, next: next).sampleResidual(unit.initialStream))
                }
            }
            // Capacity back to the schedule (initial occupancy above capacity drains, never evicts).
            if case .schedule(let sched)? = unit.places { pool.setCapacity(r, sched.capacity(at: 0), at: 0) }
            processGrants()
        }
    }

    // MARK: Results

    func finish() -> ReplicationResult {
        let observed = endTime - spec.warmUp
        var values = metrics.values(observedMinutes: observed)
        // Acute occupancy: time-weighted occupied over time-weighted available, all acute wards.
        var busy = 0.0, available = 0.0, nctrMean = 0.0
        for (u, unit) in spec.units.enumerated() {
            guard case .acuteWard = unit.kind, let r = resources[u] else { continue }
            busy += pool.busyStatistic(r).mean(at: endTime)
            available += capacityStat[u].mean(at: endTime)
            nctrMean += nctrStat[u].mean(at: endTime)
        }
        // nctr_bed_days: NCTR patients integrated over time, per 365 days observed.
        values.insert(MetricValue("nctr_bed_days", nctrMean * 365), at: 1)
        values.insert(MetricValue("acute_occupancy_percent", available > 0 ? 100 * busy / available : .nan),
                      at: values.firstIndex { $0.id == "mean_los_days" }!)
        values += virtualWardValues()
        values += metrics.communityValues(
            observedMinutes: observed, hasVirtualWards: units.contains { $0.tag == .virtualWard },
            hasUCR: units.contains { $0.tag == .urgentResponse }, hasElectives: units.contains { $0.tag == .electiveList },
            electiveOver78AtEnd: electiveOver78Weeks())
        if let costs = spec.costs { values += costValues(costs, acuteBusy: busy, nctrMean: nctrMean, current: values) }
        var warnings: [String] = []
        for (u, unit) in spec.units.enumerated() {
            guard let r = resources[u] else { continue }
            let mean = pool.busyStatistic(r).mean(at: endTime)
            values.append(MetricValue("unit.\(unit.name).occupancy_mean", mean))
            let cap = capacityStat[u].mean(at: endTime)
            if cap < Double(PlacesSpec.unlimitedCapacity) / 2 {
                values.append(MetricValue("unit.\(unit.name).occupancy_percent", cap > 0 ? 100 * mean / cap : .nan))
            }
            values.append(MetricValue("unit.\(unit.name).queue_mean", pool.queueStatistic(r).mean(at: endTime)))
            if let growth = queueGrowth(unit: unit.name) {
                warnings.append("queue grew without bound at unit \(unit.name): \(Int(growth.first.rounded())) waiting "
                                + "on average in the first quarter of the run, \(Int(growth.last.rounded())) in the last; "
                                + "its capacity is below demand")
            }
        }
        var violations: [String] = []
        if !conservation.holds { violations.append("patients not conserved: \(conservation)") }
        if conservation.present != patients.count {
            violations.append("patients present \(patients.count) != counted \(conservation.present)")
        }
        for (u, unit) in spec.units.enumerated() {
            if let r = resources[u], pool.grantsBeyondCapacity(r) > 0 {
                violations.append("capacity exceeded at \(unit.name) \(pool.grantsBeyondCapacity(r)) times")
            }
        }
        return ReplicationResult(
            replication: replication, metrics: values, daily: metrics.daily,
            occupancy: spec.units.enumerated().compactMap { u, unit in
                resources[u] == nil ? nil : (unit.name, occupancy[u])
            },
            conservation: conservation, invariantViolations: violations, events: sim.eventsHandled,
            entitySlots: patients.slotCount + persons.slotCount + records.slotCount, warnings: warnings,
            stopped: stoppedBecause)
    }
}

extension SystemSimulation {
    /// Per virtual ward and overall: time-weighted occupancy and the share of time with no free place.
    func virtualWardValues() -> [MetricValue] {
        var v: [MetricValue] = [], busy = 0.0, capacity = 0.0
        for unit in units where unit.tag == .virtualWard {
            let u = unit.index, r = unit.resource!
            let occupied = pool.busyStatistic(r).mean(at: endTime), places = capacityStat[u].mean(at: endTime)
            busy += occupied
            capacity += places
            v.append(MetricValue("vw_occupancy_percent.\(unit.name)", places > 0 ? 100 * occupied / places : .nan))
            v.append(MetricValue("vw_full_percent.\(unit.name)", 100 * fullStat[u].mean(at: endTime)))
        }
        if capacity > 0 { v.insert(MetricValue("vw_occupancy_percent", 100 * busy / capacity), at: 0) }
        return v
    }

    /// Costs per 365 days observed, by component and in total (DESIGN §3 "Costs").
    func costValues(_ c: CostSpec, acuteBusy: Double, nctrMean: Double, current: [MetricValue]) -> [MetricValue] {
        func metric(_ id: String) -> Double { current.first { $0.id == id }?.value ?? 0 }
        let acute = max(0, acuteBusy - nctrMean) * 365 * c.acuteBedDay
        let nctr = nctrMean * 365 * c.nctrBedDay
        var vw = 0.0, care = 0.0
        for unit in units {
            guard let r = unit.resource else { continue }
            let placeDays = pool.busyStatistic(r).mean(at: endTime) * 365
            if unit.tag == .virtualWard { vw += placeDays * c.virtualWardDay }
            if let perDay = c.careDay[unit.name] { care += placeDays * perDay }
        }
        let ucr = metric("ucr_visits") * c.ucrVisit
        let ambulance = metric("handover_hours_lost") * c.lostAmbulanceHour
        return [
            MetricValue("cost_total", acute + nctr + vw + care + ucr + ambulance),
            MetricValue("cost_acute_beds", acute), MetricValue("cost_nctr_beds", nctr),
            MetricValue("cost_virtual_wards", vw), MetricValue("cost_care", care),
            MetricValue("cost_ucr", ucr), MetricValue("cost_lost_ambulance_hours", ambulance),
        ]
    }

    /// The mean daily-audit queue in the first and last quarter of the observed days, if the queue grew
    /// without bound: the last quarter's mean is at least 100 and at least twice the first's plus 50. A stable
    /// queue's quarter means differ by its day-to-day noise; one that grows steadily differs by its growth.
    func queueGrowth(unit name: String) -> (first: Double, last: Double)? {
        guard let series = metrics.daily.first(where: { $0.name == "queue.\(name)" }), series.values.count >= 8 else {
            return nil
        }
        let v = series.values, q = v.count / 4
        let first = v[..<q].reduce(0, +) / Double(q), last = v[(v.count - q)...].reduce(0, +) / Double(q)
        return last >= 100 && last >= 2 * first + 50 ? (first, last) : nil
    }
}

/// A Poisson arrival process over either kind of rate, one per replication (its profile caches a day's rate).
final class PoissonArrivalsBox {
    let profile: PoissonArrivals<DailyCachedProfile>?
    let dated: PoissonArrivals<DatedRates>?

    init(_ rate: ArrivalsSpec.Rate) {
        switch rate {
        case .profile(let p): profile = PoissonArrivals(rate: DailyCachedProfile(p)); dated = nil
        case .dated(let d): dated = PoissonArrivals(rate: d); profile = nil
        }
    }

    func next(after t: SimTime, unitExponential e: Double, horizon: SimTime) -> SimTime? {
        if let profile { return profile.next(after: t, unitExponential: e, horizon: horizon) }
        return dated!.next(after: t, unitExponential: e, horizon: horizon)
    }
}

/// Discharge hours: a discharge that would complete outside [open, close) waits for the next opening.
enum DischargeHours {
    static func next(_ t: SimTime, open: SimTime, close: SimTime) -> SimTime {
        if close - open >= Duration.day || open == close { return t }
        let day = (t / Duration.day).rounded(.down) * Duration.day
        let m = t - day
        if open < close {
            if m < open { return day + open }
            if m >= close { return day + Duration.day + open }
            return t
        }
        // Hours span midnight (e.g. 20:00-02:00).
        return (m >= open || m < close) ? t : day + open
    }
}

/// Age bands: which levels are 65 and over ("65-74", "75-84", "85+" yes; "18-64" no).
enum AgeBands {
    static func isOlder(_ level: String) -> Bool {
        let digits = level.prefix { $0.isNumber }
        guard let lower = Int(digits) else { return false }
        return lower >= 65
    }
}


func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }

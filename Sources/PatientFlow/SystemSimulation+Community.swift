import SimCore
import Stochastics

/// Virtual wards, the urgent community response and elective lists: the units outside the acute chain that
/// the steering group can buy more of. They move patients with the same mechanism as every unit (`moveTo`).
extension SystemSimulation {
    // MARK: Start

    /// Pull rounds, elective referrals and sessions, and initial elective lists.
    func startCommunityUnits() {
        for unit in units {
            let u = Int32(unit.index)
            if let v = unit.virtualWard, case .pull(let rounds, _) = v.policy, let t = nextRound(after: -1, rounds) {
                sim.schedule(at: t, priority: .normal, .pullRound(unit: u))
            }
            if let e = unit.electiveList {
                for _ in 0..<e.initialSize {
                    addToElectiveList(unit, referredAt: -e.initialWait.sample(unit.initialStream))
                }
                scheduleNextReferral(unit)
                let mondayBeforeStart = -Double(spec.calendar.weekday(ofDay: 0)) * Duration.day
                for (i, session) in e.sessions.enumerated() {
                    var t = mondayBeforeStart + session.timeOfWeek
                    while t < 0 { t += Duration.week }
                    sim.schedule(at: t, priority: .normal, .session(unit: u, index: Int32(i)))
                }
            }
        }
    }

    /// The first round time strictly after `t` (rounds are minutes after midnight, sorted).
    func nextRound(after t: SimTime, _ rounds: [SimTime]) -> SimTime? {
        guard !rounds.isEmpty else { return nil }
        var day = max(0, (t / Duration.day).rounded(.down))
        while true {
            for r in rounds where day * Duration.day + r > t { return day * Duration.day + r }
            day += 1
        }
    }

    // MARK: Virtual wards

    /// A virtual ward takes a step-up only if a place is free now; otherwise the patient goes where they
    /// would have gone without the ward (`when_full`), and so on.
    func redirectIfFull(_ dest: Int) -> Int {
        var d = dest, hops = 0
        while let v = units[d].virtualWard, let r = units[d].resource, pool.free(r) == 0 {
            d = v.whenFull
            hops += 1
            precondition(hops <= units.count, "virtual wards' when_full form a cycle")
        }
        return d
    }

    /// A patient takes a virtual-ward place: a stay, or an escalation part-way through it.
    func enterVirtualWard(_ p: Int, unit: CompiledUnit, from: Int) {
        let v = unit.virtualWard!
        let attrs = patients[p].attributes
        let stepUp = from < 0 || units[from].tag != .acuteWard
        patients[p].steppedUp = stepUp
        if warmedUp {
            if stepUp { metrics.vwStepUp += 1 } else { metrics.vwStepDown += 1 }
        }
        let stay = v.stay.value(attrs).sample(unit.stayStream)
        if unit.delayStream.bernoulli(v.escalation.value(attrs)) {
            sim.schedule(after: stay * unit.delayStream.uniform(), priority: .release,
                         .escalate(patient: Int32(p), token: patients[p].token))
        } else {
            scheduleStayEnd(p, after: stay)
        }
    }

    /// The end of a virtual-ward stay without escalation: an admission avoided if it was a step-up.
    func virtualWardStayEnded(_ p: Int, unit: CompiledUnit) {
        if warmedUp && patients[p].steppedUp { metrics.admissionsAvoided += 1 }
        moveTo(p, unit: route(of: unit, for: p).value(patients[p].attributes).sample(unit.routeStream))
    }

    func escalate(_ p: Int) {
        let unit = units[Int(patients[p].unit)]
        guard let v = unit.virtualWard else { return }
        if warmedUp { metrics.vwEscalations += 1 }
        moveTo(p, unit: v.escalateTo.value(patients[p].attributes).sample(unit.routeStream))
    }

    /// On admission to an acute ward: may this patient step down to a virtual ward, and from when?
    func drawStepDownEligibility(_ p: Int, ward u: Int, acuteStay: SimTime) {
        for vw in stepDownTargets[u] {
            let unit = units[vw], v = unit.virtualWard!
            // The ward's own stream: adding a virtual ward shifts no other unit's draws.
            if unit.mixStream.bernoulli(v.stepDownEligible.value(patients[p].attributes)) {
                patients[p].stepDownWard = Int32(vw)
                sim.schedule(after: acuteStay * v.eligibleAfterFraction, priority: .normal,
                             .eligible(patient: Int32(p), token: patients[p].token))
                return
            }
        }
    }

    /// Still in the acute phase of an acute ward (not optimised, not elective): may step down.
    func inAcutePhase(_ p: Int) -> Bool {
        let u = Int(patients[p].unit)
        return u >= 0 && units[u].tag == .acuteWard && patients[p].phase == .inService && patients[p].electiveUnit < 0
    }

    func becameEligible(_ p: Int) {
        guard inAcutePhase(p), patients[p].stepDownWard >= 0 else { return }
        let vw = Int(patients[p].stepDownWard)
        switch units[vw].virtualWard!.policy {
        case .refer:
            if pool.free(units[vw].resource!) > 0 { stepDown(p, to: vw) }
        case .pull:
            eligibleLists[vw].append((Int32(p), patients[p].token))
        }
    }

    /// A pull round: fill free places up to the target occupancy with eligible inpatients, longest-eligible first.
    func pullRound(_ vw: Int) {
        let unit = units[vw]
        guard let v = unit.virtualWard, case .pull(let rounds, let target) = v.policy, let r = unit.resource else { return }
        if let t = nextRound(after: sim.now, rounds) { sim.schedule(at: t, priority: .normal, .pullRound(unit: Int32(vw))) }
        let goal = Int((target * Double(pool.capacity(r))).rounded(.down))
        while pool.busy(r) < goal && pool.free(r) > 0 && eligibleHeads[vw] < eligibleLists[vw].count {
            let (p, token) = eligibleLists[vw][eligibleHeads[vw]]
            eligibleHeads[vw] += 1
            if patients.contains(Int(p)) && patients[Int(p)].token == token && inAcutePhase(Int(p)) {
                stepDown(Int(p), to: vw)
                processGrants()
            }
        }
        // Forget entries already taken or gone stale.
        if eligibleHeads[vw] > 1024 && eligibleHeads[vw] * 2 > eligibleLists[vw].count {
            eligibleLists[vw].removeFirst(eligibleHeads[vw])
            eligibleHeads[vw] = 0
        }
    }

    /// Moves an inpatient in their acute phase to a virtual ward: the rest of the acute phase is bed-days released.
    func stepDown(_ p: Int, to vw: Int) {
        if warmedUp { metrics.bedDaysReleased += max(0, patients[p].acuteEnd - sim.now) }
        patients[p].token = freshToken()  // the acute phase's end no longer comes
        moveTo(p, unit: vw)
    }

    // MARK: Urgent community response

    func enterUrgentResponse(_ p: Int, unit: CompiledUnit) {
        if warmedUp { metrics.ucrVisit(wait: sim.now - patients[p].requestedAt) }
        scheduleStayEnd(p, after: unit.urgentResponse!.visit.value(patients[p].attributes).sample(unit.stayStream))
    }

    // MARK: Electives

    func scheduleNextReferral(_ unit: CompiledUnit) {
        let process = PoissonArrivals(rate: unit.electiveList!.referrals)
        if let t = process.next(after: sim.now, unitExponential: unit.arrivalStream.exponential(mean: 1), horizon: endTime) {
            sim.schedule(at: t, priority: .arrival, .electiveReferral(unit: Int32(unit.index)))
        }
    }

    func electiveReferral(_ u: Int) {
        addToElectiveList(units[u], referredAt: sim.now)
        scheduleNextReferral(units[u])
    }

    func addToElectiveList(_ unit: CompiledUnit, referredAt t: SimTime) {
        let attrs = drawAttributes(mix: unit.electiveList!.mix, unit.mixStream)
        let person = persons.insert(Person(attributes: attrs))
        let p = newPatient(attributes: attrs, person: person, byAmbulance: false)
        persons[person].state = .home
        patients[p].electiveUnit = Int32(unit.index)
        patients[p].referralTime = t
        electiveLists[unit.index].push(referral: t, patient: Int32(p))
    }

    /// A session calls the longest waiters; each needs a free bed on the day or is cancelled back onto the list.
    func session(_ u: Int, index: Int) {
        sim.schedule(after: Duration.week, priority: .normal, .session(unit: Int32(u), index: Int32(index)))
        let unit = units[u], e = unit.electiveList!
        guard let bed = units[e.ward].resource else { return }
        var cancelled: [(SimTime, Int32)] = []
        for _ in 0..<e.sessions[index].patients {
            guard let (t, p) = electiveLists[u].pop() else { break }
            if pool.free(bed) > 0 && pool.queueLength(bed) == 0 {
                if warmedUp { metrics.electiveAdmissions += 1 }
                moveTo(Int(p), unit: e.ward)
                processGrants()
            } else {
                if warmedUp { metrics.electiveCancellations += 1 }
                cancelled.append((t, p))
            }
        }
        for (t, p) in cancelled { electiveLists[u].push(referral: t, patient: p) }
    }

    /// An elective admission: a planned stay in the ward's bed, then the list's route.
    func enterElectiveStay(_ p: Int, ward: CompiledUnit) {
        let e = units[Int(patients[p].electiveUnit)].electiveList!
        let attrs = patients[p].attributes
        patients[p].admissionTime = sim.now
        patients[p].next = Int32(e.route.value(attrs).sample(ward.routeStream))
        scheduleStayEnd(p, after: e.stay.value(attrs).sample(ward.stayStream))
    }

    /// Patients on elective lists waiting longer than 78 weeks.
    func electiveOver78Weeks() -> Int {
        electiveLists.reduce(0) { $0 + $1.count(referredBefore: sim.now - 78 * Duration.week) }
    }

    // MARK: Neighbourhood teams

    /// The route a unit gives this patient: more step-up for residents a neighbourhood team works with.
    func route(of unit: CompiledUnit, for p: Int) -> Keyed<Outcome> {
        let t = Int(patients[p].team)
        if t >= 0, let r = teamRoutes[t][unit.index] { return r }
        return unit.route!
    }

    /// The team that works with a resident with these attributes, or -1.
    func teamIndex(_ attrs: AttributeValues) -> Int {
        guard let pop = spec.population, let f = pop.frailtyAttribute else { return -1 }
        return pop.teams.firstIndex { $0.neighbourhoods.contains(attrs[pop.attribute]) && $0.frailtyLevels.contains(attrs[f]) }
            ?? -1
    }
}

/// One Poisson demand stream: an arrivals unit, or one (neighbourhood, age band) of a population unit.
final class ArrivalStream {
    let unit: Int
    let process: PoissonArrivalsBox
    /// Attributes the stream sets (neighbourhood, age band).
    let fixed: [(attribute: Int, level: Int)]
    /// Inter-arrival draws, and the neighbourhood team's prevention draws, each on its own stream.
    let stream: RandomStream
    let teamStream: RandomStream
    /// Whether this stream is emergency demand (its route leads to the front door), which teams can prevent.
    let isEmergencyDemand: Bool

    init(unit: Int, process: PoissonArrivalsBox, fixed: [(attribute: Int, level: Int)], stream: RandomStream,
         teamStream: RandomStream, isEmergencyDemand: Bool) {
        self.unit = unit
        self.process = process
        self.fixed = fixed
        self.stream = stream
        self.teamStream = teamStream
        self.isEmergencyDemand = isEmergencyDemand
    }

    static func build(spec: SystemSpec, replication: Int) -> [ArrivalStream] {
        var streams: [ArrivalStream] = []
        func random(_ name: String) -> RandomStream {
            RandomStream(seed: spec.seed, replication: replication, name: name, kind: spec.generator)
        }
        for (u, unit) in spec.units.enumerated() {
            guard case .arrivals(let a) = unit.kind else { continue }
            let emergency = a.route.values.contains { choice in
                choice.values.contains { d in
                    switch spec.units[d].kind {
                    case .ambulanceHandover, .emergencyDepartment: return true
                    default: return false
                    }
                }
            }
            guard a.fromPopulation, let pop = spec.population, case .profile(let profile) = a.rate else {
                streams.append(ArrivalStream(unit: u, process: PoissonArrivalsBox(a.rate), fixed: [],
                                             stream: random("\(unit.name)/arrivals"), teamStream: random("\(unit.name)/team"),
                                             isEmergencyDemand: emergency))
                continue
            }
            // Shares: the registered list weighted by relative rates, and the stream's age mix.
            let weights = pop.neighbourhoods.map { Double($0.registered) * $0.relativeRate }
            let total = weights.reduce(0, +)
            let ageLevels = spec.attributes[pop.ageAttribute].levels.count
            var ageShare = Array(repeating: 1 / Double(ageLevels), count: ageLevels)
            if let mix = a.mix[pop.ageAttribute], mix.keys.isEmpty {
                let choice = mix.value(AttributeValues())
                ageShare = Array(repeating: 0, count: ageLevels)
                for (level, p) in zip(choice.values, choice.probabilities) { ageShare[level] += p }
            }
            let yearsFromBase = Double(spec.calendar.startDate.daysSinceEpoch - pop.baseDate.daysSinceEpoch) / 365
            for (n, hood) in pop.neighbourhoods.enumerated() {
                for a in 0..<ageLevels where ageShare[a] > 0 && weights[n] > 0 {
                    let g = pop.growthByAge[a]
                    let grown = _pow(1 + g, yearsFromBase)
                    let rate = RateProfile(perDay: profile.perDay * weights[n] / total * ageShare[a] * grown,
                                           hourOfDay: profile.hourOfDay, dayOfWeek: profile.dayOfWeek,
                                           monthOfYear: profile.monthOfYear, growthPerYear: g, calendar: profile.calendar)
                    let name = "\(unit.name)/arrivals/\(hood.name)/\(spec.attributes[pop.ageAttribute].levels[a])"
                    streams.append(ArrivalStream(unit: u, process: PoissonArrivalsBox(.profile(rate)),
                                                 fixed: [(pop.attribute, n), (pop.ageAttribute, a)],
                                                 stream: random(name), teamStream: random("\(name)/team"),
                                                 isEmergencyDemand: emergency))
                }
            }
        }
        return streams
    }
}

/// Routes adjusted for neighbourhood-team residents: probabilities towards virtual wards x the team's
/// step-up factor, renormalised; one table per team and unit (nil where nothing changes).
enum TeamRoutes {
    static func build(spec: SystemSpec) -> [[Keyed<Outcome>?]] {
        guard let pop = spec.population else { return [] }
        let isVW = spec.units.map { if case .virtualWard = $0.kind { return true } else { return false } }
        return pop.teams.map { team in
            spec.units.map { unit in
                guard team.stepUpFactor != 1, let route = unit.kind.route,
                      route.values.contains(where: { $0.values.contains { isVW[$0] } }) else { return nil }
                return route.map { choice in
                    let w = zip(choice.values, choice.probabilities).map { isVW[$0] ? $1 * team.stepUpFactor : $1 }
                    return EmpiricalChoice(values: choice.values, weights: w) ?? choice
                }
            }
        }
    }
}

/// An elective list: patients by referral time, oldest first (a binary min-heap).
struct ElectiveQueue {
    private var heap: [(referral: SimTime, patient: Int32)] = []

    var count: Int { heap.count }

    mutating func push(referral: SimTime, patient: Int32) {
        heap.append((referral, patient))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if heap[parent].referral <= heap[i].referral { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (SimTime, Int32)? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l].referral < heap[m].referral { m = l }
                if r < heap.count && heap[r].referral < heap[m].referral { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return (top.referral, top.patient)
    }

    /// Patients referred before `t`. O(n): used at month ends only.
    func count(referredBefore t: SimTime) -> Int { heap.reduce(0) { $0 + ($1.referral < t ? 1 : 0) } }
}

extension UnitKind {
    /// The unit's route on, if it has one.
    var route: Keyed<Outcome>? {
        switch self {
        case .arrivals(let a): return a.route
        case .ambulanceHandover(let h): return h.route
        case .emergencyDepartment(let s), .communityService(let s), .beddedCare(let s): return s.route
        case .virtualWard(let v): return v.route
        case .urgentCommunityResponse(let u): return u.route
        case .acuteWard, .exit, .electiveList: return nil
        }
    }
}

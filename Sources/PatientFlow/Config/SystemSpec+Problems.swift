import Stochastics

/// Something that makes a `SystemSpec` unrunnable: where (a unit and a key path inside it) and why.
public struct SpecProblem: Sendable, Equatable, CustomStringConvertible {
    /// The unit the problem is reported at, and the key inside it (e.g. ["when_full"], ["readmission", "time"]).
    public var unit: String
    public var key: [String]
    public var message: String

    public var description: String { "units.\(unit)" + key.map { ".\($0)" }.joined() + ": " + message }
}

extension SystemSpec {
    /// The patients the run starts with: every place's initial occupants and queue, and the elective lists.
    public var initialPatients: Int { Self.initialPatients(of: units) }

    /// The patients `units` start with (as `initialPatients`).
    public static func initialPatients(of units: [UnitSpec]) -> Int {
        units.reduce(0) { total, u in
            var n = u.kind.placeSpecs.reduce(0) { $0 + $1.initial.occupied + $1.initial.queued }
            if case .electiveList(let e) = u.kind { n += e.initialSize }
            return total + n
        }
    }

    /// Every problem that would stop this system running: references to units of a kind that cannot take
    /// the patient (or to no unit), cycles of virtual wards' `when_full`, and cycles a patient could go round at one instant because
    /// every stay on them can be zero (the run would never advance its clock).
    ///
    /// The scenario loader and `SystemBuilder.build()` both call it, so a system built in code meets the same
    /// rules as a file. Empty for a runnable system.
    /// - Complexity: O(units + routes).
    public func problems() -> [SpecProblem] {
        var out: [SpecProblem] = []
        let kinds = units.map(\.kind.kindName)
        func check(_ u: Int, _ key: [String], _ targets: [Int], allowed: [UnitKindName], what: String, allowSelf: Bool = false) {
            for t in Set(targets).sorted() {
                guard units.indices.contains(t) else {
                    out.append(SpecProblem(unit: units[u].name, key: key, message: "\(what) names unit #\(t), which does not exist"))
                    continue
                }
                if t == u && !allowSelf {
                    out.append(SpecProblem(unit: units[u].name, key: key, message: "\(what) cannot lead back to the unit itself"))
                } else if !allowed.contains(kinds[t]) {
                    out.append(SpecProblem(unit: units[u].name, key: key, message:
                        "\(what) cannot go to '\(units[t].name)', a unit of kind \(kinds[t].rawValue); allowed kinds: "
                        + allowed.map(\.rawValue).joined(separator: ", ")))
                }
            }
        }
        func targets(_ route: Keyed<Outcome>) -> [Int] { route.values.flatMap(\.values) }
        let destinations = UnitKindName.destinations
        for (u, unit) in units.enumerated() {
            switch unit.kind {
            case .arrivals(let a): check(u, ["route"], targets(a.route), allowed: destinations, what: "a route")
            case .ambulanceHandover(let h): check(u, ["route"], targets(h.route), allowed: destinations, what: "a route")
            case .emergencyDepartment(let e):
                for a in e.areas {
                    check(u, a.name.isEmpty ? ["route"] : ["areas", a.name, "route"], targets(a.route), allowed: destinations,
                          what: "a route")
                }
            case .communityService(let s), .beddedCare(let s):
                check(u, ["route"], targets(s.route), allowed: destinations, what: "a route")
            case .acuteWard(let w):
                for p in w.pathways {
                    check(u, ["pathways", p.name, "to"], [p.target], allowed: [.communityService, .beddedCare, .exit],
                          what: "a pathway")
                }
                if let r = w.followUp?.readmissionRoute {
                    // A readmission comes weeks after the discharge, so one straight back to the ward (a direct
                    // readmission, not through the ED) is no loop.
                    check(u, ["follow_up", "readmission", "route"], targets(r), allowed: destinations.filter { $0 != .exit },
                          what: "a readmission", allowSelf: true)
                }
                out += ringFenceProblems(unit, w)
            case .exit(let x):
                if let r = x.readmissionRoute {
                    check(u, ["readmission", "route"], targets(r), allowed: destinations.filter { $0 != .exit },
                          what: "a readmission")
                }
            case .virtualWard(let v):
                check(u, ["route"], targets(v.route), allowed: destinations, what: "a route")
                check(u, ["when_full"], [v.whenFull], allowed: destinations, what: "a step-up to a full ward")
                check(u, ["escalation", "to"], targets(v.escalateTo), allowed: destinations, what: "an escalation")
                check(u, ["step_down", "from"], v.stepDownFrom, allowed: [.acuteWard], what: "a ward patients step down from")
            case .urgentCommunityResponse(let r):
                check(u, ["route"], targets(r.route), allowed: destinations, what: "a route")
                check(u, ["out_of_hours"], targets(r.outOfHours).filter { $0 != UrgentResponseSpec.waitForOpening },
                      allowed: destinations, what: "an out-of-hours route")
            case .electiveList(let e):
                check(u, ["ward"], [e.ward], allowed: [.acuteWard], what: "an elective list's ward")
                check(u, ["route"], targets(e.route), allowed: destinations, what: "a route")
                if units.indices.contains(e.ward), case .acuteWard(let w) = units[e.ward].kind {
                    for k in e.pools where !w.pools.indices.contains(k) {
                        out.append(SpecProblem(unit: unit.name, key: ["pool"], message:
                            "names pool #\(k) of ward '\(units[e.ward].name)', which has \(w.pools.count) pool(s)"))
                    }
                }
            }
        }
        guard out.isEmpty else { return out }
        out += whenFullCycles()
        out += zeroTimeCycles()
        return out
    }

    /// A ring-fenced pool takes elective patients only: no emergency admission may have it as its home pool
    /// (by `home_pool`, or as the only pool of a ward without one), outlie into it, or start in it.
    func ringFenceProblems(_ unit: UnitSpec, _ w: AcuteWardSpec) -> [SpecProblem] {
        var out: [SpecProblem] = []
        for (k, pool) in w.pools.enumerated() where pool.ringFenced {
            let name = pool.name.isEmpty ? "the ward's beds" : "pool '\(pool.name)'"
            if let home = w.homePool {
                if home.values.contains(where: { c in zip(c.values, c.probabilities).contains { $0.0 == k && $0.1 > 0 } }) {
                    out.append(SpecProblem(unit: unit.name, key: ["home_pool"], message:
                        "\(name) is ring-fenced for elective patients: emergency admissions cannot have it as their home pool"))
                }
            } else if k == 0 {
                out.append(SpecProblem(unit: unit.name, key: ["pools", pool.name, "ring_fenced"],
                    message: "\(name) is ring-fenced for elective patients, but without home_pool every emergency admission's home "
                        + "pool is the first pool: give home_pool, or ring-fence another pool"))
            }
            for (j, rule) in w.outliers.enumerated() where rule?.to.contains(k) == true && w.pools.indices.contains(j) {
                out.append(SpecProblem(unit: unit.name, key: ["outliers", w.pools[j].name, "to"], message:
                    "\(name) is ring-fenced for elective patients: no emergency admission may outlie into it"))
            }
            if pool.initial.occupied + pool.initial.queued > 0 {
                out.append(SpecProblem(unit: unit.name, key: ["pools", pool.name, "initial"], message:
                    "\(name) is ring-fenced for elective patients and starts empty: initial patients are emergency admissions"))
            }
        }
        return out
    }

    /// Virtual wards whose `when_full` lead round to themselves: when all are full a step-up would go round for ever.
    func whenFullCycles() -> [SpecProblem] {
        func next(_ i: Int) -> Int? {
            guard case .virtualWard(let v) = units[i].kind, v.whenFull != i,
                  case .virtualWard = units[v.whenFull].kind else { return nil }
            return v.whenFull
        }
        var out: [SpecProblem] = [], reported = Set<Int>()
        for start in units.indices where !reported.contains(start) && next(start) != nil {
            var chain = [start]
            while let n = next(chain[chain.count - 1]), !chain.contains(n) { chain.append(n) }
            guard next(chain[chain.count - 1]) == start else { continue }
            reported.formUnion(chain)
            out.append(SpecProblem(unit: units[start].name, key: ["when_full"], message:
                "when_full forms a cycle of virtual wards: " + (chain + [start]).map { units[$0].name }.joined(separator: " -> ")
                + "; when all of them are full a step-up must go to a unit that is not a virtual ward"))
        }
        return out
    }

    /// A move from one unit to another that can take no time at all, and why.
    struct InstantMove {
        var from: Int, to: Int
        /// The key that allows it (where the loader reports the loop) and why it takes no time.
        var key: [String]
        var why: String
        /// A full virtual ward passing a step-up on to its `when_full` (loops of these alone are `whenFullCycles`).
        var whenFull = false
    }

    /// The moves that can happen at the instant a patient arrives: after a stay that can be zero for a patient
    /// going that way (a point mass at 0, e.g. `0min`, in the row for that destination), through an ambulance
    /// handover, or past a full virtual ward.
    func instantMoves() -> [InstantMove] {
        var moves: [InstantMove] = []
        var stepDownWards = Array(repeating: [Int](), count: units.count)
        var electiveListsOfWard = Array(repeating: [Int](), count: units.count)
        for (v, unit) in units.enumerated() {
            if case .virtualWard(let vw) = unit.kind, vw.stepDownEligible.values.contains(where: { $0 > 0 }) {
                for w in Set(vw.stepDownFrom).sorted() where units.indices.contains(w) { stepDownWards[w].append(v) }
            }
            if case .electiveList(let e) = unit.kind, units.indices.contains(e.ward) { electiveListsOfWard[e.ward].append(v) }
        }
        func add(_ u: Int, _ route: Keyed<Outcome>, _ key: [String], _ why: String, zeroFor stay: Keyed<Distribution>? = nil) {
            for t in route.possibleTargets where stay.map({ $0.canBeZero(goingTo: t) }) ?? true {
                moves.append(InstantMove(from: u, to: t, key: key, why: why))
            }
        }
        for (u, unit) in units.enumerated() {
            switch unit.kind {
            case .arrivals, .electiveList:
                break  // nothing enters them
            case .ambulanceHandover(let h):
                add(u, h.route, ["route"], "hands over at once")
            case .emergencyDepartment(let e):
                for a in e.areas {
                    add(u, a.route, a.name.isEmpty ? ["assessment"] : ["areas", a.name, "assessment"],
                        a.name.isEmpty ? "assessment can be 0" : "assessment in \(a.name) can be 0", zeroFor: a.assessment)
                }
            case .communityService(let s), .beddedCare(let s):
                add(u, s.route, ["stay"], "stay can be 0", zeroFor: s.stay)
            case .acuteWard(let w):
                for (k, p) in w.pathways.enumerated() where w.acuteStay.canBeZero(goingTo: k) && p.delay.canBeZero {
                    moves.append(InstantMove(from: u, to: p.target, key: ["acute_stay"], why: "acute stay and pathway \(p.name)'s delay can be 0"))
                }
                for v in stepDownWards[u] {
                    if case .virtualWard(let vw) = units[v].kind, vw.eligibleAfterFraction == 0 || w.acuteStay.canBeZero {
                        moves.append(InstantMove(from: u, to: v, key: ["acute_stay"], why: "step-down can come at once"))
                    }
                }
                if let f = w.followUp, let r = f.readmissionRoute, f.readmission.values.contains(where: { $0 > 0 }),
                   f.readmissionTime.canBeZero {
                    add(u, r, ["follow_up", "readmission", "time"], "readmission can come at once")
                }
                for l in electiveListsOfWard[u] {
                    if case .electiveList(let e) = units[l].kind, e.stay.canBeZero {
                        add(u, e.route, ["acute_stay"], "elective stay (\(units[l].name)) can be 0")
                    }
                }
            case .exit(let x):
                if let r = x.readmissionRoute, x.readmission.values.contains(where: { $0 > 0 }), x.readmissionTime.canBeZero {
                    add(u, r, ["readmission", "time"], "readmission can come at once")
                }
            case .virtualWard(let v):
                moves.append(InstantMove(from: u, to: v.whenFull, key: ["when_full"], why: "sends step-ups on to when_full when full", whenFull: true))
                if v.stay.canBeZero {
                    add(u, v.route, ["stay"], "stay can be 0")
                    if v.escalation.values.contains(where: { $0 > 0 }) { add(u, v.escalateTo, ["stay"], "escalation can come at once") }
                }
            case .urgentCommunityResponse(let r):
                if r.visit.canBeZero && r.travel.canBeZero { add(u, r.route, ["visit"], "visit can be 0") }
                if r.hours != nil {
                    // A referral out of hours is sent on at the instant it arrives.
                    for t in r.outOfHours.possibleTargets where t != UrgentResponseSpec.waitForOpening {
                        moves.append(InstantMove(from: u, to: t, key: ["out_of_hours"], why: "sends referrals on out of hours"))
                    }
                }
            }
        }
        return moves.filter { units.indices.contains($0.to) }
    }

    /// Loops of instant moves: one per strongly connected group of units (Tarjan 1972, iterative, so a long
    /// chain of units cannot overflow the stack), reported at its first unit in file order with a shortest loop
    /// through it and why each move on it takes no time. Groups held together only by `when_full` are left to
    /// `whenFullCycles`.
    func zeroTimeCycles() -> [SpecProblem] {
        let n = units.count
        var next = Array(repeating: [InstantMove](), count: n)
        for m in instantMoves() { next[m.from].append(m) }
        var index = Array(repeating: -1, count: n), low = Array(repeating: 0, count: n)
        var onStack = Array(repeating: false, count: n), stack: [Int] = [], counter = 0
        var components: [[Int]] = []
        for root in 0..<n where index[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack[root] = true
            while let (v, e) = work.last {
                if e < next[v].count {
                    work[work.count - 1].edge += 1
                    let w = next[v][e].to
                    if index[w] < 0 {
                        index[w] = counter; low[w] = counter; counter += 1
                        stack.append(w); onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], index[w])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[parent.node] = min(low[parent.node], low[v]) }
                if low[v] == index[v] {
                    var component: [Int] = []
                    while let w = stack.popLast() {
                        onStack[w] = false
                        component.append(w)
                        if w == v { break }
                    }
                    if component.count > 1 || next[v].contains(where: { $0.to == v }) { components.append(component) }
                }
            }
        }
        var out: [SpecProblem] = []
        for component in components.map(Set.init).sorted(by: { $0.min()! < $1.min()! }) {
            let inside = component.flatMap { u in next[u].filter { component.contains($0.to) } }
            if inside.allSatisfy(\.whenFull) { continue }
            let loop = shortestLoop(in: component, next)
            let names = loop.map { units[$0.from].name } + [units[loop[0].from].name]
            let why = loop.map { "\(units[$0.from].name): \($0.why)" }.joined(separator: "; ")
            out.append(SpecProblem(unit: units[loop[0].from].name, key: loop[0].key, message:
                "units \(names.joined(separator: " -> ")) form a loop a patient can go round in no time (\(why)): the run "
                + "would never leave that instant. Give one unit on the loop a stay that is never 0, or route out of the loop"))
            if out.count >= 20 { break }
        }
        return out
    }

    /// A shortest loop of moves from the component's first unit back to it, inside the component.
    func shortestLoop(in component: Set<Int>, _ next: [[InstantMove]]) -> [InstantMove] {
        let start = component.min()!
        var via: [Int: InstantMove] = [:], queue = [start], head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for m in next[v] where component.contains(m.to) {
                if m.to == start {
                    var path = [m]
                    while let p = via[path[0].from] { path.insert(p, at: 0) }
                    return path
                }
                if via[m.to] == nil {
                    via[m.to] = m
                    queue.append(m.to)
                }
            }
        }
        return next[start].filter { $0.to == start }.prefix(1).map { $0 }
    }
}

extension Keyed where Value == Outcome {
    /// The units this route can send a patient to (with a probability above 0), over every row of its table.
    var possibleTargets: [Int] {
        Array(Set(values.flatMap { c in zip(c.values, c.probabilities).filter { $0.1 > 0 }.map(\.0) })).sorted()
    }
}

extension Distribution {
    /// Whether a draw can be exactly 0 (or below) with a probability above 0: a point mass there. Continuous
    /// distributions with a positive scale never are.
    public var canBeZero: Bool {
        switch self {
        case .constant(let v): return v <= 0
        case .exponential(let m): return m <= 0
        case .gamma(let k, let th): return k <= 0 || th <= 0
        case .lognormal: return false
        case .weibull(let l, _): return l <= 0
        case .uniform(let a, let b): return max(a, b) <= 0
        case .triangular(_, _, let b): return b <= 0
        case .truncatedNormal(let m, let sd): return sd <= 0 && m <= 0
        case .poisson: return true
        case .bernoulli(let p): return p < 1
        case .empirical(let e): return zip(e.values, e.probabilities).contains { $0.0 <= 0 && $0.1 > 0 }
        }
    }
}

extension Keyed where Value == Distribution {
    /// Whether any patient's draw can be exactly 0.
    var canBeZero: Bool { values.contains { $0.canBeZero } }

    /// Whether the draw can be exactly 0 for a patient going next to `next` (any row if the table is not keyed
    /// by the destination).
    func canBeZero(goingTo next: Int) -> Bool {
        guard let j = keys.firstIndex(of: .next) else { return canBeZero }
        return values.indices.contains { i in
            let level = sizes.count == 1 ? i : (j == 0 ? i / sizes[1] : i % sizes[1])
            return level == next && values[i].canBeZero
        }
    }
}

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
        func check(_ u: Int, _ key: [String], _ targets: [Int], allowed: [UnitKindName], what: String) {
            for t in Set(targets).sorted() {
                guard units.indices.contains(t) else {
                    out.append(SpecProblem(unit: units[u].name, key: key, message: "\(what) names unit #\(t), which does not exist"))
                    continue
                }
                if t == u {
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
            case .urgentCommunityResponse(let r): check(u, ["route"], targets(r.route), allowed: destinations, what: "a route")
            case .electiveList(let e):
                check(u, ["ward"], [e.ward], allowed: [.acuteWard], what: "an elective list's ward")
                check(u, ["route"], targets(e.route), allowed: destinations, what: "a route")
            }
        }
        guard out.isEmpty else { return out }
        out += whenFullCycles()
        out += zeroTimeCycles()
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

    /// A move from one unit to another that can take no time at all, and the key that allows it.
    struct InstantMove {
        var from: Int, to: Int
        var key: [String]
    }

    /// The moves that can happen at the instant a patient arrives: after a stay that can be zero (a point mass
    /// at 0, e.g. `0min`), through an ambulance handover or past a full virtual ward.
    func instantMoves() -> [InstantMove] {
        var moves: [InstantMove] = []
        var stepDownWards = Array(repeating: [Int](), count: units.count)
        var electiveListsOfWard = Array(repeating: [Int](), count: units.count)
        for (v, unit) in units.enumerated() {
            if case .virtualWard(let vw) = unit.kind {
                for w in Set(vw.stepDownFrom).sorted() where units.indices.contains(w) { stepDownWards[w].append(v) }
            }
            if case .electiveList(let e) = unit.kind, units.indices.contains(e.ward) { electiveListsOfWard[e.ward].append(v) }
        }
        func add(_ u: Int, _ route: Keyed<Outcome>, _ key: [String]) {
            for t in Set(route.values.flatMap(\.values)).sorted() { moves.append(InstantMove(from: u, to: t, key: key)) }
        }
        for (u, unit) in units.enumerated() {
            switch unit.kind {
            case .arrivals, .electiveList:
                break  // nothing enters them
            case .ambulanceHandover(let h):
                add(u, h.route, ["route"])  // the crew moves on as soon as a place is free
            case .emergencyDepartment(let e):
                for a in e.areas where a.assessment.canBeZero {
                    add(u, a.route, a.name.isEmpty ? ["assessment"] : ["areas", a.name, "assessment"])
                }
            case .communityService(let s), .beddedCare(let s):
                if s.stay.canBeZero { add(u, s.route, ["stay"]) }
            case .acuteWard(let w):
                if w.acuteStay.canBeZero {
                    for p in w.pathways where p.delay.canBeZero {
                        moves.append(InstantMove(from: u, to: p.target, key: ["acute_stay"]))
                    }
                }
                for v in stepDownWards[u] {
                    if case .virtualWard(let vw) = units[v].kind, vw.eligibleAfterFraction == 0 || w.acuteStay.canBeZero {
                        moves.append(InstantMove(from: u, to: v, key: ["acute_stay"]))
                    }
                }
                for l in electiveListsOfWard[u] {
                    if case .electiveList(let e) = units[l].kind, e.stay.canBeZero { add(u, e.route, ["acute_stay"]) }
                }
            case .exit(let x):
                if let r = x.readmissionRoute, x.readmissionTime.canBeZero { add(u, r, ["readmission", "time"]) }
            case .virtualWard(let v):
                moves.append(InstantMove(from: u, to: v.whenFull, key: ["when_full"]))
                if v.stay.canBeZero {
                    add(u, v.route, ["stay"])
                    add(u, v.escalateTo, ["stay"])
                }
            case .urgentCommunityResponse(let r):
                if r.visit.canBeZero { add(u, r.route, ["visit"]) }
            }
        }
        return moves.filter { units.indices.contains($0.to) }
    }

    /// Cycles of instant moves, found by an iterative depth-first search (no recursion, whatever the number of
    /// units); each cycle found is reported once, at its first unit.
    func zeroTimeCycles() -> [SpecProblem] {
        var next = Array(repeating: [InstantMove](), count: units.count)
        for m in instantMoves() { next[m.from].append(m) }
        var state = Array(repeating: 0, count: units.count)  // 0 new, 1 on the path, 2 done
        var out: [SpecProblem] = []
        for root in units.indices where state[root] == 0 {
            // The path: each frame is a unit and the index of its next move to try; `via` the moves taken.
            var stack: [(unit: Int, edge: Int)] = [(root, 0)]
            var via: [InstantMove] = []
            state[root] = 1
            while let top = stack.last {
                guard top.edge < next[top.unit].count else {
                    state[top.unit] = 2
                    stack.removeLast()
                    if !via.isEmpty { via.removeLast() }
                    continue
                }
                let m = next[top.unit][top.edge]
                stack[stack.count - 1].edge += 1
                if state[m.to] == 1 {
                    let start = via.firstIndex { $0.from == m.to } ?? via.count
                    let cycle = Array(via[start...]) + [m]
                    // A cycle of when_full alone is reported as such (`whenFullCycles`).
                    if cycle.allSatisfy({ $0.key == ["when_full"] }) { continue }
                    let names = cycle.map { units[$0.from].name } + [units[m.to].name]
                    out.append(SpecProblem(unit: units[cycle[0].from].name, key: cycle[0].key, message:
                        "a patient could go round " + names.joined(separator: " -> ") + " without the clock moving: every "
                        + "stay on this cycle can be zero ("
                        + cycle.map { "units.\(units[$0.from].name)." + $0.key.joined(separator: ".") }.joined(separator: ", ")
                        + "); give one of them a duration above zero"))
                    if out.count >= 20 { return out }
                } else if state[m.to] == 0 {
                    state[m.to] = 1
                    via.append(m)
                    stack.append((m.to, 0))
                }
            }
        }
        return out
    }
}

extension Distribution {
    /// Whether a draw can be exactly 0 with positive probability (a point mass at 0).
    public var canBeZero: Bool {
        switch self {
        case .constant(let v): return v == 0
        case .uniform(let a, let b): return a == 0 && b == 0
        case .triangular(let a, _, let b): return a == 0 && b == 0
        case .truncatedNormal(let m, let sd): return sd == 0 && m <= 0
        case .poisson: return true
        case .bernoulli(let p): return p < 1
        case .empirical(let e): return zip(e.values, e.probabilities).contains { $0 == 0 && $1 > 0 }
        case .exponential, .gamma, .lognormal, .weibull: return false
        }
    }
}

extension Keyed where Value == Distribution {
    /// Whether any patient's draw can be exactly 0.
    var canBeZero: Bool { values.contains { $0.canBeZero } }
}

import PatientFlow
import SimCore
import Stochastics

/// Checks on the decoded units as a whole: loops a patient could go round in no time, and the patients the
/// run starts with.
extension ScenarioDecoder {
    /// Initial occupancy, initial queues and initial elective lists together hold at most
    /// `SystemSimulation.maximumPatientsPresent` patients: the run would stop at once (after allocating them all)
    /// if they held more.
    func initialPatientLimit(_ units: [UnitSpec], _ entries: [ScenarioNode.Entry], _ path: NodePath) {
        let limit = SystemSimulation.maximumPatientsPresent
        var total = 0
        for u in units {
            if let i = u.kind.initial { total += i.occupied + i.queued }
            if case .electiveList(let e) = u.kind { total += e.initialSize }
        }
        guard total > limit, let first = entries.first(where: { $0.value["initial"] != nil || $0.value["initial_list"] != nil })
        else { return }
        report(first.value["initial"] ?? first.value["initial_list"] ?? first.value, path.key(first.key),
               "the units start with \(total) patients in all (initial occupancy, queues and elective lists); at most "
               + "\(limit) patients may be in the system at once")
    }

    /// Loops of units a patient can go round without any time passing (every stay on the loop can be 0, or the
    /// unit passes patients on at once, as an ambulance handover does): the run would spin at one instant
    /// forever. Reported once per loop, at its first unit, naming every unit on it.
    func zeroTimeCycles(_ units: [UnitSpec], _ entries: [ScenarioNode.Entry], _ path: NodePath) {
        let graph = ZeroTimeGraph(units)
        for component in graph.cycles() {
            let names = (component + [component[0]]).map { units[$0].name }
            let why = component.map { "\(units[$0].name): \(graph.reason[$0] ?? "no time")" }.joined(separator: "; ")
            report(entries[component[0]].keyLocation, path.key(units[component[0]].name),
                   "units \(names.joined(separator: " -> ")) form a loop a patient can go round in no time (\(why)): "
                   + "the run would never leave that instant. Give one unit on the loop a stay that is never 0, or route "
                   + "out of the loop")
        }
    }
}

/// Moves that can take no time at all: an edge u -> v when a patient entering u can be on their way to v at
/// the same instant.
struct ZeroTimeGraph {
    var edges: [[Int]]
    /// Why each unit with an edge out can pass patients on at once, for messages.
    var reason: [Int: String] = [:]

    init(_ units: [UnitSpec]) {
        edges = Array(repeating: [], count: units.count)
        func add(_ u: Int, _ targets: [Int], _ why: String) {
            guard !targets.isEmpty else { return }
            edges[u] += targets
            reason[u] = reason[u].map { "\($0), \(why)" } ?? why
        }
        for (u, unit) in units.enumerated() {
            switch unit.kind {
            case .arrivals, .electiveList:
                break  // never entered
            case .ambulanceHandover(let h):
                add(u, Self.targets(h.route), "hands over at once")
            case .emergencyDepartment(let s):
                add(u, Self.targets(s.route).filter { Self.canBeZero(s.stay, next: $0) }, "assessment can be 0")
            case .communityService(let s), .beddedCare(let s):
                add(u, Self.targets(s.route).filter { Self.canBeZero(s.stay, next: $0) }, "stay can be 0")
            case .urgentCommunityResponse(let r):
                add(u, Self.targets(r.route).filter { _ in Self.canBeZero(r.visit, next: nil) }, "visit can be 0")
            case .virtualWard(let v):
                // A full ward sends a step-up on to when_full at once.
                add(u, [v.whenFull], "sends step-ups on to when_full when full")
                if Self.canBeZero(v.stay, next: nil) {
                    add(u, Self.targets(v.route), "stay can be 0")
                    if v.escalation.values.contains(where: { $0 > 0 }) { add(u, Self.targets(v.escalateTo), "escalation can come at once") }
                }
            case .acuteWard(let w):
                for (k, pathway) in w.pathways.enumerated()
                where Self.canBeZero(w.acuteStay, next: k) && pathway.delay.values.contains(where: Self.canBeZero) {
                    add(u, [pathway.target], "acute stay and pathway \(pathway.name)'s delay can be 0")
                }
                if w.acuteStay.values.contains(where: Self.canBeZero) {
                    let stepDown = units.indices.filter { v in
                        if case .virtualWard(let vw) = units[v].kind {
                            return vw.stepDownFrom.contains(u) && vw.stepDownEligible.values.contains { $0 > 0 }
                        }
                        return false
                    }
                    add(u, stepDown, "acute stay can be 0 (step-down)")
                }
                for e in units {
                    if case .electiveList(let list) = e.kind, list.ward == u, list.stay.values.contains(where: Self.canBeZero) {
                        add(u, Self.targets(list.route), "elective stay (\(e.name)) can be 0")
                    }
                }
            case .exit(let x):
                if let route = x.readmissionRoute, x.readmission.values.contains(where: { $0 > 0 }),
                   x.readmissionTime.values.contains(where: Self.canBeZero) {
                    add(u, Self.targets(route), "readmission can come at once")
                }
            }
        }
    }

    /// The units a route can send a patient to (with a probability above 0), over every row of its table.
    static func targets(_ route: Keyed<Outcome>) -> [Int] {
        Array(Set(route.values.flatMap { c in zip(c.values, c.probabilities).filter { $0.1 > 0 }.map(\.0) })).sorted()
    }

    /// Whether a stay in this table can be exactly 0 for a patient going next to `next` (any row if nil, or if
    /// the table is not keyed by the destination).
    static func canBeZero(_ table: Keyed<Distribution>, next: Int?) -> Bool {
        guard let next, let j = table.keys.firstIndex(of: .next) else { return table.values.contains(where: canBeZero) }
        let sizes = table.sizes
        return table.values.indices.contains { i in
            let index = sizes.count == 1 ? i : (j == 0 ? i / sizes[1] : i % sizes[1])
            return index == next && canBeZero(table.values[i])
        }
    }

    /// Whether a draw can be exactly 0 with a probability above 0 (continuous distributions with a positive
    /// scale never are).
    static func canBeZero(_ d: Distribution) -> Bool {
        switch d {
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

    /// One loop through every strongly connected group of units with a loop (Tarjan 1972), each starting at
    /// its first unit in file order.
    func cycles() -> [[Int]] {
        let n = edges.count
        var index = Array(repeating: -1, count: n), low = Array(repeating: 0, count: n)
        var onStack = Array(repeating: false, count: n), stack: [Int] = [], counter = 0
        var components: [[Int]] = []
        // Iterative, so a long chain of units cannot overflow the stack.
        for root in 0..<n where index[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack[root] = true
            while let (v, e) = work.last {
                if e < edges[v].count {
                    work[work.count - 1].edge += 1
                    let w = edges[v][e]
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
                    if component.count > 1 || edges[v].contains(v) { components.append(component) }
                }
            }
        }
        return components.map { loop(in: Set($0)) }.sorted { $0[0] < $1[0] }
    }

    /// A shortest loop from the component's first unit back to it, inside the component.
    func loop(in component: Set<Int>) -> [Int] {
        guard let start = component.min() else { return [] }
        var previous: [Int: Int] = [:], queue = [start], head = 0
        while head < queue.count {
            let v = queue[head]
            head += 1
            for w in edges[v] where component.contains(w) {
                if w == start {
                    var path = [v]
                    while let p = previous[path[0]] { path.insert(p, at: 0) }
                    return path
                }
                if previous[w] == nil && w != start {
                    previous[w] = v
                    queue.append(w)
                }
            }
        }
        return [start]
    }
}

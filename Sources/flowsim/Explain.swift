import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario

/// `flowsim explain SCENARIO`: the scenario as it runs, its offered load, its graph, or what it changes.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the resolved scenario, its offered load per unit, its graph, or what it changes against what it extends.",
        discussion: """
        Without a flag: the merged file (every extends and --set applied), then what runs: the run settings and,
        for each unit, its kind and capacity.

        --load: for every place, arrivals per day x mean stay = offered load (places) against capacity, flagging
        loads above 85% and above 100% of capacity, so a bottleneck is named before a long run. Measured by one
        replication with every place unlimited (nothing waits for a place, so the mean number present is the
        load offered); what capacity causes (waiting for a place downstream) is left out, as the output says.

        --diff: what the file changes against the file it extends: each key added, removed or changed, with the
        old and new values.

        --graph: the units and routes as a Mermaid flowchart (paste it into Markdown), with --dot as Graphviz DOT
        instead; an edge shows its probability where it is fixed, or what it depends on.

        With --metrics (and no scenario), prints the metric catalogue instead: every metric's id, label, unit,
        better direction and definition, as the tables of docs/metrics.md.

        Examples:
          flowsim explain scenarios/option-vw-expand.yaml
          flowsim explain --load scenarios/mk-baseline.yaml --set units.home_support.capacity=30
          flowsim explain --diff scenarios/option-vw-expand.yaml
          flowsim explain --graph scenarios/mk-baseline.yaml > graph.mmd
          flowsim explain --graph --dot scenarios/mk-baseline.yaml | dot -Tsvg > graph.svg
          flowsim explain --metrics
        """
    )

    @Argument(help: "The scenario file.")
    var scenario: String?

    @Flag(help: "Print the metric catalogue (as in docs/metrics.md) instead of a scenario.")
    var metrics = false

    @Flag(help: "Print the offered load of every place against its capacity.")
    var load = false

    @Flag(help: "Print what the scenario changes against the file it extends.")
    var diff = false

    @Flag(help: "Print the units and routes as a Mermaid flowchart.")
    var graph = false

    @Flag(help: "With --graph: Graphviz DOT instead of Mermaid.")
    var dot = false

    @OptionGroup var overrides: OverrideOptions

    @OptionGroup var fileOptions: FileOptions

    func validate() throws {
        if metrics && scenario != nil { throw ValidationError("Give either a scenario or --metrics, not both.") }
        if !metrics && scenario == nil { throw ValidationError("Missing expected argument '<scenario>'.") }
        let modes = [("--metrics", metrics), ("--load", load), ("--diff", diff), ("--graph", graph || dot)].filter(\.1).map(\.0)
        if modes.count > 1 { throw ValidationError("Give one of \(modes.joined(separator: ", ")), not several.") }
    }

    func run() throws {
        guard let scenario else {
            print(MetricCatalog.markdownTables(), terminator: "")
            return
        }
        let s = try loadScenario(scenario, overrides: try overrides.overrides(), allowing: fileOptions.allowDirs)
        if load {
            print(ExplainViews.loadTable(OfferedLoad.measure(s.spec), spec: s.spec), terminator: "")
        } else if diff {
            guard s.files.count > 1 else {
                printError("error: --diff: \(scenario) does not extend another scenario (it has no `extends`), so there is "
                           + "nothing to compare it with")
                throw ExitCode(2)
            }
            let base = try loadScenario(s.files[1], allowing: fileOptions.allowDirs)
            print(ExplainViews.diff(Scenario.differences(from: base, to: s), file: scenario, base: s.files[1]), terminator: "")
        } else if graph || dot {
            print(dot ? ExplainViews.dot(s.spec) : ExplainViews.mermaid(s.spec), terminator: "")
        } else {
            printResolved(s)
        }
    }

    func printResolved(_ s: Scenario) {
        print("# \(s.files.joined(separator: " <- extends <- ")) merged")
        print(s.resolved.yaml(), terminator: "")
        let spec = s.spec
        print("\n# What runs (defaults applied)")
        print("# start \(spec.calendar.startDate), warm-up \(spec.warmUp / 1440) d, horizon \(spec.horizon / 1440) d, "
              + "audit at \(Int(spec.auditTime) / 60):\(String(format: "%02d", Int(spec.auditTime) % 60)), seed \(spec.seed), "
              + "replications \(s.replications), generator \(spec.generator.rawValue)")
        print("# attributes: " + spec.attributes.map { "\($0.name) [\($0.levels.joined(separator: ", "))]" }.joined(separator: "; "))
        print("# wait thresholds: " + spec.waitThresholds.map(SystemSpec.thresholdName).joined(separator: ", "))
        if !s.uncertain.isEmpty {
            // What `flowsim uncertainty` samples; this run uses the central values (docs/uncertainty.md).
            print("# uncertain values (a run uses the central value; flowsim uncertainty samples them):")
            for d in s.uncertain.dimensions {
                print("#   \(d.name) ~ \(d.lawDescription), central \(UncertainValues.format(d.central))\(d.suffix) (\(d.location))")
            }
            for v in s.uncertain.scaled {
                print("#   \(v.path) = \(UncertainValues.format(v.value))\(v.suffix) x factor:\(v.factor) (\(v.location))")
            }
        }
        for u in spec.units {
            var line = "#   \(u.name): \(u.kind.kindName.rawValue)"
            if let p = u.kind.places {
                switch p {
                case .unlimited: line += ", unlimited places"
                case .schedule(let c): line += ", places \(c.capacity(at: 0)) at the start (at most \(c.maximum))"
                }
            }
            for place in u.kind.placeSpecs where place.initial.occupied + place.initial.queued > 0 {
                let i = place.initial
                line += "; initially\(place.name.isEmpty ? "" : " in " + place.name) \(i.occupied) present ("
                    + (i.patients.isEmpty ? "remaining stays: \(i.remaining.rawValue)" : "\(i.patients.count) listed with elapsed times")
                    + "), \(i.queued) queued"
            }
            print(line)
        }
    }
}

/// The texts `flowsim explain --load`, `--diff` and `--graph` print.
enum ExplainViews {
    /// Loads above this share of capacity are flagged as near it (queues grow fast past ~85% occupancy).
    static let nearCapacity = 85.0

    static func loadTable(_ l: OfferedLoad, spec: SystemSpec) -> String {
        var rows: [[String]] = [["place", "kind", "arrivals/day", "mean stay", "offered load", "capacity", "load/capacity", ""]]
        func f(_ x: Double) -> String { x.isNaN ? "-" : String(format: "%.1f", x) }
        for r in l.rowsWithTotals where r.kind != .ambulanceHandover || r.arrivalsPerDay > 0 {
            let flag = r.percent.map { $0 > 100 ? "OVER capacity" : $0 > nearCapacity ? "above \(Int(nearCapacity))%" : "" } ?? ""
            let stay = r.meanStayDays.isNaN ? "-" : r.meanStayDays < 1 ? String(format: "%.1fh", r.meanStayDays * 24)
                : String(format: "%.1fd", r.meanStayDays)
            rows.append([r.place, r.kind.rawValue, f(r.arrivalsPerDay), stay, f(r.load),
                         r.capacity.map(f) ?? "unlimited", r.percent.map { String(format: "%.0f%%", $0) } ?? "-", flag])
        }
        var out = "offered load of \(spec.name): one replication of \(Int(l.days)) days (after a \(Int(spec.warmUp / 1440))-day "
            + "warm-up), seed \(spec.seed), every place unlimited\n"
        out += TableWriter.render(rows, rightAligned: [2, 3, 4, 5, 6])
        let over = l.rowsWithTotals.filter { ($0.percent ?? 0) > 100 }, near = l.rowsWithTotals.filter { ($0.percent ?? 0) > nearCapacity && ($0.percent ?? 0) <= 100 }
        func named(_ rs: [OfferedLoad.Row]) -> String {
            rs.sorted { ($0.percent ?? 0) > ($1.percent ?? 0) }.map { "\($0.place) (\(String(format: "%.0f%%", $0.percent ?? 0)))" }
                .joined(separator: ", ")
        }
        if !over.isEmpty {
            out += "over capacity: \(named(over)): demand exceeds the places, so queues there (and the beds and trolleys "
                + "upstream that wait for them) will grow\n"
        }
        if !near.isEmpty { out += "above \(Int(nearCapacity))% of capacity: \(named(near))\n" }
        if over.isEmpty && near.isEmpty { out += "every place's offered load is at most \(Int(nearCapacity))% of its capacity\n" }
        let overflows = spec.units.flatMap { u -> [String] in
            guard case .emergencyDepartment(let e) = u.kind else { return [] }
            return e.areas.compactMap { a in a.ambulanceOverflow.map { "\(u.name).\(a.name) into \(u.name).\(e.areas[$0].name)" } }
        }
        if !overflows.isEmpty {
            out += "note: ambulance patients overflow from \(overflows.joined(separator: ", ")) when it is full, so its load "
                + "may run above its own places\n"
        }
        if spec.units.contains(where: { if case .acuteWard(let w) = $0.kind { return w.pools.count > 1 } else { return false } }) {
            out += "note: an acute ward's pools lend beds to each other (outliers): its total (all pools) is the figure that binds\n"
        }
        if let s = l.stopped { out += "note: the unconstrained replication \(s); its figures cover part of the run\n" }
        out += """
            how: arrivals/day = patients entering the place per observed day; offered load = mean number present with
            unlimited places (Little's law: arrivals x mean stay); capacity = the scenario's places averaged over the
            run (schedules included). Approximated: one replication (its noise); the stay is the stay the spec gives
            (an acute bed's includes the acute phase and each pathway's assessment delay and discharge hours) but not
            waiting for a full place downstream (NCTR from blocking), outliers, escalation beds or step-ups turned
            away from a full virtual ward, which only capacity causes; a virtual ward that pulls patients fills
            unlimited places as far as eligibility allows.

            """
        return out
    }

    static func diff(_ ds: [ScenarioDifference], file: String, base: String) -> String {
        var out = "# \(file) against \(base), the file it extends: \(ds.count) difference\(ds.count == 1 ? "" : "s")\n"
        for d in ds { out += d.description + "\n" }
        return out
    }

    // MARK: Graph

    struct Edge {
        var from: Int
        var to: Int
        var label: String
        var dashed = false
    }

    /// Every route of the system: fixed probabilities shown, keyed ones say what they depend on.
    static func edges(_ spec: SystemSpec) -> [Edge] {
        func keyNames<V>(_ k: Keyed<V>) -> String {
            "by " + k.keys.map { key -> String in
                if case .attribute(let a) = key { return spec.attributes[a].name }
                return "next"
            }.joined(separator: ", ")
        }
        func probability(_ p: Double) -> String { String(format: "%g", (p * 1e4).rounded() / 1e4) }
        /// The values a keyed choice can take, each with its probability if the choice is fixed, else what it
        /// depends on.
        func outcomes(_ k: Keyed<Outcome>) -> [(value: Int, label: String)] {
            if k.keys.isEmpty, let c = k.values.first { return zip(c.values, c.probabilities.map(probability)).map { ($0, $1) } }
            var seen: [Int] = []
            for c in k.values { for v in c.values where !seen.contains(v) { seen.append(v) } }
            return seen.map { ($0, keyNames(k)) }
        }
        func choice(_ from: Int, _ k: Keyed<Outcome>, prefix: String = "", dashed: Bool = false) -> [Edge] {
            outcomes(k).filter { $0.value >= 0 && $0.value < spec.units.count }.map {
                Edge(from: from, to: $0.value, label: prefix.isEmpty ? $0.label : "\(prefix) \($0.label)", dashed: dashed)
            }
        }
        var out: [Edge] = []
        for (i, u) in spec.units.enumerated() {
            switch u.kind {
            case .emergencyDepartment(let e):
                for a in e.areas { out += choice(i, a.route, prefix: a.name) }
            case .acuteWard(let w):
                // The mix is over pathways: each edge is a pathway, named, to the unit that takes it.
                for (p, label) in outcomes(w.pathwayMix) where p < w.pathways.count {
                    out.append(Edge(from: i, to: w.pathways[p].target, label: "\(w.pathways[p].name) \(label)"))
                }
            case .virtualWard(let v):
                out += choice(i, v.route)
                if v.whenFull >= 0 { out.append(Edge(from: i, to: v.whenFull, label: "when full", dashed: true)) }
                out += choice(i, v.escalateTo, prefix: "escalation", dashed: true)
            case .urgentCommunityResponse(let r):
                out += choice(i, r.route)
                if r.hours != nil { out += choice(i, r.outOfHours, prefix: "out of hours", dashed: true) }
            case .electiveList(let l):
                out.append(Edge(from: i, to: l.ward, label: "inpatients"))
                out += choice(i, l.route, prefix: "day cases")
            default:
                if let r = u.kind.route { out += choice(i, r) }
            }
        }
        return out
    }

    static func nodeLabel(_ u: UnitSpec) -> String {
        let places = u.kind.placeSpecs.compactMap { p -> Int? in
            if case .schedule(let s) = p.places { return s.maximum }
            return nil
        }
        let capacity = places.isEmpty ? "" : ", \(places.reduce(0, +)) places"
        return "\(u.name)\\n\(u.kind.kindName.rawValue)\(capacity)"
    }

    static func mermaid(_ spec: SystemSpec) -> String {
        func id(_ i: Int) -> String { "u\(i)" }
        var out = "%% \(spec.name): units and routes (flowsim explain --graph); dashed: fallbacks\nflowchart LR\n"
        for (i, u) in spec.units.enumerated() {
            let label = nodeLabel(u).replacingOccurrences(of: "\\n", with: "<br/>")
            let shape = UnitKindName.sources.contains(u.kind.kindName) ? ("([", "])") : u.kind.kindName == .exit ? ("((", "))") : ("[", "]")
            out += "  \(id(i))\(shape.0)\"\(label)\"\(shape.1)\n"
        }
        for e in edges(spec) {
            out += "  \(id(e.from)) \(e.dashed ? "-.->" : "-->")|\"\(e.label)\"| \(id(e.to))\n"
        }
        return out
    }

    static func dot(_ spec: SystemSpec) -> String {
        func q(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var out = "// \(spec.name): units and routes (flowsim explain --graph --dot); dashed: fallbacks\n"
        out += "digraph \(q(spec.name)) {\n  rankdir=LR;\n  node [shape=box];\n"
        for u in spec.units {
            let shape = UnitKindName.sources.contains(u.kind.kindName) ? " shape=oval" : u.kind.kindName == .exit ? " shape=doublecircle" : ""
            out += "  \(q(u.name)) [label=\(q(nodeLabel(u)))\(shape)];\n"
        }
        for e in edges(spec) {
            out += "  \(q(spec.units[e.from].name)) -> \(q(spec.units[e.to].name)) [label=\(q(e.label))\(e.dashed ? " style=dashed" : "")];\n"
        }
        return out + "}\n"
    }
}

import PatientFlow
import SimCore
import Stochastics

/// The top level of a scenario file: keys, defaults and limits.
enum SystemForm {
    static let keys = ["name", "description", "extends", "start_date", "horizon", "warm_up", "audit_time", "seed",
                       "replications", "generator", "attributes", "units", "population", "costs", "wait_thresholds", "uncertainty"]
    /// Most `wait_thresholds`: each is one metric per unit with places.
    static let maximumWaitThresholds = 8
    static let defaultStart = CivilDate(year: 2025, month: 4, day: 1)
    static let defaultAttributes = [AttributeSpec(name: StandardAttribute.ageBand, levels: ["18-64", "65-74", "75-84", "85+"])]
    static let defaultReplications = 10
    static let maximumReplications = 100_000
    /// Warm-up plus horizon may not exceed 20 years (of 365.25 days).
    static let maximumRun: SimTime = 20 * 365.25 * Duration.day
    static let maximumAttributes = AttributeValues.capacity
    static let maximumLevels = 255
    /// Most units in a scenario: a whole health system is a few dozen; per-unit statistics and lookups grow with
    /// the number of units, and 50,000 units took 262 s and 2.2 GB for one replication.
    static let maximumUnits = 1_000
    /// Names that would be read as the keys of a table.
    static let reservedNames = ["by", "table"]

    static func isUnitName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
    }

    static func isAttributeName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }
}

/// The decoded top level: what runs, and how many replications by default.
struct DecodedSystem {
    let spec: SystemSpec
    let replications: Int
}

extension ScenarioDecoder {
    /// The whole scenario (already merged along `extends`); nil if anything is wrong (all reported).
    func system(_ root: ScenarioNode) -> DecodedSystem? {
        guard let f = fields(root, .root, allowed: SystemForm.keys,
                             expected: "a scenario: a mapping with name, horizon, units and optional settings") else { return nil }
        let before = count
        let name = f.required("name", "the scenario's name").flatMap { string($0, .root.key("name")) }
        if let n = f["description"] { _ = string(n, .root.key("description")) }
        let start = f["start_date"].map { date($0, .root.key("start_date")) } ?? SystemForm.defaultStart
        let calendar = SimCalendar(startDate: start ?? SystemForm.defaultStart)
        let horizon = f.required("horizon", "the length of the run after warm-up, a duration (e.g. 365d)").flatMap {
            duration($0, .root.key("horizon"))
        }
        if let horizon, horizon <= 0 { report(f["horizon"]!, .root.key("horizon"), "the horizon must be > 0") }
        let warmUp = f["warm_up"].map { duration($0, .root.key("warm_up")) } ?? 0
        var runLength: SimTime?
        if let horizon, let warmUp, horizon > 0 {
            if warmUp + horizon > SystemForm.maximumRun {
                report(f["horizon"]!, .root.key("horizon"), "warm_up + horizon is \(format((warmUp + horizon) / Duration.day)) days; "
                       + "at most 20 years (7305d) may be simulated")
            } else {
                runLength = warmUp + horizon
            }
        }
        let audit = f["audit_time"].map { clockTime($0, .root.key("audit_time")) } ?? 1439
        let seed = f["seed"].map { self.seed($0, .root.key("seed")) } ?? 1
        let replications = f["replications"].map {
            integer($0, .root.key("replications"), in: 1...SystemForm.maximumReplications,
                    "a whole number of replications from 1 to \(SystemForm.maximumReplications)")
        } ?? SystemForm.defaultReplications
        let generators = GeneratorKind.allCases.map(\.rawValue)
        let generator = f["generator"].map { n -> GeneratorKind? in
            guard let s = string(n, .root.key("generator"), generators.joined(separator: ", ")) else { return nil }
            guard let g = GeneratorKind(rawValue: s) else {
                report(n, .root.key("generator"), "unknown generator '\(s)'\(Suggest.didYouMean(s, in: generators)); "
                       + "allowed: \(generators.joined(separator: ", "))")
                return nil
            }
            return g
        } ?? .standard
        let attributes = f["attributes"].map { attributeSpecs($0, .root.key("attributes")) } ?? SystemForm.defaultAttributes
        // The population before the units (arrivals may draw on it), the costs after (they name units).
        var population: PopulationSpec?
        var context: PopulationContext?
        if let n = f["population"], let attributes {
            context = populationContext(n, attributes: attributes)
            population = self.population(n, .root.key("population"), attributes: attributes,
                                         startDate: start ?? SystemForm.defaultStart)
        }
        let units = f.required("units", "a mapping from unit names to units").flatMap {
            self.units($0, .root.key("units"), attributes: attributes ?? SystemForm.defaultAttributes, calendar: calendar,
                       runLength: runLength, attributesOK: attributes != nil, population: context)
        }
        let costs = f["costs"].map { self.costs($0, .root.key("costs"), units: unitNamesAndKinds(f["units"])) }
        let thresholds = f["wait_thresholds"].map { waitThresholds($0, .root.key("wait_thresholds")) }
            ?? SystemSpec.defaultWaitThresholds
        guard count == before, let name, let start, let horizon, let warmUp, let audit, let seed, let replications,
              let generator, let attributes, let units, let thresholds else { return nil }
        if f["population"] != nil && population == nil { return nil }
        if f["costs"] != nil && costs == nil { return nil }
        var spec = SystemSpec(name: name, calendar: SimCalendar(startDate: start), horizon: horizon, warmUp: warmUp,
                              auditTime: audit, attributes: attributes, units: units, seed: seed, generator: generator,
                              population: population, costs: costs ?? nil)
        spec.waitThresholds = thresholds
        if let node = f["units"] { reportProblems(spec, units: node) }
        guard count == before else { return nil }
        return DecodedSystem(spec: spec, replications: replications)
    }

    /// Each unit's name and kind as written (nil where the kind is missing or unknown), without reporting:
    /// what the top-level sections that name units check against.
    func unitNamesAndKinds(_ node: ScenarioNode?) -> [(name: String, kind: UnitKindName?)] {
        (node?.entries ?? []).map { e in (e.key, e.value["kind"]?.scalar.flatMap(UnitKindName.init(rawValue:))) }
    }

    /// Reports the problems `SystemSpec.problems()` finds in a system that decoded (cycles of `when_full`,
    /// cycles a patient could go round at one instant), each at the key it names, or the nearest key written.
    func reportProblems(_ spec: SystemSpec, units node: ScenarioNode) {
        for problem in spec.problems() {
            var path = NodePath.root.key("units").key(problem.unit)
            var at = node[problem.unit] ?? node
            for k in problem.key {
                guard let child = at[k] else { break }
                at = child
                path = path.key(k)
            }
            report(at, path, problem.message)
        }
    }

    /// `wait_thresholds: [4h, 12h]`: durations of whole minutes, > 0, ascending, at most
    /// `SystemForm.maximumWaitThresholds` (each names a metric `unit.<name>.wait_over.<t>`).
    func waitThresholds(_ node: ScenarioNode, _ path: NodePath) -> [SimTime]? {
        let what = "a list of up to \(SystemForm.maximumWaitThresholds) durations in increasing order, e.g. [4h, 12h]"
        guard let items = sequence(node, path, what) else { return nil }
        guard items.count <= SystemForm.maximumWaitThresholds else {
            report(node, path, "\(items.count) thresholds: at most \(SystemForm.maximumWaitThresholds) (each is a metric per unit)")
            return nil
        }
        let before = count
        var out: [SimTime] = []
        for (i, item) in items.enumerated() {
            guard let t = duration(item, path.index(i)) else { continue }
            if t <= 0 || t != t.rounded() {
                report(item, path.index(i), "a threshold must be a whole number of minutes > 0 (e.g. 30min, 4h, 2d)")
            } else if let last = out.last, t <= last {
                report(item, path.index(i), "thresholds must increase: each longer than the one before")
            } else {
                out.append(t)
            }
        }
        return count == before ? out : nil
    }

    /// A non-negative whole number up to 2^64 - 1.
    func seed(_ node: ScenarioNode, _ path: NodePath) -> UInt64? {
        let what = "a whole number from 0 to \(UInt64.max)"
        guard case .scalar(let s, false) = node.value else {
            expected(what, node, path)
            return nil
        }
        if ScalarSyntax.isInteger(s) {
            let digits = s.hasPrefix("+") || s.hasPrefix("-") ? String(s.dropFirst()) : s
            if s.hasPrefix("-") && !digits.allSatisfy({ $0 == "0" }) {
                report(node, path, "the seed must be >= 0, found \(s)")
                return nil
            }
            guard let x = UInt64(digits) else {
                report(node, path, "\(s) is too large: expected \(what)")
                return nil
            }
            return x
        }
        if let x = ScalarSyntax.number(s), x.isFinite, x == x.rounded(), x >= 0, x < 1.8e19 { return UInt64(x) }
        expected(what, node, path)
        return nil
    }

    /// `attributes: {name: [level, ...], ...}`.
    func attributeSpecs(_ node: ScenarioNode, _ path: NodePath) -> [AttributeSpec]? {
        guard let entries = node.entries else {
            expected("a mapping from attribute names to lists of level names", node, path)
            return nil
        }
        let before = count
        if entries.count > SystemForm.maximumAttributes {
            report(node, path, "\(entries.count) attributes; at most \(SystemForm.maximumAttributes) are allowed")
        }
        var out: [AttributeSpec] = []
        for e in entries {
            let p = path.key(e.key)
            if !SystemForm.isAttributeName(e.key) {
                report(e.keyLocation, p, "attribute names use a-z, 0-9 and _ only")
            } else if e.key == StandardAttribute.next {
                report(e.keyLocation, p, "'next' is reserved (tables use it for where the patient goes next)")
            }
            guard let items = sequence(e.value, p, "a list of level names") else { continue }
            if items.isEmpty { report(e.value, p, "an attribute needs at least one level") }
            if items.count > SystemForm.maximumLevels {
                // Reported before the levels are looked at: checking 100,000 of them one by one took 41 s.
                report(e.value, p, "\(items.count) levels; at most \(SystemForm.maximumLevels) are allowed")
                continue
            }
            var levels: [String] = []
            var seen = Set<String>()
            for (i, item) in items.enumerated() {
                guard let s = string(item, p.index(i), "a level name") else { continue }
                if !seen.insert(s).inserted {
                    report(item, p.index(i), "level '\(s)' appears twice")
                } else if SystemForm.reservedNames.contains(s) {
                    report(item, p.index(i), "'\(s)' is reserved (it marks a table); choose another level name")
                } else {
                    levels.append(s)
                }
            }
            if e.key == StandardAttribute.arrivalMode,
               !(levels.contains(StandardAttribute.ambulance) && levels.contains(StandardAttribute.walkIn)) {
                report(e.value, p, "the model sets arrival_mode on every front-door episode: its levels must include "
                       + "\(StandardAttribute.ambulance) and \(StandardAttribute.walkIn)")
            }
            out.append(AttributeSpec(name: e.key, levels: levels))
        }
        return count == before ? out : nil
    }

    /// `units: {name: {kind: ..., ...}, ...}`: names and kinds first, then each unit (routes may name any unit).
    func units(_ node: ScenarioNode, _ path: NodePath, attributes: [AttributeSpec], calendar: SimCalendar,
               runLength: SimTime?, attributesOK: Bool, population: PopulationContext? = nil) -> [UnitSpec]? {
        guard let entries = node.entries else {
            expected("a mapping from unit names to units", node, path)
            return nil
        }
        guard !entries.isEmpty else {
            report(node, path, "needs at least one unit, including one of kind arrivals")
            return nil
        }
        guard entries.count <= SystemForm.maximumUnits else {
            report(node, path, "\(entries.count) units; at most \(SystemForm.maximumUnits) are allowed")
            return nil
        }
        let before = count
        var kinds: [UnitKindName?] = []
        for e in entries {
            let p = path.key(e.key)
            if !SystemForm.isUnitName(e.key) {
                report(e.keyLocation, p, "unit names use a-z, 0-9, _ and - only")
            } else if SystemForm.reservedNames.contains(e.key) {
                report(e.keyLocation, p, "'\(e.key)' is reserved (it marks a table); choose another unit name")
            }
            guard e.value.entries != nil else {
                expected("a unit: a mapping with `kind` (\(UnitKindForms.names.joined(separator: ", "))) and its keys", e.value, p)
                kinds.append(nil)
                continue
            }
            guard let k = e.value["kind"], !k.isNull else {
                if let i = chain.firstIndex(of: e.keyLocation.file), i + 1 < chain.count {
                    // Added by a file that extends another: most likely a misspelt name of an inherited unit.
                    let known = entries.filter { $0.value["kind"]?.isNull == false }.map(\.key)
                    let hint = Suggest.nearest(e.key, in: known).map { " Did you mean '\($0)'?" } ?? " Units: \(Suggest.names(known))."
                    report(e.keyLocation, p, "there is no unit '\(e.key)' in \(chain[i + 1]), the file this one extends."
                           + hint + " A new unit needs `kind` (one of \(UnitKindForms.names.joined(separator: ", "))).")
                } else {
                    report(e.value, p.key("kind"), "missing required key 'kind': one of \(UnitKindForms.names.joined(separator: ", "))")
                }
                kinds.append(nil)
                continue
            }
            guard let s = string(k, p.key("kind"), "a unit kind"), let kind = UnitKindName(rawValue: s) else {
                if let s = k.scalar {
                    report(k, p.key("kind"), "unknown kind '\(s)'\(Suggest.didYouMean(s, in: UnitKindForms.names)); "
                           + "allowed kinds: \(UnitKindForms.names.joined(separator: ", "))")
                }
                kinds.append(nil)
                continue
            }
            kinds.append(kind)
        }
        if !kinds.contains(.arrivals) && kinds.allSatisfy({ $0 != nil }) {
            report(node, path, "a scenario needs at least one unit of kind arrivals (a demand stream)")
        }
        // Tables keyed by attributes cannot be checked against attributes that are themselves wrong.
        guard attributesOK else { return nil }
        let system = SystemContext(decoder: self, unitNames: entries.map(\.key), unitKinds: kinds,
                                   attributes: attributes, calendar: calendar, runLength: runLength, population: population,
                                   unitNodes: entries.map(\.value))
        var units: [UnitSpec] = []
        for (i, e) in entries.enumerated() {
            guard let kind = kinds[i], let form = UnitKindForms.form(kind) else { continue }
            let p = path.key(e.key)
            guard let f = fields(e.value, p, allowed: form.keys, expected: "a unit",
                                 hint: { UnitKindForms.owners(of: $0, except: kind.rawValue) }) else { continue }
            let start = count
            if let decoded = form.decode(UnitContext(system: system, index: i, name: e.key, fields: f)) {
                units.append(UnitSpec(name: e.key, kind: decoded))
            } else if count == start {
                report(e.value, p, "unit '\(e.key)' could not be built")  // a decoder failed without saying why
            }
        }
        guard count == before && units.count == entries.count else { return nil }
        initialPatientLimit(units, entries, path)
        return count == before ? units : nil
    }
}

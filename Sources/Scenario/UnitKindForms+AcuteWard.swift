import PatientFlow
import SimCore
import Stochastics

/// The `acute_ward` form: beds, pathways (names first, so the mix and deconditioning can be checked even if a
/// pathway has errors), the pathway mix, the acute stay, discharge hours and deconditioning.
extension UnitKindForms {
    @Sendable static func acuteWard(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let pools = bedPools(u)
        let poolNames = pools?.map(\.name) ?? []
        let (names, pathways) = acutePathways(u)
        let mix = pathwayMix(u, names: names)
        let next: NextRule = names.isEmpty ? .unknown
            : .levels(NextLevels(names: names, slots: Array(names.indices), size: names.count, meaning: "pathway"))
        let stay = f.required("acute_stay", DistributionForms.expected).flatMap {
            u.distribution($0, p.key("acute_stay"), rules: KeyRules(next: next))
        }
        let hours = dischargeHours(u)
        let timing = f["discharge_timing"].flatMap { dischargeTiming($0, p.key("discharge_timing"), d) }
        let deconditioning = self.deconditioning(u, names: names)
        let home = homePool(u, pools: poolNames)
        let outliers = outlierRules(u, pools: poolNames)
        let rules = escalationRules(u, pools: poolNames)
        let turnaround = f["turnaround"].flatMap { d.distribution($0, p.key("turnaround")) }
        var followUp: AfterDischargeSpec?
        if let node = f["follow_up"] {
            let fp = p.key("follow_up")
            if let g = d.fields(node, fp, allowed: ["readmission", "death", "care_home_move", "event_time"],
                                expected: "{readmission: {probability, factor, per_nctr_day, time, route}, death, care_home_move, event_time}") {
                followUp = afterDischarge(u, g, fp, rules: KeyRules(next: next), perNCTRDay: true)
            }
        }
        guard d.count == before, let pools, let pathways, let mix, let stay, let hours, let deconditioning, let outliers,
              let rules else { return nil }
        return .acuteWard(AcuteWardSpec(
            pools: pools, homePool: home, outliers: outliers, escalationRules: rules, turnaround: turnaround,
            pathways: pathways, pathwayMix: mix, acuteStay: stay, dischargeOpen: hours.0, dischargeClose: hours.1,
            dischargeTiming: timing, escalationPerDay: deconditioning.escalation, escalateTo: deconditioning.to,
            independenceLossPerDay: deconditioning.independenceLoss, followUp: followUp))
    }

    /// `beds` (one pool: the ward itself) or `pools: {NAME: {beds, initial}}`; nil after reporting.
    static func bedPools(_ u: UnitContext) -> [BedPool]? {
        let (d, f, p) = (u.d, u.fields, u.path)
        guard let node = f["pools"] else {
            let beds = u.places("beds")
            let initial = d.initialState(f["initial"], p.key("initial"), attributes: u.attributes)
            guard let beds, let initial else { return nil }
            return [BedPool(beds: beds, initial: initial)]
        }
        for key in ["beds", "initial"] where f[key] != nil {
            d.report(f[key]!, p.key(key), "with `pools`, \(key) belongs to each pool (pools.NAME.\(key))")
        }
        guard let entries = node.entries, !entries.isEmpty else {
            d.expected("a mapping from pool names (e.g. medicine, frailty, surgery) to {beds, initial}", node, p.key("pools"))
            return nil
        }
        let before = d.count
        var pools: [BedPool] = []
        for e in entries {
            let pp = p.key("pools").key(e.key)
            if SystemForm.reservedNames.contains(e.key) || !SystemForm.isUnitName(e.key) {
                d.report(e.keyLocation, pp, "pool names use a-z, 0-9, _ and - only, and not 'by' or 'table'")
            }
            guard let g = d.fields(e.value, pp, allowed: ["beds", "initial", "reserve", "ring_fenced"],
                                   expected: "a pool {beds: PLACES, initial: {occupied, queued}, reserve: N, ring_fenced: true}")
            else { continue }
            let beds = g.required("beds", PlacesLimits.expected).flatMap { d.places($0, pp.key("beds"), calendar: u.system.calendar) }
            let initial = d.initialState(g["initial"], pp.key("initial"), attributes: u.attributes)
            let reserve = g["reserve"].map {
                d.integer($0, pp.key("reserve"), in: 0...(PlacesLimits.maximum - 1), "a number of beds kept free for the pool's own patients")
            } ?? 0
            let ringFenced = g["ring_fenced"].map { d.bool($0, pp.key("ring_fenced")) } ?? false
            if let beds, let initial, let reserve, let ringFenced {
                pools.append(BedPool(name: e.key, beds: beds, initial: initial, reserve: reserve, ringFenced: ringFenced))
            }
        }
        return d.count == before && pools.count == entries.count ? pools : nil
    }

    /// The index of pool `name`, or nil after reporting.
    static func poolIndex(_ u: UnitContext, _ pools: [String], _ name: String, _ location: SourceLocation, _ path: NodePath) -> Int? {
        guard let i = pools.firstIndex(of: name), !name.isEmpty else {
            u.d.report(location, path, pools == [""] ? "this ward has no pools (add `pools` to name them)"
                       : "unknown pool '\(name)'\(Suggest.didYouMean(name, in: pools)); pools: " + Suggest.names(pools))
            return nil
        }
        return i
    }

    /// `home_pool`: a choice of pool by attributes, required with more than one pool.
    static func homePool(_ u: UnitContext, pools: [String]) -> Keyed<EmpiricalChoice<Int>>? {
        let (d, f, p) = (u.d, u.fields, u.path)
        guard let node = f["home_pool"] else {
            if pools.count > 1 {
                _ = f.required("home_pool", "each admission's pool: a choice {\(Suggest.names(pools.map { "\($0): p" }))}, "
                               + "possibly keyed by attributes")
            }
            return nil
        }
        guard pools.count > 1 else {
            if pools == [""] { d.report(node, p.key("home_pool"), "home_pool needs `pools`") }
            return nil
        }
        return d.keyed(node, p.key("home_pool"), attributes: u.attributes) { n, q in
            d.choice(n, q, what: "pool") { poolIndex(u, pools, $0, $1, $2) }
        }
    }

    /// `outliers: {POOL: {to: [POOL, ...], los_factor: x}}`: one rule per home pool (nil where none); nil after reporting.
    static func outlierRules(_ u: UnitContext, pools: [String]) -> [OutlierRule?]? {
        let (d, f, p) = (u.d, u.fields, u.path)
        var rules = [OutlierRule?](repeating: nil, count: pools.count)
        guard let node = f["outliers"] else { return rules }
        let op = p.key("outliers")
        guard pools.count > 1 else {
            d.report(node, op, "outliers need at least two pools (`pools`)")
            return nil
        }
        guard let g = d.fields(node, op, allowed: pools, expected: "a mapping from home pools to {to: [POOL, ...], los_factor: x}")
        else { return nil }
        let before = d.count
        for (i, name) in pools.enumerated() {
            guard let n = g[name] else { continue }
            let rp = op.key(name)
            guard let h = d.fields(n, rp, allowed: ["to", "los_factor"], expected: "{to: [POOL, ...], los_factor: x}") else { continue }
            let to = h.required("to", "the pools this pool's patients may outlie in, in order").flatMap { t in
                d.names(t, rp.key("to"), what: "pool name").flatMap { items -> [Int]? in
                    let found = items.compactMap { s, n, q -> Int? in
                        if s == name {
                            d.report(n, q, "a pool's patients outlie in other pools: remove '\(s)'")
                            return nil
                        }
                        return poolIndex(u, pools, s, n.location, q)
                    }
                    return found.count == items.count ? found : nil
                }
            }
            let factor = h["los_factor"].map { d.number($0, rp.key("los_factor"), in: 0.1...10, "a factor from 0.1 to 10 on the acute stay of an outlier") } ?? 1
            if let to, let factor { rules[i] = OutlierRule(to: to, losFactor: factor) }
        }
        return d.count == before ? rules : nil
    }

    /// `escalation_rules: [{pool, beds, check_at, open_when: {...}, close_when: {...}}]`; nil after reporting.
    static func escalationRules(_ u: UnitContext, pools: [String]) -> [EscalationRule]? {
        let (d, f, p) = (u.d, u.fields, u.path)
        guard let node = f["escalation_rules"] else { return [] }
        let rp = p.key("escalation_rules")
        let what = "a list of {pool, beds, check_at: [\"HH:MM\", ...], open_when: {occupancy_at_least, boarders_at_least}, "
            + "close_when: {occupancy_at_most, boarders_at_most}}"
        guard let items = d.sequence(node, rp, what) else { return nil }
        let before = d.count
        var rules: [EscalationRule] = []
        for (k, item) in items.enumerated() {
            let ip = rp.index(k)
            guard let g = d.fields(item, ip, allowed: ["pool", "beds", "check_at", "open_when", "close_when"], expected: what)
            else { continue }
            var pool: Int? = 0
            if let n = g["pool"] {
                pool = d.string(n, ip.key("pool"), "a pool name").flatMap { poolIndex(u, pools, $0, n.location, ip.key("pool")) }
            } else if pools.count > 1 {
                _ = g.required("pool", "the pool whose beds the rule opens")
            }
            let beds = g.required("beds", "the number of escalation beds the rule opens").flatMap {
                d.integer($0, ip.key("beds"), in: 1...(PlacesLimits.maximum - 1), "a whole number of beds >= 1")
            }
            let times = g.required("check_at", "the times of day the rule is checked, e.g. [\"08:00\", \"20:00\"]").flatMap { n -> [SimTime]? in
                let xs: [(ScenarioNode, NodePath)]
                if case .sequence(let s) = n.value { xs = s.enumerated().map { ($1, ip.key("check_at").index($0)) } } else { xs = [(n, ip.key("check_at"))] }
                let ts = xs.compactMap { d.clockTime($0.0, $0.1) }
                guard ts.count == xs.count, !ts.isEmpty else { return nil }
                return Array(Set(ts)).sorted()
            }
            var openOcc: Double?, openBoard: Int?, closeOcc: Double? = 0, closeBoard: Int? = 0
            if let n = g.required("open_when", "{occupancy_at_least: fraction, boarders_at_least: N} (either or both)") {
                let op = ip.key("open_when")
                if let h = d.fields(n, op, allowed: ["occupancy_at_least", "boarders_at_least"],
                                    expected: "{occupancy_at_least: fraction, boarders_at_least: N}") {
                    openOcc = h["occupancy_at_least"].flatMap { d.number($0, op.key("occupancy_at_least"), in: 0...2, "a fraction of beds occupied, e.g. 0.97") }
                    openBoard = h["boarders_at_least"].flatMap { d.integer($0, op.key("boarders_at_least"), in: 0...1_000_000, "a number of patients waiting for a bed") }
                    if h["occupancy_at_least"] == nil && h["boarders_at_least"] == nil {
                        d.report(n, op, "give occupancy_at_least, boarders_at_least or both")
                    }
                }
            }
            if let n = g.required("close_when", "{occupancy_at_most: fraction, boarders_at_most: N}") {
                let cp = ip.key("close_when")
                if let h = d.fields(n, cp, allowed: ["occupancy_at_most", "boarders_at_most"],
                                    expected: "{occupancy_at_most: fraction, boarders_at_most: N}") {
                    closeOcc = h["occupancy_at_most"].map { d.number($0, cp.key("occupancy_at_most"), in: 0...2, "a fraction of beds occupied, e.g. 0.92") } ?? 2
                    closeBoard = h["boarders_at_most"].map { d.integer($0, cp.key("boarders_at_most"), in: 0...1_000_000, "a number of patients waiting for a bed") } ?? 1_000_000
                }
            }
            if let o = openOcc, let c = closeOcc, c >= o {
                d.report(item, ip, "close_when.occupancy_at_most (\(d.format(c))) must be below open_when.occupancy_at_least "
                         + "(\(d.format(o))), or the beds would open and close at the same check")
            }
            if let pool, let beds, let times, let closeOcc, let closeBoard {
                rules.append(EscalationRule(pool: pool, beds: beds, checkTimes: times, openOccupancy: openOcc,
                                            openBoarders: openBoard, closeOccupancy: closeOcc, closeBoarders: closeBoard))
            }
        }
        return d.count == before ? rules : nil
    }

    /// `discharge_timing: {per_day, hour_of_day: [24], day_of_week: [7]}`.
    static func dischargeTiming(_ node: ScenarioNode, _ path: NodePath, _ d: ScenarioDecoder) -> DischargeTiming? {
        guard let g = d.fields(node, path, allowed: ["per_day", "hour_of_day", "day_of_week"],
                               expected: "{per_day: N, hour_of_day: [24 weights], day_of_week: [7 weights]}") else { return nil }
        let perDay = g.required("per_day", "the daily rate at which ready patients leave, e.g. 3").flatMap {
            d.number($0, path.key("per_day"), in: 0.01...1000, "a rate per day from 0.01 to 1000")
        }
        let hours = g.required("hour_of_day", "24 weights for the hours 00-23").flatMap {
            d.weights($0, path.key("hour_of_day"), count: 24, "the hours of the day 00-23")
        }
        let days = g["day_of_week"].map { d.weights($0, path.key("day_of_week"), count: 7, "the days of the week, Monday first") }
            ?? Array(repeating: 1, count: 7)
        guard let perDay, let hours, let days else { return nil }
        return DischargeTiming(perDay: perDay, hourOfDay: hours, dayOfWeek: days)
    }

    /// The pathways' names (even when some pathway has errors) and the pathways (nil after reporting).
    static func acutePathways(_ u: UnitContext) -> (names: [String], pathways: [PathwaySpec]?) {
        let (d, f, p) = (u.d, u.fields, u.path)
        guard let node = f.required("pathways", "a mapping from pathway names (e.g. P0-P3) to {to, delay, ...}") else {
            return ([], nil)
        }
        guard let entries = node.entries, !entries.isEmpty else {
            d.expected("a mapping from pathway names (e.g. P0-P3) to {to, delay, ...} with at least one pathway",
                       node, p.key("pathways"))
            return ([], nil)
        }
        let start = d.count
        var pathways: [PathwaySpec] = []
        for e in entries {
            let pp = p.key("pathways").key(e.key)
            if SystemForm.reservedNames.contains(e.key) {
                d.report(e.keyLocation, pp, "'\(e.key)' is reserved (it marks a table); choose another pathway name")
            }
            guard let g = d.fields(e.value, pp, allowed: ["to", "delay", "within_discharge_hours", "counts_for_91_day",
                                                          "reassessed_as"],
                                   expected: "a pathway {to: UNIT, delay: DISTRIBUTION, within_discharge_hours: BOOL, counts_for_91_day: BOOL, reassessed_as: {PATHWAY: p}}")
            else { continue }
            let to = g.required("to", "the community_service, bedded_care or exit unit the pathway leads to").flatMap { n -> Int? in
                guard let s = d.string(n, pp.key("to"), "a unit name") else { return nil }
                return u.target(s, n.location, pp.key("to"), kinds: serviceTargets, purpose: "a pathway")
            }
            let delay = g["delay"].map { u.distribution($0, pp.key("delay")) } ?? Keyed(.constant(0))
            let within = g["within_discharge_hours"].map { d.bool($0, pp.key("within_discharge_hours")) } ?? false
            let counts = g["counts_for_91_day"].map { d.bool($0, pp.key("counts_for_91_day")) } ?? false
            let names = entries.map(\.key)
            var reassessed: Keyed<EmpiricalChoice<Int>>?? = .some(nil)
            if let n = g["reassessed_as"] {
                reassessed = d.keyed(n, pp.key("reassessed_as"), attributes: u.attributes) { m, q in
                    d.choice(m, q, what: "pathway") { pathwayIndex(u, names: names, $0, $1, $2) }
                }.map { .some($0) }
            }
            if let to, let delay, let within, let counts, let reassessed {
                pathways.append(PathwaySpec(name: e.key, target: to, delay: delay, withinDischargeHours: within,
                                            countsFor91Day: counts, reassessedAs: reassessed))
            }
        }
        let names = entries.map(\.key)
        return (names, d.count == start && pathways.count == entries.count ? pathways : nil)
    }

    /// The index of pathway `name`, or nil after reporting an unknown one.
    static func pathwayIndex(_ u: UnitContext, names: [String], _ name: String, _ location: SourceLocation,
                             _ path: NodePath) -> Int? {
        guard let i = names.firstIndex(of: name) else {
            u.d.report(location, path, "unknown pathway '\(name)'\(Suggest.didYouMean(name, in: names)); pathways: "
                       + (names.isEmpty ? "none" : Suggest.names(names)))
            return nil
        }
        return i
    }

    /// Which pathway a patient leaves by: `pathway_mix`, required unless there is one pathway.
    static func pathwayMix(_ u: UnitContext, names: [String]) -> Keyed<EmpiricalChoice<Int>>? {
        let (d, f, p) = (u.d, u.fields, u.path)
        if let node = f["pathway_mix"] {
            guard !names.isEmpty else { return nil }
            return d.keyed(node, p.key("pathway_mix"), attributes: u.attributes) { n, q in
                d.choice(n, q, what: "pathway") { pathwayIndex(u, names: names, $0, $1, $2) }
            }
        }
        if names.count == 1 { return Keyed(EmpiricalChoice(values: [0], weights: [1])!) }
        if !names.isEmpty {
            _ = f.required("pathway_mix", "a choice of pathway {\(Suggest.names(names.map { "\($0): p" }))}")
        }
        return nil
    }

    /// `discharge_hours: {from: "HH:MM", to: "HH:MM"}`, 08:00-20:00 by default.
    static func dischargeHours(_ u: UnitContext) -> (SimTime, SimTime)? {
        let (d, f, p) = (u.d, u.fields, u.path)
        guard let node = f["discharge_hours"] else { return defaultDischargeHours }
        let hp = p.key("discharge_hours")
        guard let g = d.fields(node, hp, allowed: ["from", "to"], expected: "{from: \"HH:MM\", to: \"HH:MM\"}") else {
            return nil
        }
        let from = g["from"].map { d.clockTime($0, hp.key("from")) } ?? defaultDischargeHours.0
        let to = g["to"].map { d.clockTime($0, hp.key("to"), allow24: true) } ?? defaultDischargeHours.1
        return from.flatMap { a in to.map { (a, $0) } }
    }

    /// Deconditioning per NCTR day: the chance of moving up a pathway (and to which), and of losing independence.
    static func deconditioning(_ u: UnitContext, names: [String])
        -> (escalation: [Double], to: [Int?], independenceLoss: Double)? {
        let (d, f, p) = (u.d, u.fields, u.path)
        var escalation = [Double](repeating: 0, count: names.count)
        var escalateTo = [Int?](repeating: nil, count: names.count)
        guard let node = f["deconditioning"], !names.isEmpty else { return (escalation, escalateTo, 0) }
        let dp = p.key("deconditioning")
        guard let g = d.fields(node, dp, allowed: ["escalation_per_day", "escalate_to", "independence_loss_per_day"],
                               expected: "{escalation_per_day: {PATHWAY: p}, escalate_to: {PATHWAY: PATHWAY}, independence_loss_per_day: p}")
        else { return nil }
        if let e = g["escalation_per_day"], let h = d.fields(e, dp.key("escalation_per_day"), allowed: names,
                                                             expected: "a mapping from pathway names to a probability per NCTR day") {
            for (i, name) in names.enumerated() {
                if let v = h[name], let x = d.probability(v, dp.key("escalation_per_day").key(name)) { escalation[i] = x }
            }
        }
        if let e = g["escalate_to"], let h = d.fields(e, dp.key("escalate_to"), allowed: names,
                                                      expected: "a mapping from pathway names to the pathway they move up to") {
            for (i, name) in names.enumerated() {
                guard let v = h[name], let s = d.string(v, dp.key("escalate_to").key(name), "a pathway name") else { continue }
                if let j = pathwayIndex(u, names: names, s, v.location, dp.key("escalate_to").key(name)) {
                    if j == i {
                        d.report(v, dp.key("escalate_to").key(name), "a pathway cannot escalate to itself")
                    } else {
                        escalateTo[i] = j
                    }
                }
            }
        }
        for (i, name) in names.enumerated() where escalation[i] > 0 && escalateTo[i] == nil {
            if let v = g["escalation_per_day"]?[name] {
                d.report(v, dp.key("escalation_per_day").key(name),
                         "pathway '\(name)' escalates but has no target: add escalate_to: {\(name): PATHWAY}")
            }
        }
        let loss = g["independence_loss_per_day"].map { d.probability($0, dp.key("independence_loss_per_day")) } ?? 0
        return loss.map { (escalation, escalateTo, $0) }
    }
}

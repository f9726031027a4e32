import PatientFlow
import SimCore
import Stochastics

/// The `acute_ward` form: beds, pathways (names first, so the mix and deconditioning can be checked even if a
/// pathway has errors), the pathway mix, the acute stay, discharge hours and deconditioning.
extension UnitKindForms {
    @Sendable static func acuteWard(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let beds = u.places("beds")
        let (names, pathways) = acutePathways(u)
        let mix = pathwayMix(u, names: names)
        let next: NextRule = names.isEmpty ? .unknown
            : .levels(NextLevels(names: names, slots: Array(names.indices), size: names.count, meaning: "pathway"))
        let stay = f.required("acute_stay", DistributionForms.expected).flatMap {
            u.distribution($0, p.key("acute_stay"), rules: KeyRules(next: next))
        }
        let hours = dischargeHours(u)
        let deconditioning = self.deconditioning(u, names: names)
        let initial = d.initialState(f["initial"], p.key("initial"))
        guard d.count == before, let pathways, let beds, let mix, let stay, let hours, let deconditioning, let initial
        else { return nil }
        return .acuteWard(AcuteWardSpec(beds: beds, pathways: pathways, pathwayMix: mix, acuteStay: stay,
                                        dischargeOpen: hours.0, dischargeClose: hours.1,
                                        escalationPerDay: deconditioning.escalation, escalateTo: deconditioning.to,
                                        independenceLossPerDay: deconditioning.independenceLoss, initial: initial))
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
            guard let g = d.fields(e.value, pp, allowed: ["to", "delay", "within_discharge_hours", "counts_for_91_day"],
                                   expected: "a pathway {to: UNIT, delay: DISTRIBUTION, within_discharge_hours: BOOL, counts_for_91_day: BOOL}")
            else { continue }
            let to = g.required("to", "the community_service, bedded_care or exit unit the pathway leads to").flatMap { n -> Int? in
                guard let s = d.string(n, pp.key("to"), "a unit name") else { return nil }
                return u.target(s, n.location, pp.key("to"), kinds: serviceTargets, purpose: "a pathway")
            }
            let delay = g["delay"].map { u.distribution($0, pp.key("delay")) } ?? Keyed(.constant(0))
            let within = g["within_discharge_hours"].map { d.bool($0, pp.key("within_discharge_hours")) } ?? false
            let counts = g["counts_for_91_day"].map { d.bool($0, pp.key("counts_for_91_day")) } ?? false
            if let to, let delay, let within, let counts {
                pathways.append(PathwaySpec(name: e.key, target: to, delay: delay, withinDischargeHours: within,
                                            countsFor91Day: counts))
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

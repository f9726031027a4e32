import PatientFlow

enum CostForm {
    /// Single amounts in `fixed` and `variable`, and their key paths.
    static var fixedAmounts: [(key: String, field: WritableKeyPath<CostSpec.Fixed, Double>)] {[
        ("acute_bed_day", \.acuteBedDay), ("escalation_bed_day", \.escalationBedDay),
        ("virtual_ward_place_day", \.virtualWardPlaceDay), ("ucr_crew_hour", \.ucrCrewHour),
    ]}
    static var variableAmounts: [(key: String, field: WritableKeyPath<CostSpec.Variable, Double>)] {[
        ("acute_bed_day", \.acuteBedDay), ("virtual_ward_day", \.virtualWardDay), ("ucr_visit", \.ucrVisit),
        ("lost_ambulance_hour", \.lostAmbulanceHour),
    ]}
    static var fixedKeys: [String] { fixedAmounts.map(\.key) + ["place_day", "items"] }
    static var variableKeys: [String] { variableAmounts.map(\.key) + ["care_day"] }
    /// The kinds whose place-days `place_day` and `care_day` price.
    static let careDayKinds: [UnitKindName] = [.communityService, .beddedCare]
    static let maximum = 1e9
    static let expected = "an amount in pounds from 0 to 1000000000"
    static let shape = "{fixed: {acute_bed_day: £, escalation_bed_day: £, virtual_ward_place_day: £, ucr_crew_hour: £, "
        + "place_day: {UNIT: £}, items: {NAME: £ a day}}, variable: {acute_bed_day: £, virtual_ward_day: £, "
        + "care_day: {UNIT: £}, ucr_visit: £, lost_ambulance_hour: £}, implementation: {NAME: £ a year}}"
}

extension ScenarioDecoder {
    /// `costs: {fixed: {...}, variable: {...}, implementation: {...}}` (`CostForm.shape`); `units` are the
    /// scenario's units (name and kind, nil where the kind is wrong).
    func costs(_ node: ScenarioNode, _ path: NodePath, units: [(name: String, kind: UnitKindName?)]) -> CostSpec? {
        guard let f = fields(node, path, allowed: ["fixed", "variable", "implementation"], expected: CostForm.shape,
                             hint: { key in
                                 CostForm.fixedKeys.contains(key) || CostForm.variableKeys.contains(key)
                                     ? "costs are split into fixed (per staffed place-day) and variable (per occupied day or visit): "
                                         + "write it under costs.fixed or costs.variable" : nil
                             }) else { return nil }
        let before = count
        var spec = CostSpec()
        if let n = f["fixed"], let g = fields(n, path.key("fixed"), allowed: CostForm.fixedKeys,
                                              expected: "{acute_bed_day: £, escalation_bed_day: £, virtual_ward_place_day: £, ucr_crew_hour: £, place_day: {UNIT: £}, items: {NAME: £ a day}}") {
            let fp = path.key("fixed")
            for (key, field) in CostForm.fixedAmounts {
                if let m = g[key], let x = number(m, fp.key(key), in: 0...CostForm.maximum, CostForm.expected) {
                    spec.fixed[keyPath: field] = x
                }
            }
            if let m = g["place_day"] { spec.fixed.placeDay = unitAmounts(m, fp.key("place_day"), units: units, what: "place_day") }
            if let m = g["items"] { spec.fixed.items = namedAmounts(m, fp.key("items"), what: "a cost per day") }
        }
        if let n = f["variable"], let g = fields(n, path.key("variable"), allowed: CostForm.variableKeys,
                                                 expected: "{acute_bed_day: £, virtual_ward_day: £, care_day: {UNIT: £}, ucr_visit: £, lost_ambulance_hour: £}") {
            let vp = path.key("variable")
            for (key, field) in CostForm.variableAmounts {
                if let m = g[key], let x = number(m, vp.key(key), in: 0...CostForm.maximum, CostForm.expected) {
                    spec.variable[keyPath: field] = x
                }
            }
            if let m = g["care_day"] { spec.variable.careDay = unitAmounts(m, vp.key("care_day"), units: units, what: "care_day") }
        }
        if let n = f["implementation"] {
            spec.implementation = namedAmounts(n, path.key("implementation"), what: "a cost per year")
        }
        return count == before ? spec : nil
    }

    /// `{UNIT: £, ...}` over community_service and bedded_care units.
    func unitAmounts(_ n: ScenarioNode, _ cp: NodePath, units: [(name: String, kind: UnitKindName?)], what: String) -> [String: Double] {
        guard let entries = n.entries else {
            expected("a mapping from community_service and bedded_care unit names to a cost per place-day", n, cp)
            return [:]
        }
        var out: [String: Double] = [:]
        let names = units.map(\.name)
        let candidates = units.filter { $0.kind.map(CostForm.careDayKinds.contains) == true }.map(\.name)
        let kinds = CostForm.careDayKinds.map(\.rawValue).joined(separator: " and ")
        for e in entries {
            let p = cp.key(e.key)
            if let i = names.firstIndex(of: e.key) {
                if let kind = units[i].kind, !CostForm.careDayKinds.contains(kind) {
                    report(e.keyLocation, p, "'\(e.key)' is a unit of kind \(kind.rawValue); \(what) prices place-days of "
                           + "\(kinds) units" + (candidates.isEmpty ? " (there are none)" : " (\(Suggest.names(candidates)))"))
                }
            } else {
                report(e.keyLocation, p, "unknown unit '\(e.key)'" + Suggest.didYouMean(e.key, in: candidates)
                       + "; \(what) prices place-days of \(kinds) units"
                       + (candidates.isEmpty ? " (there are none)" : " (\(Suggest.names(candidates)))"))
            }
            if let x = number(e.value, p, in: 0...CostForm.maximum, CostForm.expected) { out[e.key] = x }
        }
        return out
    }

    /// `{NAME: £, ...}` with free names (fixed items, implementation costs).
    func namedAmounts(_ n: ScenarioNode, _ cp: NodePath, what: String) -> [String: Double] {
        guard let entries = n.entries else {
            expected("a mapping from names to \(what) in pounds", n, cp)
            return [:]
        }
        var out: [String: Double] = [:]
        for e in entries {
            if let x = number(e.value, cp.key(e.key), in: 0...CostForm.maximum, CostForm.expected) { out[e.key] = x }
        }
        return out
    }
}

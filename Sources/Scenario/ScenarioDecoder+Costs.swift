import PatientFlow

enum CostForm {
    /// The costs of single things, and their `CostSpec` key paths.
    static var amounts: [(key: String, field: WritableKeyPath<CostSpec, Double>)] {[
        ("acute_bed_day", \.acuteBedDay), ("nctr_bed_day", \.nctrBedDay), ("virtual_ward_day", \.virtualWardDay),
        ("ucr_visit", \.ucrVisit), ("lost_ambulance_hour", \.lostAmbulanceHour),
    ]}
    static var keys: [String] { amounts.map(\.key) + ["care_day"] }
    /// The kinds whose place-days `care_day` prices.
    static let careDayKinds: [UnitKindName] = [.communityService, .beddedCare]
    static let maximum = 1e9
    static let expected = "an amount in pounds from 0 to 1000000000"
}

extension ScenarioDecoder {
    /// `costs: {acute_bed_day: £, ..., care_day: {UNIT: £, ...}}`; `units` are the scenario's units (name and kind,
    /// nil where the kind is wrong).
    func costs(_ node: ScenarioNode, _ path: NodePath, units: [(name: String, kind: UnitKindName?)]) -> CostSpec? {
        guard let f = fields(node, path, allowed: CostForm.keys,
                             expected: "{acute_bed_day: £, nctr_bed_day: £, virtual_ward_day: £, ucr_visit: £, "
                             + "lost_ambulance_hour: £, care_day: {UNIT: £, ...}}") else { return nil }
        let before = count
        var spec = CostSpec()
        for (key, field) in CostForm.amounts {
            if let n = f[key], let x = number(n, path.key(key), in: 0...CostForm.maximum, CostForm.expected) {
                spec[keyPath: field] = x
            }
        }
        if let n = f["care_day"] {
            let cp = path.key("care_day")
            if let entries = n.entries {
                let names = units.map(\.name)
                let candidates = units.filter { $0.kind.map(CostForm.careDayKinds.contains) == true }.map(\.name)
                for e in entries {
                    let p = cp.key(e.key)
                    if let i = names.firstIndex(of: e.key) {
                        if let kind = units[i].kind, !CostForm.careDayKinds.contains(kind) {
                            report(e.keyLocation, p, "'\(e.key)' is a unit of kind \(kind.rawValue); care_day prices place-days of "
                                   + "\(CostForm.careDayKinds.map(\.rawValue).joined(separator: " and ")) units"
                                   + (candidates.isEmpty ? " (there are none)" : " (\(Suggest.names(candidates)))"))
                        }
                    } else {
                        report(e.keyLocation, p, "unknown unit '\(e.key)'"
                               + Suggest.didYouMean(e.key, in: candidates)
                               + "; care_day prices place-days of \(CostForm.careDayKinds.map(\.rawValue).joined(separator: " and ")) units"
                               + (candidates.isEmpty ? " (there are none)" : " (\(Suggest.names(candidates)))"))
                    }
                    if let x = number(e.value, p, in: 0...CostForm.maximum, CostForm.expected) {
                        spec.careDay[e.key] = x
                    }
                }
            } else {
                expected("a mapping from community_service and bedded_care unit names to a cost per place-day", n, cp)
            }
        }
        return count == before ? spec : nil
    }
}

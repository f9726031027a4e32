import PatientFlow
import SimCore
import Stochastics

/// The top-level `population` and `costs` sections: keys, defaults and limits.
enum PopulationForm {
    static let keys = ["attribute", "base_date", "growth_per_year", "neighbourhoods", "teams"]
    static let neighbourhoodKeys = ["registered", "relative_rate"]
    static let teamKeys = ["neighbourhoods", "frailty", "demand_factor", "step_up_factor"]
    static let expected = "{attribute: ATTRIBUTE, base_date: YYYY-MM-DD, growth_per_year: g or {by: age_band, table: {...}}, "
        + "neighbourhoods: {NAME: {registered: N, relative_rate: x}, ...}, teams: {...}}"
    /// The attribute holding the neighbourhood unless `attribute` names another.
    static let defaultAttribute = StandardAttribute.neighbourhood
    static let maximumRegistered = 100_000_000
    static let maximumRelativeRate = 1_000.0
    static let maximumStepUpFactor = 1_000.0
    static let growthRange: ClosedRange<Double> = -0.99...10
    static let growthExpected = "a yearly growth rate from -0.99 to 10 (0.02 is 2% a year)"
}

extension ScenarioDecoder {
    /// The attributes a population sets on its streams, as far as they can be found (for the unit decoders).
    func populationContext(_ node: ScenarioNode, attributes: [AttributeSpec]) -> PopulationContext {
        let name = node["attribute"]?.scalar ?? PopulationForm.defaultAttribute
        return PopulationContext(neighbourhoodAttribute: attributes.firstIndex { $0.name == name },
                                 ageAttribute: attributes.firstIndex { $0.name == StandardAttribute.ageBand })
    }

    /// `population: {attribute, base_date, growth_per_year, neighbourhoods, teams}`.
    func population(_ node: ScenarioNode, _ path: NodePath, attributes: [AttributeSpec], startDate: CivilDate) -> PopulationSpec? {
        guard let f = fields(node, path, allowed: PopulationForm.keys, expected: PopulationForm.expected) else { return nil }
        let before = count
        let attributeNames = attributes.map(\.name)
        let known = attributeNames.isEmpty ? "none" : Suggest.names(attributeNames)

        // The neighbourhood and age attributes.
        var attribute: Int?
        if let n = f["attribute"] {
            if let s = string(n, path.key("attribute"), "an attribute name") {
                attribute = attributeNames.firstIndex(of: s)
                if attribute == nil {
                    report(n, path.key("attribute"), "unknown attribute '\(s)'\(Suggest.didYouMean(s, in: attributeNames)); "
                           + "attributes: \(known)")
                }
            }
        } else {
            attribute = attributeNames.firstIndex(of: PopulationForm.defaultAttribute)
            if attribute == nil {
                report(node, path.key("attribute"), "a population needs an attribute whose levels are the neighbourhoods: "
                       + "add '\(PopulationForm.defaultAttribute)' to `attributes`, or name another with `attribute:`; "
                       + "attributes: \(known)")
            }
        }
        let age = attributeNames.firstIndex(of: StandardAttribute.ageBand)
        if age == nil {
            report(node, path, "a population needs the attribute '\(StandardAttribute.ageBand)' (demand is generated per "
                   + "neighbourhood and age band); attributes: \(known)")
        }
        if let attribute, attribute == age {
            report(f["attribute"] ?? node, path.key("attribute"), "the neighbourhood attribute cannot be '\(StandardAttribute.ageBand)'")
        }
        let frailty = attributeNames.firstIndex(of: StandardAttribute.frailty)

        let baseDate = f["base_date"].map { date($0, path.key("base_date")) } ?? startDate

        // Growth by age band.
        var growth: [Double]?
        if let n = f["growth_per_year"] {
            let gp = path.key("growth_per_year")
            let keyed = self.keyed(n, gp, attributes: attributes) {
                number($0, $1, in: PopulationForm.growthRange, PopulationForm.growthExpected)
            }
            if let keyed, let age {
                switch keyed.keys {
                case []: growth = Array(repeating: keyed.values[0], count: attributes[age].levels.count)
                case [.attribute(age)]: growth = keyed.values
                default:
                    report(n, gp.key("by"), "growth_per_year may be keyed by '\(StandardAttribute.ageBand)' only")
                }
            }
        } else if let age {
            growth = Array(repeating: 0, count: attributes[age].levels.count)
        }

        // Neighbourhoods: the attribute's levels, in order.
        var hoods: [PopulationSpec.Neighbourhood] = []
        var hoodsOK = false
        if let n = f.required("neighbourhoods", "a mapping from neighbourhood names to {registered: N, relative_rate: x}") {
            hoodsOK = neighbourhoods(n, path.key("neighbourhoods"), attribute: attribute.map { attributes[$0] }, into: &hoods)
        }

        // Neighbourhood teams.
        var teams: [PopulationSpec.NeighbourhoodTeam] = []
        if let n = f["teams"] {
            let tp = path.key("teams")
            if let entries = n.entries {
                if frailty == nil {
                    if !entries.isEmpty {
                        report(n, tp, "neighbourhood teams work with frail residents: they need an attribute "
                               + "'\(StandardAttribute.frailty)' (its levels are what a team's `frailty` lists); attributes: \(known)")
                    }
                } else if hoodsOK {
                    teams = neighbourhoodTeams(entries, tp, hoods: hoods.map(\.name), frailty: attributes[frailty!])
                }
            } else {
                expected("a mapping from team names to {neighbourhoods: [...], frailty: [...], demand_factor: x, "
                         + "step_up_factor: x}", n, tp)
            }
        }

        guard count == before, hoodsOK, let attribute, let age, let growth, let baseDate else { return nil }
        return PopulationSpec(attribute: attribute, neighbourhoods: hoods, ageAttribute: age, growthByAge: growth,
                              baseDate: baseDate, teams: teams, frailtyAttribute: frailty)
    }

    /// `neighbourhoods: {NAME: {registered: N, relative_rate: x} or N, ...}`, named and ordered as the levels of
    /// `attribute` (nil: unknown, reported). Whether all is well.
    private func neighbourhoods(_ node: ScenarioNode, _ path: NodePath, attribute: AttributeSpec?,
                                into hoods: inout [PopulationSpec.Neighbourhood]) -> Bool {
        guard let entries = node.entries, !entries.isEmpty else {
            expected("a mapping from neighbourhood names to {registered: N, relative_rate: x}, at least one", node, path)
            return false
        }
        let before = count
        let registeredWhat = "a whole number of registered patients from 0 to \(PopulationForm.maximumRegistered)"
        for e in entries {
            let p = path.key(e.key)
            if let attribute, !attribute.levels.contains(e.key) {
                report(e.keyLocation, p, "'\(e.key)' is not a level of attribute '\(attribute.name)'"
                       + "\(Suggest.didYouMean(e.key, in: attribute.levels)); the neighbourhoods are its levels: "
                       + Suggest.names(attribute.levels))
            }
            var registered: Int?
            var relative: Double? = 1
            if case .scalar = e.value.value {
                registered = integer(e.value, p, in: 0...PopulationForm.maximumRegistered, registeredWhat)
            } else if let g = fields(e.value, p, allowed: PopulationForm.neighbourhoodKeys,
                                     expected: "{registered: N, relative_rate: x} or the registered number alone") {
                registered = g.required("registered", "the number of patients on the neighbourhood's GP lists").flatMap {
                    integer($0, p.key("registered"), in: 0...PopulationForm.maximumRegistered, registeredWhat)
                }
                relative = g["relative_rate"].map {
                    number($0, p.key("relative_rate"), in: 0...PopulationForm.maximumRelativeRate,
                           "a number from 0 to \(Int(PopulationForm.maximumRelativeRate)): demand per head relative to the "
                           + "average (1)")
                } ?? 1
            }
            if let registered, let relative {
                hoods.append(PopulationSpec.Neighbourhood(name: e.key, registered: registered, relativeRate: relative))
            }
        }
        if let attribute {
            let names = entries.map(\.key)
            let missing = attribute.levels.filter { !names.contains($0) }
            if !missing.isEmpty {
                report(node, path, "missing \(missing.count == 1 ? "neighbourhood" : "neighbourhoods") \(Suggest.list(missing)): "
                       + "every level of attribute '\(attribute.name)' needs its registered list")
            } else if names.count == attribute.levels.count && names != attribute.levels {
                report(node, path, "the neighbourhoods must be listed in the order of the levels of attribute "
                       + "'\(attribute.name)' (\(Suggest.names(attribute.levels))); found \(Suggest.names(names))")
            }
        }
        if count == before && hoods.count == entries.count
            && !hoods.contains(where: { Double($0.registered) * $0.relativeRate > 0 }) {
            report(node, path, "no demand: at least one neighbourhood needs registered > 0 and relative_rate > 0")
        }
        return count == before && hoods.count == entries.count
    }

    /// `teams: {NAME: {neighbourhoods: [...], frailty: [...], demand_factor: x, step_up_factor: x}, ...}`.
    private func neighbourhoodTeams(_ entries: [ScenarioNode.Entry], _ path: NodePath, hoods: [String],
                                    frailty: AttributeSpec) -> [PopulationSpec.NeighbourhoodTeam] {
        var teams: [PopulationSpec.NeighbourhoodTeam] = []
        var covered: [String: String] = [:]  // "neighbourhood/level" -> team
        for e in entries {
            let p = path.key(e.key)
            guard let g = fields(e.value, p, allowed: PopulationForm.teamKeys,
                                 expected: "a team {neighbourhoods: [NAME, ...], frailty: [LEVEL, ...], demand_factor: x, "
                                 + "step_up_factor: x}") else { continue }
            let before = count
            func resolve(_ key: String, _ what: String, _ levels: [String], _ meaning: String) -> [Int]? {
                g.required(key, "a list of \(meaning)").flatMap { n in
                    names(n, p.key(key), what: what).flatMap { list -> [Int]? in
                        let found = list.compactMap { name, node, q -> Int? in
                            guard let i = levels.firstIndex(of: name) else {
                                report(node, q, "unknown \(what) '\(name)'\(Suggest.didYouMean(name, in: levels)); "
                                       + "\(what)s: \(Suggest.names(levels))")
                                return nil
                            }
                            return i
                        }
                        return found.count == list.count ? found : nil
                    }
                }
            }
            let neighbourhoods = resolve("neighbourhoods", "neighbourhood", hoods, "the neighbourhoods the team serves")
            let levels = resolve("frailty", "frailty level", frailty.levels,
                                 "the levels of attribute '\(frailty.name)' the team works with")
            let demand = g["demand_factor"].map { n -> Double? in
                guard let x = number(n, p.key("demand_factor"), "a factor in (0, 1] on the emergency demand of the team's residents")
                else { return nil }
                guard x > 0 && x <= 1 else {
                    report(n, p.key("demand_factor"), "\(format(x)) is out of range: expected a factor in (0, 1] on the "
                           + "emergency demand of the team's residents (0.85: 15% less)")
                    return nil
                }
                return x
            } ?? 1
            let stepUp = g["step_up_factor"].map {
                number($0, p.key("step_up_factor"), in: 0...PopulationForm.maximumStepUpFactor,
                       "a factor >= 0 on route probabilities towards virtual wards (1.5: half as likely again)")
            } ?? 1
            guard count == before, let neighbourhoods, let levels, let demand, let stepUp else { continue }
            for n in neighbourhoods {
                for l in levels {
                    let key = "\(hoods[n])/\(frailty.levels[l])"
                    if let other = covered[key] {
                        report(e.keyLocation, p, "team '\(e.key)' and team '\(other)' both serve \(frailty.name) "
                               + "'\(frailty.levels[l])' residents of '\(hoods[n])': a resident has one team")
                    } else {
                        covered[key] = e.key
                    }
                }
            }
            teams.append(PopulationSpec.NeighbourhoodTeam(name: e.key, neighbourhoods: neighbourhoods, frailtyLevels: levels,
                                                          demandFactor: demand, stepUpFactor: stepUp))
        }
        return teams
    }
}

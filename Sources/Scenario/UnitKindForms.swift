import PatientFlow
import SimCore
import Stochastics

/// What every unit decoder knows about the whole scenario.
struct SystemContext {
    let decoder: ScenarioDecoder
    let unitNames: [String]
    /// The kind name of each unit, or nil where the kind is missing or unknown.
    let unitKinds: [String?]
    let attributes: [AttributeSpec]
    let calendar: SimCalendar
    /// Warm-up plus horizon in minutes, if both are valid.
    let runLength: SimTime?
    /// The index of each unit name.
    let unitIndex: [String: Int]
    /// What units need to know of the top-level `population`, or nil if there is none.
    let population: PopulationContext?

    init(decoder: ScenarioDecoder, unitNames: [String], unitKinds: [String?], attributes: [AttributeSpec],
         calendar: SimCalendar, runLength: SimTime?, population: PopulationContext? = nil) {
        self.decoder = decoder
        self.population = population
        self.unitNames = unitNames
        self.unitKinds = unitKinds
        self.attributes = attributes
        self.calendar = calendar
        self.runLength = runLength
        self.unitIndex = Dictionary(unitNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    }
}

/// One unit being decoded: its fields (already checked against its kind's keys) and the scenario around it.
struct UnitContext {
    let system: SystemContext
    let index: Int
    let name: String
    let fields: Fields

    var d: ScenarioDecoder { system.decoder }
    var path: NodePath { fields.path }
    var attributes: [AttributeSpec] { system.attributes }

    /// A unit named in a route: it must exist, must not be this unit, and its kind must be in `kinds`
    /// (every kind but `arrivals` if nil).
    func target(_ name: String, _ location: SourceLocation, _ path: NodePath, kinds: [String]? = nil,
                purpose: String = "a route") -> Int? {
        guard let i = system.unitIndex[name] else {
            d.report(location, path, "unknown unit '\(name)'\(Suggest.didYouMean(name, in: system.unitNames)); units: "
                     + Suggest.names(system.unitNames))
            return nil
        }
        guard i != index else {
            d.report(location, path, "unit '\(name)' cannot route to itself")
            return nil
        }
        guard let kind = system.unitKinds[i] else { return i }  // its missing or unknown kind is reported already
        let allowed = kinds ?? UnitKindForms.destinations
        guard allowed.contains(kind) else {
            d.report(location, path, "\(purpose) cannot go to '\(name)', a unit of kind \(kind); "
                     + "allowed kinds here: \(allowed.joined(separator: ", "))")
            return nil
        }
        return i
    }

    /// A route: a choice of units, possibly keyed by attributes.
    func route(_ node: ScenarioNode, _ path: NodePath, kinds: [String]? = nil, purpose: String = "a route") -> Keyed<Outcome>? {
        d.keyed(node, path, attributes: attributes) { n, p in
            d.choice(n, p, what: "unit") { target($0, $1, $2, kinds: kinds, purpose: purpose) }
        }
    }

    /// The required `route` key.
    func requiredRoute() -> Keyed<Outcome>? {
        fields.required("route", "a unit name or {unit: probability, ...}").flatMap { route($0, path.key("route")) }
    }

    /// The `next` levels of a route: every unit it names (the key's index is the unit index).
    func nextLevels(of route: Keyed<Outcome>?) -> NextRule {
        guard let route else { return .unknown }
        let targets = Set(route.values.flatMap(\.values)).sorted()
        return .levels(NextLevels(names: targets.map { system.unitNames[$0] }, slots: targets,
                                  size: system.unitNames.count, meaning: "destination"))
    }

    /// A distribution, possibly keyed.
    func distribution(_ node: ScenarioNode, _ path: NodePath, rules: KeyRules = .attributesOnly) -> Keyed<Distribution>? {
        d.keyed(node, path, attributes: attributes, rules: rules) { d.distribution($0, $1) }
    }

    /// A probability, possibly keyed.
    func probability(_ node: ScenarioNode, _ path: NodePath) -> Keyed<Double>? {
        d.keyed(node, path, attributes: attributes) { d.probability($0, $1) }
    }

    func places(_ key: String) -> PlacesSpec? {
        fields.required(key, PlacesLimits.expected).flatMap { d.places($0, path.key(key), calendar: system.calendar) }
    }

    /// A unit this one refers to by name without routing patients there (an elective list's ward, the wards a
    /// virtual ward takes step-downs from): it must exist, must not be this unit, and its kind must be in `kinds`.
    ///
    /// - Parameter role: what the unit is for, completing "ROLE must be a unit of kind ...".
    func reference(_ name: String, _ location: SourceLocation, _ path: NodePath, kinds: [String], role: String) -> Int? {
        guard let i = system.unitIndex[name] else {
            d.report(location, path, "unknown unit '\(name)'\(Suggest.didYouMean(name, in: system.unitNames)); units: "
                     + Suggest.names(system.unitNames))
            return nil
        }
        guard i != index else {
            d.report(location, path, "unit '\(name)' cannot name itself here: \(role) must be another unit")
            return nil
        }
        guard let kind = system.unitKinds[i] else { return i }
        guard kinds.contains(kind) else {
            let candidates = system.unitNames.indices.filter { system.unitKinds[$0].map(kinds.contains) == true && $0 != index }
            d.report(location, path, "'\(name)' is a unit of kind \(kind); \(role) must be a unit of kind "
                     + "\(kinds.joined(separator: " or "))" + (candidates.isEmpty ? " (there is none)"
                        : " (\(Suggest.names(candidates.map { system.unitNames[$0] })))"))
            return nil
        }
        return i
    }

    /// The attribute mix of new patients (arrivals, elective lists): for each attribute, a choice of its levels,
    /// keyed only by attributes listed before it. Nil (after reporting) if anything is wrong.
    func mix(_ node: ScenarioNode?) -> [Keyed<EmpiricalChoice<Int>>?]? {
        var mix = [Keyed<EmpiricalChoice<Int>>?](repeating: nil, count: attributes.count)
        guard let m = node else { return mix }
        let names = attributes.map(\.name)
        guard let g = d.fields(m, path.key("mix"), allowed: names, expected: "a mapping from attribute names to level choices")
        else { return nil }
        let before = d.count
        for (a, attribute) in attributes.enumerated() {
            guard let node = g[attribute.name] else { continue }
            let ap = path.key("mix").key(attribute.name)
            mix[a] = d.keyed(node, ap, attributes: attributes, rules: KeyRules(attributesBefore: a)) { n, q in
                d.choice(n, q, what: "level") { level, location, path in
                    guard let i = attribute.levels.firstIndex(of: level) else {
                        d.report(location, path, "unknown level '\(level)' of attribute '\(attribute.name)'"
                                 + "\(Suggest.didYouMean(level, in: attribute.levels)); levels: "
                                 + Suggest.names(attribute.levels))
                        return nil
                    }
                    return i
                }
            }
        }
        return d.count == before ? mix : nil
    }
}

/// What unit decoders need to know of the top-level `population`: the attributes it sets on population
/// streams (nil where they are missing, which is reported at `population`).
struct PopulationContext {
    let neighbourhoodAttribute: Int?
    let ageAttribute: Int?
}

/// One unit kind: its name in scenario files, its keys, and the function that decodes it.
///
/// Adding a kind is one more `UnitKindForm` in `UnitKindForms.all` and its decode function; the list of allowed
/// kinds in messages, the docs test and the schema test all come from `all`.
struct UnitKindForm: Sendable {
    let name: String
    let required: [String]
    let optional: [String]
    let decode: @Sendable (UnitContext) -> UnitKind?

    /// Every key a unit of this kind may have, `kind` first.
    var keys: [String] { ["kind"] + required + optional }
}

enum UnitKindForms {
    static let all: [UnitKindForm] = [
        UnitKindForm(name: "arrivals", required: ["rate", "route"], optional: ["by_ambulance", "mix", "from_population"],
                     decode: arrivals),
        UnitKindForm(name: "ambulance_handover", required: ["route"], optional: ["handover"], decode: ambulanceHandover),
        UnitKindForm(name: "emergency_department", required: ["cubicles", "assessment", "route"], optional: ["initial"],
                     decode: emergencyDepartment),
        UnitKindForm(name: "acute_ward", required: ["beds", "pathways", "acute_stay"],
                     optional: ["pathway_mix", "discharge_hours", "deconditioning", "initial"], decode: acuteWard),
        UnitKindForm(name: "community_service", required: ["capacity", "stay", "route"], optional: ["initial"],
                     decode: communityService),
        UnitKindForm(name: "bedded_care", required: ["beds", "stay", "route"], optional: ["initial"], decode: beddedCare),
        UnitKindForm(name: "exit", required: ["destination"],
                     optional: ["readmission", "death", "care_home_move", "event_time"], decode: exit),
        UnitKindForm(name: "virtual_ward", required: ["role", "places", "stay", "when_full", "route"],
                     optional: ["policy", "step_down", "escalation"], decode: virtualWard),
        UnitKindForm(name: "urgent_community_response", required: ["crews", "visit", "route"], optional: [],
                     decode: urgentCommunityResponse),
        UnitKindForm(name: "elective_list", required: ["referrals", "sessions", "ward", "stay", "route"],
                     optional: ["initial_list", "mix"], decode: electiveList),
    ]

    static var names: [String] { all.map(\.name) }

    /// Kinds that create patients: nothing routes into them.
    static let sources = ["arrivals", "elective_list"]
    /// Kinds a route may lead to.
    static var destinations: [String] { names.filter { !sources.contains($0) } }

    static func named(_ name: String) -> UnitKindForm? { all.first { $0.name == name } }

    /// For an unknown key: which other kinds have it.
    static func owners(of key: String, except kind: String) -> String? {
        let owners = all.filter { $0.name != kind && $0.keys.contains(key) }.map(\.name)
        return owners.isEmpty ? nil : "'\(key)' is a key of \(Suggest.list(owners, quoted: false)) units"
    }

    /// Default handover: uniform 5-15 minutes.
    static let defaultHandover = Distribution.uniform(low: 5, high: 15)
    /// Default time of a follow-up event within the 91 days: uniform over them.
    static let defaultEventTime = Distribution.uniform(low: 0, high: 91 * Duration.day)
    /// Default discharge hours 08:00-20:00.
    static let defaultDischargeHours: (SimTime, SimTime) = (8 * 60, 20 * 60)
    static let serviceTargets = ["community_service", "bedded_care", "exit"]

    // MARK: Kinds

    @Sendable static func arrivals(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let rate = f.required("rate", RateForms.expected).flatMap {
            d.arrivalRate($0, p.key("rate"), calendar: u.system.calendar, runLength: u.system.runLength)
        }
        let byAmbulance = f["by_ambulance"].map { d.bool($0, p.key("by_ambulance")) } ?? false
        let fromPopulation = f["from_population"].map { d.bool($0, p.key("from_population")) } ?? false
        let mix = u.mix(f["mix"])
        let route = u.requiredRoute()
        if fromPopulation == true {
            populationStreamRules(u, rate: rate, mixOK: mix != nil)
        }
        guard d.count == before, let rate, let byAmbulance, let fromPopulation, let mix, let route else { return nil }
        return .arrivals(ArrivalsSpec(rate: rate, mix: mix, route: route, byAmbulance: byAmbulance,
                                      fromPopulation: fromPopulation))
    }

    /// An arrivals unit with `from_population: true`: there must be a population; the rate must be a profile
    /// (it is split by neighbourhood and age band); the stream sets the neighbourhood, and the age mix (which
    /// splits demand by age band) must be one choice for everyone.
    static func populationStreamRules(_ u: UnitContext, rate: ArrivalsSpec.Rate?, mixOK: Bool) {
        let (d, f, p) = (u.d, u.fields, u.path)
        guard let population = u.system.population else {
            d.report(f["from_population"]!, p.key("from_population"),
                     "from_population needs a top-level `population` (registered lists by neighbourhood and growth by "
                     + "age band); add one, or remove from_population")
            return
        }
        if case .dated? = rate {
            d.report(f["rate"]!, p.key("rate"), "a stream from_population needs a rate profile {per_day, hour_of_day, "
                     + "day_of_week, month}, not dated rates from a csv file")
        }
        if let g = f["rate"]?["growth_per_year"], !g.isNull {
            d.report(g, p.key("rate").key("growth_per_year"), "with from_population demand grows by age band "
                     + "(population.growth_per_year); remove growth_per_year here")
        }
        guard mixOK, let mixNode = f["mix"] else { return }
        if let n = population.neighbourhoodAttribute, let v = mixNode[u.attributes[n].name], !v.isNull {
            d.report(v, p.key("mix").key(u.attributes[n].name),
                     "with from_population the neighbourhood comes from the registered lists (population.neighbourhoods); "
                     + "remove this mix entry")
        }
        if let a = population.ageAttribute, let v = mixNode[u.attributes[a].name], d.isKeyed(v) {
            d.report(v, p.key("mix").key(u.attributes[a].name),
                     "with from_population the age mix splits each neighbourhood's demand by age band: it must be one "
                     + "choice for everyone, not a table")
        }
    }

    @Sendable static func ambulanceHandover(_ u: UnitContext) -> UnitKind? {
        let handover = u.fields["handover"].map { u.distribution($0, u.path.key("handover")) } ?? Keyed(defaultHandover)
        let route = u.requiredRoute()
        guard let handover, let route else { return nil }
        return .ambulanceHandover(HandoverSpec(handover: handover, route: route))
    }

    /// The shared shape of units with places, a stay and a route.
    static func service(_ u: UnitContext, places key: String, stay stayKey: String, atHome: Bool) -> ServiceSpec? {
        let places = u.places(key)
        let route = u.requiredRoute()
        let stay = u.fields.required(stayKey, DistributionForms.expected).flatMap {
            u.distribution($0, u.path.key(stayKey), rules: KeyRules(next: u.nextLevels(of: route)))
        }
        let initial = u.d.initialState(u.fields["initial"], u.path.key("initial"))
        guard let places, let route, let stay, let initial else { return nil }
        return ServiceSpec(places: places, stay: stay, route: route, initial: initial, atHome: atHome)
    }

    @Sendable static func emergencyDepartment(_ u: UnitContext) -> UnitKind? {
        service(u, places: "cubicles", stay: "assessment", atHome: false).map(UnitKind.emergencyDepartment)
    }

    @Sendable static func communityService(_ u: UnitContext) -> UnitKind? {
        service(u, places: "capacity", stay: "stay", atHome: true).map(UnitKind.communityService)
    }

    @Sendable static func beddedCare(_ u: UnitContext) -> UnitKind? {
        service(u, places: "beds", stay: "stay", atHome: false).map(UnitKind.beddedCare)
    }

    @Sendable static func acuteWard(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let beds = u.places("beds")

        // Pathways: names first (so the mix and deconditioning can be checked even if a pathway has errors).
        var names: [String] = []
        var pathways: [PathwaySpec] = []
        var pathwaysOK = false
        if let node = f.required("pathways", "a mapping from pathway names (e.g. P0-P3) to {to, delay, ...}") {
            if let entries = node.entries, !entries.isEmpty {
                names = entries.map(\.key)
                let start = d.count
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
                pathwaysOK = d.count == start && pathways.count == entries.count
            } else {
                d.expected("a mapping from pathway names (e.g. P0-P3) to {to, delay, ...} with at least one pathway",
                           node, p.key("pathways"))
            }
        }
        func pathwayIndex(_ name: String, _ location: SourceLocation, _ path: NodePath) -> Int? {
            guard let i = names.firstIndex(of: name) else {
                d.report(location, path, "unknown pathway '\(name)'\(Suggest.didYouMean(name, in: names)); pathways: "
                         + (names.isEmpty ? "none" : Suggest.names(names)))
                return nil
            }
            return i
        }

        // Which pathway, and the acute stay (may depend on the pathway).
        var mix: Keyed<EmpiricalChoice<Int>>?
        if let node = f["pathway_mix"] {
            if !names.isEmpty {
                mix = d.keyed(node, p.key("pathway_mix"), attributes: u.attributes) { n, q in
                    d.choice(n, q, what: "pathway", resolve: pathwayIndex)
                }
            }
        } else if names.count == 1 {
            mix = Keyed(EmpiricalChoice(values: [0], weights: [1])!)
        } else if !names.isEmpty {
            _ = f.required("pathway_mix", "a choice of pathway {\(Suggest.names(names.map { "\($0): p" }))}")
        }
        let next: NextRule = names.isEmpty ? .unknown
            : .levels(NextLevels(names: names, slots: Array(names.indices), size: names.count, meaning: "pathway"))
        let stay = f.required("acute_stay", DistributionForms.expected).flatMap {
            u.distribution($0, p.key("acute_stay"), rules: KeyRules(next: next))
        }

        // Discharge hours.
        var hours: (SimTime, SimTime)? = defaultDischargeHours
        if let node = f["discharge_hours"] {
            let hp = p.key("discharge_hours")
            if let g = d.fields(node, hp, allowed: ["from", "to"], expected: "{from: \"HH:MM\", to: \"HH:MM\"}") {
                let from = g["from"].map { d.clockTime($0, hp.key("from")) } ?? defaultDischargeHours.0
                let to = g["to"].map { d.clockTime($0, hp.key("to"), allow24: true) } ?? defaultDischargeHours.1
                hours = from.flatMap { a in to.map { (a, $0) } }
            } else {
                hours = nil
            }
        }

        // Deconditioning.
        var escalation = [Double](repeating: 0, count: names.count)
        var escalateTo = [Int?](repeating: nil, count: names.count)
        var independenceLoss: Double? = 0
        if let node = f["deconditioning"], !names.isEmpty {
            let dp = p.key("deconditioning")
            if let g = d.fields(node, dp, allowed: ["escalation_per_day", "escalate_to", "independence_loss_per_day"],
                                expected: "{escalation_per_day: {PATHWAY: p}, escalate_to: {PATHWAY: PATHWAY}, independence_loss_per_day: p}") {
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
                        if let j = pathwayIndex(s, v.location, dp.key("escalate_to").key(name)) {
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
                independenceLoss = g["independence_loss_per_day"].map { d.probability($0, dp.key("independence_loss_per_day")) } ?? 0
            }
        }
        let initial = d.initialState(f["initial"], p.key("initial"))

        guard d.count == before, pathwaysOK, let beds, let mix, let stay, let hours, let independenceLoss, let initial
        else { return nil }
        return .acuteWard(AcuteWardSpec(beds: beds, pathways: pathways, pathwayMix: mix, acuteStay: stay,
                                        dischargeOpen: hours.0, dischargeClose: hours.1, escalationPerDay: escalation,
                                        escalateTo: escalateTo, independenceLossPerDay: independenceLoss, initial: initial))
    }

    @Sendable static func exit(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let destinations = ExitSpec.Destination.allCases.map(\.rawValue)
        let destination = f.required("destination", destinations.joined(separator: ", ")).flatMap { n -> ExitSpec.Destination? in
            guard let s = d.string(n, p.key("destination"), destinations.joined(separator: ", ")) else { return nil }
            guard let x = ExitSpec.Destination(rawValue: s) else {
                d.report(n, p.key("destination"), "unknown destination '\(s)'\(Suggest.didYouMean(s, in: destinations)); "
                         + "allowed: \(destinations.joined(separator: ", "))")
                return nil
            }
            return x
        }
        var readmission: Keyed<Double>? = Keyed(0)
        var readmissionTime: Keyed<Distribution>? = Keyed(defaultEventTime)
        var readmissionRoute: Keyed<Outcome>?
        if let node = f["readmission"] {
            let rp = p.key("readmission")
            if let g = d.fields(node, rp, allowed: ["probability", "time", "route"],
                                expected: "{probability: p, time: DISTRIBUTION, route: UNIT or {UNIT: p}}") {
                readmission = g.required("probability", "the chance of an emergency readmission within 91 days").flatMap {
                    u.probability($0, rp.key("probability"))
                }
                readmissionTime = g["time"].map { u.distribution($0, rp.key("time")) } ?? Keyed(defaultEventTime)
                readmissionRoute = g.required("route", "the unit a readmitted patient goes to first").flatMap {
                    u.route($0, rp.key("route"), kinds: UnitKindForms.destinations.filter { $0 != "exit" }, purpose: "a readmission")
                }
            }
        }
        let death = f["death"].map { u.probability($0, p.key("death")) } ?? Keyed(0)
        let careHome = f["care_home_move"].map { u.probability($0, p.key("care_home_move")) } ?? Keyed(0)
        let eventTime = f["event_time"].map { u.distribution($0, p.key("event_time")) } ?? Keyed(defaultEventTime)
        guard d.count == before, let destination, let readmission, let readmissionTime, let death, let careHome,
              let eventTime else { return nil }
        return .exit(ExitSpec(destination: destination, readmission: readmission, readmissionTime: readmissionTime,
                              readmissionRoute: readmissionRoute, death: death, careHomeMove: careHome, eventTime: eventTime))
    }
}

import PatientFlow
import SimCore
import Stochastics

/// What every unit decoder knows about the whole scenario.
struct SystemContext {
    let decoder: ScenarioDecoder
    let unitNames: [String]
    /// The kind name of each unit, or nil where the kind is missing or unknown.
    let unitKinds: [UnitKindName?]
    let attributes: [AttributeSpec]
    let calendar: SimCalendar
    /// Warm-up plus horizon in minutes, if both are valid.
    let runLength: SimTime?
    /// The index of each unit name.
    let unitIndex: [String: Int]
    /// What units need to know of the top-level `population`, or nil if there is none.
    let population: PopulationContext?
    /// Each unit's mapping as written (for references into another unit, e.g. an elective list's pool).
    let unitNodes: [ScenarioNode]

    init(decoder: ScenarioDecoder, unitNames: [String], unitKinds: [UnitKindName?], attributes: [AttributeSpec],
         calendar: SimCalendar, runLength: SimTime?, population: PopulationContext? = nil, unitNodes: [ScenarioNode] = []) {
        self.decoder = decoder
        self.unitNodes = unitNodes
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

    /// A unit named in a route: it must exist, must not be this unit (unless `allowSelf`: a ward's own
    /// readmissions, weeks later, may come straight back to it), and its kind must be in `kinds` (every kind but
    /// `arrivals` if nil).
    func target(_ name: String, _ location: SourceLocation, _ path: NodePath, kinds: [UnitKindName]? = nil,
                purpose: String = "a route", allowSelf: Bool = false) -> Int? {
        guard let i = system.unitIndex[name] else {
            d.report(location, path, "unknown unit '\(name)'\(Suggest.didYouMean(name, in: system.unitNames)); units: "
                     + Suggest.names(system.unitNames))
            return nil
        }
        guard i != index || allowSelf else {
            d.report(location, path, "unit '\(name)' cannot route to itself")
            return nil
        }
        guard let kind = system.unitKinds[i] else { return i }  // its missing or unknown kind is reported already
        let allowed = kinds ?? UnitKindName.destinations
        guard allowed.contains(kind) else {
            d.report(location, path, "\(purpose) cannot go to '\(name)', a unit of kind \(kind.rawValue); "
                     + "allowed kinds here: \(allowed.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return i
    }

    /// A route: a choice of units, possibly keyed by attributes.
    func route(_ node: ScenarioNode, _ path: NodePath, kinds: [UnitKindName]? = nil, purpose: String = "a route",
               allowSelf: Bool = false) -> Keyed<Outcome>? {
        d.keyed(node, path, attributes: attributes) { n, p in
            d.choice(n, p, what: "unit") { target($0, $1, $2, kinds: kinds, purpose: purpose, allowSelf: allowSelf) }
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
    func reference(_ name: String, _ location: SourceLocation, _ path: NodePath, kinds: [UnitKindName], role: String) -> Int? {
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
            d.report(location, path, "'\(name)' is a unit of kind \(kind.rawValue); \(role) must be a unit of kind "
                     + "\(kinds.map(\.rawValue).joined(separator: " or "))" + (candidates.isEmpty ? " (there is none)"
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
    let kind: UnitKindName
    let required: [String]
    let optional: [String]
    /// Keys (dotted paths inside the unit, `*` for any one key) whose mapping is one value of the format (a
    /// route, a distribution, a probability, a keyed table): an `extends` override replaces it whole instead of
    /// merging key by key (decision 22).
    let replacedWhole: [String]
    let decode: @Sendable (UnitContext) -> UnitKind?

    /// The kind's name in scenario files.
    var name: String { kind.rawValue }
    /// Every key a unit of this kind may have, `kind` first.
    var keys: [String] { ["kind"] + required + optional }
}

enum UnitKindForms {
    static let all: [UnitKindForm] = [
        UnitKindForm(kind: .arrivals, required: ["rate", "route"],
                     optional: ["by_ambulance", "mix", "from_population", "arrival_mode"],
                     replacedWhole: ["route", "mix.*"], decode: arrivals),
        UnitKindForm(kind: .ambulanceHandover, required: ["route"], optional: ["handover"],
                     replacedWhole: ["route", "handover"], decode: ambulanceHandover),
        UnitKindForm(kind: .emergencyDepartment, required: [],
                     optional: ["cubicles", "assessment", "route", "discipline", "type", "initial", "areas", "streaming",
                                "boarding_area", "bed_request_delay"],
                     replacedWhole: ["route", "assessment", "streaming", "bed_request_delay", "areas.*.route", "areas.*.assessment",
                                     "areas.*.hours"],
                     decode: emergencyDepartment),
        UnitKindForm(kind: .acuteWard, required: ["pathways", "acute_stay"],
                     optional: ["beds", "pools", "home_pool", "outliers", "escalation_rules", "turnaround", "pathway_mix",
                                "discharge_hours", "discharge_timing", "deconditioning", "initial", "follow_up"],
                     replacedWhole: ["pathway_mix", "acute_stay", "discharge_hours", "pathways.*.delay",
                                     "pathways.*.reassessed_as", "home_pool",
                                     "turnaround", "outliers.*.to", "deconditioning.escalation_per_day",
                                     "deconditioning.escalate_to", "follow_up.readmission.probability",
                                     "follow_up.readmission.factor", "follow_up.readmission.time", "follow_up.readmission.route",
                                     "follow_up.death", "follow_up.care_home_move", "follow_up.event_time"], decode: acuteWard),
        UnitKindForm(kind: .communityService, required: ["capacity", "stay", "route"], optional: ["initial", "accepts"],
                     replacedWhole: ["route", "stay", "accepts"], decode: communityService),
        UnitKindForm(kind: .beddedCare, required: ["beds", "stay", "route"], optional: ["initial", "accepts"],
                     replacedWhole: ["route", "stay", "accepts"], decode: beddedCare),
        UnitKindForm(kind: .exit, required: ["destination"], optional: ["readmission", "death", "care_home_move", "event_time"],
                     replacedWhole: ["readmission.probability", "readmission.factor", "readmission.time", "readmission.route", "death",
                                     "care_home_move", "event_time"], decode: exit),
        UnitKindForm(kind: .virtualWard, required: ["role", "places", "stay", "when_full", "route"],
                     optional: ["policy", "step_down", "escalation"],
                     replacedWhole: ["route", "stay", "step_down.eligible", "escalation.probability", "escalation.to"],
                     decode: virtualWard),
        UnitKindForm(kind: .urgentCommunityResponse, required: ["crews", "visit", "route"],
                     optional: ["travel", "hours", "out_of_hours"],
                     replacedWhole: ["route", "visit", "travel", "hours", "out_of_hours"], decode: urgentCommunityResponse),
        UnitKindForm(kind: .electiveList, required: ["referrals", "sessions", "ward", "stay", "route"],
                     optional: ["initial_list", "mix", "pool", "priorities", "day_case", "wait_before_listing"],
                     replacedWhole: ["route", "stay", "initial_list.wait", "initial_list.*.wait", "mix.*", "priorities",
                                     "day_case", "wait_before_listing", "pool"],
                     decode: electiveList),
    ]

    static var names: [String] { all.map(\.name) }

    static func named(_ name: String) -> UnitKindForm? { all.first { $0.name == name } }
    static func form(_ kind: UnitKindName) -> UnitKindForm? { all.first { $0.kind == kind } }

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
    static let serviceTargets: [UnitKindName] = [.communityService, .beddedCare, .exit]

    // MARK: Kinds

    @Sendable static func arrivals(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let rate = f.required("rate", RateForms.expected).flatMap {
            d.arrivalRate($0, p.key("rate"), calendar: u.system.calendar, runLength: u.system.runLength)
        }
        let byAmbulance = f["by_ambulance"].map { d.bool($0, p.key("by_ambulance")) } ?? false
        var arrivalMode: Int?
        if let n = f["arrival_mode"] {
            if let a = u.attributes.firstIndex(where: { $0.name == StandardAttribute.arrivalMode }) {
                let levels = u.attributes[a].levels
                arrivalMode = d.keyword(n, p.key("arrival_mode"), allowed: levels, what: "arrival mode").flatMap(levels.firstIndex)
            } else {
                d.report(n, p.key("arrival_mode"), "arrival_mode needs an attribute `arrival_mode` with levels including "
                         + "ambulance and walk_in (e.g. arrival_mode: [walk_in, ambulance, referral])")
            }
        }
        if let mixNode = f["mix"], let v = mixNode[StandardAttribute.arrivalMode], !v.isNull {
            d.report(v, p.key("mix").key(StandardAttribute.arrivalMode), "the arrival mode is set by the model (ambulance "
                     + "through a handover, else walk_in, or this unit's arrival_mode): remove this mix entry")
        }
        let fromPopulation = f["from_population"].map { d.bool($0, p.key("from_population")) } ?? false
        let mix = u.mix(f["mix"])
        let route = u.requiredRoute()
        if fromPopulation == true {
            populationStreamRules(u, rate: rate, mixOK: mix != nil)
        }
        guard d.count == before, let rate, let byAmbulance, let fromPopulation, let mix, let route else { return nil }
        return .arrivals(ArrivalsSpec(rate: rate, mix: mix, route: route, byAmbulance: byAmbulance,
                                      fromPopulation: fromPopulation, arrivalMode: arrivalMode))
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
        let initial = u.d.initialState(u.fields["initial"], u.path.key("initial"), attributes: u.attributes)
        let before = u.d.count
        let accepts = u.fields["accepts"].flatMap { openingHours($0, u.path.key("accepts"), calendar: u.system.calendar, u.d) }
        guard let places, let route, let stay, let initial, u.d.count == before else { return nil }
        return ServiceSpec(places: places, stay: stay, route: route, initial: initial, atHome: atHome, accepts: accepts)
    }

    @Sendable static func communityService(_ u: UnitContext) -> UnitKind? {
        service(u, places: "capacity", stay: "stay", atHome: true).map(UnitKind.communityService)
    }

    @Sendable static func beddedCare(_ u: UnitContext) -> UnitKind? {
        service(u, places: "beds", stay: "stay", atHome: false).map(UnitKind.beddedCare)
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
        let after = afterDischarge(u, f, p, rules: .attributesOnly, perNCTRDay: false)
        guard d.count == before, let destination, let after else { return nil }
        return .exit(ExitSpec(destination: destination, readmission: after.readmission, readmissionTime: after.readmissionTime,
                              readmissionRoute: after.readmissionRoute, death: after.death, careHomeMove: after.careHomeMove,
                              eventTime: after.eventTime, readmissionFactor: after.readmissionFactor))
    }

    /// The 91 days of events after a discharge (an exit's own, or an acute ward's `follow_up`): `readmission:
    /// {probability, factor, per_nctr_day (follow_up only), time, route}`, `death`, `care_home_move`, `event_time`,
    /// each possibly keyed by attributes (and, in `follow_up`, by `next`: the pathway); nil after reporting.
    static func afterDischarge(_ u: UnitContext, _ f: Fields, _ p: NodePath, rules: KeyRules, perNCTRDay: Bool)
        -> AfterDischargeSpec? {
        let d = u.d
        let before = d.count
        func probability(_ n: ScenarioNode, _ q: NodePath) -> Keyed<Double>? {
            d.keyed(n, q, attributes: u.attributes, rules: rules) { d.probability($0, $1) }
        }
        func distribution(_ n: ScenarioNode, _ q: NodePath) -> Keyed<Distribution>? {
            u.distribution(n, q, rules: rules)
        }
        var readmission: Keyed<Double>? = Keyed(0), factor: Keyed<Double>? = Keyed(1), perDay: Double? = 0
        var readmissionTime: Keyed<Distribution>? = Keyed(defaultEventTime)
        var readmissionRoute: Keyed<Outcome>?
        if let node = f["readmission"] {
            let rp = p.key("readmission")
            let keys = ["probability", "factor", "time", "route"] + (perNCTRDay ? ["per_nctr_day"] : [])
            if let g = d.fields(node, rp, allowed: keys,
                                expected: "{probability: p, factor: x, \(perNCTRDay ? "per_nctr_day: x, " : "")time: DISTRIBUTION, route: UNIT or {UNIT: p}}") {
                readmission = g.required("probability", "the chance of an emergency return within 91 days").flatMap {
                    probability($0, rp.key("probability"))
                }
                factor = g["factor"].map { n in
                    d.keyed(n, rp.key("factor"), attributes: u.attributes, rules: rules) {
                        d.number($0, $1, in: 0...100, "a factor from 0 to 100 on the chance (e.g. by frailty)")
                    }
                } ?? Keyed(1)
                perDay = g["per_nctr_day"].map {
                    d.number($0, rp.key("per_nctr_day"), in: -0.5...1, "a relative change per NCTR day from -0.5 to 1 (0.02 = +2% a day)")
                } ?? 0
                readmissionTime = g["time"].map { distribution($0, rp.key("time")) } ?? Keyed(defaultEventTime)
                readmissionRoute = g.required("route", "the unit a returning patient goes to first").flatMap {
                    u.route($0, rp.key("route"), kinds: UnitKindName.destinations.filter { $0 != .exit }, purpose: "a readmission",
                            allowSelf: perNCTRDay)
                }
            }
        }
        let death = f["death"].map { probability($0, p.key("death")) } ?? Keyed(0)
        let careHome = f["care_home_move"].map { probability($0, p.key("care_home_move")) } ?? Keyed(0)
        let eventTime = f["event_time"].map { distribution($0, p.key("event_time")) } ?? Keyed(defaultEventTime)
        guard d.count == before, let readmission, let factor, let perDay, let readmissionTime, let death, let careHome,
              let eventTime else { return nil }
        return AfterDischargeSpec(readmission: readmission, readmissionFactor: factor, readmissionPerNCTRDay: perDay,
                                  readmissionTime: readmissionTime, readmissionRoute: readmissionRoute, death: death,
                                  careHomeMove: careHome, eventTime: eventTime)
    }
}

import SimCore
import Stochastics

/// Builds a `SystemSpec` in Swift code, naming units instead of indexing them.
///
/// For analysts who script scenarios, and for tests:
/// ```swift
/// var b = SystemBuilder(name: "two wards", horizon: 365 * Duration.day)
/// b.arrivals("admissions", perDay: 20, to: ["ward": 1])
/// b.bedded("ward", beds: nil, stay: .lognormal(mean: 5 * Duration.day, sd: 3 * Duration.day), to: ["home": 1])
/// b.exit("home")
/// let spec = try b.build()
/// ```
/// Routes are recorded by name and resolved in `build()`, so units may be added in any order.
public struct SystemBuilder {
    public var name: String
    public var calendar: SimCalendar
    public var horizon: SimTime
    public var warmUp: SimTime
    public var seed: UInt64 = 1
    public var attributes: [AttributeSpec]
    private var units: [(name: String, make: (Resolver) throws -> UnitKind)] = []

    /// Route tables by name: `["ward": 0.7, "home": 0.3]`.
    public typealias Routes = KeyedValue<[String: Double]>

    public init(name: String, start: CivilDate = CivilDate(year: 2025, month: 4, day: 1), horizon: SimTime,
                warmUp: SimTime = 0, attributes: [AttributeSpec] = [AttributeSpec(name: "age_band", levels: ["18-64", "65-74", "75-84", "85+"])]) {
        self.name = name
        self.calendar = SimCalendar(startDate: start)
        self.horizon = horizon
        self.warmUp = warmUp
        self.attributes = attributes
    }

    /// A demand stream at a constant rate (or a profile), with an attribute mix by name.
    public mutating func arrivals(_ unit: String, perDay: Double, profile: RateProfile? = nil, byAmbulance: Bool = false,
                                  fromPopulation: Bool = false, mix: [String: [String: Double]] = [:], to routes: Routes) {
        let cal = calendar
        units.append((unit, { r in
            let rate = profile ?? RateProfile(perDay: perDay, calendar: cal)
            let mixes: [Keyed<EmpiricalChoice<Int>>?] = try r.attributes.map { a in
                guard let weights = mix[a.name] else { return nil }
                return Keyed(try r.choice(over: a.levels, weights, context: "\(unit).mix.\(a.name)"))
            }
            return .arrivals(ArrivalsSpec(rate: .profile(rate), mix: mixes, route: try r.route(routes, from: unit),
                                          byAmbulance: byAmbulance, fromPopulation: fromPopulation))
        }))
    }

    public mutating func handover(_ unit: String, handover: Distribution, to routes: Routes) {
        units.append((unit, { r in
            .ambulanceHandover(HandoverSpec(handover: Keyed(handover), route: try r.route(routes, from: unit)))
        }))
    }

    /// An ED: `cubicles` nil = unlimited; `assessment` may depend on the drawn outcome (by unit name).
    public mutating func emergencyDepartment(_ unit: String, cubicles: Int?, assessment: Distribution,
                                             assessmentByOutcome: [String: Distribution] = [:], to routes: Routes,
                                             initial: InitialState = InitialState()) {
        units.append((unit, { r in
            let route = try r.route(routes, from: unit)
            return .emergencyDepartment(EmergencyDepartmentSpec(
                cubicles: Self.places(cubicles), assessment: try r.byNext(assessment, assessmentByOutcome, route: routes),
                route: route, initial: initial))
        }))
    }

    /// A caseload service at home (reablement, home care): `capacity` nil = unlimited.
    public mutating func communityService(_ unit: String, capacity: Int?, stay: Distribution, to routes: Routes,
                                          initial: InitialState = InitialState()) {
        units.append((unit, { r in
            .communityService(ServiceSpec(places: Self.places(capacity), stay: Keyed(stay),
                                          route: try r.route(routes, from: unit), initial: initial, atHome: true))
        }))
    }

    /// Bedded care or any generic ward: `beds` nil = unlimited; the stay may depend on the drawn destination.
    public mutating func bedded(_ unit: String, beds: Int?, schedule: CapacitySchedule? = nil, stay: Distribution,
                                stayByNext: [String: Distribution] = [:], to routes: Routes,
                                initial: InitialState = InitialState()) {
        units.append((unit, { r in
            let places = schedule.map { PlacesSpec.schedule($0) } ?? Self.places(beds)
            return .beddedCare(ServiceSpec(places: places, stay: try r.byNext(stay, stayByNext, route: routes),
                                           route: try r.route(routes, from: unit), initial: initial, atHome: false))
        }))
    }

    /// One pathway of an acute ward.
    public struct Pathway {
        public var name: String, to: String, share: Double, delay: Distribution
        public var withinDischargeHours: Bool, countsFor91Day: Bool
        public init(_ name: String, to: String, share: Double, delay: Distribution = .constant(0),
                    withinDischargeHours: Bool = false, countsFor91Day: Bool = false) {
            self.name = name; self.to = to; self.share = share; self.delay = delay
            self.withinDischargeHours = withinDischargeHours; self.countsFor91Day = countsFor91Day
        }
    }

    public mutating func acuteWard(_ unit: String, beds: Int?, schedule: CapacitySchedule? = nil, acuteStay: Distribution,
                                   pathways: [Pathway], dischargeHours: (open: SimTime, close: SimTime) = (8 * 60, 20 * 60),
                                   escalation: [String: (perDay: Double, to: String)] = [:], independenceLossPerDay: Double = 0,
                                   initial: InitialState = InitialState()) {
        units.append((unit, { r in
            let names = pathways.map(\.name)
            let specs = try pathways.map { p in
                PathwaySpec(name: p.name, target: try r.unit(p.to, context: "\(unit).pathways.\(p.name)"),
                            delay: Keyed(p.delay), withinDischargeHours: p.withinDischargeHours, countsFor91Day: p.countsFor91Day)
            }
            let mix = try r.choice(over: names, Dictionary(uniqueKeysWithValues: pathways.map { ($0.name, $0.share) }),
                                   context: "\(unit).pathway_mix")
            let places = schedule.map { PlacesSpec.schedule($0) } ?? Self.places(beds)
            return .acuteWard(AcuteWardSpec(
                beds: places, pathways: specs, pathwayMix: Keyed(mix), acuteStay: Keyed(acuteStay),
                dischargeOpen: dischargeHours.open, dischargeClose: dischargeHours.close,
                escalationPerDay: names.map { escalation[$0]?.perDay ?? 0 },
                escalateTo: try names.map { n in try escalation[n].map { e in
                    guard let i = names.firstIndex(of: e.to) else { throw BuildError("\(unit): no pathway \(e.to)") }
                    return i
                } },
                independenceLossPerDay: independenceLossPerDay, initial: initial))
        }))
    }

    public mutating func exit(_ unit: String, destination: ExitSpec.Destination = .home, readmission: Double = 0,
                              readmissionTime: Distribution = .exponential(mean: 30 * Duration.day),
                              readmitTo: String? = nil, death: Double = 0, careHomeMove: Double = 0) {
        units.append((unit, { r in
            .exit(ExitSpec(destination: destination, readmission: Keyed(readmission), readmissionTime: Keyed(readmissionTime),
                           readmissionRoute: try readmitTo.map { Keyed(try r.choice(over: r.unitNames, [$0: 1], context: "\(unit).readmission")) },
                           death: Keyed(death), careHomeMove: Keyed(careHomeMove),
                           eventTime: Keyed(.uniform(low: 0, high: 91 * Duration.day))))
        }))
    }

    /// A virtual ward (hub or spoke). `stepDownFrom` names acute wards; `policy` pull or refer.
    public mutating func virtualWard(_ unit: String, role: VirtualWardSpec.Role = .hub, places: Int?, stay: Distribution,
                                     policy: VirtualWardSpec.Policy = .refer, whenFull: String, stepDownFrom: [String] = [],
                                     eligible: Double = 0, eligibleAfter: Double = 0.5, escalation: Double = 0,
                                     escalateTo: String? = nil, to routes: Routes) {
        units.append((unit, { r in
            let full = try r.unit(whenFull, context: "\(unit).when_full")
            return .virtualWard(VirtualWardSpec(
                role: role, places: Self.places(places), stay: Keyed(stay), policy: policy, whenFull: full,
                stepDownFrom: try stepDownFrom.map { try r.unit($0, context: "\(unit).step_down.from") },
                stepDownEligible: Keyed(eligible), eligibleAfterFraction: eligibleAfter, escalation: Keyed(escalation),
                escalateTo: Keyed(try r.choice(over: r.unitNames, [escalateTo ?? whenFull: 1], context: "\(unit).escalation")),
                route: try r.route(routes, from: unit)))
        }))
    }

    /// The 2-hour urgent community response: crews (a schedule), a visit, outcomes.
    /// `travel` is on the 2-hour clock (the crew is busy for travel and visit); with `hours`, referrals outside
    /// them go by `outOfHours` (unit names, or `UrgentResponseSpec.waitForOpeningName` to wait for opening).
    public mutating func urgentResponse(_ unit: String, crews: CapacitySchedule, visit: Distribution,
                                        travel: Distribution = .constant(0), hours: OpeningHours? = nil,
                                        outOfHours: [String: Double] = [UrgentResponseSpec.waitForOpeningName: 1], to routes: Routes) {
        units.append((unit, { r in
            let names = r.unitNames + [UrgentResponseSpec.waitForOpeningName]
            let ooh = try r.choice(over: names, outOfHours, context: "\(unit).out_of_hours")
            let mapped = EmpiricalChoice(values: ooh.values.map { $0 == r.unitNames.count ? UrgentResponseSpec.waitForOpening : $0 },
                                         weights: ooh.probabilities)!
            return .urgentCommunityResponse(UrgentResponseSpec(crews: .schedule(crews), visit: Keyed(visit),
                                                               route: try r.route(routes, from: unit), travel: Keyed(travel),
                                                               hours: hours, outOfHours: Keyed(mapped)))
        }))
    }

    /// An elective list using `ward`'s beds. `sessions`: (minutes from Monday 00:00, patients called).
    /// `initialList` (if given) replaces `initialSize`/`initialWait`; `pools` are indices of the ward's pools in
    /// order of preference; `priorities` are most urgent first.
    public mutating func electiveList(_ unit: String, referralsPerDay: Double, sessions: [(SimTime, Int)], ward: String,
                                      stay: Distribution, to routes: Routes, initialSize: Int = 0,
                                      initialWait: Distribution = .uniform(low: 0, high: 52 * Duration.week),
                                      initialList: [InitialCohort]? = nil, pools: [Int] = [0],
                                      priorities: [ElectivePriority] = [.routine], dayCase: Double = 0,
                                      waitBeforeListing: Distribution = .constant(0)) {
        let cal = calendar
        units.append((unit, { r in
            .electiveList(ElectiveListSpec(
                referrals: RateProfile(perDay: referralsPerDay, calendar: cal), sessions: sessions.map { ($0.0, $0.1) },
                ward: try r.unit(ward, context: "\(unit).ward"), stay: Keyed(stay), route: try r.route(routes, from: unit),
                initialList: initialList ?? (initialSize > 0 ? [InitialCohort(size: initialSize, wait: initialWait)] : []),
                mix: r.attributes.map { _ in nil }, pools: pools, priorities: priorities, dayCase: Keyed(dayCase),
                waitBeforeListing: Keyed(waitBeforeListing)))
        }))
    }

    /// Demand from registered populations (the builder's attributes must include the neighbourhood attribute,
    /// with the neighbourhoods' names as its levels, and `age_band`).
    public var population: PopulationSpec?
    public var costs: CostSpec?

    /// Resolves names, checks the system (`SystemSpec.problems()`) and returns the spec.
    public func build() throws -> SystemSpec {
        let r = Resolver(unitNames: units.map(\.name), attributes: attributes)
        guard Set(r.unitNames).count == r.unitNames.count else { throw BuildError("unit names must be unique") }
        let kinds = try units.map { try $0.make(r) }
        let spec = SystemSpec(name: name, calendar: calendar, horizon: horizon, warmUp: warmUp, attributes: attributes,
                              units: zip(units, kinds).map { UnitSpec(name: $0.0.name, kind: $0.1) }, seed: seed,
                              population: population, costs: costs)
        // The same rules as a scenario file (`SystemSpec.problems()`): cycles that would loop for ever are refused.
        let problems = spec.problems()
        guard problems.isEmpty else { throw BuildError(problems.map(\.description).joined(separator: "\n")) }
        return spec
    }

    static func places(_ n: Int?) -> PlacesSpec { n.map { .fixed($0) } ?? .unlimited }

    public struct BuildError: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }

    /// Name resolution for `build()`.
    public struct Resolver {
        let unitNames: [String]
        let attributes: [AttributeSpec]

        func unit(_ name: String, context: String) throws -> Int {
            guard let i = unitNames.firstIndex(of: name) else { throw BuildError("\(context): no unit named \(name)") }
            return i
        }

        func choice(over names: [String], _ weights: [String: Double], context: String) throws -> EmpiricalChoice<Int> {
            for k in weights.keys where !names.contains(k) { throw BuildError("\(context): unknown \(k)") }
            let keys = weights.keys.sorted { names.firstIndex(of: $0)! < names.firstIndex(of: $1)! }
            guard let c = EmpiricalChoice(values: keys.map { names.firstIndex(of: $0)! }, weights: keys.map { weights[$0]! })
            else { throw BuildError("\(context): weights must be >= 0 and not all 0") }
            return c
        }

        func route(_ routes: Routes, from unit: String) throws -> Keyed<EmpiricalChoice<Int>> {
            switch routes {
            case .single(let w): return Keyed(try choice(over: unitNames, w, context: "\(unit).route"))
            case .by(let attr, let table):
                guard let a = attributes.firstIndex(where: { $0.name == attr }) else { throw BuildError("\(unit): no attribute \(attr)") }
                let levels = attributes[a].levels
                let values = try levels.map { l -> EmpiricalChoice<Int> in
                    guard let w = table[l] else { throw BuildError("\(unit).route: no row for \(attr) = \(l)") }
                    return try choice(over: unitNames, w, context: "\(unit).route.\(l)")
                }
                return Keyed(keys: [.attribute(a)], sizes: [levels.count], values: values)
            }
        }

        /// A stay that depends on the destination drawn on entry (`next`): one distribution per route outcome.
        func byNext(_ base: Distribution, _ byName: [String: Distribution], route: Routes) throws -> Keyed<Distribution> {
            guard !byName.isEmpty else { return Keyed(base) }
            return Keyed(keys: [.next], sizes: [unitNames.count], values: unitNames.map { byName[$0] ?? base })
        }
    }
}

/// A value that is the same for everyone or depends on one attribute (builder convenience).
public enum KeyedValue<Value> {
    case single(Value)
    case by(String, [String: Value])
}

extension KeyedValue: ExpressibleByDictionaryLiteral where Value == [String: Double] {
    public init(dictionaryLiteral elements: (String, Double)...) {
        self = .single(Dictionary(uniqueKeysWithValues: elements))
    }
}

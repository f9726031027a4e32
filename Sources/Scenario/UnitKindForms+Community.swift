import PatientFlow
import SimCore
import Stochastics

/// The community unit kinds: virtual wards, the urgent community response and elective lists.
enum CommunityForms {
    static let policyExpected = "refer, or {pull: {rounds: [\"09:00\", \"14:00\"], target_occupancy: 0.8}}"
    static let pullKeys = ["rounds", "target_occupancy"]
    static let stepDownKeys = ["from", "eligible", "eligible_after", "wait_for_service"]
    static let escalationKeys = ["probability", "to"]
    /// Default `step_down.eligible_after`: eligible half-way through the acute phase.
    static let defaultEligibleAfter = 0.5
    /// Where an escalation may go: back through the front door, or direct to a bed (a spoke: to the hub).
    static let escalationKinds: [UnitKindName] = [.ambulanceHandover, .emergencyDepartment, .acuteWard, .beddedCare, .virtualWard]

    static let sessionKeys = ["day", "at", "patients"]
    static let initialListKeys = ["size", "wait"]
    /// Day names (Monday first) and their long forms.
    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let longDays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    static let maximumSessionPatients = 10_000
    /// At most as many patients as a replication may hold at once.
    static let maximumInitialList = SystemSimulation.maximumPatientsPresent
    /// Default waits of the patients on the list at the start: uniform over a year.
    static let defaultInitialWait = Distribution.uniform(low: 0, high: 52 * Duration.week)
}

extension ScenarioDecoder {
    /// One of a fixed set of words; an unknown one is reported with the nearest allowed word.
    func keyword(_ node: ScenarioNode, _ path: NodePath, allowed: [String], what: String) -> String? {
        guard let s = string(node, path, "\(what): \(allowed.joined(separator: ", "))") else { return nil }
        guard allowed.contains(s) else {
            report(node, path, "unknown \(what) '\(s)'\(Suggest.didYouMean(s, in: allowed)); allowed: \(allowed.joined(separator: ", "))")
            return nil
        }
        return s
    }

    /// A name or a list of names (a single name is a list of one); at least one, none twice.
    func names(_ node: ScenarioNode, _ path: NodePath, what: String) -> [(String, ScenarioNode, NodePath)]? {
        let items: [(ScenarioNode, NodePath)]
        switch node.value {
        case .scalar: items = [(node, path)]
        case .sequence(let xs): items = xs.enumerated().map { ($1, path.index($0)) }
        default:
            expected("a list of \(what)s (or one \(what))", node, path)
            return nil
        }
        guard !items.isEmpty else {
            report(node, path, "needs at least one \(what)")
            return nil
        }
        let before = count
        var out: [(String, ScenarioNode, NodePath)] = []
        for (item, p) in items {
            guard let s = string(item, p, "a \(what)") else { continue }
            if out.contains(where: { $0.0 == s }) {
                report(item, p, "'\(s)' is listed twice")
            } else {
                out.append((s, item, p))
            }
        }
        return count == before ? out : nil
    }
}

extension UnitKindForms {
    // MARK: Virtual ward

    @Sendable static func virtualWard(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let roles = VirtualWardSpec.Role.allCases.map(\.rawValue)
        let role = f.required("role", "hub or spoke").flatMap {
            d.keyword($0, p.key("role"), allowed: roles, what: "role").flatMap(VirtualWardSpec.Role.init(rawValue:))
        }
        let places = u.places("places")
        let stay = f.required("stay", DistributionForms.expected).flatMap { u.distribution($0, p.key("stay")) }
        let whenFull = f.required("when_full", "the unit a step-up goes to when the ward is full (e.g. the ED)").flatMap { n -> Int? in
            guard let s = d.string(n, p.key("when_full"), "a unit name") else { return nil }
            return u.target(s, n.location, p.key("when_full"), purpose: "a step-up to a full ward")
        }
        let policy = f["policy"].map { pullPolicy($0, p.key("policy"), d) } ?? .refer

        // Step-down from acute wards.
        var stepDownFrom: [Int]? = []
        var eligible: Keyed<Double>? = Keyed(0)
        var eligibleAfter: Double? = CommunityForms.defaultEligibleAfter
        var serviceWait: VirtualWardSpec.ServiceWait? = .onWard
        if let node = f["step_down"] {
            let sp = p.key("step_down")
            if let g = d.fields(node, sp, allowed: CommunityForms.stepDownKeys,
                                expected: "{from: [ACUTE_WARD, ...], eligible: p, eligible_after: fraction, wait_for_service: on_ward or at_home}") {
                stepDownFrom = g.required("from", "the acute wards whose inpatients may step down here").flatMap { n in
                    d.names(n, sp.key("from"), what: "acute ward name").flatMap { names -> [Int]? in
                        let found = names.compactMap { name, node, path in
                            u.reference(name, node.location, path, kinds: [.acuteWard], role: "a ward patients step down from")
                        }
                        return found.count == names.count ? found : nil
                    }
                }
                eligible = g.required("eligible", "the chance that an inpatient is eligible to step down here").flatMap {
                    u.probability($0, sp.key("eligible"))
                }
                eligibleAfter = g["eligible_after"].map {
                    d.number($0, sp.key("eligible_after"), in: 0...1,
                             "a fraction of the acute phase from 0 to 1 (0.5: eligible half-way through it)")
                } ?? CommunityForms.defaultEligibleAfter
                serviceWait = g["wait_for_service"].map { n in
                    d.keyword(n, sp.key("wait_for_service"), allowed: VirtualWardSpec.ServiceWait.allCases.map(\.rawValue),
                              what: "place to wait for the pathway's service").flatMap(VirtualWardSpec.ServiceWait.init(rawValue:))
                } ?? .onWard
            } else {
                stepDownFrom = nil
            }
        }
        if case .pull? = policy, f["step_down"] == nil {
            d.report(f["policy"]!, p.key("policy"), "policy pull fills places with step-down patients from the acute wards "
                     + "in step_down.from: add step_down, or use policy: refer")
        }

        // Escalation during the stay.
        var escalation: Keyed<Double>? = Keyed(0)
        var escalateTo: Keyed<Outcome>? = whenFull.map { Keyed(EmpiricalChoice(values: [$0], weights: [1])!) }
        if let node = f["escalation"] {
            let ep = p.key("escalation")
            if let g = d.fields(node, ep, allowed: CommunityForms.escalationKeys,
                                expected: "{probability: p, to: UNIT or {UNIT: p, ...}}") {
                escalation = g.required("probability", "the chance of escalating during the stay").flatMap {
                    u.probability($0, ep.key("probability"))
                }
                if let to = g["to"] {
                    escalateTo = u.route(to, ep.key("to"), kinds: CommunityForms.escalationKinds, purpose: "an escalation")
                } else if let whenFull, let kind = u.system.unitKinds[whenFull], !CommunityForms.escalationKinds.contains(kind) {
                    d.report(node, ep.key("to"), "missing key 'to': escalations go to when_full by default, but "
                             + "'\(u.system.unitNames[whenFull])' is a unit of kind \(kind.rawValue); give escalation.to (a unit of kind "
                             + "\(CommunityForms.escalationKinds.map(\.rawValue).joined(separator: ", ")))")
                    escalateTo = nil
                }
            } else {
                escalation = nil
            }
        }
        let route = u.requiredRoute()
        guard d.count == before, let role, let places, let stay, let whenFull, let policy, let stepDownFrom, let eligible,
              let eligibleAfter, let serviceWait, let escalation, let escalateTo, let route else { return nil }
        return .virtualWard(VirtualWardSpec(role: role, places: places, stay: stay, policy: policy, whenFull: whenFull,
                                            stepDownFrom: stepDownFrom, stepDownEligible: eligible,
                                            eligibleAfterFraction: eligibleAfter, escalation: escalation,
                                            escalateTo: escalateTo, route: route, serviceWait: serviceWait))
    }

    /// `refer`, or `{pull: {rounds: ["HH:MM", ...], target_occupancy: fraction}}` (rounds sorted).
    static func pullPolicy(_ node: ScenarioNode, _ path: NodePath, _ d: ScenarioDecoder) -> VirtualWardSpec.Policy? {
        switch node.value {
        case .scalar(let s, _):
            if s == "refer" { return .refer }
            if s == "pull" {
                d.report(node, path, "policy pull needs its rounds and target: {pull: {rounds: [\"09:00\", \"14:00\"], "
                         + "target_occupancy: 0.8}}")
            } else {
                d.report(node, path, "unknown policy '\(s)'\(Suggest.didYouMean(s, in: ["refer", "pull"])); allowed: "
                         + CommunityForms.policyExpected)
            }
            return nil
        case .mapping:
            guard let f = d.fields(node, path, allowed: ["pull"], expected: CommunityForms.policyExpected),
                  let pull = f.required("pull", "{rounds: [\"HH:MM\", ...], target_occupancy: fraction}") else { return nil }
            let pp = path.key("pull")
            guard let g = d.fields(pull, pp, allowed: CommunityForms.pullKeys,
                                   expected: "{rounds: [\"HH:MM\", ...], target_occupancy: fraction}") else { return nil }
            let before = d.count
            var rounds: [SimTime] = []
            if let node = g.required("rounds", "the times of day of the rounds, a list of \"HH:MM\"") {
                let rp = pp.key("rounds")
                var items: [(ScenarioNode, NodePath)] = []
                switch node.value {
                case .scalar: items = [(node, rp)]
                case .sequence(let xs): items = xs.enumerated().map { ($1, rp.index($0)) }
                default: d.expected("a list of times of day \"HH:MM\"", node, rp)
                }
                if case .sequence(let xs) = node.value, xs.isEmpty { d.report(node, rp, "needs at least one round") }
                for (n, q) in items {
                    guard let t = d.clockTime(n, q) else { continue }
                    if rounds.contains(t) {
                        d.report(n, q, "two rounds at the same time of day")
                    } else {
                        rounds.append(t)
                    }
                }
            }
            let target = g.required("target_occupancy", "the occupancy a round fills the ward to, a fraction in (0, 1], e.g. 0.8")
                .flatMap { n -> Double? in
                    guard let x = d.number(n, pp.key("target_occupancy"), "a fraction of the places in (0, 1], e.g. 0.8") else { return nil }
                    guard x > 0 && x <= 1 else {
                        d.report(n, pp.key("target_occupancy"), "\(d.format(x)) is out of range: expected a fraction of the "
                                 + "places in (0, 1], e.g. 0.8")
                        return nil
                    }
                    return x
                }
            guard d.count == before, !rounds.isEmpty, let target else { return nil }
            return .pull(rounds: rounds.sorted(), targetOccupancy: target)
        default:
            d.expected(CommunityForms.policyExpected, node, path)
            return nil
        }
    }

    // MARK: Urgent community response

    @Sendable static func urgentCommunityResponse(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let crews = u.places("crews")
        let visit = f.required("visit", DistributionForms.expected).flatMap { u.distribution($0, p.key("visit")) }
        let route = u.requiredRoute()
        guard d.count == before, let crews, let visit, let route else { return nil }
        return .urgentCommunityResponse(UrgentResponseSpec(crews: crews, visit: visit, route: route))
    }

    // MARK: Elective list

    @Sendable static func electiveList(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        let referrals = f.required("referrals", RateForms.expectedProfile).flatMap {
            d.rateProfile($0, p.key("referrals"), calendar: u.system.calendar, what: "elective referrals")
        }
        let sessions = f.required("sessions", "a list of {day: mon ... sun, at: \"HH:MM\", patients: N}").flatMap {
            self.sessions($0, p.key("sessions"), d)
        }
        let ward = f.required("ward", "the acute_ward unit whose beds the list uses").flatMap { n -> Int? in
            guard let s = d.string(n, p.key("ward"), "a unit name") else { return nil }
            return u.reference(s, n.location, p.key("ward"), kinds: [.acuteWard], role: "an elective list's ward")
        }
        let stay = f.required("stay", DistributionForms.expected).flatMap { u.distribution($0, p.key("stay")) }
        let route = u.requiredRoute()
        var initialSize: Int? = 0
        var initialWait: Distribution? = CommunityForms.defaultInitialWait
        if let node = f["initial_list"] {
            let ip = p.key("initial_list")
            if let g = d.fields(node, ip, allowed: CommunityForms.initialListKeys, expected: "{size: N, wait: DISTRIBUTION}") {
                initialSize = g["size"].map {
                    d.integer($0, ip.key("size"), in: 0...CommunityForms.maximumInitialList,
                              "a whole number of patients from 0 to \(CommunityForms.maximumInitialList)")
                } ?? 0
                initialWait = g["wait"].map { n -> Distribution? in
                    if d.isKeyed(n) {
                        d.report(n, ip.key("wait"), "the waits of the initial list are one distribution for everyone, "
                                 + "not a table")
                        return nil
                    }
                    return d.distribution(n, ip.key("wait"))
                } ?? CommunityForms.defaultInitialWait
            } else {
                initialSize = nil
            }
        }
        let mix = u.mix(f["mix"])
        var pool: Int? = 0
        if let n = f["pool"], let ward {
            // The ward's pools as written (the ward may be decoded after this list).
            let pools = u.system.unitNodes[ward]["pools"]?.entries?.map(\.key) ?? [""]
            pool = d.string(n, p.key("pool"), "a pool name of the ward").flatMap {
                poolIndex(u, pools, $0, n.location, p.key("pool"))
            }
        }
        guard d.count == before, let referrals, let sessions, let ward, let stay, let route, let initialSize,
              let initialWait, let mix, let pool else { return nil }
        return .electiveList(ElectiveListSpec(referrals: referrals, sessions: sessions, ward: ward, stay: stay, route: route,
                                              initialSize: initialSize, initialWait: initialWait, mix: mix, pool: pool))
    }

    /// `[{day, at, patients}, ...]` as (minutes from Monday 00:00, patients), in order of time of week.
    static func sessions(_ node: ScenarioNode, _ path: NodePath, _ d: ScenarioDecoder) -> [(timeOfWeek: SimTime, patients: Int)]? {
        let what = "a list of {day: mon ... sun, at: \"HH:MM\", patients: N}"
        guard let items = d.sequence(node, path, what) else { return nil }
        guard !items.isEmpty else {
            d.report(node, path, "needs at least one session")
            return nil
        }
        let before = d.count
        var out: [(timeOfWeek: SimTime, patients: Int)] = []
        for (i, item) in items.enumerated() {
            let sp = path.index(i)
            guard let g = d.fields(item, sp, allowed: CommunityForms.sessionKeys,
                                   expected: "a session {day: mon ... sun, at: \"HH:MM\", patients: N}") else { continue }
            let day = g.required("day", "a day of the week: \(CommunityForms.days.joined(separator: ", "))").flatMap { n -> Int? in
                guard let s = d.string(n, sp.key("day"), "a day of the week: \(CommunityForms.days.joined(separator: ", "))")
                else { return nil }
                if let i = CommunityForms.days.firstIndex(of: s) ?? CommunityForms.longDays.firstIndex(of: s) { return i }
                let suggestion = Suggest.nearest(s, in: CommunityForms.days + CommunityForms.longDays)
                    .map { "; did you mean '\($0)'?" } ?? ""
                d.report(n, sp.key("day"), "unknown day '\(s)'\(suggestion); allowed: "
                         + "\(CommunityForms.days.joined(separator: ", ")) (or monday ... sunday)")
                return nil
            }
            let at = g.required("at", Expect.clock).flatMap { d.clockTime($0, sp.key("at")) }
            let patients = g.required("patients", "the number of patients the session calls").flatMap {
                d.integer($0, sp.key("patients"), in: 1...CommunityForms.maximumSessionPatients,
                          "a whole number of patients from 1 to \(CommunityForms.maximumSessionPatients)")
            }
            guard let day, let at, let patients else { continue }
            out.append((Double(day) * Duration.day + at, patients))
        }
        guard d.count == before, out.count == items.count else { return nil }
        return out.enumerated().sorted { ($0.element.timeOfWeek, $0.offset) < ($1.element.timeOfWeek, $1.offset) }.map(\.element)
    }
}

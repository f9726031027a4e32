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
    static let bandKeys = ["from", "to", "patients"]
    static let priorityKeys = ["share", "target"]
    /// Letters, digits, _ and - (priority names become parts of metric ids), not a table marker.
    static func isPriorityName(_ s: String) -> Bool {
        !s.isEmpty && !SystemForm.reservedNames.contains(s)
            && s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
    }
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
        let travel = f["travel"].map { u.distribution($0, p.key("travel")) } ?? Keyed(.constant(0))
        let hours = f["hours"].flatMap { openingHours($0, p.key("hours"), calendar: u.system.calendar, d) }
        var outOfHours: Keyed<Outcome>? = Keyed(EmpiricalChoice(values: [UrgentResponseSpec.waitForOpening], weights: [1])!)
        if let n = f["out_of_hours"] {
            if f["hours"] == nil {
                d.report(n, p.key("out_of_hours"), "out_of_hours says where referrals go while the service is closed: "
                         + "give its operating hours too (e.g. hours: \"08:00-20:00\"), or remove out_of_hours")
                outOfHours = nil
            } else {
                outOfHours = Self.outOfHoursRoute(u, n, p.key("out_of_hours"))
            }
        }
        let route = u.requiredRoute()
        guard d.count == before, let crews, let visit, let travel, let outOfHours, let route else { return nil }
        return .urgentCommunityResponse(UrgentResponseSpec(crews: crews, visit: visit, route: route, travel: travel,
                                                           hours: hours, outOfHours: outOfHours))
    }

    /// Where a UCR's referrals go while it is closed: units (not arrivals or elective lists), or
    /// `wait_for_opening`: wait at home for the service to open; a choice like a route, keyed by attributes.
    static func outOfHoursRoute(_ u: UnitContext, _ node: ScenarioNode, _ path: NodePath) -> Keyed<Outcome>? {
        let wait = UrgentResponseSpec.waitForOpeningName
        return u.d.keyed(node, path, attributes: u.attributes) { n, q in
            u.d.choice(n, q, what: "unit (or \(wait))") { name, location, path in
                guard name == wait else {
                    return u.target(name, location, path, purpose: "an out-of-hours referral")
                }
                if u.system.unitIndex[wait] != nil {
                    u.d.report(location, path, "'\(wait)' means waiting at home for the service to open, but a unit has "
                               + "that name too: rename the unit")
                    return nil
                }
                return UrgentResponseSpec.waitForOpening
            }
        }
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
        let priorities = f["priorities"].map { Self.electivePriorities($0, p.key("priorities"), d) } ?? [.routine]
        let dayCase = f["day_case"].map { u.probability($0, p.key("day_case")) } ?? Keyed(0)
        let waitBeforeListing = f["wait_before_listing"].map { u.distribution($0, p.key("wait_before_listing")) }
            ?? Keyed(.constant(0))
        let initialList: [InitialCohort]? = f["initial_list"].flatMap { n in
            priorities.flatMap { Self.initialList(n, p.key("initial_list"), priorities: $0, d) }
        } ?? (f["initial_list"] == nil ? [] : nil)
        let mix = u.mix(f["mix"])
        var pools: [Int]? = [0]
        if let n = f["pool"], let ward {
            // The ward's pools as written (the ward may be decoded after this list).
            let names = u.system.unitNodes[ward]["pools"]?.entries?.map(\.key) ?? [""]
            pools = d.names(n, p.key("pool"), what: "pool name").flatMap { found -> [Int]? in
                let indices = found.compactMap { name, node, path in poolIndex(u, names, name, node.location, path) }
                return indices.count == found.count ? indices : nil
            }
        }
        guard d.count == before, let referrals, let sessions, let ward, let stay, let route, let priorities, let dayCase,
              let waitBeforeListing, let initialList, let mix, let pools else { return nil }
        return .electiveList(ElectiveListSpec(referrals: referrals, sessions: sessions, ward: ward, stay: stay, route: route,
                                              initialList: initialList, mix: mix, pools: pools, priorities: priorities,
                                              dayCase: dayCase, waitBeforeListing: waitBeforeListing))
    }

    /// `{NAME: {share, target}, ...}`: the clinical priorities, most urgent first, shares summing to 1.
    static func electivePriorities(_ node: ScenarioNode, _ path: NodePath, _ d: ScenarioDecoder) -> [ElectivePriority]? {
        let what = "a mapping from priority names (most urgent first, e.g. P2, P3, P4) to {share, target}"
        guard case .mapping(let entries) = node.value else {
            d.expected(what, node, path)
            return nil
        }
        guard !entries.isEmpty else {
            d.report(node, path, "needs at least one priority")
            return nil
        }
        let before = d.count
        var out: [ElectivePriority] = []
        for e in entries {
            let pp = path.key(e.key)
            if !CommunityForms.isPriorityName(e.key) {
                d.report(e.keyLocation, pp, "priority names use letters, digits, _ and - only (e.g. P2), and not 'by' or 'table'")
            }
            guard let g = d.fields(e.value, pp, allowed: CommunityForms.priorityKeys,
                                   expected: "a priority {share: fraction of referrals, target: DURATION}") else { continue }
            let share = g.required("share", "the fraction of referrals at this priority").flatMap { d.probability($0, pp.key("share")) }
            let target = g.required("target", "the target time from listing to treatment, e.g. 4w").flatMap { n -> Double? in
                guard let t = d.duration(n, pp.key("target")) else { return nil }
                guard t > 0 else {
                    d.report(n, pp.key("target"), "a target must be longer than 0")
                    return nil
                }
                return t
            }
            if let share, let target { out.append(ElectivePriority(name: e.key, share: share, target: target)) }
        }
        guard d.count == before, out.count == entries.count else { return nil }
        let sum = out.reduce(0) { $0 + $1.share }
        guard abs(sum - 1) <= ScenarioDecoder.sumTolerance else {
            d.report(node, path, "the priorities' shares sum to \(d.formatSum(sum)); they must sum to 1 (within "
                     + "1e-6)")
            return nil
        }
        return out
    }

    /// The list at the start: `{size, wait}` (each patient's priority drawn from the referral mix), or by priority
    /// `{NAME: {size, wait} or [{from, to, patients}, ...], ...}` (a snapshot's bands of waits).
    static func initialList(_ node: ScenarioNode, _ path: NodePath, priorities: [ElectivePriority],
                            _ d: ScenarioDecoder) -> [InitialCohort]? {
        let names = priorities.map(\.name)
        let expected = "{size: N, wait: DISTRIBUTION}, or by priority {\(names.first ?? "P2"): {size, wait} or a list of "
            + "bands [{from: 0w, to: 18w, patients: N}, ...], ...}"
        guard case .mapping(let entries) = node.value else {
            d.expected(expected, node, path)
            return nil
        }
        let before = d.count
        var out: [InitialCohort] = []
        if entries.allSatisfy({ CommunityForms.initialListKeys.contains($0.key) }) {
            // One cohort for the whole list.
            guard let c = initialCohort(node, path, priority: -1, d) else { return nil }
            out = c.size > 0 ? [c] : []
        } else {
            for e in entries {
                let pp = path.key(e.key)
                guard let k = names.firstIndex(of: e.key) else {
                    d.report(e.keyLocation, pp, "unknown priority '\(e.key)'\(Suggest.didYouMean(e.key, in: names)); expected "
                             + "\(Suggest.list(CommunityForms.initialListKeys, quoted: true)) or the list's priorities: "
                             + Suggest.names(names))
                    continue
                }
                if case .sequence(let bands) = e.value.value {
                    for (i, band) in bands.enumerated() {
                        if let c = initialBand(band, pp.index(i), priority: k, d) { out.append(c) }
                    }
                } else if let c = initialCohort(e.value, pp, priority: k, d) {
                    out.append(c)
                }
            }
        }
        guard d.count == before else { return nil }
        let total = out.reduce(0) { $0 + $1.size }
        guard total <= CommunityForms.maximumInitialList else {
            d.report(node, path, "\(total) patients in all is too many: at most \(CommunityForms.maximumInitialList)")
            return nil
        }
        return out
    }

    /// `{size, wait}`: `size` patients whose waits are draws of `wait`.
    static func initialCohort(_ node: ScenarioNode, _ path: NodePath, priority: Int, _ d: ScenarioDecoder) -> InitialCohort? {
        guard let g = d.fields(node, path, allowed: CommunityForms.initialListKeys, expected: "{size: N, wait: DISTRIBUTION}")
        else { return nil }
        let size = g["size"].map {
            d.integer($0, path.key("size"), in: 0...CommunityForms.maximumInitialList,
                      "a whole number of patients from 0 to \(CommunityForms.maximumInitialList)")
        } ?? 0
        let wait = g["wait"].map { n -> Distribution? in
            if d.isKeyed(n) {
                d.report(n, path.key("wait"), "the waits of the initial list are one distribution for everyone, not a table")
                return nil
            }
            return d.distribution(n, path.key("wait"))
        } ?? CommunityForms.defaultInitialWait
        guard let size, let wait else { return nil }
        return InitialCohort(priority: priority, size: size, wait: wait)
    }

    /// `{from, to, patients}`: `patients` whose waits are spread uniformly over [from, to).
    static func initialBand(_ node: ScenarioNode, _ path: NodePath, priority: Int, _ d: ScenarioDecoder) -> InitialCohort? {
        guard let g = d.fields(node, path, allowed: CommunityForms.bandKeys,
                               expected: "a band of waits {from: DURATION, to: DURATION, patients: N}") else { return nil }
        let from = g.required("from", "the shortest wait in the band, e.g. 18w").flatMap { d.duration($0, path.key("from")) }
        let to = g.required("to", "the longest wait in the band, e.g. 52w").flatMap { d.duration($0, path.key("to")) }
        let patients = g.required("patients", "the number of patients in the band").flatMap {
            d.integer($0, path.key("patients"), in: 0...CommunityForms.maximumInitialList,
                      "a whole number of patients from 0 to \(CommunityForms.maximumInitialList)")
        }
        guard let from, let to, let patients else { return nil }
        guard from < to else {
            d.report(g["to"]!, path.key("to"), "a band must end after it starts (from \(d.format(from / Duration.week))w)")
            return nil
        }
        return InitialCohort(priority: priority, size: patients, wait: .uniform(low: from, high: to))
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

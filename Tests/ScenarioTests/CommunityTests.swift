import Foundation
import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// The community kinds (virtual_ward, urgent_community_response, elective_list), arrivals `from_population`,
/// and the top-level `population` and `costs`: what they decode to, their defaults, and their errors.
/// Loading only: nothing here runs a simulation.
final class CommunityTests: XCTestCase {
    // MARK: A small system to vary

    static let attributes = """
          age_band: [18-64, 65-74, 75-84, 85+]
          frailty: [none, mild, moderate_severe]
        """

    /// The virtual ward `vw` as written unless a test gives its own lines (indented four spaces).
    static let hub = """
            kind: virtual_ward
            role: hub
            places: 5
            stay: 5d
            when_full: acute
            route: home
        """

    /// door -> ed -> acute -> home, a bedded ward, the virtual ward `vw`, and any `units` (indented two spaces).
    static func scenario(vw: String = hub, units: String = "", top: String = "", attributes: String = attributes,
                         door: String = "    rate: {per_day: 10}") -> String {
        """
        name: c
        horizon: 30d
        attributes:
        \(attributes)
        \(top)
        units:
          door:
            kind: arrivals
        \(door)
            route: {ed: 0.9, vw: 0.1}
          ed:
            kind: emergency_department
            cubicles: 5
            assessment: 2h
            route: {home: 0.7, acute: 0.3}
          acute:
            kind: acute_ward
            beds: 20
            pathways: {P0: {to: home}}
            acute_stay: 3d
          ward:
            kind: bedded_care
            beds: 5
            stay: 5d
            route: home
          vw:
        \(vw)
        \(units)
          home:
            kind: exit
            destination: home
        """
    }

    /// The hub with `lines` added (each indented four spaces).
    static func hub(_ lines: String) -> String { hub + "\n" + lines }

    func unit(_ s: Scenario?, _ name: String, line: UInt = #line) -> UnitKind? {
        guard let s, let u = s.spec.units.first(where: { $0.name == name }) else {
            XCTFail("no unit \(name)", line: line)
            return nil
        }
        return u.kind
    }

    func virtualWard(_ s: Scenario?, _ name: String = "vw", line: UInt = #line) -> VirtualWardSpec? {
        guard case .virtualWard(let v)? = unit(s, name, line: line) else {
            XCTFail("\(name) is not a virtual ward", line: line)
            return nil
        }
        return v
    }

    func index(_ s: Scenario?, _ name: String) -> Int { s?.spec.unitIndex(named: name) ?? -1 }


    // MARK: The example

    func testCommunityExample() throws {
        let s = try Scenario.load(path: Paths.repo("scenarios/examples/community.yaml"))
        let spec = s.spec
        XCTAssertEqual(spec.units.map(\.kind.kindName.rawValue), [
            "arrivals", "arrivals", "ambulance_handover", "emergency_department", "acute_ward", "community_service",
            "virtual_ward", "virtual_ward", "urgent_community_response", "elective_list", "exit", "exit",
        ])
        let (ed, acute, reablement, hub, home) = (index(s, "ed"), index(s, "acute"), index(s, "reablement"),
                                                  index(s, "hub"), index(s, "home"))

        // Population.
        let pop = try XCTUnwrap(spec.population)
        XCTAssertEqual(pop.attribute, 2)
        XCTAssertEqual(pop.neighbourhoods.map(\.name), ["Ascent", "Bletchley", "East MK"])
        XCTAssertEqual(pop.neighbourhoods.map(\.registered), [32620, 68687, 54791])
        XCTAssertEqual(pop.neighbourhoods.map(\.relativeRate), [1, 1.2, 1])
        XCTAssertEqual(pop.ageAttribute, 0)
        XCTAssertEqual(pop.growthByAge, [0.010, 0.042, 0.030, 0.030])
        XCTAssertEqual(pop.baseDate, CivilDate(year: 2022, month: 7, day: 1))
        XCTAssertEqual(pop.frailtyAttribute, 1)
        XCTAssertEqual(pop.teams.count, 1)
        XCTAssertEqual(pop.teams.first?.name, "bletchley_int")
        XCTAssertEqual(pop.teams.first?.neighbourhoods, [1])
        XCTAssertEqual(pop.teams.first?.frailtyLevels, [2])
        XCTAssertEqual(pop.teams.first?.demandFactor, 0.85)
        XCTAssertEqual(pop.teams.first?.stepUpFactor, 1.5)

        guard case .arrivals(let ambulance)? = unit(s, "ambulance"), case .arrivals(let referrals)? = unit(s, "ucr_referrals")
        else { return XCTFail() }
        XCTAssertTrue(ambulance.fromPopulation)
        XCTAssertTrue(ambulance.byAmbulance)
        XCTAssertTrue(referrals.fromPopulation)
        XCTAssertNil(ambulance.mix[2], "the neighbourhood comes from the population")

        // The hub: pull rounds, step-down from the acute ward, escalation to the ED.
        let h = try XCTUnwrap(virtualWard(s, "hub"))
        XCTAssertEqual(h.role, .hub)
        XCTAssertEqual(h.places, .fixed(8))
        XCTAssertEqual(h.stay, Keyed(.lognormal(mean: 6 * 1440, sd: 3 * 1440)))
        XCTAssertEqual(h.policy, .pull(rounds: [9 * 60, 14 * 60], targetOccupancy: 0.8))
        XCTAssertEqual(h.whenFull, acute)
        XCTAssertEqual(h.stepDownFrom, [acute])
        XCTAssertEqual(h.stepDownEligible, Keyed(keys: [.attribute(1)], sizes: [3], values: [0.05, 0.15, 0.3]))
        XCTAssertEqual(h.eligibleAfterFraction, 0.5)
        XCTAssertEqual(h.escalation, Keyed(0.08))
        XCTAssertEqual(h.escalateTo.value(AttributeValues()).values, [ed])
        XCTAssertEqual(h.route.value(AttributeValues()).values, [home, reablement])
        XCTAssertEqual(h.route.value(AttributeValues()).probabilities, [0.9, 0.1])

        // The spoke: refer, full -> the hub, escalation mostly to the hub.
        let spoke = try XCTUnwrap(virtualWard(s, "resp_spoke"))
        XCTAssertEqual(spoke.role, .spoke)
        XCTAssertEqual(spoke.policy, .refer)
        XCTAssertEqual(spoke.whenFull, hub)
        XCTAssertEqual(spoke.stepDownFrom, [])
        XCTAssertEqual(spoke.stepDownEligible, Keyed(0))
        XCTAssertEqual(spoke.escalation, Keyed(0.1))
        XCTAssertEqual(spoke.escalateTo.value(AttributeValues()).values, [hub, ed])
        XCTAssertEqual(spoke.escalateTo.value(AttributeValues()).probabilities, [0.7, 0.3])

        // UCR: crews 08:00-20:00.
        guard case .urgentCommunityResponse(let ucr)? = unit(s, "ucr") else { return XCTFail() }
        XCTAssertEqual(ucr.crews.capacity(at: 7 * 60 + 59), 0)
        XCTAssertEqual(ucr.crews.capacity(at: 8 * 60), 3)
        XCTAssertEqual(ucr.crews.capacity(at: 1440 + 19 * 60), 3)
        XCTAssertEqual(ucr.crews.capacity(at: 1440 + 20 * 60), 0)
        XCTAssertEqual(ucr.visit, Keyed(.uniform(low: 60, high: 180)))
        XCTAssertEqual(Set(ucr.route.value(AttributeValues()).values), [home, hub, index(s, "handover")])

        // The elective list.
        guard case .electiveList(let list)? = unit(s, "electives") else { return XCTFail() }
        XCTAssertEqual(list.referrals.perDay, 4)
        XCTAssertEqual(list.referrals.dayOfWeek[5], 0)
        XCTAssertEqual(list.referrals.dayOfWeek[0], 1.4, accuracy: 1e-12, "weekday weights average 1")
        XCTAssertEqual(list.sessions.map(\.timeOfWeek), [480, 2 * 1440 + 480, 4 * 1440 + 480])
        XCTAssertEqual(list.sessions.map(\.patients), [6, 6, 8])
        XCTAssertEqual(list.ward, acute)
        XCTAssertEqual(list.stay, Keyed(.lognormal(mean: 2 * 1440, sd: 1440)))
        XCTAssertEqual(list.route.value(AttributeValues()).values, [home])
        XCTAssertEqual(list.initialSize, 300)
        XCTAssertEqual(list.initialList, [InitialCohort(size: 300, wait: .uniform(low: 0, high: 80 * 10080))])
        XCTAssertEqual(list.mix[0]?.value(AttributeValues()).probabilities, [0.5, 0.25, 0.2, 0.05])
        XCTAssertNil(list.mix[1])

        // Costs.
        var costs = CostSpec()
        costs.fixed.acuteBedDay = 345
        costs.fixed.virtualWardPlaceDay = 95
        costs.fixed.ucrCrewHour = 90
        costs.variable.acuteBedDay = 50
        costs.variable.ucrVisit = 20
        costs.variable.lostAmbulanceHour = 250
        costs.variable.careDay = ["reablement": 125]
        XCTAssertEqual(spec.costs, costs)
    }

    // MARK: Virtual wards

    func testVirtualWardDefaults() throws {
        let s = loads(Self.scenario())
        let v = try XCTUnwrap(virtualWard(s))
        XCTAssertEqual(v.role, .hub)
        XCTAssertEqual(v.policy, .refer, "policy defaults to refer")
        XCTAssertEqual(v.whenFull, index(s, "acute"))
        XCTAssertEqual(v.stepDownFrom, [], "no step_down: no step-down")
        XCTAssertEqual(v.stepDownEligible, Keyed(0))
        XCTAssertEqual(v.eligibleAfterFraction, 0.5)
        XCTAssertEqual(v.escalation, Keyed(0), "no escalation")
        XCTAssertEqual(v.escalateTo.values.count, 1)
        XCTAssertEqual(v.escalateTo.value(AttributeValues()).values, [index(s, "acute")], "escalation goes to when_full")
        XCTAssertEqual(v.escalateTo.value(AttributeValues()).probabilities, [1])
    }

    func testVirtualWardKeys() throws {
        let s = loads(Self.scenario(vw: """
                kind: virtual_ward
                role: spoke
                places: {base: 4, extra: [{from: 2025-12-01, to: 2026-02-28, places: +2}]}
                stay: {by: frailty, table: {none: 3d, mild: 5d, moderate_severe: 7d}}
                policy: {pull: {rounds: ["14:00", "9:00", "11:30"], target_occupancy: 1}}
                when_full: ed
                step_down: {from: acute, eligible: 0.2, eligible_after: 0.25}
                escalation:
                  probability: {by: age_band, table: {18-64: 0.05, 65-74: 0.1, 75-84: 0.1, 85+: 0.15}}
                route: {home: 0.95, ward: 0.05}
            """))
        let v = try XCTUnwrap(virtualWard(s))
        XCTAssertEqual(v.role, .spoke)
        XCTAssertEqual(v.places.capacity(at: 0), 4)
        XCTAssertEqual(v.stay.keys, [.attribute(1)])
        XCTAssertEqual(v.policy, .pull(rounds: [540, 690, 840], targetOccupancy: 1), "rounds are sorted")
        XCTAssertEqual(v.whenFull, index(s, "ed"))
        XCTAssertEqual(v.stepDownFrom, [index(s, "acute")], "a single name is a list of one")
        XCTAssertEqual(v.stepDownEligible, Keyed(0.2))
        XCTAssertEqual(v.eligibleAfterFraction, 0.25)
        XCTAssertEqual(v.escalation.values, [0.05, 0.1, 0.1, 0.15])
        XCTAssertEqual(v.escalateTo.value(AttributeValues()).values, [index(s, "ed")], "`to` defaults to when_full")
        XCTAssertEqual(v.route.value(AttributeValues()).values, [index(s, "home"), index(s, "ward")])
    }

    func testOneRoundAsAString() throws {
        let v = try XCTUnwrap(virtualWard(loads(Self.scenario(vw: Self.hub("""
                policy: {pull: {rounds: "10:00", target_occupancy: 0.5}}
                step_down: {from: [acute], eligible: 0.1}
            """)))))
        XCTAssertEqual(v.policy, .pull(rounds: [600], targetOccupancy: 0.5))
    }

    func testVirtualWardErrors() {
        let cases: [(String, String, String)] = [
            ("    role: hubb", "units.vw.role", "unknown role 'hubb'; did you mean 'hub'?; allowed: hub, spoke"),
            ("    when_full: acutee", "units.vw.when_full", "unknown unit 'acutee'; did you mean 'acute'?"),
            ("    when_full: vw", "units.vw.when_full", "cannot route to itself"),
            ("    when_full: door", "units.vw.when_full", "cannot go to 'door', a unit of kind arrivals"),
            ("    places: -1", "units.vw.places", "out of range"),
            ("    stay: {by: next, table: {home: 1d}}", "units.vw.stay.by", "'next' cannot key this value"),
        ]
        for (line, path, fragment) in cases {
            let key = line.trimmingCharacters(in: .whitespaces).components(separatedBy: ":")[0]
            let vw = Self.hub.split(separator: "\n").map { $0.hasPrefix("    \(key):") ? line : String($0) }.joined(separator: "\n")
            expect(Self.scenario(vw: vw), path, fragment)
        }
        let missing = errors(Self.scenario(vw: "    kind: virtual_ward"))
        for key in ["role", "places", "stay", "when_full", "route"] {
            XCTAssertTrue(error(missing, at: "units.vw.\(key)")?.message.hasPrefix("missing required key '\(key)'") ?? false, key)
        }
    }

    func testPolicyErrors() {
        let stepDown = "    step_down: {from: [acute], eligible: 0.1}"
        let cases: [(String, String, String)] = [
            ("{pull: {rounds: [\"09:00\"], target_occupancy: 1.2}}", "units.vw.policy.pull.target_occupancy",
             "1.2 is out of range: expected a fraction of the places in (0, 1]"),
            ("{pull: {rounds: [\"09:00\"], target_occupancy: 0}}", "units.vw.policy.pull.target_occupancy", "0 is out of range"),
            ("{pull: {rounds: [], target_occupancy: 0.8}}", "units.vw.policy.pull.rounds", "needs at least one round"),
            ("{pull: {rounds: [\"25:00\"], target_occupancy: 0.8}}", "units.vw.policy.pull.rounds[0]", "HH:MM"),
            ("{pull: {rounds: [\"09:00\", \"9:00\"], target_occupancy: 0.8}}", "units.vw.policy.pull.rounds[1]",
             "two rounds at the same time"),
            ("{pull: {rounds: [\"09:00\"]}}", "units.vw.policy.pull.target_occupancy", "missing required key 'target_occupancy'"),
            ("{pull: {rounds: [\"09:00\"], target: 0.8}}", "units.vw.policy.pull.target", "did you mean 'target_occupancy'?"),
            ("pull", "units.vw.policy", "policy pull needs its rounds and target"),
            ("refr", "units.vw.policy", "unknown policy 'refr'; did you mean 'refer'?"),
            ("{refer: true}", "units.vw.policy.refer", "unknown key 'refer'"),
            ("[refer]", "units.vw.policy", "expected refer, or {pull:"),
        ]
        for (policy, path, fragment) in cases {
            expect(Self.scenario(vw: Self.hub("    policy: \(policy)\n" + stepDown)), path, fragment)
        }
        expect(Self.scenario(vw: Self.hub("    policy: {pull: {rounds: [\"09:00\"], target_occupancy: 0.8}}")),
               "units.vw.policy", "policy pull fills places with step-down patients")
    }

    func testStepDownErrors() {
        let cases: [(String, String, String)] = [
            ("{from: [ward], eligible: 0.1}", "units.vw.step_down.from[0]",
             "'ward' is a unit of kind bedded_care; a ward patients step down from must be a unit of kind acute_ward (acute)"),
            ("{from: [acutte], eligible: 0.1}", "units.vw.step_down.from[0]", "unknown unit 'acutte'; did you mean 'acute'?"),
            ("{from: [acute, acute], eligible: 0.1}", "units.vw.step_down.from[1]", "'acute' is listed twice"),
            ("{from: [], eligible: 0.1}", "units.vw.step_down.from", "needs at least one acute ward name"),
            ("{from: [acute]}", "units.vw.step_down.eligible", "missing required key 'eligible'"),
            ("{from: [acute], eligible: 1.5}", "units.vw.step_down.eligible", "out of range"),
            ("{from: [acute], eligible: 0.1, eligible_after: 2}", "units.vw.step_down.eligible_after",
             "a fraction of the acute phase from 0 to 1"),
            ("{from: [acute], eligible: {by: next, table: {}}}", "units.vw.step_down.eligible.by", "'next' cannot key"),
            ("{form: [acute], eligible: 0.1}", "units.vw.step_down.form", "did you mean 'from'?"),
        ]
        for (stepDown, path, fragment) in cases {
            expect(Self.scenario(vw: Self.hub("    step_down: \(stepDown)")), path, fragment)
        }
    }

    func testEscalationErrors() {
        let cases: [(String, String, String)] = [
            ("{to: ed}", "units.vw.escalation.probability", "missing required key 'probability'"),
            ("{probability: 0.1, to: home}", "units.vw.escalation.to",
             "an escalation cannot go to 'home', a unit of kind exit"),
            ("{probability: 0.1, to: {ed: 0.5, acute: 0.4}}", "units.vw.escalation.to", "sum to 0.9"),
            ("{probability: 0.1, to: vw}", "units.vw.escalation.to", "cannot route to itself"),
        ]
        for (escalation, path, fragment) in cases {
            expect(Self.scenario(vw: Self.hub("    escalation: \(escalation)")), path, fragment)
        }
        // `to` defaults to when_full, which must then be somewhere an escalation can go.
        let home = Self.hub.replacingOccurrences(of: "when_full: acute", with: "when_full: home")
        expect(Self.scenario(vw: home + "\n    escalation: {probability: 0.1}"), "units.vw.escalation.to",
               "escalations go to when_full by default, but 'home' is a unit of kind exit")
        XCTAssertNotNil(loads(Self.scenario(vw: home)), "when_full may be an exit while nothing escalates")
    }

    func testWhenFullCycles() {
        let spoke = """
              spoke:
                kind: virtual_ward
                role: spoke
                places: 2
                stay: 3d
                when_full: vw
                route: home
            """
        let cycle = Self.hub.replacingOccurrences(of: "when_full: acute", with: "when_full: spoke")
        let e = errors(Self.scenario(vw: cycle, units: spoke))
        assertWellFormed(e)
        XCTAssertEqual(e.count, 1, e.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(e.first?.path, "units.vw.when_full")
        XCTAssertTrue(e.first?.message.hasPrefix("when_full forms a cycle of virtual wards: vw -> spoke -> vw") ?? false,
                      e.first?.message ?? "")
        // A chain that ends outside the virtual wards is fine.
        let s = loads(Self.scenario(units: spoke))
        XCTAssertEqual(virtualWard(s, "spoke")?.whenFull, index(s, "vw"))
    }

    // MARK: Urgent community response

    func testUrgentCommunityResponse() throws {
        let ucr = """
              ucr:
                kind: urgent_community_response
                crews: {base: 0, pattern: {period: 1d, steps: [{at: "08:00", places: 4}, {at: "20:00", places: 0}]}}
                visit: {by: frailty, table: {none: 1h, mild: 90min, moderate_severe: 2h}}
                route: {home: 0.75, vw: 0.15, ed: 0.1}
            """
        let s = loads(Self.scenario(units: ucr))
        guard case .urgentCommunityResponse(let u)? = unit(s, "ucr") else { return XCTFail() }
        XCTAssertEqual(u.crews.capacity(at: 6 * 60), 0)
        XCTAssertEqual(u.crews.capacity(at: 12 * 60), 4)
        XCTAssertEqual(u.crews.capacity(at: 22 * 60), 0)
        XCTAssertEqual(u.visit.values, [.constant(60), .constant(90), .constant(120)])
        XCTAssertEqual(u.route.value(AttributeValues()).values, [index(s, "home"), index(s, "vw"), index(s, "ed")])

        let missing = errors(Self.scenario(units: "  ucr: {kind: urgent_community_response}"))
        for key in ["crews", "visit", "route"] { XCTAssertNotNil(error(missing, at: "units.ucr.\(key)"), key) }
        expect(Self.scenario(units: "  ucr: {kind: urgent_community_response, crews: 2, visit: 1h, route: home, stay: 1h}"),
               "units.ucr.stay", "unknown key 'stay'")
        expect(Self.scenario(units: "  ucr: {kind: urgent_community_response, crews: 2, visit: 1h, route: door}"),
               "units.ucr.route", "cannot go to 'door', a unit of kind arrivals")
    }

    // MARK: Elective lists

    static func list(_ lines: String = "") -> String {
        """
          list:
            kind: elective_list
            referrals: {per_day: 5}
            sessions:
              - {day: fri, at: "13:30", patients: 3}
              - {day: monday, at: "08:00", patients: 5}
            ward: acute
            stay: 1d
            route: home
        \(lines)
        """
    }

    func testElectiveListDefaults() throws {
        let s = loads(Self.scenario(units: Self.list()))
        guard case .electiveList(let l)? = unit(s, "list") else { return XCTFail() }
        XCTAssertEqual(l.referrals.perDay, 5)
        XCTAssertEqual(l.referrals.hourOfDay, Array(repeating: 1, count: 24))
        XCTAssertEqual(l.sessions.map(\.timeOfWeek), [480, 4 * 1440 + 13 * 60 + 30], "sorted, Monday 00:00 first")
        XCTAssertEqual(l.sessions.map(\.patients), [5, 3])
        XCTAssertEqual(l.ward, index(s, "acute"))
        XCTAssertEqual(l.initialSize, 0)
        XCTAssertEqual(l.initialList, [])
        XCTAssertEqual(l.priorities, [.routine], "one routine priority, target 18 weeks")
        XCTAssertEqual(l.pools, [0])
        XCTAssertEqual(l.dayCase.values, [0])
        XCTAssertEqual(l.waitBeforeListing.values, [.constant(0)])
        XCTAssertEqual(l.mix.count, 2)
        XCTAssertTrue(l.mix.allSatisfy { $0 == nil })
    }

    func testElectiveListKeys() throws {
        let s = loads(Self.scenario(units: Self.list("""
                initial_list: {size: 120, wait: {exponential: {mean: 20w}}}
                mix:
                  age_band: {18-64: 0.6, 65-74: 0.2, 75-84: 0.15, 85+: 0.05}
                  frailty: {by: age_band, table: {18-64: none, 65-74: none, 75-84: mild, 85+: {mild: 0.5, moderate_severe: 0.5}}}
            """).replacingOccurrences(of: "referrals: {per_day: 5}",
                                      with: "referrals: {per_day: 5, month: [1, 1, 1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1], growth_per_year: 0.03}")))
        guard case .electiveList(let l)? = unit(s, "list") else { return XCTFail() }
        XCTAssertEqual(l.referrals.growthPerYear, 0.03)
        XCTAssertEqual(l.referrals.monthOfYear[7], 0.5 * 12 / 11.5, accuracy: 1e-12)
        XCTAssertEqual(l.initialSize, 120)
        XCTAssertEqual(l.initialList, [InitialCohort(size: 120, wait: .exponential(mean: 20 * 10080))])
        XCTAssertEqual(l.mix[0]?.value(AttributeValues()).probabilities, [0.6, 0.2, 0.15, 0.05])
        XCTAssertEqual(l.mix[1]?.keys, [.attribute(0)])
    }

    func testElectiveListErrors() {
        func with(_ old: String, _ new: String) -> String {
            Self.scenario(units: Self.list().replacingOccurrences(of: old, with: new))
        }
        expect(with("day: fri", "day: tues"), "units.list.sessions[0].day", "unknown day 'tues'; did you mean 'tue'?; allowed: mon, tue")
        expect(with("day: fri", "day: Fri"), "units.list.sessions[0].day", "did you mean 'fri'?")
        expect(with("at: \"13:30\"", "at: \"13:60\""), "units.list.sessions[0].at", "HH:MM")
        expect(with("patients: 3", "patients: 0"), "units.list.sessions[0].patients", "0 is out of range")
        expect(with("patients: 3", "patients: 2.5"), "units.list.sessions[0].patients", "not a whole number")
        expect(with("patients: 3}", "patients: 3, room: 2}"), "units.list.sessions[0].room", "unknown key 'room'")
        expect(Self.scenario(units: """
              list: {kind: elective_list, referrals: {per_day: 1}, sessions: [], ward: acute, stay: 1d, route: home}
            """), "units.list.sessions", "needs at least one session")
        expect(with("ward: acute", "ward: ward"), "units.list.ward",
               "'ward' is a unit of kind bedded_care; an elective list's ward must be a unit of kind acute_ward (acute)")
        expect(with("ward: acute", "ward: acutte"), "units.list.ward", "did you mean 'acute'?")
        expect(with("referrals: {per_day: 5}", "referrals: {csv: rates.csv}"), "units.list.referrals.csv",
               "elective referrals take a rate profile")
        expect(with("referrals: {per_day: 5}", "referrals: {per_day: -5}"), "units.list.referrals.per_day", "out of range")
        expect(with("referrals: {per_day: 5}", "referrals: 5"), "units.list.referrals", "expected a rate profile")
        expect(Self.scenario(units: Self.list("    initial_list: {size: -1}")), "units.list.initial_list.size", "out of range")
        expect(Self.scenario(units: Self.list("    initial_list: {wait: {by: frailty, table: {none: 1w, mild: 2w, moderate_severe: 3w}}}")),
               "units.list.initial_list.wait", "one distribution for everyone")
        expect(Self.scenario(units: Self.list("    mix: {age_band: {65-74: 1}, frailty: {by: frailty, table: {}}}")),
               "units.list.mix.frailty.by", "may depend only on attributes listed before it")
        // Nothing routes into an elective list: it makes its own patients.
        expect(Self.scenario(units: Self.list(), door: "    rate: {per_day: 10}\n    route: list")
               .replacingOccurrences(of: "    route: {ed: 0.9, vw: 0.1}\n", with: ""),
               "units.door.route", "a route cannot go to 'list', a unit of kind elective_list")
    }

    // MARK: Population

    static let neighbourhoodAttributes = attributes + "\n  neighbourhood: [north, south, east]"

    static func population(_ lines: String = "", neighbourhoods: String = "{north: 1000, south: 2000, east: 3000}") -> String {
        "population:\n  neighbourhoods: \(neighbourhoods)\n" + lines
    }

    func testPopulationDefaults() throws {
        let s = loads(Self.scenario(top: Self.population() + "  growth_per_year: 0.02",
                                    attributes: Self.neighbourhoodAttributes,
                                    door: "    rate: {per_day: 10}\n    from_population: true"))
        let pop = try XCTUnwrap(s?.spec.population)
        XCTAssertEqual(pop.attribute, 2, "the attribute named neighbourhood")
        XCTAssertEqual(pop.ageAttribute, 0)
        XCTAssertEqual(pop.frailtyAttribute, 1)
        XCTAssertEqual(pop.baseDate, CivilDate(year: 2025, month: 4, day: 1), "base_date defaults to start_date")
        XCTAssertEqual(pop.growthByAge, [0.02, 0.02, 0.02, 0.02], "one number for every age band")
        XCTAssertEqual(pop.neighbourhoods.map(\.registered), [1000, 2000, 3000])
        XCTAssertEqual(pop.neighbourhoods.map(\.relativeRate), [1, 1, 1])
        XCTAssertEqual(pop.teams.count, 0)
        guard case .arrivals(let door)? = unit(s, "door") else { return XCTFail() }
        XCTAssertTrue(door.fromPopulation)
        XCTAssertNil(s?.spec.costs)

        // No growth given: none; no frailty attribute: no frailty index; arrivals default to rates only.
        let plain = loads(Self.scenario(top: Self.population() + "  attribute: area\n  base_date: 2024-01-01",
                                        attributes: "  age_band: [18-64, 65+]\n  area: [north, south, east]"))
        let p = try XCTUnwrap(plain?.spec.population)
        XCTAssertEqual(p.attribute, 1)
        XCTAssertEqual(p.growthByAge, [0, 0])
        XCTAssertNil(p.frailtyAttribute)
        XCTAssertEqual(p.baseDate, CivilDate(year: 2024, month: 1, day: 1))
        guard case .arrivals(let d)? = unit(plain, "door") else { return XCTFail() }
        XCTAssertFalse(d.fromPopulation, "from_population defaults to false")
        XCTAssertNil(loads(Self.scenario())?.spec.population)
    }

    func testNeighbourhoodTeams() throws {
        let teams = """
              teams:
                west_int: {neighbourhoods: [north, south], frailty: [mild, moderate_severe], demand_factor: 0.9}
                east_int: {neighbourhoods: east, frailty: moderate_severe, step_up_factor: 2}
            """
        let pop = try XCTUnwrap(loads(Self.scenario(top: Self.population(teams), attributes: Self.neighbourhoodAttributes))?
            .spec.population)
        XCTAssertEqual(pop.teams.map(\.name), ["west_int", "east_int"])
        XCTAssertEqual(pop.teams.map(\.neighbourhoods), [[0, 1], [2]])
        XCTAssertEqual(pop.teams.map(\.frailtyLevels), [[1, 2], [2]])
        XCTAssertEqual(pop.teams.map(\.demandFactor), [0.9, 1], "demand_factor defaults to 1")
        XCTAssertEqual(pop.teams.map(\.stepUpFactor), [1, 2], "step_up_factor defaults to 1")
    }

    func testPopulationErrors() {
        let hoods = Self.neighbourhoodAttributes
        func population(_ text: String, attributes: String = hoods, door: String = "    rate: {per_day: 10}") -> String {
            Self.scenario(top: text, attributes: attributes, door: door)
        }
        // The neighbourhoods must be the attribute's levels, in order.
        let mismatch = errors(population(Self.population(neighbourhoods: "{north: 1000, south: 2000, est: 3000}")))
        assertWellFormed(mismatch)
        XCTAssertTrue(error(mismatch, at: "population.neighbourhoods.est")?.message
            .hasPrefix("'est' is not a level of attribute 'neighbourhood'; did you mean 'east'?") ?? false)
        XCTAssertTrue(error(mismatch, at: "population.neighbourhoods")?.message
            .hasPrefix("missing neighbourhood 'east': every level of attribute 'neighbourhood'") ?? false)
        expect(population(Self.population(neighbourhoods: "{south: 2000, north: 1000, east: 3000}")), "population.neighbourhoods",
               "must be listed in the order of the levels of attribute 'neighbourhood' (north, south, east); found south, north, east")
        expect(population(Self.population(neighbourhoods: "{north: 0, south: 0, east: {registered: 10, relative_rate: 0}}")),
               "population.neighbourhoods", "no demand")
        expect(population(Self.population(neighbourhoods: "{north: 1000, south: 2000, east: {relative_rate: 2}}")),
               "population.neighbourhoods.east.registered", "missing required key 'registered'")
        expect(population(Self.population(neighbourhoods: "{north: 1.5, south: 2000, east: 3000}")),
               "population.neighbourhoods.north", "not a whole number")
        expect(population(Self.population(neighbourhoods: "{north: 1000, south: 2000, east: {registered: 3, relative_rate: -1}}")),
               "population.neighbourhoods.east.relative_rate", "out of range")
        expect(population(Self.population(neighbourhoods: "[north, south, east]")), "population.neighbourhoods",
               "expected a mapping from neighbourhood names")
        // Attributes it needs.
        expect(population(Self.population(), attributes: Self.attributes), "population.attribute",
               "a population needs an attribute whose levels are the neighbourhoods")
        expect(population(Self.population("  attribute: neighbourhod")), "population.attribute",
               "unknown attribute 'neighbourhod'; did you mean 'neighbourhood'?")
        expect(population(Self.population(), attributes: "  frailty: [none, mild, moderate_severe]\n  neighbourhood: [north, south, east]"),
               "population", "a population needs the attribute 'age_band'")
        expect(population(Self.population("  growth_per_year: {by: frailty, table: {none: 0, mild: 0, moderate_severe: 0}}")),
               "population.growth_per_year.by", "may be keyed by 'age_band' only")
        expect(population(Self.population("  growth_per_year: {by: age_band, table: {18-64: 0.01, 65-74: 0.04}}")),
               "population.growth_per_year.table", "missing levels '75-84' and '85+'")
        expect(population(Self.population("  growth_per_year: -1")), "population.growth_per_year", "out of range")
        expect(population(Self.population("  base_date: 2025-02-30")), "population.base_date", "a real date")
        expect(population(Self.population("  neighbourhood: x")), "population.neighbourhood", "did you mean 'neighbourhoods'?")
        // Teams.
        let team = "  teams: {t: {neighbourhoods: [north], frailty: [mild]}}"
        expect(population(Self.population(team), attributes: "  age_band: [18-64, 65+]\n  neighbourhood: [north, south, east]"),
               "population.teams", "neighbourhood teams work with frail residents: they need an attribute 'frailty'")
        let teamCases: [(String, String, String)] = [
            ("{t: {neighbourhoods: [nort], frailty: [mild]}}", "population.teams.t.neighbourhoods[0]",
             "unknown neighbourhood 'nort'; did you mean 'north'?"),
            ("{t: {neighbourhoods: [north], frailty: [severe]}}", "population.teams.t.frailty[0]", "unknown frailty level 'severe'"),
            ("{t: {neighbourhoods: [north]}}", "population.teams.t.frailty", "missing required key 'frailty'"),
            ("{t: {neighbourhoods: [], frailty: [mild]}}", "population.teams.t.neighbourhoods", "needs at least one"),
            ("{t: {neighbourhoods: [north], frailty: [mild], demand_factor: 0}}", "population.teams.t.demand_factor",
             "0 is out of range: expected a factor in (0, 1]"),
            ("{t: {neighbourhoods: [north], frailty: [mild], demand_factor: 1.2}}", "population.teams.t.demand_factor", "out of range"),
            ("{t: {neighbourhoods: [north], frailty: [mild], step_up_factor: -0.5}}", "population.teams.t.step_up_factor",
             "out of range"),
            ("{a: {neighbourhoods: [north, south], frailty: [mild]}, b: {neighbourhoods: [south], frailty: [mild, none]}}",
             "population.teams.b", "team 'b' and team 'a' both serve frailty 'mild' residents of 'south'"),
            ("[t]", "population.teams", "expected a mapping from team names"),
        ]
        for (teams, path, fragment) in teamCases {
            expect(population(Self.population("  teams: \(teams)")), path, fragment)
        }
    }

    func testFromPopulation() {
        let top = Self.population()
        let attrs = Self.neighbourhoodAttributes
        expect(Self.scenario(door: "    rate: {per_day: 10}\n    from_population: true"), "units.door.from_population",
               "from_population needs a top-level `population`")
        expect(Self.scenario(door: "    rate: {per_day: 10}\n    from_population: yes"), "units.door.from_population",
               "expected true or false")
        expect(Self.scenario(top: top, attributes: attrs,
                             door: "    rate: {per_day: 10}\n    from_population: true\n    mix: {neighbourhood: north}"),
               "units.door.mix.neighbourhood", "with from_population the neighbourhood comes from the registered lists")
        expect(Self.scenario(top: top, attributes: "  neighbourhood: [north, south, east]\n" + Self.attributes,
                             door: "    rate: {per_day: 10}\n    from_population: true\n"
                             + "    mix: {age_band: {by: neighbourhood, table: {north: 18-64, south: 18-64, east: 85+}}}"),
               "units.door.mix.age_band", "it must be one choice for everyone")
        expect(Self.scenario(top: top, attributes: attrs,
                             door: "    rate: {per_day: 10, growth_per_year: 0.02}\n    from_population: true"),
               "units.door.rate.growth_per_year", "with from_population demand grows by age band")
        // Without from_population, a mix of neighbourhoods is an ordinary mix.
        XCTAssertNotNil(loads(Self.scenario(top: top, attributes: attrs,
                                            door: "    rate: {per_day: 10}\n    mix: {neighbourhood: north}")))
        // Dated rates cannot be split by neighbourhood.
        let csv = Self.scenario(top: top, attributes: attrs, door: "    rate: {csv: rates.csv}\n    from_population: true")
            .replacingOccurrences(of: "horizon: 30d", with: "horizon: 5d")
        let e = Scenario.validate(yaml: csv, file: Paths.fixture("inline.yaml"))
        XCTAssertTrue(e.contains { $0.path == "units.door.rate" && $0.message.contains("needs a rate profile") },
                      e.map(\.description).joined(separator: "\n"))
    }

    // MARK: Costs

    func testCosts() throws {
        let s = loads(Self.scenario(top: "costs: {fixed: {acute_bed_day: 345, place_day: {ward: 150.5}, items: {hub: 2000}}, "
                                    + "variable: {care_day: {ward: 20}}, implementation: {set_up: 1e5}}"))
        var expected = CostSpec()
        expected.fixed.acuteBedDay = 345
        expected.fixed.placeDay = ["ward": 150.5]
        expected.fixed.items = ["hub": 2000]
        expected.variable.careDay = ["ward": 20]
        expected.implementation = ["set_up": 100_000]
        XCTAssertEqual(s?.spec.costs, expected, "the rest default to 0")
        XCTAssertEqual(loads(Self.scenario(top: "costs: {}"))?.spec.costs, CostSpec())

        let cases: [(String, String, String)] = [
            ("{variable: {care_day: {wardd: 100}}}", "costs.variable.care_day.wardd", "unknown unit 'wardd'; did you mean 'ward'?"),
            ("{fixed: {place_day: {acute: 100}}}", "costs.fixed.place_day.acute",
             "'acute' is a unit of kind acute_ward; place_day prices place-days of community_service and bedded_care units (ward)"),
            ("{variable: {care_day: {ward: -1}}}", "costs.variable.care_day.ward", "out of range: expected an amount in pounds"),
            ("{variable: {care_day: [ward]}}", "costs.variable.care_day", "expected a mapping from community_service and bedded_care unit names"),
            ("{fixed: {acute_bed_days: 395}}", "costs.fixed.acute_bed_days", "did you mean 'acute_bed_day'?"),
            ("{acute_bed_day: 395}", "costs.acute_bed_day", "write it under costs.fixed or costs.variable"),
            ("{fixed: {escalation_bed_day: -346}}", "costs.fixed.escalation_bed_day", "out of range"),
            ("{variable: {ucr_visit: \"120\"}}", "costs.variable.ucr_visit", "write numbers without quotes"),
            ("{variable: {lost_ambulance_hour: .inf}}", "costs.variable.lost_ambulance_hour", "not a finite number"),
            ("{implementation: [1, 2]}", "costs.implementation", "expected a mapping from names to a cost per year"),
            ("395", "costs", "expected {fixed: {acute_bed_day"),
        ]
        for (costs, path, fragment) in cases {
            expect(Self.scenario(top: "costs: \(costs)"), path, fragment)
        }
    }

    // MARK: One pass, and extends

    /// Problems in the new sections and kinds are all found in one pass, alongside the others.
    func testManyErrorsInOnePass() {
        let text = Self.scenario(
            vw: Self.hub.replacingOccurrences(of: "role: hub", with: "role: hubb") + "\n    step_down: {from: [ward], eligible: 0.1}",
            units: Self.list().replacingOccurrences(of: "day: fri", with: "day: fry"),
            top: Self.population("  teams: {t: {neighbourhoods: [north], frailty: [mild]}}") + "\ncosts: {variable: {care_day: {nowhere: 1}}}",
            attributes: "  age_band: [18-64, 65+]\n  neighbourhood: [north, south, east]")
        let e = errors(text)
        assertWellFormed(e)
        XCTAssertEqual(Set(e.map(\.path)), ["population.teams", "costs.variable.care_day.nowhere", "units.vw.role",
                                            "units.vw.step_down.from[0]", "units.list.sessions[0].day"],
                       e.map(\.description).joined(separator: "\n"))
    }

    /// Values of the new kinds that are one value (a distribution, a choice, a keyed probability) are replaced
    /// whole by an extending file; the structure around them merges key by key.
    func testExtendsReplacesValuesWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-community-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = Self.scenario(
            vw: Self.hub("""
                    escalation: {probability: 0.1, to: {ed: 0.5, acute: 0.5}}
                    step_down: {from: [acute], eligible: {by: frailty, table: {none: 0, mild: 0.1, moderate_severe: 0.2}}}
                """),
            units: "  ucr: {kind: urgent_community_response, crews: 2, visit: {lognormal: {mean: 2h, sd: 1h}}, route: home}",
            top: Self.population("  growth_per_year: {by: age_band, table: {18-64: 0.01, 65-74: 0.02, 75-84: 0.03, 85+: 0.04}}",
                                 neighbourhoods: "{north: 1000, south: 2000, east: {registered: 3000}}"),
            attributes: Self.neighbourhoodAttributes)
        try base.write(to: dir.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let child = """
            extends: base.yaml
            name: child
            population:
              growth_per_year: 0.05
              neighbourhoods: {east: {relative_rate: 2}}
            units:
              vw:
                escalation: {to: {ed: 1}}
                step_down: {eligible: 0.3}
              ucr:
                visit: {exponential: {mean: 1h}}
            """
        let path = dir.appendingPathComponent("child.yaml").path
        try child.write(toFile: path, atomically: true, encoding: .utf8)
        let s = try Scenario.load(path: path)
        let v = try XCTUnwrap(virtualWard(s))
        XCTAssertEqual(v.escalateTo.value(AttributeValues()).values, [index(s, "ed")], "the choice is replaced, not blended")
        XCTAssertEqual(v.escalation, Keyed(0.1), "inherited")
        XCTAssertEqual(v.stepDownEligible, Keyed(0.3), "the table is replaced")
        XCTAssertEqual(v.stepDownFrom, [index(s, "acute")], "inherited")
        guard case .urgentCommunityResponse(let u)? = unit(s, "ucr") else { return XCTFail() }
        XCTAssertEqual(u.visit, Keyed(.exponential(mean: 60)))
        let pop = try XCTUnwrap(s.spec.population)
        XCTAssertEqual(pop.growthByAge, [0.05, 0.05, 0.05, 0.05])
        XCTAssertEqual(pop.neighbourhoods.map(\.relativeRate), [1, 1, 2])
        XCTAssertEqual(pop.neighbourhoods.map(\.registered), [1000, 2000, 3000], "east's registered list is inherited")
    }
}

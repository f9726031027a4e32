import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Errors name file:line:column and the key path, say what is allowed, and are collected in one pass.
final class ErrorMessageTests: XCTestCase {
    /// Line numbers are part of the test: keep the text as it is.
    let broken = """
        name: errors
        horizen: 30d
        units:
          door:
            kind: arrivals
            rate: {per_day: 10}
            route: ward
          ward:
            kind: bedded_care
            beds: [1, 2]
            stay: 10
            route: {hme: 0.5, died: 0.4}
          home:
            kind: exit
            destination: home
            death: .nan
          died:
            kind: exit
            destination: died
          rehab:
            kind: bedded_car
          sdec:
            kind: community_service
        """

    func testEveryErrorInOnePass() {
        let e = errors(broken)
        assertWellFormed(e)
        let lines = e.map { "\($0.location.line):\($0.location.column) \($0.path)" }
        XCTAssertEqual(lines, [
            "1:1 horizon",
            "2:1 horizen",
            "10:11 units.ward.beds",
            "11:11 units.ward.stay",
            "12:12 units.ward.route",
            "12:13 units.ward.route.hme",
            "16:12 units.home.death",
            "21:11 units.rehab.kind",
            "23:5 units.sdec.capacity",
            "23:5 units.sdec.route",
            "23:5 units.sdec.stay",
        ], e.map(\.description).joined(separator: "\n"))
    }

    func testMessages() {
        let e = errors(broken)
        func message(_ path: String) -> String { error(e, at: path)?.message ?? "" }
        XCTAssertEqual(message("horizon"), "missing required key 'horizon': the length of the run after warm-up, a duration (e.g. 365d)")
        XCTAssertTrue(message("horizen").hasPrefix("unknown key 'horizen'; did you mean 'horizon'? Allowed keys: name, description"))
        XCTAssertTrue(message("units.ward.beds").hasPrefix("expected places: a whole number >= 0, `unlimited`, or"))
        XCTAssertTrue(message("units.ward.beds").hasSuffix("found a list"))
        XCTAssertEqual(message("units.ward.stay"), "a duration needs a unit: 15min, 4h, 7d, 6w (found the bare number 10)")
        XCTAssertEqual(message("units.ward.route"), "the probabilities sum to 0.9; they must sum to 1 (within 1e-6)")
        XCTAssertTrue(message("units.ward.route.hme").hasPrefix("unknown unit 'hme'; did you mean 'home'?"))
        XCTAssertTrue(message("units.home.death").hasPrefix("NaN is not allowed: expected a probability"))
        XCTAssertEqual(message("units.rehab.kind"), "unknown kind 'bedded_car'; did you mean 'bedded_care'?; allowed kinds: "
                       + "arrivals, ambulance_handover, emergency_department, acute_ward, community_service, bedded_care, exit, "
                       + "virtual_ward, urgent_community_response, elective_list")
        XCTAssertTrue(message("units.sdec.capacity").hasPrefix("missing required key 'capacity': places"))
        XCTAssertEqual(e.first?.description, "test.yaml:1:1: horizon: missing required key 'horizon': the length of the run "
                       + "after warm-up, a duration (e.g. 365d)")
    }

    func testUnknownKeySaysWhichKindsHaveIt() {
        let e = errors(Template.scenario().replacingOccurrences(of: "    beds: 5", with: "    capacity: 5"))
        let x = error(e, at: "units.ward.capacity")
        XCTAssertEqual(x?.message, "unknown key 'capacity' ('capacity' is a key of community_service units) "
                       + "Allowed keys: kind, beds, stay, route, initial, accepts.")
        XCTAssertNotNil(error(e, at: "units.ward.beds"))
    }

    func testWrongTypes() {
        let cases: [(String, String, String)] = [
            ("- a\n- b", "", "is not a scenario file"),
            ("name: x\nhorizon: 1d\nunits: [a, b]", "units", "found a list"),
            ("name: [x]\nhorizon: 1d\nunits: {}", "name", "expected a string, found a list"),
            ("name: x\nhorizon: 1d\nunits: {}", "units", "needs at least one unit"),
            ("name: x\nhorizon: 1d\nunits: {a: 1}", "units.a", "expected a unit"),
            ("name: x\nhorizon: 1d\nunits: {a: {}}", "units.a.kind", "missing required key 'kind'"),
            ("name: x\nhorizon: 1d\nseed: -1\nunits: {}", "seed", "the seed must be >= 0"),
            ("name: x\nhorizon: 1d\nseed: 99999999999999999999999\nunits: {}", "seed", "too large"),
            ("name: x\nhorizon: 1d\nreplications: 0\nunits: {}", "replications", "out of range"),
            ("name: x\nhorizon: 1d\ngenerator: mt1993\nunits: {}", "generator", "did you mean 'mt19937'?"),
            ("name: x\nhorizon: 1d\nstart_date: 2025-13-01\nunits: {}", "start_date", "a date YYYY-MM-DD"),
            ("name: x\nhorizon: 1d\naudit_time: \"24:30\"\nunits: {}", "audit_time", "HH:MM"),
            ("name: x\nhorizon: 1d\nattributes: {next: [a]}\nunits: {}", "attributes.next", "reserved"),
            ("name: x\nhorizon: 1d\nattributes: {a: [x, x]}\nunits: {}", "attributes.a[1]", "appears twice"),
            ("name: x\nhorizon: 1d\nattributes: {a: []}\nunits: {}", "attributes.a", "at least one level"),
            ("name: x\nhorizon: 1d\nunits: {Bad: {kind: exit, destination: home}}", "units.Bad", "a-z, 0-9, _ and -"),
            ("name: x\nhorizon: 1d\nunits: {home: {kind: exit, destination: house}}", "units.home.destination", "did you mean 'home'?"),
            ("name: x\nhorizon: 1d\nunits: {home: {kind: bedded}}", "units.home.kind", "did you mean 'bedded_care'?"),
            ("name: x\nhorizon: 1d\nunits: {home: {kind: exit, destination: home}}", "units", "at least one unit of kind arrivals"),
            ("name: x\nhorizon: 1d\na: 1\na: 2\nunits: {}", "", "duplicate key 'a'"),
            ("name: x\nhorizon: 1d\n[a]: 1", "", "a key must be a plain name"),
            ("name: x\n  bad indent: [", "", "invalid YAML"),
        ]
        for (text, path, fragment) in cases {
            let e = errors(text)
            assertWellFormed(e)
            XCTAssertTrue(e.contains { $0.path == path && $0.message.contains(fragment) },
                          "\(text)\n expected '\(fragment)' at '\(path)' in:\n\(e.map(\.description).joined(separator: "\n"))")
        }
    }

    func testAttributeLimits() {
        let nine = (0..<9).map { "a\($0): [x]" }.joined(separator: ", ")
        XCTAssertTrue(errors("name: x\nhorizon: 1d\nattributes: {\(nine)}\nunits: {}").contains { $0.message.contains("at most 8") })
        let levels = (0..<256).map { "l\($0)" }.joined(separator: ", ")
        XCTAssertTrue(errors("name: x\nhorizon: 1d\nattributes: {a: [\(levels)]}\nunits: {}").contains { $0.message.contains("at most 255") })
    }

    func testAcuteWardRules() {
        let ward = """
              acute:
                kind: acute_ward
                beds: 10
                pathways:
                  P0: {to: home}
                  P1: {to: door}
                  P2: {to: ward, delay: {by: next, table: {}}}
                pathway_mix: {P0: 0.5, P1: 0.3, P3: 0.2}
                acute_stay: {by: next, table: {P0: 1d, P1: 2d}}
                discharge_hours: {from: "8:00", to: "25:00"}
                deconditioning:
                  escalation_per_day: {P1: 0.1, P4: 0.1}
                  escalate_to: {P0: P0}
            """
        let text = Template.scenario(wardExtra: ward)
        let e = errors(text)
        assertWellFormed(e)
        func has(_ path: String, _ fragment: String, line: UInt = #line) {
            XCTAssertTrue(e.contains { $0.path == path && $0.message.contains(fragment) },
                          "'\(fragment)' at \(path) in:\n\(e.map(\.description).joined(separator: "\n"))", line: line)
        }
        has("units.acute.pathways.P1.to", "a pathway cannot go to 'door', a unit of kind arrivals")
        has("units.acute.pathways.P2.delay.by", "'next' cannot key this value")
        has("units.acute.pathway_mix.P3", "unknown pathway 'P3'; did you mean 'P0'?")
        has("units.acute.acute_stay.table", "missing level 'P2' of next (pathway)")
        has("units.acute.discharge_hours.to", "HH:MM")
        has("units.acute.deconditioning.escalation_per_day.P4", "unknown key 'P4'")
        has("units.acute.deconditioning.escalate_to.P0", "cannot escalate to itself")
        has("units.acute.deconditioning.escalation_per_day.P1", "has no target")
    }
}

/// Cycles that would run for ever at one instant are rejected when the file loads, at the key that allows them.
final class ZeroTimeCycleTests: XCTestCase {
    func testZeroStayCycleIsLocated() {
        let yaml = Template.scenario(stay: "0min", route: "{ward2: 1}", wardExtra: """
              ward2:
                kind: bedded_care
                beds: unlimited
                stay: 0min
                route: {ward: 0.5, home: 0.5}
            """)
        let e = errors(yaml)
        assertWellFormed(e)
        let cycle = e.first { $0.message.contains("form a loop a patient can go round in no time") }
        XCTAssertEqual(cycle?.path, "units.ward.stay", e.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(cycle?.message.contains("ward -> ward2 -> ward") ?? false)
        XCTAssertEqual(cycle?.location.line, 14, "the line of ward's stay")
        // One stay above zero breaks the loop.
        XCTAssertNotNil(loads(yaml.replacingOccurrences(of: "stay: 0min\n    route: {ward: 0.5", with: "stay: 1min\n    route: {ward: 0.5")))
    }
}

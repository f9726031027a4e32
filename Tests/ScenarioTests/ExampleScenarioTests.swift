import Foundation
import PatientFlow
@testable import Scenario
import SimCore
import Stochastics
import XCTest

/// The shipped example scenarios load to what they say; broken fixtures are rejected; the schema and the
/// reference docs describe the same kinds and keys as the loader.
final class ExampleScenarioTests: XCTestCase {
    func yamlFiles(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Paths.repo(directory))) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { Paths.repo(directory + "/" + $0) }
    }

    func testTwoWards() throws {
        let s = try Scenario.load(path: Paths.repo("scenarios/examples/two-wards.yaml"))
        let spec = s.spec
        XCTAssertEqual(spec.name, "two-wards")
        XCTAssertEqual(s.replications, 3)
        XCTAssertEqual(spec.seed, 42)
        XCTAssertEqual(spec.generator, .taus2)
        XCTAssertEqual(spec.calendar.startDate, CivilDate(year: 2025, month: 4, day: 1))
        XCTAssertEqual(spec.horizon, 60 * 1440)
        XCTAssertEqual(spec.warmUp, 7 * 1440)
        XCTAssertEqual(spec.auditTime, 23 * 60 + 59)
        XCTAssertEqual(spec.attributes, [AttributeSpec(name: "class", levels: ["surgical", "medical"])])
        XCTAssertEqual(spec.units.map(\.name), ["front_door", "ward_a", "ward_b", "home", "died"])

        guard case .arrivals(let door) = spec.units[0].kind, case .profile(let rate) = door.rate else { return XCTFail() }
        XCTAssertEqual(rate.perDay, 20)
        XCTAssertFalse(door.byAmbulance)
        XCTAssertEqual(door.mix.count, 1)
        XCTAssertEqual(door.mix[0]?.values.first?.probabilities, [0.3, 0.7])
        XCTAssertEqual(door.route.keys, [.attribute(0)])
        XCTAssertEqual(door.route.values[0].values, [1])
        XCTAssertEqual(door.route.values[1].values, [1, 2])
        XCTAssertEqual(door.route.values[1].probabilities, [0.25, 0.75])

        let a = try XCTUnwrap(service(s, "ward_a")), b = try XCTUnwrap(service(s, "ward_b"))
        XCTAssertEqual(a.places, .unlimited)
        XCTAssertEqual(b.places, .unlimited)
        XCTAssertFalse(a.atHome)
        XCTAssertEqual(a.stay, Keyed(.lognormal(mean: 3 * 1440, sd: 2 * 1440)))
        XCTAssertEqual(b.stay, Keyed(keys: [.attribute(0)], sizes: [2],
                                     values: [.lognormal(mean: 5 * 1440, sd: 3 * 1440), .lognormal(mean: 7 * 1440, sd: 6 * 1440)]))
        XCTAssertEqual(a.route.values[0].values, [3])
        XCTAssertEqual(b.route.values[0].values, [3, 4])
        XCTAssertEqual(b.route.values[0].probabilities, [0.9, 0.1])
        XCTAssertEqual(a.initial, InitialState())

        guard case .exit(let home) = spec.units[3].kind, case .exit(let died) = spec.units[4].kind else { return XCTFail() }
        XCTAssertEqual(home.destination, .home)
        XCTAssertEqual(died.destination, .died)
        XCTAssertEqual(home.eventTime, Keyed(.uniform(low: 0, high: 91 * 1440)))
    }

    func testSmallChain() throws {
        let s = try Scenario.load(path: Paths.repo("scenarios/examples/small-chain.yaml"))
        XCTAssertEqual(s.spec.units.map(\.kind.kindName.rawValue), ["arrivals", "arrivals", "ambulance_handover", "emergency_department",
                                                      "acute_ward", "community_service", "bedded_care", "exit", "exit", "exit"])
        guard case .acuteWard(let w) = s.spec.units[4].kind else { return XCTFail() }
        XCTAssertEqual(w.pathways.map(\.name), ["P0", "P1", "P2", "P3"])
        XCTAssertEqual(w.pathways.map(\.target), [7, 5, 6, 8])
        XCTAssertEqual(w.pathways.map(\.withinDischargeHours), [true, false, false, false])
        XCTAssertEqual(w.pathways.map(\.countsFor91Day), [false, true, true, false])
        XCTAssertEqual(w.pathwayMix.keys, [.attribute(1)])
        XCTAssertEqual(w.acuteStay.keys, [.next])
        XCTAssertEqual(w.acuteStay.value(AttributeValues(), next: 3), .lognormal(mean: 12 * 1440, sd: 9 * 1440))
        XCTAssertEqual(w.escalationPerDay, [0, 0.01, 0.01, 0])
        XCTAssertEqual(w.escalateTo, [nil, 2, 3, nil])
        XCTAssertEqual(w.independenceLossPerDay, 0.005)
        XCTAssertEqual(w.dischargeOpen, 480)
        XCTAssertEqual(w.dischargeClose, 1200)
        XCTAssertEqual(w.initial, InitialState(occupied: 60, queued: 0))
        XCTAssertEqual(w.beds.capacity(at: 61 * 1440), 79, "2025-06-01 is day 61: extra beds")
        XCTAssertEqual(w.beds.capacity(at: 91 * 1440), 75, "2025-07-01: back to base")
        guard case .emergencyDepartment(let ed) = s.spec.units[3].kind else { return XCTFail() }
        XCTAssertEqual(ed.areas.count, 1, "an ED without areas is one area: the unit itself")
        XCTAssertEqual(ed.areas[0].places.capacity(at: 9 * 60), 14)
        XCTAssertEqual(ed.areas[0].places.capacity(at: 23 * 60), 10)
        XCTAssertEqual(ed.areas[0].assessment.value(AttributeValues(), next: 4), .lognormal(mean: 240, sd: 120))
        guard case .exit(let home) = s.spec.units[7].kind else { return XCTFail() }
        XCTAssertEqual(home.readmissionRoute?.values.first?.values, [2])
        XCTAssertEqual(home.readmission.values, [0.05, 0.08, 0.12, 0.15])
        guard case .arrivals(let ambulance) = s.spec.units[1].kind else { return XCTFail() }
        XCTAssertTrue(ambulance.byAmbulance)
    }

    func testEveryShippedScenarioLoads() {
        let files = yamlFiles(in: "scenarios") + yamlFiles(in: "scenarios/examples")
        XCTAssertGreaterThanOrEqual(files.count, 2)
        for f in files {
            let e = Scenario.validate(path: f)
            XCTAssertEqual(e, [], "\(f):\n\(e.map(\.description).joined(separator: "\n"))")
        }
    }

    func testBrokenExamplesAreRejected() {
        let files = yamlFiles(in: "scenarios/examples/broken")
        XCTAssertGreaterThanOrEqual(files.count, 4)
        for f in files {
            let e = Scenario.validate(path: f)
            XCTAssertFalse(e.isEmpty, f)
            assertWellFormed(e, file: f)
        }
    }

    // MARK: Agreement with the schema and the docs

    func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.repo("scenarios/schema.json")))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testSchemaKnowsTheSameKindsAndKeys() throws {
        let s = try schema()
        let top = try XCTUnwrap(s["properties"] as? [String: Any])
        XCTAssertEqual(Set(top.keys), Set(SystemForm.keys))
        let defs = try XCTUnwrap(s["$defs"] as? [String: Any])
        let unit = try XCTUnwrap(defs["unit"] as? [String: Any])
        let kind = try XCTUnwrap((unit["properties"] as? [String: Any])?["kind"] as? [String: Any])
        XCTAssertEqual(kind["enum"] as? [String], UnitKindForms.names)
        let branches = try XCTUnwrap(unit["allOf"] as? [[String: Any]])
        for form in UnitKindForms.all {
            let branch = branches.first { b in
                let cond = (b["if"] as? [String: Any])?["properties"] as? [String: Any]
                return (cond?["kind"] as? [String: Any])?["const"] as? String == form.name
            }
            let then = try XCTUnwrap(branch?["then"] as? [String: Any], form.name)
            XCTAssertEqual(Set((then["properties"] as? [String: Any])?.keys ?? [:].keys), Set(form.keys), form.name)
            XCTAssertEqual(Set(then["required"] as? [String] ?? []), Set(form.required + ["kind"]), form.name)
            XCTAssertEqual(then["additionalProperties"] as? Bool, false, form.name)
        }
    }

    /// The unit examples in docs/scenario-reference.md, put together in one scenario with the population and
    /// costs examples, load.
    func testReferenceExamplesLoad() throws {
        let doc = try String(contentsOfFile: Paths.repo("docs/scenario-reference.md"), encoding: .utf8)
        var units: [String] = []
        var attributes = """
            attributes:
              age_band: [18-64, 65-74, 75-84, 85+]
              frailty: [none, mild, moderate_severe]
            """
        var costs = ""
        for part in doc.components(separatedBy: "```yaml\n").dropFirst() {
            guard let block = part.components(separatedBy: "```").first else { continue }
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.first == "attributes:" && lines.contains("population:") { attributes = block }
            if lines.first == "costs:" { costs = block }
            guard lines.count > 1, lines[1].hasPrefix("  kind:"), lines[0].hasSuffix(":"),
                  !lines[0].hasPrefix(" ") else { continue }
            units.append(lines.map { "  " + $0 }.joined(separator: "\n"))
        }
        XCTAssertGreaterThanOrEqual(units.count, 10)
        let text = "name: reference-examples\nhorizon: 30d\n" + attributes + "\n" + costs + "\nunits:\n"
            + units.joined(separator: "\n") + "\n  care_home: {kind: exit, destination: care_home}\n"
        let s = loads(text, file: Paths.repo("docs/reference-examples.yaml"))
        XCTAssertEqual(Set(s?.spec.units.map(\.kind.kindName.rawValue) ?? []), Set(UnitKindForms.names))
        XCTAssertNotNil(s?.spec.population, "the population example")
        XCTAssertNotNil(s?.spec.costs, "the costs example")
        let fromPopulation = s?.spec.units.contains { if case .arrivals(let a) = $0.kind { return a.fromPopulation } else { return false } }
        XCTAssertEqual(fromPopulation, true, "an arrivals example from_population")
    }

    func testReferenceDocumentsEveryKindAndKey() throws {
        let doc = try String(contentsOfFile: Paths.repo("docs/scenario-reference.md"), encoding: .utf8)
        for key in SystemForm.keys { XCTAssertTrue(doc.contains("`\(key)`"), key) }
        for form in UnitKindForms.all {
            XCTAssertTrue(doc.contains("### `\(form.name)`"), form.name)
            for key in form.keys { XCTAssertTrue(doc.contains("`\(key)`"), "\(form.name).\(key)") }
        }
        for family in DistributionForms.families { XCTAssertTrue(doc.contains("`\(family)`"), family) }
        let nested: [(String, [String])] = [
            ("population", PopulationForm.keys), ("population.neighbourhoods", PopulationForm.neighbourhoodKeys),
            ("population.teams", PopulationForm.teamKeys), ("costs", ["fixed", "variable", "implementation"] + CostForm.fixedKeys + CostForm.variableKeys),
            ("virtual_ward.policy", ["refer", "pull"] + CommunityForms.pullKeys),
            ("virtual_ward.role", VirtualWardSpec.Role.allCases.map(\.rawValue)),
            ("virtual_ward.step_down", CommunityForms.stepDownKeys), ("virtual_ward.escalation", CommunityForms.escalationKeys),
            ("elective_list.sessions", CommunityForms.sessionKeys + CommunityForms.days),
            ("elective_list.initial_list", CommunityForms.initialListKeys + CommunityForms.bandKeys),
            ("elective_list.priorities", CommunityForms.priorityKeys),
            ("urgent_community_response.out_of_hours", [UrgentResponseSpec.waitForOpeningName]),
            ("acute_ward.pools", ["beds", "initial", "reserve", "ring_fenced"]),
        ]
        for (section, keys) in nested {
            for key in keys { XCTAssertTrue(doc.contains("`\(key)`"), "\(section).\(key)") }
        }
        XCTAssertTrue(doc.contains("## Population") && doc.contains("## Costs"))
    }
}

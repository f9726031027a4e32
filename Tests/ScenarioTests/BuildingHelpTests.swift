import Foundation
import PatientFlow
import SimCore
@testable import Scenario
import XCTest

/// Help for building a new system (issue 13): offered load, differences against the extended file, messages for
/// misspelt units, percentages, tabs, and the blocking chain behind a queue that grows.
final class BuildingHelpTests: XCTestCase {
    /// Two wards in tandem: 10 a day into `a` (mean stay 2 d), 60% on to `b` (mean stay 5 d), the rest home.
    /// By hand: `a` is offered 10 x 2 = 20 places, `b` 10 x 0.6 x 5 = 30.
    static func tandem(aPlaces: Int = 30, bPlaces: Int = 20, horizon: String = "2000d") -> String {
        """
        name: tandem
        horizon: \(horizon)
        warm_up: 50d
        seed: 3
        units:
          door: {kind: arrivals, rate: {per_day: 10}, route: a}
          a: {kind: bedded_care, beds: \(aPlaces), stay: {exponential: {mean: 2d}}, route: {b: 0.6, home: 0.4}}
          b: {kind: bedded_care, beds: \(bPlaces), stay: {exponential: {mean: 5d}}, route: home}
          home: {kind: exit, destination: home}
        """
    }

    func testOfferedLoadOfTwoWardsInTandemMatchesTheHandCalculation() throws {
        let s = try XCTUnwrap(loads(Self.tandem()))
        let l = OfferedLoad.measure(s.spec)
        let a = try XCTUnwrap(l.rows.first { $0.place == "a" }), b = try XCTUnwrap(l.rows.first { $0.place == "b" })
        // 2000 days: the standard error of each figure is ~1%; 5% tolerances.
        XCTAssertEqual(a.arrivalsPerDay, 10, accuracy: 0.5)
        XCTAssertEqual(b.arrivalsPerDay, 6, accuracy: 0.3)
        XCTAssertEqual(a.meanStayDays, 2, accuracy: 0.1)
        XCTAssertEqual(b.meanStayDays, 5, accuracy: 0.25)
        XCTAssertEqual(a.load, 20, accuracy: 1)
        XCTAssertEqual(b.load, 30, accuracy: 1.5)
        XCTAssertEqual(a.capacity, 30)
        XCTAssertEqual(b.capacity, 20)
        XCTAssertEqual(try XCTUnwrap(b.percent), 150, accuracy: 7.5, "b is offered more than its places: the bottleneck")
        XCTAssertLessThan(try XCTUnwrap(a.percent), 85)
        XCTAssertNil(l.rows.first { $0.place == "door" }, "arrivals hold no place")
    }

    /// The baseline: every acute pool and the front door below capacity in total, the downstream services near it
    /// (docs/calibration.md measures home support ~94%, rehabilitation ~96%, care homes ~92% occupied).
    func testOfferedLoadOfTheBaselineIsBelowCapacityAndDownstreamNearIt() throws {
        let s = try Scenario.load(path: Paths.repo("scenarios/mk-baseline.yaml"))
        let l = OfferedLoad.measure(s.spec)
        let totals = Dictionary(l.rowsWithTotals.map { ($0.place, $0) }, uniquingKeysWith: { a, _ in a })
        for name in ["acute (all)", "ed (all)"] {
            XCTAssertLessThan(try XCTUnwrap(totals[name]?.percent), 100, name)
        }
        for name in ["home_support", "rehab_beds", "care_home_placement"] {
            let p = try XCTUnwrap(totals[name]?.percent, name)
            XCTAssertGreaterThan(p, 85, name)
            XCTAssertLessThan(p, 105, name)
        }
    }

    func testMeanCapacityWeighsAScheduleByTime() {
        // 10 places for 6 hours, 20 for 18 hours, every day: 17.5 on average.
        let s = CapacitySchedule(period: 1440, steps: [CapacitySchedule.Step(offset: 0, capacity: 10), CapacitySchedule.Step(offset: 360, capacity: 20)])
        XCTAssertEqual(PlacesSpec.schedule(s).meanCapacity(from: 0, to: 7 * 1440) ?? 0, 17.5, accuracy: 1e-9)
        XCTAssertNil(PlacesSpec.unlimited.meanCapacity(from: 0, to: 1440))
    }

    /// Decision 151: a queue that grows at `a` because `b` is full names `b` as where capacity binds.
    func testAGrowingQueueNamesTheUnitDownstreamWhoseCapacityBinds() throws {
        let s = try XCTUnwrap(loads(Self.tandem(aPlaces: 30, bPlaces: 2, horizon: "300d")))
        let r = SystemSimulation(spec: s.spec, replication: 0).run()
        let line = try XCTUnwrap(r.warnings.first { $0.hasPrefix("queue grew without bound at unit a:") }, "\(r.warnings)")
        XCTAssertTrue(line.contains("capacity binds first downstream, at unit b"), line)
        XCTAssertTrue(line.contains("patients at a waited for b"), line)
        // Without the downstream limit, the same overload at `a` itself is `a`'s own capacity.
        let own = try XCTUnwrap(loads(Self.tandem(aPlaces: 5, bPlaces: 100, horizon: "300d")))
        let w = SystemSimulation(spec: own.spec, replication: 0).run().warnings
        let ownLine = try XCTUnwrap(w.first { $0.hasPrefix("queue grew without bound at unit a:") }, "\(w)")
        XCTAssertTrue(ownLine.hasSuffix("its capacity is below demand"), ownLine)
    }

    // MARK: Differences

    func testDifferencesListAddedRemovedAndChangedKeys() throws {
        let a = try XCTUnwrap(loads(Self.tandem()))
        let b = try XCTUnwrap(loads(Self.tandem(bPlaces: 25).replacingOccurrences(of: "seed: 3", with: "seed: 3\nreplications: 4")
            .replacingOccurrences(of: "warm_up: 50d\n", with: "")
            .replacingOccurrences(of: "{b: 0.6, home: 0.4}", with: "{b: 0.60, home: 0.3, died: 0.1}")
            + "\n  died: {kind: exit, destination: died}"))
        let d = Scenario.differences(from: a, to: b)
        let byPath = Dictionary(d.map { ($0.path, $0) }, uniquingKeysWith: { x, _ in x })
        XCTAssertEqual(byPath["units.b.beds"], ScenarioDifference(path: "units.b.beds", baseline: "20", option: "25"))
        XCTAssertEqual(byPath["units.b.beds"]?.change, .changed)
        XCTAssertEqual(byPath["warm_up"]?.change, .removed)
        XCTAssertEqual(byPath["warm_up"]?.baseline, "50d")
        XCTAssertEqual(byPath["replications"]?.change, .added)
        XCTAssertEqual(byPath["units.died"]?.option, "{kind: exit, destination: died}")
        XCTAssertEqual(byPath["units.a.route.home"]?.option, "0.3")
        XCTAssertEqual(byPath["units.a.route.died"]?.change, .added)
        XCTAssertNil(byPath["units.a.route.b"], "0.60 is 0.6")
        XCTAssertEqual(d.count, 6, "\(d)")
        XCTAssertEqual(Scenario.differences(from: a, to: a), [])
    }

    /// The option files against the baseline they extend: every difference is a key the option file sets.
    func testDifferencesOfAnOptionFileAreTheKeysItSets() throws {
        let base = try Scenario.load(path: Paths.repo("scenarios/mk-baseline.yaml"))
        let option = try Scenario.load(path: Paths.repo("scenarios/option-vw-expand.yaml"))
        let d = Scenario.differences(from: base, to: option)
        XCTAssertTrue(d.contains(ScenarioDifference(path: "units.frailty_hub.places", baseline: "35", option: "56")), "\(d)")
        XCTAssertTrue(d.allSatisfy { $0.change == .changed }, "\(d)")
    }

    // MARK: Messages

    func testAMisspeltUnitInAnExtendingFileSaysItDoesNotExistAndSuggestsTheNearest() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("help-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.tandem().write(to: folder.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let child = folder.appendingPathComponent("child.yaml").path
        try "extends: base.yaml\nname: child\nunits:\n  bb: {beds: 30}\n".write(toFile: child, atomically: true, encoding: .utf8)
        let e = Scenario.validate(path: child)
        XCTAssertEqual(e.count, 1, "\(e)")
        XCTAssertEqual(e.first?.location, SourceLocation(file: child, line: 4, column: 3))
        XCTAssertEqual(e.first?.path, "units.bb")
        let m = e.first?.message ?? ""
        XCTAssertTrue(m.contains("there is no unit 'bb' in \(folder.path)/base.yaml"), m)
        XCTAssertTrue(m.contains("Did you mean 'b'?"), m)
        XCTAssertTrue(m.contains("A new unit needs `kind`"), m)
        // A new unit in the file itself (nothing extended) still just misses its kind.
        let own = Scenario.validate(yaml: Self.tandem() + "\n  c: {beds: 3}")
        XCTAssertTrue(own.first?.message.hasPrefix("missing required key 'kind'") ?? false, "\(own)")
    }

    func testProbabilitiesMaySumToOneWithinAMillionth() {
        let route = { (r: String) in Self.tandem().replacingOccurrences(of: "{b: 0.6, home: 0.4}", with: r) }
        let died = "\n  died: {kind: exit, destination: died}"
        // 0.9999999: off by 1e-7, refused when the tolerance was 1e-9.
        XCTAssertEqual(Scenario.validate(yaml: route("{b: 0.3333333, home: 0.3333333, died: 0.3333333}") + died), [])
        let e = Scenario.validate(yaml: route("{b: 0.3333, home: 0.3333, died: 0.3333}") + died)
        XCTAssertEqual(e.count, 1, "\(e)")
        XCTAssertTrue(e.first?.message.hasPrefix("the probabilities sum to 0.9999; they must sum to 1 (within 1e-6)") ?? false, "\(e)")
    }

    func testPercentagesWhereProbabilitiesBelongAreNamed() {
        let e = Scenario.validate(yaml: Self.tandem().replacingOccurrences(of: "{b: 0.6, home: 0.4}", with: "{b: 60, home: 40}"))
        XCTAssertEqual(e.count, 1, "one error for the table, not one per value: \(e)")
        XCTAssertEqual(e.first?.path, "units.a.route")
        XCTAssertTrue(e.first?.message.contains("they look like percentages") ?? false, "\(e)")
        XCTAssertTrue(e.first?.message.contains("0.3, not 30") ?? false, "\(e)")
        // Values above 1 that do not sum to 100 are each out of range, as before.
        let other = Scenario.validate(yaml: Self.tandem().replacingOccurrences(of: "{b: 0.6, home: 0.4}", with: "{b: 6, home: 4}"))
        XCTAssertFalse(other.contains { $0.message.contains("percentages") }, "\(other)")
        XCTAssertFalse(other.isEmpty)
    }

    func testATabInIndentationIsNamedAtItsLineAndColumn() {
        let yaml = "name: t\nhorizon: 30d\nunits:\n  door:\n  \tkind: arrivals\n"
        let e = Scenario.validate(yaml: yaml, file: "tabs.yaml")
        XCTAssertEqual(e.count, 1, "\(e)")
        XCTAssertEqual(e.first?.location, SourceLocation(file: "tabs.yaml", line: 5, column: 3))
        XCTAssertEqual(e.first?.message, "tabs are not allowed for indentation in YAML; use spaces")
        XCTAssertEqual(ScenarioNode.firstIndentingTab("a: 1\n\tb: 2\n", upTo: 1)?.line, nil, "only lines up to the error")
        XCTAssertEqual(ScenarioNode.firstIndentingTab("a: \"x\ty\"\n", upTo: 1)?.line, nil, "a tab after content is not indentation")
    }
}

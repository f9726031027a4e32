import PatientFlow
@testable import Scenario
import SimCore
import Stochastics
import XCTest

/// `extends`: paths relative to the extending file, deep merge, null deletes, cycles are errors. The fixtures in
/// `sub/` extend `../base.yaml`, outside their own folder, so they are loaded allowing the fixtures' folder.
final class ExtendsTests: XCTestCase {
    func testChildOverridesAndDeletes() throws {
        let s = try Scenario.load(path: Paths.fixture("sub/child.yaml"), allowing: [Paths.fixtures])
        XCTAssertEqual(s.files, [Paths.fixture("sub/child.yaml"), Paths.fixture("sub/../base.yaml")])
        XCTAssertEqual(s.spec.name, "child")
        XCTAssertEqual(s.spec.horizon, 60 * 1440, "overridden")
        XCTAssertEqual(s.spec.warmUp, 2 * 1440, "inherited")
        XCTAssertEqual(s.spec.seed, 5)
        XCTAssertEqual(s.spec.units.map(\.name), ["door", "ward", "home", "died", "rehab"], "new units go last")
        let ward = try XCTUnwrap(service(s, "ward"))
        XCTAssertEqual(ward.places, .fixed(8))
        XCTAssertEqual(ward.initial, InitialState(), "deleted by null: the default")
        XCTAssertEqual(ward.stay, Keyed(.exponential(mean: 2880)), "kept from the base")
        XCTAssertEqual(ward.route.values[0].values, [s.spec.unitIndex(named: "home")!, s.spec.unitIndex(named: "rehab")!])
        XCTAssertNil(s.resolved["description"], "deleted by null")
        XCTAssertNil(s.resolved["extends"])
        XCTAssertEqual(s.resolved["units"]?["ward"]?["beds"]?.location.file, Paths.fixture("sub/child.yaml"))
        XCTAssertEqual(s.resolved["units"]?["ward"]?["stay"]?.location.file, Paths.fixture("sub/../base.yaml"))
    }

    /// A route or a distribution is one value: an override replaces it whole (no 1.1-sum blend of routes, no
    /// two distribution families), while the unit around it still merges key by key.
    func testValueMappingsReplaceWhole() throws {
        let s = try Scenario.load(path: Paths.fixture("sub/merged-route.yaml"), allowing: [Paths.fixtures])
        let ward = try XCTUnwrap(s.spec.unitIndex(named: "ward"))
        guard case .beddedCare(let w) = s.spec.units[ward].kind else { return XCTFail("ward is bedded care") }
        let route = w.route.value(AttributeValues())
        let names = route.values.map { s.spec.units[$0].name }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: zip(names, route.probabilities)), ["home": 0.8, "rehab": 0.2])
        XCTAssertEqual(w.stay.value(AttributeValues()), .gamma(mean: 2 * 1440, sd: 1440))
        XCTAssertEqual(w.initial, InitialState(occupied: 3), "keys the override does not mention are inherited")
        XCTAssertNil(s.resolved["units"]?["ward"]?["route"]?["died"], "the inherited destination is gone")
    }

    func testThreeLevels() throws {
        let s = try Scenario.load(path: Paths.fixture("sub/grandchild.yaml"), allowing: [Paths.fixtures])
        XCTAssertEqual(s.files.count, 3)
        XCTAssertEqual(s.spec.name, "grandchild")
        guard case .exit(let home) = s.spec.units[s.spec.unitIndex(named: "home")!].kind else { return XCTFail() }
        XCTAssertEqual(home.death, Keyed(0.0))
        XCTAssertEqual(service(s, "ward")?.places, .fixed(8))
    }

    func testCycles() {
        let e = Scenario.validate(path: Paths.fixture("cycle-a.yaml"))
        XCTAssertEqual(e.count, 1)
        XCTAssertEqual(e.first?.path, "extends")
        XCTAssertEqual(e.first?.location, SourceLocation(file: Paths.fixture("cycle-b.yaml"), line: 1, column: 10))
        XCTAssertTrue(e.first?.message.hasSuffix("extends forms a cycle: \(Paths.fixture("cycle-a.yaml")) -> "
                                                 + "\(Paths.fixture("cycle-b.yaml")) -> \(Paths.fixture("cycle-a.yaml"))") ?? false,
                      e.first?.message ?? "")
        let own = Scenario.validate(path: Paths.fixture("self-cycle.yaml"))
        XCTAssertTrue(own.first?.message.contains("cycle") ?? false)
    }

    func testErrorsPointIntoTheExtendedFile() {
        let e = Scenario.validate(path: Paths.fixture("bad-child.yaml"))
        let x = error(e, at: "units.ward.bedz")
        XCTAssertEqual(x?.location, SourceLocation(file: Paths.fixture("bad-parent.yaml"), line: 10, column: 5))
        XCTAssertTrue(x?.message.hasPrefix("unknown key 'bedz'; did you mean 'beds'?") ?? false)
        XCTAssertEqual(error(e, at: "units.ward.beds")?.message.hasPrefix("missing required key 'beds'"), true)
    }

    func testMissingParent() {
        let e = Scenario.validate(path: Paths.fixture("missing-parent.yaml"))
        XCTAssertEqual(e.first?.location, SourceLocation(file: Paths.fixture("missing-parent.yaml"), line: 1, column: 10))
        XCTAssertTrue(e.first?.message.contains("does not exist") ?? false)
        let missing = Scenario.validate(path: Paths.fixture("no-such.yaml"))
        XCTAssertEqual(missing.count, 1)
    }

    func testMergeRules() {
        let at = SourceLocation(file: "x.yaml", line: 1, column: 1)
        func s(_ v: String) -> ScenarioNode { ScenarioNode(.scalar(v, quoted: false), at: at) }
        func m(_ pairs: [(String, ScenarioNode)]) -> ScenarioNode {
            ScenarioNode(.mapping(pairs.map { .init(key: $0.0, keyLocation: at, value: $0.1) }), at: at)
        }
        let null = ScenarioNode(.null, at: at)
        let base = m([("a", s("1")), ("b", m([("c", s("2")), ("d", s("3"))])), ("l", ScenarioNode(.sequence([s("1"), s("2")]), at: at))])
        let over = m([("b", m([("d", null), ("e", s("4"))])), ("l", ScenarioNode(.sequence([s("9")]), at: at)),
                      ("a", s("5")), ("z", null), ("n", m([("x", s("6"))]))])
        let r = ScenarioNode.merged(base, over)
        XCTAssertEqual(r.entries?.map(\.key), ["a", "b", "l", "n"], "base order, new keys last, null never added")
        XCTAssertEqual(r["a"]?.scalar, "5", "scalars replace")
        XCTAssertEqual(r["b"]?.entries?.map(\.key), ["c", "e"], "mappings merge; null deletes")
        guard case .sequence(let items)? = r["l"]?.value else { return XCTFail() }
        XCTAssertEqual(items.map(\.scalar), ["9"], "lists replace")
        XCTAssertEqual(ScenarioNode.merged(base, s("7")).scalar, "7", "a scalar replaces a mapping")
    }

    func testRenderedTreeLoadsToTheSameSpec() throws {
        let s = try Scenario.load(path: Paths.fixture("sub/child.yaml"), allowing: [Paths.fixtures])
        let text = s.resolved.yaml()
        XCTAssertFalse(text.contains("extends"))
        let again = try Scenario.load(yaml: text, file: Paths.fixture("rendered.yaml"))
        XCTAssertEqual(again.spec.units.map(\.name), s.spec.units.map(\.name))
        XCTAssertEqual(service(again, "ward")?.places, .fixed(8))
        XCTAssertEqual(again.spec.horizon, s.spec.horizon)
        XCTAssertEqual(again.resolved.yaml(), text, "rendering is stable")
    }
}

/// Which keys an override replaces whole is declared by each kind's form.
final class MergeSeamTests: XCTestCase {
    /// Every declared path starts with a key of its form.
    func testDeclaredKeysBelongToTheirForm() {
        for form in UnitKindForms.all {
            for pattern in form.replacedWhole {
                let first = String(pattern.split(separator: ".")[0])
                XCTAssertTrue(form.keys.contains(first), "\(form.name): \(pattern)")
            }
        }
    }

    func merged(_ base: String, _ over: String) throws -> ScenarioNode {
        let d = ScenarioDecoder(scope: FileScope(scenarioFile: "b.yaml", allowing: []))
        let b = try XCTUnwrap(ScenarioNode.parse(yaml: base, file: "b.yaml", decoder: d))
        let o = try XCTUnwrap(ScenarioNode.parse(yaml: over, file: "o.yaml", decoder: d))
        return ScenarioNode.merged(b, o)
    }

    /// An acute ward's pathway merges key by key, but its delay (a distribution) is replaced whole; its route-like
    /// pathway_mix too.
    func testAcuteWardPathwayDelayReplacedWhole() throws {
        let r = try merged("""
            units:
              acute:
                kind: acute_ward
                pathway_mix: {P0: 0.5, P1: 0.5}
                pathways:
                  P1: {to: home, delay: {gamma: {mean: 2d, sd: 1d}}, counts_for_91_day: true}
            """, """
            units:
              acute:
                pathway_mix: {P0: 1}
                pathways:
                  P1: {delay: {exponential: {mean: 1d}}}
            """)
        let p1 = try XCTUnwrap(r["units"]?["acute"]?["pathways"]?["P1"])
        XCTAssertEqual(p1["to"]?.scalar, "home", "the pathway merges")
        XCTAssertEqual(p1["counts_for_91_day"]?.scalar, "true")
        XCTAssertEqual(p1["delay"]?.entries?.map(\.key), ["exponential"], "the delay is replaced whole")
        XCTAssertEqual(r["units"]?["acute"]?["pathway_mix"]?.entries?.map(\.key), ["P0"])
    }

    /// `stay` is one value in a community service; an arrivals unit's `rate` merges key by key.
    func testKindsDecideTheirOwnKeys() throws {
        let r = try merged("""
            units:
              reablement: {kind: community_service, stay: {lognormal: {mean: 13d, sd: 8d}}, capacity: 10, route: home}
              in: {kind: arrivals, rate: {per_day: 10, hour_of_day: [1, 2]}, route: {a: 0.5, b: 0.5}}
            """, """
            units:
              reablement: {stay: {gamma: {mean: 10d, sd: 5d}}}
              in: {rate: {per_day: 12}, route: {a: 1}}
            """)
        XCTAssertEqual(r["units"]?["reablement"]?["stay"]?.entries?.map(\.key), ["gamma"])
        XCTAssertEqual(r["units"]?["in"]?["rate"]?.entries?.map(\.key), ["per_day", "hour_of_day"], "a rate merges")
        XCTAssertEqual(r["units"]?["in"]?["rate"]?["per_day"]?.scalar, "12")
        XCTAssertEqual(r["units"]?["in"]?["route"]?.entries?.map(\.key), ["a"], "a route is replaced whole")
    }

    func testPatterns() {
        XCTAssertTrue(ScenarioNode.matches("pathways.*.delay", ["pathways", "P1", "delay"]))
        XCTAssertFalse(ScenarioNode.matches("pathways.*.delay", ["pathways", "P1"]))
        XCTAssertTrue(ScenarioNode.isReplacedWhole(["population", "growth_per_year"], kind: nil))
        XCTAssertFalse(ScenarioNode.isReplacedWhole(["population", "neighbourhoods"], kind: nil))
        XCTAssertTrue(ScenarioNode.isReplacedWhole(["units", "x", "death"], kind: .exit))
        XCTAssertFalse(ScenarioNode.isReplacedWhole(["units", "x", "death"], kind: .acuteWard))
    }
}

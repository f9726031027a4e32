import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Routes and other choices: a name, or probabilities summing to 1; names must exist and be allowed.
final class ChoiceTests: XCTestCase {
    func testSingleNameAndMapping() throws {
        let s = try XCTUnwrap(loads(Template.scenario(route: "{home: 0.75, died: 0.25}")))
        let w = try XCTUnwrap(service(s, "ward"))
        let home = s.spec.unitIndex(named: "home")!, died = s.spec.unitIndex(named: "died")!
        XCTAssertEqual(w.route.values.count, 1)
        XCTAssertEqual(w.route.values[0].values, [home, died])
        XCTAssertEqual(w.route.values[0].probabilities, [0.75, 0.25])
        let single = try XCTUnwrap(service(loads(Template.scenario(route: "died")), "ward"))
        XCTAssertEqual(single.route.values[0].values, [died])
        XCTAssertEqual(single.route.values[0].probabilities, [1])
    }

    func testSumWithinTolerance() {
        XCTAssertNotNil(loads(Template.scenario(route: "{home: 0.1, died: 0.9000000000001}")))
        let e = errors(Template.scenario(route: "{home: 0.7, died: 0.25}"))
        XCTAssertEqual(error(e, at: "units.ward.route")?.message, "the probabilities sum to 0.95; they must sum to 1 (within 1e-6)")
        assertWellFormed(e)
    }

    func testProbabilityRange() {
        let e = errors(Template.scenario(route: "{home: 1.5, died: -0.5}"))
        XCTAssertTrue(error(e, at: "units.ward.route.home")?.message.contains("a probability: a number from 0 to 1") ?? false)
        XCTAssertNotNil(error(e, at: "units.ward.route.died"))
    }

    func testUnknownUnitSuggests() {
        let e = errors(Template.scenario(route: "hme"))
        XCTAssertEqual(error(e, at: "units.ward.route")?.message,
                       "unknown unit 'hme'; did you mean 'home'?; units: door, ward, home, died")
        assertWellFormed(e)
    }

    func testForbiddenTargets() {
        let toArrivals = errors(Template.scenario(route: "door"))
        XCTAssertTrue(error(toArrivals, at: "units.ward.route")?.message.contains("a unit of kind arrivals") ?? false)
        let toSelf = errors(Template.scenario(route: "ward"))
        XCTAssertEqual(error(toSelf, at: "units.ward.route")?.message, "unit 'ward' cannot route to itself")
    }

    func testKeyedRouteAndMix() throws {
        let doorExtra = """
                mix:
                  age_band: {18-64: 0.5, 65-74: 0.2, 75-84: 0.2, 85+: 0.1}
                  frailty:
                    by: age_band
                    table:
                      18-64: none
                      65-74: {none: 0.5, mild: 0.5}
                      75-84: {none: 0.2, mild: 0.4, severe: 0.4}
                      85+: severe
            """
        let s = try XCTUnwrap(loads(Template.scenario(doorExtra: doorExtra, attributes: Template.twoAttributes)))
        guard case .arrivals(let a) = s.spec.units[0].kind else { return XCTFail() }
        XCTAssertEqual(a.mix.count, 2)
        let age = try XCTUnwrap(a.mix[0]), frailty = try XCTUnwrap(a.mix[1])
        XCTAssertEqual(age.keys, [])
        for (p, q) in zip(age.values[0].probabilities, [0.5, 0.2, 0.2, 0.1]) { XCTAssertEqual(p, q, accuracy: 1e-12) }
        XCTAssertEqual(frailty.keys, [.attribute(0)])
        XCTAssertEqual(frailty.values[0].values, [0])
        XCTAssertEqual(frailty.values[3].values, [2])
        for (p, q) in zip(frailty.values[2].probabilities, [0.2, 0.4, 0.4]) { XCTAssertEqual(p, q, accuracy: 1e-12) }
    }

    func testMixOnlyByEarlierAttributes() {
        let doorExtra = """
                mix:
                  age_band: {by: frailty, table: {none: 18-64, mild: 65-74, severe: 85+}}
            """
        let e = errors(Template.scenario(doorExtra: doorExtra, attributes: Template.twoAttributes))
        XCTAssertTrue(error(e, at: "units.door.mix.age_band.by")?.message.contains("only on attributes listed before it") ?? false)
        let unknownLevel = errors(Template.scenario(doorExtra: "    mix: {age_band: {18-64: 0.5, 65-75: 0.5}}"))
        XCTAssertTrue(error(unknownLevel, at: "units.door.mix.age_band.65-75")?.message.contains("did you mean '65-74'?") ?? false)
        let unknownAttribute = errors(Template.scenario(doorExtra: "    mix: {ageband: 18-64}"))
        XCTAssertTrue(error(unknownAttribute, at: "units.door.mix.ageband")?.message.contains("did you mean 'age_band'?") ?? false)
    }

    func testMixDefaultsToNil() throws {
        let s = try XCTUnwrap(loads(Template.scenario(attributes: Template.twoAttributes)))
        guard case .arrivals(let a) = s.spec.units[0].kind else { return XCTFail() }
        XCTAssertEqual(a.mix.count, 2)
        XCTAssertNil(a.mix[0])
        XCTAssertNil(a.mix[1])
        XCTAssertFalse(a.byAmbulance)
    }
}

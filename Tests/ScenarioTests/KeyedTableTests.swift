import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Tables keyed by one or two attributes, or by `next`, are dense and row-major; every level is required once.
final class KeyedTableTests: XCTestCase {
    func attrs(_ values: Int...) -> AttributeValues {
        var a = AttributeValues()
        for (i, v) in values.enumerated() { a[i] = v }
        return a
    }

    func testOneKey() throws {
        let text = Template.scenario(stay: "{by: age_band, table: {18-64: 1d, 65-74: 2d, 75-84: 3d, 85+: 4d}}")
        let w = try XCTUnwrap(service(loads(text), "ward"))
        XCTAssertEqual(w.stay.keys, [.attribute(0)])
        XCTAssertEqual(w.stay.sizes, [4])
        for band in 0..<4 {
            XCTAssertEqual(w.stay.value(attrs(band)), .constant(Double(band + 1) * 1440))
        }
    }

    func testTwoKeysAreRowMajor() throws {
        let stay = "{by: [age_band, frailty], table: {18-64: {none: 1h, mild: 2h, severe: 3h}, "
            + "65-74: {none: 4h, mild: 5h, severe: 6h}, 75-84: {none: 7h, mild: 8h, severe: 9h}, "
            + "85+: {severe: 12h, none: 10h, mild: 11h}}}"
        let text = Template.scenario(stay: stay, attributes: Template.twoAttributes)
        let w = try XCTUnwrap(service(loads(text), "ward"))
        XCTAssertEqual(w.stay.keys, [.attribute(0), .attribute(1)])
        XCTAssertEqual(w.stay.sizes, [4, 3])
        XCTAssertEqual(w.stay.values.count, 12)
        for band in 0..<4 {
            for frailty in 0..<3 {
                let hours = Double(band * 3 + frailty + 1)
                XCTAssertEqual(w.stay.values[band * 3 + frailty], .constant(hours * 60))
                XCTAssertEqual(w.stay.value(attrs(band, frailty)), .constant(hours * 60), "\(band), \(frailty)")
            }
        }
    }

    func testKeyedByNextUsesUnitIndices() throws {
        let text = Template.scenario(stay: "{by: next, table: {home: 1d, died: 2d}}", route: "{home: 0.9, died: 0.1}")
        let s = try XCTUnwrap(loads(text))
        let w = try XCTUnwrap(service(s, "ward"))
        XCTAssertEqual(w.stay.keys, [.next])
        XCTAssertEqual(w.stay.sizes, [s.spec.units.count])
        let home = try XCTUnwrap(s.spec.unitIndex(named: "home")), died = try XCTUnwrap(s.spec.unitIndex(named: "died"))
        XCTAssertEqual(w.stay.value(attrs(0), next: home), .constant(1440))
        XCTAssertEqual(w.stay.value(attrs(0), next: died), .constant(2880))
        XCTAssertTrue(w.stay.dependsOnNext)
    }

    func testAttributeAndNext() throws {
        let stay = "{by: [age_band, next], table: {18-64: {home: 1h, died: 2h}, 65-74: {home: 3h, died: 4h}, "
            + "75-84: {home: 5h, died: 6h}, 85+: {home: 7h, died: 8h}}}"
        let s = try XCTUnwrap(loads(Template.scenario(stay: stay, route: "{home: 0.5, died: 0.5}")))
        let w = try XCTUnwrap(service(s, "ward"))
        let home = s.spec.unitIndex(named: "home")!, died = s.spec.unitIndex(named: "died")!
        for band in 0..<4 {
            XCTAssertEqual(w.stay.value(attrs(band), next: home), .constant(Double(2 * band + 1) * 60))
            XCTAssertEqual(w.stay.value(attrs(band), next: died), .constant(Double(2 * band + 2) * 60))
        }
    }

    func testMissingAndUnknownLevels() {
        let e = errors(Template.scenario(stay: "{by: age_band, table: {18-64: 1d, 65-47: 2d, 75-84: 3d}}"))
        assertWellFormed(e)
        XCTAssertEqual(error(e, at: "units.ward.stay.table.65-47")?.message,
                       "unknown level '65-47' of attribute 'age_band'; did you mean '65-74'?; levels: 18-64, 65-74, 75-84, 85+")
        XCTAssertEqual(error(e, at: "units.ward.stay.table")?.message,
                       "missing levels '65-74' and '85+' of attribute 'age_band': every level needs a value")
    }

    func testUnknownAttributeAndForbiddenNext() {
        let unknown = errors(Template.scenario(stay: "{by: age_bnd, table: {}}"))
        XCTAssertTrue(error(unknown, at: "units.ward.stay.by")?.message.contains("did you mean 'age_band'?") ?? false)
        let next = errors(Template.scenario(route: "{by: next, table: {home: home}}"))
        XCTAssertTrue(error(next, at: "units.ward.route.by")?.message.contains("'next' cannot key this value") ?? false)
        let nested = errors(Template.scenario(stay: "{by: age_band, table: {18-64: {by: age_band, table: {}}, 65-74: 1d, 75-84: 1d, 85+: 1d}}"))
        XCTAssertTrue(error(nested, at: "units.ward.stay.table.18-64")?.message.contains("cannot be nested") ?? false)
        let same = errors(Template.scenario(stay: "{by: [age_band, age_band], table: {}}"))
        XCTAssertNotNil(error(same, at: "units.ward.stay.by"))
    }

    func testKeyedProbability() throws {
        let text = Template.scenario().replacingOccurrences(of: "destination: home",
            with: "destination: home\n    death: {by: age_band, table: {18-64: 0.01, 65-74: 0.02, 75-84: 0.05, 85+: 0.1}}")
        let s = try XCTUnwrap(loads(text))
        guard case .exit(let x) = s.spec.units[s.spec.unitIndex(named: "home")!].kind else { return XCTFail() }
        XCTAssertEqual(x.death.values, [0.01, 0.02, 0.05, 0.1])
        XCTAssertEqual(x.death.value(attrs(3)), 0.1)
        XCTAssertEqual(x.careHomeMove.values, [0])
        XCTAssertNil(x.readmissionRoute)
    }
}

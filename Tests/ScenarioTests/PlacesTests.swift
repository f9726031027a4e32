import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Places: a number, unlimited, or a schedule with a repeating pattern and dated extra periods.
final class PlacesTests: XCTestCase {
    func places(_ text: String, top: String = "", line: UInt = #line) -> PlacesSpec? {
        service(loads(Template.scenario(beds: text, top: top), line: line), "ward", line: line)?.places
    }

    func testNumberAndUnlimited() {
        XCTAssertEqual(places("12"), .fixed(12))
        XCTAssertEqual(places("0"), .fixed(0))
        XCTAssertEqual(places("unlimited"), .unlimited)
        XCTAssertEqual(places("{base: 7}"), .fixed(7))
    }

    func testDailyPattern() throws {
        let p = try XCTUnwrap(places("{pattern: {period: 1d, steps: [{at: \"00:00\", places: 4}, {at: \"08:00\", places: 10}, {at: \"20:00\", places: 6}]}}"))
        let expected = CapacitySchedule(period: 1440, steps: [.init(offset: 0, capacity: 4), .init(offset: 480, capacity: 10),
                                                             .init(offset: 1200, capacity: 6)])
        XCTAssertEqual(p, .schedule(expected))
        XCTAssertEqual(p.capacity(at: 1440 + 9 * 60), 10)
        XCTAssertEqual(p.capacity(at: 1440 + 21 * 60), 6)
    }

    func testFirstStepNotAtMidnightUsesBase() throws {
        let p = try XCTUnwrap(places("{base: 3, pattern: {period: 1w, steps: [{at: 1d, places: 9}, {at: 5d, places: 4}]}}"))
        let expected = CapacitySchedule(period: 10080, steps: [.init(offset: 0, capacity: 3), .init(offset: 1440, capacity: 9),
                                                              .init(offset: 7200, capacity: 4)])
        XCTAssertEqual(p, .schedule(expected))
        let e = errors(Template.scenario(beds: "{pattern: {period: 1d, steps: [{at: \"08:00\", places: 9}]}}"))
        XCTAssertTrue(error(e, at: "units.ward.beds.pattern.steps")?.message.contains("give `base`") ?? false)
    }

    func testExtraPeriodsFromDates() throws {
        let p = try XCTUnwrap(places("{base: 20, extra: [{from: 2025-04-03, to: 2025-04-04, places: +5}, {from: 2025-03-01, to: 2025-04-01, places: -2}]}",
                                     top: "start_date: 2025-04-01"))
        guard case .schedule(let s) = p else { return XCTFail() }
        XCTAssertEqual(s.periods, [.init(from: 2 * 1440, to: 4 * 1440, delta: 5), .init(from: -31 * 1440, to: 1440, delta: -2)])
        XCTAssertEqual(p.capacity(at: 100), 18, "the closure runs to the end of its last day")
        XCTAssertEqual(p.capacity(at: 1440 + 100), 20)
        XCTAssertEqual(p.capacity(at: 2 * 1440), 25, "extra places from the start of `from`")
        XCTAssertEqual(p.capacity(at: 4 * 1440 - 1), 25, "and to the end of `to`")
        XCTAssertEqual(p.capacity(at: 4 * 1440), 20)
    }

    func testErrors() {
        let cases: [(String, String, String)] = [
            ("-1", "units.ward.beds", "out of range"),
            ("10000000", "units.ward.beds", "out of range"),
            ("2.5", "units.ward.beds", "not a whole number"),
            ("unlimted", "units.ward.beds", "did you mean 'unlimited'?"),
            ("[1, 2]", "units.ward.beds", "found a list"),
            ("{bse: 3}", "units.ward.beds.bse", "did you mean 'base'?"),
            ("{pattern: {period: 1d, steps: [{at: \"08:00\", places: 1}, {at: \"07:00\", places: 2}]}, base: 1}",
             "units.ward.beds.pattern.steps[1].at", "increasing order"),
            ("{pattern: {period: 1d, steps: [{at: 0h, places: 1}, {at: 25h, places: 2}]}}",
             "units.ward.beds.pattern.steps[1].at", "after the end of the period"),
            ("{pattern: {period: 1d, steps: [{at: \"25:00\", places: 1}]}}", "units.ward.beds.pattern.steps[0].at", "HH:MM"),
            ("{base: 1, extra: [{from: 2025-05-02, to: 2025-05-01, places: 1}]}", "units.ward.beds.extra[0]", "is after"),
            ("{base: 1, extra: [{from: 2025-02-30, to: 2025-05-01, places: 1}]}", "units.ward.beds.extra[0].from", "a real date"),
        ]
        for (text, path, fragment) in cases {
            let e = errors(Template.scenario(beds: text))
            assertWellFormed(e)
            let x = error(e, at: path)
            XCTAssertTrue(x?.message.contains(fragment) ?? false, "\(text): \(x?.message ?? "no error at \(path)")")
        }
    }

    func testInitialState() throws {
        let w = try XCTUnwrap(service(loads(Template.scenario(wardExtra: "    initial: {occupied: 4, queued: 2}")), "ward"))
        XCTAssertEqual(w.initial, InitialState(occupied: 4, queued: 2))
        let defaulted = try XCTUnwrap(service(loads(Template.scenario()), "ward"))
        XCTAssertEqual(defaulted.initial, InitialState())
        let e = errors(Template.scenario(wardExtra: "    initial: {occupied: -4, queud: 2}"))
        XCTAssertNotNil(error(e, at: "units.ward.initial.occupied"))
        XCTAssertTrue(error(e, at: "units.ward.initial.queud")?.message.contains("did you mean 'queued'?") ?? false)
    }
}

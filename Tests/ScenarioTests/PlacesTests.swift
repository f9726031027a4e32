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

    func testInitialRemainingRule() throws {
        let w = try XCTUnwrap(service(loads(Template.scenario(wardExtra: "    initial: {occupied: 4, remaining: uniform_from_one}")), "ward"))
        XCTAssertEqual(w.initial, InitialState(occupied: 4, remaining: .uniformFromOne))
        let e = errors(Template.scenario(wardExtra: "    initial: {occupied: 4, remaining: uniform}"))
        assertWellFormed(e)
        let x = error(e, at: "units.ward.initial.remaining")
        XCTAssertTrue(x?.message.contains("allowed: equilibrium, uniform_from_one") ?? false, x?.message ?? "no error")
    }

    /// `initial: {csv: FILE}`: one patient a row with its elapsed time and attributes; errors name the file, line,
    /// column and key.
    func testInitialPatientsFromCSV() throws {
        let file = Paths.fixture("inline.yaml")
        let s = try Scenario.load(yaml: Template.scenario(wardExtra: "    initial: {csv: initial-patients.csv, queued: 1}"), file: file)
        let w = try XCTUnwrap(service(s, "ward"))
        XCTAssertEqual(w.initial.occupied, 3, "a blank line is skipped")
        XCTAssertEqual(w.initial.queued, 1)
        XCTAssertEqual(w.initial.patients.map(\.elapsed), [3 * Duration.day, 12 * 60, 0])
        XCTAssertEqual(w.initial.patients.map { $0.attributes[0] }, [3, 1, 0], "85+, 65-74, 18-64")
        XCTAssertEqual(w.initial.patients.map(\.given), [1, 1, 1])

        func csvErrors(_ extra: String) -> [ScenarioError] {
            do {
                _ = try Scenario.load(yaml: Template.scenario(wardExtra: extra), file: file)
                XCTFail("expected errors: \(extra)")
                return []
            } catch { return error.errors }
        }
        let bad = csvErrors("    initial: {csv: initial-bad.csv}")
        let csv = Paths.fixture("initial-bad.csv")
        XCTAssertEqual(bad.map(\.location), [SourceLocation(file: csv, line: 3, column: 1), SourceLocation(file: csv, line: 4, column: 4),
                                              SourceLocation(file: csv, line: 5, column: 1)])
        XCTAssertEqual(Set(bad.map(\.path)), ["units.ward.initial.csv"])
        XCTAssertTrue(bad[0].message.contains("expected a duration with its unit"), bad[0].message)
        XCTAssertTrue(bad[1].message.contains("age_band: unknown level '90+'; allowed: 18-64, 65-74, 75-84, 85+"), bad[1].message)
        XCTAssertTrue(bad[2].message.contains("expected 2 columns"), bad[2].message)
        let column = csvErrors("    initial: {csv: initial-badcolumn.csv}")
        XCTAssertEqual(column.first?.location, SourceLocation(file: Paths.fixture("initial-badcolumn.csv"), line: 1, column: 9))
        XCTAssertTrue(column.first?.message.contains("unknown column 'colour'; allowed: elapsed, age_band") ?? false,
                      column.first?.message ?? "")
        let noHeader = csvErrors("    initial: {csv: rates.csv}")
        XCTAssertTrue(noHeader.first?.message.contains("its contents are not shown") ?? false, noHeader.first?.message ?? "")
        let both = csvErrors("    initial: {csv: initial-patients.csv, occupied: 3, remaining: equilibrium}")
        XCTAssertEqual(Set(both.map(\.path)), ["units.ward.initial.occupied", "units.ward.initial.remaining"])
        let outside = csvErrors("    initial: {csv: /etc/passwd}")
        XCTAssertTrue(outside.first?.message.contains("outside the scenario's folder") ?? false, outside.first?.message ?? "")
    }

    /// `wait_thresholds`: durations of whole minutes, increasing; the default is 4h and 12h.
    func testWaitThresholds() throws {
        XCTAssertEqual(loads(Template.scenario())?.spec.waitThresholds, [240, 720])
        XCTAssertEqual(loads(Template.scenario(top: "wait_thresholds: [30min, 2d]"))?.spec.waitThresholds, [30, 2880])
        for (text, path, fragment) in [("[12h, 4h]", "wait_thresholds[1]", "must increase"),
                                       ("[4]", "wait_thresholds[0]", "needs a unit"),
                                       ("[90s]", "wait_thresholds[0]", "whole number of minutes"),
                                       ("[0min]", "wait_thresholds[0]", "> 0"),
                                       ("4h", "wait_thresholds", "a list"),
                                       ("[1h, 2h, 3h, 4h, 5h, 6h, 7h, 8h, 9h]", "wait_thresholds", "at most 8")] {
            let e = errors(Template.scenario(top: "wait_thresholds: \(text)"))
            assertWellFormed(e)
            let x = error(e, at: path)
            XCTAssertTrue(x?.message.contains(fragment) ?? false, "\(text): \(x?.message ?? "no error at \(path): \(e)")")
        }
    }
}

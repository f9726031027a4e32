import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Arrival rates: a profile (per day x hour x weekday x month x growth) or dated rates from a CSV file.
final class ArrivalRateTests: XCTestCase {
    func rate(_ s: Scenario?, line: UInt = #line) -> ArrivalsSpec.Rate? {
        guard let s, case .arrivals(let a) = s.spec.units[0].kind else {
            XCTFail("no arrivals unit", line: line)
            return nil
        }
        return a.rate
    }

    func testFlatProfile() throws {
        guard case .profile(let p)? = rate(loads(Template.scenario(rate: "{per_day: 48}"))) else { return XCTFail() }
        XCTAssertEqual(p.perDay, 48)
        XCTAssertEqual(p.hourOfDay, Array(repeating: 1, count: 24))
        XCTAssertEqual(p.growthPerYear, 0)
        XCTAssertEqual(p.segment(at: 0).rate, 48.0 / 1440, accuracy: 1e-12)
    }

    func testShapedProfile() throws {
        let hours = (0..<24).map { $0 < 12 ? "1" : "3" }.joined(separator: ", ")
        let text = Template.scenario(rate: "{per_day: 10, hour_of_day: [\(hours)], day_of_week: [2, 1, 1, 1, 1, 1, 0], "
                                     + "month: [1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1], growth_per_year: 0.05}",
                                     top: "start_date: 2025-04-07")
        guard case .profile(let p)? = rate(loads(text)) else { return XCTFail() }
        XCTAssertEqual(p.hourOfDay[0], 0.5, accuracy: 1e-12)
        XCTAssertEqual(p.hourOfDay[12], 1.5, accuracy: 1e-12)
        XCTAssertEqual(p.dayOfWeek[0], 2, accuracy: 1e-12, "Monday first")
        XCTAssertEqual(p.monthOfYear[3], 2 * 12.0 / 13, accuracy: 1e-12, "April is the fourth month")
        XCTAssertEqual(p.growthPerYear, 0.05)
        XCTAssertEqual(p.calendar.startDate, CivilDate(year: 2025, month: 4, day: 7))
        // 2025-04-07 is a Monday in April; at 00:00: 10/day x 0.5 x 2 x (24/13).
        XCTAssertEqual(p.segment(at: 0).rate, 10.0 / 1440 * 0.5 * 2 * 24 / 13, accuracy: 1e-12)
    }

    func testProfileErrors() {
        let cases: [(String, String, String)] = [
            ("{per_day: -1}", "units.door.rate.per_day", "out of range"),
            ("{per_day: .inf}", "units.door.rate.per_day", "not a finite number"),
            ("{per_day: 10, hour_of_day: [1, 2]}", "units.door.rate.hour_of_day", "expected 24 weights"),
            ("{per_day: 10, day_of_week: [0, 0, 0, 0, 0, 0, 0]}", "units.door.rate.day_of_week", "all 0"),
            ("{per_day: 10, growth_per_year: -1}", "units.door.rate.growth_per_year", "out of range"),
            ("{per_dya: 10}", "units.door.rate.per_dya", "did you mean 'per_day'?"),
            ("{per_day: 10, csv: rates.csv}", "units.door.rate", "not both"),
            ("10", "units.door.rate", "expected an arrival rate"),
        ]
        for (text, path, fragment) in cases {
            let e = errors(Template.scenario(rate: text))
            assertWellFormed(e)
            let x = error(e, at: path)
            XCTAssertTrue(x?.message.contains(fragment) ?? false, "\(text): \(x?.message ?? "no error at \(path)")")
        }
    }

    func testCSVFixture() throws {
        let s = try XCTUnwrap(try? Scenario.load(path: Paths.fixture("csv-arrivals.yaml")))
        guard case .dated(let d)? = rate(s) else { return XCTFail() }
        XCTAssertEqual(d.perDay, [10, 11, 12, 13, 14], "sliced from start_date")
        XCTAssertEqual(d.hourOfDay[8] / d.hourOfDay[0], 2, accuracy: 1e-12)
        XCTAssertEqual(d.segment(at: 1440 + 9 * 60).rate, 11.0 / 1440 * d.hourOfDay[9], accuracy: 1e-12)
    }

    /// A scenario next to the fixtures reading `csv` over a run of `days` days.
    func csvScenario(_ csv: String, days: Int = 5, start: String = "2025-04-01") -> String {
        Template.scenario(rate: "{csv: \(csv)}", top: "start_date: \(start)")
            .replacingOccurrences(of: "horizon: 30d", with: "horizon: \(days)d")
    }

    func csvErrors(_ csv: String, days: Int = 5, start: String = "2025-04-01", line: UInt = #line) -> [ScenarioError] {
        do {
            _ = try Scenario.load(yaml: csvScenario(csv, days: days, start: start), file: Paths.fixture("inline.yaml"))
            XCTFail("expected errors", line: line)
            return []
        } catch {
            return error.errors
        }
    }

    func testCSVErrorsNameTheLine() throws {
        let gap = csvErrors("rates-gap.csv")
        XCTAssertEqual(gap.first?.location, SourceLocation(file: Paths.fixture("rates-gap.csv"), line: 4, column: 1))
        XCTAssertEqual(gap.first?.path, "units.door.rate.csv")
        XCTAssertTrue(gap.first?.message.contains("consecutive: expected 2025-04-03 after 2025-04-02") ?? false, "\(gap)")

        let late = csvErrors("rates-late.csv")
        XCTAssertEqual(late.first?.location.line, 2)
        XCTAssertTrue(late.first?.message.contains("must start on or before") ?? false)

        let header = csvErrors("rates-noheader.csv")
        XCTAssertEqual(header.first?.location.line, 1)
        XCTAssertTrue(header.first?.message.contains("header `date,per_day`") ?? false)

        let bad = csvErrors("rates-bad.csv")
        XCTAssertEqual(bad.map(\.location.line), [3, 4])

        let short = csvErrors("rates.csv", days: 30)
        XCTAssertEqual(short.first?.location.line, 8)
        XCTAssertTrue(short.first?.message.contains("the run needs them to 2025-04-30") ?? false, "\(short)")

        let missing = csvErrors("nowhere.csv")
        XCTAssertEqual(missing.first?.location.file, Paths.fixture("inline.yaml"))
        XCTAssertTrue(missing.first?.message.contains("the rates file '\(Paths.fixture("nowhere.csv"))' does not exist") ?? false,
                      "\(missing)")
    }
}

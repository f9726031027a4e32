import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Durations carry units (s, min, h, d, w) and become minutes; bare numbers, negatives, NaN are errors.
final class DurationTests: XCTestCase {
    func testUnitsBecomeMinutes() {
        let cases: [(String, Double)] = [("30s", 0.5), ("15min", 15), ("4h", 240), ("7d", 7 * 1440), ("6w", 6 * 10080),
                                         ("1.5h", 90), ("0d", 0), ("0.25d", 360), ("90s", 1.5)]
        for (text, minutes) in cases {
            XCTAssertEqual(stay(text), .constant(minutes), text)
        }
    }

    func testBareNumberNeedsAUnit() {
        let e = errors(Template.scenario(stay: "10"))
        let x = error(e, at: "units.ward.stay")
        XCTAssertEqual(x?.message.hasPrefix("a duration needs a unit: 15min, 4h, 7d, 6w"), true, x?.message ?? "")
        assertWellFormed(e)
    }

    func testRejectedForms() {
        for text in ["-5min", "5 min", "5m", "5mins", "h", "1..5h", ".5h", "5.h", "abc", "\"10\"", "[1d]", "{a: 1}", "5hours",
                     "1e400d", ".nan", ".inf"] {
            let e = errors(Template.scenario(stay: text))
            XCTAssertFalse(e.isEmpty, text)
            XCTAssertTrue(e.allSatisfy { $0.path.hasPrefix("units.ward.stay") }, "\(text): \(e)")
            assertWellFormed(e)
        }
    }

    func testMessagesSayWhatIsAllowed() {
        let negative = errors(Template.scenario(stay: "-5min")).first
        XCTAssertEqual(negative?.message, "durations must be >= 0, found -5min")
        let minutes = errors(Template.scenario(stay: "5m")).first
        XCTAssertTrue(minutes?.message.contains("unknown unit 'm' (use 'min')") ?? false, minutes?.message ?? "")
        let nan = errors(Template.scenario(stay: ".nan")).first
        XCTAssertTrue(nan?.message.hasPrefix("NaN is not allowed") ?? false, nan?.message ?? "")
        let huge = errors(Template.scenario(stay: "1e400d")).first
        XCTAssertNotNil(huge)
    }

    func testQuotedDurationIsStillADuration() {
        XCTAssertEqual(stay("\"4h\""), .constant(240))
    }

    func testHorizonWarmUpAndLimit() {
        let s = loads(Template.scenario(top: "warm_up: 1w"))
        XCTAssertEqual(s?.spec.horizon, 30 * 1440)
        XCTAssertEqual(s?.spec.warmUp, 10080)
        let tooLong = errors(Template.scenario(top: "warm_up: 7300d"))
        XCTAssertTrue(error(tooLong, at: "horizon")?.message.contains("at most 20 years") ?? false)
        let zero = errors(Template.scenario().replacingOccurrences(of: "horizon: 30d", with: "horizon: 0d"))
        XCTAssertEqual(error(zero, at: "horizon")?.message, "the horizon must be > 0")
    }
}

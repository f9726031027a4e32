import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Every distribution form becomes the right `Distribution`, with parameters in minutes.
final class DistributionFormTests: XCTestCase {
    func testEachForm() {
        let cases: [(String, Distribution)] = [
            ("{exponential: {mean: 20min}}", .exponential(mean: 20)),
            ("{lognormal: {mean: 7.9d, sd: 9d}}", .lognormal(mean: 7.9 * 1440, sd: 9 * 1440)),
            ("{lognormal: {mu: 2.5, sigma: 0.75}}", .lognormal(mu: 2.5, sigma: 0.75)),
            ("{gamma: {mean: 2d, sd: 1d}}", .gamma(mean: 2880, sd: 1440)),
            ("{gamma: {shape: 2, scale: 3h}}", .gamma(shape: 2, scale: 180)),
            ("{weibull: {shape: 1.5, scale: 4w}}", .weibull(scale: 4 * 10080, shape: 1.5)),
            ("{uniform: {low: 5min, high: 15min}}", .uniform(low: 5, high: 15)),
            ("{triangular: {low: 1h, mode: 2h, high: 6h}}", .triangular(low: 60, mode: 120, high: 360)),
            ("{normal: {mean: 1h, sd: 10min}}", .truncatedNormal(mean: 60, sd: 10)),
            ("{constant: 30min}", .constant(30)),
            ("30min", .constant(30)),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(stay(text), expected, text)
        }
    }

    func testLognormalMomentsRoundTrip() throws {
        let d = try XCTUnwrap(stay("{lognormal: {mean: 7.9d, sd: 9d}}"))
        XCTAssertEqual(d.mean, 7.9 * 1440, accuracy: 1e-6 * 7.9 * 1440)
        XCTAssertEqual(d.variance.squareRoot(), 9 * 1440, accuracy: 1e-6 * 9 * 1440)
    }

    func testEmpirical() throws {
        let d = try XCTUnwrap(stay("{empirical: {values: [1d, 2d, 4d], weights: [1, 2, 1]}}"))
        guard case .empirical(let e) = d else { return XCTFail("not empirical: \(d)") }
        XCTAssertEqual(e.values, [1440, 2880, 5760])
        XCTAssertEqual(e.probabilities, [0.25, 0.5, 0.25])
        let equal = try XCTUnwrap(stay("{empirical: {values: [1h, 3h]}}"))
        guard case .empirical(let f) = equal else { return XCTFail("not empirical") }
        XCTAssertEqual(f.probabilities, [0.5, 0.5])
    }

    func testInvalidParametersAreReported() {
        let cases: [(String, String, String)] = [
            ("{exponential: {mean: 0min}}", "units.ward.stay.exponential.mean", "exponential mean must be > 0"),
            ("{uniform: {low: 2h, high: 1h}}", "units.ward.stay.uniform", "uniform needs 0 <= low <= high"),
            ("{triangular: {low: 1h, mode: 5h, high: 2h}}", "units.ward.stay.triangular",
             "triangular needs 0 <= low <= mode <= high, low < high"),
            ("{weibull: {shape: 0, scale: 1d}}", "units.ward.stay.weibull", "weibull scale and shape must be > 0"),
            ("{lognormal: {mu: 1, sigma: -1}}", "units.ward.stay.lognormal", "lognormal sigma must be >= 0"),
            ("{gamma: {mean: 1d, sd: 0d}}", "units.ward.stay.gamma", "gamma mean and sd must be > 0"),
        ]
        for (text, path, message) in cases {
            let e = errors(Template.scenario(stay: text))
            XCTAssertEqual(error(e, at: path)?.message, message, text)
            assertWellFormed(e)
        }
    }

    func testFormErrors() {
        let mixed = errors(Template.scenario(stay: "{lognormal: {mean: 1d, sd: 1d, mu: 1}}"))
        XCTAssertTrue(error(mixed, at: "units.ward.stay.lognormal")?.message.contains("either {mean, sd}") ?? false)
        let logMinutes = errors(Template.scenario(stay: "{lognormal: {mu: 2d, sigma: 1}}"))
        XCTAssertTrue(error(logMinutes, at: "units.ward.stay.lognormal.mu")?.message.contains("log(minutes)") ?? false)
        let two = errors(Template.scenario(stay: "{exponential: {mean: 1d}, gamma: {mean: 1d, sd: 1d}}"))
        XCTAssertNotNil(error(two, at: "units.ward.stay"))
        let unknown = errors(Template.scenario(stay: "{lognormall: {mean: 1d, sd: 1d}}"))
        XCTAssertTrue(error(unknown, at: "units.ward.stay.lognormall")?.message.contains("did you mean 'lognormal'?") ?? false)
        let param = errors(Template.scenario(stay: "{exponential: {means: 1d}}"))
        XCTAssertTrue(error(param, at: "units.ward.stay.exponential.means")?.message.contains("did you mean 'mean'?") ?? false)
        let weights = errors(Template.scenario(stay: "{empirical: {values: [1d, 2d], weights: [1]}}"))
        XCTAssertEqual(error(weights, at: "units.ward.stay.empirical.weights")?.message, "expected 2 weights for the values, found 1")
    }
}

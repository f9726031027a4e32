import PatientFlow
@testable import Scenario
import SimCore
import Stochastics
import XCTest

/// Values written with their uncertainty: a normal run uses the central value, a sample substitutes its own,
/// factors move several values together, and bad laws are reported where they are written.
final class UncertaintyTests: XCTestCase {
    func testARunUsesTheCentralValueAndASampleItsOwn() throws {
        let yaml = Template.scenario(stay: "{exponential: {mean: {uncertain: {triangular: [1d, 2d, 4d]}}}}",
                                     beds: "{uncertain: {uniform: [4, 8]}}")
        let s = try XCTUnwrap(loads(yaml))
        XCTAssertEqual(s.uncertain.dimensions.map(\.name), ["units.ward.beds", "units.ward.stay.exponential.mean"])
        XCTAssertEqual(service(s, "ward")?.places, .fixed(6), "the midpoint of uniform(4, 8)")
        XCTAssertEqual(service(s, "ward")?.stay, Keyed(.exponential(mean: 2 * Duration.day)), "the mode")
        let plain = try XCTUnwrap(loads(Template.scenario(stay: "{exponential: {mean: 2d}}", beds: "6")))
        let a = SystemSimulation(spec: s.spec, replication: 0).run(), b = SystemSimulation(spec: plain.spec, replication: 0).run()
        XCTAssertEqual(a.metrics.map { "\($0.id)=\($0.value)" }, b.metrics.map { "\($0.id)=\($0.value)" },
                       "central values: the same results as written plainly")
        // A sample: places are counted whole, so 6.7 is rounded where it is used; durations keep their unit.
        let t = try s.sampled(at: ["units.ward.beds": 6.7, "units.ward.stay.exponential.mean": 3.25])
        XCTAssertEqual(service(t, "ward")?.places, .fixed(7))
        XCTAssertEqual(service(t, "ward")?.stay, Keyed(.exponential(mean: 3.25 * Duration.day)))
        XCTAssertEqual(t.uncertain, s.uncertain, "the sampled scenario still knows its laws")
    }

    func testAFactorMovesEveryValueThatUsesIt() throws {
        let yaml = Template.scenario(stay: "{exponential: {mean: {uncertain: {value: 2d, factor: los}}}}",
                                     beds: "{uncertain: {value: 10, factor: los}}",
                                     top: "uncertainty: {factors: {los: {triangular: [0.5, 1, 1.5]}}}")
        let s = try XCTUnwrap(loads(yaml))
        XCTAssertEqual(s.uncertain.dimensions.map(\.name), ["factor:los"])
        XCTAssertEqual(s.uncertain.scaled.map(\.path), ["units.ward.beds", "units.ward.stay.exponential.mean"])
        let t = try s.sampled(at: ["factor:los": 1.26])
        XCTAssertEqual(service(t, "ward")?.places, .fixed(13), "10 x 1.26 = 12.6, rounded")
        XCTAssertEqual(service(t, "ward")?.stay, Keyed(.exponential(mean: 2.52 * Duration.day)))
    }

    func testLawsInvertTheirDistributions() {
        let tri = UncertainLaw.triangular(low: 1, mode: 2, high: 4)
        XCTAssertEqual(tri.quantile(0), 1)
        XCTAssertEqual(tri.quantile(1), 4)
        XCTAssertEqual(tri.quantile(1.0 / 3), 2, accuracy: 1e-12, "F(mode) = (mode - low) / (high - low)")
        XCTAssertEqual(UncertainLaw.uniform(low: 2, high: 6).quantile(0.25), 3)
        let n = UncertainLaw.normal(mean: 10, sd: 2, truncate: nil)
        XCTAssertEqual(n.quantile(0.5), 10, accuracy: 1e-9)
        XCTAssertEqual(n.quantile(0.975), 10 + 2 * 1.959964, accuracy: 1e-5)
        let t = UncertainLaw.normal(mean: 10, sd: 2, truncate: 9...20)
        XCTAssertEqual(t.quantile(0), 9, accuracy: 1e-9)
        // Truncated to [9, 20] (z in [-0.5, 5]): the median has Phi(z) = (Phi(-0.5) + Phi(5)) / 2 = 0.654269, z = 0.396871
        // (Python: statistics.NormalDist().inv_cdf).
        XCTAssertEqual(t.quantile(0.5), 10 + 2 * 0.396871, accuracy: 1e-5)
    }

    func testBadLawsAreReportedWhereTheyAreWritten() {
        let cases: [(String, String, String)] = [
            ("{uncertain: {triangular: [3, 2, 4]}}", "units.ward.beds.uncertain.triangular", "low <= mode <= high"),
            ("{uncertain: {uniform: [4]}}", "units.ward.beds.uncertain.uniform", "a list of 2 numbers"),
            ("{uncertain: {uniform: [2d, 4]}}", "units.ward.beds.uncertain", "in one unit"),
            ("{uncertain: {triangular: [1, 2, 3], uniform: [1, 2]}}", "units.ward.beds.uncertain", "give one law"),
            ("{uncertain: {normal: {mean: 5, sd: 0}}}", "units.ward.beds.uncertain.normal.sd", "must be > 0"),
            ("{uncertain: {uniform: [1, 2], truncate: [0, 3]}}", "units.ward.beds.uncertain.truncate", "applies to a normal law"),
            ("{uncertain: {value: 5, factor: nope}}", "units.ward.beds.uncertain.factor", "no factor 'nope'"),
            ("{uncertain: {trianglar: [1, 2, 3]}}", "units.ward.beds.uncertain.trianglar", "did you mean 'triangular'"),
            ("{uncertain: {uniform: [1, 2]}, other: 3}", "units.ward.beds", "alone"),
        ]
        for (beds, path, message) in cases {
            let es = errors(Template.scenario(beds: beds))
            let e = error(es, at: path)
            XCTAssertTrue(e?.message.contains(message) ?? false, "\(beds): \(es.map(\.description))")
            assertWellFormed(es)
        }
        // A sampled value the model refuses is still reported by the decoder: beds can't be negative.
        let es = errors(Template.scenario(beds: "{uncertain: {uniform: [-4, -2]}}"))
        XCTAssertNotNil(error(es, at: "units.ward.beds"), es.map(\.description).joined())
    }

    func testAnOverrideReplacesAnUncertainValueWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-uncertain-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Template.scenario(beds: "{uncertain: {triangular: [4, 6, 9]}}").write(to: dir.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        try "extends: base.yaml\nunits:\n  ward: {beds: {uncertain: {uniform: [10, 20]}}}\n"
            .write(to: dir.appendingPathComponent("law.yaml"), atomically: true, encoding: .utf8)
        try "extends: base.yaml\nunits:\n  ward: {beds: 12}\n".write(to: dir.appendingPathComponent("fixed.yaml"), atomically: true, encoding: .utf8)
        let law = try Scenario.load(path: dir.appendingPathComponent("law.yaml").path)
        XCTAssertEqual(law.uncertain.dimensions.first?.law, .uniform(low: 10, high: 20), "a law over a law replaces it")
        let fixed = try Scenario.load(path: dir.appendingPathComponent("fixed.yaml").path)
        XCTAssertTrue(fixed.uncertain.isEmpty, "an option that fixes the value takes it out of the uncertainty")
        XCTAssertEqual(service(fixed, "ward")?.places, .fixed(12))
    }

    /// The Milton Keynes baseline's uncertain values are central where the calibration put them.
    func testTheBaselinesCentralValuesAreItsCalibratedOnes() throws {
        let s = try Scenario.load(path: Paths.repo("scenarios/mk-baseline.yaml"))
        XCTAssertGreaterThanOrEqual(s.uncertain.dimensions.count, 8)
        let support = try XCTUnwrap(service(s, "home_support"))
        guard case .schedule(let c) = support.places else { return XCTFail("home_support has a schedule") }
        XCTAssertEqual(c.capacity(at: 0), 46)
        XCTAssertEqual(c.capacity(at: 250 * Duration.day), 43)
        XCTAssertEqual(service(s, "care_home_placement")?.places, .fixed(26))
        let low = try s.sampled(at: ["factor:reablement_capacity": 0.87])
        guard case .schedule(let l)? = service(low, "home_support")?.places else { return XCTFail() }
        XCTAssertEqual(l.capacity(at: 0), 40, "46 x 0.87 = 40.02")
        XCTAssertEqual(l.capacity(at: 250 * Duration.day), 37, "43 x 0.87 = 37.41")
    }
}

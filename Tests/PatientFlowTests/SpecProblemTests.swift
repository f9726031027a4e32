import PatientFlow
import SimCore
import Stochastics
import XCTest

/// `SystemSpec.problems()`: the rules every system meets, however it was built.
final class SpecProblemTests: XCTestCase {
    func build(_ configure: (inout SystemBuilder) -> Void) -> Result<SystemSpec, Error> {
        var b = SystemBuilder(name: "problems", horizon: 30 * day)
        configure(&b)
        return Result { try b.build() }
    }

    func message(_ r: Result<SystemSpec, Error>) -> String {
        if case .failure(let e) = r { return "\(e)" }
        return ""
    }

    /// Two virtual wards whose when_full lead to each other: refused by the builder (no precondition reached).
    func testWhenFullCycleIsRefusedInCode() {
        let r = build { b in
            b.arrivals("in", perDay: 5, to: ["a": 1])
            b.virtualWard("a", places: 1, stay: .exponential(mean: day), whenFull: "b", to: ["out": 1])
            b.virtualWard("b", places: 1, stay: .exponential(mean: day), whenFull: "a", to: ["out": 1])
            b.exit("out")
        }
        XCTAssertTrue(message(r).contains("when_full forms a cycle of virtual wards: a -> b -> a"), message(r))
    }

    /// a -> b -> a with zero stays on unlimited beds would spin at one instant: refused, naming the cycle.
    func testZeroDurationCycleIsRefused() {
        let r = build { b in
            b.arrivals("in", perDay: 5, to: ["a": 1])
            b.bedded("a", beds: nil, stay: .constant(0), to: ["b": 1])
            b.bedded("b", beds: nil, stay: .constant(0), to: ["a": 0.5, "out": 0.5])
            b.exit("out")
        }
        XCTAssertTrue(message(r).contains("units a -> b -> a form a loop a patient can go round in no time (a: stay can be 0; b: stay can be 0)"), message(r))
        XCTAssertTrue(message(r).contains("units.a.stay"), message(r))
    }

    /// The same cycle with one positive stay is a valid system (it runs and conserves patients).
    func testCycleWithATimedStayRuns() throws {
        let r = build { b in
            b.arrivals("in", perDay: 5, to: ["a": 1])
            b.bedded("a", beds: nil, stay: .constant(0), to: ["b": 1])
            b.bedded("b", beds: nil, stay: .exponential(mean: 60), to: ["a": 0.5, "out": 0.5])
            b.exit("out")
        }
        let spec = try r.get()
        XCTAssertEqual(spec.problems(), [])
        _ = runChecked(spec, replications: 2)
    }

    /// Readmission with no delay back to a unit with a zero stay is a zero-time loop too.
    func testZeroDelayReadmissionLoopIsRefused() {
        let r = build { b in
            b.arrivals("in", perDay: 5, to: ["ward": 1])
            b.bedded("ward", beds: nil, stay: .constant(0), to: ["home": 1])
            b.exit("home", readmission: 0.5, readmissionTime: .constant(0), readmitTo: "ward")
        }
        XCTAssertTrue(message(r).contains("ward -> home -> ward"), message(r))
    }

    /// A route into an arrivals unit is refused (nothing can enter a source).
    func testRouteIntoASourceIsRefused() {
        let r = build { b in
            b.arrivals("in", perDay: 5, to: ["other": 1])
            b.arrivals("other", perDay: 5, to: ["out": 1])
            b.exit("out")
        }
        XCTAssertTrue(message(r).contains("cannot go to 'other', a unit of kind arrivals"), message(r))
    }

    func testPointMassAtZero() {
        XCTAssertTrue(Distribution.constant(0).canBeZero)
        XCTAssertFalse(Distribution.constant(1).canBeZero)
        XCTAssertFalse(Distribution.exponential(mean: 1).canBeZero)
        XCTAssertFalse(Distribution.uniform(low: 0, high: 1).canBeZero, "0 has probability 0")
        XCTAssertTrue(Distribution.empirical(EmpiricalChoice(values: [0, 5], weights: [1, 1])!).canBeZero)
        XCTAssertFalse(Distribution.lognormal(mean: 1, sd: 1).canBeZero)
    }
}

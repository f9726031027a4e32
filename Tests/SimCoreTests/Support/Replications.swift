import Dispatch
import Stochastics
import XCTest

/// Runs independent replications of a model and judges their mean against a theoretical value.
///
/// Each replication must build everything it uses (streams, simulator, pool) from its index, so replications
/// share nothing and may run on both cores at once; the results are the same whatever the scheduling.
enum Replications {
    /// `body(r)` for r in 0..<count, possibly in parallel, results in replication order.
    static func run<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(count)
        defer { slots.free() }
        DispatchQueue.concurrentPerform(iterations: count) { r in slots.buffer[r] = body(r) }
        return slots.buffer.map { $0! }
    }

    /// One result slot per replication; each iteration writes only its own, so there is no data race.
    private struct Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>
        init(_ count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }
        func free() {
            _ = buffer.deinitialize()
            buffer.deallocate()
        }
    }
}

/// The mean of independent replication results, with its standard error from their spread.
struct ReplicationEstimate: CustomStringConvertible {
    let values: [Double]

    init(_ values: [Double]) {
        precondition(values.count >= 2, "need at least two replications for a standard error")
        self.values = values
    }

    var count: Int { values.count }
    var mean: Double { values.reduce(0, +) / Double(values.count) }
    var standardDeviation: Double {
        let m = mean
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
    var standardError: Double { standardDeviation / Double(values.count).squareRoot() }

    /// The half-width of a two-sided Student-t interval at `confidence` (replication means are close to
    /// normal by the central limit theorem; the t quantile accounts for estimating the SE from few values).
    func halfWidth(confidence: Double, extraStandardError: Double = 0) -> Double {
        let t = SpecialFunctions.studentTQuantile(1 - (1 - confidence) / 2, dof: Double(count - 1))
        return t * (standardError * standardError + extraStandardError * extraStandardError).squareRoot()
    }

    var description: String { "\(mean) ± \(standardError) (SE, \(count) replications)" }
}

/// Confidence used by every validation test: a two-sided 99.9% t interval, about 4 standard errors for
/// 10-20 replications. With fixed seeds the outcome is deterministic; the level says how surprising a
/// failure would be if the engine were right (1 in 1000 per check), not how far it was widened to pass.
let validationConfidence = 0.999

/// Asserts that the replication mean agrees with `expected` within the t interval at `validationConfidence`.
/// `expectedStandardError` adds the uncertainty of an expected value that is itself an estimate.
func assertAgrees(_ estimate: ReplicationEstimate, with expected: Double, expectedStandardError: Double = 0,
                  _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    let tol = estimate.halfWidth(confidence: validationConfidence, extraStandardError: expectedStandardError)
    XCTAssertLessThanOrEqual(abs(estimate.mean - expected), tol,
                             "\(what): simulated \(estimate), theory \(expected), tolerance \(tol)",
                             file: file, line: line)
}

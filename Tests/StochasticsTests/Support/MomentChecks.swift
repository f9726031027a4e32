import XCTest

/// Sample moments of `n` draws, computed in two passes (mean first, then central sums).
struct SampleMoments {
    let count: Int
    let mean: Double
    /// Unbiased sample variance (n - 1).
    let variance: Double
    let minimum: Double
    let maximum: Double

    init(_ xs: [Double]) {
        precondition(xs.count > 1)
        count = xs.count
        mean = xs.reduce(0, +) / Double(xs.count)
        let m = mean
        variance = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
        minimum = xs.min()!
        maximum = xs.max()!
    }
}

/// The mean, variance and fourth central moment of a distribution, worked out in the test independently of
/// the library's `mean` and `variance`.
struct TheoreticalMoments {
    let mean: Double
    let variance: Double
    /// E[(X - mean)^4]; sets the standard error of the sample variance.
    let fourthCentral: Double

    /// From the raw moments E[X], E[X^2], E[X^3], E[X^4].
    init(raw m1: Double, _ m2: Double, _ m3: Double, _ m4: Double) {
        mean = m1
        variance = m2 - m1 * m1
        fourthCentral = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 * m1 * m1 * m1
    }

    init(mean: Double, variance: Double, fourthCentral: Double) {
        self.mean = mean
        self.variance = variance
        self.fourthCentral = fourthCentral
    }

    /// By Simpson's rule over [low, high] from an unnormalised density (normalised numerically).
    init(density f: (Double) -> Double, low: Double, high: Double, intervals: Int = 20_000) {
        precondition(intervals % 2 == 0)
        let h = (high - low) / Double(intervals)
        func integrate(_ g: (Double) -> Double) -> Double {
            var s = g(low) + g(high)
            for i in 1..<intervals { s += (i % 2 == 1 ? 4 : 2) * g(low + Double(i) * h) }
            return s * h / 3
        }
        let mass = integrate(f)
        let m = integrate { $0 * f($0) } / mass
        mean = m
        variance = integrate { ($0 - m) * ($0 - m) * f($0) } / mass
        fourthCentral = integrate { let d = $0 - m; return d * d * d * d * f($0) } / mass
    }
}

/// How many standard errors a sample moment may be from theory: 4, i.e. a two-sided normal tail of 6e-5 per
/// check, so the few dozen checks of this target together would fail by chance less than 1 time in 100 if the
/// code were right. The seeds are fixed, so the outcome is deterministic.
let momentZ = 4.0

/// Checks the sample mean against theory within `momentZ` standard errors, SE = sqrt(variance / n), and the
/// sample variance within `momentZ` SE with SE = sqrt((mu4 - sigma^4) / n), the large-sample standard error of
/// the sample variance (e.g. Kendall & Stuart, "The Advanced Theory of Statistics", vol. 1, §10.5).
func assertMoments(_ sample: SampleMoments, match theory: TheoreticalMoments, _ label: String,
                   file: StaticString = #filePath, line: UInt = #line) {
    let n = Double(sample.count)
    let meanSE = (theory.variance / n).squareRoot()
    XCTAssertLessThanOrEqual(abs(sample.mean - theory.mean), momentZ * meanSE,
                             "\(label): sample mean \(sample.mean), theory \(theory.mean), SE \(meanSE)",
                             file: file, line: line)
    let varianceSE = ((theory.fourthCentral - theory.variance * theory.variance) / n).squareRoot()
    XCTAssertGreaterThan(varianceSE, 0, "\(label): the variance check needs mu4 > sigma^4", file: file, line: line)
    XCTAssertLessThanOrEqual(abs(sample.variance - theory.variance), momentZ * varianceSE,
                             "\(label): sample variance \(sample.variance), theory \(theory.variance), SE \(varianceSE)",
                             file: file, line: line)
}

/// Checks an observed count of a category with probability `p` out of `n` against its binomial SE.
func assertFrequency(_ count: Int, of n: Int, probability p: Double, _ label: String,
                     file: StaticString = #filePath, line: UInt = #line) {
    let expected = Double(n) * p
    let se = (Double(n) * p * (1 - p)).squareRoot()
    XCTAssertLessThanOrEqual(abs(Double(count) - expected), momentZ * se,
                             "\(label): \(count) of \(n), expected \(expected) ± \(se) (SE)", file: file, line: line)
}

import Foundation
import Stochastics
import XCTest

/// Every `Distribution` case: its `mean` and `variance` against moments worked out here independently (closed
/// forms or numerical integration), and sample moments of 100,000 draws against the same theory within
/// `momentZ` standard errors (see `assertMoments`).
final class DistributionTests: XCTestCase {

    // MARK: The residual given age (initial patients with an elapsed time, decision 144)

    /// Mean and standard error of `n` draws of S - e given S > e.
    func remaining(_ d: Distribution, after e: Double, seed: UInt64 = 61) -> (mean: Double, se: Double, min: Double) {
        let s = RandomStream(seed: seed, replication: 0, name: "remaining")
        let xs = (0..<n).map { _ in d.sampleRemaining(after: e, s.source) }
        let m = xs.reduce(0, +) / Double(n)
        let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)
        return (m, (v / Double(n)).squareRoot(), xs.min()!)
    }

    /// E[S - e | S > e] = integral_e^inf Q(s) ds / Q(e), against closed forms: exponential (memoryless: the mean),
    /// gamma(2, theta) (Q(s) = e^(-s/theta) (1 + s/theta), so theta (2 + e/theta) / (1 + e/theta)), Weibull with
    /// shape 2 (numerically), uniform (through rejection: U(0, b - e)) and a constant (L - e, or 0 when over).
    func testRemainingStayGivenElapsed() {
        let memoryless = remaining(.exponential(mean: 4), after: 10)
        XCTAssertEqual(memoryless.mean, 4, accuracy: 4 * memoryless.se)
        let gamma = remaining(.gamma(shape: 2, scale: 2), after: 3)
        XCTAssertEqual(gamma.mean, 2 * (2 + 1.5) / (1 + 1.5), accuracy: 4 * gamma.se)
        XCTAssertGreaterThanOrEqual(gamma.min, 0)
        // Weibull(scale 5, shape 2), e = 4: Q(s) = exp(-(s/5)^2); integrate by the trapezium rule to s = 40.
        var area = 0.0, h = 1e-3, s = 4.0
        while s < 40 { area += h * (exp(-pow(s / 5, 2)) + exp(-pow((s + h) / 5, 2))) / 2; s += h }
        let weibull = remaining(.weibull(scale: 5, shape: 2), after: 4)
        XCTAssertEqual(weibull.mean, area / exp(-pow(4.0 / 5, 2)), accuracy: 4 * weibull.se)
        // Lognormal (mu 1, sigma 0.5), e = 4: the inversion's draws all exceed e, and their mean matches rejection's.
        let lognormal = remaining(.lognormal(mu: 1, sigma: 0.5), after: 4)
        let stream = RandomStream(seed: 62, replication: 0, name: "rejection")
        var kept: [Double] = []
        while kept.count < n / 4 {
            let x = Distribution.lognormal(mu: 1, sigma: 0.5).sample(stream)
            if x > 4 { kept.append(x - 4) }
        }
        let km = kept.reduce(0, +) / Double(kept.count)
        let kse = (kept.reduce(0) { $0 + ($1 - km) * ($1 - km) } / Double(kept.count - 1) / Double(kept.count)).squareRoot()
        XCTAssertEqual(lognormal.mean, km, accuracy: 4 * (lognormal.se * lognormal.se + kse * kse).squareRoot())
        let uniform = remaining(.uniform(low: 0, high: 10), after: 4)
        XCTAssertEqual(uniform.mean, 3, accuracy: 4 * uniform.se)
        XCTAssertEqual(Distribution.constant(5).sampleRemaining(after: 2, stream.source), 3)
        XCTAssertEqual(Distribution.constant(5).sampleRemaining(after: 7, stream.source), 0)
        XCTAssertEqual(Distribution.uniform(low: 0, high: 10).sampleRemaining(after: 12, stream.source), 0, "cannot last that long")
    }
    /// Draws per distribution: SE of the mean is sd / 316, cheap in a debug build.
    let n = 100_000

    /// Checks `d`'s own moments against `theory` (closed forms agree to rounding: relative 1e-9), then its
    /// samples. Returns the draws for further checks.
    @discardableResult
    func check(_ d: Distribution, _ theory: TheoreticalMoments, seed: UInt64, _ label: String,
               file: StaticString = #filePath, line: UInt = #line) -> [Double] {
        XCTAssertNil(d.invalidReason, "\(label) is valid", file: file, line: line)
        XCTAssertEqual(d.mean, theory.mean, accuracy: 1e-9 * max(1, abs(theory.mean)), "\(label) mean",
                       file: file, line: line)
        XCTAssertEqual(d.variance, theory.variance, accuracy: 1e-9 * max(1, theory.variance), "\(label) variance",
                       file: file, line: line)
        let stream = RandomStream(seed: seed, replication: 0, name: label)
        let xs = (0..<n).map { _ in d.sample(stream) }
        let sample = SampleMoments(xs)
        assertMoments(sample, match: theory, label, file: file, line: line)
        XCTAssertGreaterThanOrEqual(sample.minimum, 0, "\(label): draws are non-negative", file: file, line: line)
        return xs
    }

    // MARK: Continuous

    func testExponential() {
        let m = 2.5
        // E[X^k] = k! m^k.
        check(.exponential(mean: m), TheoreticalMoments(raw: m, 2 * m * m, 6 * pow(m, 3), 24 * pow(m, 4)),
              seed: 1, "exponential")
    }

    func testGammaShapeScale() {
        // E[X^k] = theta^k k(k+1)...(k+n-1); shape < 1 exercises GSL's other branch.
        for (i, (k, theta)) in [(2.5, 1.5), (0.6, 3.0)].enumerated() {
            let raw = (1...4).map { p in (0..<p).reduce(pow(theta, Double(p))) { $0 * (k + Double($1)) } }
            check(.gamma(shape: k, scale: theta), TheoreticalMoments(raw: raw[0], raw[1], raw[2], raw[3]),
                  seed: 2 + UInt64(i), "gamma(\(k), \(theta))")
        }
    }

    func testGammaFromMeanAndSD() {
        let d = Distribution.gamma(mean: 8, sd: 3)
        guard case .gamma(let k, let theta) = d else { return XCTFail("gamma(mean:sd:) makes a gamma") }
        XCTAssertEqual(k, 64.0 / 9, accuracy: 1e-12)
        XCTAssertEqual(theta, 9.0 / 8, accuracy: 1e-12)
        XCTAssertEqual(d.mean, 8, accuracy: 1e-12)
        XCTAssertEqual(d.variance.squareRoot(), 3, accuracy: 1e-12)
        // mu4 of a gamma = 3 k (k + 2) theta^4 (excess kurtosis 6 / k).
        check(d, TheoreticalMoments(mean: 8, variance: 9, fourthCentral: 3 * k * (k + 2) * pow(theta, 4)),
              seed: 4, "gamma(mean 8, sd 3)")
    }

    func testLognormalMuSigma() {
        let mu = 0.5, s = 0.5
        // E[X^k] = exp(k mu + k^2 sigma^2 / 2).
        let raw = (1...4).map { k in exp(Double(k) * mu + Double(k * k) * s * s / 2) }
        check(.lognormal(mu: mu, sigma: s), TheoreticalMoments(raw: raw[0], raw[1], raw[2], raw[3]),
              seed: 5, "lognormal(0.5, 0.5)")
    }

    func testLognormalFromMeanAndSD() {
        let d = Distribution.lognormal(mean: 10, sd: 5)
        // The constructor must hit the requested moments: sigma^2 = ln(1.25), mu = ln 10 - sigma^2 / 2.
        XCTAssertEqual(d.mean, 10, accuracy: 1e-12)
        XCTAssertEqual(d.variance.squareRoot(), 5, accuracy: 1e-12)
        guard case .lognormal(let mu, let s) = d else { return XCTFail("lognormal(mean:sd:) makes a lognormal") }
        XCTAssertEqual(s * s, log(1.25), accuracy: 1e-14)
        XCTAssertEqual(mu, log(10) - log(1.25) / 2, accuracy: 1e-14)
        let raw = (1...4).map { k in exp(Double(k) * mu + Double(k * k) * s * s / 2) }
        check(d, TheoreticalMoments(raw: raw[0], raw[1], raw[2], raw[3]), seed: 6, "lognormal(mean 10, sd 5)")
        // sd = 0 is a constant.
        let flat = Distribution.lognormal(mean: 3, sd: 0)
        XCTAssertNil(flat.invalidReason)
        XCTAssertEqual(flat.sample(RandomStream(seed: 6, replication: 1, name: "flat")), 3, accuracy: 1e-12)
    }

    func testWeibull() {
        // E[X^k] = lambda^k Gamma(1 + k / shape) (Johnson, Kotz & Balakrishnan, vol. 1, ch. 21).
        for (i, (lambda, shape)) in [(2.0, 1.5), (3.0, 4.0)].enumerated() {
            let raw = (1...4).map { k in pow(lambda, Double(k)) * tgamma(1 + Double(k) / shape) }
            check(.weibull(scale: lambda, shape: shape), TheoreticalMoments(raw: raw[0], raw[1], raw[2], raw[3]),
                  seed: 7 + UInt64(i), "weibull(\(lambda), \(shape))")
        }
        // Shape 1 is the exponential with mean = scale.
        XCTAssertEqual(Distribution.weibull(scale: 4, shape: 1).mean, 4, accuracy: 1e-12)
        XCTAssertEqual(Distribution.weibull(scale: 4, shape: 1).variance, 16, accuracy: 1e-12)
    }

    func testUniform() {
        let a = 2.0, b = 5.0, w = b - a
        // Central moments: w^2 / 12 and w^4 / 80.
        let xs = check(.uniform(low: a, high: b),
                       TheoreticalMoments(mean: (a + b) / 2, variance: w * w / 12, fourthCentral: pow(w, 4) / 80),
                       seed: 9, "uniform(2, 5)")
        XCTAssertTrue(xs.allSatisfy { $0 >= a && $0 < b }, "draws lie in [low, high)")
    }

    func testTriangular() {
        // Mean (a + b + c) / 3, variance (a^2 + b^2 + c^2 - ab - ac - bc) / 18; the excess kurtosis of every
        // triangular distribution is -3/5, so mu4 = 2.4 sigma^4. Includes mode at either end.
        for (i, (a, c, b)) in [(1.0, 2.0, 6.0), (0.0, 0.0, 1.0), (0.0, 1.0, 1.0)].enumerated() {
            let v = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
            let xs = check(.triangular(low: a, mode: c, high: b),
                           TheoreticalMoments(mean: (a + b + c) / 3, variance: v, fourthCentral: 2.4 * v * v),
                           seed: 10 + UInt64(i), "triangular(\(a), \(c), \(b))")
            XCTAssertTrue(xs.allSatisfy { $0 >= a && $0 <= b }, "draws lie in [low, high]")
            // The mode splits the mass: P(X < c) = (c - a) / (b - a).
            assertFrequency(xs.filter { $0 < c }.count, of: xs.count, probability: (c - a) / (b - a),
                            "triangular(\(a), \(c), \(b)) below the mode")
        }
    }

    func testTruncatedNormal() {
        // Moments by numerical integration of the unnormalised density exp(-(x - m)^2 / (2 sd^2)) on
        // [0, max(m, 0) + 14 sd] (the rest of the mass is below 1e-44), independent of the library's
        // closed forms. Covers a barely truncated case, the half-normal, and means below zero.
        let cases: [(Double, Double)] = [(5, 2), (0, 3), (-1, 1), (-4, 1)]
        for (i, (m, sd)) in cases.enumerated() {
            let theory = TheoreticalMoments(density: { x in exp(-(x - m) * (x - m) / (2 * sd * sd)) },
                                            low: 0, high: max(m, 0) + 14 * sd)
            check(.truncatedNormal(mean: m, sd: sd), theory, seed: 13 + UInt64(i), "truncatedNormal(\(m), \(sd))")
        }
        // Known values: the half-normal has mean sd sqrt(2 / pi); mean -1, sd 1 gives -1 + phi(1) / (1 - Phi(1)).
        XCTAssertEqual(Distribution.truncatedNormal(mean: 0, sd: 3).mean, 3 * (2 / Double.pi).squareRoot(),
                       accuracy: 1e-12)
        XCTAssertEqual(Distribution.truncatedNormal(mean: -1, sd: 1).mean, 0.5251352761609811, accuracy: 1e-12)
        // sd = 0 is the constant max(mean, 0).
        let s = RandomStream(seed: 13, replication: 9, name: "degenerate")
        XCTAssertEqual(Distribution.truncatedNormal(mean: 2, sd: 0).sample(s), 2)
        XCTAssertEqual(Distribution.truncatedNormal(mean: -2, sd: 0).sample(s), 0)
        XCTAssertEqual(Distribution.truncatedNormal(mean: -2, sd: 0).mean, 0)
    }

    /// A mean many sd below zero: the variable is then nearly exponential with mean ~ sd^2 / |mean|. The
    /// closed forms need the upper tail Q(alpha) = 1 - Phi(alpha), which `1 - Phi` loses to cancellation once
    /// alpha = -mean/sd passes ~7 (Phi rounds to 1 at alpha ~ 8.3, giving 0/0). Reference values from
    /// scipy.stats.truncnorm agree with the numerical integration here to 1e-9.
    func testTruncatedNormalFarBelowZero() {
        for (i, (m, sd, scipyMean)) in [(-8.0, 1.0, 0.12136811223617983), (-20.0, 2.0, 0.19618646792512706)].enumerated() {
            // The density falls faster than exp(-x |m| / sd^2): 40 such lengths leave mass below e^-40.
            let theory = TheoreticalMoments(density: { x in exp(-(x - m) * (x - m) / (2 * sd * sd)) },
                                            low: 0, high: 40 * sd * sd / abs(m))
            XCTAssertEqual(theory.mean, scipyMean, accuracy: 1e-9, "the numerical reference itself")
            check(.truncatedNormal(mean: m, sd: sd), theory, seed: 17 + UInt64(i), "truncatedNormal(\(m), \(sd))")
        }
    }

    // MARK: Discrete and degenerate

    func testPoisson() {
        for (i, m) in [3.5, 40.0].enumerated() {
            // Central moments: variance m, mu4 = m (1 + 3 m).
            let xs = check(.poisson(mean: m), TheoreticalMoments(mean: m, variance: m, fourthCentral: m * (1 + 3 * m)),
                           seed: 20 + UInt64(i), "poisson(\(m))")
            XCTAssertTrue(xs.allSatisfy { $0 == $0.rounded() }, "counts are whole numbers")
            // Frequencies of the values around the mean against P(X = k) from the CDF.
            let low = Int(m - 2 * m.squareRoot()), high = Int(m + 2 * m.squareRoot())
            for k in max(low, 0)...high {
                let p = SpecialFunctions.poissonCDF(k, mean: m) - (k > 0 ? SpecialFunctions.poissonCDF(k - 1, mean: m) : 0)
                assertFrequency(xs.filter { $0 == Double(k) }.count, of: xs.count, probability: p,
                                "poisson(\(m)) P(X = \(k))")
            }
        }
    }

    func testBernoulli() {
        // p = 0.3: mu4 = pq(1 - 3pq), and mu4 - sigma^4 = pq(1 - 2p)^2 > 0 (at p = 0.5 the sample variance's
        // first-order SE vanishes, so that p would not make a fair check).
        let p = 0.3, q = 0.7
        let xs = check(.bernoulli(p: p), TheoreticalMoments(mean: p, variance: p * q, fourthCentral: p * q * (1 - 3 * p * q)),
                       seed: 22, "bernoulli(0.3)")
        XCTAssertTrue(xs.allSatisfy { $0 == 0 || $0 == 1 })
        let s = RandomStream(seed: 22, replication: 1, name: "edges")
        XCTAssertTrue((0..<1000).allSatisfy { _ in Distribution.bernoulli(p: 0).sample(s) == 0 })
        XCTAssertTrue((0..<1000).allSatisfy { _ in Distribution.bernoulli(p: 1).sample(s) == 1 })
    }

    func testConstant() {
        let d = Distribution.constant(4.2)
        XCTAssertNil(d.invalidReason)
        XCTAssertEqual(d.mean, 4.2)
        XCTAssertEqual(d.variance, 0)
        let s = RandomStream(seed: 23, replication: 0, name: "constant")
        XCTAssertTrue((0..<1000).allSatisfy { _ in d.sample(s) == 4.2 })
    }

    func testEmpiricalWalkerTable() throws {
        let values = [1.0, 2.5, 7.0, 10.0], weights = [1.0, 0.0, 3.0, 6.0]
        let choice = try XCTUnwrap(EmpiricalChoice(values: values, weights: weights))
        XCTAssertEqual(choice.probabilities, [0.1, 0.0, 0.3, 0.6])
        let mean = 0.1 * 1 + 0.3 * 7 + 0.6 * 10
        let variance = 0.1 * pow(1 - mean, 2) + 0.3 * pow(7 - mean, 2) + 0.6 * pow(10 - mean, 2)
        let mu4 = 0.1 * pow(1 - mean, 4) + 0.3 * pow(7 - mean, 4) + 0.6 * pow(10 - mean, 4)
        XCTAssertEqual(choice.mean, mean, accuracy: 1e-12)
        XCTAssertEqual(choice.variance, variance, accuracy: 1e-12)
        let xs = check(.empirical(choice), TheoreticalMoments(mean: mean, variance: variance, fourthCentral: mu4),
                       seed: 24, "empirical")
        // Frequency of each value against its probability (binomial SE); a zero weight is never drawn.
        for (v, p) in zip(values, choice.probabilities) {
            let count = xs.filter { $0 == v }.count
            if p == 0 {
                XCTAssertEqual(count, 0, "a value of weight 0 is never drawn")
            } else {
                assertFrequency(count, of: xs.count, probability: p, "empirical value \(v)")
            }
        }
        XCTAssertEqual(xs.filter { !values.contains($0) }.count, 0, "only the listed values are drawn")
    }

    func testEmpiricalChoiceOfAnyValueType() throws {
        let choice = try XCTUnwrap(EmpiricalChoice(values: ["home", "P1", "P2", "P3"], weights: [50, 30, 15, 5]))
        let s = RandomStream(seed: 25, replication: 0, name: "pathways")
        let draws = 40_000
        var counts: [String: Int] = [:]
        for _ in 0..<draws {
            let i = choice.sampleIndex(s)
            XCTAssertTrue((0..<4).contains(i))
            counts[choice.values[i], default: 0] += 1
        }
        for (v, p) in zip(choice.values, choice.probabilities) {
            assertFrequency(counts[v, default: 0], of: draws, probability: p, "pathway \(v)")
        }
        // sample() and sampleIndex() consume the stream alike.
        let a = RandomStream(seed: 25, replication: 1, name: "x"), b = RandomStream(seed: 25, replication: 1, name: "x")
        XCTAssertEqual((0..<100).map { _ in choice.sample(a) }, (0..<100).map { _ in choice.values[choice.sampleIndex(b)] })
    }

    func testEmpiricalChoiceRejectsBadTables() {
        XCTAssertNil(EmpiricalChoice<Double>(values: [], weights: []))
        XCTAssertNil(EmpiricalChoice(values: [1.0, 2.0], weights: [1]))
        XCTAssertNil(EmpiricalChoice(values: [1.0, 2.0], weights: [1, -1]))
        XCTAssertNil(EmpiricalChoice(values: [1.0, 2.0], weights: [0, 0]))
        XCTAssertNil(EmpiricalChoice(values: [1.0, 2.0], weights: [1, .nan]))
        XCTAssertNil(EmpiricalChoice(values: [1.0, 2.0], weights: [1, .infinity]))
        XCTAssertNotNil(EmpiricalChoice(values: [1.0], weights: [0.5]))
    }

    func testEmpiricalEquality() throws {
        let a = try XCTUnwrap(EmpiricalChoice(values: [1.0, 2.0], weights: [1, 3]))
        let b = try XCTUnwrap(EmpiricalChoice(values: [1.0, 2.0], weights: [2, 6]))  // same probabilities
        let c = try XCTUnwrap(EmpiricalChoice(values: [1.0, 2.0], weights: [3, 1]))
        XCTAssertEqual(Distribution.empirical(a), .empirical(b))
        XCTAssertNotEqual(Distribution.empirical(a), .empirical(c))
    }

    // MARK: Validation

    func testInvalidReasonCatchesImpossibleParameters() throws {
        let negativeValue = try XCTUnwrap(EmpiricalChoice(values: [-1.0, 2.0], weights: [1, 1]))
        let bad: [(Distribution, String)] = [
            (.constant(-1), "negative constant"),
            (.constant(.infinity), "infinite constant"),
            (.exponential(mean: -1), "negative mean"),
            (.exponential(mean: 0), "zero mean"),
            (.exponential(mean: .nan), "NaN mean"),
            (.gamma(shape: 0, scale: 1), "zero shape"),
            (.gamma(shape: 2, scale: -1), "negative scale"),
            (.gamma(mean: 5, sd: 0), "gamma with sd 0 (infinite shape)"),
            (.lognormal(mu: 0, sigma: -0.1), "negative sigma"),
            (.lognormal(mu: .nan, sigma: 1), "NaN mu"),
            (.lognormal(mean: -1, sd: 1), "lognormal with a negative mean"),
            (.lognormal(mean: 0, sd: 1), "lognormal with mean 0"),
            (.weibull(scale: 1, shape: 0), "zero Weibull shape"),
            (.weibull(scale: -1, shape: 2), "negative Weibull scale"),
            (.uniform(low: 3, high: 2), "uniform low > high"),
            (.uniform(low: -1, high: 2), "uniform below 0"),
            (.triangular(low: 1, mode: 0.5, high: 2), "mode below low"),
            (.triangular(low: 1, mode: 3, high: 2), "mode above high"),
            (.triangular(low: 3, mode: 2, high: 1), "triangular out of order"),
            (.triangular(low: 2, mode: 2, high: 2), "triangular of zero width"),
            (.truncatedNormal(mean: 1, sd: -1), "negative sd"),
            (.truncatedNormal(mean: .nan, sd: 1), "NaN normal mean"),
            (.poisson(mean: -1), "negative Poisson mean"),
            (.bernoulli(p: 1.1), "p > 1"),
            (.bernoulli(p: -0.1), "p < 0"),
            (.bernoulli(p: .nan), "NaN p"),
            (.empirical(negativeValue), "empirical with a negative value"),
        ]
        for (d, what) in bad {
            let reason = d.invalidReason
            XCTAssertNotNil(reason, "\(what) must be rejected: \(d)")
            XCTAssertFalse(reason?.isEmpty ?? false, "\(what): the reason says something")
        }
        let good: [Distribution] = [
            .constant(0), .exponential(mean: 1e-9), .gamma(shape: 0.1, scale: 100), .lognormal(mu: -3, sigma: 0),
            .weibull(scale: 1, shape: 0.5), .uniform(low: 0, high: 0), .triangular(low: 0, mode: 0, high: 1),
            .truncatedNormal(mean: -10, sd: 1), .poisson(mean: 0), .bernoulli(p: 0), .bernoulli(p: 1),
        ]
        for d in good { XCTAssertNil(d.invalidReason, "\(d) is valid") }
    }
}

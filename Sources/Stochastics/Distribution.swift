import CGSL

/// A probability distribution of a non-negative quantity (a duration, a count, a stay), as a plain value.
///
/// Parameters are validated when the value is made (`validated()`), so sampling never fails. Every case knows
/// its mean and variance, which the tests compare with sample moments and the docs quote.
public enum Distribution: Sendable, Equatable {
    /// Always `value`.
    case constant(Double)
    /// Exponential with the given mean.
    case exponential(mean: Double)
    /// Gamma with shape k and scale theta (mean k*theta).
    case gamma(shape: Double, scale: Double)
    /// Lognormal with the parameters of the underlying normal.
    case lognormal(mu: Double, sigma: Double)
    /// Weibull with scale lambda and shape k.
    case weibull(scale: Double, shape: Double)
    /// Uniform on [low, high).
    case uniform(low: Double, high: Double)
    /// Triangular on [low, high] with the given mode.
    case triangular(low: Double, mode: Double, high: Double)
    /// Normal(mean, sd) conditioned on >= 0.
    case truncatedNormal(mean: Double, sd: Double)
    /// Poisson count with the given mean.
    case poisson(mean: Double)
    /// 1 with probability p, else 0.
    case bernoulli(p: Double)
    /// A weighted choice among values (Walker's alias method through GSL).
    case empirical(EmpiricalChoice<Double>)

    // MARK: Constructors from moments

    /// A lognormal with the given mean and standard deviation of the variable itself.
    ///
    /// sigma^2 = ln(1 + sd^2/mean^2), mu = ln(mean) - sigma^2/2.
    public static func lognormal(mean: Double, sd: Double) -> Distribution {
        let s2 = log1pPortable(sd * sd / (mean * mean))
        return .lognormal(mu: logPortable(mean) - s2 / 2, sigma: s2.squareRoot())
    }

    /// A gamma with the given mean and standard deviation: k = (mean/sd)^2, theta = sd^2/mean.
    public static func gamma(mean: Double, sd: Double) -> Distribution {
        .gamma(shape: (mean / sd) * (mean / sd), scale: sd * sd / mean)
    }

    // MARK: Moments

    /// The distribution's mean.
    public var mean: Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let m): return m
        case .gamma(let k, let th): return k * th
        case .lognormal(let mu, let s): return expPortable(mu + s * s / 2)
        case .weibull(let l, let k): return l * gammaFunction(1 + 1 / k)
        case .uniform(let a, let b): return (a + b) / 2
        case .triangular(let a, let c, let b): return (a + b + c) / 3
        case .truncatedNormal(let m, let sd):
            if sd == 0 { return max(m, 0) }
            let alpha = -m / sd
            // Upper tail Q(alpha) directly: 1 - Phi(alpha) loses every digit once alpha passes ~7.
            return m + sd * normalPDF(alpha) / normalUpperTail(alpha)
        case .poisson(let m): return m
        case .bernoulli(let p): return p
        case .empirical(let e): return e.mean
        }
    }

    /// The distribution's variance.
    public var variance: Double {
        switch self {
        case .constant: return 0
        case .exponential(let m): return m * m
        case .gamma(let k, let th): return k * th * th
        case .lognormal(let mu, let s): return (expPortable(s * s) - 1) * expPortable(2 * mu + s * s)
        case .weibull(let l, let k):
            let g1 = gammaFunction(1 + 1 / k), g2 = gammaFunction(1 + 2 / k)
            return l * l * (g2 - g1 * g1)
        case .uniform(let a, let b): return (b - a) * (b - a) / 12
        case .triangular(let a, let c, let b): return (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        case .truncatedNormal(let m, let sd):
            if sd == 0 { return 0 }
            let alpha = -m / sd
            let lambda = normalPDF(alpha) / normalUpperTail(alpha)
            return sd * sd * (1 + alpha * lambda - lambda * lambda)
        case .poisson(let m): return m
        case .bernoulli(let p): return p * (1 - p)
        case .empirical(let e): return e.variance
        }
    }

    // MARK: Validation

    /// A reason the parameters are impossible, or nil if they are fine.
    public var invalidReason: String? {
        func finite(_ xs: Double...) -> Bool { xs.allSatisfy { $0.isFinite } }
        switch self {
        case .constant(let v): return finite(v) && v >= 0 ? nil : "constant must be a finite number >= 0"
        case .exponential(let m): return finite(m) && m > 0 ? nil : "exponential mean must be > 0"
        case .gamma(let k, let th): return finite(k, th) && k > 0 && th > 0 ? nil : "gamma shape and scale must be > 0"
        case .lognormal(let mu, let s): return finite(mu, s) && s >= 0 ? nil : "lognormal sigma must be >= 0"
        case .weibull(let l, let k): return finite(l, k) && l > 0 && k > 0 ? nil : "weibull scale and shape must be > 0"
        case .uniform(let a, let b): return finite(a, b) && a >= 0 && b >= a ? nil : "uniform needs 0 <= low <= high"
        case .triangular(let a, let c, let b):
            return finite(a, b, c) && a >= 0 && a <= c && c <= b && b > a ? nil : "triangular needs 0 <= low <= mode <= high, low < high"
        case .truncatedNormal(let m, let sd): return finite(m, sd) && sd >= 0 ? nil : "normal sd must be >= 0"
        case .poisson(let m): return finite(m) && m >= 0 ? nil : "poisson mean must be >= 0"
        case .bernoulli(let p): return finite(p) && p >= 0 && p <= 1 ? nil : "bernoulli p must be in [0, 1]"
        case .empirical(let e): return e.values.allSatisfy { $0.isFinite && $0 >= 0 } ? nil : "empirical values must be >= 0"
        }
    }

    // MARK: Sampling

    /// One draw from `stream`.
    /// - Complexity: O(1) for every case (Walker tables for `empirical`).
    @inlinable
    public func sample(_ stream: RandomStream) -> Double { sample(stream.source) }

    /// One draw from a stream's generator (the same draw as from the stream).
    /// - Complexity: O(1) for every case (Walker tables for `empirical`).
    @inlinable
    public func sample(_ stream: RandomSource) -> Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let m): return stream.exponential(mean: m)
        case .gamma(let k, let th): return stream.gamma(shape: k, scale: th)
        case .lognormal(let mu, let s): return stream.lognormal(mu: mu, sigma: s)
        case .weibull(let l, let k): return stream.weibull(scale: l, shape: k)
        case .uniform(let a, let b): return a + (b - a) * stream.uniform()
        case .triangular(let a, let c, let b):
            // Inverse CDF.
            let u = stream.uniform(), fc = (c - a) / (b - a)
            return u < fc ? a + ((b - a) * (c - a) * u).squareRoot() : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
        case .truncatedNormal(let m, let sd): return stream.truncatedNormal(mean: m, sd: sd)
        case .poisson(let m): return Double(stream.poisson(mean: m))
        case .bernoulli(let p): return stream.bernoulli(p) ? 1 : 0
        case .empirical(let e): return e.sample(stream)
        }
    }
}

import CGSL

extension Distribution {
    /// A draw from the equilibrium residual of this distribution: the time left in a stay that is already
    /// under way when observed at a random moment (renewal theory; density (1 - F(x)) / E[S]).
    ///
    /// It is the length-biased stay times a uniform fraction. Length-biased forms are exact where they have a
    /// closed form (exponential -> itself by memorylessness, gamma(k, theta) -> gamma(k + 1, theta),
    /// lognormal(mu, sigma) -> lognormal(mu + sigma^2, sigma), constant -> itself); otherwise 64 candidates are
    /// resampled in proportion to their length (sampling-importance-resampling).
    public func sampleResidual(_ stream: RandomStream) -> Double { sampleResidual(stream.source) }

    /// As `sampleResidual(_:)`, from a stream's generator.
    public func sampleResidual(_ stream: RandomSource) -> Double {
        switch self {
        case .exponential(let m): return stream.exponential(mean: m)
        case .constant(let v): return v * stream.uniform()
        case .gamma(let k, let th): return stream.gamma(shape: k + 1, scale: th) * stream.uniform()
        case .lognormal(let mu, let s): return stream.lognormal(mu: mu + s * s, sigma: s) * stream.uniform()
        default:
            var candidates = [Double](repeating: 0, count: 64)
            var total = 0.0
            for i in 0..<64 {
                candidates[i] = sample(stream)
                total += candidates[i]
            }
            guard total > 0 else { return 0 }
            var u = stream.uniform() * total
            for c in candidates {
                if u < c { return c * stream.uniform() }
                u -= c
            }
            return candidates[63] * stream.uniform()
        }
    }

    /// A draw conditioned on falling within (0, window]: rejection, up to 64 tries, then uniform in the window.
    ///
    /// For times of events known to happen within a window (a readmission within 91 days).
    public func sample(_ stream: RandomStream, within window: Double) -> Double { sample(stream.source, within: window) }

    /// As `sample(_:within:)`, from a stream's generator.
    public func sample(_ stream: RandomSource, within window: Double) -> Double {
        for _ in 0..<64 {
            let x = sample(stream)
            if x <= window { return x }
        }
        return window * stream.uniformPositive()
    }
}

extension Distribution {
    /// The time left in a stay already `elapsed` long: a draw of S - elapsed given S > elapsed (the residual
    /// given age), by inversion of the survival function where GSL has it (exponential: itself, memoryless;
    /// gamma, lognormal, weibull: S = Q^-1(U Q(elapsed)), U uniform), a constant's L - elapsed, and otherwise by
    /// rejection (up to 1,000 draws; after that, or when the stay cannot exceed `elapsed`, 0: the patient is due
    /// to leave at once, the same as a constant stay already over).
    public func sampleRemaining(after elapsed: Double, _ stream: RandomSource) -> Double {
        guard elapsed > 0 else { return sample(stream) }
        switch self {
        case .exponential(let m): return stream.exponential(mean: m)
        case .constant(let v): return max(0, v - elapsed)
        case .gamma(let k, let th):
            return inverted(q: gsl_cdf_gamma_Q(elapsed, k, th), elapsed, stream) { gsl_cdf_gamma_Qinv($0, k, th) }
        case .lognormal(let mu, let s):
            return inverted(q: gsl_cdf_lognormal_Q(elapsed, mu, s), elapsed, stream) { gsl_cdf_lognormal_Qinv($0, mu, s) }
        case .weibull(let l, let k):
            return inverted(q: gsl_cdf_weibull_Q(elapsed, l, k), elapsed, stream) { gsl_cdf_weibull_Qinv($0, l, k) }
        default:
            for _ in 0..<1000 {
                let x = sample(stream)
                if x > elapsed { return x - elapsed }
            }
            return 0
        }
    }

    /// S = Q^-1(U q) - elapsed with q = Q(elapsed) = P(S > elapsed); 0 if q is 0 (no stay lasts that long).
    private func inverted(q: Double, _ elapsed: Double, _ stream: RandomSource, _ qinv: (Double) -> Double) -> Double {
        guard q > 0 else { return 0 }
        return max(0, qinv(stream.uniformPositive() * q) - elapsed)
    }
}

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

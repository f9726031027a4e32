import CGSL

/// A weighted choice among a fixed list of values in O(1) per draw, by Walker's alias method
/// (Walker 1977; GSL `gsl_ran_discrete_preproc`).
///
/// Immutable and shared: the lookup table is built once and only read while sampling.
public final class EmpiricalChoice<Value>: @unchecked Sendable {
    public let values: [Value]
    /// Weights normalised to sum to 1.
    public let probabilities: [Double]
    @usableFromInline let table: UnsafeMutablePointer<gsl_ran_discrete_t>

    /// Fails (returns nil) if there are no values, a weight is negative or not finite, or all are zero.
    public init?(values: [Value], weights: [Double]) {
        guard !values.isEmpty, values.count == weights.count,
              weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
        let total = weights.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        flowsim_gsl_quiet()
        guard let t = weights.withUnsafeBufferPointer({ gsl_ran_discrete_preproc(values.count, $0.baseAddress) })
        else { return nil }
        self.values = values
        self.probabilities = weights.map { $0 / total }
        self.table = t
    }

    deinit { gsl_ran_discrete_free(table) }

    /// The index of one draw (the alias-table lookup inline, as `gsl_ran_discrete` makes it).
    /// - Complexity: O(1).
    @inlinable public func sampleIndex(_ stream: RandomStream) -> Int { sampleIndex(stream.source) }

    /// The index of one draw from a stream's generator (the same draw as from the stream).
    /// - Complexity: O(1).
    @inlinable public func sampleIndex(_ stream: RandomSource) -> Int {
        Int(flowsim_discrete(stream.rng, table))
    }

    /// The index of one draw through GSL's own `gsl_ran_discrete`: what `sampleIndex` must equal.
    func sampleIndexThroughGSL(_ stream: RandomStream) -> Int { Int(gsl_ran_discrete(stream.rng, table)) }

    /// One draw.
    /// - Complexity: O(1).
    public func sample(_ stream: RandomStream) -> Value { values[sampleIndex(stream)] }

    /// One draw from a stream's generator.
    /// - Complexity: O(1).
    @inlinable public func sample(_ stream: RandomSource) -> Value { values[sampleIndex(stream)] }
}

extension EmpiricalChoice where Value == Double {
    public var mean: Double { zip(values, probabilities).reduce(0) { $0 + $1.0 * $1.1 } }
    public var variance: Double {
        let m = mean
        return zip(values, probabilities).reduce(0) { $0 + $1.1 * ($1.0 - m) * ($1.0 - m) }
    }
}

extension EmpiricalChoice: Equatable where Value: Equatable {
    public static func == (a: EmpiricalChoice, b: EmpiricalChoice) -> Bool {
        a === b || (a.values == b.values && a.probabilities == b.probabilities)
    }
}

import CGSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The GSL generator algorithms a scenario may choose.
///
/// Each is seeded over its whole state from the stream key, never through `gsl_rng_set`, which keeps only
/// 32 bits of a seed: with many (replication, stream) keys, 32-bit seeds collide and two streams repeat
/// each other. Generators whose state cannot be filled safely (e.g. RANLUX) are therefore not offered.
public enum GeneratorKind: String, Sendable, CaseIterable {
    /// Mersenne Twister (Matsumoto & Nishimura 1998). Seeded over its whole 624-word state (5 KB in GSL).
    case mt19937
    /// Maximally equidistributed combined Tausworthe (L'Ecuyer 1996), period 2^88, three words of state: the
    /// default (docs/design-decisions.md, decision 76), drawn inline (`shim.h`).
    case taus2
    /// Four-tap generalised feedback shift register (Ziff 1998).
    case gfsr4

    /// The generator streams use unless a scenario names another.
    public static let standard = GeneratorKind.taus2

    /// 32-bit words of state filled from the key.
    var stateWords: Int {
        switch self {
        case .mt19937: return 624
        case .taus2: return 3
        case .gfsr4: return 16384
        }
    }

    var gslType: UnsafePointer<gsl_rng_type> {
        switch self {
        case .mt19937: return flowsim_rng_mt19937()
        case .taus2: return flowsim_rng_taus2()
        case .gfsr4: return flowsim_rng_gfsr4()
        }
    }
}

/// A stream of random numbers: owns one `gsl_rng` (its state in the same allocation) and frees it in `deinit`.
///
/// Streams are not shared between threads: each replication builds its own. Never a global generator.
public final class RandomStream {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    public let key: StreamKey
    public let kind: GeneratorKind

    /// A stream for `key`, with its generator's state derived from the key alone.
    public init(key: StreamKey, kind: GeneratorKind = .standard) {
        flowsim_gsl_quiet()
        guard let r = flowsim_rng_alloc_packed(kind.gslType) else {
            fatalError("allocating a generator failed: out of memory")  // nothing sensible can continue
        }
        self.rng = r
        self.key = key
        self.kind = kind
        var mixer = SplitMix64(state: key.digest)
        let words = kind.stateWords
        var state = [UInt32](repeating: 0, count: words)
        for i in 0..<words { state[i] = UInt32(truncatingIfNeeded: mixer.next() >> 32) }
        let rc = state.withUnsafeBufferPointer { buffer -> Int32 in
            switch kind {
            case .mt19937: return flowsim_mt19937_set_state(r, buffer.baseAddress)
            case .taus2: return flowsim_taus2_set_state(r, buffer.baseAddress)
            case .gfsr4: return flowsim_gfsr4_set_state(r, buffer.baseAddress)
            }
        }
        precondition(rc == 0, "\(kind) state layout differs from GSL's")
    }

    /// Convenience: the stream named `name` of replication `replication` under `seed`.
    public convenience init(seed: UInt64, replication: Int, name: String, kind: GeneratorKind = .standard) {
        self.init(key: StreamKey(seed: seed, replication: replication, name: name), kind: kind)
    }

    deinit { flowsim_rng_free_packed(rng) }

    /// A uniform draw through GSL's own `gsl_rng_uniform` (its function pointer): what `uniform()` must equal.
    func uniformThroughGSL() -> Double { gsl_rng_uniform(rng) }

    /// 32 bits through GSL's own `gsl_rng_get`: what the ziggurat samplers' `flowsim_bits32` must equal.
    func bitsThroughGSL() -> UInt { gsl_rng_get(rng) }

    /// The generator's output range (the ziggurat samplers need all 32 bits: 0 ... 2^32 - 1).
    var outputRange: ClosedRange<UInt> { gsl_rng_min(rng)...gsl_rng_max(rng) }

    /// 32 bits as the ziggurat samplers draw them.
    func bits32() -> UInt32 { flowsim_bits32(rng) }
}

/// A generator read as a plain value: what the model's hot paths draw from, with no reference counting.
///
/// It does not own the generator: the `RandomStream` it comes from (`source`) must outlive it. Draws from a
/// stream and from its source are the same draws on the same state.
@frozen public struct RandomSource {
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    @inlinable init(_ rng: UnsafeMutablePointer<gsl_rng>) { self.rng = rng }
}

/// The draws every stream offers, on a `RandomStream` or on its `RandomSource` alike.
public protocol RandomDrawing {
    var source: RandomSource { get }
}

extension RandomStream: RandomDrawing {
    /// This stream's generator as a plain value, valid while the stream lives.
    @inlinable public var source: RandomSource { RandomSource(rng) }
}

extension RandomSource: RandomDrawing {
    @inlinable public var source: RandomSource { self }
}

extension RandomDrawing {
    /// A uniform draw on [0, 1).
    /// - Complexity: O(1).
    @inlinable public func uniform() -> Double { flowsim_uniform(source.rng) }

    /// A uniform draw on (0, 1), never exactly 0.
    @inlinable public func uniformPositive() -> Double { flowsim_uniform_pos(source.rng) }

    /// A uniform integer in 0..<n, without modulo bias.
    @inlinable public func integer(below n: Int) -> Int {
        precondition(n > 0 && n <= Int(UInt32.max))
        return Int(gsl_rng_uniform_int(source.rng, UInt(n)))
    }

    /// An exponential draw with the given mean (the ziggurat method, Marsaglia & Tsang 2000; decision 203). The
    /// magnitude has 24 bits, so a draw is exactly 0 with probability 2^-24 (`-log(U)` with a 32-bit U had its own
    /// grain: no draw below 2.3e-10).
    /// - Complexity: O(1); one 32-bit draw, rarely more.
    @inlinable public func exponential(mean: Double) -> Double { mean * flowsim_exponential(source.rng) }

    /// `true` with probability `p`.
    @inlinable public func bernoulli(_ p: Double) -> Bool { uniform() < p }

    /// A standard normal draw (the ziggurat method, Marsaglia & Tsang 2000; decision 203).
    @inlinable public func standardNormal() -> Double { flowsim_normal(source.rng) }

    /// A gamma draw with shape `k` and scale `theta` (Marsaglia & Tsang 2000 in GSL).
    @inlinable public func gamma(shape k: Double, scale theta: Double) -> Double { gsl_ran_gamma(source.rng, k, theta) }

    /// A Poisson count with mean `mu`.
    @inlinable public func poisson(mean mu: Double) -> Int { Int(gsl_ran_poisson(source.rng, mu)) }

    /// A Weibull draw, scale `lambda`, shape `k`.
    @inlinable public func weibull(scale lambda: Double, shape k: Double) -> Double { gsl_ran_weibull(source.rng, lambda, k) }

    /// A lognormal draw with parameters of the underlying normal.
    @inlinable public func lognormal(mu: Double, sigma: Double) -> Double { flowsim_lognormal(source.rng, mu, sigma) }

    /// A normal draw with mean `mean` and sd `sd`, conditioned on being >= 0.
    ///
    /// Uses GSL's tail sampler (`gsl_ran_gaussian_tail`, Marsaglia 1964 / rejection), which stays efficient
    /// when the mean is far below zero.
    @inlinable public func truncatedNormal(mean: Double, sd: Double) -> Double {
        if sd == 0 { return max(mean, 0) }
        return mean + gsl_ran_gaussian_tail(source.rng, -mean, sd)
    }
}

@usableFromInline func _log(_ x: Double) -> Double { log(x) }

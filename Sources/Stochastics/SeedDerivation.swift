/// Derivation of independent generator seeds from (seed, replication, stream name).
///
/// Every replication `r` and every named stream `s` gets its own generator whose state is a function of
/// `(seed, r, s)` only, so adding a stream never shifts another and two scenarios that name the same streams
/// get common random numbers. Mixing uses SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom
/// number generators", OOPSLA 2014); stream names are hashed with 64-bit FNV-1a, which, unlike Swift's
/// `Hasher`, is the same in every process.
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    public let seed: UInt64
    public let replication: UInt64
    public let name: String

    public init(seed: UInt64, replication: Int, name: String) {
        precondition(replication >= 0, "replication must be >= 0")
        self.seed = seed
        self.replication = UInt64(replication)
        self.name = name
    }

    /// A 64-bit digest of the whole key; different keys give unrelated digests.
    public var digest: UInt64 {
        var x = SplitMix64.mix(seed &+ 0x243F_6A88_85A3_08D3)
        x = SplitMix64.mix(x ^ SplitMix64.mix(replication &+ 0x1319_8A2E_0370_7344))
        x = SplitMix64.mix(x ^ FNV1a.hash(name))
        return x
    }

    public var description: String { "(seed \(seed), replication \(replication), stream \"\(name)\")" }
}

/// SplitMix64: a tiny generator whose output function is a strong 64-bit mixer.
public struct SplitMix64: Sendable {
    public private(set) var state: UInt64

    public init(state: UInt64) { self.state = state }

    /// The SplitMix64 finaliser (Stafford's "Mix13" variant).
    @inlinable
    public static func mix(_ z0: UInt64) -> UInt64 {
        var z = z0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }
}

/// 64-bit FNV-1a over UTF-8 bytes (Fowler, Noll, Vo): stable across processes and platforms.
public enum FNV1a {
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}

import Stochastics
import XCTest

/// Stream derivation (seed, replication, name) -> generator, determinism, independence, and every generator kind.
final class RandomStreamTests: XCTestCase {
    func draws(_ s: RandomStream, _ n: Int) -> [Double] { (0..<n).map { _ in s.uniform() } }

    /// Positions at which two sequences hold the same value. Generators give doubles with 32 random bits
    /// (mt19937, taus2, gfsr4), so unrelated streams coincide at a given position with probability
    /// <= 2^-32: over 256 positions the chance of any coincidence is below 1e-7.
    func coincidences(_ a: [Double], _ b: [Double]) -> Int { zip(a, b).filter { $0 == $1 }.count }

    // MARK: Determinism

    func testIdenticalKeysGiveIdenticalSequencesForEveryKind() {
        for kind in GeneratorKind.allCases {
            let a = RandomStream(seed: 42, replication: 3, name: "arrivals", kind: kind)
            let b = RandomStream(key: StreamKey(seed: 42, replication: 3, name: "arrivals"), kind: kind)
            XCTAssertEqual(a.kind, kind)
            XCTAssertEqual(a.key, b.key)
            // Mix every kind of draw: the same calls on the same key give bit-identical results.
            for _ in 0..<200 {
                XCTAssertEqual(a.uniform(), b.uniform(), "\(kind)")
                XCTAssertEqual(a.exponential(mean: 2), b.exponential(mean: 2), "\(kind)")
                XCTAssertEqual(a.standardNormal(), b.standardNormal(), "\(kind)")
                XCTAssertEqual(a.gamma(shape: 0.7, scale: 2), b.gamma(shape: 0.7, scale: 2), "\(kind)")
                XCTAssertEqual(a.poisson(mean: 12), b.poisson(mean: 12), "\(kind)")
                XCTAssertEqual(a.truncatedNormal(mean: -1, sd: 1), b.truncatedNormal(mean: -1, sd: 1), "\(kind)")
                XCTAssertEqual(a.integer(below: 1000), b.integer(below: 1000), "\(kind)")
            }
        }
    }

    func testDifferentSeedsReplicationsAndNamesGiveDifferentSequences() {
        for kind in GeneratorKind.allCases {
            let keys = [
                StreamKey(seed: 7, replication: 0, name: "arrivals"),
                StreamKey(seed: 8, replication: 0, name: "arrivals"),
                StreamKey(seed: 7, replication: 1, name: "arrivals"),
                StreamKey(seed: 7, replication: 0, name: "arrivals2"),
                StreamKey(seed: 7, replication: 0, name: "Arrivals"),
                StreamKey(seed: 7, replication: 0, name: ""),
                StreamKey(seed: 0, replication: 0, name: ""),
            ]
            let sequences = keys.map { draws(RandomStream(key: $0, kind: kind), 256) }
            for i in keys.indices {
                for j in keys.indices where j > i {
                    XCTAssertNotEqual(keys[i].digest, keys[j].digest)
                    XCTAssertEqual(coincidences(sequences[i], sequences[j]), 0, "\(kind): \(keys[i]) vs \(keys[j])")
                }
            }
        }
    }

    /// A poor derivation can hand out the same generator shifted by a few steps; then the two streams share
    /// almost all their values. Independent streams of 32-bit doubles share a value with probability 2^-32 per
    /// pair: among 5,000 x 5,000 pairs about 0.006 are expected, and 3 or more have probability ~ 3e-8.
    func testNeighbouringKeysAreNotShiftedCopiesOfEachOther() {
        let base = draws(RandomStream(seed: 1, replication: 0, name: "s"), 5000)
        let values = Set(base)
        for key in [StreamKey(seed: 1, replication: 1, name: "s"), StreamKey(seed: 2, replication: 0, name: "s"),
                    StreamKey(seed: 1, replication: 0, name: "t")] {
            let other = draws(RandomStream(key: key), 5000)
            XCTAssertLessThanOrEqual(other.filter { values.contains($0) }.count, 2, "\(key)")
        }
    }

    /// Independent streams are uncorrelated: the sample correlation of n pairs has SE 1/sqrt(n).
    func testStreamsOfOneReplicationAreUncorrelated() {
        let n = 20_000
        let a = draws(RandomStream(seed: 5, replication: 0, name: "arrivals"), n)
        for name in ["service", "routing"] {
            let b = draws(RandomStream(seed: 5, replication: 0, name: name), n)
            let ma = a.reduce(0, +) / Double(n), mb = b.reduce(0, +) / Double(n)
            var sab = 0.0, saa = 0.0, sbb = 0.0
            for (x, y) in zip(a, b) {
                sab += (x - ma) * (y - mb)
                saa += (x - ma) * (x - ma)
                sbb += (y - mb) * (y - mb)
            }
            let r = sab / (saa * sbb).squareRoot()
            XCTAssertLessThanOrEqual(abs(r), momentZ / Double(n).squareRoot(), "correlation with \(name)")
        }
    }

    func testAddingOrUsingAnotherStreamDoesNotChangeAnExistingStream() {
        let alone = RandomStream(seed: 11, replication: 2, name: "service")
        let expected = (0..<300).map { _ in alone.exponential(mean: 1) }

        // Another scenario: more streams, made before and after, drawn from in between.
        let early = RandomStream(seed: 11, replication: 2, name: "new-stream")
        _ = draws(early, 17)
        let service = RandomStream(seed: 11, replication: 2, name: "service")
        let late = RandomStream(seed: 11, replication: 2, name: "another")
        var got: [Double] = []
        for i in 0..<300 {
            if i % 3 == 0 { _ = early.gamma(shape: 2, scale: 1) }
            got.append(service.exponential(mean: 1))
            _ = late.poisson(mean: Double(i % 7))
        }
        XCTAssertEqual(got, expected)
    }

    /// The key's 64-bit digest must reach every generator kind whole. GSL's `gsl_rng_set` keeps only the low
    /// 32 bits of a seed (the reason shim.h fills every generator's state directly), so
    /// among n keys about n^2 / 2^33 pairs would get the same generator: 8 pairs among 2,000 replications x
    /// 100 streams. These two keys are such a pair (their first SplitMix64 outputs share the low 32 bits,
    /// 0x...d2fc9589); they must still give different streams, whatever the kind.
    func testDistinctKeysNeverShareAGeneratorForAnyKind() {
        let a = StreamKey(seed: 1, replication: 142, name: "stream-17")
        let b = StreamKey(seed: 1, replication: 1172, name: "stream-18")
        var sa = SplitMix64(state: a.digest), sb = SplitMix64(state: b.digest)
        let (xa, xb) = (sa.next(), sb.next())
        XCTAssertNotEqual(xa, xb)
        XCTAssertEqual(xa & 0xFFFF_FFFF, xb & 0xFFFF_FFFF, "the pair shares the low 32 bits of its first output")
        for kind in GeneratorKind.allCases {
            let da = draws(RandomStream(key: a, kind: kind), 256), db = draws(RandomStream(key: b, kind: kind), 256)
            XCTAssertEqual(coincidences(da, db), 0, "\(kind): two keys give the same stream")
        }
    }

    func testGeneratorKindsDifferFromEachOther() {
        let sequences = GeneratorKind.allCases.map { draws(RandomStream(seed: 3, replication: 0, name: "x", kind: $0), 256) }
        for i in sequences.indices {
            for j in sequences.indices where j > i {
                XCTAssertEqual(coincidences(sequences[i], sequences[j]), 0)
            }
        }
        XCTAssertEqual(GeneratorKind(rawValue: "taus2"), .taus2)
        XCTAssertEqual(Set(GeneratorKind.allCases.map(\.rawValue)), ["mt19937", "taus2", "gfsr4"])
    }

    // MARK: Every generator kind works

    /// For each kind: 50,000 uniforms lie in [0, 1) with mean 1/2 and variance 1/12 (mu4 = 1/80), and their
    /// counts in 10 equal bins pass a chi-square test at the 0.9999 quantile of chi-square with 9 dof, 33.72
    /// (scipy.stats.chi2.ppf(0.9999, 9)).
    func testEveryGeneratorKindIsUniform() {
        let n = 50_000
        for kind in GeneratorKind.allCases {
            let s = RandomStream(seed: 2024, replication: 0, name: "uniform", kind: kind)
            let xs = draws(s, n)
            XCTAssertTrue(xs.allSatisfy { $0 >= 0 && $0 < 1 }, "\(kind)")
            assertMoments(SampleMoments(xs), match: TheoreticalMoments(mean: 0.5, variance: 1.0 / 12, fourthCentral: 1.0 / 80),
                          "\(kind) uniform")
            var bins = [Int](repeating: 0, count: 10)
            for x in xs { bins[Int(x * 10)] += 1 }
            let e = Double(n) / 10
            let chi2 = bins.reduce(0) { $0 + (Double($1) - e) * (Double($1) - e) / e }
            XCTAssertLessThan(chi2, 33.72, "\(kind): bins \(bins)")
            XCTAssertTrue((0..<10_000).allSatisfy { _ in let u = s.uniformPositive(); return u > 0 && u < 1 }, "\(kind)")
        }
    }

    /// Normal draws (mean 0, variance 1, mu4 = 3) and exponential draws (mean 2, variance 4, mu4 = 9 * 16) for
    /// every kind: the transformations work whatever the generator underneath.
    func testEveryGeneratorKindDrivesTheDistributions() {
        for kind in GeneratorKind.allCases {
            let s = RandomStream(seed: 99, replication: 1, name: "moments", kind: kind)
            let normals = (0..<30_000).map { _ in s.standardNormal() }
            assertMoments(SampleMoments(normals), match: TheoreticalMoments(mean: 0, variance: 1, fourthCentral: 3),
                          "\(kind) normal")
            let exps = (0..<30_000).map { _ in s.exponential(mean: 2) }
            XCTAssertTrue(exps.allSatisfy { $0 > 0 && $0.isFinite })
            assertMoments(SampleMoments(exps), match: TheoreticalMoments(mean: 2, variance: 4, fourthCentral: 144),
                          "\(kind) exponential")
        }
    }

    func testIntegerBelowIsInRangeAndUniform() {
        let s = RandomStream(seed: 6, replication: 0, name: "dice")
        let n = 42_000
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<n {
            let k = s.integer(below: 7)
            XCTAssertTrue((0..<7).contains(k))
            counts[k] += 1
        }
        for k in 0..<7 { assertFrequency(counts[k], of: n, probability: 1.0 / 7, "face \(k)") }
        XCTAssertTrue((0..<100).allSatisfy { _ in s.integer(below: 1) == 0 })
    }

    func testBernoulliFrequency() {
        let s = RandomStream(seed: 6, replication: 1, name: "coin")
        let n = 40_000
        assertFrequency((0..<n).filter { _ in s.bernoulli(0.25) }.count, of: n, probability: 0.25, "bernoulli(0.25)")
        XCTAssertFalse((0..<1000).contains { _ in s.bernoulli(0) })
        XCTAssertTrue((0..<1000).allSatisfy { _ in s.bernoulli(1) })
    }

    // MARK: The derivation's building blocks

    /// Published test vectors: FNV-1a 64 (Fowler/Noll/Vo test suite) and SplitMix64 from state 0 (Vigna's
    /// reference splitmix64.c). If these change, every stream of every scenario changes.
    func testMixersMatchReferenceVectors() {
        XCTAssertEqual(FNV1a.hash(""), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(FNV1a.hash("a"), 0xAF63_DC4C_8601_EC8C)
        XCTAssertEqual(FNV1a.hash("foobar"), 0x8594_4171_F739_67E8)
        var sm = SplitMix64(state: 0)
        XCTAssertEqual(sm.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(sm.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(sm.next(), 0x06C4_5D18_8009_454F)
        XCTAssertEqual(sm.state, 3 &* 0x9E37_79B9_7F4A_7C15)
    }

    func testStreamKeyDigestDependsOnEveryPart() {
        let k = StreamKey(seed: 1, replication: 0, name: "a")
        XCTAssertEqual(k.digest, StreamKey(seed: 1, replication: 0, name: "a").digest)
        XCTAssertEqual(k, StreamKey(seed: 1, replication: 0, name: "a"))
        // Swapping seed and replication, or moving a character between parts, must not collide.
        XCTAssertNotEqual(StreamKey(seed: 1, replication: 2, name: "x").digest,
                          StreamKey(seed: 2, replication: 1, name: "x").digest)
        XCTAssertNotEqual(StreamKey(seed: 0, replication: 0, name: "ab").digest,
                          StreamKey(seed: 0, replication: 0, name: "ba").digest)
        // 10,000 keys, all distinct digests (a 64-bit collision among them has probability ~ 3e-12).
        var digests = Set<UInt64>()
        for seed in 0..<10 {
            for r in 0..<100 {
                for name in ["arrivals", "service", "routing", "los", "", "a", "b", "c", "d", "e"] {
                    digests.insert(StreamKey(seed: UInt64(seed), replication: r, name: name).digest)
                }
            }
        }
        XCTAssertEqual(digests.count, 10_000)
        XCTAssertEqual(k.description, "(seed 1, replication 0, stream \"a\")")
    }
}

import CGSL
import Foundation
@testable import Stochastics
import XCTest

/// The ziggurat samplers (decision 203): their tables are the ones Marsaglia & Tsang's formulas give, and their
/// draws follow the standard normal and the unit exponential in the body, the wedges and the tail, for every
/// generator kind.
final class ZigguratTests: XCTestCase {
    /// Rebuilds the set-up (n layers of area v under f, base edge r, magnitudes of 24 bits) and compares with the
    /// generated tables in ziggurat.h; `tail` is the area beyond r.
    func checkTables(_ n: Int, r: Double, v: Double, f: (Double) -> Double, edge: (Double) -> Double, tail: Double,
                     k: [UInt32], w: [Double], fs: [Double], _ label: String) {
        let m = 16_777_216.0
        var x = [Double](repeating: 0, count: n)
        x[n - 1] = r
        for i in stride(from: n - 2, through: 1, by: -1) { x[i] = edge(v / x[i + 1] + f(x[i + 1])) }
        let q = v / f(r)
        XCTAssertEqual(k.count, n, label)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-12 * abs(b) }
        XCTAssertEqual(Double(k[0]), (r / q * m).rounded(.down), accuracy: 1, label)
        XCTAssertTrue(close(w[0], q / m) && fs[0] == 1 && k[1] == 0, label)
        for i in 1..<n {
            XCTAssertTrue(close(w[i], x[i] / m), "\(label): w[\(i)]")
            XCTAssertTrue(close(fs[i], f(x[i])), "\(label): f[\(i)]")
            if i > 1 { XCTAssertEqual(Double(k[i]), (x[i - 1] / x[i] * m).rounded(.down), accuracy: 1, "\(label): k[\(i)]") }
            // Every layer has the area v (the top one to the precision of the published r and v).
            XCTAssertEqual(x[i] * ((i == 1 ? 1 : f(x[i - 1])) - f(x[i])), v, accuracy: 1e-10, "\(label): layer \(i)")
        }
        XCTAssertEqual(r * f(r) + tail, v, accuracy: 1e-12, "\(label): the base layer is its rectangle and the tail")
    }

    func testTablesAreTheOnesTheFormulasGive() {
        func array<T>(_ tuple: some Any, _: T.Type) -> [T] { withUnsafeBytes(of: tuple) { Array($0.bindMemory(to: T.self)) } }
        let r = FLOWSIM_ZIGGURAT_R, re = FLOWSIM_ZIGGURAT_RE
        checkTables(128, r: r, v: 9.91256303526217e-3, f: { exp(-0.5 * $0 * $0) }, edge: { (-2 * log($0)).squareRoot() },
                    tail: (Double.pi / 2).squareRoot() * erfc(r / 2.squareRoot()),
                    k: array(flowsim_ziggurat_k, UInt32.self), w: array(flowsim_ziggurat_w, Double.self),
                    fs: array(flowsim_ziggurat_f, Double.self), "normal")
        checkTables(256, r: re, v: 3.949659822581572e-3, f: { exp(-$0) }, edge: { -log($0) }, tail: exp(-re),
                    k: array(flowsim_ziggurat_ke, UInt32.self), w: array(flowsim_ziggurat_we, Double.self),
                    fs: array(flowsim_ziggurat_fe, Double.self), "exponential")
    }

    /// Counts draws in bins and the tails beyond them against the distribution's probabilities: a chi-square
    /// within 4 of its standard deviations of its degrees of freedom. A wedge or tail drawn wrongly moves part
    /// of a layer's share (~1% of draws) and is seen (checked by breaking the wedge test). The mean and variance
    /// (`assertMoments`) and the share beyond the base layer's edge r within 4 standard errors.
    func checkDraws(_ draw: (RandomStream) -> Double, cdf: (Double) -> Double, edges: [Double],
                    moments: TheoreticalMoments, beyond r: Double, _ label: String) {
        let expected = [cdf(edges[0])] + (1..<edges.count).map { cdf(edges[$0]) - cdf(edges[$0 - 1]) } + [1 - cdf(edges.last!)]
        let width = edges[1] - edges[0]
        for (kind, n) in [(GeneratorKind.taus2, 2_000_000), (.mt19937, 400_000), (.gfsr4, 400_000)] {
            let s = RandomStream(seed: 11, replication: 0, name: label, kind: kind)
            var counts = [Int](repeating: 0, count: expected.count)
            var beyond = 0
            let draws = (0..<n).map { _ in draw(s) }
            for z in draws {
                if abs(z) > r { beyond += 1 }
                let b = z < edges[0] ? 0 : z >= edges.last! ? expected.count - 1
                    : min(Int((z - edges[0]) / width) + 1, expected.count - 2)
                counts[b] += 1
            }
            // Bins the distribution cannot reach (below 0 for the exponential) must stay empty.
            let bins = zip(counts, expected).filter { $0.1 > 0 }
            XCTAssertEqual(bins.reduce(0) { $0 + $1.0 }, n, "\(label), \(kind): draws outside the support")
            let chi2 = bins.reduce(0.0) {
                let e = $1.1 * Double(n)
                return $0 + (Double($1.0) - e) * (Double($1.0) - e) / e
            }
            let df = Double(bins.count - 1), nd = Double(n)
            XCTAssertLessThan(abs(chi2 - df), 4 * (2 * df).squareRoot(), "\(label), \(kind): chi-square \(chi2) on \(df) df")
            assertMoments(SampleMoments(draws), match: moments, "\(label), \(kind)")
            let p = 1 - cdf(r) + cdf(-r), expectedBeyond = p * nd
            XCTAssertLessThan(abs(Double(beyond) - expectedBeyond), 4 * (expectedBeyond * (1 - p)).squareRoot(),
                              "\(label), \(kind): draws beyond r")
        }
    }

    func testNormalDrawsFollowTheStandardNormalForEveryKind() {
        checkDraws({ $0.standardNormal() }, cdf: { 0.5 * erfc(-$0 / 2.squareRoot()) }, edges: (0...160).map { -4 + 0.05 * Double($0) },
                   moments: TheoreticalMoments(mean: 0, variance: 1, fourthCentral: 3), beyond: FLOWSIM_ZIGGURAT_R, "normal")
    }

    func testExponentialDrawsFollowTheUnitExponentialForEveryKind() {
        // The unit exponential's fourth central moment is 9.
        checkDraws({ $0.exponential(mean: 1) }, cdf: { $0 <= 0 ? 0 : -expm1(-$0) }, edges: (0...160).map { 0.05 * Double($0) },
                   moments: TheoreticalMoments(mean: 1, variance: 1, fourthCentral: 9), beyond: FLOWSIM_ZIGGURAT_RE,
                   "exponential")
    }

    /// An exponential of mean m is m times the unit draw, on the same state.
    func testExponentialScalesTheUnitDraw() {
        let a = RandomStream(seed: 5, replication: 0, name: "e"), b = RandomStream(seed: 5, replication: 0, name: "e")
        for m in [0.5, 1, 30, 1e-3] {
            for _ in 0..<1_000 { XCTAssertEqual(a.exponential(mean: m), m * b.exponential(mean: 1)) }
        }
    }
}

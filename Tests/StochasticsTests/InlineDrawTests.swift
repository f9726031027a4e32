import Foundation
@testable import Stochastics
import XCTest

/// The inline draws (taus2's step and the alias-table lookup in `shim.h`) give exactly what GSL's own functions
/// give on the same state, for every generator kind.
final class InlineDrawTests: XCTestCase {
    func testInlineUniformEqualsGSLsForEveryKind() {
        for kind in GeneratorKind.allCases {
            let inline = RandomStream(seed: 9, replication: 2, name: "inline", kind: kind)
            let gsl = RandomStream(seed: 9, replication: 2, name: "inline", kind: kind)
            for i in 0..<100_000 {
                let a = inline.uniform(), b = gsl.uniformThroughGSL()
                if a != b { return XCTFail("\(kind): draw \(i) is \(a) inline, \(b) through GSL") }
            }
        }
    }

    func testInlineAliasTableDrawEqualsGSLsForEveryKindAndSize() {
        let weights = [0.1, 0.3, 0.05, 0.2, 0.15, 0.12, 0.08, 0.0, 1e-9]
        for kind in GeneratorKind.allCases {
            for k in 1...weights.count where weights.prefix(k).reduce(0, +) > 0 {
                let choice = EmpiricalChoice(values: Array(0..<k), weights: Array(weights.prefix(k)))!
                let inline = RandomStream(seed: 3, replication: k, name: "alias", kind: kind)
                let gsl = RandomStream(seed: 3, replication: k, name: "alias", kind: kind)
                for i in 0..<20_000 {
                    let a = choice.sampleIndex(inline), b = choice.sampleIndexThroughGSL(gsl)
                    if a != b { return XCTFail("\(kind), \(k) values: draw \(i) is \(a) inline, \(b) through GSL") }
                }
            }
        }
    }

    /// A table of choices flattened (`FlatChoices`, what `Keyed` draws from in the model) gives, slot by slot,
    /// the value of GSL's own draw from that slot's choice: the same columns, cut-offs and aliases, and the
    /// values (here not the column numbers) mapped through both.
    func testFlatChoicesDrawEqualsGSLsForEveryKindAndSlot() {
        let weights = [0.1, 0.3, 0.05, 0.2, 0.15, 0.12, 0.08, 0.0, 1e-9]
        let choices = (1...weights.count).map { k in
            EmpiricalChoice(values: (0..<k).map { 7 * $0 + k }, weights: Array(weights.prefix(k)))!
        }
        let flat = FlatChoices(choices)
        defer { flat.deallocate() }
        for kind in GeneratorKind.allCases {
            let inline = RandomStream(seed: 5, replication: 1, name: "flat", kind: kind)
            let gsl = RandomStream(seed: 5, replication: 1, name: "flat", kind: kind)
            for i in 0..<90_000 {
                let slot = i % choices.count
                let a = FlatChoices.pick(flat.head(slot), inline.source.uniform())
                let b = choices[slot].values[choices[slot].sampleIndexThroughGSL(gsl)]
                if a != b { return XCTFail("\(kind), slot \(slot): draw \(i) is \(a) flattened, \(b) through GSL") }
            }
        }
    }

    func testInlineBitsEqualGSLsAndSpanThirtyTwoBitsForEveryKind() {
        for kind in GeneratorKind.allCases {
            let inline = RandomStream(seed: 4, replication: 1, name: "bits", kind: kind)
            let gsl = RandomStream(seed: 4, replication: 1, name: "bits", kind: kind)
            XCTAssertEqual(inline.outputRange, 0...UInt(UInt32.max), "\(kind): the normal sampler takes 32 bits a draw")
            for i in 0..<100_000 {
                let a = inline.bits32(), b = gsl.bitsThroughGSL()
                if UInt(a) != b { return XCTFail("\(kind): draw \(i) is \(a) inline, \(b) through GSL") }
            }
        }
    }

    /// A lognormal draw is exp(mu + sigma Z) with Z the stream's next standard normal (decision 203).
    func testLognormalIsTheExponentialOfTheNormalDraw() {
        for kind in GeneratorKind.allCases {
            for (mu, sigma) in [(0.0, 1.0), (4.2, 0.8), (-1.5, 0.05), (6.0, 2.5)] {
                let a = RandomStream(seed: 4, replication: 1, name: "lognormal", kind: kind)
                let b = RandomStream(seed: 4, replication: 1, name: "lognormal", kind: kind)
                for i in 0..<20_000 {
                    let x = a.lognormal(mu: mu, sigma: sigma), y = Foundation.exp(sigma * b.standardNormal() + mu)
                    if x.bitPattern != y.bitPattern { return XCTFail("\(kind), mu \(mu), sigma \(sigma): draw \(i): \(x) vs \(y)") }
                }
                XCTAssertEqual(a.uniform(), b.uniform(), "the same number of draws used")
            }
        }
    }
}

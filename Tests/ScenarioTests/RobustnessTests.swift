import Foundation
import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// No input crashes the loader: every one either loads or throws `ScenarioErrors` with located messages.
final class RobustnessTests: XCTestCase {
    /// SplitMix64 (Steele, Lea & Flood 2014): a small deterministic generator for the mutations.
    struct Mixer {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    /// Loads the bytes; returns whether they loaded, checking that errors are well formed otherwise.
    @discardableResult
    func survive(_ bytes: [UInt8], _ label: String, file: String = "mutant.yaml", line: UInt = #line) -> Bool {
        do {
            _ = try Scenario.load(data: Data(bytes), file: file)
            return true
        } catch {
            XCTAssertFalse(error.errors.isEmpty, label, line: line)
            for e in error.errors {
                XCTAssertFalse(e.location.file.isEmpty, "\(label): every error names its file", line: line)
                XCTAssertGreaterThan(e.location.line, 0, label, line: line)
                XCTAssertGreaterThan(e.location.column, 0, label, line: line)
                XCTAssertFalse(e.message.isEmpty, label, line: line)
            }
            return false
        }
    }

    func testMutatedScenarios() throws {
        try mutate("scenarios/examples/small-chain.yaml", seed: 20_250_401)
    }

    /// The community kinds and the population and costs sections, mutated the same way.
    func testMutatedCommunityScenario() throws {
        try mutate("scenarios/examples/community.yaml", seed: 20_260_401)
    }

    /// Thousands of mutants of the shipped scenarios: the Milton Keynes baseline and every option and scenario
    /// that extends it (their `extends` resolve next to the real files, so the merge is exercised too).
    func testMutatedShippedScenarios() throws {
        try mutate("scenarios/mk-baseline.yaml", seed: 1, count: 1200)
        for (i, name) in ["option-integrated-discharge-hub", "option-discharge-to-assess", "option-vw-refer",
                          "option-vw-expand", "option-bletchley-pathfinder", "winter-surge", "growth-2030"].enumerated() {
            try mutate("scenarios/\(name).yaml", seed: 100 + UInt64(i), count: 150)
        }
    }

    /// `count` mutants of a shipped scenario (bytes deleted, lines duplicated, bytes swapped, noise, bad UTF-8,
    /// strange numbers, truncation): each loads or is rejected with located errors.
    func mutate(_ file: String, seed: UInt64, count: Int = 220, line: UInt = #line) throws {
        let path = Paths.repo(file)
        let original = Array(try String(contentsOfFile: path, encoding: .utf8).utf8)
        XCTAssertTrue(survive(original, "original", file: path, line: line))
        let lines = original.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        let noise: [[UInt8]] = [":", "{", "}", "[", "]", ",", "-", "#", "&a", "*a", "!", "|", ">", "'", "\"", "%", "@", " ", "\n",
                                "\t", "~", "null", ".nan", ".inf", "-1", "1e999", "99999999999999999999", "0", "by", "next",
                                "table", "unlimited", "P9", "0.5", "-.inf", "\u{00}", "é", "pull", "refer", "hub", "mon", "acute",
                                "when_full", "from_population: true", "teams: {}"].map { Array($0.utf8) }
        var rng = Mixer(state: seed)
        var loaded = 0
        for i in 0..<count {
            var bytes = original
            for _ in 0..<(1 + rng.below(3)) {
                switch rng.below(7) {
                case 0:  // delete a run of bytes
                    let at = rng.below(bytes.count), n = 1 + rng.below(30)
                    bytes.removeSubrange(at..<min(bytes.count, at + n))
                case 1:  // duplicate a line
                    let l = lines[rng.below(lines.count)]
                    let at = rng.below(bytes.count)
                    bytes.insert(contentsOf: l + [UInt8(ascii: "\n")], at: at)
                case 2:  // swap two bytes
                    let a = rng.below(bytes.count), b = rng.below(bytes.count)
                    bytes.swapAt(a, b)
                case 3:  // insert noise
                    bytes.insert(contentsOf: noise[rng.below(noise.count)], at: rng.below(bytes.count))
                case 4:  // bad UTF-8
                    bytes.insert([0xFF, 0xC3, 0x28, 0xE2, 0x82][rng.below(5)], at: rng.below(bytes.count))
                case 5:  // replace a digit by a large or strange number
                    if let at = bytes.indices.filter({ bytes[$0] >= 48 && bytes[$0] <= 57 }).randomElement(using: &rng) {
                        bytes.replaceSubrange(at...at, with: noise[[24, 26, 27, 22, 23, 25][rng.below(6)]])
                    }
                default:  // truncate
                    bytes = Array(bytes.prefix(rng.below(bytes.count)))
                }
                if bytes.isEmpty { break }
            }
            if survive(bytes, "\(file) mutant \(i)", file: path, line: line) { loaded += 1 }
        }
        XCTAssertLessThan(loaded, count, "some mutants should be rejected", line: line)
    }

    func testGarbage() {
        let inputs: [String: [UInt8]] = [
            "empty": [],
            "whitespace": Array("  \n\n\t\n".utf8),
            "document marker": Array("---\n...\n".utf8),
            "null": Array("~".utf8),
            "list": Array("[]".utf8),
            "number": Array("42".utf8),
            "bad UTF-8": [0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A],
            "truncated UTF-8": Array("name: caf".utf8) + [0xC3],
            "BOM": [0xEF, 0xBB, 0xBF] + Array("name: x\n".utf8),
            "NUL": Array("name: x\u{0}\n".utf8),
            "deep flow": Array(String(repeating: "[", count: 5000).utf8),
            "deep block": Array((0..<3000).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n").utf8),
            "undefined alias": Array("name: *nothing\n".utf8),
            "laughs": Array(("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + (1...9).map {
                "\(Character(UnicodeScalar(97 + $0)!)): &\(Character(UnicodeScalar(97 + $0)!)) [" +
                    Array(repeating: "*\(Character(UnicodeScalar(96 + $0)!))", count: 10).joined(separator: ", ") + "]"
            }.joined(separator: "\n")).utf8),
            "huge numbers": Array(Template.scenario(stay: "1e308w", beds: "1e308").utf8),
            "long line": Array(("name: " + String(repeating: "x", count: 200_000)).utf8),
            "tags": Array("!!map {name: !!str 1, horizon: !!int 3}".utf8),
            "binary": (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) },
        ]
        for (label, bytes) in inputs.sorted(by: { $0.key < $1.key }) {
            XCTAssertFalse(survive(bytes, label), label)
        }
    }

    /// Files with very many keys, units or errors are handled in linear-ish time, with the error list capped.
    func testLargeFilesStayFast() {
        let start = Date()
        let unknownKeys = "name: x\nhorizon: 1d\n" + (0..<5_000).map { "k\($0): 1" }.joined(separator: "\n")
        let e = errors(unknownKeys)
        XCTAssertEqual(e.count, 201, "200 errors and a note")
        XCTAssertTrue(e.last?.message.hasSuffix("more errors not shown (the first 200 are above)") ?? false)
        let units = (0..<5_000).map { "  u\($0): {kind: bedded_care, beds: 1, stay: 1d, route: nowhere\($0)}" }
        _ = errors("name: x\nhorizon: 1d\nunits:\n  door: {kind: arrivals, rate: {per_day: 1}, route: u0}\n"
                   + units.joined(separator: "\n"))
        let route = (0..<20_000).map { "x\($0): 0.00005" }.joined(separator: ", ")
        _ = errors(Template.scenario(route: "{\(route)}"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "seconds (debug build)")
    }

    func testBadUTF8PointsAtTheByte() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-bad-utf8-\(getpid()).yaml")
        try Data(Array("name: x\nhorizon: 1d\nde".utf8) + [0xFF] + Array("scription: y\n".utf8)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let e = Scenario.validate(path: url.path)
        XCTAssertEqual(e.count, 1)
        XCTAssertEqual(e.first?.location, SourceLocation(file: url.path, line: 3, column: 3))
        XCTAssertTrue(e.first?.message.contains("not valid UTF-8") ?? false)
    }
}

extension RobustnessTests.Mixer: RandomNumberGenerator {}

import Foundation
@testable import PatientFlow
@testable import Reporting
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Issue 12: result folders are written all at once and locked; sweep files read back for `--resume` are
/// checked line by line; manifests round-trip; comparisons say when they rest on fewer pairs than asked for.
final class OutputFileTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-out-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func manifest(seed: UInt64 = 1) -> Manifest {
        Manifest(command: "run", scenario: "s.yaml", scenarioName: "s", scenarioHash: "fnv1a64:0", seed: seed, replications: 2)
    }

    func contents(_ folder: String) -> [String: String] {
        var out: [String: String] = [:]
        for f in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            out[f] = try? String(contentsOfFile: "\(folder)/\(f)", encoding: .utf8)
        }
        return out
    }

    /// Everything in the parent but the folder itself: staging folders and lock files must be gone.
    func leftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0 != "out" }.sorted()
    }

    // MARK: Result folders (2)

    func testACommitReplacesTheWholeFolder() throws {
        let path = "\(dir!)/out"
        let first = try ResultFolder(path)
        try first.commit([("a.csv", "1\n"), ("b.csv", "2\n")], manifest: manifest())
        first.close()
        XCTAssertEqual(contents(path)["a.csv"], "1\n")
        XCTAssertEqual(ResultFolder.isFlowsimFolder(path), true)
        let second = try ResultFolder(path)
        try second.commit([("a.csv", "3\n")], manifest: manifest(seed: 2))
        XCTAssertEqual(second.manifest?.seed, 2)
        second.close()
        let now = contents(path)
        XCTAssertEqual(now["a.csv"], "3\n")
        XCTAssertNil(now["b.csv"], "a file of the earlier run must not stay beside the new run's")
        XCTAssertEqual(Manifest.parse(Data((now[Manifest.fileName] ?? "").utf8))?.files, ["a.csv"])
        XCTAssertEqual(leftovers(), [])
    }

    func testAFailedCommitLeavesTheFolderAsItWas() throws {
        let path = "\(dir!)/out"
        let first = try ResultFolder(path)
        try first.commit([("a.csv", "1\n")], manifest: manifest())
        first.close()
        let before = contents(path)
        let second = try ResultFolder(path)
        XCTAssertThrowsError(try second.commit([("b.csv", "2\n"), ("no/such/folder.csv", "x")], manifest: manifest(seed: 9)))
        second.close()
        XCTAssertEqual(contents(path), before)
        XCTAssertEqual(leftovers(), [], "the staging folder is removed after a failure")
    }

    func testASecondWriterIsRefusedWhileTheFirstHoldsTheFolder() throws {
        let path = "\(dir!)/out"
        let first = try ResultFolder(path)
        XCTAssertThrowsError(try ResultFolder(path)) { error in
            XCTAssertTrue("\(error)".contains("another flowsim (process \(getpid())) is writing to"), "\(error)")
        }
        first.close()
        XCTAssertNoThrow(try ResultFolder(path).close(), "free again once the first is done")
    }

    func testAFolderOfOtherFilesIsNeverReplaced() throws {
        let path = "\(dir!)/out"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try "mine".write(toFile: "\(path)/notes.txt", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ResultFolder(path)) { XCTAssertTrue("\($0)".contains("flowsim did not write")) }
        XCTAssertEqual(contents(path), ["notes.txt": "mine"])
        XCTAssertThrowsError(try ResultFolder("\(path)/notes.txt")) { XCTAssertTrue("\($0)".contains("is not a folder")) }
        XCTAssertThrowsError(try ResultFolder("/dev/full"))
    }

    func testLeftoversOfAKilledRunAreRemoved() throws {
        let path = "\(dir!)/out"
        try FileManager.default.createDirectory(atPath: "\(dir!)/.out.tmp-99999999", withIntermediateDirectories: true)
        try String(repeating: "x", count: 1000).write(toFile: "\(dir!)/.out.tmp-99999999/daily.csv", atomically: true, encoding: .utf8)
        let f = try ResultFolder(path)
        try f.commit([("a.csv", "1\n")], manifest: manifest())
        f.close()
        XCTAssertEqual(leftovers(), [])
    }

    func testManifestRoundTrips() {
        var m = Manifest(command: "sweep", scenario: "a \"b\".yaml", scenarioName: "b", scenarioHash: "fnv1a64:1", seed: UInt64.max,
                         replications: 6, parameters: ["units.x.places"], target: "m <= 5", options: ["o.yaml"], incomplete: true)
        m.files = ["sweep.csv"]
        XCTAssertEqual(Manifest.parse(Data(m.json().utf8)), m, "every 64-bit seed survives")
        XCTAssertNil(Manifest.parse(Data("{\"command\": \"run\"}".utf8)))
    }

    // MARK: Sweep files read back (1, 7)

    func sweepText() -> String {
        let points = [10.0, 12, 14].map { v in
            SweepPoint(values: [v], metrics: [MetricSummary(id: "a", values: [v, v + 1]), MetricSummary(id: "b", values: [.nan])])
        }
        return Writers.sweepCSV(Sweep(scenario: "s", parameters: ["units.w.places"], points: points, shown: []))
    }

    func read(_ text: String) throws(Writers.SweepFileError) -> [SweepPoint] {
        try Writers.readSweepCSV(Data(text.utf8), parameters: ["units.w.places"])
    }

    func lineError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Writers.SweepFileError? {
        do {
            _ = try read(text)
            XCTFail("expected an error", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testASweepFileReadsBack() throws {
        let points = try read(sweepText())
        XCTAssertEqual(points.map(\.values), [[10], [12], [14]])
        XCTAssertEqual(points[1].metric("a")?.mean, 12.5)
        XCTAssertTrue(points[1].metric("b")?.mean.isNaN ?? false, "an empty field is a missing value")
        XCTAssertEqual(Writers.sweepCSV(Sweep(scenario: "s", parameters: ["units.w.places"], points: points, shown: [])), sweepText())
    }

    func testBOMAndCRLFAreAccepted() throws {
        let crlf = "\u{FEFF}" + sweepText().replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(try read(crlf).map(\.values), [[10], [12], [14]])
    }

    func testDamagedRowsAreRejectedByLine() {
        var lines = sweepText().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Line numbers: 1 header, 2-3 point 10, 4-5 point 12, 6-7 point 14.
        var abc = lines
        abc[3] = abc[3].replacingOccurrences(of: "a,12.5", with: "a,abc")
        XCTAssertEqual(lineError(abc.joined(separator: "\n"))?.line, 4)
        XCTAssertTrue(lineError(abc.joined(separator: "\n"))?.message.contains("`abc` is not a number") ?? false)

        var duplicate = lines
        duplicate.insert(lines[3], at: 4)
        XCTAssertEqual(lineError(duplicate.joined(separator: "\n"))?.message.contains("appears twice (first on line 4)"), true)

        let cut = String(sweepText().dropLast(5))
        XCTAssertEqual(lineError(cut)?.message.contains("cut short"), true)

        var short = lines
        short.remove(at: 6)  // point 14 lost its last row: cut at a line end
        let e = lineError(short.joined(separator: "\n"))
        XCTAssertEqual(e?.line, 6)
        XCTAssertTrue(e?.message.contains("has 1 metrics where the first point has 2") ?? false, "\(String(describing: e))")

        var split = lines
        split.swapAt(2, 4)
        XCTAssertTrue(lineError(split.joined(separator: "\n"))?.message.contains("another point came between") ?? false)

        XCTAssertEqual(lineError("x,metric,mean,sd,lower,upper,n\n")?.line, 1)
        lines[5] = "12,a,1,2"
        XCTAssertTrue(lineError(lines.joined(separator: "\n"))?.message.contains("expected 7 fields") ?? false)
    }

    // MARK: Comparisons after an interrupt (2)

    func testAComparisonOnFewerPairsSaysSo() throws {
        func result(_ r: Int, _ v: Double) -> ReplicationResult { replicationResult(r, [("nctr_percent", v)]) }
        let base = (0..<10).map { result($0, 20 + Double($0 % 3)) }
        let option = (0..<4).map { result($0, 18 + Double($0 % 2)) }
        let c = Comparison(baseline: "b", option: "o", baselineResults: base, optionResults: option, planned: 10)
        XCTAssertEqual(c.replications, 4)
        XCTAssertTrue(c.incomplete)
        XCTAssertTrue(Writers.comparisonJSON([c]).contains("\"replications\": 4, \"planned\": 10, \"incomplete\": true"))
        let lines = Writers.comparisonCSV(c).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let pairs = try XCTUnwrap(lines[0].firstIndex(of: "pairs"))
        XCTAssertEqual(lines[1][pairs], "4", "the pairs column")
        XCTAssertFalse(Comparison(baseline: "b", option: "o", baselineResults: base, optionResults: base, planned: 10).incomplete)
    }

    func testSweepJSONParses() throws {
        let points = try read(sweepText())
        let json = Writers.sweepJSON(Sweep(scenario: "s", parameters: ["units.w.places"], points: points, shown: ["a"]))
        let o = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual((o["points"] as? [Any])?.count, 3)
    }
}

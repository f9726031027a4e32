import Foundation
@testable import PatientFlow
@testable import Reporting
import SimCore
import XCTest

/// Issue 15: the shard split covers every replication once, shard files read back bit for bit, and merges of
/// shards that do not belong together are refused with the file and field named.
final class ShardFileTests: XCTestCase {
    // MARK: The split

    func testEveryReplicationIsInExactlyOneShardInOrder() {
        for r in 0...60 {
            for n in 1...70 {
                var next = 0
                for k in 0..<n {
                    let b = Sharding.block(shard: k, of: n, replications: r)
                    XCTAssertEqual(b.lowerBound, next, "R \(r) N \(n) shard \(k) starts where the last ended")
                    XCTAssertLessThanOrEqual(b.count, r / n + 1, "balanced")
                    XCTAssertGreaterThanOrEqual(b.count, r / n, "balanced")
                    next = b.upperBound
                }
                XCTAssertEqual(next, r, "R \(r) N \(n): the shards end at the last replication")
            }
        }
        XCTAssertEqual(Sharding.block(shard: 99_999, of: 100_000, replications: 100_000), 99_999..<100_000)
    }

    func testParseAndArrayList() {
        XCTAssertEqual(Sharding.parse("3/8")?.shard, 3)
        for bad in ["8/8", "-1/4", "1/0", "1", "a/b", "1/2/3", "", "0/100001"] { XCTAssertNil(Sharding.parse(bad), bad) }
        XCTAssertEqual(Sharding.arrayList([7, 3, 4, 5, 9]), "3-5,7,9")
        XCTAssertEqual(Sharding.arrayList([0]), "0")
    }

    // MARK: Round trip

    static let awkward: [Double] = [0, -0.0, 0.1, 1.0 / 3, .pi, 1e-310, -5e-324, .greatestFiniteMagnitude, 1e16, 123456789.125,
                                    .infinity, -.infinity, .nan]

    func result(_ r: Int) -> ReplicationResult {
        var rng = SystemRandomNumberGenerator()
        let random = (0..<40).map { _ in Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) }
        var h = OccupancyHistogram(start: 0.25, level: 2)
        for (t, l) in [(1.0 / 3, 5), (2.7, 0), (10.1, 3)] {
            h.update(to: l, at: t)
            h.audit()
        }
        var daily = DailySeries(name: "acute \"occupied\"")
        for (d, v) in (Self.awkward + random).enumerated() { daily.record(v, day: d + 4) }
        return ReplicationResult(
            replication: r, metrics: (Self.awkward + random).enumerated().map { MetricValue("m\($0)", $1) }, daily: [daily],
            monthly: [MonthlyValue(month: "2026-01", metric: "ed_4h", value: 0.1 + 0.2)],
            occupancy: [(unit: "ward", histogram: h)], conservation: Conservation(created: 9, left: 7, present: 2),
            invariantViolations: ["capacity exceeded: ward"], events: 12345, entitySlots: 67,
            warnings: ["queue grew without bound at unit ward: 1,200 waiting"], stopped: "stopped: too many patients")
    }

    func bits(_ xs: [Double]) -> [UInt64] { xs.map(\.bitPattern) }

    func testReplicationRoundTripsBitForBit() throws {
        for r in [0, 7, 99_999] {
            let a = result(r)
            let b = try ShardFile.decode(ShardFile.encode(a))
            XCTAssertFalse(ShardFile.encode(a).contains("\n"))
            XCTAssertEqual(b.replication, a.replication)
            XCTAssertEqual(b.metrics.map(\.id), a.metrics.map(\.id))
            // NaN keeps being NaN (its payload is not kept: no output shows it); every other value keeps its bits.
            XCTAssertEqual(bits(b.metrics.map(\.value).filter { !$0.isNaN }), bits(a.metrics.map(\.value).filter { !$0.isNaN }))
            XCTAssertEqual(b.metrics.map(\.value.isNaN), a.metrics.map(\.value.isNaN))
            XCTAssertEqual(b.daily.map(\.name), a.daily.map(\.name))
            XCTAssertEqual(b.daily[0].values.map(\.isNaN), a.daily[0].values.map(\.isNaN))
            XCTAssertEqual(b.daily[0].firstDay, 4)
            XCTAssertEqual(bits(b.daily[0].values.filter { !$0.isNaN }), bits(a.daily[0].values.filter { !$0.isNaN }))
            XCTAssertEqual(b.monthly, a.monthly)
            XCTAssertEqual(b.occupancy[0].unit, "ward")
            XCTAssertEqual(b.occupancy[0].histogram, a.occupancy[0].histogram)
            XCTAssertEqual(b.conservation, a.conservation)
            XCTAssertEqual(b.invariantViolations, a.invariantViolations)
            XCTAssertEqual([b.events, b.entitySlots], [a.events, a.entitySlots])
            XCTAssertEqual(b.warnings, a.warnings)
            XCTAssertEqual(b.stopped, a.stopped)
            XCTAssertEqual(ShardFile.encode(b), ShardFile.encode(a), "encoding is stable")
        }
    }

    /// Rows streamed into files as replications are added (what `flowsim run` writes, so its memory does not grow
    /// with replications) are byte for byte the rows kept in memory, headers included, daily rows too.
    func testRowsStreamedToFilesAreTheRowsKeptInMemory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rows-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let kept = StreamingSummaries(keepDailyValues: true)
        let streamed = StreamingSummaries(keepDailyValues: true, replicationsFile: try StagedFile("\(dir)/r.csv"),
                                          dailyFile: try StagedFile("\(dir)/d.csv"))
        for r in (0..<5).map(result) {
            kept.add(r)
            streamed.add(r)
        }
        try streamed.finishFiles()
        XCTAssertEqual(try String(contentsOfFile: "\(dir)/r.csv", encoding: .utf8), kept.replicationsCSV)
        XCTAssertEqual(try String(contentsOfFile: "\(dir)/d.csv", encoding: .utf8), kept.dailyValuesCSV)
        XCTAssertGreaterThan(kept.replicationsCSV.split(separator: "\n").count, 5, "rows for every replication")
        XCTAssertEqual(streamed.replicationsCSV, "", "rows that went to the file are not kept")
        XCTAssertEqual(Writers.dailyCSV(streamed.daily), Writers.dailyCSV(kept.daily))
    }

    func testSummariesOfReadBackReplicationsAreTheSame() throws {
        let results = (0..<6).map(result)
        let direct = StreamingSummaries(keepDailyValues: true), replayed = StreamingSummaries(keepDailyValues: true)
        for r in results {
            direct.add(r)
            replayed.add(try ShardFile.decode(ShardFile.encode(r)))
        }
        XCTAssertEqual(replayed.replicationsCSV, direct.replicationsCSV)
        XCTAssertEqual(replayed.dailyValuesCSV, direct.dailyValuesCSV)
        XCTAssertEqual(Writers.dailyCSV(replayed.daily), Writers.dailyCSV(direct.daily))
        XCTAssertEqual(Writers.occupancyCSV(replayed.occupancy), Writers.occupancyCSV(direct.occupancy))
        XCTAssertEqual(Writers.monthlyCSV(replayed.monthly), Writers.monthlyCSV(direct.monthly))
    }

    // MARK: Files and merges

    func header(_ k: Int, of n: Int, seed: UInt64 = 5, replications: Int = 10, flowsim: String = "0.13.0 (abc)") -> ShardHeader {
        ShardHeader(flowsim: flowsim, command: "run", scenario: "s.yaml", scenarioHash: "fnv1a64:1", seed: seed,
                    replications: replications, arguments: ["s.yaml", "--format", "table"], shard: k, shards: n)
    }

    func write(_ h: ShardHeader, to path: String, drop: Int = 0) throws {
        var text = ShardFile.headerLine(h) + "\n"
        for r in h.first..<h.end { text += ShardFile.encode(result(r)) + "\n" }
        text += ShardFile.trailerLine(count: h.end - h.first) + "\n"
        try String(text.dropLast(drop)).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testFileReadsBackAndIncompleteFilesAreRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-shard-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = header(2, of: 3), path = "\(dir)/a"
        try write(h, to: path)
        let (back, results) = try ShardFile.read(path)
        XCTAssertEqual(back, h)
        XCTAssertEqual(results.map(\.replication), Array(6..<10))
        XCTAssertTrue(ShardFile.isComplete(path, header: h))
        XCTAssertFalse(ShardFile.isComplete(path, header: header(2, of: 3, seed: 6)))
        try write(h, to: path, drop: 20)
        XCTAssertThrowsError(try ShardFile.read(path)) { XCTAssertTrue("\($0)".contains("incomplete"), "\($0)") }
        XCTAssertFalse(ShardFile.isComplete(path, header: h))
        let empty = header(5, of: 12, replications: 5)
        XCTAssertEqual(empty.first..<empty.end, 2..<2)
        try write(empty, to: path)
        XCTAssertEqual(try ShardFile.read(path).results.count, 0)
        try "name: not a shard\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ShardFile.read(path)) { XCTAssertTrue("\($0)".contains("not a flowsim shard file"), "\($0)") }
    }

    func testCompareShardHoldsEachScenariosBlockInTurn() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-shard-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var h = header(1, of: 3)
        h.results = 2
        XCTAssertEqual(h.first..<h.end, 3..<6)
        func write(order: [(scenario: Int, replication: Int)]) throws {
            let body = order.map { ShardFile.encode(result($0.replication), scenario: $0.scenario) + "\n" }.joined()
            try (ShardFile.headerLine(h) + "\n" + body + ShardFile.trailerLine(count: order.count) + "\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write(order: [0, 1].flatMap { s in (3..<6).map { (s, $0) } })
        XCTAssertEqual(try ShardFile.read(path).results.map(\.replication), [3, 4, 5, 3, 4, 5])
        XCTAssertEqual(try ShardFile.decodeLine(ShardFile.encode(result(4), scenario: 1)).scenario, 1)
        XCTAssertFalse(ShardFile.encode(result(4)).contains("\"s\""), "run's lines name no scenario")
        try write(order: (3..<6).flatMap { r in [0, 1].map { ($0, r) } })  // interleaved: refused
        XCTAssertThrowsError(try ShardFile.read(path)) { XCTAssertTrue("\($0)".contains("of scenario 0 was expected"), "\($0)") }
    }

    func testSweepShardsAreBlocksOfPointsTimesReplications() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-shard-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 3 points x 5 replications in 7 shards: shard 3 holds units 6..<8, replications 1 and 2 of point 1.
        let h = ShardHeader(flowsim: "v", command: "sweep", scenario: "s.yaml", scenarioHash: "h", seed: 1, replications: 5,
                            arguments: [], points: 3, shard: 3, shards: 7)
        XCTAssertEqual([h.first, h.end, h.units], [6, 8, 15])
        let body = [1, 2].map { ShardFile.encode(result($0), scenario: 1) + "\n" }.joined()
        try (ShardFile.headerLine(h) + "\n" + body + ShardFile.trailerLine(count: 2) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ShardFile.readEntries(path).entries.map { [$0.scenario, $0.result.replication] }, [[1, 1], [1, 2]])
        let all = (0..<7).map { k in
            (path: "\(k)", header: ShardHeader(flowsim: "v", command: "sweep", scenario: "s.yaml", scenarioHash: "h", seed: 1,
                                              replications: 5, arguments: [], points: 3, shard: k, shards: 7))
        }
        XCTAssertEqual(try ShardFile.plan(all).map(\.header.end).last, 15)
    }

    /// uncertainty (decision 196): units are (sample x scenario) x replication, and a shard takes whole samples.
    func testUncertaintyShardsHoldWholeSamples() throws {
        for samples in 1...12 {
            for n in 1...15 {
                let scenarios = 2, r = 3
                var next = 0
                for k in 0..<n {
                    let h = ShardHeader(flowsim: "v", command: "uncertainty", scenario: "s.yaml", scenarioHash: "h", seed: 1,
                                        replications: r, arguments: [], points: samples * scenarios, group: scenarios * r, shard: k, shards: n)
                    XCTAssertEqual(h.first, next, "samples \(samples) N \(n) shard \(k)")
                    XCTAssertEqual(h.first % (scenarios * r), 0, "whole samples")
                    XCTAssertEqual((h.end - h.first) / (scenarios * r), Sharding.block(shard: k, of: n, replications: samples).count)
                    // Each point's replications in the block: all of them or none.
                    for p in 0..<(samples * scenarios) { XCTAssertTrue([0, r].contains(h.replications(ofPoint: p).count)) }
                    next = h.end
                }
                XCTAssertEqual(next, samples * scenarios * r)
            }
        }
        let run = header(0, of: 2)
        XCTAssertFalse(ShardFile.headerLine(run).contains("group") || ShardFile.headerLine(run).contains("round"),
                       "run, compare and sweep headers are as before")
    }

    /// size rounds (decision 197): a selection round holds replications from its first on; rounds of one search
    /// differ only in the round's fields.
    func testASizeRoundHoldsReplicationsFromItsFirst() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("flowsim-shard-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let round = ShardHeader.Round(number: 3, points: [[1, 4], [2, 3]], firstReplication: 10)
        let h = ShardHeader(flowsim: "v", command: "size", scenario: "s.yaml", scenarioHash: "h", seed: 1, replications: 3,
                            arguments: ["s.yaml"], points: 2, round: round, shard: 1, shards: 2)
        XCTAssertEqual([h.first, h.end], [3, 6])
        XCTAssertEqual(h.replications(ofPoint: 0), 13..<13)
        XCTAssertEqual(h.replications(ofPoint: 1), 10..<13)
        func write(_ replications: [Int]) throws {
            let body = replications.map { ShardFile.encode(result($0), scenario: 1) + "\n" }.joined()
            try (ShardFile.headerLine(h) + "\n" + body + ShardFile.trailerLine(count: 3) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write([10, 11, 12])
        XCTAssertEqual(try ShardFile.readEntries(path).entries.map(\.result.replication), [10, 11, 12])
        XCTAssertEqual(try ShardFile.readHeader(path), h, "the round reads back")
        try write([0, 1, 2])
        XCTAssertThrowsError(try ShardFile.read(path)) { XCTAssertTrue("\($0)".contains("replication 10 of scenario 1 was expected"), "\($0)") }
        var other = h
        other.round?.number = 4
        other.replications = 8
        XCTAssertEqual(other.difference(from: h)?.name, "replications")
        XCTAssertNil(other.difference(from: h, ignoring: ["replications", "points", "round", "number of shards"]))
        other.seed = "2"
        XCTAssertEqual(other.difference(from: h, ignoring: ["replications", "round"])?.name, "seed")
    }

    func testMergePlanRefusesMixesGapsAndOverlaps() throws {
        let all = (0..<4).map { (path: "d/shard-\($0)-of-4", header: header($0, of: 4)) }
        XCTAssertEqual(try ShardFile.plan(all.reversed()).map(\.header.shard), [0, 1, 2, 3])
        func refusal(_ files: [(path: String, header: ShardHeader)]) -> String {
            do { _ = try ShardFile.plan(files); return "accepted" } catch { return "\(error)" }
        }
        var mixed = all
        mixed[2].header = header(2, of: 4, seed: 6)
        XCTAssertTrue(refusal(mixed).hasPrefix("d/shard-2-of-4: its seed is 6 where d/shard-0-of-4 has 5"), refusal(mixed))
        mixed = all
        mixed[3].header = header(3, of: 4, flowsim: "0.12.0 (def)")
        XCTAssertTrue(refusal(mixed).contains("d/shard-3-of-4: its flowsim version is 0.12.0 (def)"), refusal(mixed))
        mixed = all
        mixed[1].header = header(1, of: 5)
        XCTAssertTrue(refusal(mixed).contains("its number of shards is 5"), refusal(mixed))
        mixed = all
        mixed[1].header = header(1, of: 4, replications: 12)
        XCTAssertTrue(refusal(mixed).contains("its replications is 12"), refusal(mixed))
        XCTAssertEqual(refusal([all[0], all[2]]), "missing shards 1, 3 of 4: resubmit with sbatch --array=1,3")
        XCTAssertTrue(refusal(all + [(path: "e/copy", header: all[1].header)]).contains("both shard 1 of 4 (overlap)"))
        var moved = all
        moved[1].header.end = 4
        XCTAssertTrue(refusal(moved).contains("should hold units"), refusal(moved))
    }
}

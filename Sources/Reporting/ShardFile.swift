import Foundation
import PatientFlow
import SimCore

/// How `--shard K/N` divides R replications: shard k runs the contiguous block
/// `k * R / N ..< (k + 1) * R / N` (integer division), so blocks differ in size by at most one, cover 0..<R in
/// order without gap or overlap, and shards past the replications (N > R) are empty (decision 190).
public enum Sharding {
    /// The replications shard `k` of `n` runs.
    /// - Complexity: O(1).
    public static func block(shard k: Int, of n: Int, replications r: Int) -> Range<Int> {
        precondition(n >= 1 && k >= 0 && k < n && r >= 0)
        return (k * r / n)..<((k + 1) * r / n)
    }

    /// Parses `K/N` (0 <= K < N, N at most 100000); nil with a reason otherwise.
    public static func parse(_ text: String) -> (shard: Int, shards: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 100_000, k >= 0, k < n else {
            return nil
        }
        return (k, n)
    }

    /// Shard numbers as `sbatch --array` takes them: `3,5-7`.
    public static func arrayList(_ shards: [Int]) -> String {
        var parts: [String] = [], i = 0
        let s = shards.sorted()
        while i < s.count {
            var j = i
            while j + 1 < s.count && s[j + 1] == s[j] + 1 { j += 1 }
            parts.append(j == i ? "\(s[i])" : "\(s[i])-\(s[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}

/// The first line of a shard file: everything that must agree for shards to be merged.
public struct ShardHeader: Codable, Equatable, Sendable {
    public static let formatName = "flowsim-shard"
    public static let formatVersion = 1
    public var format = ShardHeader.formatName
    public var version = ShardHeader.formatVersion
    /// `Version.full`: the release and the git commit of the build that ran the shard.
    public var flowsim: String
    /// The command whose results these are (`run`).
    public var command: String
    /// The scenario file as given, and the fingerprint of the scenario as it ran (after `--set`).
    public var scenario: String
    public var scenarioHash: String
    /// The seed as it ran (a string: JSON numbers above 2^53 are not exact everywhere).
    public var seed: String
    /// Replications in the whole run (not the shard).
    public var replications: Int
    /// The command's arguments that change what it writes, as the merge passes them back (no `--out`,
    /// `--jobs`, `--quiet` or `--shard`).
    public var arguments: [String]
    /// Results per unit of work: 1 for `run` and `sweep`; for `compare` the baseline's, then each option's, so
    /// the body holds the block for scenario 0, then the same block for scenario 1, and so on.
    public var results: Int
    /// `sweep`'s points, `uncertainty`'s samples x scenarios, a `size` round's points (1 otherwise). The units of
    /// work are (point, replication), numbered point * replications + replication, and shards are blocks of those
    /// numbers.
    public var points: Int
    /// Units that stay together in one shard, so a block is a whole number of them: `uncertainty`'s samples
    /// (each sample's scenarios x replications, decision 196). Absent (1) for the other commands.
    public var group: Int?
    /// A sharded `size` search's round (decision 197); absent for the other commands.
    public var round: Round?
    /// Units of work in the whole run: points x replications.
    public var units: Int { points * replications }
    /// This shard, of how many, and its block of replications `first..<end`.
    public var shard: Int
    public var shards: Int
    public var first: Int
    public var end: Int

    /// One round of a sharded multi-parameter `size`: the grid points it runs (indices into each parameter's
    /// ascending values) and, for each, `replications` replications from `firstReplication` on (0 while
    /// screening; the selection's next stages after it).
    public struct Round: Codable, Equatable, Sendable {
        public var number: Int
        public var points: [[Int]]
        public var firstReplication: Int
        public init(number: Int, points: [[Int]], firstReplication: Int) {
            self.number = number
            self.points = points
            self.firstReplication = firstReplication
        }
    }

    public init(flowsim: String, command: String, scenario: String, scenarioHash: String, seed: UInt64, replications: Int,
                arguments: [String], results: Int = 1, points: Int = 1, group: Int = 1, round: Round? = nil,
                shard: Int, shards: Int) {
        self.flowsim = flowsim
        self.command = command
        self.scenario = scenario
        self.scenarioHash = scenarioHash
        self.seed = "\(seed)"
        self.replications = replications
        self.arguments = arguments
        self.results = results
        self.points = points
        self.group = group == 1 ? nil : group
        self.round = round
        self.shard = shard
        self.shards = shards
        (first, end) = (0, 0)
        let block = expectedBlock  // computed from the fields above
        (first, end) = (block.lowerBound, block.upperBound)
    }

    /// The units shard `shard` of `shards` runs: `Sharding.block` of the groups (whole groups; units if there
    /// are none).
    public var expectedBlock: Range<Int> {
        let g = max(group ?? 1, 1)
        let b = Sharding.block(shard: shard, of: shards, replications: units / g)
        return (b.lowerBound * g)..<(b.upperBound * g)
    }

    /// The replications of point `p` in this shard's block, in the whole run's numbering (a `size` round's
    /// start added).
    public func replications(ofPoint p: Int) -> Range<Int> {
        func part(_ u: Int) -> Int { min(max(u - p * replications, 0), replications) }
        let start = round?.firstReplication ?? 0
        return (start + part(first))..<(start + part(end))
    }

    /// The fields shards of one run share, by name, for comparing and for messages.
    public var sharedFields: [(name: String, value: String)] {
        [("format", "\(format) \(version)"), ("flowsim version", flowsim), ("command", command), ("scenario", scenario),
         ("scenario fingerprint", scenarioHash), ("seed", seed), ("replications", "\(replications)"),
         ("options", arguments.joined(separator: " ")), ("results per replication", "\(results)"),
         ("points", "\(points)"), ("units kept together", "\(group ?? 1)"),
         ("round", round.map { "\($0.number) (\($0.points.count) points from replication \($0.firstReplication))" } ?? "-"),
         ("number of shards", "\(shards)")]
    }

    /// The first shared field in which `other` differs, or nil; fields named in `ignoring` are not compared
    /// (the rounds of one `size` search differ in their points, replications, round and shards).
    public func difference(from other: ShardHeader, ignoring: Set<String> = []) -> (name: String, mine: String, theirs: String)? {
        for (a, b) in zip(sharedFields, other.sharedFields) where a.value != b.value && !ignoring.contains(a.name) {
            return (a.name, a.value, b.value)
        }
        return nil
    }
}

/// A shard file (decision 191): a JSON header line, one JSON line per replication in replication order, and a
/// trailer line `{"end":COUNT}`. Every Double is written as Swift's shortest round-trip description (`nan`,
/// `inf` included), so reading it back gives the same bits; arrays of them are one space-separated string.
public enum ShardFile {
    public static let fileExtension = "flowsim-shard"

    public static func fileName(shard: Int, of shards: Int) -> String { "shard-\(shard)-of-\(shards).\(fileExtension)" }

    /// A shard file that cannot be used, with the file and what is wrong.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    struct Line: Codable {
        struct Daily: Codable { var name: String; var first: Int; var values: String }
        struct Occupancy: Codable {
            var unit: String; var time: String; var audits: [Int]; var level: Int; var start: String; var last: String
        }
        var r: Int
        /// The scenario (0 the baseline) for `compare`; absent for `run`.
        var s: Int?
        var ids: [String]
        var values: String
        var daily: [Daily]
        var months: [String]
        var monthMetrics: [String]
        var monthValues: String
        var occupancy: [Occupancy]
        var conservation: [Int]
        var violations: [String]
        var events: Int
        var slots: Int
        var warnings: [String]
        var stopped: String?
    }

    struct Trailer: Codable { var end: Int }

    static func text(_ xs: [Double]) -> String { xs.map { "\($0)" }.joined(separator: " ") }

    static func numbers(_ s: String) throws -> [Double] {
        guard !s.isEmpty else { return [] }
        return try s.split(separator: " ").map {
            guard let x = Double(String($0)) else { throw Problem("'\($0)' is not a number") }
            return x
        }
    }

    static func number(_ s: String) throws -> Double {
        guard let x = Double(s) else { throw Problem("'\(s)' is not a number") }
        return x
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain structs cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// One replication as one line (no newline); `scenario` for `compare`'s options (0, the baseline, is not written).
    public static func encode(_ r: ReplicationResult, scenario: Int = 0) -> String {
        json(Line(r: r.replication, s: scenario == 0 ? nil : scenario, ids: r.metrics.map(\.id), values: text(r.metrics.map(\.value)),
                  daily: r.daily.map { Line.Daily(name: $0.name, first: $0.firstDay, values: text($0.values)) },
                  months: r.monthly.map(\.month), monthMetrics: r.monthly.map(\.metric), monthValues: text(r.monthly.map(\.value)),
                  occupancy: r.occupancy.map {
                      Line.Occupancy(unit: $0.unit, time: text($0.histogram.timeAtLevel), audits: $0.histogram.auditsAtLevel,
                                     level: $0.histogram.level, start: "\($0.histogram.start)",
                                     last: "\($0.histogram.accumulatedUntil)")
                  },
                  conservation: [r.conservation.created, r.conservation.left, r.conservation.present],
                  violations: r.invariantViolations, events: r.events, slots: r.entitySlots, warnings: r.warnings,
                  stopped: r.stopped))
    }

    /// A replication read back from its line.
    public static func decode(_ text: String) throws -> ReplicationResult { try decodeLine(text).result }

    /// A replication and its scenario (0 when the line names none) read back from its line.
    public static func decodeLine(_ text: String) throws -> (scenario: Int, result: ReplicationResult) {
        let l: Line
        do { l = try JSONDecoder().decode(Line.self, from: Data(text.utf8)) } catch { throw Problem("not a replication's results") }
        let values = try numbers(l.values), monthValues = try numbers(l.monthValues)
        guard values.count == l.ids.count, monthValues.count == l.months.count, l.monthMetrics.count == l.months.count,
              l.conservation.count == 3 else { throw Problem("replication \(l.r): lists of different lengths") }
        let occupancy = try l.occupancy.map { o in
            (unit: o.unit, histogram: OccupancyHistogram(timeAtLevel: try numbers(o.time), auditsAtLevel: o.audits, level: o.level,
                                                         start: try number(o.start), last: try number(o.last)))
        }
        return (l.s ?? 0, ReplicationResult(
            replication: l.r, metrics: zip(l.ids, values).map { MetricValue($0, $1) },
            daily: try l.daily.map { DailySeries(name: $0.name, values: try numbers($0.values), firstDay: $0.first) },
            monthly: l.months.indices.map { MonthlyValue(month: l.months[$0], metric: l.monthMetrics[$0], value: monthValues[$0]) },
            occupancy: occupancy,
            conservation: Conservation(created: l.conservation[0], left: l.conservation[1], present: l.conservation[2]),
            invariantViolations: l.violations, events: l.events, entitySlots: l.slots, warnings: l.warnings, stopped: l.stopped))
    }

    public static func headerLine(_ h: ShardHeader) -> String { json(h) }

    public static func trailerLine(count: Int) -> String { json(Trailer(end: count)) }

    static func lines(_ path: String) throws -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem("\(path): cannot be read") }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }

    static func header(_ line: Substring, path: String) throws -> ShardHeader {
        guard let h = try? JSONDecoder().decode(ShardHeader.self, from: Data(line.utf8)), h.format == ShardHeader.formatName else {
            throw Problem("\(path): not a flowsim shard file (its first line is not a shard header)")
        }
        guard h.version == ShardHeader.formatVersion else {
            throw Problem("\(path): shard format version \(h.version); this flowsim reads version \(ShardHeader.formatVersion)")
        }
        return h
    }

    /// The header of the shard file at `path`.
    public static func readHeader(_ path: String) throws -> ShardHeader {
        guard let first = try lines(path).first else { throw Problem("\(path): empty") }
        return try header(first, path: path)
    }

    /// The header and every replication of a complete shard file, checked: its block, in order, then the trailer.
    public static func read(_ path: String) throws -> (header: ShardHeader, results: [ReplicationResult]) {
        let (h, entries) = try readEntries(path)
        return (h, entries.map(\.result))
    }

    /// As `read`, with each result's scenario (`compare`'s option, `sweep`'s point; 0 for `run`).
    public static func readEntries(_ path: String) throws -> (header: ShardHeader, entries: [(scenario: Int, result: ReplicationResult)]) {
        let ls = try lines(path)
        guard let first = ls.first else { throw Problem("\(path): empty") }
        let h = try header(first, path: path)
        let block = h.end - h.first, count = block * h.results
        // header, count replications, trailer, and the final newline's empty piece
        guard ls.count == count + 3, ls[count + 2].isEmpty,
              let trailer = try? JSONDecoder().decode(Trailer.self, from: Data(ls[count + 1].utf8)), trailer.end == count else {
            throw Problem("\(path): incomplete (it should hold \(count) results of replications \(h.first) to \(h.end - 1) and end with {\"end\":\(count)}); run shard \(h.shard)/\(h.shards) again")
        }
        var results: [(scenario: Int, result: ReplicationResult)] = []
        for (i, line) in ls[1..<(count + 1)].enumerated() {
            let (scenario, r): (Int, ReplicationResult)
            do { (scenario, r) = try decodeLine(String(line)) } catch let p as Problem { throw Problem("\(path):\(i + 2): \(p.description)") }
            let unit = h.first + i % block
            let expected = (scenario: h.results > 1 ? i / block : unit / h.replications,
                            replication: (h.round?.firstReplication ?? 0) + unit % h.replications)
            guard r.replication == expected.replication, scenario == expected.scenario else {
                throw Problem("\(path):\(i + 2): replication \(r.replication) of scenario \(scenario) where replication "
                              + "\(expected.replication) of scenario \(expected.scenario) was expected")
            }
            results.append((scenario, r))
        }
        return (h, results)
    }

    /// Whether the file at `path` is a complete shard with this header (a resubmitted shard is then skipped).
    public static func isComplete(_ path: String, header: ShardHeader) -> Bool {
        guard let (h, _) = try? read(path) else { return false }
        return h == header
    }

    /// The shard files of one run in `folder`, checked to agree and to cover every replication, in shard order.
    /// Throws a `Problem` naming the differing file and field, or listing the missing shards.
    public static func plan(_ files: [(path: String, header: ShardHeader)]) throws -> [(path: String, header: ShardHeader)] {
        guard let reference = files.first else { throw Problem("no shard files") }
        for f in files.dropFirst() {
            if let d = f.header.difference(from: reference.header) {
                throw Problem("\(f.path): its \(d.name) is \(d.mine) where \(reference.path) has \(d.theirs); "
                              + "shards of one run must come from the same build, scenario, seed and options")
            }
        }
        var byShard: [Int: (path: String, header: ShardHeader)] = [:]
        for f in files {
            let h = f.header
            let block = h.expectedBlock
            guard h.first..<h.end == block else {
                throw Problem("\(f.path): shard \(h.shard) of \(h.shards) should hold units \(block) but holds \(h.first)..<\(h.end)")
            }
            if let other = byShard[h.shard] {
                throw Problem("\(f.path) and \(other.path) are both shard \(h.shard) of \(h.shards) (overlap)")
            }
            byShard[h.shard] = f
        }
        let n = reference.header.shards
        let missing = (0..<n).filter { byShard[$0] == nil }
        guard missing.isEmpty else {
            throw Problem("missing shards \(missing.map(String.init).joined(separator: ", ")) of \(n): "
                          + "resubmit with sbatch --array=\(Sharding.arrayList(missing))")
        }
        return (0..<n).map { byShard[$0]! }
    }
}

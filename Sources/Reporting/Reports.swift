import Foundation
import PatientFlow
import SimCore
import Stochastics

/// A verdict on a paired difference (decision 132): better or worse when the difference is clear (its 95% CI
/// excludes 0, or with `--holm` its adjusted p-value is below 0.05) and at least the metric's minimum meaningful
/// difference; for a metric with no better direction the same test says higher or lower.
public enum Verdict: String, Sendable, Equatable, CaseIterable {
    case better, worse
    /// A clear, meaningful difference in a metric with no better direction (e.g. occupancy).
    case higher, lower
    /// A clear difference smaller than the minimum meaningful difference.
    case tooSmall = "too small to matter"
    case noClearDifference = "no clear difference"
    /// Every paired difference is exactly 0: the option did not touch this metric.
    case identical

    /// A clear difference the verdict reports (better, worse, higher, lower).
    public var isClear: Bool { self == .better || self == .worse || self == .higher || self == .lower }
}

/// Where a result came from: the build, the scenario as it ran, the settings and when (decision 130).
public struct Provenance: Sendable, Equatable {
    /// `flowsim --version`: the release and the git commit of the build.
    public var flowsimVersion: String
    /// The scenario file as given on the command line.
    public var scenarioPath: String
    /// The fingerprint of the merged scenario (after `extends` and `--set`): equal for equal scenarios.
    public var scenarioHash: String
    public var seed: UInt64
    public var replications: Int
    public var horizonDays: Double
    public var warmUpDays: Double
    public var startDate: CivilDate
    /// `--set` overrides, as given.
    public var overrides: [String]
    /// When the results were made (UTC, ISO 8601); `SOURCE_DATE_EPOCH` fixes it, for byte-identical files.
    public var created: String

    public init(flowsimVersion: String, scenarioPath: String, scenarioHash: String, seed: UInt64, replications: Int,
                horizonDays: Double, warmUpDays: Double, startDate: CivilDate, overrides: [String] = [],
                created: String = Provenance.now()) {
        self.flowsimVersion = flowsimVersion
        self.scenarioPath = scenarioPath
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.replications = replications
        self.horizonDays = horizonDays
        self.warmUpDays = warmUpDays
        self.startDate = startDate
        self.overrides = overrides
        self.created = created
    }

    /// The time now as `2026-12-01T16:53:26Z`, or the time `SOURCE_DATE_EPOCH` gives (the reproducible-builds
    /// convention: https://reproducible-builds.org/specs/source-date-epoch/), so two runs can be compared byte
    /// for byte.
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let seconds: Int
        if let fixed = environment["SOURCE_DATE_EPOCH"], let s = Int(fixed) {
            seconds = s
        } else {
            seconds = Int(Date().timeIntervalSince1970)
        }
        let days = Int((Double(seconds) / 86_400).rounded(.down)), rest = seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return "\(date)T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))Z"
    }

    /// As JSON, keys in a fixed order (the seed as a string, as in `manifest.json`).
    public func json(indent: String = "  ") -> String {
        let fields: [(String, String)] = [
            ("flowsim_version", Writers.json(flowsimVersion)), ("scenario_path", Writers.json(scenarioPath)),
            ("scenario_hash", Writers.json(scenarioHash)), ("seed", Writers.json(String(seed))),
            ("replications", "\(replications)"), ("horizon_days", Writers.num(horizonDays)),
            ("warm_up_days", Writers.num(warmUpDays)), ("start_date", Writers.json("\(startDate)")),
            ("overrides", "[" + overrides.map(Writers.json).joined(separator: ", ") + "]"),
            ("created", Writers.json(created)),
        ]
        return "{\n" + fields.map { "\(indent)  \(Writers.json($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n\(indent)}"
    }

    /// For a report or a terminal: one line per setting.
    public var lines: [(String, String)] {
        [("flowsim", flowsimVersion), ("scenario", scenarioPath), ("scenario hash", scenarioHash), ("seed", "\(seed)"),
         ("replications", "\(replications)"), ("horizon", "\(Writers.num(horizonDays)) days after a \(Writers.num(warmUpDays))-day warm-up"),
         ("start date", "\(startDate)")]
            + (overrides.isEmpty ? [] : [("overrides", overrides.joined(separator: " "))]) + [("created", created)]
    }
}

/// The results of `flowsim run`: every metric and daily series over the replications.
public struct RunReport: Sendable {
    /// The calendar date of day 0 of the daily series (`SystemSpec.firstObservedDate`), for dated charts.
    public var firstDate: CivilDate? = nil
    public var scenario: String
    public var replications: Int
    public var seed: UInt64
    public var metrics: [MetricSummary]
    public var daily: [DailySummary]
    /// Replications that did not finish (interrupted runs); 0 for a complete run.
    public var incomplete: Bool
    /// Where the results came from (nil for reports built in code without one).
    public var provenance: Provenance?
    public init(scenario: String, replications: Int, seed: UInt64, metrics: [MetricSummary], daily: [DailySummary],
                incomplete: Bool = false, provenance: Provenance? = nil) {
        self.scenario = scenario
        self.replications = replications
        self.seed = seed
        self.metrics = metrics
        self.daily = daily
        self.incomplete = incomplete
        self.provenance = provenance
    }

    public func metric(_ id: String) -> MetricSummary? { metrics.first { $0.id == id } }
}

/// One metric of a comparison: both sides, and the paired difference (option - baseline) under common random
/// numbers, with its 95% CI, the paired t-test's p-value and a verdict.
public struct ComparisonRow: Sendable {
    public var metric: String
    public var baseline: MetricSummary
    public var option: MetricSummary
    public var difference: MetricSummary
    public var direction: Direction
    /// The smallest difference worth acting on, in the metric's units (0: any clear difference counts).
    public var minimumDifference: Double
    /// Two-sided p-value of the paired t-test of no difference (NaN without an interval; 1 when identical);
    /// Holm-adjusted when the comparison was.
    public var pValue: Double
    public var identical: Bool
    public var verdict: Verdict
}

/// An option compared with a baseline.
public struct Comparison: Sendable {
    /// The option's daily series (`Summaries.daily` of its replications), drawn over the baseline's in a report.
    public var optionDaily: [DailySummary] = []
    public var baseline: String
    public var option: String
    public var replications: Int
    /// Paired replications asked for: more than `replications` when an interrupt stopped the run.
    public var planned: Int
    public var rows: [ComparisonRow]
    /// The p-values and verdicts are Holm-adjusted (`adjustForMultiplicity`).
    public private(set) var holmAdjusted = false

    /// Not every paired replication asked for finished: the verdicts rest on the `replications` that did.
    public var incomplete: Bool { replications < planned }

    public func row(_ metric: String) -> ComparisonRow? { rows.first { $0.metric == metric } }

    /// Pairs replication r of the option with replication r of the baseline (same streams: common random
    /// numbers), so the difference's CI is that of the paired differences.
    ///
    /// - Parameters:
    ///   - planned: the paired replications asked for (default: as many as paired).
    ///   - minimumDifferences: overrides of the catalogue's minimum meaningful differences, by metric id (a
    ///     family's pattern, e.g. `vw_full_percent.<ward>`, covers its members).
    public init(baseline: String, option: String, baselineResults: [ReplicationResult], optionResults: [ReplicationResult],
                planned: Int? = nil, minimumDifferences: [String: MinimumDifference] = [:]) {
        self.baseline = baseline
        self.option = option
        // Pair by replication index: after an interrupt the finished sets need not be the same prefix.
        let optionByReplication = Dictionary(optionResults.map { ($0.replication, $0) }, uniquingKeysWith: { a, _ in a })
        let pairs = baselineResults.compactMap { b in optionByReplication[b.replication].map { (b, $0) } }
        self.replications = pairs.count
        self.planned = max(planned ?? pairs.count, pairs.count)
        let ids = baselineResults.first?.metrics.map(\.id) ?? []
        // Each replication's metrics by id, once (looking each id up in each list was quadratic).
        func table(_ r: ReplicationResult) -> [String: Double] {
            Dictionary(r.metrics.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a })
        }
        let tables = pairs.map { (table($0.0), table($0.1)) }
        let optionIDs = Set(optionResults.first?.metrics.map(\.id) ?? [])
        rows = ids.compactMap { id in
            guard optionIDs.contains(id) else { return nil }
            let b = tables.map { $0.0[id] ?? .nan }, o = tables.map { $0.1[id] ?? .nan }
            let baseline = MetricSummary.level(id: id, values: b)
            let info = MetricCatalog.info(for: id)
            let rule = minimumDifferences[id] ?? info.flatMap { minimumDifferences[$0.id] } ?? info?.minimumDifference
            return Self.row(id, baseline: baseline, option: MetricSummary.level(id: id, values: o),
                            differences: zip(o, b).map { $0 - $1 },
                            identical: !pairs.isEmpty && zip(o, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                            minimumDifference: rule?.value(baselineMean: baseline.mean) ?? 0)
        }
    }

    /// A row from paired differences.
    static func row(_ id: String, baseline: MetricSummary, option: MetricSummary, differences: [Double], identical: Bool,
                    minimumDifference: Double) -> ComparisonRow {
        let diff = MetricSummary(id: id, values: differences)
        let direction = MetricCatalog.direction(of: id)
        let p = identical ? 1 : pairedPValue(diff)
        return ComparisonRow(metric: id, baseline: baseline, option: option, difference: diff, direction: direction,
                             minimumDifference: minimumDifference, pValue: p, identical: identical,
                             verdict: verdict(diff, direction, minimumDifference: minimumDifference, identical: identical))
    }

    /// Two-sided p-value of the paired t-test that the mean difference is 0: 2 P(T_{n-1} > |t|), t = mean / (sd / sqrt n).
    static func pairedPValue(_ d: MetricSummary) -> Double {
        guard d.count > 1, !d.standardDeviation.isNaN else { return .nan }
        guard d.standardDeviation > 0 else { return d.mean == 0 ? 1 : 0 }
        let t = d.mean / (d.standardDeviation / Double(d.count).squareRoot())
        return min(1, 2 * SpecialFunctions.studentTUpperTail(abs(t), dof: Double(d.count - 1)))
    }

    /// The verdict on a difference: identical, no clear difference (the CI spans 0, or with `significant` given,
    /// it is false), too small to matter (clear but smaller than `minimumDifference`), else better/worse in the
    /// metric's direction, or higher/lower for a metric without one.
    static func verdict(_ d: MetricSummary, _ direction: Direction, minimumDifference: Double = 0, identical: Bool = false,
                        significant: Bool? = nil) -> Verdict {
        if identical { return .identical }
        guard !d.lower.isNaN else { return .noClearDifference }
        guard significant ?? (d.lower > 0 || d.upper < 0) else { return .noClearDifference }
        if abs(d.mean) < minimumDifference { return .tooSmall }
        let up = d.mean > 0
        switch direction {
        case .neither: return up ? .higher : .lower
        case .higherIsBetter: return up ? .better : .worse
        case .lowerIsBetter: return up ? .worse : .better
        }
    }

    /// The number of tests the comparisons make: rows with an interval that are not identical.
    public static func testCount(_ cs: [Comparison]) -> Int {
        cs.reduce(0) { n, c in n + c.rows.filter { !$0.identical && !$0.pValue.isNaN }.count }
    }

    /// Holm's step-down adjustment (Holm 1979, "A simple sequentially rejective multiple test procedure", Scand J
    /// Statist 6:65-70) over every test of every comparison together, so the chance of any false "clear
    /// difference" among them is at most `alpha`: the k-th smallest of m p-values is multiplied by m - k + 1
    /// (kept monotone and at most 1), and the verdicts are made again from the adjusted p-values. The CIs stay
    /// unadjusted 95% intervals.
    public static func adjustForMultiplicity(_ cs: inout [Comparison], alpha: Double = 0.05) {
        var tests: [(c: Int, r: Int, p: Double)] = []
        for (i, c) in cs.enumerated() {
            for (j, row) in c.rows.enumerated() where !row.identical && !row.pValue.isNaN { tests.append((i, j, row.pValue)) }
        }
        // Ties keep their order (a stable sort), so the result does not depend on how the sort breaks them.
        let order = tests.indices.sorted { (tests[$0].p, $0) < (tests[$1].p, $1) }
        var running = 0.0
        for (k, t) in order.enumerated() {
            running = max(running, min(1, Double(order.count - k) * tests[t].p))
            let (i, j) = (tests[t].c, tests[t].r)
            var row = cs[i].rows[j]
            row.pValue = running
            row.verdict = verdict(row.difference, row.direction, minimumDifference: row.minimumDifference,
                                  significant: running < alpha)
            cs[i].rows[j] = row
        }
        for i in cs.indices { cs[i].holmAdjusted = true }
    }
}

/// Options x metrics: each option's difference from the baseline in a few metrics (by default the headline
/// ones), with CI and verdict: what a steering group reads first.
public struct Scorecard: Sendable {
    public var baseline: String
    public var metrics: [String]
    public var comparisons: [Comparison]

    /// The metrics every comparison has, in the order asked for.
    public init(_ comparisons: [Comparison], metrics: [String]) {
        baseline = comparisons.first?.baseline ?? ""
        self.comparisons = comparisons
        self.metrics = metrics.filter { id in comparisons.allSatisfy { $0.row(id) != nil } }
    }
}

/// One point of a sweep: the parameter values and the metrics there.
public struct SweepPoint: Sendable {
    public var values: [Double]
    public var metrics: [MetricSummary]
    public init(values: [Double], metrics: [MetricSummary]) {
        self.values = values
        self.metrics = metrics
    }
    public func metric(_ id: String) -> MetricSummary? { metrics.first { $0.id == id } }
}

/// A sweep over one or two parameters (and, for `size`, the target line).
public struct Sweep: Sendable {
    public var scenario: String
    public var parameters: [String]
    public var points: [SweepPoint]
    /// Metrics to draw (curves); all are kept in `points`.
    public var shown: [String]
    public var target: Target?
    /// `size`'s answer, stated in the report's banner and marked on its chart.
    public var answer: SizeAnswer? = nil
    public init(scenario: String, parameters: [String], points: [SweepPoint], shown: [String], target: Target? = nil) {
        self.scenario = scenario
        self.parameters = parameters
        self.points = points
        self.shown = shown
        self.target = target
    }
}

/// What `size` found: the smallest value of the parameter meeting the target with 95% confidence, or none in
/// the range searched.
public enum SizeAnswer: Sendable, Equatable {
    case smallest(Double)
    case none(low: Double, high: Double)
}

/// A target such as `vw_full_percent.frailty_hub <= 5`.
public struct Target: Sendable, Equatable, CustomStringConvertible {
    public enum Comparison: String, Sendable { case atMost = "<=", atLeast = ">=" }
    public var metric: String
    public var comparison: Comparison
    public var value: Double
    public init(metric: String, comparison: Comparison, value: Double) {
        self.metric = metric
        self.comparison = comparison
        self.value = value
    }

    /// Met with 95% confidence: the whole CI is on the right side of the value.
    public func isMet(by s: MetricSummary) -> Bool {
        guard !s.upper.isNaN else { return false }
        return comparison == .atMost ? s.upper <= value : s.lower >= value
    }

    public var description: String { "\(metric) \(comparison.rawValue) \(value)" }

    /// Parses `METRIC <= X` or `METRIC >= X`.
    public init?(parsing text: String) {
        for op in [Comparison.atMost, .atLeast] {
            let parts = text.components(separatedBy: op.rawValue)
            if parts.count == 2, let v = Double(parts[1].trimmingCharacters(in: .whitespaces)) {
                let m = parts[0].trimmingCharacters(in: .whitespaces)
                guard !m.isEmpty, v.isFinite else { return nil }
                self.init(metric: m, comparison: op, value: v)
                return
            }
        }
        return nil
    }
}

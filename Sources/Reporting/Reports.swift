import Foundation
import PatientFlow
import SimCore
import Stochastics

/// A verdict on a paired difference: better or worse when the 95% CI excludes 0 in that direction.
public enum Verdict: String, Sendable, Equatable {
    case better, worse
    case noClearDifference = "no clear difference"
    /// The metric has no good direction (e.g. occupancy): the difference is reported, not judged.
    case notJudged = "-"
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
    public init(scenario: String, replications: Int, seed: UInt64, metrics: [MetricSummary], daily: [DailySummary],
                incomplete: Bool = false) {
        self.scenario = scenario
        self.replications = replications
        self.seed = seed
        self.metrics = metrics
        self.daily = daily
        self.incomplete = incomplete
    }

    public func metric(_ id: String) -> MetricSummary? { metrics.first { $0.id == id } }
}

/// One metric of a comparison: both sides, and the paired difference (option - baseline) under common random
/// numbers, with its 95% CI and a verdict.
public struct ComparisonRow: Sendable {
    public var metric: String
    public var baseline: MetricSummary
    public var option: MetricSummary
    public var difference: MetricSummary
    public var direction: Direction
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

    /// Not every paired replication asked for finished: the verdicts rest on the `replications` that did.
    public var incomplete: Bool { replications < planned }

    /// Pairs replication r of the option with replication r of the baseline (same streams: common random
    /// numbers), so the difference's CI is that of the paired differences.
    ///
    /// - Parameter planned: the paired replications asked for (default: as many as paired).
    public init(baseline: String, option: String, baselineResults: [ReplicationResult], optionResults: [ReplicationResult],
                planned: Int? = nil) {
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
            let d = zip(o, b).map { $0 - $1 }
            let diff = MetricSummary(id: id, values: d)
            let direction = MetricCatalog.direction(of: id)
            return ComparisonRow(metric: id, baseline: MetricSummary(id: id, values: b),
                                 option: MetricSummary(id: id, values: o), difference: diff, direction: direction,
                                 verdict: Self.verdict(diff, direction))
        }
    }

    static func verdict(_ d: MetricSummary, _ direction: Direction) -> Verdict {
        guard direction != .neither else { return .notJudged }
        guard !d.lower.isNaN else { return .noClearDifference }
        let up = d.lower > 0, down = d.upper < 0
        if !up && !down { return .noClearDifference }
        return (up == (direction == .higherIsBetter)) ? .better : .worse
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

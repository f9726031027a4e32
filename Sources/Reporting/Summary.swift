import PatientFlow
import SimCore
import Stochastics

/// A metric over replications: mean and a 95% confidence interval (Student t).
public struct MetricSummary: Sendable, Equatable {
    public var id: String
    public var mean: Double
    public var standardDeviation: Double
    /// Replications with a value (NaN values, e.g. a percentage of nothing, are left out).
    public var count: Int
    public var lower: Double
    public var upper: Double

    /// Summarises `values`: mean, sample sd and the t-interval mean ± t(0.975, n-1) sd/sqrt(n).
    public init(id: String, values: [Double], confidence: Double = 0.95) {
        self.id = id
        let xs = values.filter { !$0.isNaN }
        count = xs.count
        guard !xs.isEmpty else {
            mean = .nan; standardDeviation = .nan; lower = .nan; upper = .nan
            return
        }
        let m = xs.reduce(0, +) / Double(xs.count)
        mean = m
        guard xs.count > 1 else {
            standardDeviation = .nan; lower = .nan; upper = .nan
            return
        }
        let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
        standardDeviation = v.squareRoot()
        let t = SpecialFunctions.studentTQuantile(1 - (1 - confidence) / 2, dof: Double(xs.count - 1))
        let h = t * standardDeviation / Double(xs.count).squareRoot()
        lower = m - h
        upper = m + h
    }

    public var halfWidth: Double { (upper - lower) / 2 }

    /// A summary read back from a file (`--resume`).
    public init(id: String, mean: Double, standardDeviation: Double, count: Int, lower: Double, upper: Double) {
        self.id = id
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.count = count
        self.lower = lower
        self.upper = upper
    }
}

/// A daily series over replications: mean and 95% CI per day.
public struct DailySummary: Sendable {
    public var series: String
    public var days: [MetricSummary]
}

/// One metric in one calendar month over replications (`monthly.csv`).
public struct MonthlySummary: Sendable {
    public var month: String
    public var metric: String
    public var summary: MetricSummary
}

public enum Summaries {
    /// Every metric of `results`, in the order of the first replication.
    public static func metrics(_ results: [ReplicationResult]) -> [MetricSummary] {
        guard let first = results.first else { return [] }
        return first.metrics.enumerated().map { i, m in
            MetricSummary(id: m.id, values: results.map { r in
                i < r.metrics.count && r.metrics[i].id == m.id ? r.metrics[i].value : (r.metric(m.id) ?? .nan)
            })
        }
    }

    /// Every daily series of `results`, day by day.
    public static func daily(_ results: [ReplicationResult]) -> [DailySummary] {
        guard let first = results.first else { return [] }
        return first.daily.indices.map { s in
            let days = results.map { $0.daily[s].values.count }.min() ?? 0
            return DailySummary(series: first.daily[s].name, days: (0..<days).map { d in
                MetricSummary(id: "\(d)", values: results.map { $0.daily[s].values[d] })
            })
        }
    }
}

/// Summaries built one replication at a time, in replication order, without keeping the replications: each
/// metric's values (a few bytes per replication, for the CI and `replications.csv`) and each day of each daily
/// series as running sums (Welford), so memory does not grow with days x replications.
public final class StreamingSummaries: @unchecked Sendable {
    private var ids: [String] = []
    private var values: [[Double]] = []
    private var seriesNames: [String] = []
    private var days: [[Welford]] = []
    /// Monthly values per (month, metric), in the first replication's order.
    private var monthKeys: [(month: String, metric: String)] = []
    private var monthValues: [[Double]] = []
    /// Per unit (place): its occupancy distribution and capacity curves, as running sums (`occupancy`).
    private var occupancyUnits: [String] = []
    private var occupancyCurves: [[ShareVector]] = []
    public private(set) var count = 0

    public init() {}

    struct Welford {
        var n = 0, mean = 0.0, m2 = 0.0
        mutating func add(_ x: Double) {
            guard !x.isNaN else { return }
            n += 1
            let d = x - mean
            mean += d / Double(n)
            m2 += d * (x - mean)
        }

        /// Mean, sd and 95% t-interval of the values added.
        func summary(id: String) -> MetricSummary {
            let sd = n > 1 ? (m2 / Double(n - 1)).squareRoot() : .nan
            let h = n > 1 ? SpecialFunctions.studentTQuantile(0.975, dof: Double(n - 1)) * sd / Double(n).squareRoot() : .nan
            return MetricSummary(id: id, mean: n > 0 ? mean : .nan, standardDeviation: sd, count: n,
                                 lower: mean - h, upper: mean + h)
        }
    }

    /// Adds one replication's results (call in replication order).
    public func add(_ r: ReplicationResult) {
        if count == 0 {
            ids = r.metrics.map(\.id)
            values = Array(repeating: [], count: ids.count)
            seriesNames = r.daily.map(\.name)
            days = Array(repeating: [], count: seriesNames.count)
            monthKeys = r.monthly.map { ($0.month, $0.metric) }
            monthValues = Array(repeating: [], count: monthKeys.count)
            occupancyUnits = r.occupancy.map(\.unit)
            occupancyCurves = Array(repeating: Array(repeating: ShareVector(), count: 4), count: occupancyUnits.count)
        }
        for (u, o) in r.occupancy.enumerated() where u < occupancyCurves.count {
            let time = o.histogram.timeAtLevel, total = time.reduce(0, +)
            let p = total > 0 ? time.map { $0 / total } : time
            let audits = o.histogram.auditsAtLevel, seen = Double(audits.reduce(0, +))
            occupancyCurves[u][0].add(p, replicationsBefore: count)
            occupancyCurves[u][1].add(seen > 0 ? audits.map { Double($0) / seen } : [], replicationsBefore: count)
            occupancyCurves[u][2].add(CapacityPlanning.delayCurve(p), replicationsBefore: count)
            occupancyCurves[u][3].add(CapacityPlanning.tailCurve(p), replicationsBefore: count)
        }
        for (i, m) in r.monthly.enumerated() where i < monthValues.count { monthValues[i].append(m.value) }
        // Replications of one spec list their metrics in the same order: match by position, and look up by id
        // only where they differ (looking every id up was quadratic in the number of metrics).
        for (i, id) in ids.enumerated() {
            values[i].append(i < r.metrics.count && r.metrics[i].id == id ? r.metrics[i].value : (r.metric(id) ?? .nan))
        }
        for (s, series) in r.daily.enumerated() where s < days.count {
            if days[s].count < series.values.count {
                days[s] += Array(repeating: Welford(), count: series.values.count - days[s].count)
            }
            for (d, v) in series.values.enumerated() { days[s][d].add(v) }
        }
        count += 1
    }

    /// Every monthly metric over the replications added.
    public var monthly: [MonthlySummary] {
        zip(monthKeys, monthValues).map { key, values in
            MonthlySummary(month: key.month, metric: key.metric, summary: MetricSummary(id: key.metric, values: values))
        }
    }

    /// The value of every metric for every replication added, in order.
    public var metricValues: [(id: String, values: [Double])] { Array(zip(ids, values)) }

    public var metrics: [MetricSummary] { zip(ids, values).map { MetricSummary(id: $0, values: $1) } }

    public var daily: [DailySummary] {
        zip(seriesNames, days).map { name, ds in
            DailySummary(series: name, days: ds.enumerated().map { d, w in w.summary(id: "\(d)") })
        }
    }

    /// Every unit's occupancy distribution and capacity table over the replications added.
    public var occupancy: [OccupancySummary] {
        zip(occupancyUnits, occupancyCurves).map { unit, c in
            OccupancySummary(unit: unit, timeShare: c[0].summaries, auditShare: c[1].summaries, delay: c[2].summaries,
                             atOrAbove: c[3].summaries)
        }
    }

    /// `replications.csv` from the values kept.
    public var replicationsCSV: String {
        var s = "replication,metric,value\n"
        for r in 0..<count {
            for (i, id) in ids.enumerated() { s += "\(r),\(Writers.csv(id)),\(Writers.cnum(values[i][r]))\n" }
        }
        return s
    }
}

import PatientFlow
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
}

/// A daily series over replications: mean and 95% CI per day.
public struct DailySummary: Sendable {
    public var series: String
    public var days: [MetricSummary]
}

public enum Summaries {
    /// Every metric of `results`, in the order of the first replication.
    public static func metrics(_ results: [ReplicationResult]) -> [MetricSummary] {
        guard let first = results.first else { return [] }
        return first.metrics.map { m in
            MetricSummary(id: m.id, values: results.map { $0.metric(m.id) ?? .nan })
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

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

    /// The interval cut to the values the quantity can take (a percentage's CI never below 0 or above 100; a
    /// count's never below 0). The mean and sd are unchanged. Differences are never clipped.
    public func clipped(to range: ClosedRange<Double>) -> MetricSummary {
        var s = self
        if !lower.isNaN { s.lower = min(max(lower, range.lowerBound), range.upperBound) }
        if !upper.isNaN { s.upper = min(max(upper, range.lowerBound), range.upperBound) }
        return s
    }

    /// The summary of a metric's level (not a difference), its interval clipped to the metric's range in the
    /// catalogue (decision 131).
    public static func level(id: String, values: [Double]) -> MetricSummary {
        MetricSummary(id: id, values: values).clipped(to: MetricCatalog.range(of: id))
    }

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

/// A daily series over replications: mean and 95% CI per day, and the spread across replications.
public struct DailySummary: Sendable {
    public var series: String
    public var days: [MetricSummary]
    /// The 10th, 50th and 90th percentiles across replications, day by day (empty when not computed).
    public var percentiles: [Percentiles] = []
    /// The calendar date of `days[0]` (the first day after warm-up), when known.
    public var firstDate: CivilDate? = nil

    public init(series: String, days: [MetricSummary], percentiles: [Percentiles] = [], firstDate: CivilDate? = nil) {
        self.series = series
        self.days = days
        self.percentiles = percentiles
        self.firstDate = firstDate
    }

    /// The date of day `d` of the series, when the first is known.
    public func date(ofDay d: Int) -> CivilDate? { firstDate.map { CivilDate(daysSinceEpoch: $0.daysSinceEpoch + d) } }
}

/// Percentiles of one day's values across replications.
public struct Percentiles: Sendable, Equatable {
    public var p10: Double, p50: Double, p90: Double
    public init(p10: Double, p50: Double, p90: Double) {
        self.p10 = p10
        self.p50 = p50
        self.p90 = p90
    }
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
            MetricSummary.level(id: m.id, values: results.map { r in
                i < r.metrics.count && r.metrics[i].id == m.id ? r.metrics[i].value : (r.metric(m.id) ?? .nan)
            })
        }
    }

    /// Every daily series of `results`, day by day (the same numbers as `StreamingSummaries`).
    public static func daily(_ results: [ReplicationResult], firstDate: CivilDate? = nil) -> [DailySummary] {
        let s = StreamingSummaries(firstDate: firstDate)
        for r in results { s.add(r) }
        return s.daily
    }
}

/// Percentiles of a stream of values: exact (linear interpolation between order statistics, R's type 7 and
/// numpy's default) while at most `exactLimit` values have come, then the P-squared algorithm (Jain & Chlamtac
/// 1985, "The P2 algorithm for dynamic calculation of quantiles and histograms without storing observations",
/// CACM 28(10):1076-1085), fed the stored values in order, so memory stays bounded for 10,000 replications and
/// the result depends only on the values and their order (decision 133).
struct PercentileSketch: Sendable {
    static let exactLimit = 100
    static let probabilities = [0.1, 0.5, 0.9]
    private var exact: [Double] = []
    private var estimators: [P2]? = nil

    mutating func add(_ x: Double) {
        guard !x.isNaN else { return }
        if var es = estimators {
            for i in es.indices { es[i].add(x) }
            estimators = es
            return
        }
        exact.append(x)
        if exact.count > Self.exactLimit {
            var es = Self.probabilities.map { P2(p: $0) }
            for v in exact { for i in es.indices { es[i].add(v) } }
            estimators = es
            exact = []
        }
    }

    var value: Percentiles {
        if let es = estimators { return Percentiles(p10: es[0].value, p50: es[1].value, p90: es[2].value) }
        let q = Self.probabilities.map { Self.quantile(exact.sorted(), $0) }
        return Percentiles(p10: q[0], p50: q[1], p90: q[2])
    }

    /// The type-7 quantile of sorted values (NaN for none).
    static func quantile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.isEmpty else { return .nan }
        let h = Double(xs.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, xs.count - 1)
        return xs[lo] + (h - Double(lo)) * (xs[hi] - xs[lo])
    }
}

/// One quantile by P-squared: five markers whose heights follow the quantile, moved by piecewise-parabolic
/// prediction (Jain & Chlamtac 1985, Box 1).
struct P2: Sendable {
    let p: Double
    private var q = [Double](), n = [Double](), desired = [Double](), step = [Double]()

    init(p: Double) {
        self.p = p
        desired = [1, 1 + 2 * p, 1 + 4 * p, 3 + 2 * p, 5]
        step = [0, p / 2, p, (1 + p) / 2, 1]
    }

    mutating func add(_ x: Double) {
        if q.count < 5 {
            q.append(x)
            if q.count == 5 {
                q.sort()
                n = [1, 2, 3, 4, 5]
            }
            return
        }
        let k: Int
        if x < q[0] {
            q[0] = x; k = 0
        } else if x >= q[4] {
            q[4] = max(q[4], x); k = 3
        } else {
            var i = 0
            while !(q[i] <= x && x < q[i + 1]) { i += 1 }
            k = i
        }
        for i in (k + 1)..<5 { n[i] += 1 }
        for i in 0..<5 { desired[i] += step[i] }
        for i in 1...3 {
            let d = desired[i] - n[i]
            if (d >= 1 && n[i + 1] - n[i] > 1) || (d <= -1 && n[i - 1] - n[i] < -1) {
                let s: Double = d >= 0 ? 1 : -1
                let a = (n[i] - n[i - 1] + s) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                let b = (n[i + 1] - n[i] - s) * (q[i] - q[i - 1]) / (n[i] - n[i - 1])
                let parabolic = q[i] + s / (n[i + 1] - n[i - 1]) * (a + b)
                if q[i - 1] < parabolic && parabolic < q[i + 1] {
                    q[i] = parabolic
                } else {
                    let j = i + Int(s)
                    q[i] += s * (q[j] - q[i]) / (n[j] - n[i])
                }
                n[i] += s
            }
        }
    }

    var value: Double {
        if q.count == 5 { return q[2] }
        return PercentileSketch.quantile(q.sorted(), p)
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
    private var spreads: [[PercentileSketch]] = []
    /// The date of day 0 of every daily series (the first day after warm-up).
    private let firstDate: CivilDate?
    /// `daily-replications.csv` rows, when asked for (`keepDailyValues`): in `dailyFile` if given, else here.
    private let keepDailyValues: Bool
    public private(set) var dailyValuesCSV: String
    private var dates = DateTexts()
    /// Files that take the rows of `replications.csv` and `daily-replications.csv` as each replication is added
    /// (files in a result folder's staging area), so a run of 10,000 replications does not hold them in memory.
    private let replicationsFile: StagedFile?, dailyFile: StagedFile?
    /// The first error writing to those files (nothing more is written after it).
    public private(set) var writeFailure: Error?
    /// Monthly values per (month, metric), in the first replication's order.
    private var monthKeys: [(month: String, metric: String)] = []
    private var monthValues: [[Double]] = []
    /// Per unit (place): its occupancy distribution and capacity curves, as running sums (`occupancy`).
    private var occupancyUnits: [String] = []
    private var occupancyCurves: [[ShareVector]] = []
    public private(set) var count = 0

    /// - Parameters:
    ///   - firstDate: the date of day 0 of the daily series (`SystemSpec.firstObservedDate`).
    ///   - keepDailyValues: also keep every replication's daily values (`dailyValuesCSV`).
    ///   - replicationsFile, dailyFile: where the rows of `replications.csv` and `daily-replications.csv` go, as
    ///     each replication is added (headers first); `replicationsCSV` and `dailyValuesCSV` then stay empty.
    public init(firstDate: CivilDate? = nil, keepDailyValues: Bool = false, replicationsFile: StagedFile? = nil,
                dailyFile: StagedFile? = nil) {
        self.firstDate = firstDate
        self.keepDailyValues = keepDailyValues
        self.replicationsFile = replicationsFile
        self.dailyFile = dailyFile
        dailyValuesCSV = dailyFile == nil ? Self.dailyValuesHeader : ""
        write(Self.replicationsHeader, to: replicationsFile)
        write(Self.dailyValuesHeader, to: dailyFile)
    }

    static let replicationsHeader = "replication,metric,value\n", dailyValuesHeader = "replication,day,date,series,value\n"

    private func write(_ text: String, to file: StagedFile?) {
        guard let file, writeFailure == nil else { return }
        do { try file.append(text) } catch { writeFailure = error }
    }

    /// Writes what the files hold to disk (call once, after the last replication); throws the first write error.
    public func finishFiles() throws {
        if let writeFailure { throw writeFailure }
        try replicationsFile?.finish()
        try dailyFile?.finish()
    }

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
            spreads = Array(repeating: [], count: seriesNames.count)
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
        if replicationsFile != nil { write(replicationRows(count), to: replicationsFile) }
        for (s, series) in r.daily.enumerated() where s < days.count {
            if days[s].count < series.values.count {
                days[s] += Array(repeating: Welford(), count: series.values.count - days[s].count)
                spreads[s] += Array(repeating: PercentileSketch(), count: series.values.count - spreads[s].count)
            }
            for (d, v) in series.values.enumerated() {
                days[s][d].add(v)
                spreads[s][d].add(v)
            }
            if keepDailyValues {
                let name = Writers.csv(series.name)
                var rows = ""
                for (d, v) in series.values.enumerated() {
                    let date = firstDate.map { dates.text(CivilDate(daysSinceEpoch: $0.daysSinceEpoch + d)) } ?? ""
                    rows += "\(r.replication),\(d),\(date),\(name),\(Writers.cnum(v))\n"
                }
                if dailyFile != nil { write(rows, to: dailyFile) } else { dailyValuesCSV += rows }
            }
        }
        count += 1
    }

    /// Every monthly metric over the replications added.
    public var monthly: [MonthlySummary] {
        zip(monthKeys, monthValues).map { key, values in
            MonthlySummary(month: key.month, metric: key.metric, summary: MetricSummary.level(id: key.metric, values: values))
        }
    }

    /// The value of every metric for every replication added, in order.
    public var metricValues: [(id: String, values: [Double])] { Array(zip(ids, values)) }

    public var metrics: [MetricSummary] { zip(ids, values).map { MetricSummary.level(id: $0, values: $1) } }

    /// Every daily series: mean, 95% CI (clipped to the series' range: a count never below 0) and percentiles.
    public var daily: [DailySummary] {
        seriesNames.indices.map { s in
            let range = MetricCatalog.range(of: seriesNames[s])
            let summaries = days[s].enumerated().map { d, w in
                let sd = w.n > 1 ? (w.m2 / Double(w.n - 1)).squareRoot() : .nan
                let h = w.n > 1 ? SpecialFunctions.studentTQuantile(0.975, dof: Double(w.n - 1)) * sd / Double(w.n).squareRoot() : .nan
                return MetricSummary(id: "\(d)", mean: w.n > 0 ? w.mean : .nan, standardDeviation: sd, count: w.n,
                                     lower: w.mean - h, upper: w.mean + h).clipped(to: range)
            }
            return DailySummary(series: seriesNames[s], days: summaries, percentiles: spreads[s].map(\.value),
                                firstDate: firstDate)
        }
    }

    /// Every unit's occupancy distribution and capacity table over the replications added.
    public var occupancy: [OccupancySummary] {
        zip(occupancyUnits, occupancyCurves).map { unit, c in
            OccupancySummary(unit: unit, timeShare: c[0].summaries, auditShare: c[1].summaries, delay: c[2].summaries,
                             atOrAbove: c[3].summaries)
        }
    }

    /// `replications.csv` from the values kept (empty when its rows went to `replicationsFile`).
    public var replicationsCSV: String {
        guard replicationsFile == nil else { return "" }
        return (0..<count).reduce(into: Self.replicationsHeader) { s, r in s += replicationRows(r) }
    }

    /// The rows of `replications.csv` for the `r`th replication added.
    private func replicationRows(_ r: Int) -> String {
        var s = ""
        for (i, id) in ids.enumerated() { s += "\(r),\(Writers.csv(id)),\(Writers.cnum(values[i][r]))\n" }
        return s
    }
}

/// Dates as text (`2025-06-01`), each worked out once: the daily files write the same few hundred dates on
/// every row of every series (~4,000 instructions a date).
struct DateTexts {
    private var texts: [Int: String] = [:]

    mutating func text(_ date: CivilDate) -> String {
        if let known = texts[date.daysSinceEpoch] { return known }
        let text = "\(date)"
        texts[date.daysSinceEpoch] = text
        return text
    }
}

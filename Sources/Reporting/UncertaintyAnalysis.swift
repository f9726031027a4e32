import PatientFlow
import Stochastics

/// A Latin hypercube over `dimensions` unit intervals: `samples` points, each dimension's [0, 1) cut into
/// `samples` equal strata and every stratum used once, in an order shuffled independently per dimension
/// (McKay, Beckman & Conover 1979, Technometrics 21:239-245). Each dimension draws from its own stream keyed
/// by (seed, name), so the design does not depend on `--jobs` or on which other dimensions exist.
public enum LatinHypercube {
    /// `u[s][k]`: sample s, dimension k, in [0, 1).
    public static func design(samples: Int, dimensions names: [String], seed: UInt64) -> [[Double]] {
        var u = Array(repeating: Array(repeating: 0.0, count: names.count), count: samples)
        for (k, name) in names.enumerated() {
            let stream = RandomStream(seed: seed, replication: 0, name: "uncertainty/lhs/\(name)")
            var order = Array(0..<samples)
            // Fisher-Yates.
            for i in stride(from: samples - 1, to: 0, by: -1) { order.swapAt(i, stream.integer(below: i + 1)) }
            for s in 0..<samples { u[s][k] = (Double(order[s]) + stream.uniform()) / Double(samples) }
        }
        return u
    }
}

/// The results of an uncertainty analysis: per sample (a point of the uncertain parameters) and scenario, the
/// mean of each metric over the sample's replications and its standard error (decision 181).
public struct UncertaintyAnalysis: Sendable {
    public var scenarios: [String]
    public var dimensions: [String]
    /// `points[s][k]`: the value of dimension k in sample s.
    public var points: [[Double]]
    public var metrics: [String]
    /// `means[s][j][m]`, `standardErrors[s][j][m]`: sample s, scenario j, metric m.
    public var means: [[[Double]]]
    public var standardErrors: [[[Double]]]
    public var replications: Int
    /// `unstable[s][j]`: replications of sample s, scenario j whose queues grew without bound.
    public var unstable: [[Int]]

    public init(scenarios: [String], dimensions: [String], points: [[Double]], metrics: [String], replications: Int) {
        self.scenarios = scenarios
        self.dimensions = dimensions
        self.points = points
        self.metrics = metrics
        self.replications = replications
        means = Array(repeating: Array(repeating: Array(repeating: .nan, count: metrics.count), count: scenarios.count), count: points.count)
        standardErrors = means
        unstable = Array(repeating: Array(repeating: 0, count: scenarios.count), count: points.count)
    }

    /// The share of scenario j's replications (over every sample) whose queues grew without bound: how often
    /// the uncertain values put the system past its capacity cliff.
    public func unstableShare(_ j: Int) -> Double {
        let total = samples * replications
        return total > 0 ? Double(unstable.prefix(samples).reduce(0) { $0 + $1[j] }) / Double(total) : .nan
    }

    /// Records sample s of scenario j from its replications.
    public mutating func record(sample s: Int, scenario j: Int, results: [ReplicationResult]) {
        unstable[s][j] = results.filter { r in r.warnings.contains { $0.contains("grew without bound") } }.count
        for (m, id) in metrics.enumerated() {
            let x = MetricSummary(id: id, values: results.map { $0.metric(id) ?? .nan })
            means[s][j][m] = x.mean
            standardErrors[s][j][m] = x.count > 1 ? x.standardDeviation / Double(x.count).squareRoot() : .nan
        }
    }

    public var samples: Int { points.count }

    /// The sample means of metric m for scenario j (NaN samples dropped).
    func values(_ j: Int, _ m: Int) -> [Double] { (0..<samples).map { means[$0][j][m] } }

    // MARK: Summaries

    /// The spread of the sample means across samples (what the parameters do), and the replication error
    /// inside a sample (what R replications leave), kept apart.
    public struct Spread: Sendable {
        public var scenario: String, metric: String
        public var mean: Double, p5: Double, p50: Double, p95: Double
        /// The root mean square of the samples' standard errors: the replication noise in one sample's mean.
        public var replicationError: Double
        public var samples: Int
    }

    public func spreads() -> [Spread] {
        scenarios.indices.flatMap { j in
            metrics.indices.map { m in
                let xs = values(j, m).filter { !$0.isNaN }.sorted()
                let se = (0..<samples).map { standardErrors[$0][j][m] }.filter { !$0.isNaN }
                return Spread(scenario: scenarios[j], metric: metrics[m], mean: xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count),
                              p5: PercentileSketch.quantile(xs, 0.05), p50: PercentileSketch.quantile(xs, 0.5),
                              p95: PercentileSketch.quantile(xs, 0.95),
                              replicationError: se.isEmpty ? .nan : (se.map { $0 * $0 }.reduce(0, +) / Double(se.count)).squareRoot(),
                              samples: xs.count)
            }
        }
    }

    /// An option's difference from the baseline (scenario 0) over the samples: the expected difference with its
    /// 95% CI (t over the samples' paired differences, which carry both parameter and replication variation),
    /// and the 5th and 95th percentiles of the per-sample differences.
    public struct Difference: Sendable {
        public var option: String, metric: String
        public var expected: MetricSummary
        public var p5: Double, p95: Double
        /// Share of samples in which the option is better than the baseline (NaN for a metric without a direction).
        public var probabilityBetter: Double
    }

    public func differences() -> [Difference] {
        guard scenarios.count > 1 else { return [] }
        return (1..<scenarios.count).flatMap { j in
            metrics.indices.map { m in
                let d = (0..<samples).map { means[$0][j][m] - means[$0][0][m] }.filter { !$0.isNaN }
                let dir = MetricCatalog.direction(of: metrics[m])
                let better = dir == .neither || d.isEmpty ? Double.nan
                    : Double(d.filter { dir == .lowerIsBetter ? $0 < 0 : $0 > 0 }.count) / Double(d.count)
                let sorted = d.sorted()
                return Difference(option: scenarios[j], metric: metrics[m], expected: MetricSummary(id: metrics[m], values: d),
                                  p5: PercentileSketch.quantile(sorted, 0.05), p95: PercentileSketch.quantile(sorted, 0.95),
                                  probabilityBetter: better)
            }
        }
    }

    /// Per metric with a better direction: the share of samples in which each scenario is the best (ties
    /// shared equally); NaN samples are left out.
    public func probabilityBest() -> [(metric: String, probabilities: [Double], samples: Int)] {
        metrics.indices.compactMap { m in
            let dir = MetricCatalog.direction(of: metrics[m])
            guard dir != .neither else { return nil }
            var wins = Array(repeating: 0.0, count: scenarios.count), n = 0
            for s in 0..<samples {
                let xs = scenarios.indices.map { means[s][$0][m] }
                guard !xs.contains(where: \.isNaN) else { continue }
                let best = dir == .lowerIsBetter ? xs.min()! : xs.max()!
                let winners = xs.indices.filter { xs[$0] == best }
                for w in winners { wins[w] += 1 / Double(winners.count) }
                n += 1
            }
            return (metrics[m], wins.map { n > 0 ? $0 / Double(n) : .nan }, n)
        }
    }

    /// The share of samples in which each scenario's sample mean meets `target`.
    public func probabilityMeeting(_ target: Target) -> [Double]? {
        guard let m = metrics.firstIndex(of: target.metric) else { return nil }
        return scenarios.indices.map { j in
            let xs = values(j, m).filter { !$0.isNaN }
            guard !xs.isEmpty else { return .nan }
            let met = xs.filter { target.comparison == .atMost ? $0 <= target.value : $0 >= target.value }.count
            return Double(met) / Double(xs.count)
        }
    }

    /// What drives an output across the samples: the partial rank correlation coefficient of each dimension
    /// with `output` (one value per sample), controlling for the other dimensions (Blower & Dowlatabadi 1994,
    /// Int Stat Rev 62:229-243; Marino, Hogue, Ray & Kirschner 2008, J Theor Biol 254:178-196): rank-transform
    /// every input and the output, regress the ranks of x_k and of y on the ranks of the other inputs, and
    /// correlate the two residuals. NaN samples are dropped; NaN where there are not more samples than
    /// dimensions + 1 or a residual has no spread.
    public func partialRankCorrelations(_ output: [Double]) -> [Double] {
        let keep = output.indices.filter { !output[$0].isNaN }
        let k = dimensions.count
        guard keep.count > k + 2 else { return Array(repeating: .nan, count: k) }
        let y = Self.ranks(keep.map { output[$0] })
        let x = (0..<k).map { d in Self.ranks(keep.map { points[$0][d] }) }
        return (0..<k).map { d in
            let others = (0..<k).filter { $0 != d }.map { x[$0] }
            let rx = Self.residuals(x[d], on: others), ry = Self.residuals(y, on: others)
            return Self.correlation(rx, ry)
        }
    }

    /// Ranks 1...n, ties given their mean rank.
    static func ranks(_ xs: [Double]) -> [Double] {
        let order = xs.indices.sorted { (xs[$0], $0) < (xs[$1], $1) }
        var r = Array(repeating: 0.0, count: xs.count), i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && xs[order[j + 1]] == xs[order[i]] { j += 1 }
            let mean = Double(i + j) / 2 + 1
            for t in i...j { r[order[t]] = mean }
            i = j + 1
        }
        return r
    }

    /// The residuals of least squares of y on an intercept and `xs` (normal equations, Gaussian elimination with
    /// partial pivoting; a singular system drops the regressors that make it so).
    static func residuals(_ y: [Double], on xs: [[Double]]) -> [Double] {
        let n = y.count, p = xs.count + 1
        func column(_ c: Int) -> [Double] { c == 0 ? Array(repeating: 1, count: n) : xs[c - 1] }
        var a = (0..<p).map { i in (0..<p).map { j in zip(column(i), column(j)).reduce(0) { $0 + $1.0 * $1.1 } } }
        var b = (0..<p).map { i in zip(column(i), y).reduce(0) { $0 + $1.0 * $1.1 } }
        var active = Array(repeating: true, count: p)
        for c in 0..<p {
            let pivot = (c..<p).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            guard abs(a[pivot][c]) > 1e-9 * max(1, abs(a[c][c])) else { active[c] = false; continue }
            a.swapAt(c, pivot); b.swapAt(c, pivot)
            for r in 0..<p where r != c {
                let f = a[r][c] / a[c][c]
                if f == 0 { continue }
                for j in c..<p { a[r][j] -= f * a[c][j] }
                b[r] -= f * b[c]
            }
        }
        let beta = (0..<p).map { active[$0] && a[$0][$0] != 0 ? b[$0] / a[$0][$0] : 0 }
        return (0..<n).map { i in y[i] - (0..<p).reduce(0) { $0 + beta[$1] * column($1)[i] } }
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb)
        }
        guard saa > 1e-12 * n, sbb > 1e-12 * n else { return .nan }
        return sab / (saa * sbb).squareRoot()
    }

    /// The output a tornado explains: per sample, the option's difference from the baseline in metric m (or
    /// the baseline's own value when there is no option).
    public func output(option j: Int, metric m: Int) -> [Double] {
        (0..<samples).map { s in j == 0 ? means[s][0][m] : means[s][j][m] - means[s][0][m] }
    }
}

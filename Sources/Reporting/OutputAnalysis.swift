import Foundation
import Stochastics

/// How precise a 95% confidence interval must be: its half-width as a share of the mean's magnitude
/// (`--precision 5%`), or in the metric's own units (`--precision 0.5`).
public enum Precision: Sendable, Equatable, CustomStringConvertible {
    case relative(Double)
    case absolute(Double)

    /// `5%` (relative, 0.05) or a plain positive number (absolute); nil for anything else.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") {
            guard let v = Double(t.dropLast()), v.isFinite, v > 0, v < 100 else { return nil }
            self = .relative(v / 100)
        } else {
            guard let v = Double(t), v.isFinite, v > 0 else { return nil }
            self = .absolute(v)
        }
    }

    public var description: String {
        switch self {
        case .relative(let r): return "\(TableWriter.compact(100 * r))%"
        case .absolute(let a): return "±\(TableWriter.compact(a))"
        }
    }

    /// Whether an interval of this half-width around this mean is precise enough. A zero half-width always is
    /// (every value the same); a relative precision around a mean of 0 never is (use an absolute one).
    public func isMet(halfWidth h: Double, mean m: Double) -> Bool {
        guard h.isFinite, m.isFinite else { return false }
        if h == 0 { return true }
        switch self {
        case .relative(let r): return h <= r * abs(m)
        case .absolute(let a): return h <= a
        }
    }
}

/// The running 95% confidence interval of one metric after each replication (the "confidence interval
/// method" table of Robinson 2014 and of sim-tools' ReplicationTabulizer).
public struct ReplicationCurvePoint: Sendable, Equatable {
    /// Replications so far (1, 2, ...); values that are NaN (a percentage of nothing) are left out of the
    /// statistics, as in `MetricSummary`.
    public var n: Int
    public var mean: Double
    public var halfWidth: Double
    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }
    /// The half-width over |mean| (Hoad et al.'s deviation d_n); infinite for a mean of 0 with some spread.
    public var relativeHalfWidth: Double {
        halfWidth == 0 ? 0 : (mean == 0 ? .infinity : halfWidth / abs(mean))
    }
}

/// Automated selection of the number of replications: the "replications algorithm" of Hoad, Robinson &
/// Davies (2010), "Automated selection of the number of replications for a discrete-event simulation", J Oper
/// Res Soc 61(11):1632-1644, as in sim-tools' `ReplicationsAlgorithm` (Monks, sim_tools/output_analysis.py).
///
/// Start with `initial` replications (Hoad et al. recommend 3). After each replication n, the 95% t-interval
/// of every metric is checked against the precision (d_n = t(0.975, n-1) s_n / sqrt(n) / |mean_n| <= precision
/// for a relative one). At the first n where it holds, that n is the candidate N_sol, and the next kLimit(n)
/// replications are run too (the look-ahead: kLimit = `lookAhead` while n <= 100, then lookAhead x n / 100,
/// rounded down, Hoad et al.'s f(kLimit, n)); if the precision is lost at any of them, the search goes on from
/// there, otherwise N_sol is the answer. Several metrics are searched together: the precision must hold for every
/// one at once (each metric's own answer is reported too).
///
/// sim-tools loops over `look_ahead` rather than `kLimit(n)` replications beyond n = 100; this follows the
/// paper. The procedure only reads values in replication order, so it gives the same answer however the
/// replications were run.
public struct ReplicationsAlgorithm: Sendable, Equatable {
    public var precision: Precision
    public var initial: Int
    public var lookAhead: Int

    public init(precision: Precision, initial: Int = 3, lookAhead: Int = 5) {
        precondition(initial >= 2 && lookAhead >= 0)
        self.precision = precision
        self.initial = initial
        self.lookAhead = lookAhead
    }

    /// The look-ahead after a candidate n (Hoad et al. 2010, f(kLimit, n)).
    public func kLimit(_ n: Int) -> Int { n <= 100 ? lookAhead : lookAhead * n / 100 }

    /// The running mean and 95% half-width after each of `values.count` replications (Welford's updates).
    public static func curve(_ values: [Double]) -> [ReplicationCurvePoint] {
        var out: [ReplicationCurvePoint] = []
        var k = 0, mean = 0.0, m2 = 0.0
        for (i, x) in values.enumerated() {
            if !x.isNaN {
                k += 1
                let d = x - mean
                mean += d / Double(k)
                m2 += d * (x - mean)
            }
            let h = k > 1 ? SpecialFunctions.studentTQuantile(0.975, dof: Double(k - 1)) * (m2 / Double(k - 1)).squareRoot()
                / Double(k).squareRoot() : .nan
            out.append(ReplicationCurvePoint(n: i + 1, mean: k > 0 ? mean : .nan, halfWidth: h))
        }
        return out
    }

    /// Where the search stands with the replications so far.
    public enum Outcome: Sendable, Equatable {
        /// The answer `n`, confirmed over the look-ahead: replications 1...`through` were read.
        case converged(n: Int, through: Int)
        /// More replications are needed: at least `total` in all before the search can go on.
        case needs(total: Int)
    }

    /// The search over `within[n - 1]`: whether the precision holds after n replications (every metric).
    public func evaluate(_ within: [Bool]) -> Outcome {
        var n = initial
        while n <= within.count {
            guard within[n - 1] else { n += 1; continue }
            let k = kLimit(n)
            guard n + k <= within.count else { return .needs(total: n + k) }
            if let lost = (n..<(n + k)).map({ $0 + 1 }).first(where: { !within[$0 - 1] }) {
                n = lost + 1
            } else {
                return .converged(n: n, through: n + k)
            }
        }
        return .needs(total: n)
    }

    /// Whether the precision holds at each n of one metric's curve.
    public func within(_ curve: [ReplicationCurvePoint]) -> [Bool] {
        curve.map { $0.n >= 2 && precision.isMet(halfWidth: $0.halfWidth, mean: $0.mean) }
    }

    /// The search over several metrics' curves (of equal length): the precision must hold for all at once.
    public func evaluate(curves: [[ReplicationCurvePoint]]) -> Outcome {
        let flags = curves.map(within)
        let n = flags.map(\.count).min() ?? 0
        return evaluate((0..<n).map { i in flags.allSatisfy { $0[i] } })
    }
}

extension ReplicationsAlgorithm {
    /// The search over replications run in batches: each batch is what the search needs next, at least `batch`
    /// replications (one per thread), never past `maxReplications`. `run(start, end)` runs replications
    /// `start..<end` and returns each metric's values for those that finished, in replication order; fewer than
    /// asked (an interrupt) ends the search with what it has. The outcome and the values up to its `through`
    /// depend only on the values, not on `batch`.
    public func search(metrics: Int, maxReplications: Int, batch: Int,
                       run: (_ start: Int, _ end: Int) throws -> [[Double]]) rethrows -> (values: [[Double]], outcome: Outcome) {
        var values = Array(repeating: [Double](), count: metrics)
        var state = Outcome.needs(total: initial)
        while case .needs(let total) = state, values[0].count < maxReplications {
            let start = values[0].count
            let end = min(maxReplications, max(total, start + max(1, batch)))
            let got = try run(start, end)
            for m in values.indices { values[m] += got[m] }
            state = evaluate(curves: values.map(Self.curve))
            if values[0].count < end { break }
        }
        return (values, state)
    }
}

/// MSER-5, the truncation heuristic of White (1997), "An effective truncation heuristic for bias reduction in
/// simulation output", Simulation 69(6):323-334, and White, Cobb & Spratt (2000), "A comparison of five
/// steady-state truncation heuristics for simulation", Proc. Winter Simulation Conference, 755-760.
///
/// The series (here the mean across replications of a daily series) is cut into batches of `batch` values
/// (5 for MSER-5; a last incomplete batch is dropped) and their means Z_1..Z_k are formed. For each d the
/// statistic MSER(d) = sum_{j>d} (Z_j - mean_{>d})^2 / (k - d)^2 is computed over d = 0...k/2 (a truncation in
/// the second half is not trusted, as White advises), and the d* that minimises it (the first, on ties) is the
/// suggestion: drop the first d* x `batch` values.
public enum MSER {
    public struct Result: Sendable, Equatable {
        /// Batches dropped (d*) and values dropped (d* x batch).
        public var batches: Int
        public var points: Int
        /// MSER(d) for d = 0...k/2.
        public var statistic: [Double]
        public var batch: Int
    }

    /// - Complexity: O(k^2) for k batches (a few hundred operations for a year of days): each MSER(d) is
    ///   summed directly, with no cancellation between large sums.
    public static func truncation(_ values: [Double], batch: Int = 5) -> Result? {
        precondition(batch >= 1)
        let k = values.count / batch
        guard k >= 2 else { return nil }
        let z = (0..<k).map { j in values[(j * batch)..<((j + 1) * batch)].reduce(0, +) / Double(batch) }
        guard z.allSatisfy(\.isFinite) else { return nil }
        let statistic = (0...(k / 2)).map { d -> Double in
            let rest = z[d...], m = Double(k - d)
            let mean = rest.reduce(0, +) / m
            return rest.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (m * m)
        }
        var best = 0
        for d in statistic.indices where statistic[d] < statistic[best] { best = d }
        return Result(batches: best, points: best * batch, statistic: statistic, batch: batch)
    }
}

/// What `flowsim replications` found: every metric's running interval, the answer for all metrics together
/// and for each alone.
public struct ReplicationsStudy: Sendable {
    public var scenario: String
    public var metrics: [String]
    /// Per metric, the curve over the replications read (1...through, or all run when there is no answer).
    public var curves: [[ReplicationCurvePoint]]
    public var algorithm: ReplicationsAlgorithm
    /// The number of replications for every metric at once (nil: not found within `maxReplications`).
    public var answer: Int?
    /// Each metric's own answer over the same replications (nil: not found in them).
    public var perMetric: [Int?]
    public var maxReplications: Int
    public var seed: UInt64

    public init(scenario: String, metrics: [String], curves: [[ReplicationCurvePoint]], algorithm: ReplicationsAlgorithm,
                answer: Int?, perMetric: [Int?], maxReplications: Int, seed: UInt64) {
        self.scenario = scenario
        self.metrics = metrics
        self.curves = curves
        self.algorithm = algorithm
        self.answer = answer
        self.perMetric = perMetric
        self.maxReplications = maxReplications
        self.seed = seed
    }

    public var replicationsRead: Int { curves.first?.count ?? 0 }

    /// A metric's interval at `n` replications.
    public func point(_ metric: Int, at n: Int) -> ReplicationCurvePoint? {
        n >= 1 && n <= curves[metric].count ? curves[metric][n - 1] : nil
    }
}

/// What `flowsim warmup` found: per daily series, the mean across replications from time 0 and MSER-5's
/// truncation point.
public struct WarmupStudy: Sendable {
    public var scenario: String
    public var metrics: [String]
    /// Per metric, the mean across replications of each day from the start of the run.
    public var means: [[Double]]
    /// Per metric, MSER-5 on `means` (nil: too short or not finite).
    public var results: [MSER.Result?]
    /// The scenario's `warm_up`, in days.
    public var currentWarmUpDays: Double
    public var replications: Int
    public var seed: UInt64

    public init(scenario: String, metrics: [String], means: [[Double]], results: [MSER.Result?], currentWarmUpDays: Double,
                replications: Int, seed: UInt64) {
        self.scenario = scenario
        self.metrics = metrics
        self.means = means
        self.results = results
        self.currentWarmUpDays = currentWarmUpDays
        self.replications = replications
        self.seed = seed
    }

    /// The suggestion: the largest truncation over the metrics, in days (nil if no metric gave one).
    public var suggestedDays: Int? { results.compactMap { $0?.points }.max() }
}

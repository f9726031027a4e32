import Foundation

/// The cheapest combination of two or three parameters that meets every target (`flowsim size` with several
/// `--param`), without running the whole grid: screening finds the feasibility frontier, then the cheapest
/// frontier point is picked (a linear cost of the parameters) or selected by Kim & Nelson's procedure (a cost
/// that is a simulated metric). Both phases take closures, so they are tested without simulating.
public enum CheapestSearch {
    /// A point of the grid: one index per parameter into its (ascending) values.
    public typealias Point = [Int]

    /// One point the screening ran, and whether it met every target.
    public struct Evaluation: Sendable, Equatable {
        public var point: Point
        public var feasible: Bool
        public init(point: Point, feasible: Bool) {
            self.point = point
            self.feasible = feasible
        }
    }

    /// What the screening found.
    public struct Screening: Sendable, Equatable {
        /// The points run, in the order they ran.
        public var run: [Evaluation]
        /// For each combination of the other parameters that has one, the smallest feasible value of the last
        /// (in lexicographic order).
        public var frontier: [Point]
        /// The frontier points no other frontier point is below (componentwise <=): the only candidates when the
        /// cost does not fall as a parameter grows.
        public var minimal: [Point]
        /// Points in the grid.
        public var gridSize: Int
    }

    /// `a <= b` in every component.
    public static func isBelow(_ a: Point, _ b: Point) -> Bool { zip(a, b).allSatisfy { $0 <= $1 } }

    /// The feasibility frontier of a grid on which feasibility is monotone (more of any parameter never turns a
    /// feasible point infeasible). For each combination of the other parameters, the smallest feasible value of
    /// the last is found as one-parameter `size` finds it (the top end, the bottom end, then bisection); a point
    /// below one known infeasible, or above one known feasible, is not run. The combinations go in bisection
    /// order along each parameter, so a line between two lines with the same answer costs no runs: the frontier
    /// is a monotone staircase, and the runs grow with its steps rather than with the grid.
    ///
    /// - Parameters:
    ///   - sizes: how many values each parameter has (2 or 3 parameters; 1 works too).
    ///   - isFeasible: runs a point and says whether it meets every target.
    /// - Complexity: at most `(combinations) x (2 + log2(sizes.last))` calls of `isFeasible`, far fewer when
    ///   the frontier has few steps; O(known points) per dominance check.
    public static func screen(sizes: [Int], isFeasible: (Point) throws -> Bool) rethrows -> Screening {
        precondition(!sizes.isEmpty && sizes.allSatisfy { $0 > 0 }, "every parameter needs a value")
        var run: [Evaluation] = []
        var feasible: [Point] = [], infeasible: [Point] = []
        func check(_ p: Point) throws -> Bool {
            if feasible.contains(where: { isBelow($0, p) }) { return true }
            if infeasible.contains(where: { isBelow(p, $0) }) { return false }
            let f = try isFeasible(p)
            run.append(Evaluation(point: p, feasible: f))
            if f { feasible.append(p) } else { infeasible.append(p) }
            return f
        }
        // The combinations in bisection order along each parameter (ends first, then midpoints), so that most
        // lines lie between two already screened whose answers are the same: then dominance decides them all.
        var prefixes: [Point] = [[]]
        for n in sizes.dropLast() { prefixes = prefixes.flatMap { p in bisectionOrder(n).map { p + [$0] } } }
        let top = sizes[sizes.count - 1] - 1
        var frontier: [Point] = []
        for prefix in prefixes {
            guard try check(prefix + [top]) else { continue }  // nothing in range for this combination
            if try check(prefix + [0]) { frontier.append(prefix + [0]); continue }
            var lo = 0, hi = top  // lo fails, hi meets
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if try check(prefix + [mid]) { hi = mid } else { lo = mid }
            }
            frontier.append(prefix + [hi])
        }
        frontier.sort { $0.lexicographicallyPrecedes($1) }
        let minimal = frontier.filter { p in !frontier.contains { $0 != p && isBelow($0, p) } }
        return Screening(run: run, frontier: frontier, minimal: minimal, gridSize: sizes.reduce(1, *))
    }

    /// The points `screen` runs next given the answers known so far, then those it may run after them whatever
    /// their answers turn out to be, breadth first (a feasible answer's branch before an infeasible one's), at
    /// most `limit` in all: a round of a sharded search (decision 197). Known answers come from any earlier
    /// round, on the search's path or not; a point in `stops` ends the search where it is asked for (its
    /// replications stopped). Empty when the screening needs no more points.
    ///
    /// - Complexity: at most `16 * limit` replays of the screening with known answers (no evaluations).
    public static func nextPoints(sizes: [Int], known: [Point: Bool], stops: Set<Point> = [], limit: Int) -> [Point] {
        struct Unknown: Error { var point: Point }
        struct Stop: Error {}
        var found: [Point] = [], branches: [[Point: Bool]] = [known], next = 0
        while next < branches.count && found.count < max(limit, 1) && next < 16 * max(limit, 1) {
            let answers = branches[next]
            next += 1
            do {
                _ = try screen(sizes: sizes) { p in
                    if stops.contains(p) { throw Stop() }
                    guard let f = answers[p] else { throw Unknown(point: p) }
                    return f
                }
            } catch let u as Unknown {
                if !found.contains(u.point) { found.append(u.point) }
                for f in [true, false] {
                    var a = answers
                    a[u.point] = f
                    branches.append(a)
                }
            } catch {}  // a branch that stops asks for nothing more
        }
        return found
    }

    /// 0..<n with the ends first, then the midpoints of the gaps, breadth first: 0, n-1, (n-1)/2, ...
    public static func bisectionOrder(_ n: Int) -> [Int] {
        guard n > 2 else { return Array(0..<n) }
        var order = [0, n - 1], gaps = [(0, n - 1)]
        while !gaps.isEmpty {
            var next: [(Int, Int)] = []
            for (lo, hi) in gaps where hi - lo > 1 {
                let mid = (lo + hi) / 2
                order.append(mid)
                next += [(lo, mid), (mid, hi)]
            }
            gaps = next
        }
        return order
    }

    /// The cheapest of `points` by `cost` (ties: the first given, so lexicographic order for a frontier); nil if
    /// there are none.
    public static func cheapest(_ points: [Point], cost: (Point) -> Double) -> Point? {
        var best: (Point, Double)?
        for p in points {
            let c = cost(p)
            if best == nil || c < best!.1 { best = (p, c) }
        }
        return best?.0
    }

    /// What Kim & Nelson's procedure did.
    public struct Selection: Sendable, Equatable {
        /// The candidate selected (an index into the candidates given).
        public var chosen: Int
        /// Observations taken of each candidate (the first stage included).
        public var replications: [Int]
        /// Each candidate's mean over its observations.
        public var means: [Double]
        /// Candidates still in when it stopped (one, unless the budget ran out).
        public var survivors: [Int]
        /// It stopped at the budget with more than one candidate left: `chosen` is then the smallest mean among
        /// them, without the procedure's guarantee.
        public var budgetReached: Bool
    }

    /// Kim & Nelson's fully sequential procedure KN for the smallest mean (Kim, S.-H. and Nelson, B. L. 2001, "A
    /// fully sequential procedure for indifference-zone selection in simulation", ACM TOMACS 11(3):251-273),
    /// with common random numbers allowed: it screens on the variances of pairwise differences. With
    /// eta = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2 and h^2 = 2 eta (n0 - 1), candidate i leaves after r
    /// observations if its mean exceeds another survivor l's by more than max(0, delta / (2r) (h^2 S2_il /
    /// delta^2 - r)); one more observation of each survivor is taken until one is left. Then it is the best
    /// with probability at least 1 - alpha when the best is at least `delta` better than the rest (normal
    /// observations; the paper's Theorem 1).
    ///
    /// - Parameters:
    ///   - first: each candidate's first-stage observations (n0 >= 2 each, the same count; observation r of
    ///     every candidate uses the same random numbers).
    ///   - indifference: delta > 0, in the observations' units: a difference that small does not matter.
    ///   - maxObservations: the budget per candidate; when reached the smallest mean is taken (`budgetReached`).
    ///   - observe: the r-th observation (0-based) of candidate i.
    public static func selectSmallestMean(first: [[Double]], indifference delta: Double, alpha: Double = 0.05,
                                          maxObservations: Int, observe: (_ candidate: Int, _ r: Int) throws -> Double)
        rethrows -> Selection {
        let k = first.count
        precondition(k >= 1 && delta > 0 && alpha > 0 && alpha < 1, "KN needs candidates, delta > 0 and 0 < alpha < 1")
        var x = first
        let n0 = first[0].count
        precondition(first.allSatisfy { $0.count == n0 } && n0 >= 2, "KN needs the same n0 >= 2 observations of each")
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        guard k > 1 else {
            return Selection(chosen: 0, replications: [n0], means: [mean(x[0])], survivors: [0], budgetReached: false)
        }
        let h2 = hSquared(k: k, n0: n0, alpha: alpha)
        // S2_il: the first-stage variance of X_i - X_l (denominator n0 - 1).
        var s2 = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        for i in 0..<k {
            for l in 0..<k where l != i {
                let d = zip(x[i], x[l]).map { $0 - $1 }
                let m = mean(d)
                s2[i][l] = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n0 - 1)
            }
        }
        var survivors = Array(0..<k)
        var r = n0
        while true {
            let means = x.map { mean(Array($0.prefix(r))) }
            let old = survivors
            survivors = old.filter { i in
                old.allSatisfy { l in
                    l == i || means[i] <= means[l] + max(0, delta / (2 * Double(r)) * (h2 * s2[i][l] / (delta * delta) - Double(r)))
                }
            }
            let done = survivors.count == 1
            if done || r >= maxObservations {
                let chosen = survivors.min { (means[$0], $0) < (means[$1], $1) } ?? 0
                return Selection(chosen: chosen, replications: x.map(\.count), means: x.map(mean), survivors: survivors,
                                 budgetReached: !done)
            }
            for i in survivors { x[i].append(try observe(i, r)) }
            r += 1
        }
    }

    /// KN's h^2 = 2 eta (n0 - 1), eta = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2 (Kim & Nelson 2001, with c = 1).
    public static func hSquared(k: Int, n0: Int, alpha: Double) -> Double {
        let eta = 0.5 * (pow(2 * alpha / Double(k - 1), -2 / Double(n0 - 1)) - 1)
        return 2 * eta * Double(n0 - 1)
    }
}

/// Places needed from an occupancy distribution: the method planners use for bed numbers (DESIGN §4).
///
/// Given p[k] = P(N = k), the share of time an unconstrained unit (one that never turns anyone away or makes
/// anyone wait) holds exactly k patients, the probability that a patient is delayed if the unit had c places is
/// taken as
///
///     P(delay | c) = P(N = c) / P(N <= c)
///
/// which is Erlang's loss formula applied to the occupancy distribution truncated at c: for an M/G/c/c system
/// the occupancy is the M/G/infinity one, Poisson(a), truncated at c, and by PASTA an arrival finds it full with
/// probability P(N = c) / P(N <= c) = B(c, a) exactly (Erlang B, insensitive to the stay distribution). Monks,
/// Worthington, Allen, Pitt, Stein & James, "A modelling tool for capacity planning in acute and community stroke
/// services", BMC Health Serv Res 16:530 (2016), simulate the unconstrained occupancy and compute p(delay) this
/// way, reporting 1 / p(delay) as "1 in every n patients delayed". For other arrival processes it is an
/// approximation (the truncation argument needs a reversible birth-death chain), as it is in that paper.
///
/// `tail` gives the other common reading, P(N >= c): the share of time the unconstrained unit needs c or more
/// places (an upper bound on the time a c-place unit would be full).
public enum CapacityPlanning {
    /// P(delay | c) = P(N = c) / P(N <= c) for c = 0...p.count (0 where P(N <= c) is 0, and 0 at c = p.count,
    /// above every level seen).
    /// - Complexity: O(p.count).
    public static func delayCurve(_ p: [Double]) -> [Double] {
        var curve: [Double] = [], below = 0.0
        curve.reserveCapacity(p.count + 1)
        for x in p {
            below += x
            curve.append(below > 0 ? x / below : 0)
        }
        return curve + [0]
    }

    /// P(N >= c) for c = 0...p.count, of the distribution p (normalised).
    /// - Complexity: O(p.count).
    public static func tailCurve(_ p: [Double]) -> [Double] {
        let total = p.reduce(0, +)
        var curve = Array(repeating: 0.0, count: p.count + 1), above = 0.0
        for c in p.indices.reversed() {
            above += p[c]
            curve[c] = total > 0 ? min(1, above / total) : 0
        }
        return curve
    }

    /// The smallest c from which the curve stays at or below `target` (so a curve that dips and rises again
    /// does not give a c that is not enough); `curve.count` if its last value is above the target.
    public static func placesNeeded(_ curve: [Double], atMost target: Double) -> Int {
        var c = curve.count
        while c > 0 && curve[c - 1] <= target { c -= 1 }
        return c
    }
}

import PatientFlow
import SimCore
import Stochastics

/// One unit's (place's) occupancy distribution over replications, and its capacity table (DESIGN §4
/// "occupancy distributions"): what `occupancy.csv` and `capacity.csv` hold.
public struct OccupancySummary: Sendable {
    public var unit: String
    /// Per level k = 0, 1, ...: the share of observed time with exactly k places held, and the share of daily
    /// audits that found k, each as mean and 95% CI over replications.
    public var timeShare: [MetricSummary]
    public var auditShare: [MetricSummary]
    /// Per c = 0 ... levels: P(delay | c) = P(N = c) / P(N <= c) and P(N >= c) of each replication's time-weighted
    /// distribution (`CapacityPlanning`), as mean and 95% CI over replications.
    public var delay: [MetricSummary]
    public var atOrAbove: [MetricSummary]

    /// The smallest number of places from which the mean P(delay | c) is at most 1 in `n`.
    public func placesNeeded(oneIn n: Double) -> Int {
        CapacityPlanning.placesNeeded(delay.map(\.mean), atMost: 1 / n)
    }

    /// The "1 in N" levels `--capacity-table` prints. assumption: the range planners quote (Monks et al. 2016
    /// report 1 in 7 to 1 in 50 delayed for their stroke unit), extended to 1 in 200.
    public static let oneIn: [Double] = [10, 20, 50, 100, 200]
}

/// Running sums (Welford) of a vector of shares per replication, padded with zeros where a replication had
/// fewer levels, so memory is O(levels) whatever the number of replications.
struct ShareVector {
    var sums: [StreamingSummaries.Welford] = []

    mutating func add(_ xs: [Double], replicationsBefore n: Int) {
        if sums.count < xs.count {
            sums += Array(repeating: StreamingSummaries.Welford(n: n), count: xs.count - sums.count)
        }
        for k in sums.indices { sums[k].add(k < xs.count ? xs[k] : 0) }
    }

    var summaries: [MetricSummary] { sums.enumerated().map { $1.summary(id: "\($0)") } }
}

extension Writers {
    /// `occupancy.csv`: unit, level, time_share (mean over replications) with its 95% CI, audit_share with its CI,
    /// replications.
    public static func occupancyCSV(_ units: [OccupancySummary]) -> String {
        var s = "unit,level,time_share,time_share_lower,time_share_upper,audit_share,audit_share_lower,audit_share_upper,replications\n"
        for u in units {
            for k in 0..<max(u.timeShare.count, u.auditShare.count) {
                let t = k < u.timeShare.count ? u.timeShare[k] : MetricSummary(id: "", values: [0])
                let a = k < u.auditShare.count ? u.auditShare[k] : MetricSummary(id: "", values: [0])
                s += "\(csv(u.unit)),\(k),\(cnum(t.mean)),\(cnum(t.lower)),\(cnum(t.upper)),"
                    + "\(cnum(a.mean)),\(cnum(a.lower)),\(cnum(a.upper)),\(t.count)\n"
            }
        }
        return s
    }

    /// `capacity.csv`: unit, places c, P(delay | c) with its 95% CI, 1 in N (1 / P(delay | c)), P(N >= c).
    public static func capacityCSV(_ units: [OccupancySummary]) -> String {
        var s = "unit,places,p_delay,p_delay_lower,p_delay_upper,one_in,p_at_or_above\n"
        for u in units {
            for (c, d) in u.delay.enumerated() {
                let tail = c < u.atOrAbove.count ? u.atOrAbove[c].mean : 0
                s += "\(csv(u.unit)),\(c),\(cnum(d.mean)),\(cnum(d.lower)),\(cnum(d.upper)),"
                    + "\(cnum(d.mean > 0 ? 1 / d.mean : .infinity)),\(cnum(tail))\n"
            }
        }
        return s
    }

    /// The terminal table of `flowsim run --capacity-table UNIT`: places needed for each "1 in N", then the
    /// table from the first c with P(N >= c) below 1 to the first with P(delay | c) below 1 in 1000.
    public static func capacityTable(_ u: OccupancySummary) -> String {
        var s = "Capacity for \(u.unit): P(delay | c) = P(N = c) / P(N <= c) from its occupancy distribution N "
            + "(Monks et al. 2016; Erlang B for Poisson arrivals)\n"
        // Above the largest level seen P(N = c) is 0 only because nobody was seen there: a unit whose places ran
        // out cannot say how many more it needs.
        let most = u.timeShare.count - 1
        for n in OccupancySummary.oneIn {
            let c = u.placesNeeded(oneIn: n)
            s += "  places needed for P(delay) <= 1 in \(Int(n)): "
                + (c > most ? "more than \(most), the most it held (give it more places, e.g. unlimited, to see its unconstrained occupancy)\n" : "\(c)\n")
        }
        let first = max(0, (u.atOrAbove.firstIndex { $0.mean < 0.999 } ?? 0) - 1)
        let last = min(u.delay.count - 1, max(first, CapacityPlanning.placesNeeded(u.delay.map(\.mean), atMost: 0.001)))
        s += "  places  P(delay)   95% CI               1 in    P(N >= c)\n"
        for c in first...max(first, last) where c < u.delay.count {
            let d = u.delay[c], tail = c < u.atOrAbove.count ? u.atOrAbove[c].mean : 0
            s += "  " + pad("\(c)", 6) + "  " + pad(fmt(d.mean), 9) + "  " + pad("[\(fmt(d.lower)), \(fmt(d.upper))]", 19)
                + "  " + pad(d.mean > 0 ? fmt(1 / d.mean, digits: 1) : "-", 6) + "  " + fmt(tail) + "\n"
        }
        return s
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    static func fmt(_ x: Double, digits: Int = 4) -> String {
        guard x.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return "\((x * scale).rounded() / scale)"
    }
}

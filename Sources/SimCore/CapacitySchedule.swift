/// A capacity that changes over time: a repeating pattern (shifts in a day, a week's rota) plus dated
/// periods with extra or fewer places (winter escalation beds).
public struct CapacitySchedule: Sendable, Equatable {
    /// One step of a repeating pattern: from `offset` within the period, the capacity is `capacity`.
    public struct Step: Sendable, Equatable {
        public var offset: SimTime
        public var capacity: Int
        public init(offset: SimTime, capacity: Int) {
            self.offset = offset
            self.capacity = capacity
        }
    }

    /// A dated change: between `from` and `to`, `delta` places are added (negative: closed).
    public struct Period: Sendable, Equatable {
        public var from: SimTime
        public var to: SimTime
        public var delta: Int
        public init(from: SimTime, to: SimTime, delta: Int) {
            self.from = from
            self.to = to
            self.delta = delta
        }
    }

    public let period: SimTime
    /// Sorted by offset; the first has offset 0.
    public let steps: [Step]
    public let periods: [Period]

    /// A constant capacity.
    public init(constant capacity: Int, periods: [Period] = []) {
        self.init(period: .infinity, steps: [Step(offset: 0, capacity: capacity)], periods: periods)
    }

    /// A repeating pattern of `steps` over `period` (e.g. a day), plus dated `periods`.
    public init(period: SimTime, steps: [Step], periods: [Period] = []) {
        precondition(!steps.isEmpty && steps[0].offset == 0, "the first step starts at offset 0")
        precondition(zip(steps, steps.dropFirst()).allSatisfy { $0.offset < $1.offset && $1.offset < period })
        precondition(steps.allSatisfy { $0.capacity >= 0 } && periods.allSatisfy { $0.from < $0.to })
        self.period = period
        self.steps = steps
        self.periods = periods
    }

    /// The capacity in force at `t` (never below 0).
    public func capacity(at t: SimTime) -> Int {
        var c = patternCapacity(at: t)
        for p in periods where p.from <= t && t < p.to { c += p.delta }
        return max(0, c)
    }

    /// The first time after `t` at which the capacity may change, or nil if it never does.
    public func nextChange(after t: SimTime) -> SimTime? {
        var best = SimTime.infinity
        if period.isFinite && steps.count > 1 {
            let cycle = (t / period).rounded(.down)
            let offset = t - cycle * period
            if let s = steps.first(where: { $0.offset > offset }) {
                best = cycle * period + s.offset
            } else {
                best = (cycle + 1) * period  // the first step of the next cycle
            }
        }
        for p in periods {
            if p.from > t { best = min(best, p.from) }
            if p.to > t { best = min(best, p.to) }
        }
        return best.isFinite ? best : nil
    }

    /// An upper bound on the capacity the schedule gives: the pattern's peak plus the most extra places
    /// that dated periods add at one time (their sum only changes at a period's start or end).
    public var maximum: Int {
        let top = steps.map(\.capacity).max() ?? 0
        let boundaries = periods.flatMap { [$0.from, $0.to] }
        let extra = boundaries.map { t in
            periods.filter { $0.from <= t && t < $0.to }.reduce(0) { $0 + $1.delta }
        }.max() ?? 0
        return top + max(0, extra)
    }

    /// The places dated periods add at `t` (positive deltas only): extra capacity open now, such as escalation beds.
    /// - Complexity: O(periods).
    public func extraPlaces(at t: SimTime) -> Int {
        periods.reduce(0) { $0 + ($1.delta > 0 && t >= $1.from && t < $1.to ? $1.delta : 0) }
    }

    /// The time-integral of the places dated periods add (positive deltas only) over [from, to]: place-minutes of
    /// extra capacity, such as escalation beds open.
    public func extraPlaceMinutes(from: SimTime, to: SimTime) -> Double {
        periods.reduce(0) { sum, p in
            guard p.delta > 0 else { return sum }
            return sum + Double(p.delta) * max(0, min(to, p.to) - max(from, p.from))
        }
    }

    private func patternCapacity(at t: SimTime) -> Int {
        guard period.isFinite, steps.count > 1 else { return steps[0].capacity }
        let offset = t - (t / period).rounded(.down) * period
        var c = steps[0].capacity
        for s in steps where s.offset <= offset { c = s.capacity }
        return c
    }
}

/// Running count, mean, variance, minimum and maximum of observations, in O(1) memory.
///
/// Sums are kept about a shift K, the first observation ("assumed mean" method; Chan, Golub & LeVeque,
/// "Algorithms for computing the sample variance", 1983): var = (S2 - S1^2/n) / (n - 1) with S1, S2 the sums
/// of (x - K) and (x - K)^2. With K close to the mean this is as accurate as Welford's update and needs no
/// division per observation, which matters when every event adds to a tally.
public struct Tally: Sendable, Equatable {
    @usableFromInline var n: Int = 0
    @usableFromInline var shift: Double = 0
    @usableFromInline var s1: Double = 0
    @usableFromInline var s2: Double = 0
    @usableFromInline var lowest: Double = .infinity
    @usableFromInline var highest: Double = -.infinity

    public var count: Int { n }
    public var min: Double { lowest }
    public var max: Double { highest }

    public init() {}

    /// - Complexity: O(1).
    @inlinable public mutating func add(_ x: Double) {
        if n == 0 { shift = x }
        n &+= 1
        let d = x - shift
        s1 += d
        s2 += d * d
        if x < lowest { lowest = x }
        if x > highest { highest = x }
    }

    public var mean: Double { count > 0 ? shift + s1 / Double(count) : 0 }
    public var sum: Double { shift * Double(count) + s1 }
    /// Sample variance (n - 1 in the denominator); 0 with fewer than two observations.
    public var variance: Double {
        guard count > 1 else { return 0 }
        return Swift.max(0, (s2 - s1 * s1 / Double(count)) / Double(count - 1))
    }
    public var standardDeviation: Double { variance.squareRoot() }
    /// Standard error of the mean.
    public var standardError: Double { count > 1 ? (variance / Double(count)).squareRoot() : .infinity }

    public mutating func reset() { self = Tally() }
}

/// The time-weighted average of a piecewise-constant quantity (occupancy, queue length), in O(1) memory.
public struct TimeWeighted: Sendable, Equatable {
    public private(set) var value: Double = 0
    public private(set) var start: SimTime
    private var last: SimTime
    private var area: Double = 0
    private var areaSquares: Double = 0
    public private(set) var max: Double = 0

    public init(start: SimTime = 0, value: Double = 0) {
        self.start = start
        self.last = start
        self.value = value
        self.max = value
    }

    /// The quantity becomes `newValue` at `time`.
    /// - Complexity: O(1).
    @inlinable public mutating func update(to newValue: Double, at time: SimTime) { _update(newValue, time) }

    @usableFromInline mutating func _update(_ newValue: Double, _ time: SimTime) {
        let dt = time - last
        if dt > 0 {
            area += value * dt
            areaSquares += value * value * dt
            last = time
        }
        value = newValue
        if newValue > max { max = newValue }
    }

    /// The average over [start, time].
    public func mean(at time: SimTime) -> Double {
        let span = time - start
        guard span > 0 else { return value }
        return (area + value * Swift.max(0, time - last)) / span
    }

    /// The time-weighted variance over [start, time].
    public func variance(at time: SimTime) -> Double {
        let span = time - start
        guard span > 0 else { return 0 }
        let m = mean(at: time)
        let sq = (areaSquares + value * value * Swift.max(0, time - last)) / span
        return Swift.max(0, sq - m * m)
    }

    /// Restarts the average at `time`, keeping the current value (end of warm-up).
    public mutating func reset(at time: SimTime) {
        self = TimeWeighted(start: time, value: value)
    }
}

/// Time spent at each integer level of a quantity (e.g. beds occupied), and counts of the level seen at
/// daily audit points: the occupancy distribution two ways.
public struct OccupancyHistogram: Sendable, Equatable {
    /// `timeAtLevel[k]` = time spent with exactly k.
    public private(set) var timeAtLevel: [Double] = []
    /// `auditsAtLevel[k]` = audits that found exactly k.
    public private(set) var auditsAtLevel: [Int] = []
    public private(set) var level: Int
    private var last: SimTime
    public private(set) var start: SimTime

    public init(start: SimTime = 0, level: Int = 0) {
        self.start = start
        self.last = start
        self.level = level
    }

    /// A histogram rebuilt from its parts (a shard file read back by `flowsim merge`), exactly as it was.
    public init(timeAtLevel: [Double], auditsAtLevel: [Int], level: Int, start: SimTime, last: SimTime) {
        self.timeAtLevel = timeAtLevel
        self.auditsAtLevel = auditsAtLevel
        self.level = level
        self.start = start
        self.last = last
    }

    /// The time up to which `timeAtLevel` is accumulated (for writing the histogram out exactly).
    public var accumulatedUntil: SimTime { last }

    /// The level becomes `newLevel` at `time`.
    /// - Complexity: O(1) amortised.
    public mutating func update(to newLevel: Int, at time: SimTime) {
        precondition(newLevel >= 0, "levels are >= 0")
        accumulate(until: time)
        level = newLevel
    }

    /// Records the current level as seen by an audit (e.g. the midnight bed state).
    public mutating func audit() {
        if auditsAtLevel.count <= level { auditsAtLevel += Array(repeating: 0, count: level + 1 - auditsAtLevel.count) }
        auditsAtLevel[level] += 1
    }

    /// Time fractions at each level over [start, time].
    public func timeFractions(at time: SimTime) -> [Double] {
        var copy = self
        copy.accumulate(until: time)
        let total = time - start
        return total > 0 ? copy.timeAtLevel.map { $0 / total } : copy.timeAtLevel
    }

    /// Fraction of time at level >= k over [start, time].
    public func fractionAtOrAbove(_ k: Int, at time: SimTime) -> Double {
        let f = timeFractions(at: time)
        return k < f.count ? f[k...].reduce(0, +) : 0
    }

    public mutating func reset(at time: SimTime) {
        self = OccupancyHistogram(start: time, level: level)
    }

    private mutating func accumulate(until time: SimTime) {
        let dt = time - last
        guard dt > 0 else { return }
        if timeAtLevel.count <= level { timeAtLevel += Array(repeating: 0, count: level + 1 - timeAtLevel.count) }
        timeAtLevel[level] += dt
        last = time
    }
}

/// An `OccupancyHistogram` being recorded, for a model's hot path: the same arithmetic on the same numbers (so
/// `histogram` is exactly the histogram the same updates would give), in a buffer with one owner, so an update
/// makes no copy-on-write check and no call into the runtime (decision 204). One owner, one thread: its fields are
/// not checked for exclusive access.
public final class OccupancyRecorder {
    @exclusivity(unchecked) @usableFromInline var times = _UnsafeSlots<Double>(capacity: 16)
    @exclusivity(unchecked) @usableFromInline var audits: [Int] = []
    @exclusivity(unchecked) @usableFromInline var current: Int
    @exclusivity(unchecked) @usableFromInline var last: SimTime
    @exclusivity(unchecked) @usableFromInline var start: SimTime

    public init(start: SimTime = 0, level: Int = 0) {
        self.start = start
        self.last = start
        self.current = level
    }

    /// The level now.
    public var level: Int { current }

    deinit { times.deallocate() }

    /// The level becomes `newLevel` at `time` (as `OccupancyHistogram.update`).
    /// - Complexity: O(1) amortised.
    @inlinable public func update(to newLevel: Int, at time: SimTime) {
        precondition(newLevel >= 0, "levels are >= 0")
        let dt = time - last
        if dt > 0 {
            if times.count <= current { extend(to: current + 1) }
            times[current] += dt
            last = time
        }
        current = newLevel
    }

    /// Levels up to `count - 1` get a time, 0 for those not yet seen.
    @usableFromInline func extend(to count: Int) {
        while times.count < count { times.append(0) }
    }

    /// Records the current level as seen by an audit (as `OccupancyHistogram.audit`).
    public func audit() {
        if audits.count <= level { audits += Array(repeating: 0, count: level + 1 - audits.count) }
        audits[level] += 1
    }

    /// Restarts at `time`, keeping the level (as `OccupancyHistogram.reset`).
    public func reset(at time: SimTime) {
        times.removeAll()
        audits = []
        start = time
        last = time
    }

    /// What has been recorded, as a value.
    public var histogram: OccupancyHistogram {
        OccupancyHistogram(timeAtLevel: (0..<times.count).map { times[$0] }, auditsAtLevel: audits, level: level,
                           start: start, last: last)
    }
}

/// One value a day (a snapshot at an audit time, or a daily total), for daily series.
///
/// Memory is O(days), independent of the number of entities.
public struct DailySeries: Sendable, Equatable {
    public let name: String
    public private(set) var values: [Double] = []
    /// The first day recorded after the last reset.
    public private(set) var firstDay: Int = 0

    public init(name: String) { self.name = name }

    /// A series rebuilt from its values (a shard file read back by `flowsim merge`).
    public init(name: String, values: [Double], firstDay: Int) {
        self.name = name
        self.values = values
        self.firstDay = firstDay
    }

    /// Records the value for `day` (days count from 0 at the start of the run). Days must increase.
    public mutating func record(_ value: Double, day: Int) {
        if values.isEmpty { firstDay = day }
        precondition(day == firstDay + values.count, "days must be recorded in order, without gaps")
        values.append(value)
    }

    public var mean: Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }

    /// Drops what was recorded (end of warm-up).
    public mutating func reset() { values.removeAll(keepingCapacity: true) }
}

/// A piecewise-constant quantity integrated separately over slots of time: by hour of day (24 slots repeating
/// daily) or by calendar month (one slot per month), so its time-weighted mean can be reported per slot.
///
/// `boundaries` are the times at which the slot changes, ascending; `slotOfSegment[k]` is the slot of the time
/// from `boundaries[k - 1]` (or the start) to `boundaries[k]`. Hour-of-day slots repeat, so for those the
/// boundaries cover one day and time is taken modulo `period`.
public struct SlottedTimeWeighted: Sendable, Equatable {
    public private(set) var value: Double = 0
    private var last: SimTime
    /// Integral of the quantity, and time covered, per slot, but for the open slot's (below).
    private var closedArea: [Double]
    private var closedTime: [Double]
    private let period: SimTime
    private let slotLength: SimTime
    private let origin: SimTime
    private let monthStarts: [SimTime]
    /// The slot holding `last` (-1: none, or outside every slot), until `openEnd`, and its running sums: updates
    /// inside one slot add to these as they would to the arrays (the same additions in the same order, so the
    /// same sums), without a copy-on-write check or a slot lookup each (decision 204).
    private var openSlot = -1
    private var openEnd: SimTime = -.infinity
    private var openArea = 0.0
    private var openTime = 0.0

    /// Integral of the quantity, and time covered, per slot.
    public var area: [Double] { withOpenSlot(closedArea, openArea) }
    public var time: [Double] { withOpenSlot(closedTime, openTime) }

    private func withOpenSlot(_ closed: [Double], _ open: Double) -> [Double] {
        guard openSlot >= 0 else { return closed }
        var a = closed
        a[openSlot] = open
        return a
    }

    /// 24 slots of an hour, repeating every day from `start`'s midnight (day 0 starts at 0).
    public static func hourOfDay(start: SimTime) -> SlottedTimeWeighted {
        SlottedTimeWeighted(start: start, slots: 24, period: 1440, slotLength: 60, origin: 0, monthStarts: [])
    }

    /// One slot per interval between consecutive `monthStarts` (ascending times; slot k is
    /// [monthStarts[k], monthStarts[k + 1])); time before the first or after the last is not counted.
    public static func months(start: SimTime, monthStarts: [SimTime]) -> SlottedTimeWeighted {
        SlottedTimeWeighted(start: start, slots: max(0, monthStarts.count - 1), period: .infinity, slotLength: 0,
                            origin: 0, monthStarts: monthStarts)
    }

    private init(start: SimTime, slots: Int, period: SimTime, slotLength: SimTime, origin: SimTime, monthStarts: [SimTime]) {
        last = start
        closedArea = Array(repeating: 0, count: slots)
        closedTime = Array(repeating: 0, count: slots)
        self.period = period
        self.slotLength = slotLength
        self.origin = origin
        self.monthStarts = monthStarts
    }

    public static func == (a: SlottedTimeWeighted, b: SlottedTimeWeighted) -> Bool {
        a.value == b.value && a.last == b.last && a.area == b.area && a.time == b.time && a.period == b.period
            && a.slotLength == b.slotLength && a.origin == b.origin && a.monthStarts == b.monthStarts
    }

    /// The slot at time t and when it ends (nil: outside every slot, until the returned end).
    func slot(at t: SimTime) -> (slot: Int?, end: SimTime) {
        if period.isFinite {
            let k = ((t - origin) / slotLength).rounded(.down)
            let slots = Int(period / slotLength)
            return (((Int(k) % slots) + slots) % slots, origin + (k + 1) * slotLength)
        }
        guard let first = monthStarts.first, t >= first else { return (nil, monthStarts.first ?? .infinity) }
        var lo = 0, hi = monthStarts.count - 1  // the last start <= t
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if monthStarts[mid] <= t { lo = mid } else { hi = mid - 1 }
        }
        return lo < monthStarts.count - 1 ? (lo, monthStarts[lo + 1]) : (nil, .infinity)
    }

    /// Writes the open slot's sums back into the arrays.
    private mutating func closeSlot() {
        if openSlot >= 0 {
            closedArea[openSlot] = openArea
            closedTime[openSlot] = openTime
        }
        openSlot = -1
        openEnd = -.infinity
    }

    /// The quantity becomes `newValue` at `t`.
    /// - Complexity: O(slots crossed since the last update).
    public mutating func update(to newValue: Double, at t: SimTime) {
        var from = last
        while from < t {
            if !(from < openEnd) {
                // `from` (the last time, which never goes back) has left the open slot.
                closeSlot()
                let (s, end) = slot(at: from)
                openEnd = end
                if let s {
                    openSlot = s
                    openArea = closedArea[s]
                    openTime = closedTime[s]
                }
            }
            let to = Swift.min(openEnd, t)
            if openSlot >= 0 {
                openArea += value * (to - from)
                openTime += to - from
            }
            from = to
        }
        last = Swift.max(last, t)
        value = newValue
    }

    /// Restarts the integrals at `t` (end of warm-up), keeping the current value.
    public mutating func reset(at t: SimTime) {
        closeSlot()
        for i in closedArea.indices { closedArea[i] = 0; closedTime[i] = 0 }
        last = t
    }

    /// The time-weighted mean of each slot up to `t` (NaN for a slot with no time).
    public func means(at t: SimTime) -> [Double] {
        var copy = self
        copy.update(to: value, at: t)
        return zip(copy.area, copy.time).map { $1 > 0 ? $0 / $1 : .nan }
    }
}

/// Waits for a place, one per grant: how many were granted one, how many waited at all (wait > 0), the total
/// wait, and how many waited longer than each threshold, in O(1 + thresholds) time per grant and no allocation.
public struct WaitTally: Sendable, Equatable {
    /// Ascending thresholds, in the same unit as the waits.
    public let thresholds: [Double]
    public private(set) var count = 0
    public private(set) var waited = 0
    public private(set) var total = 0.0
    /// `over[k]` = waits longer than `thresholds[k]`.
    public private(set) var over: [Int]

    public init(thresholds: [Double] = []) {
        precondition(zip(thresholds, thresholds.dropFirst()).allSatisfy { $0 < $1 }, "thresholds must ascend")
        self.thresholds = thresholds
        over = Array(repeating: 0, count: thresholds.count)
    }

    /// One grant after a wait of `wait` (0 for a place taken at once).
    /// - Complexity: O(number of thresholds the wait exceeds).
    public mutating func add(_ wait: Double) {
        count &+= 1
        guard wait > 0 else { return }
        waited &+= 1
        total += wait
        for k in over.indices {
            guard wait > thresholds[k] else { break }
            over[k] &+= 1
        }
    }

    /// Mean wait over every grant (waits of 0 included); NaN with no grants.
    public var mean: Double { count > 0 ? total / Double(count) : .nan }
    /// Share of grants that waited at all; NaN with no grants.
    public var waitedShare: Double { count > 0 ? Double(waited) / Double(count) : .nan }
    /// Share of grants that waited longer than `thresholds[k]`; NaN with no grants.
    public func overShare(_ k: Int) -> Double { count > 0 ? Double(over[k]) / Double(count) : .nan }

    /// Forgets every wait (end of warm-up).
    public mutating func reset() { self = WaitTally(thresholds: thresholds) }
}

/// Names one resource of a `ResourcePool`.
public struct ResourceID: Hashable, Sendable, Comparable {
    public let index: Int
    @inlinable public init(index: Int) { self.index = index }
    public static func < (a: ResourceID, b: ResourceID) -> Bool { a.index < b.index }
}

/// How a resource orders the requests waiting for it.
public enum QueueDiscipline: Sendable, Equatable {
    /// First come, first served.
    case fifo
    /// Lowest `priority` value first; first come, first served among equals.
    case priority
}

/// A place given to an entity that had been waiting.
public struct Grant: Equatable, Sendable {
    public var resource: ResourceID
    public var entity: Int
    /// When the entity asked: the wait is `now - requestedAt`.
    public var requestedAt: SimTime
    /// The place the entity held while it waited (blocking after service), now released; nil if none.
    public var released: ResourceID?
}

/// Resources with integer capacity, waiting queues and blocking after service. No events, no I/O.
///
/// * `request` takes a place if one is free and nobody is waiting, else queues the entity.
/// * `release` frees a place; if someone waits, the place passes straight to the head of the queue.
/// * **Blocking after service**: `request(_:entity:releasing:)` asks for the next place while the entity keeps
///   the one it has. The old place is released only when the new one is granted, and blocked entities are
///   served in the order they blocked. A release can therefore cascade (a care place frees a bed, which lets
///   a boarded patient leave a cubicle, which lets an ambulance hand over), all at the same instant.
/// * Capacity may change at any time (`setCapacity`, e.g. from a `CapacitySchedule`); a reduction never
///   evicts anyone, it only stops new grants until the number busy falls below the new capacity.
///
/// Grants to entities that were waiting are appended to `grants`, in the order they happen; the model drains
/// them with `nextGrant()` after each call and starts whatever the new place means.
///
/// One pool belongs to one replication on one thread; its stored state opts out of dynamic exclusivity
/// checks for speed (see `Simulator`).
public final class ResourcePool {
    struct Waiting: Comparable {
        var entity: Int
        var requestedAt: SimTime
        var priority: Int
        var releasing: Int  // resource index, or -1
        var sequence: UInt64

        /// Served first: the lowest priority value, then the earliest request (a total order: sequences differ).
        static func < (a: Waiting, b: Waiting) -> Bool {
            a.priority < b.priority || (a.priority == b.priority && a.sequence < b.sequence)
        }
        static func == (a: Waiting, b: Waiting) -> Bool { a.priority == b.priority && a.sequence == b.sequence }
    }

    struct Unit {
        var name: String
        var capacity: Int
        var busy: Int = 0
        var discipline: QueueDiscipline
        var fifo = _UnsafeRing<Waiting>()
        var ranked = BinaryHeap<Waiting>()  // when discipline == .priority
        var busyStat: TimeWeighted
        var queueStat: TimeWeighted
        /// Whether the time-weighted statistics are kept (simmer's `mon` flag).
        var monitored: Bool
        var grantsBeyondCapacity = 0
        var queueCount: Int { discipline == .fifo ? fifo.count : ranked.count }
    }

    @exclusivity(unchecked) var units = _UnsafeSlots<Unit>(capacity: 8)
    /// Grants not yet handled: `pending[pendingHead..<pending.count]`.
    @exclusivity(unchecked) var pending = _UnsafeSlots<Grant>(capacity: 16)
    @exclusivity(unchecked) var pendingHead = 0
    @exclusivity(unchecked) var sequence: UInt64 = 0
    /// The time of the latest change, for the time-weighted statistics.
    @exclusivity(unchecked) var clock: SimTime = 0

    public init() {}

    deinit {
        for i in 0..<units.count { units[i].fifo.deallocate() }
        units.deallocate()
        pending.deallocate()
    }

    /// Adds a resource and returns its id.
    ///
    /// `monitored: false` skips the time-weighted occupancy and queue statistics (as simmer's `mon = FALSE`)
    /// for models that do not read them; `busyStatistic` and `queueStatistic` then stay at their start.
    public func add(name: String, capacity: Int, discipline: QueueDiscipline = .fifo, at time: SimTime = 0,
                    monitored: Bool = true) -> ResourceID {
        precondition(capacity >= 0, "capacity must be >= 0")
        units.append(Unit(name: name, capacity: capacity, discipline: discipline,
                          busyStat: TimeWeighted(start: time), queueStat: TimeWeighted(start: time), monitored: monitored))
        return ResourceID(index: units.count - 1)
    }

    /// The number of resources.
    public var count: Int { units.count }
    public func name(_ r: ResourceID) -> String { units[r.index].name }
    public func capacity(_ r: ResourceID) -> Int { units[r.index].capacity }
    /// Places held, including by entities blocked waiting elsewhere.
    public func busy(_ r: ResourceID) -> Int { units[r.index].busy }
    public func queueLength(_ r: ResourceID) -> Int { units[r.index].queueCount }
    public func free(_ r: ResourceID) -> Int { max(0, units[r.index].capacity - units[r.index].busy) }
    /// Time-weighted number of places held.
    public func busyStatistic(_ r: ResourceID) -> TimeWeighted { units[r.index].busyStat }
    /// Time-weighted queue length.
    public func queueStatistic(_ r: ResourceID) -> TimeWeighted { units[r.index].queueStat }
    /// Grants that left more places held than the capacity allowed: always 0 unless the pool is wrong.
    public func grantsBeyondCapacity(_ r: ResourceID) -> Int { units[r.index].grantsBeyondCapacity }

    /// The entities waiting for `r`, in the order they will be served.
    public func waitingEntities(_ r: ResourceID) -> [Int] {
        let u = units[r.index]
        if u.discipline == .fifo { return (0..<u.fifo.count).map { u.fifo.element(at: $0).entity } }
        return u.ranked.unordered.sorted().map(\.entity)
    }

    // MARK: Requests

    /// Asks for one place of `r` for `entity`, optionally keeping the place `releasing` until it is granted.
    ///
    /// Returns true if the place was granted now (then `releasing`, if given, has been released, which may
    /// have produced grants for others). Returns false if the entity now waits; its grant will come through
    /// `nextGrant()`.
    /// - Complexity: O(1) for FIFO, O(log q) for a priority queue, plus any cascade.
    @discardableResult
    public func request(_ r: ResourceID, entity: Int, at now: SimTime, priority: Int = 0,
                        releasing: ResourceID? = nil) -> Bool {
        advance(to: now)
        let i = r.index
        if units[i].busy < units[i].capacity && units[i].queueCount == 0 {
            setBusy(i, units[i].busy + 1, now)
            if let old = releasing { release(old, at: now) }
            return true
        }
        let w = Waiting(entity: entity, requestedAt: now, priority: priority,
                        releasing: releasing?.index ?? -1, sequence: sequence)
        sequence &+= 1
        enqueue(i, w)
        if units[i].monitored { units[i].queueStat.update(to: Double(units[i].queueCount), at: now) }
        return false
    }

    /// Frees one place of `r`; the place passes to the head of the queue if the capacity allows.
    ///
    /// A grant to a blocked entity releases the place it held, and so on down the chain.
    /// - Complexity: O(1) per grant in the cascade (FIFO).
    public func release(_ r: ResourceID, at now: SimTime) {
        advance(to: now)
        var next = r.index
        while next >= 0 {
            let i = next
            next = -1
            precondition(units[i].busy > 0, "release of \(units[i].name) with no place held")
            if units[i].busy <= units[i].capacity, let w = dequeue(i) {
                // The place passes on: the number held is unchanged.
                if units[i].monitored { units[i].queueStat.update(to: Double(units[i].queueCount), at: now) }
                pending.append(Grant(resource: ResourceID(index: i), entity: w.entity, requestedAt: w.requestedAt,
                                     released: w.releasing >= 0 ? ResourceID(index: w.releasing) : nil))
                next = w.releasing
            } else {
                setBusy(i, units[i].busy - 1, now)
            }
        }
    }

    /// Removes `entity`'s waiting request for `r` (reneging). Returns false if it was not waiting.
    /// - Complexity: O(q).
    @discardableResult
    public func withdraw(_ r: ResourceID, entity: Int, at now: SimTime) -> Bool {
        advance(to: now)
        let i = r.index
        if units[i].discipline == .fifo {
            guard let k = (0..<units[i].fifo.count).first(where: { units[i].fifo.element(at: $0).entity == entity })
            else { return false }
            units[i].fifo.remove(at: k)
        } else {
            guard units[i].ranked.removeFirst(where: { $0.entity == entity }) else { return false }
        }
        if units[i].monitored { units[i].queueStat.update(to: Double(units[i].queueCount), at: now) }
        return true
    }

    /// Sets the capacity of `r`. An increase grants places to waiting entities at once (see `nextGrant()`).
    public func setCapacity(_ r: ResourceID, _ capacity: Int, at now: SimTime) {
        precondition(capacity >= 0, "capacity must be >= 0")
        advance(to: now)
        let i = r.index
        units[i].capacity = capacity
        while units[i].busy < units[i].capacity, let w = dequeue(i) {
            setBusy(i, units[i].busy + 1, now)
            if units[i].monitored { units[i].queueStat.update(to: Double(units[i].queueCount), at: now) }
            pending.append(Grant(resource: r, entity: w.entity, requestedAt: w.requestedAt,
                                 released: w.releasing >= 0 ? ResourceID(index: w.releasing) : nil))
            if w.releasing >= 0 { release(ResourceID(index: w.releasing), at: now) }
        }
    }

    /// The next grant not yet handled by the model, oldest first.
    /// - Complexity: O(1).
    public func nextGrant() -> Grant? {
        guard pendingHead < pending.count else { return nil }
        let g = pending[pendingHead]
        pendingHead += 1
        if pendingHead == pending.count {
            pending.removeAll()
            pendingHead = 0
        }
        return g
    }

    /// Grants not yet handled.
    public var pendingGrants: Int { pending.count - pendingHead }

    // MARK: Statistics

    /// Restarts every resource's statistics at `time` (end of warm-up).
    public func resetStatistics(at time: SimTime) {
        for i in 0..<units.count {
            units[i].busyStat.reset(at: time)
            units[i].queueStat.reset(at: time)
        }
    }

    // MARK: Internals

    func advance(to now: SimTime) {
        precondition(now >= clock, "time went back: \(now) < \(clock)")
        clock = now
    }

    func setBusy(_ i: Int, _ value: Int, _ now: SimTime) {
        if value > units[i].busy && value > units[i].capacity { units[i].grantsBeyondCapacity += 1 }
        units[i].busy = value
        if units[i].monitored { units[i].busyStat.update(to: Double(value), at: now) }
    }

    func enqueue(_ i: Int, _ w: Waiting) {
        if units[i].discipline == .fifo {
            units[i].fifo.append(w)
        } else {
            units[i].ranked.insert(w)
        }
    }

    func dequeue(_ i: Int) -> Waiting? {
        units[i].discipline == .fifo ? units[i].fifo.popFirst() : units[i].ranked.popMin()
    }
}

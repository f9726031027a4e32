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
/// * **Overflow** (`setOverflow`): a request for a resource with no free place may take a free place of another
///   resource it is allowed to overflow into (a bed in another specialty's pool); a place freed there serves its
///   own queue first, then the queues of the resources that overflow into it, in the order they were declared.
/// * **Turnaround** (`setTurnaround`): a released place is not granted again until the model calls
///   `completeTurnaround` (it schedules that after a cleaning time); such places are neither held nor free.
/// * **Acceptance** (`setAccepting`): a resource that is not accepting grants nothing (requests queue, freed
///   places stay free) until it accepts again, when it fills its free places from its queue.
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
        /// Places released and not yet grantable (turnaround under way), and whether releases start one.
        var turning = 0
        var turnaround = false
        /// Whether grants may be made (acceptance hours).
        var accepting = true
        /// Resources this one's requests may overflow into, and those that may overflow into it (in order).
        var overflowTo: [Int] = []
        var overflowFrom: [Int] = []
        /// Places kept for this resource's own requests: an overflow request takes a place here only while more
        /// than this many are free.
        var overflowReserve = 0
        /// Only requests with a priority value at most this may overflow from this resource.
        var overflowMaxPriority = Int.max
        var queueCount: Int { discipline == .fifo ? fifo.count : ranked.count }
        /// A new request can take a place now (free, accepting, nobody waiting ahead).
        var grantsNewRequest: Bool { accepting && busy + turning < capacity && queueCount == 0 }
    }

    @exclusivity(unchecked) var units = _UnsafeSlots<Unit>(capacity: 8)
    /// Places whose turnaround started and that the model has not yet been told of.
    @exclusivity(unchecked) @usableFromInline var turnarounds = _UnsafeSlots<Int>(capacity: 8)
    @exclusivity(unchecked) @usableFromInline var turnaroundHead = 0
    /// Grants not yet handled: `pending[pendingHead..<pending.count]`.
    @exclusivity(unchecked) @usableFromInline var pending = _UnsafeSlots<Grant>(capacity: 16)
    @exclusivity(unchecked) @usableFromInline var pendingHead = 0
    @exclusivity(unchecked) var sequence: UInt64 = 0
    /// The time of the latest change, for the time-weighted statistics.
    @exclusivity(unchecked) var clock: SimTime = 0

    public init() {}

    deinit {
        for i in 0..<units.count { units[i].fifo.deallocate() }
        units.deallocate()
        pending.deallocate()
        turnarounds.deallocate()
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
    public func free(_ r: ResourceID) -> Int {
        max(0, units[r.index].capacity - units[r.index].busy - units[r.index].turning)
    }
    /// Places in turnaround (released, not yet grantable).
    public func turningAround(_ r: ResourceID) -> Int { units[r.index].turning }
    public func isAccepting(_ r: ResourceID) -> Bool { units[r.index].accepting }
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
    /// Returns true if a place was granted now (then `releasing`, if given, has been released, which may
    /// have produced grants for others). Returns false if the entity now waits; its grant will come through
    /// `nextGrant()`. With overflow the place granted may be another resource's: `requestPlace` says which.
    /// - Complexity: O(1) for FIFO, O(log q) for a priority queue, plus any cascade.
    @discardableResult
    public func request(_ r: ResourceID, entity: Int, at now: SimTime, priority: Int = 0,
                        releasing: ResourceID? = nil) -> Bool {
        requestPlace(r, entity: entity, at: now, priority: priority, releasing: releasing) != nil
    }

    /// As `request`, returning the resource whose place was granted now (`r`, or one it overflows into when `r`
    /// has none free), or nil if the entity waits in `r`'s queue.
    /// - Complexity: O(1 + overflow targets) for FIFO, O(log q) for a priority queue, plus any cascade.
    public func requestPlace(_ r: ResourceID, entity: Int, at now: SimTime, priority: Int = 0,
                             releasing: ResourceID? = nil) -> ResourceID? {
        advance(to: now)
        let i = r.index
        var granted = -1
        if units[i].grantsNewRequest {
            granted = i
        } else {
            for o in units[i].overflowTo where priority <= units[i].overflowMaxPriority && units[o].grantsNewRequest
                && freeCount(o) > units[o].overflowReserve {
                granted = o
                break
            }
        }
        if granted >= 0 {
            setBusy(granted, units[granted].busy + 1, now)
            if let old = releasing { release(old, at: now) }
            return ResourceID(index: granted)
        }
        let w = Waiting(entity: entity, requestedAt: now, priority: priority,
                        releasing: releasing?.index ?? -1, sequence: sequence)
        sequence &+= 1
        enqueue(i, w)
        if units[i].monitored { units[i].queueStat.update(to: Double(units[i].queueCount), at: now) }
        return nil
    }

    /// Frees one place of `r`; the place passes to the head of the queue (or of a queue that overflows into `r`)
    /// if the capacity allows, or starts its turnaround.
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
            if units[i].turnaround {
                setBusy(i, units[i].busy - 1, now)
                units[i].turning += 1
                turnarounds.append(i)
            } else if units[i].accepting && units[i].busy + units[i].turning <= units[i].capacity,
                      let (from, w) = nextWaiting(i, freeing: true).map({ ($0.queue, $0.request) }) {
                // The place passes on: the number held is unchanged.
                if units[from].monitored { units[from].queueStat.update(to: Double(units[from].queueCount), at: now) }
                pending.append(Grant(resource: ResourceID(index: i), entity: w.entity, requestedAt: w.requestedAt,
                                     released: w.releasing >= 0 ? ResourceID(index: w.releasing) : nil))
                next = w.releasing
            } else {
                setBusy(i, units[i].busy - 1, now)
            }
        }
    }

    /// Ends the turnaround of one place of `r`: the place is free, and passes to whoever waits for it.
    public func completeTurnaround(_ r: ResourceID, at now: SimTime) {
        advance(to: now)
        precondition(units[r.index].turning > 0, "no turnaround under way at \(units[r.index].name)")
        units[r.index].turning -= 1
        fill(r.index, now)
    }

    /// Whether a turnaround started since the last `nextTurnaround()` returned nil (one comparison, inline).
    @inlinable public var hasTurnarounds: Bool { turnaroundHead < turnarounds.count }

    /// The next resource whose place started a turnaround since the last call (the model schedules its end).
    /// - Complexity: O(1).
    @inlinable public func nextTurnaround() -> ResourceID? {
        guard turnaroundHead < turnarounds.count else { return nil }
        let i = turnarounds[turnaroundHead]
        turnaroundHead += 1
        if turnaroundHead == turnarounds.count {
            turnarounds.removeAll()
            turnaroundHead = 0
        }
        return ResourceID(index: i)
    }

    /// Whether releases of `r` start a turnaround (see `completeTurnaround`).
    public func setTurnaround(_ r: ResourceID, _ enabled: Bool) { units[r.index].turnaround = enabled }

    /// Keeps `places` of `r` for its own requests: overflow from other resources takes a place of `r` only while
    /// more than `places` are free.
    public func setOverflowReserve(_ r: ResourceID, _ places: Int) { units[r.index].overflowReserve = max(0, places) }

    /// Lets requests for `r` overflow into `targets` (in this order) when `r` has no free place; only requests
    /// with a priority value at most `maxPriority` (e.g. ambulance arrivals, 0, in an ambulance-first queue).
    public func setOverflow(_ r: ResourceID, to targets: [ResourceID], maxPriority: Int = .max) {
        units[r.index].overflowMaxPriority = maxPriority
        for t in units[r.index].overflowTo { units[t].overflowFrom.removeAll { $0 == r.index } }
        units[r.index].overflowTo = targets.map(\.index).filter { $0 != r.index }
        for t in units[r.index].overflowTo { units[t].overflowFrom.append(r.index) }
    }

    /// Starts or stops grants at `r` (acceptance hours). Starting fills free places from the queues at once.
    public func setAccepting(_ r: ResourceID, _ accepting: Bool, at now: SimTime) {
        advance(to: now)
        units[r.index].accepting = accepting
        if accepting { fill(r.index, now) }
    }

    /// Moves a blocked entity waiting in `r`'s queue from the place it holds to a free place of `to` (a boarding
    /// patient moving from a cubicle to a corridor space): the entity takes a place of `to`, keeps its place in
    /// `r`'s queue, and releases the old place (which may cascade). Returns false, changing nothing, if `to` has
    /// no free place or the entity is not waiting in `r`'s queue holding a place.
    /// - Complexity: O(q) to find the entity in the queue, plus any cascade.
    @discardableResult
    public func transferHeld(entity: Int, waitingFor r: ResourceID, to: ResourceID, at now: SimTime) -> Bool {
        advance(to: now)
        let i = r.index, t = to.index
        guard units[t].grantsNewRequest else { return false }
        var old = -1
        if units[i].discipline == .fifo {
            guard let k = (0..<units[i].fifo.count).first(where: { units[i].fifo.element(at: $0).entity == entity }) else { return false }
            old = units[i].fifo.element(at: k).releasing
            guard old >= 0 else { return false }
            units[i].fifo.update(at: k) { $0.releasing = t }
        } else {
            guard let w = units[i].ranked.unordered.first(where: { $0.entity == entity }), w.releasing >= 0 else { return false }
            old = w.releasing
            units[i].ranked.removeFirst { $0.entity == entity }
            var moved = w
            moved.releasing = t
            units[i].ranked.insert(moved)
        }
        setBusy(t, units[t].busy + 1, now)
        release(ResourceID(index: old), at: now)
        return true
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
        units[r.index].capacity = capacity
        fill(r.index, now)
    }

    /// Grants free places of resource `i` to those waiting for it (its queue, then overflow queues), each grant
    /// releasing the place its entity held.
    func fill(_ i: Int, _ now: SimTime) {
        while units[i].accepting && units[i].busy + units[i].turning < units[i].capacity, let found = nextWaiting(i) {
            let (from, w) = (found.queue, found.request)
            setBusy(i, units[i].busy + 1, now)
            if units[from].monitored { units[from].queueStat.update(to: Double(units[from].queueCount), at: now) }
            pending.append(Grant(resource: ResourceID(index: i), entity: w.entity, requestedAt: w.requestedAt,
                                 released: w.releasing >= 0 ? ResourceID(index: w.releasing) : nil))
            if w.releasing >= 0 { release(ResourceID(index: w.releasing), at: now) }
        }
    }

    /// Who a free place of resource `i` goes to: the head of its own queue, else of the first queue that
    /// overflows into it; removed from that queue. Returns the queue's resource and the request.
    func nextWaiting(_ i: Int, freeing: Bool = false) -> (queue: Int, request: Waiting)? {
        if let w = dequeue(i) { return (i, w) }
        // Free places before this grant (counting the place being released, if any) must exceed the reserve.
        guard freeCount(i) + (freeing ? 1 : 0) > units[i].overflowReserve else { return nil }
        for s in units[i].overflowFrom {
            guard let head = peek(s), head.priority <= units[s].overflowMaxPriority else { continue }
            if let w = dequeue(s) { return (s, w) }
        }
        return nil
    }

    /// The request that would be served next from resource `i`'s queue.
    func peek(_ i: Int) -> Waiting? {
        if units[i].discipline == .fifo { return units[i].fifo.count > 0 ? units[i].fifo.element(at: 0) : nil }
        return units[i].ranked.min
    }

    func freeCount(_ i: Int) -> Int { max(0, units[i].capacity - units[i].busy - units[i].turning) }

    /// Whether a grant is waiting to be taken by `nextGrant()` (one comparison, inline).
    @inlinable public var hasGrants: Bool { pendingHead < pending.count }

    /// The next grant not yet handled by the model, oldest first.
    /// - Complexity: O(1).
    @inlinable public func nextGrant() -> Grant? {
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
        if value > units[i].busy && value + units[i].turning > units[i].capacity { units[i].grantsBeyondCapacity += 1 }
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

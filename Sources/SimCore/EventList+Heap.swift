/// The default event list: an implicit 4-ary min-heap in contiguous memory beside a FIFO *lane*, with lazy
/// cancellation.
///
/// Sifting moves a hole rather than swapping (Knuth, TAOCP vol. 3, §5.2.3); deletion is bottom-up (Floyd). Cancelled
/// events stay in the heap and are skipped when they reach the top; the set of cancelled sequences holds only
/// events still in the heap, so memory stays O(pending events).
///
/// Events given to `scheduleOrdered` go into the lane when they come after every event in it in the (time,
/// priority, sequence) order, into the heap otherwise; `schedule` always uses the heap. The lane is therefore
/// sorted, and taking the earlier of the heap's top and the lane's head gives exactly the heap's order. A model
/// that schedules many events at one long fixed delay (a follow-up 91 days after each discharge) through
/// `scheduleOrdered` fills the lane in order and keeps the heap small: O(1) for those instead of O(log n).
///
/// With `bucketFutureEvents(width:count:from:)` the list also keeps *buckets*, a calendar (Brown 1988, "Calendar
/// queues", CACM 31(10)) in front of the heap: an event due at or after the start of the first bucket not yet
/// opened goes, unsorted, into the bucket of its time (a ring of `count` buckets of `width`; an event past the
/// ring goes to the heap). When the earliest event in the heap and the lane is not before that bucket's start,
/// the bucket is opened: its events are pushed into the heap. Every event in a bucket is at or after the
/// start of the first unopened bucket, so the order is exactly the heap's. The heap then holds only the events
/// of the next few minutes, and a pop sifts through 2-3 levels instead of 5-6 (decision 86).
///
/// A class, not a struct: an event list has one owner (its `Simulator`), and reference semantics spare the
/// hot path the copy-on-write uniqueness checks an array would make on every push and pop.
public final class HeapEventList<Payload>: EventList {
    @exclusivity(unchecked) @usableFromInline var heap = _UnsafeSlots<ScheduledEvent<Payload>>(capacity: 64)
    @exclusivity(unchecked) @usableFromInline var nextSequence: UInt64 = 0
    @exclusivity(unchecked) @usableFromInline var cancelled: Set<UInt64> = []
    /// `cancelled.count`, kept as a plain integer so the hot path does not touch the set when it is empty.
    @exclusivity(unchecked) @usableFromInline var cancelledCount = 0
    /// The lane: a ring of `laneMask + 1` slots (a power of two) holding `laneCount` events from `laneHead` on.
    @exclusivity(unchecked) @usableFromInline var lane = UnsafeMutablePointer<ScheduledEvent<Payload>>.allocate(capacity: 64)
    @exclusivity(unchecked) @usableFromInline var laneMask = 63
    @exclusivity(unchecked) @usableFromInline var laneHead = 0
    @exclusivity(unchecked) @usableFromInline var laneCount = 0
    /// The order of the lane's last event (0, before every event, when it is empty).
    @exclusivity(unchecked) @usableFromInline var laneTail: UInt128 = 0

    /// Buckets (off unless `bucketFutureEvents` turned them on: the first unopened bucket starts at infinity).
    /// The first unopened bucket is number `farIndex` (time `farStart = farIndex x bucketWidth`); events at or
    /// after `farLimit`, the end of the ring, go to the heap.
    @exclusivity(unchecked) @usableFromInline var farStart: SimTime = .infinity
    @exclusivity(unchecked) @usableFromInline var farLimit: SimTime = .infinity
    /// `farStart`'s order: an event is before every event in the buckets if its order is below this.
    @exclusivity(unchecked) @usableFromInline var farStartOrder: UInt128 = .max
    @exclusivity(unchecked) @usableFromInline var farIndex = 0
    @exclusivity(unchecked) @usableFromInline var bucketWidth: SimTime = 0
    /// Buckets in the ring, less one (a power of two, less one).
    @exclusivity(unchecked) @usableFromInline var bucketMask = 0
    /// Events in buckets (cancelled ones included).
    @exclusivity(unchecked) @usableFromInline var farCount = 0
    /// Each bucket's first node, or -1; a node is an event (`farEvents`) and the next node of its bucket
    /// (`farNext`). Nodes that left are reused from a free list (`freeNode`, linked through `farNext`).
    @exclusivity(unchecked) @usableFromInline var bucketHeads: UnsafeMutablePointer<Int32>? = nil
    @exclusivity(unchecked) @usableFromInline var farEvents: UnsafeMutablePointer<ScheduledEvent<Payload>>? = nil
    @exclusivity(unchecked) @usableFromInline var farNext: UnsafeMutablePointer<Int32>? = nil
    @exclusivity(unchecked) @usableFromInline var farNodes = 0, farCapacity = 0
    @exclusivity(unchecked) @usableFromInline var freeNode: Int32 = -1

    /// The last `end` given to `popNext(notAfter:)` and the greatest order of an event not after it, so each pop
    /// compares orders instead of turning the first event's order back into a time.
    @exclusivity(unchecked) @usableFromInline var endTime: SimTime = .infinity
    @exclusivity(unchecked) @usableFromInline var endOrder: UInt128 = HeapEventList.lastOrder(notAfter: .infinity)

    /// The greatest order of an event at or before `end`: every event at `end` is included whatever its key, and
    /// none is for a NaN `end` (no time is <= NaN).
    @inlinable static func lastOrder(notAfter end: SimTime) -> UInt128 {
        end.isNaN ? 0 : UInt128(ScheduledEvent<Payload>.orderBits(end)) << 64 | UInt128(UInt64.max)
    }

    public init() {}
    deinit {
        heap.deallocate()
        for k in 0..<laneCount { (lane + ((laneHead &+ k) & laneMask)).deinitialize(count: 1) }
        lane.deallocate()
        emptyBuckets()
        bucketHeads?.deallocate()
        farEvents?.deallocate()
        farNext?.deallocate()
    }

    /// - Complexity: O(1).
    @inlinable public var count: Int { heap.count + laneCount + farCount - cancelledCount }

    /// Turns buckets on: `count` buckets (rounded up to a power of two) of `width` each, the first starting at
    /// the first multiple of `width` after `time` (the clock now). For a model whose events are mostly scheduled
    /// minutes to days ahead, with `width` a few minutes and the ring spanning the usual delays. Call it while
    /// the list is empty.
    public func bucketFutureEvents(width: SimTime, count: Int, from time: SimTime) {
        precondition(self.count == 0 && farCount == 0, "turn buckets on before scheduling")
        precondition(width > 0 && width.isFinite && count > 0 && time.isFinite)
        var n = 1
        while n < count { n <<= 1 }
        bucketHeads?.deallocate()
        bucketHeads = .allocate(capacity: n)
        bucketHeads.unsafelyUnwrapped.initialize(repeating: -1, count: n)
        bucketMask = n - 1
        bucketWidth = width
        setFarIndex(Int((time / width).rounded(.down)) + 1)
    }

    @inlinable func setFarIndex(_ k: Int) {
        farIndex = k
        farStart = Double(k) * bucketWidth
        farLimit = Double(k + bucketMask + 1) * bucketWidth
        farStartOrder = UInt128(ScheduledEvent<Payload>.orderBits(farStart)) << 64
    }

    /// - Complexity: O(log n).
    @inlinable @discardableResult
    public func schedule(at time: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(!time.isNaN, "event time is NaN")
        let seq = nextSequence
        nextSequence &+= 1
        let e = ScheduledEvent(time: time, key: ScheduledEvent<Payload>.makeKey(priority, seq), payload: payload)
        place(e, time)
        return EventID(sequence: seq)
    }

    /// Adds an event expected to come after every event added this way before it (one fixed delay from a clock
    /// that never goes back): it joins the lane if it does, else the heap. The order is the same as `schedule`'s.
    /// - Complexity: O(1) in the lane, O(log n) otherwise.
    @inlinable @discardableResult
    public func scheduleOrdered(at time: SimTime, priority: EventPriority = .normal, _ payload: Payload) -> EventID {
        precondition(!time.isNaN, "event time is NaN")
        let seq = nextSequence
        nextSequence &+= 1
        let e = ScheduledEvent(time: time, key: ScheduledEvent<Payload>.makeKey(priority, seq), payload: payload)
        guard e.order > laneTail else {
            place(e, time)
            return EventID(sequence: seq)
        }
        if laneCount > laneMask { growLane() }
        (lane + ((laneHead &+ laneCount) & laneMask)).initialize(to: e)
        laneCount &+= 1
        laneTail = e.order
        return EventID(sequence: seq)
    }

    /// Puts `e`, due at `time`, in its bucket if the ring holds that time, else in the heap.
    @inlinable @inline(__always)
    func place(_ e: ScheduledEvent<Payload>, _ time: SimTime) {
        if time >= farStart && time < farLimit { bucket(e, time) } else { push(e) }
    }

    /// Puts `e`, due at `time` (`farStart <= time < farLimit`), in its bucket.
    @inlinable @inline(__always)
    func bucket(_ e: ScheduledEvent<Payload>, _ time: SimTime) {
        // A bucket `k`, opened when `farStart` reaches k x width, may only hold events at or after that start;
        // an event in a bucket before its own is harmless (it reaches the heap early). The truncated quotient is
        // within one of the right bucket (rounding, and truncation below 0): one exact test takes it down if it
        // is one too many, and a bucket already opened is replaced by the first unopened one, whose start is
        // not after `time` either.
        var k = Int(time / bucketWidth)
        if Double(k) * bucketWidth > time { k &-= 1 }
        if k < farIndex { k = farIndex }
        assert(Double(k) * bucketWidth <= time && k - farIndex <= bucketMask)
        let n: Int
        if freeNode >= 0 {
            n = Int(freeNode)
            freeNode = farNext.unsafelyUnwrapped[n]
        } else {
            if farNodes == farCapacity { growNodes() }
            n = farNodes
            farNodes &+= 1
        }
        (farEvents.unsafelyUnwrapped + n).initialize(to: e)
        let heads = bucketHeads.unsafelyUnwrapped, slot = k & bucketMask
        farNext.unsafelyUnwrapped[n] = heads[slot]
        heads[slot] = Int32(truncatingIfNeeded: n)
        farCount &+= 1
    }

    @inlinable func growNodes() {
        let capacity = Swift.max(64, farCapacity * 2)
        precondition(capacity <= Int(Int32.max), "too many events in buckets")
        let events = UnsafeMutablePointer<ScheduledEvent<Payload>>.allocate(capacity: capacity)
        let next = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
        if let old = farEvents, let oldNext = farNext {
            // Free nodes hold no event; live ones move, each once.
            forEachBucketedNode { n in (events + n).moveInitialize(from: old + n, count: 1) }
            next.initialize(from: oldNext, count: farNodes)
            old.deallocate()
            oldNext.deallocate()
        }
        farEvents = events
        farNext = next
        farCapacity = capacity
    }

    /// Opens the first unopened bucket: its events go into the heap, and the next bucket becomes the first.
    @inlinable func openBucket() {
        let heads = bucketHeads.unsafelyUnwrapped, slot = farIndex & bucketMask
        var n = heads[slot]
        heads[slot] = -1
        let events = farEvents, next = farNext
        while n >= 0 {
            push((events.unsafelyUnwrapped + Int(n)).move())
            let after = next.unsafelyUnwrapped[Int(n)]
            next.unsafelyUnwrapped[Int(n)] = freeNode
            freeNode = n
            farCount -= 1
            n = after
        }
        setFarIndex(farIndex + 1)
    }

    /// Whether a bucket must be opened before the first event of the heap and the lane (the lane's head if
    /// `fromLane`) can be taken: some events are bucketed and that event, if any, is not before the first bucket.
    @inlinable @inline(__always)
    func bucketDue(fromLane: Bool) -> Bool {
        farCount > 0 && (fromLane ? lane[laneHead].order : heap.count > 0 ? heap[0].order : .max) >= farStartOrder
    }

    /// Calls `body` with every node that holds a bucketed event, bucket by bucket.
    @inlinable func forEachBucketedNode(_ body: (Int) -> Void) {
        guard let heads = bucketHeads, let next = farNext else { return }
        for b in 0...bucketMask {
            var n = heads[b]
            while n >= 0 {
                body(Int(n))
                n = next[Int(n)]
            }
        }
    }

    /// Drops every bucketed event.
    func emptyBuckets() {
        guard let events = farEvents else { return }
        forEachBucketedNode { n in (events + n).deinitialize(count: 1) }
        bucketHeads?.update(repeating: -1, count: bucketMask + 1)
        farNodes = 0
        freeNode = -1
        farCount = 0
    }

    /// Whether the event with this sequence is pending (for debug checks; O(n)).
    @usableFromInline func isPending(_ sequence: UInt64) -> Bool {
        let mask: UInt64 = 0x00FF_FFFF_FFFF_FFFF
        if (0..<heap.count).contains(where: { heap[$0].key & mask == sequence }) { return true }
        if (0..<laneCount).contains(where: { lane[(laneHead + $0) & laneMask].key & mask == sequence }) { return true }
        guard let events = farEvents else { return false }
        var found = false
        forEachBucketedNode { n in found = found || events[n].key & mask == sequence }
        return found
    }

    /// Sifts `e` up into the heap.
    @inlinable @inline(__always)
    func push(_ e: ScheduledEvent<Payload>) {
        if heap.count == heap.capacity { heap.grow() }
        let h = heap.base
        var i = heap.count
        heap.count &+= 1
        while i > 0 {
            let parent = (i &- 1) >> 2
            if !e.precedes(h[parent]) { break }
            (h + i).initialize(to: (h + parent).move())  // a hole move: no overlap check, unlike moveInitialize
            i = parent
        }
        (h + i).initialize(to: e)
    }

    /// Cancels a pending event.
    ///
    /// Contract: `id` must name an event that has not run yet (the usual pattern: a model keeps the id of a
    /// timeout and cancels it when something else happens first). Debug builds check it with an O(n) scan.
    /// - Complexity: O(1) expected; the event is dropped when it reaches the top.
    @inlinable @discardableResult
    public func cancel(_ id: EventID) -> Bool {
        assert(isPending(id.sequence), "cancel(): event \(id.sequence) is not pending (already ran?)")
        guard cancelled.insert(id.sequence).inserted else { return false }
        cancelledCount += 1
        return true
    }

    /// - Complexity: O(log n) amortised.
    @inlinable
    public func popNext() -> ScheduledEvent<Payload>? { popNext(notAfter: .infinity) }

    /// Takes the first event if it is not after `end`.
    /// - Complexity: O(log n) amortised.
    @inlinable @inline(__always)
    public func popNext(notAfter end: SimTime) -> ScheduledEvent<Payload>? {
        if end != endTime {
            endTime = end
            endOrder = Self.lastOrder(notAfter: end)
        }
        while true {
            let fromLane = laneCount > 0 && (heap.count == 0 || lane[laneHead].precedes(heap[0]))
            if bucketDue(fromLane: fromLane) {
                openBucket()
                continue
            }
            let e: ScheduledEvent<Payload>
            if fromLane {
                guard lane[laneHead].order <= endOrder else { return nil }
                e = popLane()
            } else {
                guard heap.count > 0 && heap[0].order <= endOrder else { return nil }
                e = popTop()
            }
            if cancelledCount == 0 || !dropIfCancelled(e.key) { return e }
        }
    }

    @inlinable
    public func nextTime() -> SimTime? {
        while true {
            let fromLane = laneCount > 0 && (heap.count == 0 || lane[laneHead].precedes(heap[0]))
            if bucketDue(fromLane: fromLane) {
                openBucket()
                continue
            }
            guard fromLane || heap.count > 0 else { return nil }
            let first = fromLane ? lane[laneHead] : heap[0]
            if cancelledCount == 0 || !cancelled.contains(first.key & 0x00FF_FFFF_FFFF_FFFF) { return first.time }
            // Drop the cancelled head only (popNext() would also take the live event behind it).
            _ = dropIfCancelled(fromLane ? popLane().key : popTop().key)
        }
    }

    public func removeAll() {
        heap.removeAll()
        while laneCount > 0 { _ = popLane() }
        emptyBuckets()
        cancelled.removeAll()
        cancelledCount = 0
    }

    /// Removes and returns the lane's head (the lane is not empty).
    @inlinable @inline(__always)
    func popLane() -> ScheduledEvent<Payload> {
        let e = (lane + laneHead).move()
        laneHead = (laneHead &+ 1) & laneMask
        laneCount &-= 1
        if laneCount == 0 { laneTail = 0 }
        return e
    }

    /// Doubles the lane's ring, keeping its order.
    @usableFromInline func growLane() {
        let capacity = (laneMask + 1) * 2
        let fresh = UnsafeMutablePointer<ScheduledEvent<Payload>>.allocate(capacity: capacity)
        for k in 0..<laneCount { (fresh + k).moveInitialize(from: lane + ((laneHead + k) & laneMask), count: 1) }
        lane.deallocate()
        lane = fresh
        laneMask = capacity - 1
        laneHead = 0
    }

    /// Forgets the cancellation of the event with this key, if it was cancelled; returns whether it was.
    @usableFromInline func dropIfCancelled(_ key: UInt64) -> Bool {
        guard cancelled.remove(key & 0x00FF_FFFF_FFFF_FFFF) != nil else { return false }
        cancelledCount -= 1
        return true
    }

    /// Removes and returns the root (the heap is not empty).
    ///
    /// The heap is 4-ary (children of `i` at `4i+1 ... 4i+4`): half the levels of a binary heap, and a node's
    /// children share one or two cache lines. Deletion is Floyd's bottom-up (Knuth, TAOCP vol. 3, §5.2.3,
    /// exercise 18; Wegener 1993) carried over to d-ary heaps: the hole at the top descends along the smallest
    /// child to a leaf, then the last element, which is usually late, sifts up from there a step or two.
    @inlinable @inline(__always)
    func popTop() -> ScheduledEvent<Payload> {
        let h = heap.base
        let n = heap.count &- 1
        heap.count = n
        let top = h.move()
        if n == 0 { return top }
        let last = (h + n).move()
        var i = 0
        while true {
            let first = 4 &* i &+ 1
            if first >= n { break }
            let c = h + first
            var m = 0
            if first &+ 3 < n {
                // All four children: a two-round tournament, without branches (the comparisons are
                // unpredictable).
                let a = c[1].precedes(c[0]) ? 1 : 0
                let b = c[3].precedes(c[2]) ? 3 : 2
                m = c[b].precedes(c[a]) ? b : a
            } else {
                var k = 1
                while first &+ k < n {
                    if c[k].precedes(c[m]) { m = k }
                    k &+= 1
                }
            }
            (h + i).initialize(to: (c + m).move())
            i = first &+ m
        }
        while i > 0 {
            let parent = (i &- 1) >> 2
            if !last.precedes(h[parent]) { break }
            (h + i).initialize(to: (h + parent).move())  // a hole move: no overlap check, unlike moveInitialize
            i = parent
        }
        (h + i).initialize(to: last)
        return top
    }
}

import SimCore
import Stochastics
import XCTest

/// One suite for every `EventList` implementation (ns-3's scheduler tests, swift-collections' Heap tests):
/// each test calls a generic check once per implementation.
final class EventListTests: XCTestCase {
    func forEachImplementation(_ check: (any EventListChecks.Type) -> Void) {
        check(EventListSuite<HeapEventList<Int>>.self)
        check(EventListSuite<BucketedHeap>.self)
        check(EventListSuite<SortedArrayEventList<Int>>.self)
    }

    func testEmptyList() { forEachImplementation { $0.emptyList() } }
    func testOrdersByTime() { forEachImplementation { $0.ordersByTime() } }
    func testTimeTiesAreBrokenByPriority() { forEachImplementation { $0.timeTiesAreBrokenByPriority() } }
    func testFullTiesAreBrokenByInsertionOrder() { forEachImplementation { $0.fullTiesAreBrokenByInsertionOrder() } }
    func testTimeComesBeforePriority() { forEachImplementation { $0.timeComesBeforePriority() } }
    func testPoppedEventsCarryTheirIDAndPriority() { forEachImplementation { $0.poppedEventsCarryTheirIDAndPriority() } }
    func testCancellation() { forEachImplementation { $0.cancellation() } }
    func testRemoveAll() { forEachImplementation { $0.removeAll() } }
    func testRandomSchedulesMatchAReferenceSort() { forEachImplementation { $0.randomSchedulesMatchAReferenceSort() } }

    func testNamedPrioritiesRunInTheDocumentedOrder() {
        let named: [EventPriority] = [.capacityChange, .release, .normal, .arrival, .audit, .stop]
        XCTAssertEqual(named, named.sorted())
        XCTAssertEqual(Set(named.map(\.rawValue)).count, named.count)
        XCTAssertLessThan(EventPriority(rawValue: 0), .capacityChange)
        XCTAssertEqual(EventPriority.stop.rawValue, 255)
    }

    /// Heap and sorted array give exactly the same pop sequence on the same random schedule.
    func testHeapAndSortedArrayAgree() {
        for seed in 0..<50 {
            let s = RandomStream(seed: UInt64(seed), replication: 0, name: "agree")
            var heap = HeapEventList<Int>(), sorted = SortedArrayEventList<Int>()
            for i in 0..<500 {
                let t = Double(s.integer(below: 50)), p = EventPriority(rawValue: UInt8(s.integer(below: 3) * 64))
                heap.schedule(at: t, priority: p, i)
                sorted.schedule(at: t, priority: p, i)
                if s.uniform() < 0.3 {
                    XCTAssertEqual(heap.popNext()?.payload, sorted.popNext()?.payload)
                }
            }
            while let h = heap.popNext() { XCTAssertEqual(h.payload, sorted.popNext()?.payload) }
            XCTAssertNil(sorted.popNext())
        }
    }
}

/// The heap with buckets on (narrow ones, a short ring: the suite's times cross many buckets and pass the ring).
struct BucketedHeap: EventList {
    let list = HeapEventList<Int>()
    init() { list.bucketFutureEvents(width: 0.75, count: 8, from: 0) }
    var count: Int { list.count }
    func schedule(at time: SimTime, priority: EventPriority, _ payload: Int) -> EventID {
        list.schedule(at: time, priority: priority, payload)
    }
    func scheduleOrdered(at time: SimTime, priority: EventPriority, _ payload: Int) -> EventID {
        list.scheduleOrdered(at: time, priority: priority, payload)
    }
    func cancel(_ id: EventID) -> Bool { list.cancel(id) }
    func popNext() -> ScheduledEvent<Int>? { list.popNext() }
    func popNext(notAfter end: SimTime) -> ScheduledEvent<Int>? { list.popNext(notAfter: end) }
    func nextTime() -> SimTime? { list.nextTime() }
    func removeAll() { list.removeAll() }
}

extension EventListTests {
    /// Buckets keep the protocol on a model-like schedule: events minutes to days ahead (most into buckets, some
    /// past the ring into the heap), ties on bucket boundaries and at every priority, the lane, cancellations of
    /// bucketed events, and thousands of events in buckets at once (the node store grows). Heap with buckets and
    /// sorted array pop the same events in the same order and agree on `count` and `nextTime()` throughout.
    func testBucketsKeepTheOrderOfTheSortedArray() {
        for (seed, width) in zip(0..<12, [15.0, 1, 0.1, 60, 7.5, 1440].cycled(12)) {
            let s = RandomStream(seed: UInt64(seed), replication: 0, name: "buckets")
            let heap = HeapEventList<Int>()
            heap.bucketFutureEvents(width: width, count: 64, from: 0)
            var sorted = SortedArrayEventList<Int>()
            var now = 0.0, payload = 0
            var pending: [(EventID, EventID)] = []
            for step in 0..<6000 {
                let r = s.uniform()
                // Soon, hours to days ahead, on a bucket boundary, past the ring, or now; a fixed delay in order.
                let t = r < 0.2 ? now + s.uniform() * width
                    : r < 0.6 ? now + s.exponential(mean: 40 * width)
                    : r < 0.7 ? ((now / width).rounded(.down) + Double(1 + s.integer(below: 5))) * width
                    : r < 0.75 ? now + 200 * width * (1 + s.uniform())
                    : r < 0.8 ? now : now + 91 * width
                let p = EventPriority(rawValue: UInt8([16, 32, 64, 200][s.integer(below: 4)]))
                let ordered = r >= 0.8
                let h = ordered ? heap.scheduleOrdered(at: t, priority: p, payload) : heap.schedule(at: t, priority: p, payload)
                pending.append((h, sorted.schedule(at: t, priority: p, payload)))
                payload += 1
                if s.uniform() < 0.05, !pending.isEmpty {
                    let (h, a) = pending.remove(at: s.integer(below: pending.count))
                    XCTAssertEqual(heap.cancel(h), sorted.cancel(a))
                }
                XCTAssertEqual(heap.count, sorted.count)
                // Fewer pops than schedules for the first half: thousands of events wait in buckets.
                if s.uniform() < (step < 3000 ? 0.3 : 0.9),
                   let e = popBoth(heap, &sorted, notAfter: now + 10 * width, seed: seed) {
                    now = e.time
                    pending.removeAll { $0.0 == e.id }
                }
            }
            drainBoth(heap, &sorted, seed: seed)
            // Emptied, the list works again from where the clock is (removeAll drops bucketed events too).
            heap.schedule(at: now + 5 * width, priority: .normal, -1)
            heap.schedule(at: now + 2 * width, priority: .normal, -2)
            XCTAssertEqual(heap.count, 2)
            heap.removeAll()
            XCTAssertEqual(heap.count, 0)
            XCTAssertNil(heap.popNext())
        }
    }

    /// `popNext(notAfter:)` takes exactly the events at or before the end, events at the end included, for ends
    /// that are negative, zero of either sign, infinite or NaN (nothing is at or before NaN), as the sorted array.
    func testNotAfterIncludesEventsAtTheEndForEveryKindOfTime() {
        let times: [SimTime] = [-.infinity, -2.5, -0.0, 0.0, 1e-9, 1439.999, 1440, 1e300, .infinity]
        for bucketed in [false, true] {
            let heap = HeapEventList<Int>()
            if bucketed { heap.bucketFutureEvents(width: 60, count: 32, from: 0) }
            var sorted = SortedArrayEventList<Int>()
            let s = RandomStream(seed: 11, replication: 0, name: "not-after")
            for k in 0..<300 {
                let t = times[s.integer(below: times.count)], p = EventPriority(rawValue: UInt8(s.integer(below: 3) * 64))
                heap.schedule(at: t, priority: p, k)
                sorted.schedule(at: t, priority: p, k)
            }
            for end in [SimTime.nan, -1e301] + times {
                while let e = popBoth(heap, &sorted, notAfter: end, seed: 11) {
                    XCTAssertTrue(e.time <= end, "\(e.time) taken with end \(end)")
                }
                XCTAssertTrue(end.isNaN || heap.nextTime().map { $0 > end } ?? true, "an event at or before \(end) was left")
            }
            drainBoth(heap, &sorted, seed: 11)
        }
    }

    /// The heap's lane (events that come after everything in it) keeps the protocol: on a schedule like a
    /// model's (most events at one long fixed delay after "now", others random and earlier, ties in time at
    /// every priority, cancellations), heap and sorted array pop the same events in the same order, and agree
    /// on `count` and `nextTime()` throughout.
    /// The heap compares one 128-bit integer made from the time's bits and the key: events come out in plain
    /// (time, priority, insertion) order for negative, zero (either sign), fractional and infinite times too.
    func testOrderEncodingIsNumericOrderOfTime() {
        let times: [SimTime] = [-.infinity, -1e300, -2.5, -1, -Double.leastNonzeroMagnitude, -0.0, 0.0,
                                Double.leastNonzeroMagnitude, 1e-9, 0.5, 1, 1439.999, 1440, 1e300, .infinity]
        let s = RandomStream(seed: 5, replication: 0, name: "order")
        var expected: [(SimTime, UInt8, Int)] = []
        let list = HeapEventList<Int>()
        for k in 0..<600 {
            let t = times[s.integer(below: times.count)]
            let p = UInt8([16, 32, 64][s.integer(below: 3)])
            list.schedule(at: t, priority: EventPriority(rawValue: p), k)
            expected.append((t, p, k))
        }
        // The definition: time (as numbers: -0 equals +0), then priority, then the order of scheduling.
        expected.sort { a, b in a.0 != b.0 ? a.0 < b.0 : a.1 != b.1 ? a.1 < b.1 : a.2 < b.2 }
        for (t, p, k) in expected {
            let e = list.popNext()
            XCTAssertEqual(e?.payload, k)
            XCTAssertEqual(e?.priority.rawValue, p)
            XCTAssertEqual(e?.time, t, "times come back as scheduled")
        }
        XCTAssertNil(list.popNext())
    }

    func testHeapLaneKeepsTheOrderOfTheSortedArray() {
        for seed in 0..<40 {
            let s = RandomStream(seed: UInt64(seed), replication: 0, name: "lane")
            let heap = HeapEventList<Int>()
            var sorted = SortedArrayEventList<Int>()
            var now = 0.0, payload = 0
            var pending: [(EventID, EventID)] = []
            for _ in 0..<3000 {
                let r = s.uniform()
                // Fixed long delay (in order), a short random delay, or exactly now / a round time (ties).
                let t = r < 0.5 ? now + 91 : r < 0.8 ? now + Double(s.integer(below: 20)) : (now + 91).rounded(.down)
                let p = EventPriority(rawValue: UInt8([16, 32, 64, 200][s.integer(below: 4)]))
                let ordered = r < 0.5  // the fixed delay goes through the lane; sometimes others do too
                    || s.uniform() < 0.1
                let h = ordered ? heap.scheduleOrdered(at: t, priority: p, payload) : heap.schedule(at: t, priority: p, payload)
                pending.append((h, sorted.schedule(at: t, priority: p, payload)))
                payload += 1
                if s.uniform() < 0.05, !pending.isEmpty {
                    let k = s.integer(below: pending.count)
                    let (h, a) = pending.remove(at: k)
                    XCTAssertEqual(heap.cancel(h), sorted.cancel(a))
                }
                XCTAssertEqual(heap.count, sorted.count)
                if s.uniform() < 0.6, let e = popBoth(heap, &sorted, notAfter: .infinity, seed: seed) {
                    now = e.time
                    pending.removeAll { $0.0 == e.id }
                }
            }
            drainBoth(heap, &sorted, seed: seed)
        }
    }

    /// Pops from both lists (up to `end`), checking they agree on the next time and on the event; the event.
    func popBoth(_ heap: HeapEventList<Int>, _ sorted: inout SortedArrayEventList<Int>, notAfter end: SimTime,
                 seed: Int) -> ScheduledEvent<Int>? {
        XCTAssertEqual(heap.nextTime(), sorted.nextTime())
        let e = heap.popNext(notAfter: end), o = sorted.popNext(notAfter: end)
        XCTAssertEqual(e?.payload, o?.payload, "seed \(seed)")
        XCTAssertEqual(e?.time, o?.time)
        XCTAssertEqual(e?.priority, o?.priority)
        return e
    }

    /// Pops both lists empty, checking they agree throughout and end empty together.
    func drainBoth(_ heap: HeapEventList<Int>, _ sorted: inout SortedArrayEventList<Int>, seed: Int) {
        while let e = heap.popNext() { XCTAssertEqual(e.payload, sorted.popNext()?.payload, "seed \(seed)") }
        XCTAssertNil(sorted.popNext())
        XCTAssertEqual(heap.count, 0)
    }
}

/// A pending event as the reference of `randomSchedulesMatchAReferenceSort` keeps it.
struct ReferenceEvent { var time: SimTime; var priority: EventPriority; var order: Int; var id: EventID }

/// The checks, as requirements on `L`. Failures name the implementation.
protocol EventListChecks {
    static func emptyList()
    static func ordersByTime()
    static func timeTiesAreBrokenByPriority()
    static func fullTiesAreBrokenByInsertionOrder()
    static func timeComesBeforePriority()
    static func poppedEventsCarryTheirIDAndPriority()
    static func cancellation()
    static func removeAll()
    static func randomSchedulesMatchAReferenceSort()
}

enum EventListSuite<L: EventList>: EventListChecks where L.Payload == Int {
    static var name: String { String(describing: L.self) }

    /// Pops everything, checking `nextTime()` and `count` on the way; returns the payloads in order.
    static func drain(_ list: inout L) -> [Int] {
        var out: [Int] = []
        var expectedCount = list.count
        while let t = list.nextTime() {
            guard let e = list.popNext() else {
                XCTFail("\(name): nextTime() gave \(t) but popNext() gave nothing")
                break
            }
            XCTAssertEqual(e.time, t, "\(name): popNext() takes the event nextTime() announced")
            expectedCount -= 1
            XCTAssertEqual(list.count, expectedCount, "\(name): count falls by one per pop")
            out.append(e.payload)
        }
        XCTAssertNil(list.popNext(), name)
        XCTAssertEqual(list.count, 0, name)
        return out
    }

    static func emptyList() {
        var list = L()
        XCTAssertEqual(list.count, 0, name)
        XCTAssertNil(list.nextTime(), name)
        XCTAssertNil(list.popNext(), name)
    }

    static func ordersByTime() {
        var list = L()
        let times: [SimTime] = [5, 1, 3, 2, 4, 0.5, 10, -1, 1e9, 2.25]
        for (i, t) in times.enumerated() { _ = list.schedule(at: t, priority: .normal, i) }
        XCTAssertEqual(list.count, times.count, name)
        let order = drain(&list)
        XCTAssertEqual(order.map { times[$0] }, times.sorted(), name)
    }

    static func timeTiesAreBrokenByPriority() {
        var list = L()
        let priorities: [EventPriority] = [.normal, .stop, .release, .arrival, EventPriority(rawValue: 0), .audit,
                                           .capacityChange, EventPriority(rawValue: 200)]
        for (i, p) in priorities.enumerated() { _ = list.schedule(at: 7, priority: p, i) }
        let order = drain(&list)
        XCTAssertEqual(order.map { priorities[$0] }, priorities.sorted(), name)
    }

    static func fullTiesAreBrokenByInsertionOrder() {
        var list = L()
        for i in 0..<1000 { _ = list.schedule(at: 3, priority: .normal, i) }
        XCTAssertEqual(drain(&list), Array(0..<1000), "\(name): first scheduled, first out")

        // Two priorities interleaved at one time: priority first, and first-in-first-out within each.
        for i in 0..<200 { _ = list.schedule(at: 4, priority: i % 2 == 0 ? .arrival : .release, i) }
        let odd = stride(from: 1, to: 200, by: 2), even = stride(from: 0, to: 200, by: 2)
        XCTAssertEqual(drain(&list), Array(odd) + Array(even), name)
    }

    static func timeComesBeforePriority() {
        var list = L()
        _ = list.schedule(at: 2, priority: .capacityChange, 0)
        _ = list.schedule(at: 1, priority: .stop, 1)
        _ = list.schedule(at: 1.0.nextUp, priority: EventPriority(rawValue: 0), 2)
        _ = list.schedule(at: 1, priority: .audit, 3)
        XCTAssertEqual(drain(&list), [3, 1, 2, 0], name)
    }

    static func poppedEventsCarryTheirIDAndPriority() {
        var list = L()
        var ids: [Int: (EventID, EventPriority)] = [:]
        let priorities: [EventPriority] = [.arrival, .release, .audit, .normal]
        for i in 0..<40 {
            let p = priorities[i % 4]
            ids[i] = (list.schedule(at: Double(i % 5), priority: p, i), p)
        }
        XCTAssertEqual(Set(ids.values.map(\.0)).count, 40, "\(name): ids are unique")
        while let e = list.popNext() {
            XCTAssertEqual(e.id, ids[e.payload]?.0, name)
            XCTAssertEqual(e.priority, ids[e.payload]?.1, name)
        }
    }

    static func cancellation() {
        var list = L()
        let ids = (0..<10).map { list.schedule(at: Double($0), priority: .normal, $0) }
        // The top, one in the middle, the last.
        XCTAssertTrue(list.cancel(ids[0]), name)
        XCTAssertTrue(list.cancel(ids[4]), name)
        XCTAssertTrue(list.cancel(ids[9]), name)
        XCTAssertEqual(list.count, 7, name)
        XCTAssertFalse(list.cancel(ids[4]), "\(name): cancelling twice returns false")
        XCTAssertEqual(list.count, 7, "\(name): a second cancel changes nothing")
        // nextTime() must skip the cancelled top without losing the live event behind it. (Stop here on
        // failure: cancelling an event that was lost would trip HeapEventList's debug assertion.)
        let t = list.nextTime()
        XCTAssertEqual(t, 1, "\(name): nextTime() skips a cancelled top and keeps the next live event")
        let e = list.popNext()
        XCTAssertEqual(e?.payload, 1, name)
        guard t == 1, e?.payload == 1 else { return }
        // Cancel the new top before looking at it.
        XCTAssertTrue(list.cancel(ids[2]), name)
        XCTAssertEqual(list.count, 5, name)
        XCTAssertEqual(drain(&list), [3, 5, 6, 7, 8], name)

        // Cancel everything: nothing pops.
        let more = (0..<5).map { list.schedule(at: 1, priority: .normal, 100 + $0) }
        for id in more.reversed() { XCTAssertTrue(list.cancel(id), name) }
        XCTAssertEqual(list.count, 0, name)
        XCTAssertNil(list.nextTime(), name)
        XCTAssertNil(list.popNext(), name)
    }

    static func removeAll() {
        var list = L()
        let before = (0..<50).map { list.schedule(at: Double($0 % 7), priority: .normal, $0) }
        list.cancel(before[3])
        list.cancel(before[10])
        list.removeAll()
        XCTAssertEqual(list.count, 0, name)
        XCTAssertNil(list.nextTime(), name)
        XCTAssertNil(list.popNext(), name)
        // The list works again, and sequence numbers keep counting: new ids never repeat old ones.
        let after = (0..<20).map { list.schedule(at: 1, priority: .normal, $0) }
        XCTAssertTrue(Set(before).isDisjoint(with: after), "\(name): ids after removeAll are new")
        XCTAssertEqual(list.count, 20, name)
        XCTAssertEqual(drain(&list), Array(0..<20), name)
    }

    /// 1,000 random schedules per implementation, of 50-350 operations each (schedule, pop, cancel a pending
    /// event), with times drawn from a small set so that ties are frequent, checked step by step against a
    /// reference: the pending events kept in an array and the next one found by a linear scan over
    /// (time, priority, order).
    static func randomSchedulesMatchAReferenceSort() {
        let priorities: [EventPriority] = [.capacityChange, .release, .normal, .arrival, .audit]
        for seed in 0..<1000 {
            let s = RandomStream(seed: UInt64(seed), replication: 0, name: "event-list")
            var list = L()
            var reference: [ReferenceEvent] = []
            var order = 0
            let operations = 50 + s.integer(below: 300)
            for _ in 0..<operations {
                let u = s.uniform()
                if u < 0.55 || reference.isEmpty {
                    // Integer or half-integer times in [0, 20), sometimes a unique fractional time.
                    let t = s.uniform() < 0.8 ? Double(s.integer(below: 40)) / 2 : s.uniform() * 20
                    let p = priorities[s.integer(below: priorities.count)]
                    let id = list.schedule(at: t, priority: p, order)
                    reference.append(ReferenceEvent(time: t, priority: p, order: order, id: id))
                    order += 1
                } else if u < 0.9 {
                    let k = reference.indices.min { a, b in
                        let x = reference[a], y = reference[b]
                        return (x.time, x.priority.rawValue, x.order) < (y.time, y.priority.rawValue, y.order)
                    }!
                    let expected = reference.remove(at: k)
                    let t = list.nextTime()
                    let e = list.popNext()
                    // On the first disagreement, report it and stop: once the list has lost or invented an
                    // event, later steps only repeat the failure (and cancelling a lost event would trip
                    // HeapEventList's debug assertion).
                    guard t == expected.time, let e, e.payload == expected.order, e.time == expected.time,
                          e.priority == expected.priority, e.id == expected.id else {
                        return XCTFail("\(name) seed \(seed): expected event \(expected.order) at \(expected.time) "
                                       + "(\(expected.priority.rawValue)); nextTime() \(String(describing: t)), "
                                       + "popNext() \(String(describing: e.map { ($0.payload, $0.time) }))")
                    }
                } else {
                    let victim = reference.remove(at: s.integer(below: reference.count))
                    XCTAssertTrue(list.cancel(victim.id), "\(name) seed \(seed)")
                }
                guard list.count == reference.count else {
                    return XCTFail("\(name) seed \(seed): count \(list.count), expected \(reference.count)")
                }
            }
            let rest = reference.sorted { x, y in
                (x.time, x.priority.rawValue, x.order) < (y.time, y.priority.rawValue, y.order)
            }
            XCTAssertEqual(drain(&list), rest.map(\.order), "\(name) seed \(seed)")
        }
    }
}

private extension Array {
    /// The elements repeated to `n` in all.
    func cycled(_ n: Int) -> [Element] { (0..<n).map { self[$0 % count] } }
}

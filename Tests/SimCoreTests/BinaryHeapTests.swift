import SimCore
import Stochastics
import XCTest

/// `BinaryHeap`: the one priority queue of the resource pool and the elective lists.
final class BinaryHeapTests: XCTestCase {
    struct Item: Comparable {
        var key: Int, sequence: Int
        static func < (a: Item, b: Item) -> Bool { (a.key, a.sequence) < (b.key, b.sequence) }
    }

    /// Random inserts and pops over many seeds come out in sorted order, and the heap property always holds.
    func testPopsInOrderAcrossSeeds() {
        for seed in 0..<200 {
            let rng = RandomStream(seed: UInt64(seed), replication: 0, name: "heap")
            var heap = BinaryHeap<Item>(), oracle: [Item] = [], sequence = 0
            for _ in 0..<300 {
                if oracle.isEmpty || rng.uniform() < 0.6 {
                    let item = Item(key: rng.integer(below: 20), sequence: sequence)
                    sequence += 1
                    heap.insert(item)
                    oracle.append(item)
                } else {
                    oracle.sort()
                    XCTAssertEqual(heap.popMin(), oracle.removeFirst(), "seed \(seed)")
                }
                XCTAssertTrue(heap.isValidHeap)
                XCTAssertEqual(heap.count, oracle.count)
                XCTAssertEqual(heap.min, oracle.min())
            }
        }
    }

    /// Equal keys with a sequence number in the order come out first come, first served.
    func testTiesBrokenBySequence() {
        var heap = BinaryHeap<Item>()
        for s in 0..<50 { heap.insert(Item(key: s % 3, sequence: s)) }
        var out: [Item] = []
        while let x = heap.popMin() { out.append(x) }
        XCTAssertEqual(out, out.sorted())
        XCTAssertEqual(out.filter { $0.key == 1 }.map(\.sequence), Array(stride(from: 1, to: 50, by: 3)))
        XCTAssertNil(heap.popMin())
        XCTAssertTrue(heap.isEmpty)
    }

    /// Ties (equal keys, no sequence in the order) come out exactly as from the textbook heap that swaps: the
    /// hole-moving sifts make the same comparisons, so runs of the model keep their results (decision 87).
    func testTiesComeOutAsFromTheSwappingHeap() {
        struct Tied: Comparable {
            var key: Int, tag: Int
            static func < (a: Tied, b: Tied) -> Bool { a.key < b.key }
            static func == (a: Tied, b: Tied) -> Bool { a.key == b.key }
        }
        /// The textbook version, as `BinaryHeap` was before.
        struct Swapping {
            var s: [Tied] = []
            mutating func insert(_ e: Tied) {
                s.append(e)
                var i = s.count - 1
                while i > 0, s[i] < s[(i - 1) / 2] { s.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
            }
            mutating func popMin() -> Tied? {
                guard !s.isEmpty else { return nil }
                let top = s[0], last = s.removeLast()
                guard !s.isEmpty else { return top }
                s[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < s.count && s[l] < s[m] { m = l }
                    if r < s.count && s[r] < s[m] { m = r }
                    if m == i { return top }
                    s.swapAt(i, m)
                    i = m
                }
            }
        }
        for seed in 0..<100 {
            let rng = RandomStream(seed: UInt64(seed), replication: 0, name: "ties")
            var heap = BinaryHeap<Tied>(), reference = Swapping(), tag = 0
            for _ in 0..<400 {
                if rng.uniform() < 0.55 {
                    let e = Tied(key: rng.integer(below: 4), tag: tag)
                    tag += 1
                    heap.insert(e)
                    reference.insert(e)
                } else {
                    XCTAssertEqual(heap.popMin()?.tag, reference.popMin()?.tag, "seed \(seed)")
                }
            }
            while let e = heap.popMin() { XCTAssertEqual(e.tag, reference.popMin()?.tag, "seed \(seed)") }
            XCTAssertNil(reference.popMin())
        }
    }

    func testRemoveFirstWhere() {
        var heap = BinaryHeap<Item>()
        for s in 0..<20 { heap.insert(Item(key: 20 - s, sequence: s)) }
        XCTAssertTrue(heap.removeFirst { $0.sequence == 7 })
        XCTAssertFalse(heap.removeFirst { $0.sequence == 7 }, "already removed")
        XCTAssertTrue(heap.isValidHeap)
        var keys: [Int] = []
        while let x = heap.popMin() { keys.append(x.key) }
        XCTAssertEqual(keys, (1...20).filter { $0 != 13 })
    }
}

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

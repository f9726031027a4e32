/// A binary min-heap of `Comparable` elements: the one priority queue behind the resource pool's priority
/// queues and the model's elective lists (`HeapEventList` keeps its own, measured, packed layout).
///
/// Ties (elements neither `<` the other) come out in an order fixed by the sequence of operations, the same on
/// every run; callers that need first-come-first-served among equals put a sequence number in the ordering.
public struct BinaryHeap<Element: Comparable> {
    @usableFromInline var storage: [Element] = []

    public init() {}

    /// The number of elements.
    @inlinable public var count: Int { storage.count }
    @inlinable public var isEmpty: Bool { storage.isEmpty }

    /// The smallest element, without removing it.
    /// - Complexity: O(1).
    @inlinable public var min: Element? { storage.first }

    /// The elements in storage order (not sorted): for counts and scans.
    @inlinable public var unordered: [Element] { storage }

    /// Adds an element.
    ///
    /// Sifts a hole rather than swapping, in one borrowed buffer (no bounds or uniqueness checks per step): the
    /// comparisons, and so the order of ties, are those of the swapping textbook version.
    /// - Complexity: O(log(count)).
    @inlinable public mutating func insert(_ element: Element) {
        storage.append(element)
        storage.withUnsafeMutableBufferPointer { s in
            var i = s.count &- 1
            while i > 0 {
                let parent = (i &- 1) >> 1
                if !(element < s[parent]) { break }
                s[i] = s[parent]
                i = parent
            }
            s[i] = element
        }
    }

    /// Removes and returns the smallest element.
    ///
    /// The last element goes to the top and sinks towards the smaller child while a child is smaller (the left
    /// one on a tie between children), as a hole that takes the element at the end.
    /// - Complexity: O(log(count)).
    @inlinable public mutating func popMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        let top = storage[0]
        let last = storage.removeLast()
        if !storage.isEmpty {
            storage.withUnsafeMutableBufferPointer { s in
                var i = 0
                let n = s.count
                while true {
                    let l = 2 &* i &+ 1, r = l &+ 1
                    var m = i
                    if l < n && s[l] < last { m = l }
                    if r < n && s[r] < (m == i ? last : s[l]) { m = r }
                    if m == i { break }
                    s[i] = s[m]
                    i = m
                }
                s[i] = last
            }
        }
        return top
    }

    /// Removes the first element (in storage order) that satisfies `predicate`, rebuilding the heap from the
    /// others in storage order. Returns whether one was removed.
    /// - Complexity: O(count log(count)).
    @discardableResult
    public mutating func removeFirst(where predicate: (Element) -> Bool) -> Bool {
        guard let k = storage.firstIndex(where: predicate) else { return false }
        let rest = storage.enumerated().filter { $0.offset != k }.map(\.element)
        storage = []
        for e in rest { insert(e) }
        return true
    }

    /// Whether every parent is no greater than its children (for tests).
    public var isValidHeap: Bool {
        storage.indices.dropFirst().allSatisfy { !(storage[$0] < storage[($0 - 1) / 2]) }
    }
}

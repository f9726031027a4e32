/// A growable, manually managed buffer: the one place in SimCore that touches raw pointers.
///
/// It has no copy-on-write and no uniqueness checks, so it must have exactly one owner, a class that calls
/// `deallocate()` in its `deinit`. Indexing is unchecked in release builds and checked in debug builds.
@usableFromInline
struct _UnsafeSlots<Element> {
    @usableFromInline var base: UnsafeMutablePointer<Element>
    @usableFromInline var count: Int = 0
    @usableFromInline var capacity: Int

    @inlinable init(capacity: Int = 16) {
        self.capacity = Swift.max(capacity, 1)
        self.base = .allocate(capacity: self.capacity)
    }

    @inlinable subscript(i: Int) -> Element {
        unsafeAddress {
            assert(i >= 0 && i < count, "index \(i) out of range 0..<\(count)")
            return UnsafePointer(base + i)
        }
        nonmutating unsafeMutableAddress {
            assert(i >= 0 && i < count, "index \(i) out of range 0..<\(count)")
            return base + i
        }
    }

    @inlinable mutating func append(_ e: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: e)
        count &+= 1
    }

    /// Removes and returns the last element.
    @inlinable mutating func removeLast() -> Element {
        assert(count > 0)
        count &-= 1
        return (base + count).move()
    }

    @inlinable mutating func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    @usableFromInline mutating func grow() {
        let newCapacity = capacity * 2
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        fresh.moveInitialize(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }

    /// Frees the memory; the owner calls this once, in `deinit`.
    @inlinable func deallocate() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}

/// A FIFO ring buffer on manually managed memory, for waiting lines. Same ownership rule as `_UnsafeSlots`.
@usableFromInline
struct _UnsafeRing<Element> {
    @usableFromInline var base: UnsafeMutablePointer<Element>
    @usableFromInline var head = 0
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    init(capacity: Int = 8) {
        self.capacity = Swift.max(capacity, 1)
        self.base = .allocate(capacity: self.capacity)
    }

    mutating func append(_ e: Element) {
        if count == capacity { grow() }
        var tail = head &+ count
        if tail >= capacity { tail &-= capacity }
        (base + tail).initialize(to: e)
        count &+= 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let e = (base + head).move()
        head &+= 1
        if head == capacity { head = 0 }
        count &-= 1
        return e
    }

    /// The element `k` places from the head.
    func element(at k: Int) -> Element {
        assert(k >= 0 && k < count)
        var i = head &+ k
        if i >= capacity { i &-= capacity }
        return base[i]
    }

    /// Changes the element `k` places from the head in place. O(1).
    mutating func update(at k: Int, _ change: (inout Element) -> Void) {
        assert(k >= 0 && k < count)
        var i = head &+ k
        if i >= capacity { i &-= capacity }
        change(&base[i])
    }

    /// Removes the element `k` places from the head, keeping the order of the rest. O(count).
    mutating func remove(at k: Int) {
        var rest: [Element] = []
        rest.reserveCapacity(count - 1)
        var j = 0
        while let e = popFirst() {
            if j != k { rest.append(e) }
            j += 1
        }
        head = 0
        for e in rest { append(e) }
    }

    mutating func grow() {
        let newCapacity = capacity * 2
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        let firstPart = Swift.min(count, capacity - head)
        fresh.moveInitialize(from: base + head, count: firstPart)
        (fresh + firstPart).moveInitialize(from: base, count: count - firstPart)
        base.deallocate()
        base = fresh
        head = 0
        capacity = newCapacity
    }

    func deallocate() {
        var copy = self
        while copy.popFirst() != nil {}
        base.deallocate()
    }
}

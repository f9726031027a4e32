/// Storage for the entities now in a model, reusing the slots of those that left.
///
/// Ids are slot indices, valid from `insert` to `remove`. Memory is O(peak number present), never
/// O(number ever inserted): the engine's guarantee that a long run does not grow.
///
/// A final class over manually managed storage (`_UnsafeSlots`), like the event list: a table has one owner
/// (a replication, on one thread), and reading or changing a field of an entity is then a direct access, with
/// no copy-on-write uniqueness check, no copy of the element and no reference counting. Presence is checked
/// on every access (`precondition`), and indexing is bounds-checked in debug builds.
public final class EntityTable<Element> {
    /// Elements by slot; a slot's element stays (stale) after removal until the slot is reused.
    @exclusivity(unchecked) @usableFromInline var slots = _UnsafeSlots<Element>(capacity: 64)
    @exclusivity(unchecked) @usableFromInline var present = _UnsafeSlots<Bool>(capacity: 64)
    @exclusivity(unchecked) @usableFromInline var freeList = _UnsafeSlots<Int>(capacity: 64)
    @exclusivity(unchecked) @usableFromInline var _count = 0
    /// Entities present now.
    public var count: Int { _count }

    public init() {}

    deinit {
        slots.deallocate()
        present.deallocate()
        freeList.deallocate()
    }

    /// Stores `element` and returns its id.
    /// - Complexity: O(1) amortised.
    @inlinable @inline(__always) public func insert(_ element: Element) -> Int {
        _count &+= 1
        if freeList.count > 0 {
            let id = freeList.removeLast()
            slots[id] = element
            present[id] = true
            return id
        }
        slots.append(element)
        present.append(true)
        return slots.count &- 1
    }

    /// Removes and returns the entity `id`.
    /// - Complexity: O(1).
    @inlinable @inline(__always) @discardableResult public func remove(_ id: Int) -> Element {
        precondition(contains(id), "entity \(id) is not present")
        present[id] = false
        freeList.append(id)
        _count &-= 1
        return slots[id]
    }

    /// The entity `id`, which must be present.
    @inlinable public subscript(id: Int) -> Element {
        unsafeAddress {
            precondition(contains(id), "entity \(id) is not present")
            return UnsafePointer(slots.base + id)
        }
        unsafeMutableAddress {
            precondition(contains(id), "entity \(id) is not present")
            return slots.base + id
        }
    }

    @inlinable public func contains(_ id: Int) -> Bool { id >= 0 && id < present.count && present.base[id] }

    /// Slots allocated: the peak number of entities present at once.
    /// - Complexity: O(1).
    @inlinable public var slotCount: Int { slots.count }

    /// The entities present, with their ids: a copy of each, for tests and reports, not for hot paths (iterate
    /// `0..<slotCount` where `contains` instead, reading fields in place).
    /// - Complexity: O(slotCount), and a copy of every element.
    public var entities: [(id: Int, element: Element)] {
        (0..<slots.count).compactMap { i in present[i] ? (i, slots[i]) : nil }
    }
}

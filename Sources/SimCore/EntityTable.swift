/// Storage for the entities now in a model, reusing the slots of those that left.
///
/// Ids are slot indices, valid from `insert` to `remove`. Memory is O(peak number present), never
/// O(number ever inserted): the engine's guarantee that a long run does not grow.
public struct EntityTable<Element> {
    /// Elements by slot; a slot's element stays (stale) after removal until the slot is reused, so reading a
    /// field of a present entity is a direct access, with no copy of the whole element or of an optional.
    @usableFromInline var slots: ContiguousArray<Element> = []
    @usableFromInline var present: ContiguousArray<Bool> = []
    @usableFromInline var freeList: [Int] = []
    @usableFromInline var _count = 0
    /// Entities present now.
    public var count: Int { _count }

    public init() {}

    /// Stores `element` and returns its id.
    /// - Complexity: O(1) amortised.
    @inlinable public mutating func insert(_ element: Element) -> Int {
        _count += 1
        if let id = freeList.popLast() {
            slots[id] = element
            present[id] = true
            return id
        }
        slots.append(element)
        present.append(true)
        return slots.count - 1
    }

    /// Removes and returns the entity `id`.
    /// - Complexity: O(1).
    @inlinable @discardableResult public mutating func remove(_ id: Int) -> Element {
        precondition(present[id], "entity \(id) is not present")
        present[id] = false
        freeList.append(id)
        _count -= 1
        return slots[id]
    }

    /// The entity `id`, which must be present.
    @inlinable public subscript(id: Int) -> Element {
        _read {
            precondition(present[id], "entity \(id) is not present")
            yield slots[id]
        }
        _modify {
            precondition(present[id], "entity \(id) is not present")
            yield &slots[id]
        }
    }

    public func contains(_ id: Int) -> Bool { id >= 0 && id < present.count && present[id] }

    /// Slots allocated: the peak number of entities present at once.
    public var slotCount: Int { slots.count }

    /// The entities present, with their ids.
    public var entities: [(id: Int, element: Element)] {
        slots.indices.compactMap { i in present[i] ? (i, slots[i]) : nil }
    }
}

/// Storage for the entities now in a model, reusing the slots of those that left.
///
/// Ids are slot indices, valid from `insert` to `remove`. Memory is O(peak number present), never
/// O(number ever inserted): the engine's guarantee that a long run does not grow.
public struct EntityTable<Element> {
    @usableFromInline var slots: [Element?] = []
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
            return id
        }
        slots.append(element)
        return slots.count - 1
    }

    /// Removes and returns the entity `id`.
    /// - Complexity: O(1).
    @inlinable @discardableResult public mutating func remove(_ id: Int) -> Element {
        guard let e = slots[id] else { preconditionFailure("entity \(id) is not present") }
        slots[id] = nil
        freeList.append(id)
        _count -= 1
        return e
    }

    /// The entity `id`, which must be present.
    @inlinable public subscript(id: Int) -> Element {
        get {
            guard let e = slots[id] else { preconditionFailure("entity \(id) is not present") }
            return e
        }
        _modify {
            guard slots[id] != nil else { preconditionFailure("entity \(id) is not present") }
            yield &slots[id]!
        }
    }

    public func contains(_ id: Int) -> Bool { id >= 0 && id < slots.count && slots[id] != nil }

    /// Slots allocated: the peak number of entities present at once.
    public var slotCount: Int { slots.count }

    /// The entities present, with their ids.
    public var present: [(id: Int, element: Element)] {
        slots.enumerated().compactMap { i, e in e.map { (i, $0) } }
    }
}

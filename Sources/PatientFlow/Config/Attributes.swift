import SimCore
import Stochastics

/// A categorical patient attribute and its levels, e.g. `age_band: [18-64, 65-74, 75-84, 85+]`.
public struct AttributeSpec: Sendable, Equatable {
    public var name: String
    public var levels: [String]
    public init(name: String, levels: [String]) {
        self.name = name
        self.levels = levels
    }
}

/// The standard attribute names (DESIGN §3). A scenario may define more.
public enum StandardAttribute {
    public static let ageBand = "age_band"
    public static let frailty = "frailty"
    public static let condition = "condition"
    public static let neighbourhood = "neighbourhood"
    /// How the patient arrived at the front door: set by the model on each episode (levels must include
    /// `ambulance` and `walk_in`; others, e.g. `referral`, are set by arrivals units that name them).
    public static let arrivalMode = "arrival_mode"
    public static let ambulance = "ambulance"
    public static let walkIn = "walk_in"
    /// Not stored on the patient: the key for tables that depend on where the patient goes next from the
    /// unit (the destination or discharge pathway drawn on entry).
    public static let next = "next"
}

/// A patient's attribute values: level indices, one per scenario attribute (at most `capacity`).
public struct AttributeValues: Sendable, Equatable, Hashable {
    public static let capacity = 8
    /// Level `i` in byte `i` (from the low end): reading one is a shift and a mask.
    @usableFromInline var bits: UInt64 = 0

    public init() {}

    @inlinable public subscript(i: Int) -> Int {
        get {
            precondition(i >= 0 && i < Self.capacity)
            return Int(truncatingIfNeeded: (bits &>> UInt64(truncatingIfNeeded: 8 &* i)) & 0xFF)
        }
        set {
            precondition(i >= 0 && i < Self.capacity && newValue >= 0 && newValue < 256)
            let shift = UInt64(truncatingIfNeeded: 8 &* i)
            bits = (bits & ~(0xFF &<< shift)) | (UInt64(truncatingIfNeeded: newValue) &<< shift)
        }
    }
}

/// What a table is keyed by: a stored attribute (its index) or the patient's drawn next destination.
public enum TableKey: Sendable, Equatable {
    case attribute(Int)
    case next
}

/// A value that may depend on zero, one or two keys: `values` is dense, row-major over the keys' levels.
///
/// Built and checked by the scenario loader; looking a value up is O(1) and never fails. The tables live in
/// one shared, immutable object, so copying a `Keyed` (as the model does on hot paths) is one reference count.
/// Lookups read the keys from plain fields, and a table of choices of integers also keeps them flattened
/// (`FlatChoices`), so drawing from a choice in a table (`sample`) touches no reference count and reads two small
/// records.
public struct Keyed<Value: Sendable>: Sendable {
    @usableFromInline final class Storage: @unchecked Sendable {
        @usableFromInline let keys: [TableKey]
        @usableFromInline let sizes: [Int]
        @usableFromInline let values: [Value]
        /// The keys as plain fields: how many (0...2), each one's attribute index or -1 for `next`, and the
        /// second key's number of levels.
        @usableFromInline let keyCount: Int
        @usableFromInline let code0: Int
        @usableFromInline let code1: Int
        @usableFromInline let size1: Int
        /// For a table of choices of integers: every choice's alias table and values flattened into one buffer
        /// (`FlatChoices`), so a draw reads two small records instead of following six references; nil for
        /// tables of anything else.
        @usableFromInline let flat: FlatChoices?

        init(keys: [TableKey], sizes: [Int], values: [Value]) {
            self.keys = keys
            self.sizes = sizes
            self.values = values
            func code(_ k: Int) -> Int {
                guard k < keys.count else { return 0 }
                if case .attribute(let a) = keys[k] { return a }
                return -1
            }
            keyCount = keys.count
            code0 = code(0)
            code1 = code(1)
            size1 = sizes.count > 1 ? sizes[1] : 1
            flat = (values as? [EmpiricalChoice<Int>]).map(FlatChoices.init)
        }

        deinit { flat?.deallocate() }
    }

    @usableFromInline let storage: Storage

    public var keys: [TableKey] { storage.keys }
    /// The number of levels of each key.
    public var sizes: [Int] { storage.sizes }
    public var values: [Value] { storage.values }

    /// One value for everyone.
    public init(_ value: Value) {
        storage = Storage(keys: [], sizes: [], values: [value])
    }

    /// A table over one or two keys; `values.count` must be the product of `sizes`.
    public init(keys: [TableKey], sizes: [Int], values: [Value]) {
        precondition(keys.count <= 2 && keys.count == sizes.count)
        precondition(values.count == sizes.reduce(1, *), "a keyed table needs one value per combination of levels")
        storage = Storage(keys: keys, sizes: sizes, values: values)
    }

    /// The value for a patient with `attributes` whose drawn next destination is `next`.
    @inlinable @inline(__always) public func value(_ attributes: AttributeValues, next: Int = 0) -> Value {
        storage.values[slot(attributes, next)]
    }

    /// The position in `values` of the value for `attributes` and `next`.
    @inlinable @inline(__always) func slot(_ attributes: AttributeValues, _ next: Int) -> Int {
        let s = storage
        switch s.keyCount {
        case 0: return 0
        case 1: return s.code0 >= 0 ? attributes[s.code0] : next
        default:
            let first = s.code0 >= 0 ? attributes[s.code0] : next
            return first * s.size1 + (s.code1 >= 0 ? attributes[s.code1] : next)
        }
    }

    /// Applies `transform` to every value, keeping the keys.
    /// (Sampling helpers for tables of choices follow in the extension below.)
    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Keyed<T> {
        Keyed<T>(keys: keys, sizes: sizes, values: try values.map(transform))
    }

    /// Whether the table depends on the drawn next destination.
    public var dependsOnNext: Bool { keys.contains(.next) }
}

extension Keyed: Equatable where Value: Equatable {
    public static func == (a: Keyed, b: Keyed) -> Bool {
        a.storage === b.storage || (a.keys == b.keys && a.sizes == b.sizes && a.values == b.values)
    }
}

extension Keyed where Value == EmpiricalChoice<Int> {
    /// One draw from the choice for `attributes` (and `next`), without handing the choice out of the table.
    /// - Complexity: O(1).
    @inlinable public func sample(_ attributes: AttributeValues, next: Int = 0, _ stream: RandomStream) -> Int {
        sample(attributes, next: next, stream.source)
    }

    /// One draw from the choice for `attributes` (and `next`) from a stream's generator; no reference counting.
    /// - Complexity: O(1).
    @inlinable @inline(__always)
    public func sample(_ attributes: AttributeValues, next: Int = 0, _ stream: RandomSource) -> Int {
        FlatChoices.pick(choice(attributes, next: next), stream.uniform())
    }

    /// The choice for `attributes` (and `next`), for a caller that draws from it itself. A caller that reads the
    /// table from memory that may change (a buffer of tables) takes the choice first and then draws: the table
    /// is then not needed across the generator call, and is not retained for the draw.
    @inlinable @inline(__always)
    func choice(_ attributes: AttributeValues, next: Int = 0) -> FlatChoices.Head {
        storage.flat.unsafelyUnwrapped.head(slot(attributes, next))
    }
}

extension Keyed where Value == Distribution {
    /// One draw from the distribution for `attributes` (and `next`), read in place: a distribution with an
    /// object inside (an empirical table) is not copied out of the table, so nothing is retained.
    /// - Complexity: O(1).
    @inlinable @inline(__always)
    public func sample(_ attributes: AttributeValues, next: Int = 0, _ stream: RandomSource) -> Double {
        let i = slot(attributes, next)
        return storage.values.withUnsafeBufferPointer { $0[i].sample(stream) }
    }
}

/// A fixed list of objects read without reference counting, for the hot paths of one replication.
///
/// Reading a class instance out of an array and calling a method on it that the optimizer cannot see
/// (a subclass override, another module) retains and releases it, two atomic operations per call. The objects
/// here are kept alive by their owner (the `SystemSimulation`'s own arrays, which never change after it is
/// built), so each access lends the object for the duration of `body` instead (`_withUnsafeGuaranteedRef`).
/// The owner calls `deallocate()` once, in its `deinit`.
struct Borrowed<Object: AnyObject> {
    private let base: UnsafeMutablePointer<Unmanaged<Object>>
    let count: Int

    /// Unretained references to `objects`, which the caller keeps alive for as long as this is used.
    init(_ objects: [Object]) {
        count = objects.count
        base = .allocate(capacity: max(objects.count, 1))
        for (i, o) in objects.enumerated() { (base + i).initialize(to: .passUnretained(o)) }
    }

    /// Lends object `i` to `body`.
    /// - Complexity: O(1); no reference counting.
    @inline(__always) func with<R>(_ i: Int, _ body: (Object) throws -> R) rethrows -> R {
        assert(i >= 0 && i < count, "index \(i) out of range 0..<\(count)")
        return try base[i]._withUnsafeGuaranteedRef(body)
    }

    func deallocate() { base.deallocate() }
}

import Dispatch
import SimCore

/// Runs replications of a system, in parallel, with results that do not depend on the number of threads.
///
/// Replication r always uses streams keyed by (seed, r, name), and results are handed on in replication order, so the
/// output is identical for any `jobs` and any order of completion.
public enum Experiment {
    /// Runs replications `0..<replications` of `spec` on up to `jobs` threads.
    /// `progress` is called (from any thread, serialised) after each replication finishes.
    public static func run(_ spec: SystemSpec, replications: Int, jobs: Int,
                           progress: (@Sendable (Int) -> Void)? = nil) -> [ReplicationResult] {
        run(spec, replications: replications, jobs: jobs, cancellation: nil, progress: progress)
    }

    /// As `run`, but stops starting replications once `cancellation` is set (an interrupt): returns the
    /// replications handed on in order before the interrupt (see `stream`).
    public static func run(_ spec: SystemSpec, replications: Int, jobs: Int, cancellation: Cancellation?,
                           abort: Cancellation? = nil, progress: (@Sendable (Int) -> Void)? = nil) -> [ReplicationResult] {
        let collected = Collected()
        stream(spec, replications: replications, jobs: jobs, cancellation: cancellation, abort: abort, progress: progress) {
            collected.results.append($0)  // called in order, under the hand-off's lock
        }
        return collected.results
    }

    /// Runs replications and hands each result to `consume` in replication order (0, 1, 2, ...), keeping only
    /// those that finished ahead of a slower one. A worker takes the next replication not yet started, and none
    /// starts more than `aheadPerJob x jobs` replications past the first not yet handed on: a slow replication
    /// (a run-away queue) holds back a bounded number of finished ones, so memory does not grow with the number
    /// of replications (with a fixed share per worker, the lag between workers grew like a random walk), and
    /// anything `consume` accumulates is added in the same order whatever `jobs` is, so sums are identical.
    /// Returns how many replications were consumed (fewer than asked only after a cancellation). Once `abort`
    /// is set, replications under way end part-way and are dropped.
    ///
    /// - Parameter first: the first replication (replications `first..<replications` run, e.g. the next batch of
    ///   a sequential procedure); the count returned includes the `first` before it.
    @discardableResult
    public static func stream(_ spec: SystemSpec, from first: Int = 0, replications: Int, jobs: Int,
                              cancellation: Cancellation? = nil,
                              abort: Cancellation? = nil, progress: (@Sendable (Int) -> Void)? = nil,
                              consume: @escaping @Sendable (ReplicationResult) -> Void) -> Int {
        precondition(replications > first && first >= 0 && jobs >= 1)
        let workers = min(jobs, replications - first)
        let order = InOrder(first: first, replications: replications, ahead: aheadPerJob * workers, consume: consume)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let r = order.claim() {
                if cancellation?.isCancelled == true || abort?.isCancelled == true { return order.giveUp() }
                let simulation = SystemSimulation(spec: spec, replication: r)
                simulation.abort = abort
                let result = simulation.run()
                if simulation.wasAborted { return order.giveUp() }
                let done = order.add(result)
                progress?(done)
            }
        }
        return order.consumed
    }

    /// How many replications per worker may start past the first not yet handed on (`stream`).
    static let aheadPerJob = 4
}

/// Results collected by `run` (appended only by `InOrder`, one at a time).
final class Collected: @unchecked Sendable {
    var results: [ReplicationResult] = []
}

/// Hands replications out to workers and passes results on in replication order, holding the ones that arrive
/// early; at most `ahead` replications are started and not yet passed on.
final class InOrder: @unchecked Sendable {
    private var waiting: [Int: ReplicationResult] = [:]
    private var next: Int
    private var started: Int
    private let end: Int
    private var finished = 0
    private let consume: @Sendable (ReplicationResult) -> Void
    private let lock = DispatchSemaphore(value: 1)
    /// One permit per replication that may be under way or waiting to be passed on.
    private let window: DispatchSemaphore

    init(first: Int = 0, replications: Int, ahead: Int, consume: @escaping @Sendable (ReplicationResult) -> Void) {
        next = first
        started = first
        end = replications
        window = DispatchSemaphore(value: max(1, ahead))
        self.consume = consume
    }

    /// The next replication to run, once the window allows it; nil when all are taken. The earliest replication
    /// not passed on is always under way or passed on as soon as it finishes, so the window always moves.
    func claim() -> Int? {
        window.wait()
        lock.wait()
        defer { lock.signal() }
        guard started < end else {
            window.signal()
            return nil
        }
        started += 1
        return started - 1
    }

    /// A worker stops without finishing its replication (an interrupt): its permit goes back.
    func giveUp() { window.signal() }

    /// Adds a result; returns how many have finished.
    func add(_ result: ReplicationResult) -> Int {
        lock.wait()
        defer { lock.signal() }
        waiting[result.replication] = result
        finished += 1
        while let r = waiting.removeValue(forKey: next) {
            consume(r)
            next += 1
            window.signal()
        }
        return finished
    }

    var consumed: Int {
        lock.wait()
        defer { lock.signal() }
        return next
    }
}

/// A flag an interrupt sets and workers read: no new replication starts once it is set.
public final class Cancellation: @unchecked Sendable {
    private var cancelled = false
    private let lock = DispatchSemaphore(value: 1)
    public init() {}
    public func cancel() {
        lock.wait()
        cancelled = true
        lock.signal()
    }
    public var isCancelled: Bool {
        lock.wait()
        defer { lock.signal() }
        return cancelled
    }
}

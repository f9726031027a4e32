import Dispatch
import SimCore

/// Runs replications of a system, in parallel, with results that do not depend on the number of threads.
///
/// Replication r always uses streams keyed by (seed, r, name), and results are stored by index, so the
/// output is identical for any `jobs` and any order of completion.
public enum Experiment {
    /// Runs replications `0..<replications` of `spec` on up to `jobs` threads.
    /// `progress` is called (from any thread, serialised) after each replication finishes.
    public static func run(_ spec: SystemSpec, replications: Int, jobs: Int,
                           progress: (@Sendable (Int) -> Void)? = nil) -> [ReplicationResult] {
        precondition(replications >= 1 && jobs >= 1)
        let box = ResultBox(count: replications)
        let workers = min(jobs, replications)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var r = worker
            while r < replications {
                let result = SystemSimulation(spec: spec, replication: r).run()
                let done = box.store(result, at: r)
                progress?(done)
                r += workers
            }
        }
        return box.results()
    }
}

/// Results stored by replication index from several threads.
final class ResultBox: @unchecked Sendable {
    private var slots: [ReplicationResult?]
    private var finished = 0
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Stores a result; returns how many have finished.
    func store(_ result: ReplicationResult, at index: Int) -> Int {
        lock.wait()
        defer { lock.signal() }
        slots[index] = result
        finished += 1
        return finished
    }

    func results() -> [ReplicationResult] {
        lock.wait()
        defer { lock.signal() }
        return slots.map { $0! }
    }
}

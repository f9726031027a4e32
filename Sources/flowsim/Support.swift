import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario
#if canImport(Glibc)
import Glibc
#endif

/// Loads a scenario, optionally with `KEY=VALUE` overrides (dotted paths into the file, as `--set` gives them).
/// Bad input prints every error and exits with code 2.
///
/// - Parameter folders: folders besides the scenario's own that `extends` and `csv` may read.
func loadScenario(_ path: String, overrides: [(key: String, value: String)] = [], allowing folders: [String] = []) throws -> Scenario {
    do {
        guard !overrides.isEmpty else { return try Scenario.load(path: path, allowing: folders) }
        // The overrides are a small scenario that extends the file: the same merge as any option file.
        let url = URL(fileURLWithPath: path)
        var tree: [String: Any] = [:]
        for (key, value) in overrides { insert(&tree, key.split(separator: ".").map(String.init), value) }
        let yaml = "extends: \"\(url.lastPathComponent)\"\n" + render(tree, indent: 0)
        let file = url.deletingLastPathComponent().appendingPathComponent("(--set on \(url.lastPathComponent))").path
        return try Scenario.load(yaml: yaml, file: file, allowing: folders)
    } catch {
        for e in error.errors { printError(e.description) }
        throw ExitCode(2)
    }
}

private func insert(_ tree: inout [String: Any], _ path: [String], _ value: String) {
    guard let head = path.first else { return }
    if path.count == 1 { tree[head] = value; return }
    var sub = tree[head] as? [String: Any] ?? [:]
    insert(&sub, Array(path.dropFirst()), value)
    tree[head] = sub
}

private func render(_ tree: [String: Any], indent: Int) -> String {
    let pad = String(repeating: "  ", count: indent)
    return tree.keys.sorted().map { k in
        let key = "\"" + k.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        if let sub = tree[k] as? [String: Any] { return "\(pad)\(key):\n" + render(sub, indent: indent + 1) }
        return "\(pad)\(key): \(tree[k]!)\n"
    }.joined()
}

/// Set by SIGINT or SIGTERM: runs stop starting replications, write what finished and exit non-zero.
let interruption: Cancellation = {
    let flag = Cancellation()
    for sig in [SIGINT, SIGTERM] {
        signal(sig, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler {
            flag.cancel()
            printError("\ninterrupted: finishing the replications under way, then writing what finished")
        }
        source.resume()
        signalSources.append(source)
    }
    return flag
}()
nonisolated(unsafe) var signalSources: [DispatchSourceSignal] = []

/// Exit status after an interruption (128 + SIGINT), once what finished is written.
let interruptedExitCode = ExitCode(130)

/// Progress on stderr ("label: 7/20 replications, 3.1/s, ~4 s left") when it is a terminal and not `--quiet`.
struct ProgressLine {
    let update: (@Sendable (Int) -> Void)?

    init(label: String, total: Int, quiet: Bool) {
        guard !quiet && isatty(2) != 0 else { update = nil; return }
        let start = Date()
        update = { done in
            let rate = Double(done) / max(Date().timeIntervalSince(start), 1e-9)
            let left = Double(total - done) / max(rate, 1e-9)
            printError("\r\(label): \(done)/\(total) replications, \(String(format: "%.1f", rate))/s, "
                       + "~\(Int(left.rounded())) s left   ", newline: false)
        }
    }

    /// Ends the line.
    func finish() { if update != nil { printError("") } }
}

/// Runs replications with progress. After an interrupt it returns the replications that finished
/// (`interruption.isCancelled` tells).
func runReplications(_ spec: SystemSpec, replications: Int, jobs: Int?, quiet: Bool, label: String) -> [ReplicationResult] {
    let progress = ProgressLine(label: label, total: replications, quiet: quiet)
    defer { progress.finish() }
    return Experiment.run(spec, replications: replications, jobs: jobs ?? Cores.count, cancellation: interruption,
                          progress: progress.update)
}

/// What replications leave besides their metrics: warnings, stops and broken invariants (deduplicated).
final class StreamOutcome: @unchecked Sendable {
    var consumed = 0
    var warnings = Set<String>()
    var stopped: [String] = []
    var broken = Set<String>()

    func add(_ r: ReplicationResult) {
        warnings.formUnion(r.warnings)
        if let s = r.stopped { stopped.append("replication \(r.replication) \(s)") }
        broken.formUnion(r.invariantViolations)
    }
}

/// Runs replications, adding each to `summaries` in replication order as it finishes (nothing else is kept):
/// memory does not grow with the number of replications.
func streamReplications(_ spec: SystemSpec, replications: Int, jobs: Int?, quiet: Bool, label: String,
                        into summaries: StreamingSummaries) -> StreamOutcome {
    let progress = ProgressLine(label: label, total: replications, quiet: quiet)
    defer { progress.finish() }
    let outcome = StreamOutcome()
    outcome.consumed = Experiment.stream(spec, replications: replications, jobs: jobs ?? Cores.count,
                                         cancellation: interruption, progress: progress.update) { r in
        summaries.add(r)
        outcome.add(r)
    }
    return outcome
}

/// Reports warnings, replications that had to stop, and broken invariants; the last two fail the run (exit 1).
func checkOutcome(_ o: StreamOutcome) throws {
    for w in o.warnings.sorted() { printError("warning: \(w)") }
    for s in o.stopped { printError("error: \(s)") }
    for b in o.broken.sorted() { printError("error: invariant broken: \(b)") }
    if !o.broken.isEmpty || !o.stopped.isEmpty { throw ExitCode(1) }
}

/// `checkOutcome` for replications kept in memory.
func checkResults(_ results: [ReplicationResult]) throws {
    let outcome = StreamOutcome()
    for r in results { outcome.add(r) }
    try checkOutcome(outcome)
}

/// The output folder: `--out`, or results/runs/<name>-<UTC time>/; created if missing.
func outputFolder(_ requested: String?, name: String) throws -> String {
    let folder: String
    if let requested {
        folder = requested
    } else {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        folder = "results/runs/\(name)-\(f.string(from: Date()))"
    }
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
        printError("error: cannot create the output folder \(folder): \(error.localizedDescription)")
        throw ExitCode(2)
    }
    return folder
}

/// Writes the files of a run into `folder` (each atomically).
func writeFiles(_ files: [(name: String, contents: String)], to folder: String) throws {
    for (name, contents) in files {
        do {
            try Writers.writeAtomically(contents, to: "\(folder)/\(name)")
        } catch {
            printError("error: cannot write \(folder)/\(name): \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }
}

func printError(_ message: String, newline: Bool = true) {
    let line = message + (newline ? "\n" : "")
    _ = line.withCString { write(2, $0, strlen($0)) }
}

enum Cores {
    static var count: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

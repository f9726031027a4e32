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
/// - Parameter folders: folders besides the scenario's own that `extends` and `csv` may read (`--allow-dir`).
func loadScenario(_ path: String, overrides: [Override] = [], allowing folders: [String] = []) throws -> Scenario {
    // The overrides are a small scenario that extends the file: the same merge as any option file. It sits in
    // the scenario's folder (so relative paths resolve as in the file) under a name no file has.
    let name = (path as NSString).lastPathComponent
    let folder = (path as NSString).deletingLastPathComponent
    let overridesFile = (folder.isEmpty ? "" : folder + "/") + "(--set on \(name))"
    do {
        guard !overrides.isEmpty else { return try Scenario.load(path: path, allowing: folders) }
        var tree: [String: Any] = [:]
        for o in overrides { insert(&tree, o.key.split(separator: ".").map(String.init), o.value) }
        let yaml = "extends: \"\(name.replacingOccurrences(of: "\"", with: "\\\""))\"\n" + render(tree, indent: 0)
        return try Scenario.load(yaml: yaml, file: overridesFile, allowing: folders)
    } catch {
        for e in error.errors { printError(describe(e, overridesFile: overridesFile, overrides: overrides)) }
        throw ExitCode(2)
    }
}

/// An error in a scenario loaded with overrides: one in the overrides themselves names the `--set` flag it
/// comes from (the one whose key shares the longest start with the error's key path), not a position in a
/// file that does not exist.
func describe(_ e: ScenarioError, overridesFile: String, overrides: [Override]) -> String {
    guard e.location.file == overridesFile, !overrides.isEmpty else { return e.description }
    let path = e.path.split(separator: ".").map(String.init)
    func shared(_ o: Override) -> Int {
        zip(o.key.split(separator: ".").map(String.init), path).prefix { $0 == $1 }.count
    }
    let best = overrides.max { shared($0) < shared($1) } ?? overrides[0]
    let flag = shared(best) > 0 ? best.flag : overrides.map(\.flag).joined(separator: " ")
    return e.path.isEmpty ? "\(flag): \(e.message)" : "\(flag): \(e.path): \(e.message)"
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
        return "\(pad)\(key): \(tree[k].map { "\($0)" } ?? "null")\n"
    }.joined()
}

/// A `--set` or `--param` key: a dotted path of names (letters, digits, `_` and `-`), e.g.
/// `units.frailty_hub.places`; nil if it is one.
func keyProblem(_ key: String) -> String? {
    let parts = key.split(separator: ".", omittingEmptySubsequences: false)
    let ok = !key.isEmpty && parts.allSatisfy { part in
        !part.isEmpty && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
    return ok ? nil : "KEY must be a dotted path of names (letters, digits, _ and -) into the scenario file, "
        + "e.g. units.frailty_hub.places (got '\(key)')"
}

// MARK: Signals

/// SIGINT, SIGTERM and SIGHUP (a closed terminal or ssh session). The first stops starting replications: those
/// under way finish, what finished is written, marked incomplete, and the command exits 130. A second stops the
/// replications under way at once (what finished is still written). A third exits at once, removing the
/// output folder's staging files. SIGPIPE and SIGXFSZ are ignored, so a closed pipe or a file-size limit is a
/// write error the command reports rather than a silent death.
enum Interrupts {
    /// Set by the first signal: no new replication starts.
    static let stopStarting = Cancellation()
    /// Set by the second: replications under way end part-way and are dropped.
    static let abort = Cancellation()
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) static var count = 0
    static let lock = NSLock()

    static func install() {
        signal(SIGPIPE, SIG_IGN)
        signal(SIGXFSZ, SIG_IGN)
        for (sig, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP")] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { received(name) }
            source.resume()
            sources.append(source)
        }
    }

    static func received(_ name: String) {
        lock.lock()
        count += 1
        let n = count
        lock.unlock()
        switch n {
        case 1:
            stopStarting.cancel()
            printError("\ninterrupted (\(name)): finishing the replications under way, then writing what finished; "
                       + "interrupt again to stop them at once")
        case 2:
            abort.cancel()
            printError("\ninterrupted again (\(name)): stopping the replications under way; writing what finished")
        default:
            printError("\ninterrupted a third time (\(name)): exiting now, nothing more written")
            OpenFolders.closeAll()
            _exit(130)
        }
    }
}

/// Set by SIGINT, SIGTERM or SIGHUP: runs stop starting replications, write what finished and exit non-zero.
var interruption: Cancellation { Interrupts.stopStarting }

/// Exit status after an interruption (128 + SIGINT), once what finished is written.
let interruptedExitCode = ExitCode(130)

// MARK: Progress

/// Progress on stderr ("label: 7/20 replications, 3.1/s, ~4 s left") when it is a terminal and not `--quiet`.
/// After an interrupt the line says so, and its last state says how many replications finished.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let enabled: Bool
    private let start = Date()
    private let lock = NSLock()
    private var done = 0

    init(label: String, total: Int, quiet: Bool) {
        self.label = label
        self.total = total
        enabled = !quiet && isatty(2) != 0
    }

    /// What `Experiment` calls after each replication (nil when no line is shown).
    var update: (@Sendable (Int) -> Void)? {
        guard enabled else { return nil }
        return { @Sendable [self] n in tick(n) }
    }

    private func tick(_ n: Int) {
        lock.lock()
        done = max(done, n)
        lock.unlock()
        if interruption.isCancelled {
            printError("\r\(label): \(n)/\(total) replications finished; interrupted: finishing those under way   ",
                       newline: false)
            return
        }
        let rate = Double(n) / max(Date().timeIntervalSince(start), 1e-9)
        let left = Double(total - n) / max(rate, 1e-9)
        printError("\r\(label): \(n)/\(total) replications, \(String(format: "%.1f", rate))/s, "
                   + "~\(Int(left.rounded())) s left   ", newline: false)
    }

    /// Ends the line; after an interrupt, with how many replications finished (and were kept).
    func finish(finished: Int? = nil) {
        guard enabled else { return }
        if interruption.isCancelled {
            lock.lock()
            let n = finished ?? done
            lock.unlock()
            printError("\r\(label): \(n) of \(total) replications finished (interrupted)" + String(repeating: " ", count: 24))
        } else {
            printError("")
        }
    }
}

// MARK: Running replications

/// Runs replications with progress. After an interrupt it returns the replications that finished
/// (`interruption.isCancelled` tells).
func runReplications(_ spec: SystemSpec, replications: Int, jobs: Int?, quiet: Bool, label: String) -> [ReplicationResult] {
    let progress = ProgressLine(label: label, total: replications, quiet: quiet)
    let results = Experiment.run(spec, replications: replications, jobs: jobs ?? Cores.count, cancellation: interruption,
                                 abort: Interrupts.abort, progress: progress.update)
    progress.finish(finished: results.count)
    return results
}

/// What replications leave besides their metrics: warnings, stops and broken invariants (deduplicated).
final class StreamOutcome: @unchecked Sendable {
    var consumed = 0
    /// Warnings by subject (the text before the first colon, e.g. "queue grew without bound at unit ward"):
    /// the replications that gave it and the first one's details.
    var warnings: [String: (replications: Set<Int>, first: (replication: Int, text: String))] = [:]
    var stopped: [String] = []
    var broken = Set<String>()

    func add(_ r: ReplicationResult) {
        consumed += 1
        for w in r.warnings {
            let subject = w.firstIndex(of: ":").map { String(w[..<$0]) } ?? w
            if var entry = warnings[subject] {
                entry.replications.insert(r.replication)
                if r.replication < entry.first.replication { entry.first = (r.replication, w) }
                warnings[subject] = entry
            } else {
                warnings[subject] = ([r.replication], (r.replication, w))
            }
        }
        if let s = r.stopped { stopped.append("replication \(r.replication) \(s)") }
        broken.formUnion(r.invariantViolations)
    }
}

/// Runs replications, adding each to `summaries` in replication order as it finishes (nothing else is kept):
/// memory does not grow with the number of replications.
///
/// - Parameters:
///   - first: the first replication to run (`first..<replications`: a sequential procedure's next batch).
///   - outcome: where to add warnings and stops (a new one by default; pass one to gather several batches).
func streamReplications(_ spec: SystemSpec, from first: Int = 0, replications: Int, jobs: Int?, quiet: Bool,
                        label: String, into summaries: StreamingSummaries,
                        outcome: StreamOutcome = StreamOutcome()) -> StreamOutcome {
    let progress = ProgressLine(label: label, total: replications - first, quiet: quiet)
    let before = outcome.consumed
    Experiment.stream(spec, from: first, replications: replications, jobs: jobs ?? Cores.count, cancellation: interruption,
                      abort: Interrupts.abort, progress: progress.update) { r in
        summaries.add(r)
        outcome.add(r)
    }
    progress.finish(finished: outcome.consumed - before)
    return outcome
}

/// `streamReplications` of replications 0..<n that stops the command (exit 130, nothing written) if an
/// interrupt came before any replication finished. After it, `consumed < n` means an interrupted run.
func streamSome(_ spec: SystemSpec, replications n: Int, options: RunOptions, into summaries: StreamingSummaries) throws
    -> StreamOutcome {
    let outcome = streamReplications(spec, replications: n, jobs: options.jobs, quiet: options.quiet, label: spec.name,
                                     into: summaries)
    guard outcome.consumed > 0 else {
        printError("interrupted before any replication finished: nothing written")
        throw interruptedExitCode
    }
    return outcome
}

/// Reports warnings (one line per subject, with how many replications gave it), replications that had to stop,
/// and broken invariants; the last two fail the run (exit 1).
func checkOutcome(_ o: StreamOutcome) throws {
    for (_, w) in o.warnings.sorted(by: { $0.key < $1.key }) {
        let detail = w.first.text
        let n = w.replications.count
        printError("warning: \(detail)" + (o.consumed > 1 ? " (in \(n) of \(o.consumed) replications; "
                                            + "figures from replication \(w.first.replication))" : ""))
    }
    for s in o.stopped.prefix(5) { printError("error: \(s)") }
    if o.stopped.count > 5 { printError("error: ... and \(o.stopped.count - 5) more replications stopped") }
    for b in o.broken.sorted() { printError("error: invariant broken: \(b)") }
    if !o.broken.isEmpty || !o.stopped.isEmpty { throw ExitCode(1) }
}

/// `checkOutcome` for replications kept in memory.
func checkResults(_ results: [ReplicationResult]) throws {
    let outcome = StreamOutcome()
    for r in results { outcome.add(r) }
    try checkOutcome(outcome)
}

/// The ids of every metric a run of `spec` reports, known without running it: a replication one minute long
/// gives the same metrics (they depend on the units, not on what happened).
func metricIDs(of spec: SystemSpec) -> [String] { probe(spec).metrics.map(\.id) }

/// The names of every daily series a run of `spec` writes, known the same way as `metricIDs`.
func dailySeriesNames(of spec: SystemSpec) -> [String] { probe(spec).daily.map(\.name) }

private func probe(_ spec: SystemSpec) -> ReplicationResult {
    var probe = spec
    probe.warmUp = 0
    probe.horizon = 1
    return SystemSimulation(spec: probe, replication: 0).run()
}

/// Exit 2 unless `id` is one of `ids`, with the nearest metric as a suggestion.
///
/// - Parameter listing: what names them all, for the message.
func requireMetric(_ id: String, in ids: [String], option: String, what: String = "metric in this scenario's results",
                   listing: String = "`flowsim run SCENARIO --format csv` lists every metric") throws {
    guard !ids.contains(id) else { return }
    let hint = Scenario.nearest(id, in: ids).map { "; did you mean '\($0)'?" } ?? ""
    printError("error: \(option) \(id): no such \(what)\(hint) (\(listing))")
    throw ExitCode(2)
}

// MARK: Output folders

/// Result folders open in this process, closed (staging removed, lock released) if a third interrupt exits at once.
enum OpenFolders {
    nonisolated(unsafe) static var folders: [ResultFolder] = []
    static let lock = NSLock()

    static func add(_ f: ResultFolder) {
        lock.lock()
        folders.append(f)
        lock.unlock()
    }

    static func closeAll() {
        lock.lock()
        let fs = folders
        lock.unlock()
        for f in fs { f.close() }
    }
}

/// A name safe as one path component: letters, digits, `.`, `_` and `-` (others become `_`), no leading dot,
/// at most 80 characters. Scenario names come from files, which must not steer where results go.
func safeFileName(_ name: String) -> String {
    var s = String(name.unicodeScalars.map { c -> Character in
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" || c == ".") ? Character(c) : "_"
    })
    while s.hasPrefix(".") { s.removeFirst() }
    s = String(s.prefix(80))
    return s.isEmpty ? "scenario" : s
}

/// The output folder, checked and locked before any work is done: `--out`, or
/// results/runs/<name>-<UTC time>/ (the name made safe; `-2`, `-3`... if that folder exists). Exit 2 if it
/// cannot be used.
func openOutputFolder(_ requested: String?, name: String) throws -> ResultFolder {
    let folder: String
    if let requested {
        folder = requested
    } else {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let base = "results/runs/\(safeFileName(name))-\(f.string(from: Date()))"
        var candidate = base, k = 1
        while FileManager.default.fileExists(atPath: candidate) {
            k += 1
            candidate = "\(base)-\(k)"
        }
        folder = candidate
    }
    do {
        let opened = try ResultFolder(folder)
        OpenFolders.add(opened)
        return opened
    } catch {
        printError("error: \(error.description)")
        throw ExitCode(2)
    }
}

/// Writes a run's files and its manifest into its folder, all at once (exit 1 if that fails, e.g. a full disk:
/// the folder then keeps what it held before).
func commit(_ folder: ResultFolder, _ files: [(String, String)], manifest: Manifest) throws {
    do {
        try folder.commit(files.map { (name: $0.0, contents: $0.1) }, manifest: manifest)
    } catch {
        printError("error: \(error.description); nothing was written")
        throw ExitCode(1)
    }
}

/// Writes files one at a time (each atomically) into a folder of other files (the goldens).
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

/// Writes a line to stderr, whole: a NUL in it is shown as `\0` rather than ending the message there.
func printError(_ message: String, newline: Bool = true) {
    var bytes = Array((message + (newline ? "\n" : "")).replacingOccurrences(of: "\u{0}", with: "\\0").utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { buffer in write(2, buffer.baseAddress.map { $0 + done }, buffer.count - done) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        done += n
    }
    bytes.removeAll()
}

enum Cores {
    static var count: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

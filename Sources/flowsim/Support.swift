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
func loadScenario(_ path: String, overrides: [(key: String, value: String)] = []) throws -> Scenario {
    do {
        guard !overrides.isEmpty else { return try Scenario.load(path: path) }
        // The overrides are a small scenario that extends the file: the same merge as any option file.
        let url = URL(fileURLWithPath: path)
        var tree: [String: Any] = [:]
        for (key, value) in overrides { insert(&tree, key.split(separator: ".").map(String.init), value) }
        let yaml = "extends: \"\(url.lastPathComponent)\"\n" + render(tree, indent: 0)
        let file = url.deletingLastPathComponent().appendingPathComponent("(--set on \(url.lastPathComponent))").path
        return try Scenario.load(yaml: yaml, file: file)
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

/// Runs replications with progress on stderr when it is a terminal (and not `--quiet`).
func runReplications(_ spec: SystemSpec, replications: Int, jobs: Int?, quiet: Bool, label: String) -> [ReplicationResult] {
    let showProgress = !quiet && isatty(2) != 0
    let start = Date()
    let results = Experiment.run(spec, replications: replications, jobs: jobs ?? Cores.count) { done in
        guard showProgress else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = Double(done) / max(elapsed, 1e-9)
        let left = Double(replications - done) / max(rate, 1e-9)
        printError("\r\(label): \(done)/\(replications) replications, \(String(format: "%.1f", rate))/s, ~\(Int(left.rounded())) s left   ",
                   newline: false)
    }
    if showProgress { printError("") }
    return results
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

/// Reports broken invariants and warnings; a broken invariant fails the run (exit 1).
func checkResults(_ results: [ReplicationResult]) throws {
    for w in Set(results.flatMap(\.warnings)).sorted() { printError("warning: \(w)") }
    let broken = Set(results.flatMap(\.invariantViolations)).sorted()
    if !broken.isEmpty {
        for b in broken { printError("error: invariant broken: \(b)") }
        throw ExitCode(1)
    }
}

func printError(_ message: String, newline: Bool = true) {
    let line = message + (newline ? "\n" : "")
    _ = line.withCString { write(2, $0, strlen($0)) }
}

enum Cores {
    static var count: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

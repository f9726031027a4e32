import ArgumentParser
import Foundation
import PatientFlow
import Reporting
import Scenario

/// `flowsim regress [DIR]`: re-run pinned scenarios and compare with the golden results.
struct Regress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-run scenarios/regression/*.yaml with their pinned seeds and compare with results/golden/.",
        discussion: """
        Each scenario runs its own `replications` with its own `seed`; every metric of every replication must
        match results/golden/<name>.json (to 1e-9 relative). Exit code 3 with the differences when anything
        moved. scripts/update-golden rewrites the goldens on purpose (flowsim regress --update).
        Regression scenarios may extend files in the folder above DIR (scenarios/examples/ from
        scenarios/regression/) as well as their own; --allow-dir allows more.

        Examples:
          flowsim regress
          flowsim regress scenarios/regression --golden results/golden
        """
    )

    @Argument(help: "Folder of regression scenarios.")
    var folder: String = "scenarios/regression"

    @Option(help: "Folder of golden results.")
    var golden: String = "results/golden"

    @Flag(help: "Rewrite the goldens from this run instead of comparing (what scripts/update-golden does).")
    var update = false

    @Option(name: .shortAndLong, parsing: .unconditional, help: "Threads (default: all cores). Results do not depend on it.")
    var jobs: Int?

    @OptionGroup var fileOptions: FileOptions

    func validate() throws {
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1 (got \(j)).") }
    }

    func run() throws {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        guard !files.isEmpty else {
            printError("error: no .yaml scenarios in \(folder)")
            throw ExitCode(2)
        }
        var drifted = 0
        for f in files {
            let s = try loadScenario("\(folder)/\(f)", allowing: [(folder as NSString).appendingPathComponent("..")] + fileOptions.allowDirs)
            let results = runReplications(s.spec, replications: s.replications, jobs: jobs, quiet: true, label: f)
            // Replications cut short by an interrupt are neither compared (they would look like drift) nor
            // made into goldens.
            if interruption.isCancelled {
                printError("interrupted during \(f): nothing compared or updated for it (\(drifted) drifted before)")
                throw interruptedExitCode
            }
            try checkResults(results)
            let name = (f as NSString).deletingPathExtension
            let path = "\(golden)/\(name).json"
            let current = Golden.values(results)
            if update {
                try FileManager.default.createDirectory(atPath: golden, withIntermediateDirectories: true)
                try writeFiles([("\(name).json", Golden.json(current))], to: golden)
                print("updated \(path)")
                continue
            }
            guard let data = FileManager.default.contents(atPath: path), let stored = Golden.parse(data) else {
                printError("\(f): no golden at \(path) (run scripts/update-golden to create it)")
                drifted += 1
                continue
            }
            let diffs = Golden.differences(stored: stored, current: current)
            if diffs.isEmpty {
                print("ok \(f)")
            } else {
                drifted += 1
                print("DRIFT \(f): \(diffs.count) values moved")
                for d in diffs.prefix(20) { print("  \(d)") }
                if diffs.count > 20 { print("  ... and \(diffs.count - 20) more") }
            }
        }
        if drifted > 0 {
            printError("\(drifted) of \(files.count) regression scenarios drifted; if the change is intended, run scripts/update-golden and commit the goldens")
            throw ExitCode(3)
        }
    }
}

/// Golden files: replication -> metric -> value.
enum Golden {
    typealias Values = [String: [String: Double]]

    static func values(_ results: [ReplicationResult]) -> Values {
        var v: Values = [:]
        for r in results {
            var m: [String: Double] = [:]
            for x in r.metrics where !x.value.isNaN { m[x.id] = x.value }
            m["events"] = Double(r.events)
            v["replication_\(r.replication)"] = m
        }
        return v
    }

    static func json(_ v: Values) -> String {
        "{\n" + v.keys.sorted().map { rep in
            "  \"\(rep)\": {\n" + v[rep]!.keys.sorted().map { "    \"\($0)\": \(v[rep]![$0]!)" }.joined(separator: ",\n") + "\n  }"
        }.joined(separator: ",\n") + "\n}\n"
    }

    static func parse(_ data: Data) -> Values? {
        try? JSONSerialization.jsonObject(with: data) as? Values
    }

    /// Readable differences: what moved, from what, to what.
    static func differences(stored: Values, current: Values) -> [String] {
        var out: [String] = []
        for rep in Set(stored.keys).union(current.keys).sorted() {
            let a = stored[rep] ?? [:], b = current[rep] ?? [:]
            for id in Set(a.keys).union(b.keys).sorted() {
                switch (a[id], b[id]) {
                case let (x?, y?) where abs(x - y) > 1e-9 * max(1, abs(x)):
                    out.append("\(rep) \(id): \(x) -> \(y) (\(y > x ? "+" : "")\(TableWriter.format(y - x)))")
                case (nil, let y?): out.append("\(rep) \(id): new, \(y)")
                case (let x?, nil): out.append("\(rep) \(id): gone (was \(x))")
                default: break
                }
            }
        }
        return out
    }
}

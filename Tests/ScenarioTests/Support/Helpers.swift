import Foundation
import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Paths of the test fixtures (copied into the test bundle) and of the repository's scenario files.
enum Paths {
    static let fixtures: String = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path

    static func fixture(_ name: String) -> String { fixtures + "/" + name }

    /// The repository root, from this source file's place in it.
    static let repository: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func repo(_ relative: String) -> String { repository + "/" + relative }
}

/// A small valid scenario; `ward` and `door` lines can be replaced to test one value at a time.
enum Template {
    static func scenario(stay: String = "2d", beds: String = "5", route: String = "home", rate: String = "{per_day: 10}",
                         doorExtra: String = "", wardExtra: String = "", top: String = "", attributes: String? = nil) -> String {
        """
        name: t
        horizon: 30d
        \(top)
        \(attributes.map { "attributes:\n" + $0 } ?? "")
        units:
          door:
            kind: arrivals
            rate: \(rate)
            route: ward
        \(doorExtra)
          ward:
            kind: bedded_care
            beds: \(beds)
            stay: \(stay)
            route: \(route)
        \(wardExtra)
          home:
            kind: exit
            destination: home
          died:
            kind: exit
            destination: died
        """
    }

    /// The standard age bands plus a frailty attribute, as YAML lines under `attributes:`.
    static let twoAttributes = """
          age_band: [18-64, 65-74, 75-84, 85+]
          frailty: [none, mild, severe]
        """
}

extension XCTestCase {
    /// Loads `yaml`, failing the test (and returning nil) with the errors if it does not load.
    func loads(_ yaml: String, file: String = "test.yaml", line: UInt = #line) -> Scenario? {
        do {
            return try Scenario.load(yaml: yaml, file: file)
        } catch {
            XCTFail("expected the scenario to load; errors:\n\(error)", line: line)
            return nil
        }
    }

    /// The errors loading `yaml` gives; fails the test if it loads.
    func errors(_ yaml: String, file: String = "test.yaml", line: UInt = #line) -> [ScenarioError] {
        do {
            _ = try Scenario.load(yaml: yaml, file: file)
            XCTFail("expected errors, but the scenario loaded", line: line)
            return []
        } catch {
            return error.errors
        }
    }

    /// The one error whose path is `path`, failing otherwise.
    func error(_ errors: [ScenarioError], at path: String, line: UInt = #line) -> ScenarioError? {
        let matching = errors.filter { $0.path == path }
        XCTAssertEqual(matching.count, 1, "errors at \(path) in:\n\(errors.map(\.description).joined(separator: "\n"))",
                       line: line)
        return matching.first
    }

    /// The service spec of unit `name`.
    func service(_ s: Scenario?, _ name: String, line: UInt = #line) -> ServiceSpec? {
        guard let s, let u = s.spec.units.first(where: { $0.name == name }) else {
            XCTFail("no unit \(name)", line: line)
            return nil
        }
        switch u.kind {
        case .beddedCare(let x), .communityService(let x): return x
        case .emergencyDepartment(let e):
            let a = e.areas[0]
            return ServiceSpec(places: a.places, stay: a.assessment, route: a.route, initial: a.initial, atHome: false)
        default:
            XCTFail("\(name) is not a service unit", line: line)
            return nil
        }
    }

    /// The single (unkeyed) stay distribution of the test template's ward with `stay` as written.
    func stay(_ stay: String, line: UInt = #line) -> Distribution? {
        guard let w = service(loads(Template.scenario(stay: stay), line: line), "ward", line: line) else { return nil }
        XCTAssertEqual(w.stay.keys, [], line: line)
        return w.stay.values.first
    }
}

/// Checks that every error prints as `file:line:column: path: message`.
func assertWellFormed(_ errors: [ScenarioError], file: String = "test.yaml", line: UInt = #line) {
    for e in errors {
        XCTAssertEqual(e.location.file, file, line: line)
        XCTAssertGreaterThan(e.location.line, 0, line: line)
        XCTAssertGreaterThan(e.location.column, 0, line: line)
        XCTAssertFalse(e.message.isEmpty, line: line)
        let prefix = "\(file):\(e.location.line):\(e.location.column): " + (e.path.isEmpty ? "" : "\(e.path): ")
        XCTAssertTrue(e.description.hasPrefix(prefix), "\(e.description) should start with \(prefix)", line: line)
    }
}

extension XCTestCase {
    /// Asserts that one error at `path` contains `fragment`, and that every error is well formed.
    func expect(_ text: String, _ path: String, _ fragment: String, line: UInt = #line) {
        let e = errors(text, line: line)
        assertWellFormed(e, line: line)
        XCTAssertTrue(e.contains { $0.path == path && $0.message.contains(fragment) },
                      "expected '\(fragment)' at '\(path)' in:\n\(e.map(\.description).joined(separator: "\n"))", line: line)
    }

    /// Runs `replications` of `yaml` and returns the results (failing the test on broken invariants).
    func run(_ yaml: String, replications: Int = 2, line: UInt = #line) -> [ReplicationResult] {
        guard let s = loads(yaml, line: line) else { return [] }
        let results = Experiment.run(s.spec, replications: replications, jobs: 2)
        for r in results {
            XCTAssertEqual(r.invariantViolations, [], line: line)
            XCTAssertTrue(r.conservation.holds, line: line)
        }
        return results
    }

    /// The mean of metric `id` over the replications that report it (not NaN).
    func mean(_ results: [ReplicationResult], _ id: String, line: UInt = #line) -> Double {
        let xs = results.compactMap { $0.metric(id) }.filter { !$0.isNaN }
        XCTAssertFalse(xs.isEmpty, "no values of \(id)", line: line)
        return xs.reduce(0, +) / Double(max(1, xs.count))
    }

    /// Every movement of replication 0 of `yaml`.
    func trace(_ yaml: String, line: UInt = #line) -> [SystemSimulation.TraceEvent] {
        guard let s = loads(yaml, line: line) else { return [] }
        let sim = SystemSimulation(spec: s.spec, replication: 0)
        final class Sink: @unchecked Sendable { var events: [SystemSimulation.TraceEvent] = [] }
        let sink = Sink()
        sim.trace = { sink.events.append($0) }
        _ = sim.run()
        return sink.events
    }
}

import Foundation
import PatientFlow
import SimCore
import XCTest

/// A fixed-seed run of the small chain, compared with `results/golden/patientflow-small-chain.json`.
///
/// Any model change that moves a number fails here. Goldens change only on purpose: `scripts/update-golden`
/// runs this test with FLOWSIM_UPDATE_GOLDEN=1, which rewrites the file; review and commit the diff.
final class GoldenTests: XCTestCase {
    static let goldenURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("results/golden/patientflow-small-chain.json")

    func testSmallChainMatchesGolden() throws {
        let results = Experiment.run(smallChain(horizon: 120 * day, warmUp: 20 * day), replications: 2, jobs: 2)
        var current: [String: [String: Double]] = [:]
        for r in results {
            var m: [String: Double] = [:]
            for v in r.metrics where !v.value.isNaN { m[v.id] = v.value }
            m["events"] = Double(r.events)
            m["patients_created"] = Double(r.conservation.created)
            current["replication_\(r.replication)"] = m
        }
        if ProcessInfo.processInfo.environment["FLOWSIM_UPDATE_GOLDEN"] == "1" {
            let data = try JSONSerialization.data(withJSONObject: current, options: [.prettyPrinted, .sortedKeys])
            try FileManager.default.createDirectory(at: Self.goldenURL.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            try data.write(to: Self.goldenURL, options: .atomic)
            return
        }
        let data = try Data(contentsOf: Self.goldenURL)
        let golden = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Double]])
        XCTAssertEqual(Set(golden.keys), Set(current.keys))
        for (rep, metrics) in golden {
            let now = try XCTUnwrap(current[rep])
            XCTAssertEqual(Set(now.keys), Set(metrics.keys), "\(rep): metric set changed")
            for (id, want) in metrics {
                // Same seed and code: the same arithmetic, so values agree to rounding in the JSON text.
                XCTAssertEqual(now[id] ?? .nan, want, accuracy: 1e-9 * max(1, abs(want)), "\(rep) \(id)")
            }
        }
    }
}

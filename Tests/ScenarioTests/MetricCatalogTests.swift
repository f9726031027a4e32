import Foundation
import PatientFlow
@testable import Scenario
import SimCore
import XCTest

/// The metric catalogue is the one description of every metric: the docs equal it, and every metric a run
/// reports has an entry.
final class MetricCatalogTests: XCTestCase {
    func testDocsEqualTheCatalogue() throws {
        let doc = try String(contentsOfFile: Paths.repo("docs/metrics.md"), encoding: .utf8)
        let begin = "<!-- catalogue:begin -->\n", end = "<!-- catalogue:end -->"
        let start = try XCTUnwrap(doc.range(of: begin)), stop = try XCTUnwrap(doc.range(of: end))
        let written = String(doc[start.upperBound..<stop.lowerBound])
        XCTAssertEqual(written, MetricCatalog.markdownTables(),
                       "docs/metrics.md differs from the catalogue: paste `flowsim explain --metrics` between the markers")
    }

    /// Every metric of a run of the example that uses every kind (and a population and costs) is catalogued.
    func testEveryReportedMetricIsCatalogued() throws {
        var spec = try Scenario.load(path: Paths.repo("scenarios/mk-baseline.yaml")).spec
        spec.warmUp = 10 * Duration.day
        spec.horizon = 20 * Duration.day
        let result = SystemSimulation(spec: spec, replication: 0).run()
        XCTAssertGreaterThan(result.metrics.count, 50)
        for m in result.metrics {
            XCTAssertNotNil(MetricCatalog.info(for: m.id), "\(m.id) has no catalogue entry")
        }
        XCTAssertEqual(Set(result.metrics.map(\.id)).count, result.metrics.count, "ids are unique")
    }

    func testFamiliesMatchTheirMembers() {
        XCTAssertEqual(MetricCatalog.info(for: "vw_full_percent.frailty_hub")?.id, "vw_full_percent.<ward>")
        XCTAssertEqual(MetricCatalog.info(for: "unit.ed.queue_mean")?.direction, .lowerIsBetter)
        XCTAssertEqual(MetricCatalog.info(for: "unit.ed.occupancy_percent")?.direction, .neither)
        XCTAssertEqual(MetricCatalog.info(for: "nctr_bed_days")?.id, "nctr_bed_days", "a single metric before a family")
        XCTAssertEqual(MetricCatalog.label(of: "arrivals.Bletchley"), "Emergency arrivals: Bletchley")
        XCTAssertNil(MetricCatalog.info(for: "no_such_metric"))
        XCTAssertEqual(MetricCatalog.direction(of: "no_such_metric"), .neither)
        XCTAssertEqual(Set(MetricCatalog.all.map(\.id)).count, MetricCatalog.all.count)
    }
}

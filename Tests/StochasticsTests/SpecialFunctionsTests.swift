import Stochastics
import XCTest

/// Quantiles and CDFs against published tables (values to 10+ digits from scipy.stats 1.17, which agree with
/// the printed tables, e.g. Abramowitz & Stegun Table 26.10, to the digits those give).
final class SpecialFunctionsTests: XCTestCase {
    func testStudentTQuantiles() {
        // Accuracy 1e-9: GSL's t inverse is accurate to near double precision; the references have 12+ digits.
        let table: [(p: Double, dof: Double, t: Double)] = [
            (0.975, 9, 2.262157162798205),
            (0.975, 1, 12.706204736174694),
            (0.975, 30, 2.0422724563012378),
            (0.95, 4, 2.1318467863266495),
            (0.995, 5, 4.032142983555228),
        ]
        for row in table {
            XCTAssertEqual(SpecialFunctions.studentTQuantile(row.p, dof: row.dof), row.t, accuracy: 1e-9,
                           "t(\(row.p), \(row.dof))")
        }
        // Symmetric about 0, 0 at the median, tends to the normal quantile as dof grows.
        XCTAssertEqual(SpecialFunctions.studentTQuantile(0.025, dof: 9), -2.262157162798205, accuracy: 1e-9)
        XCTAssertEqual(SpecialFunctions.studentTQuantile(0.5, dof: 7), 0, accuracy: 1e-12)
        XCTAssertEqual(SpecialFunctions.studentTQuantile(0.975, dof: 1e6), 1.959966356814107, accuracy: 1e-7)
    }

    func testNormalQuantiles() {
        XCTAssertEqual(SpecialFunctions.normalQuantile(0.975), 1.959963984540054, accuracy: 1e-12)
        XCTAssertEqual(SpecialFunctions.normalQuantile(0.999), 3.090232306167813, accuracy: 1e-12)
        XCTAssertEqual(SpecialFunctions.normalQuantile(0.5), 0, accuracy: 1e-15)
        XCTAssertEqual(SpecialFunctions.normalQuantile(0.025), -1.959963984540054, accuracy: 1e-12)
    }

    func testPoissonCDF() {
        // P(X <= 0) = e^-2; P(X <= 3) = e^-2 (1 + 2 + 2 + 4/3).
        XCTAssertEqual(SpecialFunctions.poissonCDF(0, mean: 2), 0.1353352832366127, accuracy: 1e-14)
        XCTAssertEqual(SpecialFunctions.poissonCDF(3, mean: 2), 0.857123460498547, accuracy: 1e-14)
        XCTAssertEqual(SpecialFunctions.poissonCDF(10, mean: 7.5), 0.8622379834283881, accuracy: 1e-12)
        XCTAssertEqual(SpecialFunctions.poissonCDF(200, mean: 2), 1, accuracy: 1e-15)
    }
}

import PatientFlow
import SimCore
import XCTest

/// The directions a planner relies on. Each compares two systems under common random numbers (same seed,
/// same stream names), several replications, and asserts the difference has the expected sign by more than
/// four standard errors of the paired difference.
final class BehaviourTests: XCTestCase {
    func pairedDifference(_ a: [ReplicationResult], _ b: [ReplicationResult], _ id: String) -> (mean: Double, se: Double) {
        let d = zip(a, b).map { $0.metric(id)! - $1.metric(id)! }
        let m = d.reduce(0, +) / Double(d.count)
        let v = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(d.count - 1)
        return (m, (v / Double(d.count)).squareRoot())
    }

    func assertLower(_ better: [ReplicationResult], _ worse: [ReplicationResult], _ id: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        let d = pairedDifference(better, worse, id)
        XCTAssertLessThan(d.mean + 4 * d.se, 0, "\(id): expected lower, paired difference \(d.mean) (se \(d.se))",
                          file: file, line: line)
    }

    /// More beds -> fewer long handovers (beds unblock the ED, which unblocks ambulances).
    func testMoreBedsFewerLongHandovers() {
        let tight = runChecked(smallChain(beds: 70), replications: 5)
        let more = runChecked(smallChain(beds: 85), replications: 5)
        assertLower(more, tight, "handovers_over_30min")
        assertLower(more, tight, "handover_hours_lost")
    }

    /// More reablement capacity -> lower NCTR.
    func testMoreReablementLowerNCTR() {
        let tight = runChecked(smallChain(beds: nil, reablement: 44), replications: 5)
        let more = runChecked(smallChain(beds: nil, reablement: 60), replications: 5)
        assertLower(more, tight, "nctr_percent")
        assertLower(more, tight, "nctr_bed_days")
    }

    /// Longer NCTR waits -> lower 91-day at home (deconditioning: independence lost per NCTR day).
    func testLongerNCTRWaitsLowerHomeAt91Days() {
        let quick = runChecked(smallChain(beds: nil, reablement: nil, p1Delay: .exponential(mean: 0.5 * day),
                                          horizon: 400 * day, independenceLossPerDay: 0.03), replications: 6)
        let slow = runChecked(smallChain(beds: nil, reablement: nil, p1Delay: .exponential(mean: 8 * day),
                                         horizon: 400 * day, independenceLossPerDay: 0.03), replications: 6)
        assertLower(slow, quick, "home_at_91_days_percent")
    }

    /// Faster discharge (shorter P0 process and P1 assessment) -> fewer 12-hour ED waits.
    func testFasterDischargeFewerTwelveHourWaits() {
        let slow = runChecked(smallChain(beds: 80, p1Delay: .exponential(mean: 2 * day),
                                         p0Delay: .exponential(mean: 12 * hour)), replications: 5)
        let fast = runChecked(smallChain(beds: 80, p1Delay: .exponential(mean: 0.5 * day),
                                         p0Delay: .exponential(mean: 2 * hour)), replications: 5)
        assertLower(fast, slow, "ed_12h_waits")
    }
}

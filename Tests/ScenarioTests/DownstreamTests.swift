import Foundation
import PatientFlow
import Scenario
import SimCore
import XCTest

/// The mechanisms after the acute phase (issue 11) on small systems written as scenario files: NCTR by reason,
/// the 91-day follow-up from the acute discharge (readmission from any state at home), virtual-ward step-down
/// keeping the pathway need, discharge to assess as changed needs, and costs a finance lead would sign.
final class DownstreamTests: XCTestCase {
    /// A ward whose P1 patients go to a reablement service of `capacity` places.
    func ward(capacity: String, reablementStay: String = "{exponential: {mean: 10d}}", extraWard: String = "",
              extraUnits: String = "", pathwayMix: String = "{P0: 0.8, P1: 0.2}") -> String {
        """
        name: downstream
        horizon: 200d
        warm_up: 40d
        attributes:
          age_band: [18-64, 65-74, 75-84, 85+]
          frailty: [none, mild, moderate_severe]
        units:
          door:
            kind: arrivals
            rate: {per_day: 20}
            mix: {age_band: {18-64: 0.2, 65-74: 0.3, 75-84: 0.3, 85+: 0.2}, frailty: {none: 0.6, mild: 0.3, moderate_severe: 0.1}}
            route: ed
          ed: {kind: emergency_department, cubicles: unlimited, assessment: 2h, route: acute}
          acute:
            kind: acute_ward
            beds: unlimited
            acute_stay: {exponential: {mean: 4d}}
            pathway_mix: \(pathwayMix)
            pathways:
              P0: {to: home, delay: 4h}
              P1: {to: reablement, delay: 1d, counts_for_91_day: true}
        \(extraWard)
          reablement: {kind: community_service, capacity: \(capacity), stay: \(reablementStay), route: home}
          home: {kind: exit, destination: home}
        \(extraUnits)
        """
    }

    // MARK: NCTR by reason

    /// NCTR bed-days split into process and waiting for each service add up to the whole; with a service that
    /// has room for everyone nobody waits for it, and with a small one the wait is most of NCTR.
    func testNCTRReasonsAddUpAndWaitingFollowsCapacity() {
        let roomy = run(ward(capacity: "unlimited"))
        XCTAssertEqual(mean(roomy, "nctr_bed_days.wait.reablement"), 0, accuracy: 1e-9)
        for r in roomy {
            XCTAssertEqual(r.metric("nctr_bed_days.process")! + r.metric("nctr_bed_days.wait.reablement")!,
                           r.metric("nctr_bed_days")!, accuracy: 1e-6 * r.metric("nctr_bed_days")!)
        }
        // 4 P1 patients a day x 10 days = 40 places busy on average in an M/M/44 queue (rho 0.91): Erlang C gives
        // a mean queue of 4.32. Process time is 16 P0 a day x 4 h + 4 P1 a day x 1 d = 6.67 patients.
        let tight = run(ward(capacity: "44").replacingOccurrences(of: "horizon: 200d\nwarm_up: 40d", with: "horizon: 400d\nwarm_up: 100d"),
                        replications: 8)
        for r in tight {
            XCTAssertEqual(r.metric("nctr_bed_days.process")! + r.metric("nctr_bed_days.wait.reablement")!,
                           r.metric("nctr_bed_days")!, accuracy: 1e-6 * r.metric("nctr_bed_days")!)
            XCTAssertEqual(r.metric("nctr_reason_percent.process")! + r.metric("nctr_reason_percent.wait.reablement")!,
                           100, accuracy: 1e-9)
            // Time waiting in the bed is the reablement queue's time (Little): the same patients, the same minutes.
            XCTAssertEqual(r.metric("nctr_bed_days.wait.reablement")! / 365, r.metric("unit.reablement.queue_mean")!,
                           accuracy: 0.02 * r.metric("unit.reablement.queue_mean")! + 0.01)
        }
        func meanAndSE(_ id: String) -> (Double, Double) {
            let xs = tight.compactMap { $0.metric(id) }, n = Double(xs.count), m = xs.reduce(0, +) / n
            return (m, (xs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / (n - 1) / n).squareRoot())
        }
        let queue = meanAndSE("unit.reablement.queue_mean"), process = meanAndSE("nctr_bed_days.process")
        XCTAssertEqual(queue.0, 4.317, accuracy: 4 * queue.1, "Erlang C")
        XCTAssertEqual(process.0 / 365, 16 * (4.0 / 24) + 4 * 1, accuracy: 4 * process.1 / 365 + 0.05)
    }

    // MARK: The 91 days after the acute discharge

    /// The readmission clock starts at the acute discharge: with every P1 patient returning 10 days after
    /// leaving the bed and reablement lasting 30 days, every return reaches the patient in reablement (it used
    /// to start only after reablement, at the exit). The return ends the reablement stay.
    func testReadmissionComesFromReablementTenDaysAfterTheBed() {
        let yaml = ward(capacity: "unlimited", reablementStay: "30d", extraWard: """
                follow_up:
                  readmission:
                    probability: {by: next, table: {P0: 0, P1: 1}}
                    time: 10d
                    route: ed
            """)
        let r = run(yaml)
        // Admissions A = 20 a day + the returns 0.2 A, so A = 25 and 5 P1 discharges a day return from reablement.
        let p1PerYear = 0.2 * 25 * 365.0
        XCTAssertEqual(mean(r, "readmissions_from_care"), p1PerYear, accuracy: 0.1 * p1PerYear)
        // Returns come 10 days after leaving the bed: the trace shows leaving reablement 10 days after leaving acute.
        let events = trace(yaml)
        var leftAcute: [Int: SimTime] = [:]
        var gaps: [SimTime] = []
        for e in events {
            if e.unit == "acute" && e.kind == .leave { leftAcute[e.person] = e.time }
            if e.unit == "reablement" && e.kind == .exit, let t = leftAcute[e.person] { gaps.append(e.time - t) }
        }
        XCTAssertGreaterThan(gaps.count, 100)
        XCTAssertTrue(gaps.allSatisfy { abs($0 - 10 * Duration.day) < 1e-6 }, "the return ends reablement 10 days after the bed")
        // 30-day readmissions: every P1 discharge (20% of discharges) is followed by an admission 10 days later
        // (the ED admits everyone); P0 returns none. Binomial sd on ~3,000 discharges a replication ~0.7 points.
        XCTAssertEqual(mean(r, "readmissions_30d_percent"), 20, accuracy: 3)
    }

    /// A ward's readmissions may come straight back to it (direct readmission, not through the ED): the route
    /// is accepted there, every return is admitted without an ED attendance, and a route back to the ward is
    /// still an error for its discharges.
    func testDirectReadmissionToTheWard() {
        let follow = """
                follow_up:
                  readmission:
                    probability: {by: next, table: {P0: 0.5, P1: 0}}
                    time: 10d
                    route: acute
            """
        let r = run(ward(capacity: "unlimited", extraWard: follow, pathwayMix: "{P0: 1, P1: 0}"))
        // Admissions A = 20 a day + 0.5 A returns: A = 40 a day, all P0; half of the discharges come back 10 days
        // later, inside 30 days, so 30-day readmissions are 50% (binomial sd on ~11,000 discharges ~0.5 points).
        XCTAssertEqual(mean(r, "readmissions_30d_percent"), 50, accuracy: 2.5)
        XCTAssertEqual(mean(r, "emergency_admissions"), 40 * 365, accuracy: 0.05 * 40 * 365)
        // ED attendances are only the fresh 20 a day: returns did not pass through it.
        XCTAssertEqual(mean(r, "ed_attendances"), 20 * 365, accuracy: 0.05 * 20 * 365)
        let bad = ward(capacity: "unlimited").replacingOccurrences(of: "P0: {to: home, delay: 4h}", with: "P0: {to: acute, delay: 4h}")
        let e = errors(bad)
        XCTAssertNotNil(error(e, at: "units.acute.pathways.P0.to"), "a pathway back to the ward is still refused")
    }

    /// The return chance multiplies by the factor and by (1 + per_nctr_day)^NCTR days: P0 patients with no NCTR
    /// beyond their 4-hour process, 0.1 x 2 (frailty factor for everyone) = 20% return within 91 days.
    func testReadmissionFactorMultipliesTheChance() {
        let yaml = ward(capacity: "unlimited", extraWard: """
                follow_up:
                  readmission:
                    probability: {by: next, table: {P0: 0.1, P1: 0}}
                    factor: {by: frailty, table: {none: 2, mild: 2, moderate_severe: 2}}
                    time: 5d
                    route: ed
            """, pathwayMix: "{P0: 1, P1: 0}")
        let r = run(yaml, replications: 4)
        // Each return is an admission 5 days later, so 20% of discharges are readmitted within 30 days; ~3,000
        // discharges a replication x 4: sd of the share ~0.4 points.
        XCTAssertEqual(mean(r, "readmissions_30d_percent"), 20, accuracy: 2)
    }

    /// A later discharge replaces the pending events of an earlier one: with certain death 60 days after each
    /// discharge and a return after 5 days, nobody dies (each return's discharge draws anew, and returns keep
    /// coming first); and deaths reach people at home only.
    func testLaterDischargeReplacesPendingEvents() {
        let yaml = ward(capacity: "unlimited", extraWard: """
                follow_up:
                  readmission: {probability: 1, time: 5d, route: ed}
                  death: 1
                  event_time: 60d
            """, pathwayMix: "{P0: 1, P1: 0}")
        let events = trace(yaml)
        XCTAssertFalse(events.isEmpty)
        XCTAssertFalse(events.contains { $0.unit == "died" }, "no death: a return always comes first")
        let r = run(yaml)
        XCTAssertEqual(mean(r, "readmissions_30d_percent"), 100, accuracy: 1e-9)
    }

    // MARK: Virtual wards keep the need

    /// A stepped-down P1 patient still receives reablement after the virtual ward, and is not in the 91-day
    /// cohort (they left the bed for a virtual ward, not for reablement).
    func testSteppedDownP1StillReceivesReablement() {
        let vw = """
              vw:
                kind: virtual_ward
                role: hub
                places: unlimited
                stay: 3d
                when_full: acute
                step_down: {from: [acute], eligible: 1, eligible_after: 0.5, wait_for_service: at_home}
                route: home
            """
        let yaml = ward(capacity: "unlimited", extraUnits: vw, pathwayMix: "{P0: 0, P1: 1}")
        let r = run(yaml)
        XCTAssertGreaterThan(mean(r, "vw_step_down"), 0)
        XCTAssertEqual(mean(r, "vw_step_down_onward"), mean(r, "vw_step_down"), accuracy: 0.02 * mean(r, "vw_step_down"),
                       "every stepped-down P1 patient goes on to reablement")
        let events = trace(yaml)
        var fromVW = Set<Int>(), reabled = Set<Int>()
        for e in events {
            if e.unit == "vw" && e.kind == .leave { fromVW.insert(e.person) }
            if e.unit == "reablement" && e.kind == .enter && fromVW.contains(e.person) { reabled.insert(e.person) }
        }
        XCTAssertGreaterThan(reabled.count, 100)
        XCTAssertGreaterThan(Double(reabled.count), 0.95 * Double(fromVW.count))
        // Exactly eligible after half the acute phase, stepped down at once (refer, unlimited places): nobody
        // leaves the bed for reablement directly, so the cohort is empty.
        XCTAssertEqual(mean(r, "cohort_91_day_followed"), 0)
    }

    // MARK: Discharge to assess

    /// `reassessed_as`: 30% of P1 patients turn out to need P0 when assessed: the count of changed pathways is
    /// binomial around 30% of P1 patients.
    func testReassessmentChangesThePathwayAtItsShare() {
        let yaml = ward(capacity: "unlimited", pathwayMix: "{P0: 0.5, P1: 0.5}")
            .replacingOccurrences(of: "P1: {to: reablement, delay: 1d, counts_for_91_day: true}",
                                  with: "P1: {to: reablement, delay: 1d, counts_for_91_day: true, reassessed_as: {P0: 0.3, P1: 0.7}}")
        let r = run(yaml, replications: 4)
        let p1 = 20 * 0.5 * 365.0, expected = 0.3 * p1
        // Binomial sd over ~1,750 P1 patients a replication x 4: sqrt(n p q) / n ~ 1.1% of the mean; 4 sd.
        XCTAssertEqual(mean(r, "pathways_changed_by_assessment"), expected, accuracy: 0.05 * expected + 4 * (p1 * 0.21).squareRoot())
    }

    // MARK: Costs

    /// A run whose queue grows without bound reports NaN costs with a warning, not a total.
    func testUnstableRunReportsNoCosts() {
        let yaml = ward(capacity: "10")
            .replacingOccurrences(of: "units:\n", with: "costs: {fixed: {place_day: {reablement: 100}}}\nunits:\n")
        let r = run(yaml, replications: 1)
        XCTAssertTrue(r[0].warnings.contains { $0.contains("costs are not reported") }, "\(r[0].warnings)")
        XCTAssertTrue(r[0].metric("cost_total")!.isNaN)
        let stable = run(ward(capacity: "60")
            .replacingOccurrences(of: "units:\n", with: "costs: {fixed: {place_day: {reablement: 100}}}\nunits:\n"), replications: 1)
        XCTAssertEqual(stable[0].metric("cost_total")!, 60 * 100 * 365, accuracy: 1e-6)
    }
}

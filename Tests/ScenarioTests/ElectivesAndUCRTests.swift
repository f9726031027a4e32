import Foundation
import PatientFlow
import Scenario
import SimCore
import Stochastics
import XCTest

/// Issue 11's urgent community response (operating hours, out-of-hours routes, travel on the 2-hour clock) and
/// elective lists (priorities, day cases, ring-fenced beds, initial lists, long waits), on small systems written
/// as scenario files, with tolerances from theory.
final class ElectivesAndUCRTests: XCTestCase {
    /// Mean and standard error across replications.
    func across(_ results: [ReplicationResult], _ id: String, line: UInt = #line) -> (mean: Double, se: Double) {
        let xs = results.compactMap { $0.metric(id) }.filter { !$0.isNaN }
        guard xs.count >= 2 else {
            XCTFail("metric \(id) needs values in two replications", line: line)
            return (.nan, .nan)
        }
        let m = xs.reduce(0, +) / Double(xs.count)
        let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)
        return (m, (v / Double(xs.count)).squareRoot())
    }

    // MARK: Urgent community response

    static func ucr(_ lines: String, rate: Double = 24, horizon: String = "120d") -> String {
        """
        name: ucr
        horizon: \(horizon)
        warm_up: 5d
        units:
          referrals: {kind: arrivals, rate: {per_day: \(rate)}, route: ucr}
          ucr:
            kind: urgent_community_response
            crews: 100
            visit: 1h
            route: home
        \(lines)
          ambulance: {kind: exit, destination: home}
          home: {kind: exit, destination: home}
        """
    }

    /// Referrals arrive at a constant rate; the service takes them 08:00-20:00 with crews always free and 30
    /// minutes' travel. Out of hours (12 of 24 hours: half the referrals) 40% go to the ambulance service and
    /// 60% wait at home for 08:00. `ucr_2h_percent` counts only referrals in hours: every crew arrives 30
    /// minutes after referral, so 100% although waiting referrals wait up to 12 hours. Of those that waited,
    /// the crew arrives at 08:30, within 2 hours for referrals from 06:30 (1.5 of the 12 closed hours: 12.5%),
    /// and after 6.5 hours on average (6 h to opening, uniform over the closed hours, plus travel).
    func testOutOfHoursReferralsAreRoutedAndExcluded() {
        let r = run(Self.ucr("""
                travel: 30min
                hours: "08:00-20:00"
                out_of_hours: {ambulance: 0.4, wait_for_opening: 0.6}
            """), replications: 3)
        for x in r { XCTAssertEqual(x.metric("ucr_2h_percent"), 100, "in hours: crews free, 30 minutes' travel") }
        // ~24/day x 115 days = 2,760 referrals a replication: binomial sd of a share p ~ sqrt(p(1-p)/n).
        let n = 24.0 * 115 * 3
        let ooh = across(r, "ucr_out_of_hours_percent")
        XCTAssertEqual(ooh.mean, 50, accuracy: 4 * 100 * (0.25 / n).squareRoot())
        let toAmbulance = across(r, "ucr_out_of_hours.ambulance").mean, waited = across(r, "ucr_out_of_hours.wait_for_opening").mean
        XCTAssertEqual(toAmbulance / (toAmbulance + waited), 0.4, accuracy: 4 * (0.24 / (n / 2)).squareRoot())
        let within = across(r, "ucr_out_of_hours_2h_percent")
        XCTAssertEqual(within.mean, 12.5, accuracy: 4 * 100 * (0.125 * 0.875 / (n * 0.3)).squareRoot())
        // Waits to opening: uniform over 12 hours (sd 3.46 h); the mean of ~n x 0.3 of them.
        XCTAssertEqual(across(r, "ucr_out_of_hours_response_mean_hours").mean, 6.5, accuracy: 4 * 3.46 / (n * 0.3).squareRoot())
        // Every referral that did not go to the ambulance service is visited.
        let visits = across(r, "ucr_visits").mean, referrals = across(r, "ucr_referrals").mean
        XCTAssertEqual(visits, referrals - toAmbulance, accuracy: 0.005 * referrals, "visits = referrals - sent away")
    }

    /// Travel is on the clock and the crew is busy for it: with crews always free the response is the travel
    /// exactly, so 100 minutes' travel meets 2 hours and 130 does not; crews are busy travel + visit, so the
    /// mean number busy is (by Little's law) 24/day x (travel + 1 h).
    func testTravelCountsOnTheClock() {
        for (travel, met) in [(100.0, 100.0), (130.0, 0.0)] {
            let r = run(Self.ucr("    travel: \(Int(travel))min"), replications: 3)
            for x in r {
                XCTAssertEqual(x.metric("ucr_2h_percent"), met, "travel \(travel) min")
                XCTAssertEqual(x.metric("ucr_response_mean_hours")!, travel / 60, accuracy: 1e-9)
            }
            let busy = across(r, "unit.ucr.occupancy_mean")
            let expected = 24 * (travel + 60) / 1440
            XCTAssertEqual(busy.mean, expected, accuracy: 4 * busy.se + 0.02 * expected, "Little: L = lambda W")
        }
    }

    /// Without `hours` the service always takes referrals: nothing is out of hours, as before the key existed.
    func testUCRWithoutHoursKeepsItsMeaning() {
        let r = run(Self.ucr(""), replications: 2)
        for x in r {
            XCTAssertEqual(x.metric("ucr_out_of_hours_percent"), 0)
            XCTAssertEqual(x.metric("ucr_2h_percent"), 100)
            XCTAssertNil(x.metric("ucr_out_of_hours.wait_for_opening"), "no out-of-hours routes without hours")
        }
    }

    func testUCRKeysAndErrors() throws {
        let s = loads(Self.ucr("""
                travel: {uniform: {low: 10min, high: 40min}}
                hours: {weekdays: "08:00-20:00", weekends: "09:00-17:00"}
                out_of_hours: {ambulance: 0.25, wait_for_opening: 0.75}
            """))
        guard case .urgentCommunityResponse(let u)? = s?.spec.units.first(where: { $0.name == "ucr" })?.kind else {
            return XCTFail("no ucr")
        }
        XCTAssertEqual(u.travel.values, [.uniform(low: 10, high: 40)])
        XCTAssertEqual(u.hours?.isOpen(at: 7 * 60), false)
        XCTAssertEqual(u.outOfHours.values[0].values, [s!.spec.units.firstIndex { $0.name == "ambulance" }!, UrgentResponseSpec.waitForOpening])
        // The defaults: no travel, always open, out of hours everyone waits for opening.
        guard case .urgentCommunityResponse(let d)? = loads(Self.ucr(""))?.spec.units[1].kind else { return XCTFail() }
        XCTAssertEqual(d.travel.values, [.constant(0)])
        XCTAssertNil(d.hours)
        XCTAssertEqual(d.outOfHours.values[0].values, [UrgentResponseSpec.waitForOpening])

        expect(Self.ucr("    out_of_hours: ambulance"), "units.ucr.out_of_hours", "give its operating hours too")
        expect(Self.ucr("    hours: \"08:00-20:00\"\n    out_of_hours: {ambulanse: 0.5, wait_for_opening: 0.5}"),
               "units.ucr.out_of_hours.ambulanse", "did you mean 'ambulance'?")
        expect(Self.ucr("    hours: \"08:00-20:00\"\n    out_of_hours: {ambulance: 0.5, wait_for_opening: 0.4}"),
               "units.ucr.out_of_hours", "sum to 0.9")
        expect(Self.ucr("    hours: \"08:00-20:00\"\n    out_of_hours: referrals"), "units.ucr.out_of_hours",
               "cannot go to 'referrals', a unit of kind arrivals")
        expect(Self.ucr("    hours: \"8am-8pm\""), "units.ucr.hours", "HH:MM-HH:MM")
        expect(Self.ucr("    travel: 30"), "units.ucr.travel", "a duration needs a unit")
        expect(Self.ucr("    hours: \"08:00-20:00\"\n    out_of_hours: wait_for_opening\n  wait_for_opening: {kind: exit, destination: home}"),
               "units.ucr.out_of_hours", "a unit has that name too")
    }

    /// A UCR whose out-of-hours referrals go on at once to a unit that sends them back at once is a loop in no time.
    func testOutOfHoursLoopIsRejected() {
        expect("""
            name: loop
            horizon: 10d
            units:
              referrals: {kind: arrivals, rate: {per_day: 5}, route: a}
              a: {kind: urgent_community_response, crews: 2, visit: 1h, hours: "08:00-20:00", out_of_hours: b, route: home}
              b: {kind: urgent_community_response, crews: 2, visit: 1h, hours: "08:00-20:00", out_of_hours: a, route: home}
              home: {kind: exit, destination: home}
            """, "units.a.out_of_hours", "loop a patient can go round in no time")
    }

    // MARK: Elective lists

    /// A ward with pools `general` (emergencies) and `elective` and a list using `elective`.
    static func electives(list: String, pools: String = "", horizon: String = "35d", warmUp: String = "0d",
                          emergencies: Double = 0) -> String {
        """
        name: electives
        start_date: 2025-04-01
        horizon: \(horizon)
        warm_up: \(warmUp)
        units:
          door: {kind: arrivals, rate: {per_day: \(emergencies)}, route: acute}
          acute:
            kind: acute_ward
            pools:
              general: {beds: 10}
              elective: {beds: unlimited}
        \(pools)
            home_pool: general
            acute_stay: 2d
            pathways: {P0: {to: home, delay: 0min}}
          list:
            kind: elective_list
            ward: acute
            pool: elective
            stay: 2d
            route: home
        \(list)
          home: {kind: exit, destination: home}
        """
    }

    /// Hand-computable: 4 P2 patients waiting 30 weeks and 6 routine (P4) waiting 75 weeks, no referrals, one
    /// patient called each Monday (the run starts on a Tuesday: sessions on days 6, 13, 20, 27 and 34 of 35).
    /// The 4 P2 patients are called first although every P4 was referred 45 weeks before them; the fifth
    /// session calls a P4. At the end (5 weeks on) the 5 P4 patients left have waited 80 weeks: 5 over 78 and
    /// over 52 weeks, none within 18. At the April month end (day 29) all 6 P4s waited 79.3 weeks.
    func testPriorityBeforeWaitAndLongWaitCounts() {
        let r = run(Self.electives(list: """
                referrals: {per_day: 0}
                sessions: [{day: mon, at: "08:00", patients: 1}]
                priorities:
                  P2: {share: 0.5, target: 4w}
                  P4: {share: 0.5, target: 52w}
                initial_list:
                  P2: {size: 4, wait: 30w}
                  P4: {size: 6, wait: 75w}
            """, emergencies: 1), replications: 2)
        for x in r {
            XCTAssertEqual(x.metric("elective_admissions") ?? .nan, 5 * 365 / 35.0, accuracy: 1e-9, "5 treated in 35 days, per 365")
            XCTAssertEqual(x.metric("elective_list_size"), 5)
            XCTAssertEqual(x.metric("elective_list_size.P2"), 0, "P2 first")
            XCTAssertEqual(x.metric("elective_list_size.P4"), 5)
            XCTAssertEqual(x.metric("elective_over_78_weeks"), 5)
            XCTAssertEqual(x.metric("elective_over_52_weeks"), 5)
            XCTAssertEqual(x.metric("elective_18_weeks_percent"), 0)
            XCTAssertEqual(x.metric("elective_over_78_weeks_month_end_mean"), 6)
            XCTAssertEqual(x.metric("elective_over_52_weeks_month_end_mean"), 6)
            XCTAssertEqual(x.metric("elective_list_size_month_end_mean"), 6)
            XCTAssertEqual(x.metric("unit.list.over_78_weeks"), 5)
            // P2 waits: 30 weeks plus the sessions' times (days 6, 13, 20, 27 at 08:00): 30 + 16.83/7 weeks.
            XCTAssertEqual(x.metric("elective_wait_weeks.P2")!, 30 + (16.5 + 8.0 / 24) / 7, accuracy: 1e-9)
            XCTAssertEqual(x.metric("elective_wait_weeks.P4")!, 75 + (34 + 8.0 / 24) / 7, accuracy: 1e-9)
            XCTAssertEqual(x.metric("elective_cancellations"), 0)
        }
    }

    /// A new P2 referral is called before routine patients who have waited far longer, and within its target.
    func testNewUrgentReferralOvertakesTheList() {
        let r = run(Self.electives(list: """
                referrals: {per_day: 1}
                sessions: [{day: mon, at: "08:00", patients: 1}, {day: thu, at: "08:00", patients: 1}]
                priorities:
                  P2: {share: 1.0, target: 4w}
                  routine: {share: 0.0, target: 18w}
                initial_list:
                  routine: {size: 500, wait: {uniform: {low: 10w, high: 60w}}}
            """, horizon: "200d", warmUp: "20d"), replications: 2)
        for x in r {
            // 7 P2 referrals a week against 2 places: once a P2 is waiting (within days of the start) P2s take
            // every session, so no routine patient is treated after warm-up, and the routine list keeps what was
            // there at the start but for the one or two called before the first P2 referral.
            XCTAssertGreaterThanOrEqual(x.metric("elective_list_size.routine")!, 498)
            XCTAssertTrue(x.metric("elective_wait_weeks.routine")?.isNaN ?? true, "no routine patient treated")
            XCTAssertGreaterThan(x.metric("elective_admissions")!, 0)
        }
    }

    /// Day cases take no G&A bed: with every referral a day case the ward's one elective bed is never used and
    /// nobody is cancelled; with 80% day cases about 20% of those treated are inpatients.
    func testDayCasesTakeNoBed() {
        func list(_ dayCase: Double) -> String {
            """
                referrals: {per_day: 10}
                sessions: [{day: mon, at: "08:00", patients: 35}, {day: thu, at: "08:00", patients: 35}]
                day_case: \(dayCase)
            """
        }
        let all = run(Self.electives(list: list(1), pools: "", horizon: "120d", warmUp: "10d")
            .replacingOccurrences(of: "elective: {beds: unlimited}", with: "elective: {beds: 1}"), replications: 3)
        for x in all {
            XCTAssertEqual(x.metric("unit.acute.elective.occupancy_mean"), 0, "no bed for a day case")
            XCTAssertEqual(x.metric("elective_admissions"), 0)
            XCTAssertEqual(x.metric("elective_cancellations"), 0)
            XCTAssertGreaterThan(x.metric("elective_day_cases")!, 3000)
        }
        let mixed = run(Self.electives(list: list(0.8), horizon: "120d", warmUp: "10d"), replications: 3)
        let dayCases = across(mixed, "elective_day_cases").mean, inpatients = across(mixed, "elective_admissions").mean
        let n = (dayCases + inpatients) * 110 / 365 * 3
        XCTAssertEqual(inpatients / (dayCases + inpatients), 0.2, accuracy: 4 * (0.16 / n).squareRoot())
        // Inpatients stay 2 days: ~2/day x 2 d = 4 elective beds busy (Little).
        XCTAssertEqual(across(mixed, "unit.acute.elective.occupancy_mean").mean, 10 * 0.2 * 2, accuracy: 0.6)
    }

    /// A ring-fenced pool takes no emergency outlier: emergencies overflowing `general` (10 beds, ~20 in demand)
    /// queue for it rather than take the empty elective beds; without the ring-fence, and with outliers allowed
    /// into the elective pool, they fill it.
    func testRingFencedPoolTakesNoEmergencyOutlier() {
        let list = """
                referrals: {per_day: 0}
                sessions: [{day: mon, at: "08:00", patients: 1}]
            """
        let fenced = run(Self.electives(list: list, horizon: "60d", warmUp: "10d", emergencies: 10)
            .replacingOccurrences(of: "elective: {beds: unlimited}", with: "elective: {beds: 8, ring_fenced: true}"), replications: 2)
        for x in fenced {
            XCTAssertEqual(x.metric("unit.acute.elective.occupancy_mean"), 0, "no emergency patient in a ring-fenced bed")
            XCTAssertGreaterThan(x.metric("unit.acute.general.queue_mean")!, 1, "emergencies wait for general beds")
        }
        let open = run(Self.electives(list: list, pools: "    outliers: {general: {to: [elective]}}", horizon: "60d",
                                      warmUp: "10d", emergencies: 10)
            .replacingOccurrences(of: "elective: {beds: unlimited}", with: "elective: {beds: 8}"), replications: 2)
        for x in open { XCTAssertGreaterThan(x.metric("unit.acute.elective.occupancy_mean")!, 4, "outliers fill it") }
    }

    func testRingFenceErrors() {
        let base = Self.electives(list: "    referrals: {per_day: 1}\n    sessions: [{day: mon, at: \"08:00\", patients: 1}]")
        expect(base.replacingOccurrences(of: "elective: {beds: unlimited}", with: "elective: {beds: 8, ring_fenced: true}")
            .replacingOccurrences(of: "    home_pool: general\n", with: "    home_pool: {general: 0.9, elective: 0.1}\n"),
               "units.acute.home_pool", "ring-fenced for elective patients: emergency admissions cannot have it as their home pool")
        expect(base.replacingOccurrences(of: "elective: {beds: unlimited}", with: "elective: {beds: 8, ring_fenced: true}")
            .replacingOccurrences(of: "    home_pool: general\n", with: "    home_pool: general\n    outliers: {general: {to: [elective]}}\n"),
               "units.acute.outliers.general.to", "no emergency admission may outlie into it")
        expect(base.replacingOccurrences(of: "elective: {beds: unlimited}",
                                         with: "elective: {beds: 8, ring_fenced: true, initial: {occupied: 3}}"),
               "units.acute.pools.elective.initial", "starts empty")
        expect(base.replacingOccurrences(of: "elective: {beds: unlimited}", with: "elective: {beds: 8, ring_fenced: yes}"),
               "units.acute.pools.elective.ring_fenced", "true or false")
    }

    /// The initial list reproduces its wait distribution: 1,000 routine patients waiting Exp(mean 20 weeks)
    /// and a snapshot of bands for P3, on a list with no referrals and no session inside the 1-hour run: over
    /// 52 weeks 1000 e^(-52/20) = 74.3 (binomial sd 8.3) plus the 52-78 and 78-104 week bands (150 + 50);
    /// within 18 weeks the 0-18 band's 300 and 1000 (1 - e^(-18/20)) = 593.4 (sd 15.5) of the 1,000 + 300 + ...
    func testInitialListReproducesItsWaits() {
        let r = run(Self.electives(list: """
                referrals: {per_day: 0}
                sessions: [{day: mon, at: "08:00", patients: 1}]
                priorities:
                  P3: {share: 0.5, target: 12w}
                  routine: {share: 0.5, target: 18w}
                initial_list:
                  routine: {size: 1000, wait: {exponential: {mean: 20w}}}
                  P3:
                    - {from: 0w, to: 18w, patients: 300}
                    - {from: 18w, to: 52w, patients: 500}
                    - {from: 52w, to: 78w, patients: 150}
                    - {from: 78w, to: 104w, patients: 50}
            """, horizon: "1h", emergencies: 1), replications: 6)
        for x in r {
            XCTAssertEqual(x.metric("elective_list_size"), 2000)
            XCTAssertEqual(x.metric("elective_list_size.P3"), 1000)
            // The bands are exact (a 1-hour run moves at most a patient or two across a boundary).
            XCTAssertEqual(x.metric("elective_over_78_weeks")!, 50 + 1000 * exp(-78.0 / 20), accuracy: 4 * 4.5 + 2)
        }
        let over52 = across(r, "elective_over_52_weeks")
        XCTAssertEqual(over52.mean, 200 + 1000 * exp(-52.0 / 20), accuracy: 4 * 8.3 / 6.0.squareRoot() + 1)
        let within18 = across(r, "elective_18_weeks_percent")
        XCTAssertEqual(within18.mean, 100 * (300 + 1000 * (1 - exp(-18.0 / 20))) / 2000, accuracy: 100 * 4 * 15.5 / 2000 / 6.0.squareRoot() + 0.1)
    }

    func testElectiveKeysAndErrors() throws {
        let s = loads(Self.electives(list: """
                referrals: {per_day: 2}
                sessions: [{day: mon, at: "08:00", patients: 1}]
                day_case: 0.8
                wait_before_listing: {exponential: {mean: 10w}}
                priorities:
                  P1: {share: 0.05, target: 72h}
                  P2: {share: 0.2, target: 4w}
                  P4: {share: 0.75, target: 52w}
                initial_list: {P4: [{from: 0w, to: 18w, patients: 30}, {from: 18w, to: 52w, patients: 20}], P2: {size: 5, wait: 2w}}
            """).replacingOccurrences(of: "pool: elective", with: "pool: [elective, general]"))
        guard case .electiveList(let l)? = s?.spec.units.first(where: { $0.name == "list" })?.kind else { return XCTFail() }
        XCTAssertEqual(l.pools, [1, 0])
        XCTAssertEqual(l.dayCase.values, [0.8])
        XCTAssertEqual(l.waitBeforeListing.values, [.exponential(mean: 10 * 10080)])
        XCTAssertEqual(l.priorities.map(\.name), ["P1", "P2", "P4"])
        XCTAssertEqual(l.priorities.map(\.target), [72 * 60, 4 * 10080, 52 * 10080])
        XCTAssertEqual(l.initialList, [
            InitialCohort(priority: 2, size: 30, wait: .uniform(low: 0, high: 18 * 10080)),
            InitialCohort(priority: 2, size: 20, wait: .uniform(low: 18 * 10080, high: 52 * 10080)),
            InitialCohort(priority: 1, size: 5, wait: .constant(2 * 10080)),
        ])
        XCTAssertEqual(l.initialSize, 55)

        func with(_ lines: String) -> String {
            Self.electives(list: "    referrals: {per_day: 2}\n    sessions: [{day: mon, at: \"08:00\", patients: 1}]\n" + lines)
        }
        expect(with("    priorities: {P2: {share: 0.5, target: 4w}, P4: {share: 0.4, target: 52w}}"), "units.list.priorities",
               "shares sum to 0.9")
        expect(with("    priorities: {P2: {share: 1, target: 0w}}"), "units.list.priorities.P2.target", "longer than 0")
        expect(with("    priorities: {P2: {share: 1, deadline: 4w}}"), "units.list.priorities.P2.deadline", "unknown key 'deadline'")
        expect(with("    priorities: {P2: {share: 1}}"), "units.list.priorities.P2.target", "missing required key 'target'")
        expect(with("    priorities: {\"P 2\": {share: 1, target: 4w}}"), "units.list.priorities.P 2", "letters, digits")
        expect(with("    priorities: {}"), "units.list.priorities", "at least one priority")
        expect(with("    priorities: {P2: {share: 1, target: 4w}}\n    initial_list: {P3: {size: 5}}"),
               "units.list.initial_list.P3", "unknown priority 'P3'; did you mean 'P2'?")
        expect(with("    priorities: {P2: {share: 1, target: 4w}}\n    initial_list: {P2: [{from: 18w, to: 10w, patients: 3}]}"),
               "units.list.initial_list.P2[0].to", "must end after it starts")
        expect(with("    priorities: {P2: {share: 1, target: 4w}}\n    initial_list: {P2: [{from: 0w, to: 10w}]}"),
               "units.list.initial_list.P2[0].patients", "missing required key 'patients'")
        expect(with("    initial_list: {routine: [{from: 0w, to: 10w, patients: 300000}, {from: 10w, to: 20w, patients: 300000}]}"),
               "units.list.initial_list", "600000 patients in all is too many")
        expect(with("    day_case: 1.2"), "units.list.day_case", "out of range")
        expect(with("    wait_before_listing: 3"), "units.list.wait_before_listing", "a duration needs a unit")
        expect(with("").replacingOccurrences(of: "pool: elective", with: "pool: [elective, surgery]"),
               "units.list.pool[1]", "unknown pool 'surgery'")
    }
}

import PatientFlow
import SimCore
import Stochastics
import XCTest

/// Virtual wards, urgent community response, electives, population demand, neighbourhood teams and costs.
final class CommunityTests: XCTestCase {
    /// A chain with a virtual-ward hub fed by step-down from the acute ward and by step-up from the ED.
    func chainWithHub(places: Int?, policy: VirtualWardSpec.Policy, stepUp: Double = 0.05, eligible: Double = 0.4,
                      horizon: SimTime = 200 * day) -> SystemSpec {
        var b = SystemBuilder(name: "hub", horizon: horizon, warmUp: 30 * day)
        b.arrivals("door", perDay: 70, mix: ["age_band": ["18-64": 0.5, "65-74": 0.2, "75-84": 0.2, "85+": 0.1]],
                   to: ["ed": 1])
        b.emergencyDepartment("ed", cubicles: nil, assessment: .lognormal(mean: 2 * hour, sd: 1 * hour),
                              to: ["home": 0.8 - stepUp, "acute": 0.2, "hub": stepUp])
        b.acuteWard("acute", beds: nil, acuteStay: .lognormal(mean: 5 * day, sd: 4 * day),
                    pathways: [.init("P0", to: "home", share: 1, delay: .exponential(mean: 4 * hour))])
        b.virtualWard("hub", places: places, stay: .lognormal(mean: 4 * day, sd: 2 * day), policy: policy,
                      whenFull: "acute", stepDownFrom: ["acute"], eligible: eligible, eligibleAfter: 0.3,
                      escalation: 0.1, escalateTo: "ed", to: ["home": 1])
        b.exit("home")
        return try! b.build()
    }

    /// M/G/inf check on a virtual ward with unlimited places fed only by step-up: occupancy = lambda E[S].
    func testVirtualWardStepUpOccupancyIsLittle() {
        let results = runChecked(chainWithHub(places: nil, policy: .refer, stepUp: 0.1, eligible: 0), replications: 4)
        let occ = across(results, "unit.hub.occupancy_mean")
        // 70/day x 0.1 = 7 step-ups/day; 10% escalate part-way (uniform point: mean half a stay), so the
        // mean time on the ward is 4 d x (0.9 + 0.1 x 0.5) = 3.8 d: L = 7 x 3.8 = 26.6.
        XCTAssertEqual(occ.mean, 26.6, accuracy: 4 * occ.se + 0.5)
        for r in results {
            XCTAssertEqual(r.metric("vw_step_down"), 0)
            XCTAssertGreaterThan(r.metric("vw_step_up")!, 0)
            XCTAssertGreaterThan(r.metric("vw_escalations")!, 0)
            // Step-ups that did not escalate avoided an admission.
            XCTAssertLessThan(r.metric("admissions_avoided")!, r.metric("vw_step_up")!)
        }
    }

    /// `pull` rounds fill places with eligible inpatients; `refer` takes a patient only if a place is free at
    /// the instant they become eligible. Where newly eligible inpatients are fewer than rounds (about one a
    /// day here, two rounds a day) and step-ups keep the ward often full, refer loses most of its one-shot
    /// chances while pull reconsiders every eligible patient at every round: pull steps more patients down and
    /// saves more acute bed-days gross. But a ward pull keeps full turns step-ups away, and their acute stays
    /// count against it: `bed_days_released` is the gross saving less those (an exact identity), and the
    /// turned-away step-ups are more under pull.
    func testPullStepsMoreDownButTurnsMoreStepUpsAway() {
        func system(_ policy: VirtualWardSpec.Policy) -> SystemSpec {
            chainWithHub(places: 12, policy: policy, stepUp: 0.04, eligible: 0.07, horizon: 400 * day)
        }
        let n = 8
        let pull = runChecked(system(.pull(rounds: [9 * hour, 14 * hour], targetOccupancy: 1)), replications: n)
        let refer = runChecked(system(.refer), replications: n)
        func pairedLowerBound(_ id: String) -> (Double, Double) {
            let d = zip(pull, refer).map { $0.metric(id)! - $1.metric(id)! }
            let m = d.reduce(0, +) / Double(n), sd = (d.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)).squareRoot()
            // Paired differences under common random numbers; 4 standard errors (sd / sqrt(n)).
            return (m - 4 * sd / Double(n).squareRoot(), m)
        }
        XCTAssertGreaterThan(pairedLowerBound("bed_days_saved_by_step_down").0, 0, "pull saves more bed-days gross")
        XCTAssertGreaterThan(pairedLowerBound("vw_step_ups_turned_away").0, 0, "pull turns more step-ups away")
        XCTAssertGreaterThan(pairedLowerBound("bed_days_displaced_step_ups").0, 0)
        XCTAssertGreaterThan(across(pull, "vw_step_down").mean, across(refer, "vw_step_down").mean)
        for r in pull + refer {
            XCTAssertEqual(r.metric("bed_days_released")!,
                           r.metric("bed_days_saved_by_step_down")! - r.metric("bed_days_displaced_step_ups")!, accuracy: 1e-6)
        }
    }

    /// Without step-ups nothing is turned away: the net release is the gross saving.
    func testNoStepUpsNothingDisplaced() {
        let r = runChecked(chainWithHub(places: 5, policy: .pull(rounds: [9 * hour], targetOccupancy: 1), stepUp: 0,
                                        eligible: 0.1), replications: 2)
        for x in r {
            XCTAssertEqual(x.metric("vw_step_ups_turned_away"), 0)
            XCTAssertEqual(x.metric("bed_days_displaced_step_ups"), 0)
            XCTAssertGreaterThan(x.metric("bed_days_released")!, 0)
        }
    }

    /// More hub places -> the hub is full less often.
    func testMoreHubPlacesLessOftenFull() {
        let small = runChecked(chainWithHub(places: 8, policy: .refer, stepUp: 0.1), replications: 4)
        let large = runChecked(chainWithHub(places: 30, policy: .refer, stepUp: 0.1), replications: 4)
        let s = across(small, "vw_full_percent.hub"), l = across(large, "vw_full_percent.hub")
        XCTAssertLessThan(l.mean + 4 * l.se, s.mean - 4 * s.se)
        // A full ward turns step-ups away to its when_full unit: fewer step-ups get in.
        XCTAssertLessThan(across(small, "vw_step_up").mean, across(large, "vw_step_up").mean)
    }

    /// UCR crews on 08:00-20:00: round-the-clock crews meet the 2-hour standard for everyone; day shifts leave
    /// night referrals waiting past 2 hours.
    func testUrgentResponseShiftsAndTwoHourStandard() {
        func system(_ crews: CapacitySchedule) -> SystemSpec {
            var b = SystemBuilder(name: "ucr", horizon: 120 * day, warmUp: 10 * day)
            b.arrivals("referrals", perDay: 12, to: ["ucr": 1])
            b.urgentResponse("ucr", crews: crews, visit: .constant(1 * hour), to: ["home": 1])
            b.exit("home")
            return try! b.build()
        }
        let allDay = runChecked(system(CapacitySchedule(constant: 20)), replications: 3)
        let dayShift = runChecked(system(CapacitySchedule(period: day, steps: [
            .init(offset: 0, capacity: 0), .init(offset: 8 * hour, capacity: 20), .init(offset: 20 * hour, capacity: 0),
        ])), replications: 3)
        for r in allDay { XCTAssertEqual(r.metric("ucr_2h_percent"), 100, "20 crews never all busy: no wait") }
        // Referrals arrive uniformly in time (constant rate); with no crews 20:00-08:00 those from 20:00 to
        // 06:00 wait more than 2 h: 10 of 24 hours, so ~58% are seen within 2 h.
        let p = across(dayShift, "ucr_2h_percent")
        XCTAssertEqual(p.mean, 100 * 14.0 / 24, accuracy: 4 * p.se + 1)
    }

    /// Electives share the acute beds: with fewer beds more sessions find no free bed and are cancelled.
    func testElectiveCancellationsRiseWithBedPressure() {
        func system(beds: Int) -> SystemSpec {
            var b = SystemBuilder(name: "electives", horizon: 200 * day, warmUp: 20 * day)
            b.arrivals("door", perDay: 12, to: ["acute": 1])
            b.acuteWard("acute", beds: beds, acuteStay: .lognormal(mean: 5 * day, sd: 4 * day),
                        pathways: [.init("P0", to: "home", share: 1)])
            let sessions = (0..<5).map { (Double($0) * day + 8 * hour, 3) }
            b.electiveList("electives", referralsPerDay: 2, sessions: sessions, ward: "acute",
                           stay: .constant(2 * day), to: ["home": 1], initialSize: 300,
                           initialWait: .uniform(low: 0, high: 100 * Duration.week))
            b.exit("home")
            return try! b.build()
        }
        let tight = runChecked(system(beds: 64), replications: 3)
        let roomy = runChecked(system(beds: 90), replications: 3)
        XCTAssertGreaterThan(across(tight, "elective_cancellations").mean, across(roomy, "elective_cancellations").mean)
        XCTAssertGreaterThan(across(roomy, "elective_admissions").mean, across(tight, "elective_admissions").mean)
        // 300 waiting uniformly 0-100 weeks at the start: ~22% (78-100 weeks) over 78 weeks, and more pass 78
        // weeks as the run goes on; the month-end mean is positive.
        for r in tight { XCTAssertGreaterThan(r.metric("elective_over_78_weeks_month_end_mean")!, 0) }
    }

    /// Demand from neighbourhoods: arrivals split by registered list x relative rate, and a neighbourhood team
    /// changes only its own neighbourhood's demand.
    func populationSystem(team: Bool, growth: Double = 0, start: CivilDate = CivilDate(year: 2025, month: 4, day: 1))
        -> SystemSpec {
        var b = SystemBuilder(name: "population", start: start, horizon: 200 * day, warmUp: 20 * day, attributes: [
            AttributeSpec(name: "age_band", levels: ["18-64", "65-74", "75-84", "85+"]),
            AttributeSpec(name: "neighbourhood", levels: ["north", "south", "bletchley"]),
            AttributeSpec(name: "frailty", levels: ["none", "frail"]),
        ])
        b.arrivals("door", perDay: 60, fromPopulation: true,
                   mix: ["age_band": ["18-64": 0.5, "65-74": 0.2, "75-84": 0.2, "85+": 0.1],
                         "frailty": ["none": 0.7, "frail": 0.3]], to: ["ed": 1])
        b.emergencyDepartment("ed", cubicles: nil, assessment: .constant(2 * hour),
                              to: ["home": 0.75, "acute": 0.2, "hub": 0.05])
        b.acuteWard("acute", beds: 60, acuteStay: .lognormal(mean: 4 * day, sd: 3 * day),
                    pathways: [.init("P0", to: "home", share: 1, delay: .exponential(mean: 4 * hour))])
        b.virtualWard("hub", places: nil, stay: .constant(3 * day), whenFull: "acute", to: ["home": 1])
        b.exit("home")
        let g = [growth, growth * 4, growth * 3, growth * 3]
        b.population = PopulationSpec(
            attribute: 1, neighbourhoods: [.init(name: "north", registered: 100_000),
                                           .init(name: "south", registered: 50_000),
                                           .init(name: "bletchley", registered: 50_000, relativeRate: 1.2)],
            ageAttribute: 0, growthByAge: g, baseDate: CivilDate(year: 2025, month: 4, day: 1),
            teams: team ? [.init(name: "int", neighbourhoods: [2], frailtyLevels: [1], demandFactor: 0.7, stepUpFactor: 2)] : [],
            frailtyAttribute: 2)
        return try! b.build()
    }

    func testDemandSplitsByRegisteredList() {
        let results = runChecked(populationSystem(team: false), replications: 3)
        // Weights 100k, 50k, 60k (50k x 1.2): shares 100/210, 50/210, 60/210 of 60/day x 365.
        for (name, share) in [("north", 100.0 / 210), ("south", 50.0 / 210), ("bletchley", 60.0 / 210)] {
            let a = across(results, "arrivals.\(name)")
            let expected = 60 * 365 * share
            // Poisson counts over 200 days, scaled to a year: sd ~ sqrt(expected x 200/365) x 365/200.
            let sd = (expected * 200 / 365).squareRoot() * 365 / 200
            XCTAssertEqual(a.mean, expected, accuracy: 4 * sd / 3.0.squareRoot())
        }
    }

    /// The Bletchley team: other neighbourhoods' demand is untouched (their streams are their own), Bletchley's
    /// falls (frail residents' emergencies prevented), and more of its residents step up to the virtual ward.
    func testNeighbourhoodTeamChangesOnlyItsNeighbourhood() {
        let base = runChecked(populationSystem(team: false), replications: 3)
        let team = runChecked(populationSystem(team: true), replications: 3)
        for (b, t) in zip(base, team) {
            XCTAssertEqual(b.metric("arrivals.north"), t.metric("arrivals.north"), "common random numbers: identical")
            XCTAssertEqual(b.metric("arrivals.south"), t.metric("arrivals.south"))
            XCTAssertLessThan(t.metric("arrivals.bletchley")!, b.metric("arrivals.bletchley")!)
        }
        // 30% of Bletchley's arrivals are frail; 30% of those prevented: ~9% fewer.
        let drop = 1 - across(team, "arrivals.bletchley").mean / across(base, "arrivals.bletchley").mean
        XCTAssertEqual(drop, 0.09, accuracy: 0.03)
        XCTAssertGreaterThan(across(team, "vw_step_up").mean / across(team, "arrivals.bletchley").mean,
                             across(base, "vw_step_up").mean / across(base, "arrivals.bletchley").mean)
    }

    /// Growth: a run starting five years after the base date starts with grown demand, so more admissions
    /// and more pressure on the same beds.
    func testGrowthRaisesDemandAndPressure() {
        let now = runChecked(populationSystem(team: false, growth: 0.01), replications: 3)
        let later = runChecked(populationSystem(team: false, growth: 0.01, start: CivilDate(year: 2030, month: 4, day: 1)),
                               replications: 3)
        let a0 = across(now, "ed_attendances").mean, a1 = across(later, "ed_attendances").mean
        // Growth 1%/yr under 65, 4% 65-74, 3% 75+ for 5 years: ~ +9%..+12% overall.
        XCTAssertGreaterThan(a1 / a0, 1.07)
        XCTAssertLessThan(a1 / a0, 1.16)
        XCTAssertGreaterThan(across(later, "acute_occupancy_percent").mean, across(now, "acute_occupancy_percent").mean)
    }

    /// Costs: each component is what it prices times its unit cost, fixed costs follow staffed capacity whether
    /// used or not, and the total is the sum of fixed, variable and implementation costs.
    func testCostsAddUp() {
        var spec = chainWithHub(places: 20, policy: .refer)
        var costs = CostSpec()
        costs.fixed.acuteBedDay = 300
        costs.fixed.virtualWardPlaceDay = 90
        costs.fixed.items = ["hub team": 1000]
        costs.variable.acuteBedDay = 50
        costs.variable.virtualWardDay = 20
        costs.variable.ucrVisit = 100
        costs.variable.lostAmbulanceHour = 250
        costs.implementation = ["set-up": 40_000]
        spec.costs = costs
        let r = runChecked(spec, replications: 2)[0]
        func m(_ id: String) -> Double { r.metric(id)! }
        let parts = ["cost_acute_beds", "cost_escalation_beds", "cost_virtual_wards", "cost_care", "cost_ucr",
                     "cost_lost_ambulance_hours", "cost_items"].map(m)
        XCTAssertEqual(m("cost_fixed") + m("cost_variable"), parts.reduce(0, +), accuracy: 1e-6 * m("cost_total"))
        XCTAssertEqual(m("cost_total"), m("cost_fixed") + m("cost_variable") + m("cost_implementation"), accuracy: 1e-6 * m("cost_total"))
        XCTAssertEqual(m("cost_implementation"), 40_000)
        XCTAssertEqual(m("cost_items"), 365 * 1000, accuracy: 1e-6)
        // The ward's 20 places cost 90 a day each, full or empty, plus 20 a day for each one occupied.
        XCTAssertEqual(m("cost_virtual_wards"), 20 * 365 * 90 + m("unit.hub.occupancy_mean") * 365 * 20,
                       accuracy: 1e-6 * m("cost_virtual_wards"))
        XCTAssertEqual(m("cost_acute_beds"), m("acute_bed_days") * 50, accuracy: 1e-6 * m("cost_acute_beds"),
                       "unlimited beds are not staffed: only their variable cost")
    }

    /// Fixed costs accrue on empty places: a ward nobody uses still costs its staffed beds.
    func testFixedCostsAccrueOnEmptyPlaces() {
        var b = SystemBuilder(name: "empty", horizon: 100 * Duration.day, warmUp: 0)
        // 20 patients expected in 100 days (none with probability e^-20), 2 h each on 10 beds: the mean occupancy is
        // 0.017 (sd ~0.005), so "almost empty" (< 0.1) holds by 15 sd, and the variable cost is not 0.
        b.arrivals("door", perDay: 0.2, to: ["rehab": 1])
        b.bedded("rehab", beds: 10, stay: .exponential(mean: 2 * Duration.hour), to: ["home": 1])
        b.exit("home")
        var spec = try! b.build()
        var costs = CostSpec()
        costs.fixed.placeDay = ["rehab": 150]
        costs.variable.careDay = ["rehab": 1000]
        spec.costs = costs
        let r = runChecked(spec, replications: 1)[0]
        XCTAssertEqual(r.metric("cost_fixed")!, 10 * 150 * 365, accuracy: 1e-6, "10 staffed beds a day, per 365 days")
        XCTAssertEqual(r.metric("cost_variable")!, r.metric("unit.rehab.occupancy_mean")! * 365 * 1000, accuracy: 1e-6,
                       "the variable part follows the few occupied days")
        XCTAssertLessThan(r.metric("unit.rehab.occupancy_mean")!, 0.1, "the beds stood almost empty")
    }

    /// A virtual ward that turns step-ups away when full is M/M/c/c: by PASTA, the share of time it is full is
    /// Erlang B(c, A). (This caught the full-time indicator being recorded before a departure's release.)
    func testVirtualWardFullTimeIsErlangB() {
        for c in [6, 12] {
            var b = SystemBuilder(name: "loss", horizon: 300 * day, warmUp: 10 * day)
            b.arrivals("in", perDay: 10, to: ["ward": 1])
            b.virtualWard("ward", places: c, stay: .exponential(mean: 1 * day), whenFull: "away", to: ["home": 1])
            b.exit("away")
            b.exit("home")
            let results = runChecked(try! b.build(), replications: 6)
            let full = across(results, "vw_full_percent.ward")
            // Theory: B(6, 10) = 43.1%, B(12, 10) = 12.0%; 4 standard errors across replications.
            XCTAssertEqual(full.mean, 100 * erlangB(c, 10), accuracy: 4 * full.se, "c = \(c)")
        }
    }
}

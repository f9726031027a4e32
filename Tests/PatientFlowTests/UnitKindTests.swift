import PatientFlow
import SimCore
import Stochastics
import Foundation
import XCTest

/// One test family per unit kind, on systems small enough to reason about exactly.
final class UnitKindTests: XCTestCase {
    /// Arrivals: the number of patients created per replication is Poisson(rate x days).
    func testArrivalsCountIsPoisson() {
        var b = SystemBuilder(name: "arrivals", horizon: 100 * day)
        b.arrivals("in", perDay: 50, to: ["out": 1])
        b.exit("out")
        let results = runChecked(try! b.build(), replications: 8)
        // Each replication's count ~ Poisson(5000): sd sqrt(5000) ~ 70.7. The mean of 8 has SE 25; allow 4 SE.
        let mean = Double(results.map(\.conservation.created).reduce(0, +)) / 8
        XCTAssertEqual(mean, 5000, accuracy: 4 * (5000.0 / 8).squareRoot())
    }

    /// A ward with unlimited beds is M/G/infinity: mean occupancy = lambda E[S] (and everyone leaves).
    func testUnlimitedWardIsMGInfinity() {
        var b = SystemBuilder(name: "mginf", horizon: 400 * day, warmUp: 50 * day)
        b.arrivals("in", perDay: 20, to: ["ward": 1])
        b.bedded("ward", beds: nil, stay: .lognormal(mean: 5 * day, sd: 4 * day), to: ["out": 1])
        b.exit("out")
        let results = runChecked(try! b.build(), replications: 6)
        let occ = across(results, "unit.ward.occupancy_mean")
        // Theory: 20/day x 5 d = 100. Tolerance: 4 standard errors across replications.
        XCTAssertEqual(occ.mean, 100, accuracy: 4 * occ.se)
        XCTAssertLessThan(occ.se, 2, "replications should pin the mean to within a few percent")
    }

    /// Handover: with unlimited cubicles nobody waits, so handover time is the hand-over itself (<= 15 min).
    func testHandoverWithoutQueueingIsTheHandOverOnly() {
        let results = runChecked(smallChain(edCubicles: nil, beds: nil, reablement: nil, rehab: nil))
        for r in results {
            XCTAssertEqual(r.metric("handovers_over_30min"), 0)
            XCTAssertEqual(r.metric("handover_hours_lost"), 0, "hand-overs take 5-15 min, inside the 15-min standard")
            XCTAssertGreaterThan(r.metric("ambulance_handovers")!, 0)
        }
    }

    /// ED: with unlimited cubicles and beds, the 4-hour share is P(assessment <= 4 h) for those sent home and
    /// for admitted patients, who take a bed at once; ambulance patients' ED time also holds their hand-over.
    func testEDFourHourShareMatchesAssessmentDistribution() {
        let results = runChecked(smallChain(edCubicles: nil, beds: nil, reablement: nil, rehab: nil), replications: 6)
        // lognormal mean 2.5 h, sd 1.5 h: sigma^2 = ln(1 + 0.36) = 0.3075, mu = ln(150) - sigma^2/2;
        // P(X <= t) = Phi((ln t - mu) / sigma). Walk-ins (40/day) need X <= 240 min; ambulances (30/day) are
        // handed over in the ED's cubicle, U(5, 15) min, so need X <= 240 - H (averaged over H).
        let s2 = log(1 + 0.36), mu = log(150.0) - s2 / 2
        func cdf(_ t: Double) -> Double { SpecialFunctions.normalCDF((log(t) - mu) / s2.squareRoot()) }
        let handedOver = (0..<1000).map { cdf(240 - (5 + 10 * (Double($0) + 0.5) / 1000)) }.reduce(0, +) / 1000
        let p = (40 * cdf(240) + 30 * handedOver) / 70
        let ed = across(results, "ed_4h_percent")
        // ~70/day x 170 days x 6 reps: binomial SE of one replication's share ~ sqrt(p(1-p)/11900) ~ 0.3 points.
        XCTAssertEqual(ed.mean, 100 * p, accuracy: max(4 * ed.se, 0.5))
    }

    /// Acute ward: a pathway whose service has no places keeps its patients in beds (NCTR) indefinitely.
    func testNCTRAccumulatesWhenAServiceHasNoPlaces() {
        let blocked = runChecked(smallChain(beds: nil, reablement: 0, rehab: nil, horizon: 120 * day), replications: 2)
        let open = runChecked(smallChain(beds: nil, reablement: nil, rehab: nil, horizon: 120 * day), replications: 2)
        for (b, o) in zip(blocked, open) {
            XCTAssertGreaterThan(b.metric("nctr_percent")!, 3 * o.metric("nctr_percent")!)
            XCTAssertGreaterThan(b.metric("nctr_bed_days")!, o.metric("nctr_bed_days")!)
        }
    }

    /// Discharge hours: P0 discharges wait for the discharge window, so with a zero process time the NCTR
    /// time of P0 patients is the wait until 08:00 for those optimised at night; on average about
    /// (12 h night share) x (mean wait 6 h) = 3 h = 0.125 d, never more than 12 h.
    func testP0DischargesWaitForDischargeHours() {
        let results = runChecked(smallChain(edCubicles: nil, beds: nil, reablement: nil, rehab: nil,
                                            p0Delay: .constant(0), acuteStay: .exponential(mean: 4 * day)), replications: 4)
        let p0 = across(results, "nctr_mean_delay_days.P0")
        // Optimisation times are spread uniformly over the clock (exponential stays), so the wait is 0 half the
        // time and uniform on (0, 12 h) otherwise: mean 3 h = 0.125 d.
        XCTAssertEqual(p0.mean, 0.125, accuracy: max(4 * p0.se, 0.01))
    }

    /// Bedded care starting full with a queue: initial patients are served, and the queue is admitted as
    /// places free, all within the first stays.
    func testInitialOccupancyAndQueueDrain() {
        var b = SystemBuilder(name: "initial", horizon: 60 * day)
        b.arrivals("in", perDay: 0.001, to: ["beds": 1])
        b.bedded("beds", beds: 10, stay: .exponential(mean: 2 * day), to: ["out": 1],
                 initial: InitialState(occupied: 10, queued: 5))
        b.exit("out")
        let results = runChecked(try! b.build(), replications: 4)
        for r in results {
            XCTAssertGreaterThanOrEqual(r.conservation.created, 15)
            XCTAssertGreaterThanOrEqual(r.conservation.left, 15, "60 days is ~30 mean stays: everyone has left")
            let hist = r.occupancy.first { $0.unit == "beds" }!.histogram
            XCTAssertEqual(hist.timeAtLevel.count - 1, 10, "occupancy never exceeded 10 beds")
        }
    }

    /// Exits: readmissions bring people back through the readmission route; the 91-day cohort is followed.
    func testExitsReadmitAndFollowUp() {
        let results = runChecked(smallChain(edCubicles: nil, beds: nil, reablement: nil, rehab: nil, horizon: 300 * day),
                                 replications: 3)
        for r in results {
            XCTAssertGreaterThan(r.metric("readmissions_30d_percent")!, 0)
            XCTAssertGreaterThan(r.metric("cohort_91_day_followed")!, 50)
            let home = r.metric("home_at_91_days_percent")!
            // Deaths 5% and care-home moves 2% within 91 days plus readmissions: at home well below 100%.
            XCTAssertLessThan(home, 96)
            XCTAssertGreaterThan(home, 70)
        }
    }

    /// Two generic wards with unlimited beds and routing keyed by a patient class: flows split by class.
    func testGenericWardsRouteByClass() {
        var b = SystemBuilder(name: "two wards", horizon: 300 * day, warmUp: 30 * day,
                              attributes: [AttributeSpec(name: "class", levels: ["medical", "surgical"])])
        b.arrivals("in", perDay: 30, mix: ["class": ["medical": 0.75, "surgical": 0.25]],
                   to: .by("class", ["medical": ["medicine": 1], "surgical": ["surgery": 1]]))
        b.bedded("medicine", beds: nil, stay: .lognormal(mean: 6 * day, sd: 4 * day), to: ["out": 1])
        b.bedded("surgery", beds: nil, stay: .lognormal(mean: 3 * day, sd: 2 * day), to: ["out": 1])
        b.exit("out")
        let results = runChecked(try! b.build(), replications: 4)
        let med = across(results, "unit.medicine.occupancy_mean"), surg = across(results, "unit.surgery.occupancy_mean")
        // M/G/inf per ward: 22.5/day x 6 d = 135 and 7.5/day x 3 d = 22.5.
        XCTAssertEqual(med.mean, 135, accuracy: 4 * med.se + 1)
        XCTAssertEqual(surg.mean, 22.5, accuracy: 4 * surg.se + 0.5)
    }

    /// A stay keyed by the destination drawn on entry (next): patients bound for "slow" stay 10 d, others 1 d.
    func testStayKeyedByNextDestination() {
        var b = SystemBuilder(name: "next", horizon: 300 * day, warmUp: 30 * day)
        b.arrivals("in", perDay: 10, to: ["ward": 1])
        b.bedded("ward", beds: nil, stay: .constant(1 * day), stayByNext: ["slow": .constant(10 * day)],
                 to: ["fast": 0.5, "slow": 0.5])
        b.exit("fast")
        b.exit("slow")
        let results = runChecked(try! b.build(), replications: 4)
        let occ = across(results, "unit.ward.occupancy_mean")
        // Little: 10/day x (0.5 x 1 + 0.5 x 10) d = 55.
        XCTAssertEqual(occ.mean, 55, accuracy: 4 * occ.se + 1)
    }
}

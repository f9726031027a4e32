@testable import PatientFlow
import SimCore
import Stochastics
import XCTest

/// The model's small helper types, each on its own.
final class SupportTypeTests: XCTestCase {
    /// Discharge hours 08:00-20:00: inside, before opening (same day), after closing (next morning).
    func testDischargeHoursInTheDay() {
        let open = 8 * hour, close = 20 * hour
        XCTAssertEqual(DischargeHours.next(3 * day + 10 * hour, open: open, close: close), 3 * day + 10 * hour)
        XCTAssertEqual(DischargeHours.next(3 * day + 2 * hour, open: open, close: close), 3 * day + 8 * hour)
        XCTAssertEqual(DischargeHours.next(3 * day + 20 * hour, open: open, close: close), 4 * day + 8 * hour,
                       "closing time itself is outside [open, close)")
        XCTAssertEqual(DischargeHours.next(3 * day + 8 * hour, open: open, close: close), 3 * day + 8 * hour)
    }

    /// Hours across midnight (20:00-02:00): late evening and small hours are inside; the day waits for 20:00.
    func testDischargeHoursAcrossMidnight() {
        let open = 20 * hour, close = 2 * hour
        XCTAssertEqual(DischargeHours.next(5 * day + 23 * hour, open: open, close: close), 5 * day + 23 * hour)
        XCTAssertEqual(DischargeHours.next(5 * day + 1 * hour, open: open, close: close), 5 * day + 1 * hour)
        XCTAssertEqual(DischargeHours.next(5 * day + 2 * hour, open: open, close: close), 5 * day + 20 * hour)
        XCTAssertEqual(DischargeHours.next(5 * day + 12 * hour, open: open, close: close), 5 * day + 20 * hour)
    }

    /// A whole day of hours (or none) means any time.
    func testDischargeHoursAllDay() {
        XCTAssertEqual(DischargeHours.next(2.3 * day, open: 0, close: day), 2.3 * day)
        XCTAssertEqual(DischargeHours.next(2.3 * day, open: 9 * hour, close: 9 * hour), 2.3 * day)
    }

    /// Pull rounds at 09:00 and 14:00: the next strictly after t, rolling over to the next day.
    func testPullRoundTiming() {
        let rounds = [9 * hour, 14 * hour]
        XCTAssertEqual(PullRounds.next(after: -1, rounds), 9 * hour, "the first round of the run")
        XCTAssertEqual(PullRounds.next(after: 9 * hour, rounds), 14 * hour, "strictly after")
        XCTAssertEqual(PullRounds.next(after: 2 * day + 15 * hour, rounds), 3 * day + 9 * hour)
        XCTAssertEqual(PullRounds.next(after: 2 * day + 13.99 * hour, rounds), 2 * day + 14 * hour)
        XCTAssertNil(PullRounds.next(after: 0, []))
    }

    /// The elective list serves the longest waiter first, and a cancelled patient keeps the referral date.
    func testElectiveQueueOrder() {
        var q = ElectiveQueue()
        for (t, p) in [(30.0, 1), (-500.0, 2), (12.0, 3), (-20.0, 4), (400.0, 5)] { q.push(referral: t, patient: Int32(p)) }
        XCTAssertEqual(q.count(referredBefore: 0), 2)
        guard let first = q.pop() else { return XCTFail() }
        XCTAssertEqual(first.1, 2, "referred earliest")
        q.push(referral: first.0, patient: first.1)  // cancelled on the day: back with its date
        var order: [Int32] = []
        while let (_, p) = q.pop() { order.append(p) }
        XCTAssertEqual(order, [2, 4, 3, 1, 5])
        XCTAssertEqual(q.count, 0)
    }

    /// Age bands from 65 count for the 91-day cohort.
    func testAgeBands() {
        XCTAssertEqual(["18-64", "65-74", "75-84", "85+", "0-17", "unknown"].map(AgeBands.isOlder),
                       [false, true, true, true, false, false])
    }

    /// Population demand splits per_day over (neighbourhood, age band) by registered list x relative rate x age
    /// share: the streams' rates sum to per_day, and each is its share.
    func testPopulationSplit() throws {
        let hoods = ["north", "south"]
        var b = SystemBuilder(name: "pop", horizon: 10 * day, attributes: [
            AttributeSpec(name: "age_band", levels: ["18-64", "65+"]), AttributeSpec(name: "neighbourhood", levels: hoods),
        ])
        b.arrivals("in", perDay: 100, fromPopulation: true, mix: ["age_band": ["18-64": 0.75, "65+": 0.25]], to: ["out": 1])
        b.exit("out")
        b.population = PopulationSpec(
            attribute: 1, neighbourhoods: [.init(name: "north", registered: 3000), .init(name: "south", registered: 1000, relativeRate: 2)],
            ageAttribute: 0, growthByAge: [0, 0], baseDate: b.calendar.startDate, teams: [], frailtyAttribute: nil)
        let spec = try b.build()
        let streams = ArrivalStream.build(spec: spec, replication: 0)
        XCTAssertEqual(streams.count, 4)
        // Weights: north 3000 x 1, south 1000 x 2 -> shares 0.6 and 0.4; ages 0.75 / 0.25.
        let expected: [[Double]] = [[45, 15], [30, 10]]
        for s in streams {
            XCTAssertEqual(s.fixedMask, 0b11, "a population stream sets neighbourhood and age band")
            let n = s.fixedValues[1], a = s.fixedValues[0]
            guard let profile = s.process.profile else { return XCTFail("a population stream has a rate profile") }
            XCTAssertEqual(profile.profile.perDay, expected[n][a], accuracy: 1e-9, "\(hoods[n]) age \(a)")
        }
    }
}

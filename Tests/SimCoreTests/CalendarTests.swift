import SimCore
import XCTest

/// Civil dates (Hinnant's algorithms) and the mapping of simulation time to the calendar.
final class CalendarTests: XCTestCase {
    /// Leap years, written independently of the library (Gregorian rule).
    func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    func testKnownDates() {
        XCTAssertEqual(CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch, 0)
        XCTAssertEqual(CivilDate(year: 1969, month: 12, day: 31).daysSinceEpoch, -1)
        XCTAssertEqual(CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch, 11_017)
        XCTAssertEqual(CivilDate(year: 2024, month: 1, day: 1).daysSinceEpoch, 19_723)
        XCTAssertEqual(CivilDate(year: 1600, month: 1, day: 1).daysSinceEpoch, -135_140)
        XCTAssertEqual(CivilDate(daysSinceEpoch: 19_723), CivilDate(year: 2024, month: 1, day: 1))
    }

    func testKnownWeekdays() {
        XCTAssertEqual(CivilDate(year: 2024, month: 1, day: 1).weekday, 0, "2024-01-01 was a Monday")
        XCTAssertEqual(CivilDate(year: 2026, month: 11, day: 22).weekday, 6, "2026-11-22 is a Sunday")
        XCTAssertEqual(CivilDate(year: 1970, month: 1, day: 1).weekday, 3, "a Thursday")
        XCTAssertEqual(CivilDate(year: 2000, month: 1, day: 1).weekday, 5, "a Saturday")
        XCTAssertEqual(CivilDate(year: 1900, month: 1, day: 1).weekday, 0, "a Monday")
        XCTAssertEqual(CivilDate(year: 1969, month: 12, day: 31).weekday, 2, "a Wednesday, before the epoch")
    }

    func testLeapYears() {
        for (y, leap) in [(2000, true), (1900, false), (2024, true), (2023, false), (2100, false), (2400, true)] {
            XCTAssertEqual(CivilDate.daysIn(month: 2, year: y), leap ? 29 : 28, "\(y)")
            let days = CivilDate(year: y + 1, month: 1, day: 1).daysSinceEpoch - CivilDate(year: y, month: 1, day: 1).daysSinceEpoch
            XCTAssertEqual(days, leap ? 366 : 365, "length of \(y)")
        }
        XCTAssertEqual((1...12).map { CivilDate.daysIn(month: $0, year: 2023) },
                       [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    }

    /// Every day from 1600-01-01 to 2400-12-31, walked one day at a time with an independent calendar, maps to
    /// consecutive day numbers and back; weekdays cycle with period 7.
    func testRoundTripsDayByDayOver800Years() {
        var y = 1600, m = 1, d = 1
        var n = CivilDate(year: 1600, month: 1, day: 1).daysSinceEpoch
        var weekday = CivilDate(year: 1600, month: 1, day: 1).weekday
        let monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        while y <= 2400 {
            let date = CivilDate(year: y, month: m, day: d)
            XCTAssertEqual(date.daysSinceEpoch, n, "\(date)")
            XCTAssertEqual(CivilDate(daysSinceEpoch: n), date)
            XCTAssertEqual(date.weekday, weekday, "\(date)")
            // Next day, by hand.
            n += 1
            weekday = (weekday + 1) % 7
            d += 1
            if d > (m == 2 && isLeap(y) ? 29 : monthLengths[m - 1]) {
                d = 1
                m += 1
                if m > 12 {
                    m = 1
                    y += 1
                }
            }
        }
    }

    func testRoundTripsOverAWideRange() {
        // +-1,000,000 days (about 2,700 years either side of 1970), including proleptic dates before year 0.
        for n in stride(from: -1_000_000, through: 1_000_000, by: 997) {
            let date = CivilDate(daysSinceEpoch: n)
            XCTAssertEqual(date.daysSinceEpoch, n)
            XCTAssertTrue((1...12).contains(date.month) && date.day >= 1 && date.day <= CivilDate.daysIn(month: date.month, year: date.year))
            XCTAssertEqual(date.weekday, ((n % 7) + 7 + 3) % 7, "1970-01-01 was a Thursday (3)")
        }
    }

    func testISOParsing() {
        XCTAssertEqual(CivilDate(iso: "2024-02-29"), CivilDate(year: 2024, month: 2, day: 29))
        XCTAssertEqual(CivilDate(iso: "2026-11-22")?.description, "2026-11-22")
        for bad in ["2023-02-29", "2100-02-29", "2023-04-31", "2023-13-01", "2023-00-10", "2023-02-00", "2023-1-01",
                    "23-01-01", "2023/01/01", "2023-01", "", "abcd-ef-gh", "2023-01-01-01"] {
            XCTAssertNil(CivilDate(iso: bad), "\"\(bad)\" is not a date")
        }
        // Every date of a leap and a common year survives description -> parse.
        var date = CivilDate(year: 2023, month: 1, day: 1)
        for _ in 0..<731 {
            XCTAssertEqual(CivilDate(iso: date.description), date)
            date = CivilDate(daysSinceEpoch: date.daysSinceEpoch + 1)
        }
    }

    /// "Parses `YYYY-MM-DD`": four digits, two, two. Swift's `Int(_:)` also accepts a leading "+", so the
    /// parser must check the characters itself.
    func testISOParsingAcceptsDigitsOnly() {
        for bad in ["2024-+1-05", "+024-01-01", "2024-01-+5", "2024- 1-05"] {
            XCTAssertNil(CivilDate(iso: bad), "\"\(bad)\" is not YYYY-MM-DD")
        }
    }

    func testOrdering() {
        XCTAssertLessThan(CivilDate(year: 2023, month: 12, day: 31), CivilDate(year: 2024, month: 1, day: 1))
        XCTAssertLessThan(CivilDate(year: 2024, month: 1, day: 31), CivilDate(year: 2024, month: 2, day: 1))
        XCTAssertFalse(CivilDate(year: 2024, month: 1, day: 1) < CivilDate(year: 2024, month: 1, day: 1))
    }

    func testSimCalendarMapsTimeToTheCalendar() {
        let cal = SimCalendar(startDate: CivilDate(year: 2026, month: 11, day: 22))  // a Sunday
        XCTAssertEqual(cal.dayIndex(0), 0)
        XCTAssertEqual(cal.dayIndex(Duration.day - 0.001), 0)
        XCTAssertEqual(cal.dayIndex(Duration.day), 1)
        XCTAssertEqual(cal.dayIndex(-1), -1, "times before the start fall on earlier days")
        XCTAssertEqual(cal.date(ofDay: 9), CivilDate(year: 2026, month: 12, day: 1))
        XCTAssertEqual(cal.month(ofDay: 9), 12)
        XCTAssertEqual(cal.date(ofDay: 40), CivilDate(year: 2027, month: 1, day: 1))
        for day in -20..<40 {
            XCTAssertEqual(cal.weekday(ofDay: day), cal.date(ofDay: day).weekday, "day \(day)")
        }
        XCTAssertEqual(cal.weekday(ofDay: 0), 6)
        XCTAssertEqual(cal.weekday(ofDay: 1), 0)
        XCTAssertEqual(cal.hourOfDay(0), 0)
        XCTAssertEqual(cal.hourOfDay(8 * Duration.hour + 59.9), 8)
        XCTAssertEqual(cal.hourOfDay(3 * Duration.day + 23 * Duration.hour + 30), 23)
        XCTAssertEqual(cal.time(of: CivilDate(year: 2026, month: 11, day: 25)), 3 * Duration.day)
        XCTAssertEqual(cal.time(of: CivilDate(year: 2026, month: 11, day: 21)), -Duration.day)
        XCTAssertEqual(Duration.week, 7 * Duration.day)
        XCTAssertEqual(Duration.day, 24 * Duration.hour)
    }
}

import Foundation
import PatientFlow
import SimCore

enum RateForms {
    static let profileKeys = ["per_day", "hour_of_day", "day_of_week", "month", "growth_per_year"]
    static let csvKeys = ["csv", "hour_of_day"]
    static let expected = "an arrival rate {per_day: X, hour_of_day: [24], day_of_week: [7], month: [12], "
        + "growth_per_year: g} or {csv: FILE, hour_of_day: [24]}"
    static let expectedProfile = "a rate profile {per_day: X, hour_of_day: [24], day_of_week: [7], month: [12], "
        + "growth_per_year: g}"
    /// Arrivals per day are below this (a larger number is a mistake, and would never finish).
    static let maximumPerDay = 1_000_000.0
    /// Most rows read from a rates CSV.
    static let maximumRows = 200_000
}

/// Paths named in scenario files are relative to the file that names them.
enum Paths {
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let dir = (file as NSString).deletingLastPathComponent
        return dir.isEmpty ? path : (dir as NSString).appendingPathComponent(path)
    }
}

extension ScenarioDecoder {
    /// The rate of an arrivals unit: a profile, or dated rates from a CSV file.
    ///
    /// - Parameter runLength: warm-up plus horizon in minutes, if they are valid (the CSV must cover them).
    func arrivalRate(_ node: ScenarioNode, _ path: NodePath, calendar: SimCalendar, runLength: SimTime?) -> ArrivalsSpec.Rate? {
        guard let entries = node.entries else {
            expected(RateForms.expected, node, path)
            return nil
        }
        let isCSV = entries.contains { $0.key == "csv" }
        if isCSV, entries.contains(where: { RateForms.profileKeys.contains($0.key) && $0.key != "hour_of_day" }) {
            report(node, path, "a rate is either a profile (per_day, day_of_week, month, growth_per_year) or dated "
                   + "rates from a file (csv), not both")
            return nil
        }
        guard let f = fields(node, path, allowed: isCSV ? RateForms.csvKeys : RateForms.profileKeys,
                             expected: RateForms.expected) else { return nil }
        let before = count
        let hours = f["hour_of_day"].map { weights($0, path.key("hour_of_day"), count: 24, "the hours of the day 00-23") }
            ?? Array(repeating: 1, count: 24)
        if isCSV {
            guard let csvNode = f.required("csv", "a CSV file with columns date,per_day"),
                  let name = string(csvNode, path.key("csv"), "a file name") else { return nil }
            let perDay = datedRates(file: name, node: csvNode, path: path.key("csv"), calendar: calendar, runLength: runLength)
            guard count == before, let hours, let perDay else { return nil }
            return .dated(DatedRates(perDay: perDay, hourOfDay: hours))
        }
        let profile = profileShape(f, path, hours: hours, calendar: calendar)
        guard count == before, let profile else { return nil }
        return .profile(profile)
    }

    /// A rate profile only (elective referrals): `{per_day, hour_of_day, day_of_week, month, growth_per_year}`.
    ///
    /// - Parameter what: what the rate is of, for messages ("elective referrals").
    func rateProfile(_ node: ScenarioNode, _ path: NodePath, calendar: SimCalendar, what: String) -> RateProfile? {
        if let csv = node.entries?.first(where: { $0.key == "csv" }) {
            report(csv.keyLocation, path.key("csv"), "\(what) take a rate profile {per_day, hour_of_day, day_of_week, month, "
                   + "growth_per_year}; dated rates from a csv file are for arrivals units only")
            return nil
        }
        guard let f = fields(node, path, allowed: RateForms.profileKeys, expected: RateForms.expectedProfile) else { return nil }
        let before = count
        let hours = f["hour_of_day"].map { weights($0, path.key("hour_of_day"), count: 24, "the hours of the day 00-23") }
            ?? Array(repeating: 1, count: 24)
        let profile = profileShape(f, path, hours: hours, calendar: calendar)
        guard count == before, let profile else { return nil }
        return profile
    }

    /// The profile keys but `hour_of_day` (already read; nil if it was wrong, reported).
    private func profileShape(_ f: Fields, _ path: NodePath, hours: [Double]?, calendar: SimCalendar) -> RateProfile? {
        let before = count
        func shape(_ key: String, _ n: Int, _ what: String) -> [Double]? {
            guard let v = f[key] else { return Array(repeating: 1, count: n) }
            return weights(v, path.key(key), count: n, what)
        }
        let perDay = f.required("per_day", "the mean number of arrivals per day").flatMap {
            number($0, path.key("per_day"), in: 0...RateForms.maximumPerDay,
                   "a number of arrivals per day from 0 to \(Int(RateForms.maximumPerDay))")
        }
        let days = shape("day_of_week", 7, "the days of the week, Monday first")
        let months = shape("month", 12, "the months, January first")
        let growth = f["growth_per_year"].map {
            number($0, path.key("growth_per_year"), in: -0.99...10, "a yearly growth rate from -0.99 to 10 (0.02 is 2% a year)")
        } ?? 0
        guard count == before, let hours, let perDay, let days, let months, let growth else { return nil }
        return RateProfile(perDay: perDay, hourOfDay: hours, dayOfWeek: days, monthOfYear: months,
                           growthPerYear: growth, calendar: calendar)
    }

    /// The text of a CSV file named at `node` (relative to the scenario naming it) and its path as messages show
    /// it, or nil after reporting why not: the folder rules, `ScenarioFiles.maximumCSVBytes`, UTF-8.
    func csvText(file name: String, node: ScenarioNode, path: NodePath, what: String) -> (display: String, text: String)? {
        guard !name.utf8.contains(0) else {
            report(node, path, "a file name may not contain a NUL character")
            return nil
        }
        let display = Paths.resolve(name, relativeTo: node.location.file)
        guard let data = scope.read(display, limit: ScenarioFiles.maximumCSVBytes,
                                    what: what, hint: " (paths are relative to the scenario file)",
                                    reference: node.location, path, decoder: self) else { return nil }
        guard let text = String(validatingUTF8Bytes: data) else {
            let (line, column) = ScenarioNode.firstInvalidUTF8(data)
            report(SourceLocation(file: display, line: line, column: column), path, "\(what) is not valid UTF-8 text")
            return nil
        }
        return (display, text)
    }

    /// Arrivals per day from `date,per_day` rows: consecutive dates from at or before the start date, covering
    /// the run; returned from the start date on. Errors name the CSV file and line.
    func datedRates(file name: String, node: ScenarioNode, path: NodePath, calendar: SimCalendar,
                    runLength: SimTime?) -> [Double]? {
        guard let (display, text) = csvText(file: name, node: node, path: path, what: "the rates file") else { return nil }
        let before = count
        func fail(_ line: Int, _ message: String) {
            if count - before < 10 { report(SourceLocation(file: display, line: line, column: 1), path, message) }
        }
        var dates: [CivilDate] = [], perDay: [Double] = [], lines: [Int] = []
        var sawHeader = false
        // "\r\n" is one Character in Swift, and a newline like "\n".
        for (i, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = i + 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            if !sawHeader {
                sawHeader = true
                if cells != ["date", "per_day"] {
                    // Not echoed: a file that is not a rates file (named by mistake, or to make the loader print
                    // it) is never quoted in messages.
                    fail(lineNumber, "the first line must be the header `date,per_day`; this file does not start "
                         + "with it, so it is not read as a rates file (its contents are not shown)")
                    return nil
                }
                continue
            }
            guard dates.count < RateForms.maximumRows else {
                fail(lineNumber, "too many rows: at most \(RateForms.maximumRows)")
                return nil
            }
            guard cells.count == 2 else {
                fail(lineNumber, "expected two columns `date,per_day`, found \(cells.count)")
                continue
            }
            guard let d = ScalarSyntax.date(cells[0]) else {
                fail(lineNumber, "expected a date YYYY-MM-DD, found `\(cells[0].prefix(40))`")
                continue
            }
            if let last = dates.last, d.daysSinceEpoch != last.daysSinceEpoch + 1 {
                fail(lineNumber, "dates must be consecutive: expected \(CivilDate(daysSinceEpoch: last.daysSinceEpoch + 1)) "
                     + "after \(last), found \(d)")
            }
            dates.append(d)
            lines.append(lineNumber)
            guard let x = ScalarSyntax.number(cells[1]), x.isFinite, x >= 0, x <= RateForms.maximumPerDay else {
                fail(lineNumber, "expected a number of arrivals per day from 0 to \(Int(RateForms.maximumPerDay)), "
                     + "found `\(cells[1].prefix(40))`")
                perDay.append(0)
                continue
            }
            perDay.append(x)
        }
        guard count == before else { return nil }
        guard let first = dates.first, let last = dates.last else {
            fail(1, "the rates file has no rows after the header")
            return nil
        }
        let start = calendar.startDate
        guard first <= start else {
            fail(lines[0], "the rates start on \(first), after start_date \(start): they must start on or before it")
            return nil
        }
        guard last >= start else {
            fail(lines[lines.count - 1], "the rates end on \(last), before start_date \(start)")
            return nil
        }
        if let runLength {
            let days = Int((runLength / Duration.day).rounded(.up))
            let needed = CivilDate(daysSinceEpoch: start.daysSinceEpoch + max(days, 1) - 1)
            if last < needed {
                fail(lines[lines.count - 1], "the rates end on \(last), but the run needs them to \(needed) "
                     + "(start_date + warm_up + horizon)")
                return nil
            }
        }
        return Array(perDay[(start.daysSinceEpoch - first.daysSinceEpoch)...])
    }
}

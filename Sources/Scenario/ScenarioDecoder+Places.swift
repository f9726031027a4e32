import PatientFlow
import SimCore

enum PlacesLimits {
    /// Capacities, initial occupancy and deltas are below this.
    static let maximum = 10_000_000
    static let expected = "places: a whole number >= 0, `unlimited`, or {base: N, pattern: {period, steps}, extra: [...]}"
    static let count = "a whole number from 0 to \(maximum - 1)"
}

extension ScenarioDecoder {
    /// Places: `N`, `unlimited`, or `{base, pattern: {period, steps: [{at, places}]}, extra: [{from, to, places}]}`.
    ///
    /// Dated `extra` periods run from the start of `from` to the end of `to` (both dates included).
    func places(_ node: ScenarioNode, _ path: NodePath, calendar: SimCalendar) -> PlacesSpec? {
        switch node.value {
        case .scalar(let s, _) where s == "unlimited":
            return .unlimited
        case .scalar:
            if let s = node.scalar, ScalarSyntax.number(s) == nil {
                report(node, path, "expected \(PlacesLimits.expected), found \(node.described)"
                       + Suggest.didYouMean(s, in: ["unlimited"]))
                return nil
            }
            return integer(node, path, in: 0...(PlacesLimits.maximum - 1), PlacesLimits.count).map(PlacesSpec.fixed)
        case .mapping:
            return schedule(node, path, calendar: calendar).map(PlacesSpec.schedule)
        default:
            expected(PlacesLimits.expected, node, path)
            return nil
        }
    }

    private func schedule(_ node: ScenarioNode, _ path: NodePath, calendar: SimCalendar) -> CapacitySchedule? {
        guard let f = fields(node, path, allowed: ["base", "pattern", "extra"], expected: PlacesLimits.expected)
        else { return nil }
        let before = count
        let base = f["base"].flatMap { integer($0, path.key("base"), in: 0...(PlacesLimits.maximum - 1), PlacesLimits.count) }

        // Dated periods.
        var periods: [CapacitySchedule.Period] = []
        if let extra = f["extra"] {
            let what = "a list of {from: YYYY-MM-DD, to: YYYY-MM-DD, places: +N or -N}"
            for (i, item) in (sequence(extra, path.key("extra"), what) ?? []).enumerated() {
                let p = path.key("extra").index(i)
                guard let g = fields(item, p, allowed: ["from", "to", "places"], expected: "{from: YYYY-MM-DD, to: YYYY-MM-DD, places: +N or -N}")
                else { continue }
                let from = g.required("from", Expect.date).flatMap { date($0, p.key("from")) }
                let to = g.required("to", Expect.date).flatMap { date($0, p.key("to")) }
                let delta = g.required("places", "a whole number of places to add (+N) or close (-N)").flatMap {
                    integer($0, p.key("places"), in: -(PlacesLimits.maximum - 1)...(PlacesLimits.maximum - 1),
                            "a whole number of places to add (+N) or close (-N)")
                }
                guard let from, let to, let delta else { continue }
                guard from <= to else {
                    report(item, p, "'from' (\(from)) is after 'to' (\(to))")
                    continue
                }
                periods.append(CapacitySchedule.Period(from: calendar.time(of: from),
                                                       to: calendar.time(of: to) + Duration.day, delta: delta))
            }
        }

        // The repeating pattern.
        guard let patternNode = f["pattern"] else {
            guard let base else {
                if count == before { _ = f.required("base", "the number of places (needed when there is no pattern)") }
                return nil
            }
            return count == before ? CapacitySchedule(constant: base, periods: periods) : nil
        }
        let pp = path.key("pattern")
        guard let g = fields(patternNode, pp, allowed: ["period", "steps"],
                             expected: "{period: 1d or 1w, steps: [{at: \"HH:MM\" or a duration, places: N}, ...]}")
        else { return nil }
        let period = g.required("period", "a duration > 0 over which the steps repeat (1d, 1w)").flatMap { duration($0, pp.key("period")) }
        if let period, period <= 0 { report(g["period"]!, pp.key("period"), "the period must be > 0") }
        var steps: [CapacitySchedule.Step] = []
        if let stepsNode = g.required("steps", "a list of {at, places}") {
            let sp = pp.key("steps")
            let items = sequence(stepsNode, sp, "a list of {at: \"HH:MM\" or a duration, places: N}") ?? []
            if case .sequence(let xs) = stepsNode.value, xs.isEmpty { report(stepsNode, sp, "needs at least one step") }
            for (i, item) in items.enumerated() {
                let p = sp.index(i)
                guard let h = fields(item, p, allowed: ["at", "places"], expected: "{at: \"HH:MM\" or a duration, places: N}")
                else { continue }
                var at: Double?
                if let atNode = h.required("at", "\"HH:MM\" or a duration offset into the period") {
                    if let s = atNode.scalar, s.contains(":") {
                        at = clockTime(atNode, p.key("at"))
                    } else {
                        at = duration(atNode, p.key("at"))
                    }
                }
                let n = h.required("places", PlacesLimits.count).flatMap {
                    integer($0, p.key("places"), in: 0...(PlacesLimits.maximum - 1), PlacesLimits.count)
                }
                guard let at, let n else { continue }
                if let period, period > 0, at >= period {
                    report(item, p.key("at"), "the step is at or after the end of the period (\(format(period)) minutes)")
                    continue
                }
                if let last = steps.last, at <= last.offset {
                    report(item, p.key("at"), "steps must be in increasing order of time, each after the one before")
                    continue
                }
                steps.append(CapacitySchedule.Step(offset: at, capacity: n))
            }
        }
        guard count == before, let period, period > 0, !steps.isEmpty else { return nil }
        if steps[0].offset > 0 {
            guard let base else {
                report(patternNode, pp.key("steps"), "the first step is not at 00:00 (offset 0): give `base`, the places "
                       + "from the start of each period to the first step, or add a step at 00:00")
                return nil
            }
            steps.insert(CapacitySchedule.Step(offset: 0, capacity: base), at: 0)
        }
        return CapacitySchedule(period: period, steps: steps, periods: periods)
    }

    /// `{occupied: N, queued: N, remaining: RULE}` or `{csv: FILE, queued: N}`: patients in the unit and waiting for
    /// it when the run starts, and how the occupants' remaining stays are drawn (decision 144).
    func initialState(_ node: ScenarioNode?, _ path: NodePath, attributes: [AttributeSpec]) -> InitialState? {
        guard let node else { return InitialState() }
        let rules = InitialState.RemainingStay.allCases.map(\.rawValue)
        guard let f = fields(node, path, allowed: ["occupied", "queued", "remaining", "csv"],
                             expected: "{occupied: N, queued: N, remaining: \(rules.joined(separator: " | "))} or {csv: FILE, queued: N}")
        else { return nil }
        // At most as many as a replication may hold at once (checked before any patient is made).
        let limit = SystemSimulation.maximumPatientsPresent
        let what = "a whole number of patients from 0 to \(limit) (at most \(limit) patients may be in the system at once)"
        let before = count
        if f["csv"] != nil {
            for key in ["occupied", "remaining"] {
                if let n = f[key] {
                    report(n, path.key(key), "`\(key)` and `csv` do not go together: the file lists the patients present, "
                           + "each with the time already spent (`elapsed`), and their remaining stays follow from it")
                }
            }
        }
        let occupied = f["occupied"].map { integer($0, path.key("occupied"), in: 0...limit, what) } ?? 0
        let queued = f["queued"].map { integer($0, path.key("queued"), in: 0...limit, what) } ?? 0
        let remaining = f["remaining"].map { n -> InitialState.RemainingStay? in
            guard let s = string(n, path.key("remaining"), rules.joined(separator: ", ")) else { return nil }
            guard let rule = InitialState.RemainingStay(rawValue: s) else {
                report(n, path.key("remaining"), "unknown rule '\(s)'\(Suggest.didYouMean(s, in: rules)); allowed: "
                       + rules.joined(separator: ", ") + " (equilibrium, the default: the equilibrium residual of the stay; "
                       + "uniform_from_one: IPACS's U(1 day, L) for a stay L)")
                return nil
            }
            return rule
        } ?? .equilibrium
        var patients: [InitialPatient] = []
        if let csv = f["csv"] {
            guard let name = string(csv, path.key("csv"), "a file name"),
                  let listed = initialPatients(file: name, node: csv, path: path.key("csv"), attributes: attributes) else { return nil }
            patients = listed
        }
        guard count == before, let occupied, let queued, let remaining else { return nil }
        return InitialState(occupied: occupied, queued: queued, remaining: remaining, patients: patients)
    }

    /// Patients present at the start from a CSV: a header with `elapsed` (a duration with its unit: 3d, 12h,
    /// 90min) and optionally attribute names, then one row per patient. The file obeys the rates files' rules
    /// (folder, 8 MiB, 200,000 rows); errors name the file, line and column.
    func initialPatients(file name: String, node: ScenarioNode, path: NodePath, attributes: [AttributeSpec]) -> [InitialPatient]? {
        guard let (display, text) = csvText(file: name, node: node, path: path, what: "the initial patients file") else {
            return nil
        }
        let before = count
        func fail(_ line: Int, _ column: Int, _ message: String) {
            if count - before < 10 { report(SourceLocation(file: display, line: line, column: column), path, message) }
        }
        var columns: [Int?] = []  // per column: nil for elapsed, else the attribute's index
        var patients: [InitialPatient] = []
        var sawHeader = false
        for (i, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = i + 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let raw = line.split(separator: ",", omittingEmptySubsequences: false)
            let cells = raw.map { String($0).trimmingSpaces }
            var starts: [Int] = [], at = 1
            for r in raw {
                starts.append(at)
                at += r.count + 1
            }
            if !sawHeader {
                sawHeader = true
                let allowed = ["elapsed"] + attributes.map(\.name)
                guard cells.filter({ $0 == "elapsed" }).count == 1 else {
                    // Not echoed: a file that is not a patient list is never quoted in messages.
                    fail(lineNumber, 1, "the first line must be a header with the column `elapsed` (and optionally "
                         + "attribute columns: \(allowed.dropFirst().joined(separator: ", "))); this file does not start with "
                         + "one, so it is not read as a list of patients (its contents are not shown)")
                    return nil
                }
                for (k, c) in cells.enumerated() {
                    if c == "elapsed" { columns.append(nil); continue }
                    guard let a = attributes.firstIndex(where: { $0.name == c }) else {
                        fail(lineNumber, starts[k], "unknown column '\(c.prefix(40))'\(Suggest.didYouMean(c, in: allowed)); "
                             + "allowed: \(allowed.joined(separator: ", "))")
                        continue
                    }
                    if columns.contains(where: { $0 == a }) { fail(lineNumber, starts[k], "column '\(c)' appears twice") }
                    columns.append(a)
                }
                guard count == before else { return nil }
                continue
            }
            guard patients.count < RateForms.maximumRows else {
                fail(lineNumber, 1, "too many rows: at most \(RateForms.maximumRows)")
                return nil
            }
            guard cells.count == columns.count else {
                fail(lineNumber, 1, "expected \(columns.count) columns as in the header, found \(cells.count)")
                continue
            }
            var patient = InitialPatient(elapsed: 0)
            for (k, c) in cells.enumerated() {
                guard let a = columns[k] else {
                    guard let x = ScalarSyntax.duration(c), x.isFinite, x >= 0, x <= SystemForm.maximumRun else {
                        fail(lineNumber, starts[k], "elapsed: expected a duration with its unit, from 0 to 20 years (e.g. 3d, "
                             + "12h, 90min), found `\(c.prefix(40))`")
                        continue
                    }
                    patient.elapsed = x
                    continue
                }
                guard let level = attributes[a].levels.firstIndex(of: c) else {
                    fail(lineNumber, starts[k], "\(attributes[a].name): unknown level '\(c.prefix(40))'"
                         + "\(Suggest.didYouMean(c, in: attributes[a].levels)); allowed: \(attributes[a].levels.joined(separator: ", "))")
                    continue
                }
                patient.attributes[a] = level
                patient.given |= 1 << UInt32(a)
            }
            patients.append(patient)
        }
        guard count == before else { return nil }
        guard !patients.isEmpty else {
            fail(1, 1, "the initial patients file has no rows after the header")
            return nil
        }
        return patients
    }
}

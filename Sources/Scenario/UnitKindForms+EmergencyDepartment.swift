import PatientFlow
import SimCore
import Stochastics

/// The `emergency_department` form: either one set of cubicles (`cubicles`, `assessment`, `route`), or `areas`
/// (resus/majors, minors, UTC, SDEC...) with `streaming` that sends each arrival to one of them.
enum EDForms {
    static let areaKeys = ["places", "assessment", "route", "discipline", "type", "hours", "when_closed", "initial",
                           "ambulance_overflow"]
    static let areaExpected = "an area {places, assessment, route, discipline, type, hours, when_closed, initial}"
    static let hoursKeys = ["daily", "weekdays", "weekends"] + CommunityForms.days
    static let hoursExpected = "opening hours: \"HH:MM-HH:MM\", or {daily | weekdays | weekends | mon ... sun: \"HH:MM-HH:MM\" "
        + "(or a list of them, or closed)}"
}

extension UnitKindForms {
    @Sendable static func emergencyDepartment(_ u: UnitContext) -> UnitKind? {
        let (d, f, p) = (u.d, u.fields, u.path)
        let before = d.count
        guard let areasNode = f["areas"] else {
            // One set of cubicles: the unit itself.
            for key in ["streaming", "boarding_area"] where f[key] != nil {
                d.report(f[key]!, p.key(key), "\(key) needs `areas`: an ED without areas has one set of cubicles")
            }
            let places = u.places("cubicles")
            let route = u.requiredRoute()
            let stay = f.required("assessment", DistributionForms.expected).flatMap {
                u.distribution($0, p.key("assessment"), rules: KeyRules(next: u.nextLevels(of: route)))
            }
            let discipline = f["discipline"].map { areaDiscipline($0, p.key("discipline"), d) } ?? .fifo
            let type = f["type"].map { attendanceType($0, p.key("type"), d) } ?? .type1
            let initial = d.initialState(f["initial"], p.key("initial"), attributes: u.attributes)
            guard d.count == before, let places, let route, let stay, let discipline, let type, let initial else { return nil }
            let bedRequestDelay = f["bed_request_delay"].flatMap { d.distribution($0, p.key("bed_request_delay")) }
            guard d.count == before else { return nil }
            return .emergencyDepartment(EmergencyDepartmentSpec(areas: [
                EDArea(places: places, discipline: discipline, assessment: stay, route: route, type: type, initial: initial),
            ], bedRequestDelay: bedRequestDelay))
        }
        for key in ["cubicles", "discipline", "type", "initial"] where f[key] != nil {
            d.report(f[key]!, p.key(key), "with `areas`, \(key) belongs to each area (areas.NAME.\(key == "cubicles" ? "places" : key))")
        }
        guard let entries = areasNode.entries, !entries.isEmpty else {
            d.expected("a mapping from area names (e.g. majors, minors, utc, sdec) to areas", areasNode, p.key("areas"))
            return nil
        }
        let names = entries.map(\.key)
        func areaIndex(_ name: String, _ location: SourceLocation, _ path: NodePath) -> Int? {
            guard let i = names.firstIndex(of: name) else {
                d.report(location, path, "unknown area '\(name)'\(Suggest.didYouMean(name, in: names)); areas: " + Suggest.names(names))
                return nil
            }
            return i
        }
        // Unit-level assessment and route are the areas' defaults.
        let defaultRoute = f["route"].flatMap { u.route($0, p.key("route")) }
        let defaultStay = f["assessment"].flatMap { n in
            u.distribution(n, p.key("assessment"), rules: KeyRules(next: u.nextLevels(of: defaultRoute)))
        }
        var areas: [EDArea] = []
        for e in entries {
            let ap = p.key("areas").key(e.key)
            if SystemForm.reservedNames.contains(e.key) || !SystemForm.isUnitName(e.key) {
                d.report(e.keyLocation, ap, "area names use a-z, 0-9, _ and - only, and not 'by' or 'table'")
            }
            guard let g = d.fields(e.value, ap, allowed: EDForms.areaKeys, expected: EDForms.areaExpected) else { continue }
            let places = g.required("places", PlacesLimits.expected).flatMap { d.places($0, ap.key("places"), calendar: u.system.calendar) }
            var route = defaultRoute
            if let r = g["route"] { route = u.route(r, ap.key("route")) } else if defaultRoute == nil && f["route"] == nil {
                _ = g.required("route", "the area's outcomes (or a unit-level route for every area)")
            }
            var stay = defaultStay
            if let a = g["assessment"] {
                stay = u.distribution(a, ap.key("assessment"), rules: KeyRules(next: u.nextLevels(of: route)))
            } else if f["assessment"] == nil {
                _ = g.required("assessment", "the area's assessment time (or a unit-level assessment for every area)")
            }
            let discipline = g["discipline"].map { areaDiscipline($0, ap.key("discipline"), d) } ?? .fifo
            let type = g["type"].map { attendanceType($0, ap.key("type"), d) } ?? .type1
            let hours = g["hours"].flatMap { openingHours($0, ap.key("hours"), calendar: u.system.calendar, d) }
            let whenClosed = g["when_closed"].flatMap { n -> Int? in
                guard let s = d.string(n, ap.key("when_closed"), "an area name") else { return nil }
                guard s != e.key else {
                    d.report(n, ap.key("when_closed"), "an area cannot send its patients to itself when closed")
                    return nil
                }
                return areaIndex(s, n.location, ap.key("when_closed"))
            }
            let overflow = g["ambulance_overflow"].flatMap { n -> Int? in
                guard let s = d.string(n, ap.key("ambulance_overflow"), "an area name") else { return nil }
                guard s != e.key else {
                    d.report(n, ap.key("ambulance_overflow"), "an area cannot overflow into itself")
                    return nil
                }
                if discipline != .ambulanceFirst {
                    d.report(n, ap.key("ambulance_overflow"), "ambulance_overflow needs discipline: ambulance_first (it hands "
                             + "over ambulance patients, who go first in such an area)")
                }
                return areaIndex(s, n.location, ap.key("ambulance_overflow"))
            }
            if g["hours"] != nil && g["when_closed"] == nil {
                d.report(g["hours"]!, ap.key("hours"), "an area with opening hours needs when_closed: the area its "
                         + "patients go to while it is closed")
            }
            let initial = d.initialState(g["initial"], ap.key("initial"), attributes: u.attributes)
            guard let places, let route, let stay, let discipline, let type, let initial else { continue }
            areas.append(EDArea(name: e.key, places: places, discipline: discipline, assessment: stay, route: route,
                                type: type, hours: hours, whenClosed: whenClosed, initial: initial,
                                ambulanceOverflow: overflow))
        }
        var boardingArea: Int?
        if let n = f["boarding_area"], let name = d.string(n, p.key("boarding_area"), "an area name") {
            boardingArea = areaIndex(name, n.location, p.key("boarding_area"))
        }
        let bedRequestDelay = f["bed_request_delay"].flatMap { d.distribution($0, p.key("bed_request_delay")) }
        var streaming: Keyed<EmpiricalChoice<Int>>?
        if let s = f["streaming"] {
            streaming = d.keyed(s, p.key("streaming"), attributes: u.attributes) { n, q in
                d.choice(n, q, what: "area", resolve: areaIndex)
            }
        } else if names.count > 1 {
            _ = f.required("streaming", "which area each arrival goes to: a choice of area {\(Suggest.names(names.map { "\($0): p" }))}, "
                           + "possibly keyed by attributes (e.g. by: arrival_mode)")
        }
        guard d.count == before, areas.count == entries.count else { return nil }
        return .emergencyDepartment(EmergencyDepartmentSpec(areas: areas, streaming: names.count > 1 ? streaming : nil,
                                                            boardingArea: boardingArea, bedRequestDelay: bedRequestDelay))
    }

    static func areaDiscipline(_ node: ScenarioNode, _ path: NodePath, _ d: ScenarioDecoder) -> EDArea.Discipline? {
        d.keyword(node, path, allowed: EDArea.Discipline.allCases.map(\.rawValue), what: "discipline")
            .flatMap(EDArea.Discipline.init(rawValue:))
    }

    static func attendanceType(_ node: ScenarioNode, _ path: NodePath, _ d: ScenarioDecoder) -> EDArea.AttendanceType? {
        d.keyword(node, path, allowed: EDArea.AttendanceType.allCases.map(\.rawValue), what: "attendance type")
            .flatMap(EDArea.AttendanceType.init(rawValue:))
    }

    /// Weekly opening hours (nil after reporting what is wrong).
    static func openingHours(_ node: ScenarioNode, _ path: NodePath, calendar: SimCalendar,
                             _ d: ScenarioDecoder) -> OpeningHours? {
        let before = d.count
        var days = Array(repeating: [OpeningHours.Interval](), count: 7)
        func intervals(_ n: ScenarioNode, _ q: NodePath) -> [OpeningHours.Interval]? {
            if n.scalar == "closed" { return [] }
            let items: [(ScenarioNode, NodePath)]
            if case .sequence(let xs) = n.value { items = xs.enumerated().map { ($1, q.index($0)) } } else { items = [(n, q)] }
            var out: [OpeningHours.Interval] = []
            for (item, ip) in items {
                guard let s = d.string(item, ip, "a time range \"HH:MM-HH:MM\""), case let parts = s.split(separator: "-"),
                      parts.count == 2,
                      let open = ScalarSyntax.clockTime(parts[0].trimmingCharacters(in: .whitespaces)),
                      let close = ScalarSyntax.clockTime(parts[1].trimmingCharacters(in: .whitespaces), allow24: true) else {
                    d.report(item, ip, "expected a time range \"HH:MM-HH:MM\" (e.g. \"08:00-20:00\"), or closed")
                    return nil
                }
                guard open != close else {
                    d.report(item, ip, "a range that opens and closes at the same time is empty; write 00:00-24:00 for all day")
                    return nil
                }
                out.append(OpeningHours.Interval(open: open, close: close > open ? close : close + 1440))
            }
            return out
        }
        if node.scalar != nil {
            guard let all = intervals(node, path) else { return nil }
            days = Array(repeating: all, count: 7)
        } else {
            guard let g = d.fields(node, path, allowed: EDForms.hoursKeys, expected: EDForms.hoursExpected) else { return nil }
            func set(_ key: String, _ which: [Int]) {
                guard let n = g[key], let xs = intervals(n, path.key(key)) else { return }
                for i in which { days[i] = xs }
            }
            set("daily", Array(0..<7))
            set("weekdays", Array(0..<5))
            set("weekends", [5, 6])
            for (i, day) in CommunityForms.days.enumerated() { set(day, [i]) }
        }
        guard d.count == before else { return nil }
        return OpeningHours(days: days, firstWeekday: calendar.weekday(ofDay: 0))
    }
}

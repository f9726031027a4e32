import SimCore

/// Streaming counters behind the metrics of DESIGN §4, for one replication after warm-up.
///
/// O(1) memory per metric and one value per day per daily series: nothing grows with the patients simulated.
struct FlowMetrics {
    // Ambulance handovers (arrival to handover complete).
    var handovers = 0, handoversOver30 = 0, handoversOver60 = 0
    var handoverMinutesLost = 0.0
    // ED (arrival to leaving the ED).
    var edDepartures = 0, edWithin4h = 0, edOver12h = 0
    // Acute discharges.
    var acuteStay = Tally()
    var nctrDelay = Tally()
    var nctrByPathway: [Tally] = []
    var pathwayNames: [String] = []
    /// For each acute ward (unit index), its pathways' positions in `pathwayNames`.
    var pathwayIndexOfWard: [Int: [Int]] = [:]
    // Follow-up.
    var cohortFollowed = 0, cohortAtHome = 0, discharged = 0, readmitted30 = 0
    // Virtual wards, urgent community response, electives.
    var vwStepUp = 0, vwStepDown = 0, vwEscalations = 0, admissionsAvoided = 0
    var bedDaysReleased: SimTime = 0
    var ucrVisits = 0, ucrWithin2h = 0
    var electiveAdmissions = 0, electiveCancellations = 0
    var monthEndOver78Weeks = Tally()
    // By neighbourhood (when the system has a population).
    var neighbourhoodNames: [String] = []
    var arrivalsBy: [Int] = [], admissionsBy: [Int] = [], nctrMinutesBy: [Double] = [], cohortBy: [Int] = [], cohortHomeBy: [Int] = []
    // Daily audit.
    var nctrShare = Tally()
    var daily: [DailySeries] = []
    var today = DayCounters()

    struct DayCounters {
        var handovers = 0, handoversOver30 = 0, minutesLost = 0.0, edDepartures = 0, edWithin4h = 0
    }

    static let dailySeriesNames = [
        "acute_occupied", "acute_occupancy_percent", "nctr_patients", "nctr_percent",
        "handovers", "handovers_over_30min", "handover_hours_lost", "ed_departures", "ed_4h_percent",
    ]

    mutating func prepare(spec: SystemSpec) {
        for (u, unit) in spec.units.enumerated() {
            guard case .acuteWard(let w) = unit.kind else { continue }  // pathways of every acute ward, in order
            pathwayIndexOfWard[u] = w.pathways.map { p in
                if let i = pathwayNames.firstIndex(of: p.name) { return i }
                pathwayNames.append(p.name)
                return pathwayNames.count - 1
            }
        }
        nctrByPathway = Array(repeating: Tally(), count: pathwayNames.count)
        if let pop = spec.population { neighbourhoodNames = pop.neighbourhoods.map(\.name) }
        resetNeighbourhoods()
        daily = Self.dailySeriesNames.map { DailySeries(name: $0) }
            + spec.units.filter { $0.kind.places != nil }.map { DailySeries(name: "occupancy.\($0.name)") }
            + spec.units.filter { $0.kind.places != nil }.map { DailySeries(name: "queue.\($0.name)") }
    }

    mutating func handover(time: SimTime) {
        handovers += 1
        today.handovers += 1
        if time > 30 { handoversOver30 += 1; today.handoversOver30 += 1 }
        if time > 60 { handoversOver60 += 1 }
        // The national standard is 15 minutes; time beyond it is lost to the ambulance service.
        let lost = max(0, time - 15)
        handoverMinutesLost += lost
        today.minutesLost += lost
    }

    mutating func edDeparture(los: SimTime) {
        edDepartures += 1
        today.edDepartures += 1
        if los <= 240 { edWithin4h += 1; today.edWithin4h += 1 }
        if los > 720 { edOver12h += 1 }
    }

    mutating func resetNeighbourhoods() {
        let n = neighbourhoodNames.count
        arrivalsBy = Array(repeating: 0, count: n)
        admissionsBy = Array(repeating: 0, count: n)
        nctrMinutesBy = Array(repeating: 0, count: n)
        cohortBy = Array(repeating: 0, count: n)
        cohortHomeBy = Array(repeating: 0, count: n)
    }

    mutating func admission(neighbourhood n: Int) {
        if n >= 0 { admissionsBy[n] += 1 }
    }

    mutating func ucrVisit(wait: SimTime) {
        ucrVisits += 1
        if wait <= 120 { ucrWithin2h += 1 }
    }

    mutating func acuteDischarge(los: SimTime, nctr: SimTime?, pathway: Int, neighbourhood n: Int) {
        if n >= 0 { nctrMinutesBy[n] += nctr ?? 0 }
        acuteStay.add(los / Duration.day)
        // Every discharge has an NCTR time (0 for patients who died or left in their acute phase).
        let days = (nctr ?? 0) / Duration.day
        nctrDelay.add(days)
        nctrByPathway[pathway].add(days)
    }

    mutating func followUp(cohort: Bool, atHome: Bool, readmitted: Bool, neighbourhood n: Int) {
        discharged += 1
        if readmitted { readmitted30 += 1 }
        if cohort {
            cohortFollowed += 1
            if atHome { cohortAtHome += 1 }
            if n >= 0 {
                cohortBy[n] += 1
                if atHome { cohortHomeBy[n] += 1 }
            }
        }
    }

    /// `unitLevels` and `unitQueues`: places held and patients waiting at each unit with places, in unit order.
    mutating func audit(day: Int, occupied: Int, nctr: Int, capacity: Int, unitLevels: [Int], unitQueues: [Int]) {
        let share = occupied > 0 ? Double(nctr) / Double(occupied) : 0
        nctrShare.add(100 * share)
        let t = today
        let row: [Double] = [
            Double(occupied), capacity > 0 ? 100 * Double(occupied) / Double(capacity) : .nan,
            Double(nctr), 100 * share,
            Double(t.handovers), Double(t.handoversOver30), t.minutesLost / 60,
            Double(t.edDepartures), t.edDepartures > 0 ? 100 * Double(t.edWithin4h) / Double(t.edDepartures) : .nan,
        ] + unitLevels.map(Double.init) + unitQueues.map(Double.init)
        for (i, v) in row.enumerated() { daily[i].record(v, day: day) }
        today = DayCounters()
    }

    /// Restarts every counter (end of warm-up).
    mutating func resetCounts() {
        var fresh = FlowMetrics()
        fresh.pathwayNames = pathwayNames
        fresh.neighbourhoodNames = neighbourhoodNames
        fresh.resetNeighbourhoods()
        fresh.pathwayIndexOfWard = pathwayIndexOfWard
        fresh.nctrByPathway = Array(repeating: Tally(), count: pathwayNames.count)
        fresh.daily = daily.map { DailySeries(name: $0.name) }
        self = fresh
    }

    /// The metric values, in the order of DESIGN §4; counts are scaled to 365 days observed.
    /// The chain's metrics in the catalogue's order; `nctrBedDays` and `acuteOccupancyPercent` come from the
    /// wards' time-weighted statistics.
    func values(observedMinutes: SimTime, nctrBedDays: Double, acuteOccupancyPercent: Double) -> [MetricValue] {
        let perYear = 365 * Duration.day / observedMinutes
        func pct(_ a: Int, _ b: Int) -> Double { b > 0 ? 100 * Double(a) / Double(b) : .nan }
        typealias C = MetricCatalog
        var v: [MetricValue] = [
            MetricValue(C.nctrPercent, nctrShare.count > 0 ? nctrShare.mean : .nan),
            MetricValue(C.nctrBedDays, nctrBedDays),
            MetricValue(C.nctrMeanDelay, nctrDelay.count > 0 ? nctrDelay.mean : .nan),
        ]
        for (i, name) in pathwayNames.enumerated() {
            v.append(MetricValue(C.nctrMeanDelayByPathway, name, nctrByPathway[i].count > 0 ? nctrByPathway[i].mean : .nan))
        }
        v += [
            MetricValue(C.handoversOver30, Double(handoversOver30) * perYear),
            MetricValue(C.handoversOver30Percent, pct(handoversOver30, handovers)),
            MetricValue(C.handoversOver60, Double(handoversOver60) * perYear),
            MetricValue(C.handoversOver60Percent, pct(handoversOver60, handovers)),
            MetricValue(C.handoverHoursLost, handoverMinutesLost / 60 * perYear),
            MetricValue(C.homeAt91Days, pct(cohortAtHome, cohortFollowed)),
            MetricValue(C.ed4h, pct(edWithin4h, edDepartures)),
            MetricValue(C.ed12h, Double(edOver12h) * perYear),
            MetricValue(C.acuteOccupancy, acuteOccupancyPercent),
            MetricValue(C.meanLOS, acuteStay.count > 0 ? acuteStay.mean : .nan),
            MetricValue(C.readmissions30d, pct(readmitted30, discharged)),
            MetricValue(C.ambulanceHandovers, Double(handovers) * perYear),
            MetricValue(C.edAttendances, Double(edDepartures) * perYear),
            MetricValue(C.acuteDischarges, Double(acuteStay.count) * perYear),
            MetricValue(C.cohortFollowed, Double(cohortFollowed)),
        ]
        return v
    }

    /// Virtual ward, UCR and elective counts (only for systems that have those units).
    func communityValues(observedMinutes: SimTime, hasVirtualWards: Bool, hasUCR: Bool, hasElectives: Bool,
                         electiveOver78AtEnd: Int) -> [MetricValue] {
        let perYear = 365 * Duration.day / observedMinutes
        var v: [MetricValue] = []
        if hasVirtualWards {
            v += [
                MetricValue(MetricCatalog.vwStepUp, Double(vwStepUp) * perYear),
                MetricValue(MetricCatalog.vwStepDown, Double(vwStepDown) * perYear),
                MetricValue(MetricCatalog.vwEscalations, Double(vwEscalations) * perYear),
                MetricValue(MetricCatalog.bedDaysReleased, bedDaysReleased / Duration.day * perYear),
                MetricValue(MetricCatalog.admissionsAvoided, Double(admissionsAvoided) * perYear),
            ]
        }
        if hasUCR {
            v += [
                MetricValue(MetricCatalog.ucr2h, ucrVisits > 0 ? 100 * Double(ucrWithin2h) / Double(ucrVisits) : .nan),
                MetricValue(MetricCatalog.ucrVisits, Double(ucrVisits) * perYear),
            ]
        }
        if hasElectives {
            v += [
                MetricValue(MetricCatalog.electiveOver78, Double(electiveOver78AtEnd)),
                MetricValue(MetricCatalog.electiveOver78MonthEnd,
                            monthEndOver78Weeks.count > 0 ? monthEndOver78Weeks.mean : .nan),
                MetricValue(MetricCatalog.electiveAdmissions, Double(electiveAdmissions) * perYear),
                MetricValue(MetricCatalog.electiveCancellations, Double(electiveCancellations) * perYear),
            ]
        }
        for (n, name) in neighbourhoodNames.enumerated() {
            v += [
                MetricValue(MetricCatalog.arrivalsBy, name, Double(arrivalsBy[n]) * perYear),
                MetricValue(MetricCatalog.admissionsBy, name, Double(admissionsBy[n]) * perYear),
                MetricValue(MetricCatalog.nctrBedDaysBy, name, nctrMinutesBy[n] / Duration.day * perYear),
                MetricValue(MetricCatalog.homeAt91DaysBy, name,
                            cohortBy[n] > 0 ? 100 * Double(cohortHomeBy[n]) / Double(cohortBy[n]) : .nan),
            ]
        }
        return v
    }
}

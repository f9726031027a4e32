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
            guard case .acuteWard(let w) = unit.kind else { continue }
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
    func values(observedMinutes: SimTime) -> [MetricValue] {
        let perYear = 365 * Duration.day / observedMinutes
        func pct(_ a: Int, _ b: Int) -> Double { b > 0 ? 100 * Double(a) / Double(b) : .nan }
        var v: [MetricValue] = [
            MetricValue("nctr_percent", nctrShare.count > 0 ? nctrShare.mean : .nan),
            MetricValue("nctr_mean_delay_days", nctrDelay.count > 0 ? nctrDelay.mean : .nan),
        ]
        for (i, name) in pathwayNames.enumerated() {
            v.append(MetricValue("nctr_mean_delay_days.\(name)", nctrByPathway[i].count > 0 ? nctrByPathway[i].mean : .nan))
        }
        v += [
            MetricValue("handovers_over_30min", Double(handoversOver30) * perYear),
            MetricValue("handovers_over_30min_percent", pct(handoversOver30, handovers)),
            MetricValue("handovers_over_60min", Double(handoversOver60) * perYear),
            MetricValue("handovers_over_60min_percent", pct(handoversOver60, handovers)),
            MetricValue("handover_hours_lost", handoverMinutesLost / 60 * perYear),
            MetricValue("home_at_91_days_percent", pct(cohortAtHome, cohortFollowed)),
            MetricValue("ed_4h_percent", pct(edWithin4h, edDepartures)),
            MetricValue("ed_12h_waits", Double(edOver12h) * perYear),
            MetricValue("mean_los_days", acuteStay.count > 0 ? acuteStay.mean : .nan),
            MetricValue("readmissions_30d_percent", pct(readmitted30, discharged)),
            MetricValue("ambulance_handovers", Double(handovers) * perYear),
            MetricValue("ed_attendances", Double(edDepartures) * perYear),
            MetricValue("acute_discharges", Double(acuteStay.count) * perYear),
            MetricValue("cohort_91_day_followed", Double(cohortFollowed)),
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
                MetricValue("vw_step_up", Double(vwStepUp) * perYear),
                MetricValue("vw_step_down", Double(vwStepDown) * perYear),
                MetricValue("vw_escalations", Double(vwEscalations) * perYear),
                MetricValue("bed_days_released", bedDaysReleased / Duration.day * perYear),
                MetricValue("admissions_avoided", Double(admissionsAvoided) * perYear),
            ]
        }
        if hasUCR {
            v += [
                MetricValue("ucr_2h_percent", ucrVisits > 0 ? 100 * Double(ucrWithin2h) / Double(ucrVisits) : .nan),
                MetricValue("ucr_visits", Double(ucrVisits) * perYear),
            ]
        }
        if hasElectives {
            v += [
                MetricValue("elective_over_78_weeks", Double(electiveOver78AtEnd)),
                MetricValue("elective_over_78_weeks_month_end_mean",
                            monthEndOver78Weeks.count > 0 ? monthEndOver78Weeks.mean : .nan),
                MetricValue("elective_admissions", Double(electiveAdmissions) * perYear),
                MetricValue("elective_cancellations", Double(electiveCancellations) * perYear),
            ]
        }
        for (n, name) in neighbourhoodNames.enumerated() {
            v += [
                MetricValue("arrivals.\(name)", Double(arrivalsBy[n]) * perYear),
                MetricValue("admissions.\(name)", Double(admissionsBy[n]) * perYear),
                MetricValue("nctr_bed_days.\(name)", nctrMinutesBy[n] / Duration.day * perYear),
                MetricValue("home_at_91_days_percent.\(name)",
                            cohortBy[n] > 0 ? 100 * Double(cohortHomeBy[n]) / Double(cohortBy[n]) : .nan),
            ]
        }
        return v
    }
}

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
        daily = Self.dailySeriesNames.map { DailySeries(name: $0) }
            + spec.units.filter { $0.kind.places != nil }.map { DailySeries(name: "occupancy.\($0.name)") }
            + spec.units.filter { $0.kind.places != nil }.map { DailySeries(name: "queue.\($0.name)") }
    }

    func pathwayIndex(ward: Int, pathway: Int) -> Int { pathwayIndexOfWard[ward]![pathway] }

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

    mutating func acuteDischarge(los: SimTime, nctr: SimTime?, pathway: Int) {
        acuteStay.add(los / Duration.day)
        // Every discharge has an NCTR time (0 for patients who died or left in their acute phase).
        let days = (nctr ?? 0) / Duration.day
        nctrDelay.add(days)
        nctrByPathway[pathway].add(days)
    }

    mutating func followUp(cohort: Bool, atHome: Bool, readmitted: Bool) {
        discharged += 1
        if readmitted { readmitted30 += 1 }
        if cohort {
            cohortFollowed += 1
            if atHome { cohortAtHome += 1 }
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
}

import SimCore

/// Streaming counters behind the metrics of DESIGN §4, for one replication after warm-up.
///
/// O(1) memory per metric and one value per day per daily series: nothing grows with the patients simulated.
struct FlowMetrics {
    // Ambulance handovers (arrival to handover complete).
    var handovers = 0, handoversOver30 = 0, handoversOver60 = 0
    var handoverMinutesLost = 0.0
    // ED (arrival to leaving the ED): all A&E types (type 1 and 3 areas), type 1 alone, and other areas (SDEC).
    var edDepartures = 0, edWithin4h = 0, edOver12h = 0
    var edType1 = 0, edType1Within4h = 0, otherAreaDepartures = 0
    // Decision to admit to leaving the ED for a bed, and patients boarding in the ED meanwhile.
    var decisionsToAdmit = 0, dtaOver4h = 0, dtaOver12h = 0, emergencyAdmissions = 0
    var boarders = 0
    var boarding = TimeWeighted(start: 0)
    var boardingByHour = SlottedTimeWeighted.hourOfDay(start: 0)
    var boardingByMonth = SlottedTimeWeighted.months(start: 0, monthStarts: [])
    // Calendar months wholly inside the observed period: their starts (and the end of the last), labels, counts.
    var monthStarts: [SimTime] = []
    var monthLabels: [String] = []
    var months: [MonthCounters] = []
    var monthCursor = 0
    // Acute discharges, and when patients left alive (hour of day, day of week Monday first).
    var acuteStay = Tally()
    var departuresByHour = Array(repeating: 0, count: 24), departuresByWeekday = Array(repeating: 0, count: 7)
    var nctrDelay = Tally()
    var nctrByPathway: [Tally] = []
    var pathwayNames: [String] = []
    /// For each acute ward (unit index), its pathways' positions in `pathwayNames`.
    var pathwayIndexOfWard: [Int: [Int]] = [:]
    /// Why NCTR patients are still in their beds: "process" (discharge process, assessment and referral), then
    /// "wait.<service>" for each service a pathway leads to; for each acute ward, each pathway's waiting reason.
    var nctrReasonNames = ["process"]
    var nctrReasonOfPathway: [Int: [Int]] = [:]
    /// NCTR patients in hospital 14 days or more at the daily audits, by reason (summed over audits).
    var nctr14DaysByReason: [Int] = []
    // Follow-up.
    var cohortFollowed = 0, cohortAtHome = 0, discharged = 0, readmitted30 = 0
    /// Emergency returns that ended a stay outside hospital (reablement, a virtual ward, bedded care, a wait at home).
    var readmissionsFromCare = 0
    /// Patients whose pathway changed when assessed (discharge to assess).
    var reassessed = 0
    // Virtual wards, urgent community response, electives.
    var vwStepUp = 0, vwStepDown = 0, vwEscalations = 0, admissionsAvoided = 0
    /// Step-ups a full virtual ward sent to `when_full`; stepped-down patients who went on to their pathway's service.
    var vwStepUpsTurnedAway = 0, vwStepDownOnward = 0
    /// Acute time step-down saved (the rest of the acute phase), and the acute time of step-ups full wards turned away (weighted).
    var bedDaysSaved: SimTime = 0, bedDaysDisplaced: SimTime = 0
    // UCR: every referral and first visit; referrals in hours (the 2-hour standard's scope) and those out of
    // hours that waited for opening, with their response times (referral to the crew's arrival, minutes).
    var ucrReferrals = 0, ucrOutOfHours = 0
    /// Out-of-hours referrals by where they went: [0] waited for opening, [1 + u] sent to unit u.
    var ucrOutOfHoursTo: [Int] = []
    var ucrVisits = 0, ucrInHours = 0, ucrWithin2h = 0, ucrResponseMinutes = 0.0
    var ucrWaited = 0, ucrWaitedWithin2h = 0, ucrWaitedResponseMinutes = 0.0
    // Electives: inpatients admitted to a bed, day cases, cancellations on the day; by priority (names across
    // lists, as pathways): patients treated, their referral-to-treatment waits, treated within target.
    var hasElectives = false
    var electiveAdmissions = 0, electiveDayCases = 0, electiveCancellations = 0
    var electivePriorityNames: [String] = []
    /// For each elective list (unit index), its priorities' positions in `electivePriorityNames`.
    var priorityIndexOfList: [Int: [Int]] = [:]
    var electiveTreatedBy: [Int] = [], electiveWaitWeeksBy: [Double] = [], electiveWithinTargetBy: [Int] = []
    // Month-end counts of the lists (DESIGN §4: at the end and as the mean of month-end counts).
    var monthEndOver78Weeks = Tally(), monthEndOver52Weeks = Tally(), monthEndListSize = Tally(), monthEndWithin18Weeks = Tally()
    // By neighbourhood (when the system has a population).
    var neighbourhoodNames: [String] = []
    var arrivalsBy: [Int] = [], admissionsBy: [Int] = [], nctrMinutesBy: [Double] = [], cohortBy: [Int] = [], cohortHomeBy: [Int] = []
    // Daily audit.
    var nctrShare = Tally()
    var auditOccupancy = Tally()
    var daily: [DailySeries] = []
    /// The daily series keep the warm-up days (`SystemSpec.dailyIncludesWarmUp`).
    var keepsWarmUpDays = false
    var today = DayCounters()

    struct DayCounters {
        var handovers = 0, handoversOver30 = 0, minutesLost = 0.0, edDepartures = 0, edWithin4h = 0
    }

    /// One calendar month's counts (for `monthly.csv`).
    struct MonthCounters {
        var handovers = 0, handoversOver30 = 0, handoversOver60 = 0
        var edDepartures = 0, edWithin4h = 0, edType1 = 0, edType1Within4h = 0
        var dtaOver4h = 0, dtaOver12h = 0, admissions = 0
        var auditDays = 0, occupancySum = 0.0, nctrShareSum = 0.0
        var electiveAdmissions = 0, electiveDayCases = 0, electiveCancellations = 0
        /// The lists at the month's end (NaN until the month ends).
        var electiveListSize = Double.nan, electiveOver52 = Double.nan, electiveOver78 = Double.nan
        var electiveWithin18 = Double.nan
    }

    /// The month of time `t` (index into `months`), or nil outside the whole months observed. Times come in
    /// order, so a cursor finds it in O(1).
    mutating func month(at t: SimTime) -> Int? {
        guard monthStarts.count > 1 else { return nil }
        if t < monthStarts[monthCursor] { monthCursor = 0 }
        while monthCursor + 1 < monthStarts.count && t >= monthStarts[monthCursor + 1] { monthCursor += 1 }
        return t >= monthStarts[monthCursor] && monthCursor < months.count ? monthCursor : nil
    }

    static let dailySeriesNames = [
        "acute_occupied", "acute_occupancy_percent", "nctr_patients", "nctr_percent",
        "handovers", "handovers_over_30min", "handover_hours_lost", "ed_departures", "ed_4h_percent",
        "escalation_beds_dated", "escalation_beds_rules",
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
        for (u, unit) in spec.units.enumerated() {
            guard case .acuteWard(let w) = unit.kind else { continue }
            nctrReasonOfPathway[u] = w.pathways.map { p in
                guard spec.units.indices.contains(p.target), !spec.units[p.target].kind.placeSpecs.isEmpty else { return 0 }
                let name = "wait." + spec.units[p.target].name
                if let i = nctrReasonNames.firstIndex(of: name) { return i }
                nctrReasonNames.append(name)
                return nctrReasonNames.count - 1
            }
        }
        nctr14DaysByReason = Array(repeating: 0, count: nctrReasonNames.count)
        for (u, unit) in spec.units.enumerated() {
            guard case .electiveList(let e) = unit.kind else { continue }  // priorities of every list, in order
            hasElectives = true
            priorityIndexOfList[u] = e.priorities.map { p in
                if let i = electivePriorityNames.firstIndex(of: p.name) { return i }
                electivePriorityNames.append(p.name)
                return electivePriorityNames.count - 1
            }
        }
        resetElectivesByPriority()
        if let pop = spec.population { neighbourhoodNames = pop.neighbourhoods.map(\.name) }
        resetNeighbourhoods()
        ucrOutOfHoursTo = Array(repeating: 0, count: spec.units.count + 1)
        let places = spec.units.flatMap { u in u.kind.placeSpecs.map { $0.metricName(unit: u.name) } }
        keepsWarmUpDays = spec.dailyIncludesWarmUp
        daily = Self.dailySeriesNames.map { DailySeries(name: $0) }
            + places.map { DailySeries(name: "occupancy.\($0)") } + places.map { DailySeries(name: "queue.\($0)") }
        // Whole calendar months inside the observed period.
        let cal = spec.calendar, first = cal.dayIndex(spec.warmUp), end = spec.warmUp + spec.horizon
        for day in first...max(first, cal.dayIndex(end)) where cal.date(ofDay: day).day == 1 {
            let t = Double(day) * Duration.day
            if t >= spec.warmUp && t <= end { monthStarts.append(t) }
        }
        if monthStarts.count < 2 { monthStarts = [] }
        monthLabels = monthStarts.dropLast().map { t in
            let d = cal.date(ofDay: cal.dayIndex(t))
            return "\(d.year)-\(d.month < 10 ? "0" : "")\(d.month)"
        }
        months = Array(repeating: MonthCounters(), count: monthLabels.count)
        boardingByMonth = .months(start: 0, monthStarts: monthStarts)
    }

    mutating func handover(time: SimTime, at t: SimTime) {
        handovers += 1
        today.handovers += 1
        if time > 30 { handoversOver30 += 1; today.handoversOver30 += 1 }
        if time > 60 { handoversOver60 += 1 }
        if let m = month(at: t) {
            months[m].handovers += 1
            if time > 30 { months[m].handoversOver30 += 1 }
            if time > 60 { months[m].handoversOver60 += 1 }
        }
        // The national standard is 15 minutes; time beyond it is lost to the ambulance service.
        let lost = max(0, time - 15)
        handoverMinutesLost += lost
        today.minutesLost += lost
    }

    /// A patient leaves an ED area of attendance type `type` after `los` minutes (from arrival).
    mutating func edDeparture(los: SimTime, type: EDArea.AttendanceType, at t: SimTime) {
        guard type != .none else {
            otherAreaDepartures += 1
            return
        }
        edDepartures += 1
        today.edDepartures += 1
        if los <= 240 { edWithin4h += 1; today.edWithin4h += 1 }
        if los > 720 { edOver12h += 1 }
        if type == .type1 {
            edType1 += 1
            if los <= 240 { edType1Within4h += 1 }
        }
        if let m = month(at: t) {
            months[m].edDepartures += 1
            if los <= 240 { months[m].edWithin4h += 1 }
            if type == .type1 {
                months[m].edType1 += 1
                if los <= 240 { months[m].edType1Within4h += 1 }
            }
        }
    }

    /// An admitted patient leaves the ED for a bed `wait` minutes after the decision to admit.
    mutating func decisionToAdmitWait(_ wait: SimTime, at t: SimTime) {
        decisionsToAdmit += 1
        if wait > 240 { dtaOver4h += 1 }
        if wait > 720 { dtaOver12h += 1 }
        if let m = month(at: t) {
            if wait > 240 { months[m].dtaOver4h += 1 }
            if wait > 720 { months[m].dtaOver12h += 1 }
        }
    }

    /// The number of admitted patients waiting in the ED for a bed changes by `delta` at `t`.
    mutating func boardingChanged(by delta: Int, at t: SimTime) {
        boarders += delta
        boarding.update(to: Double(boarders), at: t)
        boardingByHour.update(to: Double(boarders), at: t)
        boardingByMonth.update(to: Double(boarders), at: t)
    }

    mutating func resetElectivesByPriority() {
        let n = electivePriorityNames.count
        electiveTreatedBy = Array(repeating: 0, count: n)
        electiveWaitWeeksBy = Array(repeating: 0, count: n)
        electiveWithinTargetBy = Array(repeating: 0, count: n)
    }

    /// A called elective patient is treated: admitted to a bed or as a day case, after a referral-to-treatment
    /// wait of `wait` minutes, within their priority's target or not.
    mutating func electiveTreated(dayCase: Bool, priority k: Int, wait: SimTime, withinTarget: Bool, at t: SimTime) {
        if dayCase { electiveDayCases += 1 } else { electiveAdmissions += 1 }
        electiveTreatedBy[k] += 1
        electiveWaitWeeksBy[k] += wait / Duration.week
        if withinTarget { electiveWithinTargetBy[k] += 1 }
        if let m = month(at: t) {
            if dayCase { months[m].electiveDayCases += 1 } else { months[m].electiveAdmissions += 1 }
        }
    }

    /// A called inpatient is cancelled on the day for want of a free bed.
    mutating func electiveCancellation(at t: SimTime) {
        electiveCancellations += 1
        if let m = month(at: t) { months[m].electiveCancellations += 1 }
    }

    /// The elective lists at a month's end (the audit of its last day).
    mutating func electiveMonthEnd(_ lists: ElectiveSnapshot, at t: SimTime) {
        monthEndListSize.add(Double(lists.size))
        monthEndOver52Weeks.add(Double(lists.over52))
        monthEndOver78Weeks.add(Double(lists.over78))
        if lists.size > 0 { monthEndWithin18Weeks.add(lists.within18Percent) }
        if let m = month(at: t) {
            months[m].electiveListSize = Double(lists.size)
            months[m].electiveOver52 = Double(lists.over52)
            months[m].electiveOver78 = Double(lists.over78)
            months[m].electiveWithin18 = lists.size > 0 ? lists.within18Percent : .nan
        }
    }

    mutating func resetNeighbourhoods() {
        let n = neighbourhoodNames.count
        arrivalsBy = Array(repeating: 0, count: n)
        admissionsBy = Array(repeating: 0, count: n)
        nctrMinutesBy = Array(repeating: 0, count: n)
        cohortBy = Array(repeating: 0, count: n)
        cohortHomeBy = Array(repeating: 0, count: n)
    }

    mutating func admission(neighbourhood n: Int, at t: SimTime) {
        emergencyAdmissions += 1
        if n >= 0 { admissionsBy[n] += 1 }
        if let m = month(at: t) { months[m].admissions += 1 }
    }

    /// A referral reaches a UCR: in hours (`outOfHoursTo` nil), or out of hours and sent to unit `outOfHoursTo`
    /// (`UrgentResponseSpec.waitForOpening` to wait for the service to open).
    mutating func ucrReferral(outOfHoursTo: Int?) {
        ucrReferrals += 1
        guard let to = outOfHoursTo else { return }
        ucrOutOfHours += 1
        let slot = to == UrgentResponseSpec.waitForOpening ? 0 : to + 1
        if ucrOutOfHoursTo.indices.contains(slot) { ucrOutOfHoursTo[slot] += 1 }
    }

    /// A crew arrives `response` minutes after the referral (its wait for a crew plus travel).
    mutating func ucrVisit(response: SimTime, outOfHours: Bool) {
        ucrVisits += 1
        if outOfHours {
            ucrWaited += 1
            ucrWaitedResponseMinutes += response
            if response <= 120 { ucrWaitedWithin2h += 1 }
        } else {
            ucrInHours += 1
            ucrResponseMinutes += response
            if response <= 120 { ucrWithin2h += 1 }
        }
    }

    /// A patient left an acute bed alive at hour `hour` on weekday `weekday` (Monday 0).
    mutating func acuteDeparture(hour: Int, weekday: Int) {
        departuresByHour[hour] += 1
        departuresByWeekday[weekday] += 1
    }

    mutating func acuteDischarge(los: SimTime, nctr: SimTime?, pathway: Int, neighbourhood n: Int, at t: SimTime) {
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
    /// `escalation`: acute beds open now beyond the schedule's base, by the schedules' dated extra periods (winter
    /// escalation beds) and by escalation rules.
    mutating func audit(day: Int, occupied: Int, nctr: Int, capacity: Int, escalation: (dated: Int, rules: Int),
                        unitLevels: [Int], unitQueues: [Int], at t: SimTime) {
        let share = occupied > 0 ? Double(nctr) / Double(occupied) : 0
        nctrShare.add(100 * share)
        if capacity > 0 { auditOccupancy.add(100 * Double(occupied) / Double(capacity)) }
        if let m = month(at: t) {
            months[m].auditDays += 1
            months[m].occupancySum += capacity > 0 ? 100 * Double(occupied) / Double(capacity) : .nan
            months[m].nctrShareSum += 100 * share
        }
        recordDaily(day: day, occupied: occupied, nctr: nctr, capacity: capacity, escalation: escalation, unitLevels: unitLevels,
                    unitQueues: unitQueues)
    }

    /// One day of every daily series (from the audit, and on warm-up days when the series include them), and a
    /// fresh day's counters.
    mutating func recordDaily(day: Int, occupied: Int, nctr: Int, capacity: Int, escalation: (dated: Int, rules: Int),
                              unitLevels: [Int], unitQueues: [Int]) {
        let share = occupied > 0 ? Double(nctr) / Double(occupied) : 0
        let t = today
        let row: [Double] = [
            Double(occupied), capacity > 0 ? 100 * Double(occupied) / Double(capacity) : .nan,
            Double(nctr), 100 * share,
            Double(t.handovers), Double(t.handoversOver30), t.minutesLost / 60,
            Double(t.edDepartures), t.edDepartures > 0 ? 100 * Double(t.edWithin4h) / Double(t.edDepartures) : .nan,
            Double(escalation.dated), Double(escalation.rules),
        ] + unitLevels.map(Double.init) + unitQueues.map(Double.init)
        for (i, v) in row.enumerated() { daily[i].record(v, day: day) }
        today = DayCounters()
    }

    /// Restarts every counter (end of warm-up, at `t`); patients boarding now stay counted in the boarding level.
    mutating func resetCounts(at t: SimTime) {
        var fresh = FlowMetrics()
        fresh.pathwayNames = pathwayNames
        fresh.neighbourhoodNames = neighbourhoodNames
        fresh.resetNeighbourhoods()
        fresh.pathwayIndexOfWard = pathwayIndexOfWard
        fresh.ucrOutOfHoursTo = Array(repeating: 0, count: ucrOutOfHoursTo.count)
        fresh.hasElectives = hasElectives
        fresh.electivePriorityNames = electivePriorityNames
        fresh.priorityIndexOfList = priorityIndexOfList
        fresh.resetElectivesByPriority()
        fresh.nctrByPathway = Array(repeating: Tally(), count: pathwayNames.count)
        fresh.nctrReasonNames = nctrReasonNames
        fresh.nctrReasonOfPathway = nctrReasonOfPathway
        fresh.nctr14DaysByReason = Array(repeating: 0, count: nctrReasonNames.count)
        fresh.keepsWarmUpDays = keepsWarmUpDays
        fresh.daily = keepsWarmUpDays ? daily : daily.map { DailySeries(name: $0.name) }
        fresh.monthStarts = monthStarts
        fresh.monthLabels = monthLabels
        fresh.months = Array(repeating: MonthCounters(), count: monthLabels.count)
        fresh.boarders = boarders
        fresh.boarding = TimeWeighted(start: t, value: Double(boarders))
        fresh.boardingByHour = boardingByHour
        fresh.boardingByHour.reset(at: t)
        fresh.boardingByMonth = boardingByMonth
        fresh.boardingByMonth.reset(at: t)
        self = fresh
    }

    /// The front door's metrics by calendar month (whole months observed): counts in the month, shares, means.
    func monthlyValues(at end: SimTime) -> [MonthlyValue] {
        typealias C = MetricCatalog
        func pct(_ a: Int, _ b: Int) -> Double { b > 0 ? 100 * Double(a) / Double(b) : .nan }
        let boardingMeans = boardingByMonth.means(at: end)
        var out: [MonthlyValue] = []
        for (m, label) in monthLabels.enumerated() {
            let c = months[m]
            let days = Double(c.auditDays)
            out += [
                MonthlyValue(month: label, metric: C.handoversOver30.id, value: Double(c.handoversOver30)),
                MonthlyValue(month: label, metric: C.handoversOver30Percent.id, value: pct(c.handoversOver30, c.handovers)),
                MonthlyValue(month: label, metric: C.handoversOver60.id, value: Double(c.handoversOver60)),
                MonthlyValue(month: label, metric: C.handoversOver60Percent.id, value: pct(c.handoversOver60, c.handovers)),
                MonthlyValue(month: label, metric: C.ed4h.id, value: pct(c.edWithin4h, c.edDepartures)),
                MonthlyValue(month: label, metric: C.ed4hType1.id, value: pct(c.edType1Within4h, c.edType1)),
                MonthlyValue(month: label, metric: C.edAttendances.id, value: Double(c.edDepartures)),
                MonthlyValue(month: label, metric: C.dtaOver4h.id, value: Double(c.dtaOver4h)),
                MonthlyValue(month: label, metric: C.dtaOver12h.id, value: Double(c.dtaOver12h)),
                MonthlyValue(month: label, metric: C.edBoardingMean.id, value: m < boardingMeans.count ? boardingMeans[m] : .nan),
                MonthlyValue(month: label, metric: C.acuteOccupancyAudit.id, value: days > 0 ? c.occupancySum / days : .nan),
                MonthlyValue(month: label, metric: C.nctrPercent.id, value: days > 0 ? c.nctrShareSum / days : .nan),
                MonthlyValue(month: label, metric: C.emergencyAdmissions.id, value: Double(c.admissions)),
            ]
            if hasElectives {
                out += [
                    MonthlyValue(month: label, metric: C.electiveAdmissions.id, value: Double(c.electiveAdmissions)),
                    MonthlyValue(month: label, metric: C.electiveDayCases.id, value: Double(c.electiveDayCases)),
                    MonthlyValue(month: label, metric: C.electiveCancellations.id, value: Double(c.electiveCancellations)),
                    MonthlyValue(month: label, metric: C.electiveListSize.id, value: c.electiveListSize),
                    MonthlyValue(month: label, metric: C.electiveOver52.id, value: c.electiveOver52),
                    MonthlyValue(month: label, metric: C.electiveOver78.id, value: c.electiveOver78),
                    MonthlyValue(month: label, metric: C.elective18Weeks.id, value: c.electiveWithin18),
                ]
            }
        }
        return out
    }

    /// The metric values, in the order of DESIGN §4; counts are scaled to 365 days observed.
    /// The chain's metrics in the catalogue's order; `nctrBedDays` and `acuteOccupancyPercent` come from the
    /// wards' time-weighted statistics.
    func values(observedMinutes: SimTime, end: SimTime, nctrBedDays: Double, acuteOccupancyPercent: Double,
                acuteBedDays: Double) -> [MetricValue] {
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
        let left = nctrByPathway.reduce(0) { $0 + $1.count }
        for (i, name) in pathwayNames.enumerated() {
            v.append(MetricValue(C.dischargesByPathway, name, pct(nctrByPathway[i].count, left)))
        }
        v += [
            MetricValue(C.handoversOver30, Double(handoversOver30) * perYear),
            MetricValue(C.handoversOver30Percent, pct(handoversOver30, handovers)),
            MetricValue(C.handoversOver60, Double(handoversOver60) * perYear),
            MetricValue(C.handoversOver60Percent, pct(handoversOver60, handovers)),
            MetricValue(C.handoverHoursLost, handoverMinutesLost / 60 * perYear),
            MetricValue(C.homeAt91Days, pct(cohortAtHome, cohortFollowed)),
            MetricValue(C.ed4h, pct(edWithin4h, edDepartures)),
            MetricValue(C.ed4hType1, pct(edType1Within4h, edType1)),
            MetricValue(C.ed12h, Double(edOver12h) * perYear),
            MetricValue(C.dtaOver4h, Double(dtaOver4h) * perYear),
            MetricValue(C.dtaOver12h, Double(dtaOver12h) * perYear),
            MetricValue(C.edBoardingMean, boarding.mean(at: end)),
            MetricValue(C.acuteOccupancy, acuteOccupancyPercent),
            MetricValue(C.meanLOS, acuteStay.count > 0 ? acuteStay.mean : .nan),
            MetricValue(C.readmissions30d, pct(readmitted30, discharged)),
            MetricValue(C.readmissionsFromCare, Double(readmissionsFromCare) * perYear),
            MetricValue(C.pathwayReassessed, Double(reassessed) * perYear),
            MetricValue(C.dischargesBeforeNoon, pct(departuresByHour[..<12].reduce(0, +), departuresByHour.reduce(0, +))),
            MetricValue(C.dischargesOvernight, pct(departuresByHour[23] + departuresByHour[..<6].reduce(0, +),
                                                   departuresByHour.reduce(0, +))),
            MetricValue(C.weekendDischargeRatio, departuresByWeekday[..<5].reduce(0, +) > 0
                        ? (Double(departuresByWeekday[5] + departuresByWeekday[6]) / 2)
                            / (Double(departuresByWeekday[..<5].reduce(0, +)) / 5) : .nan),
            MetricValue(C.ambulanceHandovers, Double(handovers) * perYear),
            MetricValue(C.edAttendances, Double(edDepartures) * perYear),
            MetricValue(C.edAttendancesType1, Double(edType1) * perYear),
            MetricValue(C.emergencyAdmissions, Double(emergencyAdmissions) * perYear),
            MetricValue(C.acuteOccupancyAudit, auditOccupancy.count > 0 ? auditOccupancy.mean : .nan),
            MetricValue(C.acuteDischarges, Double(acuteStay.count) * perYear),
            MetricValue(C.acuteBedDays, acuteBedDays),
            MetricValue(C.cohortFollowed, Double(cohortFollowed)),
        ]
        return v
    }

    /// Virtual ward, UCR and elective counts (only for systems that have those units).
    func communityValues(observedMinutes: SimTime, hasVirtualWards: Bool, hasUCR: Bool, hasElectives: Bool,
                         electives: ElectiveSnapshot, unitNames: [String], ucrOutOfHoursRoutes: Set<Int>) -> [MetricValue] {
        let perYear = 365 * Duration.day / observedMinutes
        var v: [MetricValue] = []
        if hasVirtualWards {
            v += [
                MetricValue(MetricCatalog.vwStepUp, Double(vwStepUp) * perYear),
                MetricValue(MetricCatalog.vwStepDown, Double(vwStepDown) * perYear),
                MetricValue(MetricCatalog.vwEscalations, Double(vwEscalations) * perYear),
                MetricValue(MetricCatalog.bedDaysReleased, (bedDaysSaved - bedDaysDisplaced) / Duration.day * perYear),
                MetricValue(MetricCatalog.bedDaysSavedByStepDown, bedDaysSaved / Duration.day * perYear),
                MetricValue(MetricCatalog.bedDaysDisplaced, bedDaysDisplaced / Duration.day * perYear),
                MetricValue(MetricCatalog.admissionsAvoided, Double(admissionsAvoided) * perYear),
                MetricValue(MetricCatalog.vwStepUpsTurnedAway, Double(vwStepUpsTurnedAway) * perYear),
                MetricValue(MetricCatalog.vwStepDownOnward, Double(vwStepDownOnward) * perYear),
            ]
        }
        if hasUCR {
            func pct(_ a: Int, _ b: Int) -> Double { b > 0 ? 100 * Double(a) / Double(b) : .nan }
            v += [
                MetricValue(MetricCatalog.ucr2h, pct(ucrWithin2h, ucrInHours)),
                MetricValue(MetricCatalog.ucrResponseMean, ucrInHours > 0 ? ucrResponseMinutes / 60 / Double(ucrInHours) : .nan),
                MetricValue(MetricCatalog.ucrVisits, Double(ucrVisits) * perYear),
                MetricValue(MetricCatalog.ucrReferrals, Double(ucrReferrals) * perYear),
                MetricValue(MetricCatalog.ucrOutOfHoursPercent, pct(ucrOutOfHours, ucrReferrals)),
            ]
            // Out-of-hours referrals by destination: every destination some UCR's out_of_hours can choose.
            for slot in ucrOutOfHoursRoutes.sorted() where ucrOutOfHoursTo.indices.contains(slot) {
                let name = slot == 0 ? UrgentResponseSpec.waitForOpeningName : unitNames[slot - 1]
                v.append(MetricValue(MetricCatalog.ucrOutOfHoursTo, name, Double(ucrOutOfHoursTo[slot]) * perYear))
            }
            if ucrOutOfHoursRoutes.contains(0) {
                v += [
                    MetricValue(MetricCatalog.ucrOutOfHours2h, pct(ucrWaitedWithin2h, ucrWaited)),
                    MetricValue(MetricCatalog.ucrOutOfHoursResponseMean,
                                ucrWaited > 0 ? ucrWaitedResponseMinutes / 60 / Double(ucrWaited) : .nan),
                ]
            }
        }
        if hasElectives {
            typealias C = MetricCatalog
            func mean(_ t: Tally) -> Double { t.count > 0 ? t.mean : .nan }
            let treated = electiveAdmissions + electiveDayCases
            v += [
                MetricValue(C.electiveOver78, Double(electives.over78)),
                MetricValue(C.electiveOver78MonthEnd, mean(monthEndOver78Weeks)),
                MetricValue(C.electiveOver52, Double(electives.over52)),
                MetricValue(C.electiveOver52MonthEnd, mean(monthEndOver52Weeks)),
                MetricValue(C.elective18Weeks, electives.size > 0 ? electives.within18Percent : .nan),
                MetricValue(C.elective18WeeksMonthEnd, mean(monthEndWithin18Weeks)),
                MetricValue(C.electiveListSize, Double(electives.size)),
                MetricValue(C.electiveListSizeMonthEnd, mean(monthEndListSize)),
            ]
            for (k, name) in electivePriorityNames.enumerated() {
                v.append(MetricValue(C.electiveListSizeByPriority, name, Double(electives.sizeByPriority[k])))
            }
            for (k, name) in electivePriorityNames.enumerated() {
                let n = electiveTreatedBy[k]
                v.append(MetricValue(C.electiveWaitByPriority, name, n > 0 ? electiveWaitWeeksBy[k] / Double(n) : .nan))
                v.append(MetricValue(C.electiveWithinTargetByPriority, name,
                                     n > 0 ? 100 * Double(electiveWithinTargetBy[k]) / Double(n) : .nan))
            }
            v += [
                MetricValue(C.electiveAdmissions, Double(electiveAdmissions) * perYear),
                MetricValue(C.electiveDayCases, Double(electiveDayCases) * perYear),
                MetricValue(C.electiveCancellations, Double(electiveCancellations) * perYear),
                MetricValue(C.electiveCancellationsPercent,
                            treated > 0 ? 100 * Double(electiveCancellations) / Double(treated) : .nan),
            ]
            for list in electives.lists {
                v += [
                    MetricValue(C.unitListSize, list.name, Double(list.size)),
                    MetricValue(C.unitListOver52, list.name, Double(list.over52)),
                    MetricValue(C.unitListOver78, list.name, Double(list.over78)),
                ]
            }
        }
        for (n, name) in neighbourhoodNames.enumerated() {
            v += [
                MetricValue(MetricCatalog.arrivalsBy, name, Double(arrivalsBy[n]) * perYear),
                MetricValue(MetricCatalog.admissionsBy, name, Double(admissionsBy[n]) * perYear),
                MetricValue(MetricCatalog.nctrBedDaysByNeighbourhood, name, nctrMinutesBy[n] / Duration.day * perYear),
                MetricValue(MetricCatalog.homeAt91DaysBy, name,
                            cohortBy[n] > 0 ? 100 * Double(cohortHomeBy[n]) / Double(cohortBy[n]) : .nan),
            ]
        }
        return v
    }
}

/// The elective lists at one moment: sizes and long waits, in all and by list.
struct ElectiveSnapshot {
    var size = 0, over18 = 0, over52 = 0, over78 = 0
    /// By priority (positions in `FlowMetrics.electivePriorityNames`).
    var sizeByPriority: [Int] = []
    var lists: [(name: String, size: Int, over52: Int, over78: Int)] = []

    /// Patients waiting 18 weeks or less, % of the list (the referral-to-treatment standard's measure).
    var within18Percent: Double { size > 0 ? 100 * Double(size - over18) / Double(size) : .nan }
}

/// Whether more of a metric is better, worse, or neither (for verdicts and "favours" labels).
public enum Direction: String, Sendable, Equatable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
    case neither = "none"
}

/// What a metric's number measures, as printed beside it.
public enum MetricUnit: String, Sendable, Equatable, CaseIterable {
    case percent = "%"
    case countPerYear = "count/year"
    case count = "count"
    case days = "days"
    case hours = "hours"
    case weeks = "weeks"
    case bedDaysPerYear = "bed-days/year"
    case hoursPerYear = "hours/year"
    case gbpPerYear = "GBP/year"
    case places = "places"
    case patients = "patients"
}

/// The smallest difference between two options worth acting on: in the metric's own units (percentage points
/// for percentages) or as a fraction of the baseline's mean.
public enum MinimumDifference: Sendable, Equatable, CustomStringConvertible {
    case absolute(Double)
    case relative(Double)

    /// The difference for a baseline whose mean is `baselineMean`.
    public func value(baselineMean: Double) -> Double {
        switch self {
        case .absolute(let x): return x
        case .relative(let f): return baselineMean.isFinite ? f * abs(baselineMean) : 0
        }
    }

    /// assumption: no national source fixes what difference matters; these are planners' conventions, stated so
    /// they can be argued with and overridden: 1 percentage point for a percentage (NHS England publishes
    /// performance to one decimal place and moves its standards in steps of a few points), 1% of the baseline for
    /// money (a programme's savings case is read in £100,000s on ~£90m), 5% of the baseline for everything else
    /// (counts, bed-days, days, patients: a twentieth is the smallest change a capacity plan acts on).
    static func `default`(for unit: MetricUnit) -> MinimumDifference {
        switch unit {
        case .percent: return .absolute(1)
        case .gbpPerYear: return .relative(0.01)
        case .countPerYear, .count, .days, .hours, .weeks, .bedDaysPerYear, .hoursPerYear, .places, .patients:
            return .relative(0.05)
        }
    }

    public var description: String {
        switch self {
        case .absolute(let x): return x == x.rounded() ? "\(Int(x))" : "\(x)"
        case .relative(let f): return "\(Int((f * 100).rounded()))% of baseline"
        }
    }
}

/// A national standard a metric is judged against: a reference line on the report's charts and a column of its
/// tables. Each carries its source.
public struct NationalStandard: Sendable, Equatable {
    /// Whether the standard is met at or above `value` (a floor, e.g. 78% within 4 hours) or at or below it (a
    /// ceiling, e.g. 92% bed occupancy).
    public enum Kind: String, Sendable, Equatable { case atLeast = ">=", atMost = "<=" }
    public var value: Double
    public var kind: Kind
    /// Who set it, in a few words (shown with the line).
    public var source: String

    public init(_ kind: Kind, _ value: Double, source: String) {
        self.kind = kind
        self.value = value
        self.source = source
    }

    /// "≥ 78%" (with the metric's unit).
    public func text(unit: MetricUnit) -> String {
        let v = value == value.rounded() ? String(Int(value)) : String(value)
        return (kind == .atLeast ? "≥ " : "≤ ") + v + (unit == .percent ? "%" : " " + unit.rawValue)
    }
}

/// Where a metric belongs in tables, reports and `docs/metrics.md`.
public enum MetricGroup: String, Sendable, Equatable, CaseIterable {
    case chain = "The chain (DESIGN §4)"
    case community = "Outside the hospital"
    case neighbourhood = "By neighbourhood"
    case costs = "Costs"
    case supporting = "Supporting counts"
    case unit = "Every unit with places"
}

/// How prominently a metric is shown: the steering group's headline (terminal summaries, sweep defaults), the
/// key results a report shows first, or detail.
public enum MetricTier: String, Sendable, Equatable {
    case headline, key, detail
}

/// One metric (or one family of metrics, such as `vw_full_percent.<ward>`) as every output describes it.
public struct MetricInfo: Sendable, Equatable {
    /// The id, or for a family the pattern with one `<placeholder>` (e.g. `unit.<name>.queue_mean`).
    public let id: String
    public let label: String
    public let unit: MetricUnit
    public let direction: Direction
    public let group: MetricGroup
    /// One line, as in `docs/metrics.md`.
    public let definition: String
    public let tier: MetricTier
    /// The values the metric can take: percentages 0-100, everything else at least 0 unless `allowingNegative`
    /// (e.g. bed-days released net of displaced step-ups). Intervals are clipped to it (decision 131).
    public private(set) var range: ClosedRange<Double>
    /// The smallest difference worth acting on, for `compare`'s verdicts (decision 132; overridable with
    /// `--min-difference`).
    public private(set) var minimumDifference: MinimumDifference

    public init(_ id: String, _ label: String, _ unit: MetricUnit, _ direction: Direction, _ group: MetricGroup,
                _ tier: MetricTier = .detail, _ definition: String) {
        self.id = id
        self.label = label
        self.unit = unit
        self.direction = direction
        self.group = group
        self.definition = definition
        self.tier = tier
        self.range = unit == .percent ? 0...100 : 0...Double.infinity
        self.minimumDifference = MinimumDifference.default(for: unit)
    }

    /// The same metric, able to go below 0.
    public var allowingNegative: MetricInfo {
        var m = self
        m.range = -Double.infinity...range.upperBound
        return m
    }

    /// The same metric with another minimum meaningful difference.
    public func minimumDifference(_ d: MinimumDifference) -> MetricInfo {
        var m = self
        m.minimumDifference = d
        return m
    }

    /// The unit as a reader sees it beside a number: `%`, `days`, `£/year`.
    public var unitLabel: String { unit == .gbpPerYear ? "£/year" : unit.rawValue }

    /// The national standard the metric is judged against, if any (`MetricCatalog.standards`).
    public var standard: NationalStandard? { MetricCatalog.standards[id] }

    /// Whether this entry is a family (its id has a `<placeholder>`).
    public var isFamily: Bool { id.contains("<") }

    /// The id of the family member for `names`, one per `<placeholder>` in order (`vw_full_percent.<ward>` ->
    /// `vw_full_percent.hub`; `unit.<name>.wait_over.<t>` -> `unit.ed.wait_over.4h`); the id itself for a single
    /// metric.
    public func id(_ names: String...) -> String {
        let parts = literals
        guard parts.count > 1 else { return id }
        precondition(names.count == parts.count - 1, "\(id) has \(parts.count - 1) placeholders")
        var s = String(parts[0])
        for (name, literal) in zip(names, parts.dropFirst()) { s += name + literal }
        return s
    }

    /// The text between the id's `<placeholder>`s: one part for a single metric, placeholders + 1 for a family.
    var literals: [Substring] {
        var parts: [Substring] = [], rest = id[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            parts.append(rest[..<open])
            rest = rest[rest.index(after: close)...]
        }
        return parts + [rest]
    }

    /// The members' names in `candidate` (one per placeholder, each not empty), or nil if it is not a member.
    /// Each inner literal is taken at its first occurrence; the last is anchored at the end.
    func names(in candidate: String) -> [Substring]? { names(in: candidate, literals: literals) }

    /// `names(in:)` given this entry's `literals`, worked out once by a caller that asks many times.
    func names(in candidate: String, literals parts: [Substring]) -> [Substring]? {
        guard parts.count > 1, candidate.hasPrefix(parts[0]), candidate.hasSuffix(parts[parts.count - 1]) else { return nil }
        var rest = candidate.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count)
        var names: [Substring] = []
        for literal in parts.dropFirst().dropLast() {
            // The first occurrence after at least one character of name.
            guard let at = rest.indices.dropFirst().first(where: { rest[$0...].hasPrefix(literal) }) else { return nil }
            names.append(rest[..<at])
            rest = rest[rest.index(at, offsetBy: literal.count)...]
        }
        guard !rest.isEmpty else { return nil }
        return names + [rest]
    }

    /// Whether `candidate` is this metric or a member of this family.
    public func matches(_ candidate: String) -> Bool { isFamily ? names(in: candidate) != nil : candidate == id }

    /// The label of a family member: the family's label with the member's names.
    public func label(for candidate: String) -> String {
        guard isFamily, let names = names(in: candidate) else { return label }
        return "\(label): \(names.joined(separator: " "))"
    }
}

/// Every metric a run reports: one table that the results, `compare`'s verdicts, the report, `sweep` and
/// `docs/metrics.md` all read (a test keeps the docs in agreement).
public enum MetricCatalog {
    // MARK: The chain
    public static let nctrPercent = MetricInfo(
        "nctr_percent", "Patients with no criteria to reside", .percent, .lowerIsBetter, .chain, .headline,
        "mean over days of: patients in acute beds past their acute phase at the daily audit (23:59) / occupied acute beds at the audit, x100")
    public static let nctrBedDays = MetricInfo(
        "nctr_bed_days", "NCTR bed-days", .bedDaysPerYear, .lowerIsBetter, .chain, .key,
        "time-integral of the number of NCTR patients in acute beds (from the end of their acute phase until they leave the bed), per 365 days")
    public static let nctrBedDaysByReason = MetricInfo(
        "nctr_bed_days.<reason>", "NCTR bed-days by reason", .bedDaysPerYear, .lowerIsBetter, .chain, .detail,
        "the same, split by why the patient is still in the bed: `process` (discharge process, assessment and referral, after the acute phase) or `wait.<service>` (assessed and referred, waiting for a place in the pathway's service)")
    public static let nctrReasonPercent = MetricInfo(
        "nctr_reason_percent.<reason>", "Share of NCTR bed-days by reason", .percent, .neither, .chain, .key,
        "nctr_bed_days.<reason> / nctr_bed_days, x100")
    public static let nctrReason14DaysPercent = MetricInfo(
        "nctr_reason_14d_percent.<reason>", "NCTR patients in hospital 14+ days, by reason", .percent, .neither,
        .chain, .detail,
        "NCTR patients at the daily audits who had been in the bed 14 days or more, by reason, % of all such patients: like for like with NHS England's delay-reason counts, which cover patients in hospital 14+ days")
    public static let nctrMeanDelay = MetricInfo(
        "nctr_mean_delay_days", "Mean NCTR time per discharge", .days, .lowerIsBetter, .chain, .detail,
        "mean NCTR time per patient leaving an acute bed (0 for those who left in their acute phase, e.g. died)")
    public static let nctrMeanDelayByPathway = MetricInfo(
        "nctr_mean_delay_days.<pathway>", "Mean NCTR time per discharge", .days, .lowerIsBetter, .chain, .detail,
        "the same, for the pathway the patient left by (P0, P1, ...)")
    public static let dischargesByPathway = MetricInfo(
        "discharges_percent.<pathway>", "Acute discharges by pathway", .percent, .neither, .chain, .detail,
        "patients leaving an acute bed by the pathway (P0, P1, ...), % of all leaving (as NHS England's discharge sitrep splits them)")
    public static let handoversOver30 = MetricInfo(
        "handovers_over_30min", "Ambulance handovers over 30 minutes", .countPerYear, .lowerIsBetter, .chain, .headline,
        "ambulance arrivals whose arrival-to-handover time exceeds 30 minutes, per 365 days. Handover time = wait for an ED cubicle + the hand-over itself")
    public static let handoversOver30Percent = MetricInfo(
        "handovers_over_30min_percent", "Ambulance handovers over 30 minutes", .percent, .lowerIsBetter, .chain, .key,
        "the same as a % of handovers")
    public static let handoversOver60 = MetricInfo(
        "handovers_over_60min", "Ambulance handovers over 60 minutes", .countPerYear, .lowerIsBetter, .chain, .detail,
        "ambulance arrivals whose arrival-to-handover time exceeds 60 minutes, per 365 days")
    public static let handoversOver60Percent = MetricInfo(
        "handovers_over_60min_percent", "Ambulance handovers over 60 minutes", .percent, .lowerIsBetter, .chain, .key,
        "the same as a % of handovers")
    public static let handoverHoursLost = MetricInfo(
        "handover_hours_lost", "Ambulance hours lost at handover", .hoursPerYear, .lowerIsBetter, .chain, .key,
        "sum over handovers of max(0, handover time - 15 min) (the national 15-minute standard), per 365 days")
    public static let homeAt91Days = MetricInfo(
        "home_at_91_days_percent", "Older people at home 91 days after discharge", .percent, .higherIsBetter, .chain, .headline,
        "patients aged 65+ (age bands starting at 65 or more) who left an acute bed by a pathway marked `counts_for_91_day` (reablement P1, rehabilitation P2), whose state 91 days after leaving the bed is \"at home\" (not in hospital, bedded care or a care home, and alive), x100. Counted for discharges after warm-up whose 91 days end inside the run. The state is observed: readmissions, deaths and care-home moves are simulated events")
    public static let ed4h = MetricInfo(
        "ed_4h_percent", "A&E patients leaving within 4 hours (all types)", .percent, .higherIsBetter, .chain, .headline,
        "patients leaving a type-1 or type-3 area of the front door within 4 hours of the episode's arrival (ambulance patients: from ambulance arrival; admitted patients: until they leave the area for a bed), %; comparable with NHS England's all-types figure")
    public static let ed4hType1 = MetricInfo(
        "ed_4h_percent.type1", "Type-1 ED patients leaving within 4 hours", .percent, .higherIsBetter, .chain, .key,
        "the same for type-1 areas alone (the consultant-led emergency department)")
    public static let dtaOver4h = MetricInfo(
        "dta_over_4h", "Decision-to-admit waits over 4 hours", .countPerYear, .lowerIsBetter, .chain, .headline,
        "admitted ED patients whose wait from the decision to admit (the end of their assessment) to leaving the ED for a bed exceeds 4 hours (\"trolley waits\"), per 365 days; monthly.csv has them per month")
    public static let dtaOver12h = MetricInfo(
        "dta_over_12h", "Decision-to-admit waits over 12 hours", .countPerYear, .lowerIsBetter, .chain, .key,
        "the same over 12 hours, per 365 days")
    public static let edBoardingMean = MetricInfo(
        "ed_boarding_mean", "Admitted patients waiting in the ED for a bed", .patients, .lowerIsBetter, .chain, .key,
        "time-weighted mean number of admitted patients in the ED after their decision to admit, waiting for a bed")
    public static let edBoardingByHour = MetricInfo(
        "ed_boarding_by_hour.<hour>", "Admitted patients waiting in the ED for a bed, by hour of day", .patients,
        .lowerIsBetter, .chain, .detail, "the same, over the hour of day starting at <hour> (00-23)")
    public static let ed12h = MetricInfo(
        "ed_12h_waits", "ED waits over 12 hours", .countPerYear, .lowerIsBetter, .chain, .key,
        "ED patients whose arrival-to-departure time exceeds 12 hours, per 365 days")
    public static let acuteOccupancy = MetricInfo(
        "acute_occupancy_percent", "Acute (G&A) bed occupancy", .percent, .neither, .chain, .headline,
        "time-weighted occupied acute beds / time-weighted available acute beds (the schedule, including escalation beds), x100, all acute wards; 90-95% is the planning range")
    public static let meanLOS = MetricInfo(
        "mean_los_days", "Mean length of stay in an acute bed", .days, .lowerIsBetter, .chain, .key,
        "mean time from admission to leaving the acute bed, for those leaving after warm-up")
    public static let acuteOccupancyByPool = MetricInfo(
        "acute_occupancy_percent.<pool>", "Acute bed occupancy by pool", .percent, .neither, .chain, .detail,
        "time-weighted occupied / available beds of one bed pool (\"<ward>.<pool>\"), x100")
    public static let outlierBedDays = MetricInfo(
        "outlier_bed_days", "Outlier bed-days", .bedDaysPerYear, .lowerIsBetter, .chain, .key,
        "time-integral of patients in a bed pool other than their home pool (outliers), per 365 days")
    public static let escalationBedDays = MetricInfo(
        "escalation_bed_days", "Escalation bed-days open", .bedDaysPerYear, .neither, .chain, .key,
        "time-integral of escalation beds open (dated extra beds above a pool's base, and beds opened by escalation rules), per 365 days")
    public static let readmissions30d = MetricInfo(
        "readmissions_30d_percent", "Emergency readmissions within 30 days", .percent, .lowerIsBetter, .chain, .key,
        "acute discharges (alive) followed by an acute admission of the same person within 30 days, as % of acute discharges with 91 days of follow-up inside the run")
    public static let readmissionsFromCare = MetricInfo(
        "readmissions_from_care", "Emergency returns from a service outside hospital", .countPerYear, .lowerIsBetter,
        .chain, .detail,
        "91-day emergency returns that reached the person in reablement, on a virtual ward, in bedded care or waiting at home for a service (ending that stay), per 365 days")
    public static let pathwayReassessed = MetricInfo(
        "pathways_changed_by_assessment", "Pathways changed on assessment", .countPerYear, .neither, .chain, .detail,
        "patients whose discharge pathway changed when they were assessed (`reassessed_as`: under discharge to assess, at home), per 365 days")

    public static let dischargesBeforeNoon = MetricInfo(
        "discharges_before_noon_percent", "Bed departures before midday", .percent, .higherIsBetter, .chain, .detail,
        "patients leaving an acute bed alive (home or to a service) before 12:00, % of such departures")
    public static let dischargesOvernight = MetricInfo(
        "discharges_overnight_percent", "Bed departures overnight (23:00-06:00)", .percent, .lowerIsBetter, .chain, .detail,
        "the same between 23:00 and 06:00, %")
    public static let weekendDischargeRatio = MetricInfo(
        "weekend_discharge_ratio", "Weekend discharges per day / weekday discharges per day", .count, .higherIsBetter,
        .chain, .detail, "mean departures per Saturday or Sunday over mean departures per weekday (1 = no weekend dip)")

    // MARK: Supporting counts
    public static let ambulanceHandovers = MetricInfo(
        "ambulance_handovers", "Ambulance handovers", .countPerYear, .neither, .supporting, .detail,
        "completed handovers per 365 days")
    public static let edAttendances = MetricInfo(
        "ed_attendances", "A&E attendances (all types)", .countPerYear, .neither, .supporting, .detail,
        "patients leaving a type-1 or type-3 area per 365 days (monthly.csv: per month)")
    public static let edAttendancesType1 = MetricInfo(
        "ed_attendances.type1", "Type-1 ED attendances", .countPerYear, .neither, .supporting, .detail,
        "patients leaving a type-1 area per 365 days")
    public static let emergencyAdmissions = MetricInfo(
        "emergency_admissions", "Emergency admissions", .countPerYear, .neither, .supporting, .detail,
        "non-elective admissions to acute beds per 365 days (monthly.csv: per month)")
    public static let acuteOccupancyAudit = MetricInfo(
        "acute_occupancy_audit_percent", "Acute bed occupancy at the daily audit", .percent, .neither, .supporting,
        .detail, "mean over days of occupied / available acute beds at the daily audit (23:59), x100: the figure NHS England's daily sitreps report; monthly.csv has it per month")
    public static let acuteDischarges = MetricInfo(
        "acute_discharges", "Acute discharges", .countPerYear, .neither, .supporting, .detail,
        "patients leaving acute beds per 365 days")
    public static let acuteBedDays = MetricInfo(
        "acute_bed_days", "Occupied acute bed-days", .bedDaysPerYear, .lowerIsBetter, .supporting, .key,
        "time-integral of occupied acute beds, per 365 days: capacity an option releases shows here (and in nctr_bed_days), in bed-days, not as cash")
    public static let cohortFollowed = MetricInfo(
        "cohort_91_day_followed", "91-day cohort size", .count, .neither, .supporting, .detail,
        "size of the 91-day cohort (not scaled)")

    // MARK: Outside the hospital
    public static let vwOccupancy = MetricInfo(
        "vw_occupancy_percent", "Virtual-ward occupancy", .percent, .neither, .community, .headline,
        "time-weighted occupied / available virtual-ward places, all wards (80% is the national target)")
    public static let vwOccupancyByWard = MetricInfo(
        "vw_occupancy_percent.<ward>", "Virtual-ward occupancy", .percent, .neither, .community, .detail,
        "the same, for one ward")
    public static let vwFullByWard = MetricInfo(
        "vw_full_percent.<ward>", "Virtual ward full", .percent, .lowerIsBetter, .community, .detail,
        "share of time the ward had no free place")
    public static let vwStepUp = MetricInfo(
        "vw_step_up", "Virtual-ward step-up admissions", .countPerYear, .higherIsBetter, .community, .detail,
        "admissions to virtual wards from the community, UCR, GP or ED (not from a bed), per 365 days")
    public static let vwStepDown = MetricInfo(
        "vw_step_down", "Virtual-ward step-down admissions", .countPerYear, .higherIsBetter, .community, .detail,
        "admissions to virtual wards from an acute bed, per 365 days")
    public static let vwEscalations = MetricInfo(
        "vw_escalations", "Virtual-ward escalations", .countPerYear, .lowerIsBetter, .community, .detail,
        "virtual-ward patients escalated back to the ED or a bed, per 365 days")
    public static let bedDaysReleased = MetricInfo(
        "bed_days_released", "Acute bed-days released by step-down", .bedDaysPerYear, .higherIsBetter, .community, .key,
        "sum over step-downs of the acute phase they would still have spent in the bed, less the acute bed-days of step-ups the full ward turned away (to `when_full`), each weighted by the share of the ward's places stepped-down patients held when it turned them away; per 365 days").allowingNegative
    public static let bedDaysSavedByStepDown = MetricInfo(
        "bed_days_saved_by_step_down", "Acute bed-days saved by step-down (gross)", .bedDaysPerYear, .higherIsBetter,
        .community, .detail, "sum over step-downs of the acute phase they would still have spent in the bed, per 365 days")
    public static let bedDaysDisplaced = MetricInfo(
        "bed_days_displaced_step_ups", "Acute bed-days of step-ups turned away", .bedDaysPerYear, .lowerIsBetter,
        .community, .detail,
        "acute bed-days of step-ups a full virtual ward sent to `when_full`, each weighted by the share of the ward's places stepped-down patients held then, per 365 days")
    public static let admissionsAvoided = MetricInfo(
        "admissions_avoided", "Admissions avoided by step-up", .countPerYear, .higherIsBetter, .community, .detail,
        "step-ups that ended their virtual-ward stay without escalation, per 365 days")
    public static let vwStepUpsTurnedAway = MetricInfo(
        "vw_step_ups_turned_away", "Virtual-ward step-ups turned away (ward full)", .countPerYear, .lowerIsBetter,
        .community, .detail, "step-ups sent to the ward's `when_full` because no place was free, per 365 days")
    public static let vwStepDownOnward = MetricInfo(
        "vw_step_down_onward", "Stepped-down patients going on to their pathway's service", .countPerYear, .neither,
        .community, .detail,
        "stepped-down patients whose pathway leads to a service (reablement, rehabilitation, a care home) and who went on to it after the virtual ward, per 365 days")
    public static let ucr2h = MetricInfo(
        "ucr_2h_percent", "Urgent community response within 2 hours", .percent, .higherIsBetter, .community, .headline,
        "2-hour UCR referrals in scope of the standard (received within the service's operating `hours`; all referrals if it has none) whose crew arrived within 120 minutes of the referral (the wait for a crew plus the travel), %: NHS England's 2-hour UCR standard (at least 70%, services 08:00-20:00 seven days at a minimum)")
    public static let ucrResponseMean = MetricInfo(
        "ucr_response_mean_hours", "Urgent community response time", .hours, .lowerIsBetter, .community, .detail,
        "mean time from referral to the crew's arrival, for the referrals `ucr_2h_percent` counts")
    public static let ucrVisits = MetricInfo(
        "ucr_visits", "Urgent community response visits", .countPerYear, .neither, .community, .detail,
        "first visits (crew arrivals) per 365 days, in and out of hours")
    public static let ucrReferrals = MetricInfo(
        "ucr_referrals", "Urgent community response referrals", .countPerYear, .neither, .community, .detail,
        "referrals reaching a UCR per 365 days, in and out of its hours")
    public static let ucrOutOfHoursPercent = MetricInfo(
        "ucr_out_of_hours_percent", "UCR referrals out of hours", .percent, .neither, .community, .detail,
        "referrals received while the service was closed (outside its `hours`), % of referrals; they are out of scope of `ucr_2h_percent`")
    public static let ucrOutOfHoursTo = MetricInfo(
        "ucr_out_of_hours.<destination>", "UCR referrals out of hours, by where they went", .countPerYear, .neither,
        .community, .detail, "out-of-hours referrals sent by `out_of_hours` to a unit (its name) or waiting at home for the service to open (`wait_for_opening`), per 365 days")
    public static let ucrOutOfHours2h = MetricInfo(
        "ucr_out_of_hours_2h_percent", "UCR referrals out of hours reached within 2 hours", .percent, .higherIsBetter,
        .community, .detail, "out-of-hours referrals that waited for the service to open whose crew arrived within 120 minutes of the referral, % (not part of the standard)")
    public static let ucrOutOfHoursResponseMean = MetricInfo(
        "ucr_out_of_hours_response_mean_hours", "UCR response time for referrals out of hours", .hours, .lowerIsBetter,
        .community, .detail, "mean time from referral to the crew's arrival for out-of-hours referrals that waited for opening")
    public static let electiveOver78 = MetricInfo(
        "elective_over_78_weeks", "Elective patients waiting over 78 weeks", .count, .lowerIsBetter, .community, .headline,
        "patients on elective lists at the end of the run whose referral-to-treatment clock started more than 78 weeks before (the clock starts at referral, before the patient is listed: `wait_before_listing`)")
    public static let electiveOver78MonthEnd = MetricInfo(
        "elective_over_78_weeks_month_end_mean", "Elective patients waiting over 78 weeks, month-end mean", .count,
        .lowerIsBetter, .community, .detail, "mean over observed month ends (the audit of each month's last day) of the same count; monthly.csv has each month's")
    public static let electiveOver52 = MetricInfo(
        "elective_over_52_weeks", "Elective patients waiting over 52 weeks", .count, .lowerIsBetter, .community, .key,
        "the same over 52 weeks, at the end of the run")
    public static let electiveOver52MonthEnd = MetricInfo(
        "elective_over_52_weeks_month_end_mean", "Elective patients waiting over 52 weeks, month-end mean", .count,
        .lowerIsBetter, .community, .detail, "mean over observed month ends of the same count; monthly.csv has each month's")
    public static let elective18Weeks = MetricInfo(
        "elective_18_weeks_percent", "Elective patients waiting 18 weeks or less", .percent, .higherIsBetter, .community,
        .key, "patients on the lists at the end of the run waiting 18 weeks or less since their clock started, % of the lists (the referral-to-treatment standard's measure of incomplete pathways, 92%)")
    public static let elective18WeeksMonthEnd = MetricInfo(
        "elective_18_weeks_percent_month_end_mean", "Elective patients waiting 18 weeks or less, month-end mean",
        .percent, .higherIsBetter, .community, .detail, "mean over observed month ends of the same share; monthly.csv has each month's")
    public static let electiveListSize = MetricInfo(
        "elective_list_size", "Patients on elective lists", .count, .lowerIsBetter, .community, .key,
        "patients on the elective lists at the end of the run")
    public static let electiveListSizeMonthEnd = MetricInfo(
        "elective_list_size_month_end_mean", "Patients on elective lists, month-end mean", .count, .lowerIsBetter,
        .community, .detail, "mean over observed month ends of the same count; monthly.csv has each month's")
    public static let electiveListSizeByPriority = MetricInfo(
        "elective_list_size.<priority>", "Patients on elective lists, by priority", .count, .neither, .community, .detail,
        "patients on the lists at the end of the run at the clinical priority (by name, over all lists)")
    public static let electiveWaitByPriority = MetricInfo(
        "elective_wait_weeks.<priority>", "Referral-to-treatment wait of elective patients treated, by priority", .weeks,
        .lowerIsBetter, .community, .detail,
        "mean time from the start of the referral-to-treatment clock to treatment (admission or day case) of patients treated after warm-up, at the priority")
    public static let electiveWithinTargetByPriority = MetricInfo(
        "elective_within_target_percent.<priority>", "Elective patients treated within their priority's target",
        .percent, .higherIsBetter, .community, .detail,
        "patients treated after warm-up whose time from joining the list to treatment was within their priority's `target`, %")
    public static let electiveAdmissions = MetricInfo(
        "elective_admissions", "Elective inpatient admissions", .countPerYear, .higherIsBetter, .community, .detail,
        "called inpatients admitted to a bed, per 365 days (monthly.csv: per month)")
    public static let electiveDayCases = MetricInfo(
        "elective_day_cases", "Elective day cases", .countPerYear, .higherIsBetter, .community, .detail,
        "called day cases treated (in the day-case unit, no G&A bed), per 365 days (monthly.csv: per month)")
    public static let electiveCancellations = MetricInfo(
        "elective_cancellations", "Elective cancellations on the day", .countPerYear, .lowerIsBetter, .community, .detail,
        "called inpatients cancelled on the day for want of a free bed in the list's pools, per 365 days (monthly.csv: per month); a patient cancelled twice counts twice")
    public static let electiveCancellationsPercent = MetricInfo(
        "elective_cancellations_percent", "Elective cancellations on the day, % of elective activity", .percent,
        .lowerIsBetter, .community, .key,
        "cancellations on the day / elective patients treated (inpatients and day cases), x100: comparable with NHS England's last-minute cancellations for non-clinical reasons as a share of elective activity (of which a lack of beds is one reason)")
    public static let unitListSize = MetricInfo(
        "unit.<list>.list_size", "Patients on the elective list", .count, .lowerIsBetter, .community, .detail,
        "patients on one elective list at the end of the run")
    public static let unitListOver52 = MetricInfo(
        "unit.<list>.over_52_weeks", "Elective patients waiting over 52 weeks, by list", .count, .lowerIsBetter,
        .community, .detail, "the list's patients waiting more than 52 weeks at the end of the run")
    public static let unitListOver78 = MetricInfo(
        "unit.<list>.over_78_weeks", "Elective patients waiting over 78 weeks, by list", .count, .lowerIsBetter,
        .community, .detail, "the same over 78 weeks")

    // MARK: By neighbourhood
    public static let arrivalsBy = MetricInfo(
        "arrivals.<neighbourhood>", "Emergency arrivals", .countPerYear, .lowerIsBetter, .neighbourhood, .detail,
        "emergency arrivals of residents of the neighbourhood, per 365 days")
    public static let admissionsBy = MetricInfo(
        "admissions.<neighbourhood>", "Acute admissions", .countPerYear, .lowerIsBetter, .neighbourhood, .detail,
        "acute admissions of residents of the neighbourhood, per 365 days")
    public static let nctrBedDaysByNeighbourhood = MetricInfo(
        "nctr_bed_days_by_neighbourhood.<neighbourhood>", "NCTR bed-days", .bedDaysPerYear, .lowerIsBetter, .neighbourhood, .detail,
        "NCTR time of acute discharges of residents of the neighbourhood, per 365 days")
    public static let homeAt91DaysBy = MetricInfo(
        "home_at_91_days_percent.<neighbourhood>", "Older people at home 91 days after discharge", .percent,
        .higherIsBetter, .neighbourhood, .detail, "the 91-day rate for residents of the neighbourhood")

    // MARK: Costs
    public static let costTotal = MetricInfo(
        "cost_total", "Total cost", .gbpPerYear, .lowerIsBetter, .costs, .headline,
        "fixed + variable + implementation costs, per 365 days; NaN (with a warning) in a replication that stopped early or whose queues grew without bound")
    public static let costFixed = MetricInfo(
        "cost_fixed", "Fixed cost of staffed capacity", .gbpPerYear, .lowerIsBetter, .costs, .key,
        "staffed place-days x their fixed cost, whether used or not: acute beds (`fixed.acute_bed_day`), escalation beds (`fixed.escalation_bed_day`), virtual-ward places, UCR crew-hours, community and bedded places (`fixed.place_day`), and named items per day (`fixed.items`)")
    public static let costVariable = MetricInfo(
        "cost_variable", "Variable cost of activity", .gbpPerYear, .lowerIsBetter, .costs, .detail,
        "occupied days and visits x their variable cost (`variable.*`), and ambulance hours lost")
    public static let costImplementation = MetricInfo(
        "cost_implementation", "Option implementation cost", .gbpPerYear, .lowerIsBetter, .costs, .detail,
        "the sum of `implementation` (per year)")
    public static let costAcuteBeds = MetricInfo(
        "cost_acute_beds", "Cost of acute beds", .gbpPerYear, .lowerIsBetter, .costs, .detail,
        "staffed base bed-days x `fixed.acute_bed_day` + occupied bed-days x `variable.acute_bed_day`")
    public static let costEscalationBeds = MetricInfo(
        "cost_escalation_beds", "Cost of escalation beds", .gbpPerYear, .lowerIsBetter, .costs, .detail,
        "escalation bed-days open x `fixed.escalation_bed_day`")
    public static let costVirtualWards = MetricInfo(
        "cost_virtual_wards", "Cost of virtual wards", .gbpPerYear, .neither, .costs, .detail,
        "staffed place-days x `fixed.virtual_ward_place_day` + occupied days x `variable.virtual_ward_day`")
    public static let costCare = MetricInfo(
        "cost_care", "Cost of community and bedded care", .gbpPerYear, .neither, .costs, .detail,
        "each priced service's staffed place-days x `fixed.place_day` + occupied place-days x `variable.care_day`")
    public static let costUCR = MetricInfo(
        "cost_ucr", "Cost of urgent community response", .gbpPerYear, .lowerIsBetter, .costs, .detail,
        "crew-hours on shift x `fixed.ucr_crew_hour` + `ucr_visits` x `variable.ucr_visit`")
    public static let costLostAmbulanceHours = MetricInfo(
        "cost_lost_ambulance_hours", "Cost of ambulance hours lost", .gbpPerYear, .lowerIsBetter, .costs, .detail,
        "`handover_hours_lost` x `variable.lost_ambulance_hour`")
    public static let costItems = MetricInfo(
        "cost_items", "Cost of named fixed items", .gbpPerYear, .lowerIsBetter, .costs, .detail,
        "the sum of `fixed.items` per day x 365 (e.g. a discharge hub's staff)")

    // MARK: Every unit with places
    public static let unitOccupancyMean = MetricInfo(
        "unit.<name>.occupancy_mean", "Places held", .places, .neither, .unit, .detail,
        "time-weighted mean number of places held (including by patients blocked waiting to move on)")
    public static let unitOccupancyPercent = MetricInfo(
        "unit.<name>.occupancy_percent", "Occupancy", .percent, .neither, .unit, .detail,
        "the same / time-weighted capacity, x100 (units with a finite capacity)")
    public static let unitQueueMean = MetricInfo(
        "unit.<name>.queue_mean", "Patients waiting for a place", .patients, .lowerIsBetter, .unit, .detail,
        "time-weighted mean number waiting for a place")
    public static let unitWaitMean = MetricInfo(
        "unit.<name>.wait_mean", "Mean wait for a place", .hours, .lowerIsBetter, .unit, .detail,
        "mean time from asking for a place here to being given one (here or, for an outlier, in another pool), in hours, over the patients given one after warm-up, 0 for those who took one at once; patients still waiting at the end are not counted. Places with a finite capacity")
    public static let unitWaitPercent = MetricInfo(
        "unit.<name>.wait_p", "Patients who waited for a place", .percent, .lowerIsBetter, .unit, .detail,
        "the same patients who waited at all (more than 0) for their place, %")
    public static let unitWaitOver = MetricInfo(
        "unit.<name>.wait_over.<t>", "Patients who waited longer than a threshold for a place", .percent, .lowerIsBetter,
        .unit, .detail,
        "the same patients who waited longer than t (each of `wait_thresholds`, default 4h and 12h; written 30min, 4h, 2d), %")
    public static let unitTurnedAway = MetricInfo(
        "unit.<name>.turned_away", "Patients turned away when full", .countPerYear, .lowerIsBetter, .unit, .detail,
        "virtual wards (loss units: a full ward sends a step-up to its `when_full`): step-ups that found no free place, per 365 days")
    public static let unitTurnedAwayFrom = MetricInfo(
        "unit.<name>.turned_away.<from>", "Patients turned away when full, by where they came from", .countPerYear,
        .lowerIsBetter, .unit, .detail,
        "the same by source: the unit whose place the patient held, the arrivals unit that made them, or `home` (readmissions and other returns from home), per 365 days; every unit whose routes can reach the ward is listed")

    // MARK: National standards

    /// The standards reports draw as reference lines, by catalogue id (a family's id covers every member).
    /// Sources: NHS England, 2024/25 priorities and operational planning guidance (March 2024) and 2025/26
    /// priorities and operational planning guidance (30 January 2025,
    /// https://www.england.nhs.uk/long-read/2025-26-priorities-and-operational-planning-guidance/).
    public static let standards: [String: NationalStandard] = [
        // 2024/25 guidance: "improve A&E performance with 78% of patients seen within 4 hours by March 2025";
        // 2025/26 guidance: "a minimum of 78% of patients seen within 4 hours in March 2026" (all types).
        ed4h.id: NationalStandard(.atLeast, 78, source: "NHS planning guidance 2024/25 and 2025/26"),
        // 2024/25 guidance: "reduce adult general and acute (G&A) bed occupancy to 92% or below" (carried from
        // 2023/24 and the UEC recovery plan, January 2023; first set in the 2020/21 guidance).
        acuteOccupancy.id: NationalStandard(.atMost, 92, source: "NHS planning guidance 2024/25"),
        acuteOccupancyAudit.id: NationalStandard(.atMost, 92, source: "NHS planning guidance 2024/25"),
        // 2024/25 guidance: "maintain the number of virtual ward beds ... at 80% occupancy" (UEC recovery plan,
        // January 2023: "an average occupancy of 80%").
        vwOccupancy.id: NationalStandard(.atLeast, 80, source: "NHS planning guidance 2024/25"),
        vwOccupancyByWard.id: NationalStandard(.atLeast, 80, source: "NHS planning guidance 2024/25"),
        // 2024/25 guidance: "consistently meet or exceed the 70% 2-hour urgent community response standard"
        // (first set in the 2022/23 guidance; https://www.england.nhs.uk/statistics/statistical-work-areas/2-hour-urgent-community-response/).
        ucr2h.id: NationalStandard(.atLeast, 70, source: "NHS planning guidance 2024/25"),
    ]

    /// The standard for `id` (a metric or a member of a family), if any.
    public static func standard(of id: String) -> NationalStandard? { info(for: id)?.standard }

    /// Every entry, in the order outputs list them.
    public static let all: [MetricInfo] = [
        nctrPercent, nctrBedDays, nctrBedDaysByReason, nctrReasonPercent, nctrReason14DaysPercent, nctrMeanDelay, nctrMeanDelayByPathway, dischargesByPathway, handoversOver30, handoversOver30Percent,
        handoversOver60, handoversOver60Percent, handoverHoursLost, homeAt91Days, ed4h, ed4hType1, ed12h, dtaOver4h,
        dtaOver12h, edBoardingMean, edBoardingByHour, acuteOccupancy, acuteOccupancyByPool, outlierBedDays,
        escalationBedDays, meanLOS, readmissions30d, readmissionsFromCare, pathwayReassessed, dischargesBeforeNoon, dischargesOvernight, weekendDischargeRatio,
        ambulanceHandovers, edAttendances, edAttendancesType1, emergencyAdmissions, acuteOccupancyAudit,
        acuteDischarges, acuteBedDays, cohortFollowed,
        vwOccupancy, vwOccupancyByWard, vwFullByWard, vwStepUp, vwStepDown, vwEscalations, bedDaysReleased,
        bedDaysSavedByStepDown, bedDaysDisplaced,
        admissionsAvoided, vwStepUpsTurnedAway, vwStepDownOnward, ucr2h, ucrResponseMean, ucrVisits, ucrReferrals,
        ucrOutOfHoursPercent, ucrOutOfHoursTo, ucrOutOfHours2h, ucrOutOfHoursResponseMean, electiveOver78,
        electiveOver78MonthEnd, electiveOver52, electiveOver52MonthEnd, elective18Weeks, elective18WeeksMonthEnd,
        electiveListSize, electiveListSizeMonthEnd, electiveListSizeByPriority, electiveWaitByPriority,
        electiveWithinTargetByPriority, electiveAdmissions, electiveDayCases, electiveCancellations,
        electiveCancellationsPercent, unitListSize, unitListOver52, unitListOver78,
        arrivalsBy, admissionsBy, nctrBedDaysByNeighbourhood, homeAt91DaysBy,
        costTotal, costFixed, costVariable, costImplementation, costAcuteBeds, costEscalationBeds, costVirtualWards,
        costCare, costUCR, costLostAmbulanceHours, costItems,
        unitOccupancyMean, unitOccupancyPercent, unitQueueMean, unitWaitMean, unitWaitPercent, unitWaitOver,
        unitTurnedAway, unitTurnedAwayFrom,
    ]

    /// The entry describing `id` (a metric or a member of a family), or nil for an id the catalogue lacks.
    public static func info(for id: String) -> MetricInfo? {
        if let exact = index.single[id] { return exact }
        return index.families.first { $0.info.names(in: id, literals: $0.literals) != nil }?.info
    }

    /// `all`, indexed once: single metrics by id (the first of an id), families in order with their literals.
    /// `info(for:)` is asked for every metric a run writes, several times over; scanning `all` (a grapheme
    /// search for `<` in every id) cost ~820,000 instructions a call, 1.4G for the files of one run.
    private static let index: (single: [String: MetricInfo], families: [(info: MetricInfo, literals: [Substring])]) = {
        var single: [String: MetricInfo] = [:], families: [(info: MetricInfo, literals: [Substring])] = []
        for m in all {
            if m.isFamily { families.append((m, m.literals)) } else if single[m.id] == nil { single[m.id] = m }
        }
        return (single, families)
    }()

    /// The better direction of `id` (neither for an id the catalogue lacks).
    public static func direction(of id: String) -> Direction { info(for: id)?.direction ?? .neither }

    /// The values `id` can take (at least 0 for an id the catalogue lacks, unless it is a difference).
    public static func range(of id: String) -> ClosedRange<Double> { info(for: id)?.range ?? 0...Double.infinity }

    /// The label of `id`, with the family member's name; the id itself if the catalogue lacks it.
    public static func label(of id: String) -> String { info(for: id)?.label(for: id) ?? id }

    /// The headline metrics' ids, in order.
    public static var headline: [String] { all.filter { $0.tier == .headline }.map(\.id) }

    /// Headline and key metrics' ids, in order (what a report shows first).
    public static var headlineAndKey: [String] { all.filter { $0.tier != .detail && !$0.isFamily }.map(\.id) }
}

extension MetricValue {
    /// A value of a single metric of the catalogue.
    init(_ metric: MetricInfo, _ value: Double) { self.init(metric.id, value) }
    /// A value of one member of a family of the catalogue.
    init(_ family: MetricInfo, _ name: String, _ value: Double) { self.init(family.id(name), value) }
    /// A value of one member of a family with two placeholders.
    init(_ family: MetricInfo, _ name: String, _ second: String, _ value: Double) { self.init(family.id(name, second), value) }
}

extension MetricCatalog {
    /// The catalogue as the Markdown tables of `docs/metrics.md` (one table per group; a test keeps the file
    /// equal to this, and `flowsim explain --metrics` prints it).
    public static func markdownTables() -> String {
        var s = ""
        for group in MetricGroup.allCases {
            let rows = all.filter { $0.group == group }
            guard !rows.isEmpty else { continue }
            s += "### \(group.rawValue)\n\n| id | label | unit | better | min. difference | definition |\n|---|---|---|---|---|---|\n"
            for m in rows {
                let definition = m.definition.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
                s += "| `\(m.id)` | \(m.label) | \(m.unitLabel) | \(m.direction.rawValue) | \(m.minimumDifference) | \(definition) |\n"
            }
            s += "\n"
        }
        return s
    }
}

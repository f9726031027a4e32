import SimCore

/// One metric value of one replication. Equal when the ids match and the values are the same number or both
/// NaN (a share of nothing), so identical runs compare equal.
public struct MetricValue: Sendable, Equatable {
    public var id: String
    public var value: Double
    public init(_ id: String, _ value: Double) {
        self.id = id
        self.value = value
    }

    public static func == (a: MetricValue, b: MetricValue) -> Bool {
        a.id == b.id && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// One metric's value in one calendar month of one replication (`monthly.csv`).
public struct MonthlyValue: Sendable, Equatable {
    /// "YYYY-MM".
    public var month: String
    public var metric: String
    public var value: Double
    public init(month: String, metric: String, value: Double) {
        self.month = month
        self.metric = metric
        self.value = value
    }
}

/// Patients counted for conservation: created = left + present, always.
public struct Conservation: Sendable, Equatable {
    public var created = 0
    public var left = 0
    public var present = 0
    public init(created: Int = 0, left: Int = 0, present: Int = 0) {
        self.created = created
        self.left = left
        self.present = present
    }
    public var holds: Bool { created == left + present }
}

/// Everything one replication produced.
public struct ReplicationResult: Sendable {
    public var replication: Int
    /// Metrics in a fixed order (DESIGN §4 first, then per-unit ones).
    public var metrics: [MetricValue]
    /// Daily series (after warm-up), one value per day.
    public var daily: [DailySeries]
    /// The front door's metrics by calendar month (whole months observed), month by month.
    public var monthly: [MonthlyValue] = []
    /// Per unit with places: time at each occupancy level and levels seen at the daily audit.
    public var occupancy: [(unit: String, histogram: OccupancyHistogram)]
    public var conservation: Conservation
    /// Broken invariants (empty when the model is sound): capacity exceeded, patients lost.
    public var invariantViolations: [String]
    /// Events handled.
    public var events: Int
    /// Slots allocated for patients, people and follow-up records: the peak held at once, which bounds memory.
    public var entitySlots: Int
    /// Warnings worth showing (e.g. a queue that grew without bound).
    public var warnings: [String]
    /// Why the replication stopped before its horizon (too many patients in the system), or nil.
    public var stopped: String? = nil

    public init(replication: Int, metrics: [MetricValue], daily: [DailySeries], monthly: [MonthlyValue] = [],
                occupancy: [(unit: String, histogram: OccupancyHistogram)], conservation: Conservation,
                invariantViolations: [String], events: Int, entitySlots: Int, warnings: [String], stopped: String? = nil) {
        self.replication = replication
        self.metrics = metrics
        self.daily = daily
        self.monthly = monthly
        self.occupancy = occupancy
        self.conservation = conservation
        self.invariantViolations = invariantViolations
        self.events = events
        self.entitySlots = entitySlots
        self.warnings = warnings
        self.stopped = stopped
    }

    public func metric(_ id: String) -> Double? { metrics.first { $0.id == id }?.value }
}

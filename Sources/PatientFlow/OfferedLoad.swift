import SimCore

/// The load each place is offered: arrivals per day times mean stay, in places, against its capacity
/// (`flowsim explain --load`; decision 150).
///
/// Measured, not solved: one replication of the scenario with every place unlimited, so no patient ever waits
/// for one and the mean number present at a place is its offered load (Little's law; an infinite-server
/// system, as M/G/∞). The replication follows the scenario's own routes, mixes, attribute-keyed tables,
/// reassessments, readmissions, pathway delays and calendar, which a traffic equation over the unit graph would
/// have to approximate. What it leaves out is everything capacity causes: waiting for a place downstream
/// (NCTR beyond the pathway's own delay), outliers, escalation, step-ups turned away from a full virtual ward.
public struct OfferedLoad: Sendable {
    public struct Row: Sendable {
        /// The place in metrics: the unit's name, or `<unit>.<area or pool>`.
        public var place: String
        public var unit: String
        public var kind: UnitKindName
        /// Patients entering the place per day of the observed run (after warm-up).
        public var arrivalsPerDay: Double
        /// Mean stay in days (load / arrivals per day).
        public var meanStayDays: Double
        /// Mean number present with unlimited places: the offered load in places.
        public var load: Double
        /// The scenario's capacity, averaged over the observed run (schedules included); nil if unlimited.
        public var capacity: Double?

        /// Load as a percentage of capacity; nil without a capacity.
        public var percent: Double? { capacity.map { $0 > 0 ? 100 * load / $0 : .infinity } }
    }

    public var rows: [Row]

    /// `rows`, with a total after the places of each unit that has several (an ED's areas, a ward's pools):
    /// place `<unit> (all)`, capacity nil if any of them is unlimited.
    public var rowsWithTotals: [Row] {
        var out: [Row] = []
        for (i, r) in rows.enumerated() {
            out.append(r)
            guard i + 1 == rows.count || rows[i + 1].unit != r.unit else { continue }
            let mine = rows.filter { $0.unit == r.unit }
            guard mine.count > 1 else { continue }
            let perDay = mine.reduce(0) { $0 + $1.arrivalsPerDay }, load = mine.reduce(0) { $0 + $1.load }
            let capacity = mine.allSatisfy { $0.capacity != nil } ? mine.reduce(0) { $0 + ($1.capacity ?? 0) } : nil
            out.append(Row(place: "\(r.unit) (all)", unit: r.unit, kind: r.kind, arrivalsPerDay: perDay,
                           meanStayDays: perDay > 0 ? load / perDay : .nan, load: load, capacity: capacity))
        }
        return out
    }
    /// Observed days of the replication (the horizon).
    public var days: Double
    /// Set if the unconstrained replication stopped early (the figures are then from part of the run).
    public var stopped: String?

    /// Runs replication `replication` of `spec` with every place unlimited.
    ///
    /// - Complexity: one replication without queues: faster than the scenario's own.
    public static func measure(_ spec: SystemSpec, replication: Int = 0) -> OfferedLoad {
        var open = spec
        open.units = spec.units.map { UnitSpec(name: $0.name, kind: $0.kind.withUnlimitedPlaces) }
        let sim = SystemSimulation(spec: open, replication: replication)
        var entries: [String: Int] = [:]
        let warmUp = spec.warmUp
        sim.trace = { e in
            if e.kind == .enter && e.time >= warmUp { entries[e.place, default: 0] += 1 }
        }
        let result = sim.run()
        let days = spec.horizon / Duration.day
        let occupancy = Dictionary(result.metrics.map { ($0.id, $0.value) }, uniquingKeysWith: { a, _ in a })
        var rows: [Row] = []
        for u in spec.units {
            for p in u.kind.placeSpecs {
                let name = p.metricName(unit: u.name)
                let load = occupancy[MetricCatalog.unitOccupancyMean.id(name)] ?? 0
                let perDay = Double(entries[name] ?? 0) / days
                rows.append(Row(place: name, unit: u.name, kind: u.kind.kindName, arrivalsPerDay: perDay,
                                meanStayDays: perDay > 0 ? load / perDay : .nan, load: load,
                                capacity: p.places.meanCapacity(from: spec.warmUp, to: spec.warmUp + spec.horizon)))
            }
        }
        return OfferedLoad(rows: rows, days: days, stopped: result.stopped)
    }
}

extension PlacesSpec {
    /// The capacity averaged over [from, to) (a schedule's steps weighted by how long they last); nil if unlimited.
    public func meanCapacity(from: SimTime, to: SimTime) -> Double? {
        guard case .schedule(let s) = self else { return nil }
        guard to > from else { return Double(s.capacity(at: from)) }
        var t = from, sum = 0.0
        while t < to {
            let next = min(s.nextChange(after: t) ?? to, to)
            sum += Double(s.capacity(at: t)) * (next - t)
            t = next
        }
        return sum / (to - from)
    }
}

extension UnitKind {
    /// The kind with every place (ED areas, bed pools, services, virtual wards, crews) unlimited.
    var withUnlimitedPlaces: UnitKind {
        switch self {
        case .emergencyDepartment(var e):
            for i in e.areas.indices { e.areas[i].places = .unlimited }
            return .emergencyDepartment(e)
        case .acuteWard(var w):
            for i in w.pools.indices { w.pools[i].beds = .unlimited }
            return .acuteWard(w)
        case .communityService(var s):
            s.places = .unlimited
            return .communityService(s)
        case .beddedCare(var s):
            s.places = .unlimited
            return .beddedCare(s)
        case .virtualWard(var v):
            v.places = .unlimited
            return .virtualWard(v)
        case .urgentCommunityResponse(var u):
            u.crews = .unlimited
            return .urgentCommunityResponse(u)
        case .arrivals, .ambulanceHandover, .exit, .electiveList:
            return self
        }
    }
}

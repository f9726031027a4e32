import SimCore

/// What a replication reports (the metric catalogue's ids, in the catalogue's order of groups).
extension SystemSimulation {
    func finish() -> ReplicationResult {
        let observed = endTime - spec.warmUp
        // Acute occupancy: time-weighted occupied over time-weighted available, all acute wards.
        var busy = 0.0, available = 0.0, nctrMean = 0.0
        for ward in acuteWards {
            guard let r = ward.resource else { continue }
            busy += pool.busyStatistic(r).mean(at: endTime)
            available += ward.capacityStat.mean(at: endTime)
            nctrMean += ward.nctrStat.mean(at: endTime)
        }
        var values = metrics.values(observedMinutes: observed, nctrBedDays: nctrMean * 365,
                                    acuteOccupancyPercent: available > 0 ? 100 * busy / available : .nan)
        values += virtualWardValues()
        values += metrics.communityValues(
            observedMinutes: observed, hasVirtualWards: !virtualWards.isEmpty,
            hasUCR: units.contains { $0.kind == .urgentCommunityResponse }, hasElectives: !electiveLists.isEmpty,
            electiveOver78AtEnd: electiveOver78Weeks())
        if let costs = spec.costs { values += costValues(costs, acuteBusy: busy, nctrMean: nctrMean, current: values) }
        var warnings: [String] = []
        for unit in units {
            guard let r = unit.resource else { continue }
            let mean = pool.busyStatistic(r).mean(at: endTime)
            values.append(MetricValue(MetricCatalog.unitOccupancyMean, unit.name, mean))
            let cap = unit.capacityStat.mean(at: endTime)
            if cap < Double(PlacesSpec.unlimitedCapacity) / 2 {
                values.append(MetricValue(MetricCatalog.unitOccupancyPercent, unit.name, cap > 0 ? 100 * mean / cap : .nan))
            }
            values.append(MetricValue(MetricCatalog.unitQueueMean, unit.name, pool.queueStatistic(r).mean(at: endTime)))
            if let growth = queueGrowth(unit: unit.name) {
                warnings.append("queue grew without bound at unit \(unit.name): \(Int(growth.first.rounded())) waiting "
                                + "on average in the first quarter of the run, \(Int(growth.last.rounded())) in the last; "
                                + "its capacity is below demand")
            }
        }
        var violations: [String] = []
        if !conservation.holds { violations.append("patients not conserved: \(conservation)") }
        if conservation.present != patients.count {
            violations.append("patients present \(patients.count) != counted \(conservation.present)")
        }
        for unit in units {
            if let r = unit.resource, pool.grantsBeyondCapacity(r) > 0 {
                violations.append("capacity exceeded at \(unit.name) \(pool.grantsBeyondCapacity(r)) times")
            }
        }
        return ReplicationResult(
            replication: replication, metrics: values, daily: metrics.daily,
            occupancy: units.compactMap { $0.resource == nil ? nil : ($0.name, $0.occupancy) },
            conservation: conservation, invariantViolations: violations, events: sim.eventsHandled,
            entitySlots: patients.slotCount + persons.slotCount + records.slotCount, warnings: warnings,
            stopped: stoppedBecause)
    }

    /// Per virtual ward and overall: time-weighted occupancy and the share of time with no free place.
    func virtualWardValues() -> [MetricValue] {
        var v: [MetricValue] = [], busy = 0.0, capacity = 0.0
        for unit in virtualWards {
            guard let r = unit.resource else { continue }
            let occupied = pool.busyStatistic(r).mean(at: endTime), places = unit.capacityStat.mean(at: endTime)
            busy += occupied
            capacity += places
            v.append(MetricValue(MetricCatalog.vwOccupancyByWard, unit.name, places > 0 ? 100 * occupied / places : .nan))
            v.append(MetricValue(MetricCatalog.vwFullByWard, unit.name, 100 * unit.fullStat.mean(at: endTime)))
        }
        if capacity > 0 { v.insert(MetricValue(MetricCatalog.vwOccupancy, 100 * busy / capacity), at: 0) }
        return v
    }

    /// Costs per 365 days observed, by component and in total (DESIGN §3 "Costs").
    func costValues(_ c: CostSpec, acuteBusy: Double, nctrMean: Double, current: [MetricValue]) -> [MetricValue] {
        func metric(_ m: MetricInfo) -> Double { current.first { $0.id == m.id }?.value ?? 0 }
        let acute = max(0, acuteBusy - nctrMean) * 365 * c.acuteBedDay
        let nctr = nctrMean * 365 * c.nctrBedDay
        var vw = 0.0, care = 0.0
        for unit in units {
            guard let r = unit.resource else { continue }
            let placeDays = pool.busyStatistic(r).mean(at: endTime) * 365
            if unit.kind == .virtualWard { vw += placeDays * c.virtualWardDay }
            if let perDay = c.careDay[unit.name] { care += placeDays * perDay }
        }
        let ucr = metric(MetricCatalog.ucrVisits) * c.ucrVisit
        let ambulance = metric(MetricCatalog.handoverHoursLost) * c.lostAmbulanceHour
        return [
            MetricValue(MetricCatalog.costTotal, acute + nctr + vw + care + ucr + ambulance),
            MetricValue(MetricCatalog.costAcuteBeds, acute), MetricValue(MetricCatalog.costNCTRBeds, nctr),
            MetricValue(MetricCatalog.costVirtualWards, vw), MetricValue(MetricCatalog.costCare, care),
            MetricValue(MetricCatalog.costUCR, ucr), MetricValue(MetricCatalog.costLostAmbulanceHours, ambulance),
        ]
    }

    /// The mean daily-audit queue in the first and last quarter of the observed days, if the queue grew
    /// without bound (decision 24): the last quarter's mean is at least 100 and at least twice the first's plus 50.
    func queueGrowth(unit name: String) -> (first: Double, last: Double)? {
        guard let series = metrics.daily.first(where: { $0.name == "queue.\(name)" }), series.values.count >= 8 else {
            return nil
        }
        let v = series.values, q = v.count / 4
        let first = v[..<q].reduce(0, +) / Double(q), last = v[(v.count - q)...].reduce(0, +) / Double(q)
        return last >= 100 && last >= 2 * first + 50 ? (first, last) : nil
    }
}

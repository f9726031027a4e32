import SimCore

/// What a replication reports (the metric catalogue's ids, in the catalogue's order of groups).
extension SystemSimulation {
    func finish() -> ReplicationResult {
        let observed = endTime - spec.warmUp
        // Acute occupancy: time-weighted occupied over time-weighted available, all acute wards and pools.
        var busy = 0.0, available = 0.0, nctrMean = 0.0, outliers = 0.0, escalation = 0.0
        var pools: [MetricValue] = []
        for ward in acuteWards {
            for place in ward.places {
                let b = pool.busyStatistic(place.resource).mean(at: endTime), c = place.capacityStat.mean(at: endTime)
                busy += b
                available += c
                if ward.places.count > 1 {
                    pools.append(MetricValue(MetricCatalog.acuteOccupancyByPool, place.name, c > 0 ? 100 * b / c : .nan))
                }
                escalation += (place.schedule?.extraPlaceMinutes(from: spec.warmUp, to: endTime) ?? 0) / observed
            }
            nctrMean += ward.nctrStat.mean(at: endTime)
            outliers += ward.outlierStat.mean(at: endTime)
            escalation += ward.openedStat.mean(at: endTime)
        }
        var values = metrics.values(observedMinutes: observed, end: endTime, nctrBedDays: nctrMean * 365,
                                    acuteOccupancyPercent: available > 0 ? 100 * busy / available : .nan)
        if let i = values.firstIndex(where: { $0.id == MetricCatalog.acuteOccupancy.id }) {
            values.insert(contentsOf: pools + [MetricValue(MetricCatalog.outlierBedDays, outliers * 365),
                                              MetricValue(MetricCatalog.escalationBedDays, escalation * 365)], at: i + 1)
        }
        if units.contains(where: { $0.kind == .emergencyDepartment }) {
            let hours = metrics.boardingByHour.means(at: endTime)
            for (h, mean) in hours.enumerated() {
                values.append(MetricValue(MetricCatalog.edBoardingByHour, h < 10 ? "0\(h)" : "\(h)", mean))
            }
        }
        values += virtualWardValues()
        values += metrics.communityValues(
            observedMinutes: observed, hasVirtualWards: !virtualWards.isEmpty,
            hasUCR: units.contains { $0.kind == .urgentCommunityResponse }, hasElectives: !electiveLists.isEmpty,
            electives: electiveSnapshot(), unitNames: units.map(\.name),
            ucrOutOfHoursRoutes: ucrOutOfHoursRoutes())
        if let costs = spec.costs { values += costValues(costs, acuteBusy: busy, nctrMean: nctrMean, current: values) }
        var warnings: [String] = []
        for place in placeOfResource {
            let r = place.resource
            let mean = pool.busyStatistic(r).mean(at: endTime)
            values.append(MetricValue(MetricCatalog.unitOccupancyMean, place.name, mean))
            let cap = place.capacityStat.mean(at: endTime)
            if cap < Double(PlacesSpec.unlimitedCapacity) / 2 {
                values.append(MetricValue(MetricCatalog.unitOccupancyPercent, place.name, cap > 0 ? 100 * mean / cap : .nan))
            }
            values.append(MetricValue(MetricCatalog.unitQueueMean, place.name, pool.queueStatistic(r).mean(at: endTime)))
            if let growth = queueGrowth(unit: place.name) {
                warnings.append("queue grew without bound at unit \(place.name): \(Int(growth.first.rounded())) waiting "
                                + "on average in the first quarter of the run, \(Int(growth.last.rounded())) in the last; "
                                + "its capacity is below demand")
            }
        }
        var violations: [String] = []
        if !conservation.holds { violations.append("patients not conserved: \(conservation)") }
        if conservation.present != patients.count {
            violations.append("patients present \(patients.count) != counted \(conservation.present)")
        }
        for place in placeOfResource where pool.grantsBeyondCapacity(place.resource) > 0 {
            violations.append("capacity exceeded at \(place.name) \(pool.grantsBeyondCapacity(place.resource)) times")
        }
        return ReplicationResult(
            replication: replication, metrics: values, daily: metrics.daily, monthly: metrics.monthlyValues(at: endTime),
            occupancy: placeOfResource.map { ($0.name, $0.occupancy) },
            conservation: conservation, invariantViolations: violations, events: sim.eventsHandled,
            entitySlots: patients.slotCount + persons.slotCount + records.slotCount, warnings: warnings,
            stopped: stoppedBecause)
    }

    /// The destinations of out-of-hours UCR referrals (slots of `FlowMetrics.ucrOutOfHoursTo`): 0 to wait for
    /// opening, 1 + u for unit u; only UCRs with operating hours have any.
    func ucrOutOfHoursRoutes() -> Set<Int> {
        var slots = Set<Int>()
        for case let u as UrgentResponseUnit in units where u.hours != nil {
            for choice in u.outOfHours.values {
                for (v, w) in zip(choice.values, choice.probabilities) where w > 0 {
                    slots.insert(v == UrgentResponseSpec.waitForOpening ? 0 : v + 1)
                }
            }
        }
        return slots
    }

    /// Per virtual ward and overall: time-weighted occupancy and the share of time with no free place.
    func virtualWardValues() -> [MetricValue] {
        var v: [MetricValue] = [], busy = 0.0, capacity = 0.0
        for unit in virtualWards {
            guard let place = unit.places.first else { continue }
            let r = place.resource
            let occupied = pool.busyStatistic(r).mean(at: endTime), places = place.capacityStat.mean(at: endTime)
            busy += occupied
            capacity += places
            v.append(MetricValue(MetricCatalog.vwOccupancyByWard, unit.name, places > 0 ? 100 * occupied / places : .nan))
            v.append(MetricValue(MetricCatalog.vwFullByWard, unit.name, 100 * place.fullStat.mean(at: endTime)))
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
            let placeDays = unit.places.reduce(0) { $0 + pool.busyStatistic($1.resource).mean(at: endTime) } * 365
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

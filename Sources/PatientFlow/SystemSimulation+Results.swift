import SimCore

/// What a replication reports (the metric catalogue's ids, in the catalogue's order of groups).
extension SystemSimulation {
    func finish() -> ReplicationResult {
        let observed = endTime - spec.warmUp
        // Acute occupancy: time-weighted occupied over time-weighted available, all acute wards and pools.
        var busy = 0.0, available = 0.0, nctrMean = 0.0, outliers = 0.0, escalation = 0.0
        var pools: [MetricValue] = []
        var byReason = Array(repeating: 0.0, count: metrics.nctrReasonNames.count)
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
            for k in ward.reasonStat.indices { byReason[k] += ward.reasonStat[k].mean(at: endTime) }
            outliers += ward.outlierStat.mean(at: endTime)
            escalation += ward.openedStat.mean(at: endTime)
        }
        var values = metrics.values(observedMinutes: observed, end: endTime, nctrBedDays: nctrMean * 365,
                                    acuteOccupancyPercent: available > 0 ? 100 * busy / available : .nan,
                                    acuteBedDays: busy * 365)
        if let i = values.firstIndex(where: { $0.id == MetricCatalog.nctrBedDays.id }), !acuteWards.isEmpty {
            let total = byReason.reduce(0, +), audited = metrics.nctr14DaysByReason.reduce(0, +)
            var reasons: [MetricValue] = []
            for (k, name) in metrics.nctrReasonNames.enumerated() {
                reasons.append(MetricValue(MetricCatalog.nctrBedDaysByReason, name, byReason[k] * 365))
            }
            for (k, name) in metrics.nctrReasonNames.enumerated() {
                reasons.append(MetricValue(MetricCatalog.nctrReasonPercent, name, total > 0 ? 100 * byReason[k] / total : .nan))
            }
            for (k, name) in metrics.nctrReasonNames.enumerated() {
                reasons.append(MetricValue(MetricCatalog.nctrReason14DaysPercent, name,
                                           audited > 0 ? 100 * Double(metrics.nctr14DaysByReason[k]) / Double(audited) : .nan))
            }
            values.insert(contentsOf: reasons, at: i + 1)
        }
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
        var warnings: [String] = []
        var blocked: [[Int: Int]]?  // built when a queue grew: see `blockingChain`
        for place in placeOfResource {
            let r = place.resource
            let mean = pool.busyStatistic(r).mean(at: endTime)
            values.append(MetricValue(MetricCatalog.unitOccupancyMean, place.name, mean))
            let cap = place.capacityStat.mean(at: endTime)
            if cap < Double(PlacesSpec.unlimitedCapacity) / 2 {
                values.append(MetricValue(MetricCatalog.unitOccupancyPercent, place.name, cap > 0 ? 100 * mean / cap : .nan))
            }
            values.append(MetricValue(MetricCatalog.unitQueueMean, place.name, pool.queueStatistic(r).mean(at: endTime)))
            if cap < Double(PlacesSpec.unlimitedCapacity) / 2 { values += waitValues(place) }
            if lossSlot[place.unit] >= 0 { values += turnedAwayValues(place.unit, observedMinutes: observed) }
            if let growth = queueGrowth(unit: place.name) {
                if blocked == nil { blocked = blockedPatients() }
                warnings.append("queue grew without bound at unit \(place.name): \(Int(growth.first.rounded())) waiting "
                                + "on average in the first quarter of the run, \(Int(growth.last.rounded())) in the last; "
                                + bindingExplanation(from: place, blocked: blocked ?? []))
            }
        }
        if let costs = spec.costs {
            let unstable = stoppedBecause != nil ? "the run stopped early" : warnings.isEmpty ? nil : "a queue grew without bound"
            if let unstable { warnings.append("costs are not reported (NaN): \(unstable), so the totals would mean nothing") }
            let i = values.firstIndex { $0.id.hasPrefix("unit.") } ?? values.endIndex
            values.insert(contentsOf: costValues(costs, acuteBusy: busy, escalationBeds: escalation, current: values,
                                                 unreliable: unstable), at: i)
        }
        var violations: [String] = []
        if !conservation.holds { violations.append("patients not conserved: \(conservation)") }
        if conservation.present != patients.count {
            violations.append("patients present \(patients.count) != counted \(conservation.present)")
        }
        for place in placeOfResource where pool.grantsBeyondCapacity(place.resource) > 0 {
            violations.append("capacity exceeded at \(place.name) \(pool.grantsBeyondCapacity(place.resource)) times")
        }
        // The occupancy histograms brought up to the end, so their times at each level cover the whole observation.
        for place in placeOfResource { place.occupancy.update(to: place.occupancy.level, at: endTime) }
        return ReplicationResult(
            replication: replication, metrics: values, daily: metrics.daily, monthly: metrics.monthlyValues(at: endTime),
            occupancy: placeOfResource.map { ($0.name, $0.occupancy.histogram) },
            conservation: conservation, invariantViolations: violations, events: sim.eventsHandled,
            entitySlots: patients.slotCount + persons.slotCount + records.slotCount, warnings: warnings,
            stopped: stoppedBecause)
    }

    /// A place's waits: mean (hours), share who waited, share over each threshold (decision 141).
    func waitValues(_ place: Place) -> [MetricValue] {
        let w = place.waits
        var v = [MetricValue(MetricCatalog.unitWaitMean, place.name, w.mean / 60),
                 MetricValue(MetricCatalog.unitWaitPercent, place.name, 100 * w.waitedShare)]
        for (k, t) in w.thresholds.enumerated() {
            v.append(MetricValue(MetricCatalog.unitWaitOver, place.name, SystemSpec.thresholdName(t), 100 * w.overShare(k)))
        }
        return v
    }

    /// A loss unit's step-ups turned away, in all and by source (`SystemSpec.stepUpSources`), per 365 days.
    func turnedAwayValues(_ u: Int, observedMinutes: SimTime) -> [MetricValue] {
        let perYear = 365 * Duration.day / observedMinutes, row = lossSlot[u] * (units.count + 1), name = units[u].name
        var v = [MetricValue(MetricCatalog.unitTurnedAway, name,
                             Double(turnedAway[row..<(row + units.count + 1)].reduce(0, +)) * perYear)]
        for s in spec.stepUpSources(of: u) {
            v.append(MetricValue(MetricCatalog.unitTurnedAwayFrom, name, s < units.count ? units[s].name : "home",
                                 Double(turnedAway[row + s]) * perYear))
        }
        return v
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

    /// Costs per 365 days observed, by component, fixed and variable, and in total (DESIGN §3 "Costs"); every
    /// value NaN if `unreliable` says why the run's totals mean nothing (it stopped, or a queue grew without bound).
    func costValues(_ c: CostSpec, acuteBusy: Double, escalationBeds: Double, current: [MetricValue],
                    unreliable: String?) -> [MetricValue] {
        func metric(_ m: MetricInfo) -> Double { current.first { $0.id == m.id }?.value ?? 0 }
        let year = 365.0
        // Staffed places: the time-weighted capacity of places with a finite one (unlimited places are not staffed).
        func staffed(_ place: Place) -> Double {
            let c = place.capacityStat.mean(at: endTime)
            return c < Double(PlacesSpec.unlimitedCapacity) / 2 ? c : 0
        }
        var staffedAcute = 0.0
        for ward in acuteWards {
            for place in ward.places { staffedAcute += staffed(place) }
        }
        let baseBeds = max(0, staffedAcute - escalationBeds)
        let acuteFixed = baseBeds * year * c.fixed.acuteBedDay, acuteVariable = acuteBusy * year * c.variable.acuteBedDay
        let escalation = escalationBeds * year * c.fixed.escalationBedDay
        var vwFixed = 0.0, vwVariable = 0.0, careFixed = 0.0, careVariable = 0.0, ucrFixed = 0.0
        for unit in units {
            let busy = unit.places.reduce(0) { $0 + pool.busyStatistic($1.resource).mean(at: endTime) } * year
            let placeDays = unit.places.reduce(0) { $0 + staffed($1) } * year
            switch unit.kind {
            case .virtualWard:
                vwFixed += placeDays * c.fixed.virtualWardPlaceDay
                vwVariable += busy * c.variable.virtualWardDay
            case .urgentCommunityResponse:
                ucrFixed += placeDays * 24 * c.fixed.ucrCrewHour
            default:
                careFixed += placeDays * (c.fixed.placeDay[unit.name] ?? 0)
                careVariable += busy * (c.variable.careDay[unit.name] ?? 0)
            }
        }
        let ucrVariable = metric(MetricCatalog.ucrVisits) * c.variable.ucrVisit
        let ambulance = metric(MetricCatalog.handoverHoursLost) * c.variable.lostAmbulanceHour
        let items = c.fixed.items.values.reduce(0, +) * year
        let implementation = c.implementation.values.reduce(0, +)
        let fixed = acuteFixed + escalation + vwFixed + careFixed + ucrFixed + items
        let variable = acuteVariable + vwVariable + careVariable + ucrVariable + ambulance
        let values: [(MetricInfo, Double)] = [
            (MetricCatalog.costTotal, fixed + variable + implementation),
            (MetricCatalog.costFixed, fixed), (MetricCatalog.costVariable, variable),
            (MetricCatalog.costImplementation, implementation),
            (MetricCatalog.costAcuteBeds, acuteFixed + acuteVariable), (MetricCatalog.costEscalationBeds, escalation),
            (MetricCatalog.costVirtualWards, vwFixed + vwVariable), (MetricCatalog.costCare, careFixed + careVariable),
            (MetricCatalog.costUCR, ucrFixed + ucrVariable), (MetricCatalog.costLostAmbulanceHours, ambulance),
            (MetricCatalog.costItems, items),
        ]
        return values.map { MetricValue($0.0, unreliable == nil ? $0.1 : .nan) }
    }

    /// For each unit, how many of its occupants hold a place there at the end of the run while waiting for a
    /// place at another unit, by that unit.
    func blockedPatients() -> [[Int: Int]] {
        var blocked = [[Int: Int]](repeating: [:], count: units.count)
        for (_, p) in patients.entities where p.resource >= 0 && p.requested >= 0 {
            let held = placeOfResource[Int(p.resource)].unit, wanted = placeOfResource[Int(p.requested)].unit
            if held != wanted { blocked[held][wanted, default: 0] += 1 }
        }
        return blocked
    }

    /// Why a place's queue grew (decision 151): follows the blocking chain from its unit, at the end of the run,
    /// to the unit whose capacity binds first. From each unit it goes to the unit most of its blocked occupants
    /// wait for, if they are at least a tenth of its occupants; where it stops (occupants in service, not
    /// waiting to move on), capacity binds. "its capacity is below demand" when the chain stops where it starts.
    func bindingExplanation(from start: Place, blocked: [[Int: Int]]) -> String {
        var chain: [(unit: Int, waiting: Int, of: Int)] = []
        var at = start.unit, seen: Set<Int> = [at]
        while let (next, n) = blocked[at].max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
              case let busy = placeOfResource.filter({ $0.unit == at }).reduce(0, { $0 + pool.busy($1.resource) }),
              n * 10 >= busy, !seen.contains(next) {
            chain.append((at, n, busy))
            at = next
            seen.insert(next)
        }
        guard !chain.isEmpty else { return "its capacity is below demand" }
        let waits = zip(chain, chain.dropFirst().map(\.unit) + [at]).map {
            "\($0.waiting) of the \($0.of) patients at \(units[$0.unit].name) waited for \(units[$1].name)"
        }
        return "capacity binds first downstream, at unit \(units[at].name) (at the end of the run "
            + waits.joined(separator: "; ") + ")"
    }

    /// The mean daily-audit queue in the first and last quarter of the observed days, if the queue grew
    /// without bound (decision 24): the last quarter's mean is at least 100 and at least twice the first's plus 50.
    func queueGrowth(unit name: String) -> (first: Double, last: Double)? {
        guard let series = metrics.daily.first(where: { $0.name == "queue.\(name)" }), series.values.count >= 8 else {
            return nil
        }
        // Observed days only (the series may start with the warm-up days).
        let v = Array(series.values.dropFirst(spec.firstObservedDay - spec.firstDailyDay)), q = v.count / 4
        guard q >= 2 else { return nil }
        let first = v[..<q].reduce(0, +) / Double(q), last = v[(v.count - q)...].reduce(0, +) / Double(q)
        return last >= 100 && last >= 2 * first + 50 ? (first, last) : nil
    }
}

import SimCore

/// Capacity changes, occupancy records, the daily audit and the end of warm-up.
extension SystemSimulation {
    /// A place's schedule changes: its capacity follows, and the next change is scheduled.
    func capacityChanged(_ place: Place) {
        guard let s = place.schedule else { return }
        applyCapacity(place)
        if let t = s.nextChange(after: sim.now) {
            sim.schedule(at: t, priority: .capacityChange, .capacityChange(resource: Int32(place.resource.index)))
        }
    }

    /// Sets a place's capacity to its schedule's plus the places a rule opened (a reduction never evicts).
    func applyCapacity(_ place: Place) {
        let c = place.capacity(at: sim.now)
        pool.setCapacity(place.resource, c, at: sim.now)
        place.capacityStat.update(to: Double(c), at: sim.now)
        occupancyChanged(place)
        processGrants()
    }

    /// A place's acceptance hours open or close: grants start (filling free places from the queue) or stop.
    func acceptanceChanged(_ place: Place) {
        guard let hours = place.accepts else { return }
        pool.setAccepting(place.resource, hours.isOpen(at: sim.now), at: sim.now)
        occupancyChanged(place)
        if let t = hours.nextChange(after: sim.now) {
            sim.schedule(at: t, priority: .capacityChange, .acceptanceChange(resource: Int32(place.resource.index)))
        }
    }

    func occupancyChanged(_ place: Place) {
        let r = place.resource
        place.occupancy.update(to: pool.busy(r), at: sim.now)
        place.fullStat.update(to: pool.free(r) == 0 ? 1 : 0, at: sim.now)
    }

    /// The place to blame when the system holds too many patients: the longest queue, or, when nobody queues
    /// (unlimited places), the place or elective list holding the most patients.
    func whereThePatientsAre() -> String {
        let queues = placeOfResource.map { (name: $0.name, waiting: pool.queueLength($0.resource)) }
        if let worst = queues.max(by: { $0.waiting < $1.waiting }), worst.waiting > 0 {
            return "the longest queue is at unit \(worst.name) (\(worst.waiting) waiting): its capacity is far below demand"
        }
        var held = placeOfResource.map { (name: $0.name, count: pool.busy($0.resource)) }
        for case let list as ElectiveListUnit in units { held.append((list.name, list.queue.count)) }
        guard let most = held.max(by: { $0.count < $1.count }) else { return "no unit holds them" }
        return "nobody is queueing; the most patients are at unit \(most.name) (\(most.count)): they arrive there faster than "
            + "they leave"
    }

    func audit() {
        let day = spec.calendar.dayIndex(sim.now)
        if conservation.present > Self.maximumPatientsPresent {
            stoppedBecause = "stopped on day \(day): \(conservation.present) patients in the system (limit "
                + "\(Self.maximumPatientsPresent)); " + whereThePatientsAre()
            sim.stop()
            return
        }
        if warmedUp {
            for place in placeOfResource { place.occupancy.audit() }
            let (occupied, nctr, capacity, dated, rules) = acuteCensus()
            // Like NHS England's delay-reason counts: NCTR patients in hospital 14 days or more, by reason. Only
            // the NCTR patients are visited (`nctrPatients`), not every patient's slot. Debug builds (the tests)
            // check the list against every slot at each audit.
            assert(nctrListIsExact(), "nctrPatients does not hold exactly the NCTR patients")
            for k in nctrPatients.indices {
                let p = Int(nctrPatients[k])
                if sim.now - patients[p].admissionTime >= 14 * Duration.day {
                    metrics.nctr14DaysByReason[Int(patients[p].nctrReason)] += 1
                }
            }
            if !electiveLists.isEmpty, spec.calendar.date(ofDay: day + 1).day == 1 {
                metrics.electiveMonthEnd(electiveSnapshot(), at: sim.now)
            }
            metrics.audit(day: day - spec.firstDailyDay, occupied: occupied, nctr: nctr, capacity: capacity,
                          escalation: (dated, rules), unitLevels: placeOfResource.map { pool.busy($0.resource) },
                          unitQueues: placeOfResource.map { pool.queueLength($0.resource) }, at: sim.now)
        } else if spec.dailyIncludesWarmUp {
            // Warm-up days in the daily series only: nothing else is counted (resetCounts drops it all anyway).
            let (occupied, nctr, capacity, dated, rules) = acuteCensus()
            metrics.recordDaily(day: day, occupied: occupied, nctr: nctr, capacity: capacity, escalation: (dated, rules),
                                unitLevels: placeOfResource.map { pool.busy($0.resource) },
                                unitQueues: placeOfResource.map { pool.queueLength($0.resource) })
        }
        sim.schedule(after: Duration.day, priority: .audit, .audit)
    }

    var firstObservedDay: Int { spec.firstObservedDay }

    /// Occupied acute beds, NCTR patients in them, beds available, and the beds open beyond the schedules' base
    /// by dated extra periods and by escalation rules, now.
    func acuteCensus() -> (occupied: Int, nctr: Int, capacity: Int, dated: Int, rules: Int) {
        var occupied = 0, nctr = 0, capacity = 0, dated = 0, rules = 0
        for ward in acuteWards {
            for place in ward.places {
                occupied += pool.busy(place.resource)
                capacity += pool.capacity(place.resource)
                dated += place.extraPlaces(at: sim.now)
                rules += place.opened
            }
            nctr += ward.nctrCount
        }
        return (occupied, nctr, capacity, dated, rules)
    }

    func resetStatistics() {
        warmedUp = true
        let t = sim.now
        pool.resetStatistics(at: t)
        for place in placeOfResource {
            place.occupancy.reset(at: t)
            place.fullStat.reset(at: t)
            place.capacityStat.reset(at: t)
        }
        for ward in acuteWards {
            ward.nctrStat.reset(at: t)
            for k in ward.reasonStat.indices { ward.reasonStat[k].reset(at: t) }
            ward.outlierStat.reset(at: t)
            ward.openedStat.reset(at: t)
        }
        metrics.resetCounts(at: t)
    }

    /// The elective lists now: sizes, and patients waiting more than 18, 52 and 78 weeks since their
    /// referral-to-treatment clock started. O(patients on the lists).
    func electiveSnapshot() -> ElectiveSnapshot {
        var e = ElectiveSnapshot()
        e.sizeByPriority = Array(repeating: 0, count: metrics.electivePriorityNames.count)
        let now = sim.now
        for list in electiveLists {
            let size = list.queue.count
            let over52 = list.count(referredBefore: now - 52 * Duration.week)
            let over78 = list.count(referredBefore: now - 78 * Duration.week)
            e.size += size
            e.over18 += list.count(referredBefore: now - 18 * Duration.week)
            e.over52 += over52
            e.over78 += over78
            for (k, n) in list.queue.counts(ranks: list.priorities.count).enumerated() {
                e.sizeByPriority[list.priorityMetricIndex[k]] += n
            }
            e.lists.append((list.name, size, over52, over78))
        }
        return e
    }
}

extension SystemSpec {
    /// The first day statistics count (the day warm-up ends in), from the start of the run: day 0 of every
    /// daily series.
    public var firstObservedDay: Int { calendar.dayIndex(warmUp) }
    /// Its calendar date.
    public var firstObservedDate: CivilDate { calendar.date(ofDay: firstObservedDay) }
    /// Day 0 of every daily series, from the start of the run: 0 when they include warm-up, else the first
    /// observed day.
    public var firstDailyDay: Int { dailyIncludesWarmUp ? 0 : firstObservedDay }
    /// Its calendar date (the start date when the series include warm-up).
    public var firstDailyDate: CivilDate { calendar.date(ofDay: firstDailyDay) }
}

extension SystemSimulation {
    /// Patient `p` became NCTR: it joins `nctrPatients`.
    func addNCTRPatient(_ p: Int) {
        patients[p].nctrSlot = Int32(nctrPatients.count)
        nctrPatients.append(Int32(p))
    }

    /// Whether `nctrPatients` holds exactly the patients present with an NCTR reason, each at its `nctrSlot`.
    func nctrListIsExact() -> Bool {
        var expected = 0
        for p in 0..<patients.slotCount where patients.contains(p) && patients[p].nctrReason >= 0 {
            expected += 1
            let k = Int(patients[p].nctrSlot)
            if k < 0 || k >= nctrPatients.count || nctrPatients[k] != Int32(p) { return false }
        }
        return expected == nctrPatients.count
    }

    /// Patient `p` is no longer NCTR: the last of `nctrPatients` takes its position.
    func removeNCTRPatient(_ p: Int) {
        let k = Int(patients[p].nctrSlot), last = nctrPatients.removeLast()
        if last != Int32(p) {
            nctrPatients[k] = last
            patients[Int(last)].nctrSlot = Int32(k)
        }
        patients[p].nctrSlot = -1
    }
}

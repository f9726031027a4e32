import SimCore

/// Capacity changes, occupancy records, the daily audit and the end of warm-up.
extension SystemSimulation {
    func capacityChanged(_ u: Int) {
        let unit = units[u]
        guard let s = unit.schedule, let r = unit.resource else { return }
        let c = s.capacity(at: sim.now)
        pool.setCapacity(r, c, at: sim.now)
        unit.capacityStat.update(to: Double(c), at: sim.now)
        occupancyChanged(u)
        if let t = s.nextChange(after: sim.now) {
            sim.schedule(at: t, priority: .capacityChange, .capacityChange(unit: Int32(u)))
        }
    }

    func occupancyChanged(_ u: Int) {
        let unit = units[u]
        guard let r = unit.resource else { return }
        unit.occupancy.update(to: pool.busy(r), at: sim.now)
        unit.fullStat.update(to: pool.free(r) == 0 ? 1 : 0, at: sim.now)
    }

    func audit() {
        let day = spec.calendar.dayIndex(sim.now)
        if conservation.present > Self.maximumPatientsPresent {
            let worst = units.compactMap { u in u.resource.map { (u.name, pool.queueLength($0)) } }.max { $0.1 < $1.1 }
            stoppedBecause = "stopped on day \(day): \(conservation.present) patients in the system (limit "
                + "\(Self.maximumPatientsPresent)); the longest queue is at unit \(worst?.0 ?? "?") (\(worst?.1 ?? 0) waiting): "
                + "its capacity is far below demand"
            sim.stop()
            return
        }
        if warmedUp {
            var occupied = 0, nctr = 0, capacity = 0
            for unit in units where unit.resource != nil { unit.occupancy.audit() }
            for ward in acuteWards {
                guard let r = ward.resource else { continue }
                occupied += pool.busy(r)
                nctr += ward.nctrCount
                capacity += pool.capacity(r)
            }
            if spec.calendar.date(ofDay: day + 1).day == 1 { metrics.monthEndOver78Weeks.add(Double(electiveOver78Weeks())) }
            let withPlaces = units.compactMap(\.resource)
            metrics.audit(day: day - firstObservedDay, occupied: occupied, nctr: nctr, capacity: capacity,
                          unitLevels: withPlaces.map { pool.busy($0) }, unitQueues: withPlaces.map { pool.queueLength($0) })
        }
        sim.schedule(after: Duration.day, priority: .audit, .audit)
    }

    var firstObservedDay: Int { spec.calendar.dayIndex(spec.warmUp) }

    func resetStatistics() {
        warmedUp = true
        let t = sim.now
        pool.resetStatistics(at: t)
        for unit in units {
            unit.occupancy.reset(at: t)
            unit.fullStat.reset(at: t)
            unit.capacityStat.reset(at: t)
        }
        for ward in acuteWards { ward.nctrStat.reset(at: t) }
        metrics.resetCounts()
    }

    /// Patients on elective lists waiting longer than 78 weeks.
    func electiveOver78Weeks() -> Int {
        electiveLists.reduce(0) { $0 + $1.count(referredBefore: sim.now - 78 * Duration.week) }
    }
}

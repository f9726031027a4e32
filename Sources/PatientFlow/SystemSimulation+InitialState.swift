import SimCore

extension SystemSimulation {
    /// Puts each unit's initial patients in place (remaining stays drawn from the equilibrium residual of the
    /// stay distribution, decision 20) and its initial queue in line.
    func placeInitialPatients() {
        for unit in units {
            let initial = unit.initial, u = unit.index
            guard initial.occupied + initial.queued > 0, let r = unit.resource else { continue }
            for k in 0..<(initial.occupied + initial.queued) {
                let attrs = initialMix.map { drawAttributes(mix: $0, unit.streams.initial) } ?? AttributeValues()
                let person = persons.insert(Person(attributes: attrs))
                let p = newPatient(attributes: attrs, person: person, byAmbulance: false)
                if k >= initial.occupied {
                    patients[p].target = Int32(u)
                    if pool.request(r, entity: p, at: 0) { enter(p, unit: u, from: -1) }
                    continue
                }
                pool.setCapacity(r, max(pool.capacity(r), pool.busy(r) + 1), at: 0)
                pool.request(r, entity: p, at: 0)
                patients[p].unit = Int32(u)
                patients[p].phase = .inService
                occupancyChanged(u)
                setPersonState(p, unit.personState)
                unit.startInitialOccupant(p, self)
            }
            // Capacity back to the schedule (initial occupancy above capacity drains, never evicts).
            if let sched = unit.schedule { pool.setCapacity(r, sched.capacity(at: 0), at: 0) }
            processGrants()
        }
    }
}

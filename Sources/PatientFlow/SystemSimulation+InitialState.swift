import SimCore

extension SystemSimulation {
    /// Puts each unit's initial patients in place (remaining stays drawn from the equilibrium residual of the
    /// stay distribution, decision 20) and its initial queue in line.
    func placeInitialPatients() {
        for place in placeOfResource {
            let initial = place.initial, u = place.unit, r = place.resource, unit = units[u]
            guard initial.occupied + initial.queued > 0 else { continue }
            for k in 0..<(initial.occupied + initial.queued) {
                let attrs = initialMix.map { drawAttributes(mix: $0, unit.streams.initial) } ?? AttributeValues()
                let person = persons.insert(Person(attributes: attrs))
                let p = newPatient(attributes: attrs, person: person, byAmbulance: false)
                if trace != nil { traceEvent(p, u, .arrive) }
                if k >= initial.occupied {
                    patients[p].target = Int32(u)
                    patients[p].requested = Int32(r.index)
                    if trace != nil { traceEvent(p, u, .request, resource: r.index) }
                    if pool.request(r, entity: p, at: 0) {
                        if trace != nil { traceEvent(p, u, .granted, resource: r.index) }
                        enter(p, unit: u, resource: r, from: -1)
                    } else if trace != nil {
                        traceEvent(p, u, .blocked, resource: r.index)
                    }
                    continue
                }
                pool.setCapacity(r, max(pool.capacity(r), pool.busy(r) + 1), at: 0)
                pool.request(r, entity: p, at: 0)
                patients[p].unit = Int32(u)
                patients[p].resource = Int32(r.index)
                patients[p].phase = .inService
                if trace != nil { traceEvent(p, u, .enter) }
                occupancyChanged(place)
                setPersonState(p, unit.personState)
                unit.startInitialOccupant(p, self)
            }
            // Capacity back to the schedule (initial occupancy above capacity drains, never evicts).
            if place.schedule != nil { pool.setCapacity(r, place.capacity(at: 0), at: 0) }
            processGrants()
        }
    }
}

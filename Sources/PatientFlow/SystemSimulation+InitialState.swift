import SimCore
import Stochastics

extension SystemSimulation {
    /// Puts each unit's initial patients in place (remaining stays by the place's rule: the equilibrium
    /// residual of the stay distribution, decision 20, IPACS's U(1 day, L), or given each listed patient's
    /// elapsed time, decision 144) and its initial queue in line.
    func placeInitialPatients() {
        for place in placeOfResource {
            let initial = place.initial, u = place.unit, r = place.resource, unit = units[u]
            guard initial.occupied + initial.queued > 0 else { continue }
            for k in 0..<(initial.occupied + initial.queued) {
                let listed = k < initial.patients.count ? initial.patients[k] : nil
                let given = listed?.attributes ?? AttributeValues(), mask = listed?.given ?? 0
                let attrs = initialMix.map { drawAttributes(mix: $0, unit.streams.initial, fixed: given, mask: mask) } ?? given
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
                startingRule = initial.remaining
                startingElapsed = listed?.elapsed
                unit.startInitialOccupant(p, self)
            }
            // Capacity back to the schedule (initial occupancy above capacity drains, never evicts).
            if place.schedule != nil { pool.setCapacity(r, place.capacity(at: 0), at: 0) }
            processGrants()
        }
        startingElapsed = nil
    }

    /// The remaining stay of the initial occupant being placed, whose whole stay follows `stay`: by the place's
    /// rule (`startingRule`), or given the time it has already spent there (`startingElapsed`, listed patients).
    func initialRemaining(_ stay: Distribution, _ stream: RandomSource) -> SimTime {
        if let elapsed = startingElapsed { return stay.sampleRemaining(after: elapsed, stream) }
        switch startingRule {
        case .equilibrium:
            return stay.sampleResidual(stream)
        case .uniformFromOne:
            // IPACS (nhs-bnssg-analytics/ipacs-model, functions/bed_functions.R): "sample from uniform
            // distribution between 1 and the LOS just created. Assumption: stays at least 1 day". A stay under a
            // day is kept whole (assumption: R's runif(1, 1, L) is NaN there, so IPACS gives no rule).
            let whole = stay.sample(stream)
            return whole > Duration.day ? Duration.day + (whole - Duration.day) * stream.uniform() : whole
        }
    }
}

import SimCore
import Stochastics

/// The 91 days after an acute discharge: a follow-up record per discharge, observed at day 91; 30-day
/// readmissions; people, who outlive their episodes (decision 19).
extension SystemSimulation {
    /// Starts the 91-day follow-up of `p`'s discharge from `ward` after `nctr` minutes of NCTR.
    func startFollowUp(_ p: Int, ward: AcuteWardUnit, nctr: SimTime, to dest: Int) {
        let pt = patients[p]
        let (countsFor91Day, target) = ward.pathways.withUnsafeBufferPointer { ($0[Int(pt.next)].countsFor91Day, $0[Int(pt.next)].target) }
        let person = Int(pt.person)
        let older = olderAge.map { $0.levels[pt.attributes[$0.attribute]] } ?? false
        let record = records.insert(FollowUp(person: pt.person, dischargeTime: sim.now,
                                             cohort: older && countsFor91Day && dest == target,
                                             pathway: pt.next,
                                             independenceLossPerDay: ward.independenceLossPerDay,
                                             nctrDays: nctr / Duration.day,
                                             counted: warmedUp && sim.now + 91 * Duration.day <= endTime))
        persons[person].references += 1
        persons[person].lastDischarge = sim.now
        persons[person].lastRecord = Int32(record)
        sim.scheduleOrdered(after: 91 * Duration.day, priority: .followUp, .followUpEnd(record: Int32(record)))
        if let f = ward.followUp {
            let k = Int(pt.next)
            let pCare = 1 - (1 - f.spec.careHomeMove.value(pt.attributes, next: k)) * independenceRetained(record: record)
            scheduleAfterDischarge(person: person, attributes: pt.attributes, next: k, nctrDays: nctr / Duration.day,
                                   from: ward.index, f, careHomeMove: pCare, ward.streams.followUp)
            persons[person].followUpUntil = sim.now + 91 * Duration.day
        }
    }

    /// Draws the 91 days of events after a discharge from unit `unit` (its `follow_up`, or an exit's own): an
    /// emergency return, a care-home move (chance `careHomeMove`, deconditioning included) and death, each at a
    /// time inside the 91 days. They carry a new follow-up serial, so events of an earlier discharge go stale.
    func scheduleAfterDischarge(person: Int, attributes a: AttributeValues, next k: Int, nctrDays: Double, from unit: Int,
                                _ after: AfterDischarge, careHomeMove pCare: Double, _ stream: RandomSource) {
        persons[person].followUpSerial &+= 1
        persons[person].followUpUnit = Int32(unit)
        let serial = persons[person].followUpSerial, window = 91 * Duration.day
        if after.spec.readmissionRoute != nil {
            var pReturn = after.spec.readmission.value(a, next: k) * after.spec.readmissionFactor.value(a, next: k)
            if after.spec.readmissionPerNCTRDay != 0 && nctrDays > 0 { pReturn *= _pow(1 + after.spec.readmissionPerNCTRDay, nctrDays) }
            if stream.bernoulli(min(1, pReturn)) {
                persons[person].references += 1
                sim.schedule(after: after.spec.readmissionTime.value(a, next: k).sample(stream, within: window), priority: .arrival,
                             .readmission(person: Int32(person), serial: serial))
            }
        }
        if pCare > 0, stream.bernoulli(pCare) {
            persons[person].references += 1
            sim.schedule(after: after.spec.eventTime.value(a, next: k).sample(stream, within: window), priority: .normal,
                         .careHomeMove(person: Int32(person), serial: serial))
        }
        if stream.bernoulli(after.spec.death.value(a, next: k)) {
            persons[person].references += 1
            sim.schedule(after: after.spec.eventTime.value(a, next: k).sample(stream, within: window), priority: .normal,
                         .death(person: Int32(person), serial: serial))
        }
    }

    /// Whether a 91-day event reaches this person now: anywhere but in hospital (they were readmitted meanwhile)
    /// or dead.
    func reachable(_ person: Int) -> Bool {
        let state = persons[person].state
        return state != .hospital && state != .dead
    }

    /// An emergency return: the stay the person is in now (reablement, a virtual ward, bedded care, waiting at
    /// home for a service) ends, and a new episode comes through the readmission route of the unit that
    /// scheduled the return.
    func readmit(person: Int) {
        guard reachable(person), let route = units[Int(persons[person].followUpUnit)].afterDischarge?.spec.readmissionRoute else { return }
        if persons[person].patient >= 0 {
            if warmedUp { metrics.readmissionsFromCare += 1 }
            endStayOutsideHospital(Int(persons[person].patient))
        }
        let attrs = persons[person].attributes
        let p = newPatient(attributes: attrs, person: person, byAmbulance: false)
        let source = units[Int(persons[person].followUpUnit)]
        let first = route.sample(attrs, source.streams.route)
        let ambulance = units[first].kind == .ambulanceHandover
        patients[p].byAmbulance = ambulance
        if let m = arrivalMode { patients[p].attributes[m.attribute] = ambulance ? m.ambulance : m.walkIn }
        if trace != nil { traceEvent(p, Int(persons[person].followUpUnit), .arrive) }
        moveTo(p, unit: first)
    }

    /// A move into a care home reaches people at home (with or without care): a service stay ends.
    func moveIntoCareHome(person: Int) {
        guard persons[person].state.atHome else { return }
        if persons[person].patient >= 0 { endStayOutsideHospital(Int(persons[person].patient)) }
        persons[person].state = .careHome
    }

    /// A death outside hospital: a service stay ends.
    func die(person: Int) {
        guard reachable(person) else { return }
        if persons[person].patient >= 0 { endStayOutsideHospital(Int(persons[person].patient)) }
        persons[person].state = .dead
    }

    /// Ends patient `p`'s episode where it is, outside hospital: the place held is freed (the next patient in line
    /// takes it), a request waiting is withdrawn, and pending events of the stay go stale.
    func endStayOutsideHospital(_ p: Int) {
        let u = Int(patients[p].unit), waitingFor = Int(patients[p].target)
        withdrawRequest(p)
        if u >= 0 {
            let held = ResourceID(index: Int(patients[p].resource))
            pool.release(held, at: sim.now)
            leave(p, unit: u, to: -1)
        }
        if trace != nil, case let at = u >= 0 ? u : waitingFor, at >= 0 { traceEvent(p, at, .exit) }
        let person = Int(patients[p].person)
        removePatient(p)
        release(person: person)
        processGrants()
    }

    /// The episode's record leaves the system (an exit, or a stay ended by a 91-day event).
    func removePatient(_ p: Int) {
        if patients[p].nctrSlot >= 0 { removeNCTRPatient(p) }
        let person = Int(patients[p].person)
        patients.remove(p)
        conservation.left += 1
        conservation.present -= 1
        if persons[person].patient == Int32(p) { persons[person].patient = -1 }
    }

    /// An acute admission: a readmission within 30 days if the person's last discharge was that recent.
    func noteReadmission(_ p: Int) {
        let person = Int(patients[p].person)
        let r = Int(persons[person].lastRecord)
        if r >= 0, records.contains(r), sim.now - records[r].dischargeTime <= 30 * Duration.day {
            records[r].readmittedWithin30Days = true
        }
    }

    /// Day 91: the person's state is observed.
    func followUpEnded(_ r: Int) {
        let f = records.remove(r)
        let person = Int(f.person)
        if f.counted {
            metrics.followUp(cohort: f.cohort, atHome: persons[person].state.atHome,
                             readmitted: f.readmittedWithin30Days,
                             neighbourhood: neighbourhood(of: persons[person].attributes))
        }
        if persons[person].lastRecord == Int32(r) { persons[person].lastRecord = -1 }
        release(person: person)
    }

    /// The chance of keeping independence after the NCTR days of the discharge behind `record`.
    func independenceRetained(record r: Int) -> Double {
        let f = records[r]
        return f.independenceLossPerDay > 0 ? _pow(1 - f.independenceLossPerDay, f.nctrDays) : 1
    }

    func setPersonState(_ p: Int, _ state: PersonState) { persons[Int(patients[p].person)].state = state }

    /// Drops one reference to a person; forgets the person when nothing refers to them any more.
    func release(person: Int) {
        persons[person].references -= 1
        if persons[person].references <= 0 {
            persons.remove(person)
        }
    }
}

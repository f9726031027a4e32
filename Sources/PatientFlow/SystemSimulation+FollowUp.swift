import SimCore

/// The 91 days after an acute discharge: a follow-up record per discharge, observed at day 91; 30-day
/// readmissions; people, who outlive their episodes (decision 19).
extension SystemSimulation {
    /// Starts the 91-day follow-up of `p`'s discharge from `ward` after `nctr` minutes of NCTR.
    func startFollowUp(_ p: Int, ward: AcuteWardUnit, nctr: SimTime) {
        let pt = patients[p]
        let pathway = ward.pathways[Int(pt.next)]
        let person = Int(pt.person)
        let older = olderAge.map { $0.levels[pt.attributes[$0.attribute]] } ?? false
        let record = records.insert(FollowUp(person: pt.person, dischargeTime: sim.now,
                                             cohort: older && pathway.countsFor91Day, pathway: pt.next,
                                             independenceLossPerDay: ward.independenceLossPerDay,
                                             nctrDays: nctr / Duration.day,
                                             counted: warmedUp && sim.now + 91 * Duration.day <= endTime))
        persons[person].references += 1
        persons[person].lastDischarge = sim.now
        persons[person].lastRecord = Int32(record)
        sim.schedule(after: 91 * Duration.day, priority: .followUp, .followUpEnd(record: Int32(record)))
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

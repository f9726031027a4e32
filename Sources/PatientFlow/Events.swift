import SimCore

/// What can happen in a system run. Small and trivial, so the event list moves it cheaply.
enum FlowEvent {
    /// An arrival stream fires (one per arrivals unit, or per neighbourhood and age band).
    case arrival(stream: Int32)
    /// A stay ends (service, ED assessment, acute phase); stale if the token moved on.
    case stayEnd(patient: Int32, token: UInt32)
    /// Acute ward: the discharge process or assessment ends.
    case delayEnd(patient: Int32, token: UInt32)
    /// Acute ward: another day of NCTR (deconditioning).
    case nctrDay(patient: Int32, token: UInt32)
    /// A place's capacity schedule changes (the place's resource).
    case capacityChange(resource: Int32)
    /// A place starts or stops taking new patients (acceptance hours).
    case acceptanceChange(resource: Int32)
    /// A freed place's turnaround ends (it can be granted again).
    case turnaroundEnd(resource: Int32)
    /// An acute ward's escalation rule checks occupancy and boarding.
    case escalationCheck(unit: Int32, rule: Int32)
    /// The daily audit (bed state at 23:59).
    case audit
    /// End of warm-up: statistics restart.
    case warmUpEnd
    /// Day 91 after an acute discharge.
    case followUpEnd(record: Int32)
    /// A discharged person returns as an emergency (through the readmission route of the unit that scheduled
    /// it), moves into a care home, or dies; stale unless `serial` is still the person's follow-up serial.
    case readmission(person: Int32, serial: UInt32)
    case careHomeMove(person: Int32, serial: UInt32)
    case death(person: Int32, serial: UInt32)
    /// A virtual-ward patient escalates (back to the ED or a bed).
    case escalate(patient: Int32, token: UInt32)
    /// An inpatient becomes eligible for step-down.
    case eligible(patient: Int32, token: UInt32)
    /// A virtual ward's pull round.
    case pullRound(unit: Int32)
    /// An elective referral joins a list; a session calls patients from it.
    case electiveReferral(unit: Int32)
    case session(unit: Int32, index: Int32)
    /// An urgent community response opens or closes for referrals.
    case serviceHours(unit: Int32)
}

extension EventPriority {
    /// Follow-up checks at day 91 come after moves at the same instant.
    static let followUp = EventPriority(rawValue: 200)
}

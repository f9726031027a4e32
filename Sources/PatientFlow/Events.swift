import SimCore

/// What can happen in a system run. Small and trivial, so the event list moves it cheaply.
enum FlowEvent {
    /// The arrivals unit fires.
    case arrival(unit: Int32)
    /// A stay ends (service, ED assessment, acute phase); stale if the token moved on.
    case stayEnd(patient: Int32, token: UInt32)
    /// Acute ward: the discharge process or assessment ends.
    case delayEnd(patient: Int32, token: UInt32)
    /// Acute ward: another day of NCTR (deconditioning).
    case nctrDay(patient: Int32, token: UInt32)
    /// A unit's capacity schedule changes.
    case capacityChange(unit: Int32)
    /// The daily audit (bed state at 23:59).
    case audit
    /// End of warm-up: statistics restart.
    case warmUpEnd
    /// Day 91 after an acute discharge.
    case followUpEnd(record: Int32)
    /// A discharged person is readmitted through the exit's readmission route.
    case readmission(person: Int32, exit: Int32)
    /// A discharged person moves into a care home, or dies.
    case careHomeMove(person: Int32)
    case death(person: Int32)
}

extension EventPriority {
    /// Follow-up checks at day 91 come after moves at the same instant.
    static let followUp = EventPriority(rawValue: 200)
}

import SimCore

/// One hospital episode of a person: from arrival to an exit. Lives in an `EntityTable` while in the system.
struct Patient {
    enum Phase: UInt8 {
        /// Waiting for a place at `target` (holding the place at `unit`, if any).
        case waiting
        /// Being served at `unit` (a stay is running).
        case inService
        /// Acute ward: medically optimised, discharge process or assessment running.
        case nctrDelay
        /// Acute ward: medically optimised, waiting for a place in the pathway's service.
        case nctrWaiting
    }

    var attributes: AttributeValues
    var person: Int32
    /// The unit whose place the patient holds, and the resource of that place (an area, a pool), or -1.
    var unit: Int32 = -1
    var resource: Int32 = -1
    /// The unit the patient has asked for a place in, and the resource asked for, or -1.
    var target: Int32 = -1
    var requested: Int32 = -1
    /// The destination (route outcome) or pathway drawn on entering `unit`.
    var next: Int32 = 0
    var phase: Phase = .waiting
    /// This episode came through the ambulance handover (ambulance-first areas serve it first).
    var byAmbulance: Bool
    /// Arrival at the front door: the episode's clock for handover, ED and decision-to-admit times.
    var arrivalTime: SimTime
    /// ED: when admission was decided (the end of the assessment), and whether the patient is boarding now.
    var decisionToAdmit: SimTime = 0
    var boarding = false
    /// Acute ward: the pool asked for (home pool), and whether the bed held is in another pool (an outlier).
    var homePlace: Int16 = 0
    var outlier = false
    /// ED: the area the patient was streamed to (its assessment and outcomes apply wherever a place was found).
    var streamedArea: Int16 = -1
    /// Admission to an acute bed.
    var admissionTime: SimTime = 0
    /// End of the acute phase.
    var nctrStart: SimTime = 0
    /// Acute ward, NCTR: why the patient is still in the bed (index into the run's NCTR reasons: 0 process or
    /// assessment, then waiting for each service), or -1 outside NCTR.
    var nctrReason: Int8 = -1
    /// While NCTR (`nctrReason >= 0`): the patient's position in `SystemSimulation.nctrPatients`.
    var nctrSlot: Int32 = -1
    /// The acute ward this episode was admitted to, or -1.
    var acuteUnit: Int32 = -1
    /// Events about this patient carry the token they were scheduled with; a new token (from a run-wide
    /// counter, so a reused slot never matches an old event) makes pending ones stale.
    var token: UInt32
    /// When the patient last asked for a place (the UCR clock starts at referral).
    var requestedAt: SimTime = 0
    /// The scheduled end of the acute phase (for bed-days released by step-down).
    var acuteEnd: SimTime = 0
    /// The virtual ward this inpatient may step down to, or -1.
    var stepDownWard: Int32 = -1
    /// An elective patient (on a list or in a bed for a planned stay), with the elective unit, or -1.
    var electiveUnit: Int32 = -1
    /// Elective: the start of the referral-to-treatment clock (the list is served by priority, then longest
    /// wait; a cancellation keeps the date). UCR: when the referral was received.
    var referralTime: SimTime = 0
    /// Elective: when the patient joined the list (the decision to admit; priority targets count from it).
    var listedAt: SimTime = 0
    /// Elective: the clinical priority (index into the list's priorities), and whether a day case.
    var electivePriority: Int8 = 0
    var dayCase = false
    /// UCR: the referral was received while the service was closed (out of scope of the 2-hour standard).
    var ucrOutOfHours = false
    /// Admitted to the current virtual ward by step-up (not step-down).
    var steppedUp = false
    /// The pathway drawn on admission to an acute ward (kept after a step-down: the need the patient has).
    var pathway: Int16 = 0
    /// A step-up turned away by a full virtual ward: the share of that ward held by stepped-down patients then
    /// (the acute bed-days this patient then spends count against `bed_days_released` at this weight).
    var displacedShare: Float = 0
    /// The neighbourhood team that works with this resident (frail, in its neighbourhood), or -1.
    var team: Int8 = -1
    /// Time added to the next stay that starts (an ambulance hand-over, which happens in the ED's cubicle).
    var startDelay: SimTime = 0
}

/// Where a person is, for the 91-day follow-up.
enum PersonState: UInt8 {
    case hospital, beddedCare, homeWithCare, home, careHome, dead

    var atHome: Bool { self == .home || self == .homeWithCare }
}

/// A person followed across episodes: episodes, follow-ups and pending events refer to it.
struct Person {
    var state: PersonState = .hospital
    /// Episodes, follow-up records and scheduled events that refer to this person.
    var references: Int32 = 0
    /// The latest acute discharge (for 30-day readmissions), or -infinity.
    var lastDischarge: SimTime = -.infinity
    /// The follow-up record of that discharge, or -1.
    var lastRecord: Int32 = -1
    /// Kept for readmissions: the person comes back with the same attributes.
    var attributes: AttributeValues
    /// The person's episode now in the system (its patient id), or -1.
    var patient: Int32 = -1
    /// The 91-day events pending: scheduled from unit `followUpUnit`, tagged `followUpSerial` (a later discharge
    /// takes a new serial, so earlier events go stale), and, for an acute follow-up, running until `followUpUntil`.
    var followUpSerial: UInt32 = 0
    var followUpUnit: Int32 = -1
    var followUpUntil: SimTime = -.infinity
}

/// The 91-day follow-up of one acute discharge.
struct FollowUp {
    var person: Int32
    var dischargeTime: SimTime
    /// Aged 65+ and discharged into reablement or rehabilitation: counted in `home_at_91_days_percent`.
    var cohort: Bool
    var pathway: Int32
    /// The ward's chance per NCTR day of losing independence, and the NCTR days there (deconditioning).
    var independenceLossPerDay: Double
    var nctrDays: Double
    /// Discharged after warm-up with the whole 91 days inside the run: counted in the metrics.
    var counted: Bool
    var readmittedWithin30Days = false
}

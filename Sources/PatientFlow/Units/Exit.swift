import SimCore
import Stochastics

/// Where a patient ends: home, care home, died. Starts the 91-day follow-up.
public struct ExitSpec: Sendable {
    public enum Destination: String, Sendable, CaseIterable { case home, careHome = "care_home", died }
    public var destination: Destination
    /// Within 91 days of leaving: the chance of an emergency readmission, and when (given one).
    public var readmission: Keyed<Double>
    /// Multiplies the readmission chance (e.g. by frailty).
    public var readmissionFactor: Keyed<Double>
    public var readmissionTime: Keyed<Distribution>
    /// Where a readmitted patient goes first (e.g. the ambulance handover or the ED).
    public var readmissionRoute: Keyed<Outcome>?
    /// Within 91 days: the chance of death and of a move into a care home, and when.
    public var death: Keyed<Double>
    public var careHomeMove: Keyed<Double>
    public var eventTime: Keyed<Distribution>
    /// The same as the follow-up the exit gives people with no acute follow-up running.
    public var after: AfterDischargeSpec {
        AfterDischargeSpec(readmission: readmission, readmissionFactor: readmissionFactor, readmissionTime: readmissionTime,
                           readmissionRoute: readmissionRoute,
                           death: death, careHomeMove: careHomeMove, eventTime: eventTime)
    }
    public init(destination: Destination, readmission: Keyed<Double>, readmissionTime: Keyed<Distribution>,
                readmissionRoute: Keyed<Outcome>?, death: Keyed<Double>, careHomeMove: Keyed<Double>,
                eventTime: Keyed<Distribution>, readmissionFactor: Keyed<Double> = Keyed(1)) {
        self.readmissionFactor = readmissionFactor
        self.destination = destination
        self.readmission = readmission
        self.readmissionTime = readmissionTime
        self.readmissionRoute = readmissionRoute
        self.death = death
        self.careHomeMove = careHomeMove
        self.eventTime = eventTime
    }
}

/// Where an episode ends: home, a care home, or death. It holds no places; leaving the hospital schedules the
/// simulated events of the 91 days after (readmission, a care-home move, death).
final class ExitUnit: FlowUnit {
    let destination: ExitSpec.Destination
    let after: AfterDischarge

    init(_ spec: UnitSpec, _ x: ExitSpec, index: Int, streams: UnitStreams) {
        destination = x.destination
        after = AfterDischarge(x.after)
        super.init(spec, index: index, places: [], streams: streams)
    }

    override var endsInDeath: Bool { destination == .died }
    override var afterDischarge: AfterDischarge? { after }

    /// The episode ends here. People with no acute follow-up running get the exit's own 91 days of events.
    override func passThrough(_ p: Int, _ s: SystemSimulation) {
        if s.trace != nil { s.traceEvent(p, index, .exit) }
        let person = Int(s.patients[p].person)
        let attributes = s.patients[p].attributes
        s.removePatient(p)
        switch destination {
        case .died: s.persons[person].state = .dead
        case .careHome: s.persons[person].state = .careHome
        case .home: s.persons[person].state = .home
        }
        if destination != .died && s.sim.now >= s.persons[person].followUpUntil {
            var pCare = after.spec.careHomeMove.value(attributes)
            let r = Int(s.persons[person].lastRecord)
            if r >= 0 && s.records.contains(r) { pCare = 1 - (1 - pCare) * s.independenceRetained(record: r) }
            s.scheduleAfterDischarge(person: person, attributes: attributes, next: 0, nctrDays: 0, from: index, after,
                                     careHomeMove: destination == .home ? pCare : 0, streams.followUp)
        }
        s.release(person: person)
    }
}

import SimCore
import Stochastics

/// Where a patient ends: home, care home, died. Starts the 91-day follow-up.
public struct ExitSpec: Sendable {
    public enum Destination: String, Sendable, CaseIterable { case home, careHome = "care_home", died }
    public var destination: Destination
    /// Within 91 days of leaving: the chance of an emergency readmission, and when (given one).
    public var readmission: Keyed<Double>
    public var readmissionTime: Keyed<Distribution>
    /// Where a readmitted patient goes first (e.g. the ambulance handover or the ED).
    public var readmissionRoute: Keyed<Outcome>?
    /// Within 91 days: the chance of death and of a move into a care home, and when.
    public var death: Keyed<Double>
    public var careHomeMove: Keyed<Double>
    public var eventTime: Keyed<Distribution>
    public init(destination: Destination, readmission: Keyed<Double>, readmissionTime: Keyed<Distribution>,
                readmissionRoute: Keyed<Outcome>?, death: Keyed<Double>, careHomeMove: Keyed<Double>,
                eventTime: Keyed<Distribution>) {
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
    let readmission: Keyed<Double>
    let readmissionTime: Keyed<Distribution>
    let readmissionRoute: Keyed<Outcome>?
    let death: Keyed<Double>
    let careHomeMove: Keyed<Double>
    let eventTime: Keyed<Distribution>

    init(_ spec: UnitSpec, _ x: ExitSpec, index: Int, streams: UnitStreams) {
        let copy = x.replicaCopy()
        destination = copy.destination
        readmission = copy.readmission
        readmissionTime = copy.readmissionTime
        readmissionRoute = copy.readmissionRoute
        death = copy.death
        careHomeMove = copy.careHomeMove
        eventTime = copy.eventTime
        super.init(spec, index: index, places: [], streams: streams)
    }

    override var endsInDeath: Bool { destination == .died }

    /// The episode ends here.
    override func passThrough(_ p: Int, _ s: SystemSimulation) {
        if s.trace != nil { s.traceEvent(p, index, .exit) }
        let pt = s.patients.remove(p)
        s.conservation.left += 1
        s.conservation.present -= 1
        let person = Int(pt.person)
        switch destination {
        case .died: s.persons[person].state = .dead
        case .careHome: s.persons[person].state = .careHome
        case .home: s.persons[person].state = .home
        }
        if destination != .died { scheduleAfterDischargeEvents(person: person, attributes: pt.attributes, s) }
        s.release(person: person)
    }

    /// Readmission, death and care-home moves after leaving, each within 91 days, as simulated events.
    func scheduleAfterDischargeEvents(person: Int, attributes a: AttributeValues, _ s: SystemSimulation) {
        let stream = streams.followUp
        let window = 91 * Duration.day
        if readmissionRoute != nil, stream.bernoulli(readmission.value(a)) {
            let t = readmissionTime.value(a).sample(stream, within: window)
            s.persons[person].references += 1
            s.sim.schedule(after: t, priority: .arrival, .readmission(person: Int32(person), exit: Int32(index)))
        }
        if destination == .home {
            var pCare = careHomeMove.value(a)
            let r = Int(s.persons[person].lastRecord)
            if r >= 0 && s.records.contains(r) { pCare = 1 - (1 - pCare) * s.independenceRetained(record: r) }
            if stream.bernoulli(pCare) {
                s.persons[person].references += 1
                s.sim.schedule(after: eventTime.value(a).sample(stream, within: window), priority: .normal,
                               .careHomeMove(person: Int32(person)))
            }
        }
        if stream.bernoulli(death.value(a)) {
            s.persons[person].references += 1
            s.sim.schedule(after: eventTime.value(a).sample(stream, within: window), priority: .normal,
                           .death(person: Int32(person)))
        }
    }

    /// A person discharged here comes back through the readmission route, as a new episode, if still at home
    /// or in a care home.
    func readmit(person: Int, _ s: SystemSimulation) {
        guard let route = readmissionRoute,
              s.persons[person].state == .home || s.persons[person].state == .careHome else { return }
        let attrs = s.persons[person].attributes
        let p = s.newPatient(attributes: attrs, person: person, byAmbulance: false)
        let first = route.value(attrs).sample(streams.route)
        let ambulance = s.units[first].kind == .ambulanceHandover
        s.patients[p].byAmbulance = ambulance
        if let m = s.arrivalMode { s.patients[p].attributes[m.attribute] = ambulance ? m.ambulance : m.walkIn }
        s.moveTo(p, unit: first)
    }
}

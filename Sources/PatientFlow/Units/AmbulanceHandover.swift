import SimCore
import Stochastics

/// Ambulances waiting to hand over to the next unit (the ED); the crew is held meanwhile.
public struct HandoverSpec: Sendable {
    /// Time to hand over once a cubicle is free.
    public var handover: Keyed<Distribution>
    public var route: Keyed<Outcome>
    public init(handover: Keyed<Distribution>, route: Keyed<Outcome>) {
        self.handover = handover
        self.route = route
    }
}

/// Ambulances waiting to hand over: the crew holds an (unlimited) place here while it waits for a place at the
/// next unit; the hand-over itself happens once that place is granted, and is added to the next unit's stay.
final class HandoverUnit: FlowUnit {
    let handover: Keyed<Distribution>
    let next: Keyed<Outcome>

    init(_ spec: UnitSpec, _ h: HandoverSpec, index: Int, places: [Place], streams: UnitStreams) {
        let copy = h.replicaCopy()
        handover = copy.handover
        next = copy.route
        super.init(spec, index: index, places: places, streams: streams)
    }


    /// The crew waits with the patient for a place at the next unit (the ED).
    override func enter(_ p: Int, from: Int, _ s: SystemSimulation) {
        let dest = next.sample(s.patients[p].attributes, streams.route)
        s.patients[p].next = Int32(dest)
        s.moveTo(p, unit: dest)
    }

    /// The handover completes once the next place is free: its clock ran from the episode's arrival, and the
    /// hand-over itself starts the patient's stay there.
    override func leaving(_ p: Int, to dest: Int, _ s: SystemSimulation) {
        let extra = handover.sample(s.patients[p].attributes, streams.stay)
        s.patients[p].startDelay = extra
        if s.countsDay { s.metrics.handover(time: s.sim.now - s.patients[p].arrivalTime + extra, at: s.sim.now) }
    }
}

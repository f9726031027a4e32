import SimCore
import Stochastics

/// The emergency department: cubicles with an assessment and an outcome (home, admission, a virtual ward).
/// Admitted patients keep their cubicle until a bed is free (boarding), so full beds hold ambulances at the door.
/// Its spec is a `ServiceSpec` (places = cubicles, stay = assessment).
final class EmergencyDepartmentUnit: ServiceUnit {
    /// The outcome, adjusted for residents a neighbourhood team works with (more step-up).
    override func destination(_ p: Int, _ s: SystemSimulation) -> Int {
        s.route(next, of: index, for: p).value(s.patients[p].attributes).sample(streams.route)
    }

    /// ED time runs from the episode's arrival (ambulance patients: from the ambulance's arrival) to leaving the
    /// cubicle, for a bed if admitted.
    override func leaving(_ p: Int, to dest: Int, _ s: SystemSimulation) {
        if s.warmedUp { s.metrics.edDeparture(los: s.sim.now - s.patients[p].arrivalTime) }
    }
}

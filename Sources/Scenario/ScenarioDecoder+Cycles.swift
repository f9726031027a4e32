import PatientFlow
import SimCore
import Stochastics

/// Checks on the decoded units as a whole: the patients the run starts with. (Loops a patient could go round in
/// no time are `SystemSpec.problems()`, shared with `SystemBuilder`.)
extension ScenarioDecoder {
    /// Initial occupancy, initial queues and initial elective lists together hold at most
    /// `SystemSimulation.maximumPatientsPresent` patients: the run would stop at once (after allocating them all)
    /// if they held more.
    func initialPatientLimit(_ units: [UnitSpec], _ entries: [ScenarioNode.Entry], _ path: NodePath) {
        let limit = SystemSimulation.maximumPatientsPresent
        let total = SystemSpec.initialPatients(of: units)
        guard total > limit, let first = entries.first(where: { $0.value["initial"] != nil || $0.value["initial_list"] != nil })
        else { return }
        report(first.value["initial"] ?? first.value["initial_list"] ?? first.value, path.key(first.key),
               "the units start with \(total) patients in all (initial occupancy, queues and elective lists); at most "
               + "\(limit) patients may be in the system at once")
    }
}

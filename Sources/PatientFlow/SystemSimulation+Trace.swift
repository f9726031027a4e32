import SimCore

/// Per-patient traces (`flowsim run --trace`, docs/trace.md): one `TraceEvent` per movement, request and grant.
///
/// Nothing here runs unless `trace` is set: every call site is `if trace != nil { ... }`, so a run without a
/// trace pays one nil check per movement (decision 160).
extension SystemSimulation {
    /// One line of a per-patient trace: when, which episode (and person), where, what happened.
    public struct TraceEvent: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            /// A new episode: an arrival, a readmission, a referral to an elective list, a patient present at the
            /// start (at the unit that made it: the arrivals unit, the unit whose follow-up returned the person, the
            /// list, the unit it starts in).
            case arrive
            /// Asks for a place at `unit` (`place`: the area or pool asked for), keeping the place it holds.
            case request
            /// The request could not be met at once: the patient waits in the place's queue (blocked where it is).
            case blocked
            /// A place is given (`place`: the place given, which may be an outlier pool or an overflow area).
            case granted
            /// A waiting request taken back (the stay ended outside hospital, or the unit chose another route).
            case withdrawn
            /// A blocked patient moved to a free place of the same unit while still waiting (ED boarding).
            case transfer
            /// Takes the place (right after `granted`; patients present at the start enter at time 0 without one).
            case enter
            /// Gives up the place held at `unit` (to take the one granted, or to leave).
            case leave
            /// The episode ends: an exit unit, or a stay outside hospital ended by a 91-day event.
            case exit
        }
        public var time: SimTime
        /// The patient's slot (reused after the episode ends; `episode` is the stable id).
        public var patient: Int
        /// The episode: numbered from 0 in order of creation within the replication.
        public var episode: Int
        /// The person: numbered from 0 in order of first episode; readmissions keep it.
        public var person: Int
        public var unit: String
        /// The place (the unit's own name, or "<unit>.<area or pool>") the event concerns, if any.
        public var place: String
        public var kind: Kind
        /// The patient's attributes at the event (levels, in the order of `SystemSpec.attributes`).
        public var attributes: AttributeValues
    }

    /// Stable ids for a trace: episode and person serials by slot (slots are reused, serials never).
    final class TraceIds {
        var episodeOfSlot: [Int] = []
        var personOfSlot: [Int] = []
        var episodes = 0
        var persons = 0

        func newEpisode(slot p: Int, person: Int, newPerson: Bool) {
            if episodeOfSlot.count <= p { episodeOfSlot += repeatElement(-1, count: p + 1 - episodeOfSlot.count) }
            if personOfSlot.count <= person { personOfSlot += repeatElement(-1, count: person + 1 - personOfSlot.count) }
            episodeOfSlot[p] = episodes
            episodes += 1
            if newPerson || personOfSlot[person] < 0 {
                personOfSlot[person] = persons
                persons += 1
            }
        }
    }

    /// Numbers a new episode (and, if `newPerson`, its person). Only called when tracing.
    func traceNewEpisode(_ p: Int, newPerson: Bool) {
        if traceIds == nil { traceIds = TraceIds() }
        traceIds!.newEpisode(slot: p, person: Int(patients[p].person), newPerson: newPerson)
    }

    /// Sends one event about patient `p` at unit `unit` to `trace`; `resource` is the place concerned (by
    /// default the one the patient holds).
    func traceEvent(_ p: Int, _ unit: Int, _ kind: TraceEvent.Kind, resource: Int? = nil) {
        guard let trace else { return }
        let r = resource ?? Int(patients[p].resource)
        let slot = Int(patients[p].person)
        trace(TraceEvent(time: sim.now, patient: p, episode: traceIds?.episodeOfSlot[p] ?? -1,
                         person: traceIds?.personOfSlot[slot] ?? -1, unit: units[unit].name,
                         place: r >= 0 ? placeOfResource[r].name : "", kind: kind, attributes: patients[p].attributes))
    }
}

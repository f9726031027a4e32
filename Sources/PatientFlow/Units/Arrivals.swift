import SimCore
import Stochastics

/// A demand stream creating patients (kind `arrivals`).
public struct ArrivalsSpec: Sendable {
    public enum Rate: Sendable {
        case profile(RateProfile)
        case dated(DatedRates)
    }
    public var rate: Rate
    /// The attribute mix: for each attribute in order, a choice of level, possibly keyed by earlier attributes.
    public var mix: [Keyed<EmpiricalChoice<Int>>?]
    /// Where new patients go first.
    public var route: Keyed<Outcome>
    /// Patients arriving through this stream came by ambulance (they count in handover metrics).
    public var byAmbulance: Bool
    /// Demand comes from the system's registered population: one stream per (neighbourhood, age band), with
    /// `rate` giving the total per day and the shapes, and neighbourhood and age set by the stream.
    public var fromPopulation: Bool
    /// The level of the `arrival_mode` attribute its patients arrive with (nil: ambulance if `byAmbulance`,
    /// else walk-in), e.g. `referral` for GP referrals to SDEC.
    public var arrivalMode: Int?
    public init(rate: Rate, mix: [Keyed<EmpiricalChoice<Int>>?], route: Keyed<Outcome>, byAmbulance: Bool,
                fromPopulation: Bool = false, arrivalMode: Int? = nil) {
        self.arrivalMode = arrivalMode
        self.rate = rate
        self.mix = mix
        self.route = route
        self.byAmbulance = byAmbulance
        self.fromPopulation = fromPopulation
    }
}

/// A demand stream: patients are created by the simulation's arrival streams (`ArrivalStream`) and sent on
/// by this unit's route; it holds no places.
final class ArrivalsUnit: FlowUnit {
    let mix: [Keyed<EmpiricalChoice<Int>>?]
    let firstRoute: Keyed<Outcome>
    let byAmbulance: Bool

    /// The `arrival_mode` level this stream's patients arrive with (nil without the attribute).
    let arrivalMode: Int?

    init(_ spec: UnitSpec, _ a: ArrivalsSpec, index: Int, streams: UnitStreams, context: BuildContext) {
        let copy = a.replicaCopy()
        mix = copy.mix
        firstRoute = copy.route
        byAmbulance = copy.byAmbulance
        if let m = context.arrivalMode {
            arrivalMode = copy.arrivalMode ?? (copy.byAmbulance ? m.ambulance : m.walkIn)
        } else {
            arrivalMode = nil
        }
        super.init(spec, index: index, places: [], streams: streams)
    }

}

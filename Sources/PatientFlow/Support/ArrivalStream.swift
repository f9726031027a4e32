import SimCore
import Stochastics

/// One Poisson demand stream: an arrivals unit, or one (neighbourhood, age band) of a population unit.
final class ArrivalStream {
    let unit: Int
    let process: PoissonArrivalsBox
    /// Attributes the stream sets (neighbourhood, age band): their levels, and a bit per attribute set.
    let fixedValues: AttributeValues
    let fixedMask: UInt32
    /// Inter-arrival draws, and the neighbourhood team's prevention draws, each on its own stream.
    let stream: RandomStream
    /// `stream`'s generator, read without reference counting.
    let source: RandomSource
    /// Made on first use: only streams whose residents a neighbourhood team works with draw from it.
    lazy var teamStream: RandomStream = makeTeamStream()
    private let makeTeamStream: () -> RandomStream
    /// Whether this stream is emergency demand (its route leads to the front door), which teams can prevent.
    let isEmergencyDemand: Bool
    /// The attributes an arrival draws, in order (`SystemSimulation.drawOrder(mix:mask:)` for the unit's mix and
    /// `fixedMask`), worked out once.
    let drawOrder: UnsafeMutableBufferPointer<Int>

    init(unit: Int, process: PoissonArrivalsBox, fixed: [(attribute: Int, level: Int)], mix: [Keyed<EmpiricalChoice<Int>>?],
         stream: RandomStream, teamStream: @escaping () -> RandomStream, isEmergencyDemand: Bool) {
        self.unit = unit
        self.process = process
        var values = AttributeValues(), mask: UInt32 = 0
        for f in fixed {
            values[f.attribute] = f.level
            mask |= 1 << UInt32(f.attribute)
        }
        fixedValues = values
        fixedMask = mask
        let order = SystemSimulation.drawOrder(mix: mix, mask: mask)
        drawOrder = .allocate(capacity: order.count)
        _ = drawOrder.initialize(from: order)
        self.stream = stream
        source = stream.source
        self.makeTeamStream = teamStream
        self.isEmergencyDemand = isEmergencyDemand
    }

    deinit { drawOrder.deallocate() }

    static func build(spec: SystemSpec, replication: Int) -> [ArrivalStream] {
        var streams: [ArrivalStream] = []
        func random(_ name: String) -> RandomStream {
            RandomStream(seed: spec.seed, replication: replication, name: name, kind: spec.generator)
        }
        for (u, unit) in spec.units.enumerated() {
            guard case .arrivals(let a) = unit.kind else { continue }
            let arrivals = a  // `a` is the age band below
            let emergency = a.route.values.contains { choice in
                choice.values.contains { d in
                    let kind = spec.units[d].kind.kindName
                    return kind == .ambulanceHandover || kind == .emergencyDepartment
                }
            }
            guard a.fromPopulation, let pop = spec.population, case .profile(let profile) = a.rate else {
                streams.append(ArrivalStream(unit: u, process: PoissonArrivalsBox(a.rate), fixed: [], mix: a.mix,
                                             stream: random("\(unit.name)/arrivals"), teamStream: { random("\(unit.name)/team") },
                                             isEmergencyDemand: emergency))
                continue
            }
            // Shares: the registered list weighted by relative rates, and the stream's age mix.
            let weights = pop.neighbourhoods.map { Double($0.registered) * $0.relativeRate }
            let total = weights.reduce(0, +)
            let ageLevels = spec.attributes[pop.ageAttribute].levels.count
            var ageShare = Array(repeating: 1 / Double(ageLevels), count: ageLevels)
            if let mix = a.mix[pop.ageAttribute], mix.keys.isEmpty {
                let choice = mix.value(AttributeValues())
                ageShare = Array(repeating: 0, count: ageLevels)
                for (level, p) in zip(choice.values, choice.probabilities) { ageShare[level] += p }
            }
            let yearsFromBase = Double(spec.calendar.startDate.daysSinceEpoch - pop.baseDate.daysSinceEpoch) / 365
            for (n, hood) in pop.neighbourhoods.enumerated() {
                for a in 0..<ageLevels where ageShare[a] > 0 && weights[n] > 0 {
                    let g = pop.growthByAge[a]
                    let grown = _pow(1 + g, yearsFromBase)
                    let rate = RateProfile(perDay: profile.perDay * weights[n] / total * ageShare[a] * grown,
                                           hourOfDay: profile.hourOfDay, dayOfWeek: profile.dayOfWeek,
                                           monthOfYear: profile.monthOfYear, growthPerYear: g, calendar: profile.calendar)
                    let name = "\(unit.name)/arrivals/\(hood.name)/\(spec.attributes[pop.ageAttribute].levels[a])"
                    streams.append(ArrivalStream(unit: u, process: PoissonArrivalsBox(.profile(rate)),
                                                 fixed: [(pop.attribute, n), (pop.ageAttribute, a)], mix: arrivals.mix,
                                                 stream: random(name), teamStream: { random("\(name)/team") },
                                                 isEmergencyDemand: emergency))
                }
            }
        }
        return streams
    }
}

/// A Poisson arrival process over either kind of rate, one per replication (its profile caches a day's rate).
final class PoissonArrivalsBox {
    let profile: DailyCachedProfile?
    /// `profile`, lent to each call without reference counting (`profile` keeps it alive).
    private let profileRef: Unmanaged<DailyCachedProfile>?
    let dated: PoissonArrivals<DatedRates>?

    init(_ rate: ArrivalsSpec.Rate) {
        switch rate {
        case .profile(let p):
            let cached = DailyCachedProfile(p)
            profile = cached
            profileRef = .passUnretained(cached)
            dated = nil
        case .dated(let d):
            dated = PoissonArrivals(rate: d)
            profile = nil
            profileRef = nil
        }
    }

    @inline(__always) func next(after t: SimTime, unitExponential e: Double, horizon: SimTime) -> SimTime? {
        if let profileRef {
            return profileRef._withUnsafeGuaranteedRef { $0.next(after: t, unitExponential: e, horizon: horizon) }
        }
        return dated.unsafelyUnwrapped.next(after: t, unitExponential: e, horizon: horizon)
    }
}

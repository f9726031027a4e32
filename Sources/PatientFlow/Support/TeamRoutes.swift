import Stochastics

/// Routes adjusted for neighbourhood-team residents: probabilities towards virtual wards x the team's
/// step-up factor, renormalised; one table per team and unit (nil where nothing changes).
enum TeamRoutes {
    static func build(spec: SystemSpec) -> [[Keyed<Outcome>?]] {
        guard let pop = spec.population else { return [] }
        let isVW = spec.units.map { $0.kind.kindName == .virtualWard }
        return pop.teams.map { team in
            spec.units.map { unit in
                unit.kind.route.flatMap { adjust($0, stepUpFactor: team.stepUpFactor, isVirtualWard: isVW) }
            }
        }
    }

    /// `route` with its probabilities towards virtual wards multiplied by `stepUpFactor` and renormalised, or nil
    /// if that changes nothing (a factor of 1, or no virtual ward on the route).
    static func adjust(_ route: Keyed<Outcome>, stepUpFactor: Double, isVirtualWard isVW: [Bool]) -> Keyed<Outcome>? {
        guard stepUpFactor != 1, route.values.contains(where: { $0.values.contains { isVW[$0] } }) else { return nil }
        return route.map { choice in
            let w = zip(choice.values, choice.probabilities).map { isVW[$0] ? $1 * stepUpFactor : $1 }
            return EmpiricalChoice(values: choice.values, weights: w) ?? choice
        }
    }
}

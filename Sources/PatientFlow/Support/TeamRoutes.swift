import Stochastics

/// Routes adjusted for neighbourhood-team residents: probabilities towards virtual wards x the team's
/// step-up factor, renormalised; one table per team and unit (nil where nothing changes).
enum TeamRoutes {
    static func build(spec: SystemSpec) -> [[Keyed<Outcome>?]] {
        guard let pop = spec.population else { return [] }
        let isVW = spec.units.map { $0.kind.kindName == .virtualWard }
        return pop.teams.map { team in
            spec.units.map { unit in
                guard team.stepUpFactor != 1, let route = unit.kind.route,
                      route.values.contains(where: { $0.values.contains { isVW[$0] } }) else { return nil }
                return route.map { choice in
                    let w = zip(choice.values, choice.probabilities).map { isVW[$0] ? $1 * team.stepUpFactor : $1 }
                    return EmpiricalChoice(values: choice.values, weights: w) ?? choice
                }
            }
        }
    }
}


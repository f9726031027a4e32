import Stochastics

/// The distribution families a scenario may name, their parameter keys, and how each becomes a `Distribution`.
enum DistributionForms {
    static let families = ["exponential", "lognormal", "gamma", "weibull", "uniform", "triangular", "normal",
                           "constant", "empirical"]

    static let expected = "a distribution: a duration (constant, e.g. 10min) or a mapping with one family: "
        + "{exponential: {mean: 20min}}, {lognormal: {mean: 7.9d, sd: 9d}}, {gamma: {mean: 2d, sd: 1d}}, "
        + "{weibull: {shape: 1.5, scale: 3d}}, {uniform: {low: 5min, high: 15min}}, "
        + "{triangular: {low: 1h, mode: 2h, high: 6h}}, {normal: {mean: 1h, sd: 10min}}, {constant: 30min}, "
        + "{empirical: {values: [1d, 2d], weights: [3, 1]}}"
}

extension ScenarioDecoder {
    /// A duration-valued distribution (not keyed): a bare duration means a constant.
    func distribution(_ node: ScenarioNode, _ path: NodePath) -> Distribution? {
        switch node.value {
        case .scalar:
            guard let v = duration(node, path) else { return nil }
            return .constant(v)
        case .mapping(let entries):
            guard entries.count == 1 else {
                if entries.isEmpty {
                    report(node, path, "expected \(DistributionForms.expected), found an empty mapping")
                } else {
                    let keys = entries.map(\.key)
                    let families = keys.filter { DistributionForms.families.contains($0) }
                    let why = families.count > 1 ? "one family, found \(Suggest.list(families))"
                        : "one key, the family name (\(DistributionForms.families.joined(separator: ", "))), found \(Suggest.list(keys))"
                    report(node, path, "a distribution has \(why)" + mergeHint(node))
                }
                return nil
            }
            let family = entries[0].key, params = entries[0].value, at = path.key(family)
            guard DistributionForms.families.contains(family) else {
                report(entries[0].keyLocation, at,
                       "unknown distribution '\(family)'\(Suggest.didYouMean(family, in: DistributionForms.families)). "
                       + "Allowed: \(DistributionForms.families.joined(separator: ", ")).")
                return nil
            }
            guard let d = family == "constant" ? duration(params, at).map(Distribution.constant)
                                               : parameters(family, params, at) else { return nil }
            if let reason = d.invalidReason {
                report(params, at, reason)
                return nil
            }
            return d
        default:
            expected(DistributionForms.expected, node, path)
            return nil
        }
    }

    private func parameters(_ family: String, _ node: ScenarioNode, _ path: NodePath) -> Distribution? {
        let allowed: [String]
        switch family {
        case "exponential": allowed = ["mean"]
        case "lognormal": allowed = ["mean", "sd", "mu", "sigma"]
        case "gamma": allowed = ["mean", "sd", "shape", "scale"]
        case "weibull": allowed = ["shape", "scale"]
        case "uniform": allowed = ["low", "high"]
        case "triangular": allowed = ["low", "mode", "high"]
        case "normal": allowed = ["mean", "sd"]
        case "empirical": allowed = ["values", "weights"]
        default: return nil
        }
        guard let f = fields(node, path, allowed: allowed, expected: "the \(family) parameters {\(allowed.joined(separator: ", "))}")
        else { return nil }
        let before = count

        /// A required duration parameter.
        func dur(_ key: String) -> Double? { f.required(key, Expect.duration).flatMap { duration($0, path.key(key)) } }
        /// A required plain-number parameter.
        func num(_ key: String, _ what: String) -> Double? { f.required(key, what).flatMap { number($0, path.key(key), what) } }
        /// Exactly one of two parameter forms.
        func form(_ a: [String], _ b: [String], _ describe: String) -> Bool? {
            let hasA = a.contains(where: f.has), hasB = b.contains(where: f.has)
            if hasA && hasB {
                report(node, path, "\(family) takes either \(describe), not both")
                return nil
            }
            return !hasB
        }

        switch family {
        case "exponential":
            guard let m = dur("mean") else { return nil }
            guard m > 0 else { report(node, path.key("mean"), "exponential mean must be > 0"); return nil }
            return .exponential(mean: m)
        case "lognormal":
            guard let moments = form(["mean", "sd"], ["mu", "sigma"],
                                     "{mean, sd} (durations) or {mu, sigma} (plain numbers: the mean and sd of log(minutes))")
            else { return nil }
            if moments {
                let m = dur("mean"), s = dur("sd")
                guard let m, let s else { return nil }
                guard m > 0 else { report(node, path.key("mean"), "lognormal mean must be > 0"); return nil }
                return .lognormal(mean: m, sd: s)
            }
            let what = "a plain number (lognormal mu and sigma are the mean and sd of log(minutes), not durations)"
            let mu = num("mu", what), sigma = num("sigma", what)
            guard let mu, let sigma else { return nil }
            return .lognormal(mu: mu, sigma: sigma)
        case "gamma":
            guard let moments = form(["mean", "sd"], ["shape", "scale"],
                                     "{mean, sd} (durations) or {shape (a plain number), scale (a duration)}")
            else { return nil }
            if moments {
                let m = dur("mean"), s = dur("sd")
                guard let m, let s else { return nil }
                guard m > 0, s > 0 else { report(node, path, "gamma mean and sd must be > 0"); return nil }
                return .gamma(mean: m, sd: s)
            }
            let k = num("shape", "a plain number > 0 (the gamma shape)"), th = dur("scale")
            guard let k, let th else { return nil }
            return .gamma(shape: k, scale: th)
        case "weibull":
            let k = num("shape", "a plain number > 0 (the weibull shape)"), l = dur("scale")
            guard let k, let l else { return nil }
            return .weibull(scale: l, shape: k)
        case "uniform":
            let a = dur("low"), b = dur("high")
            guard let a, let b else { return nil }
            return .uniform(low: a, high: b)
        case "triangular":
            let a = dur("low"), c = dur("mode"), b = dur("high")
            guard let a, let b, let c else { return nil }
            return .triangular(low: a, mode: c, high: b)
        case "normal":
            let m = dur("mean"), s = dur("sd")
            guard let m, let s else { return nil }
            return .truncatedNormal(mean: m, sd: s)
        case "empirical":
            guard let vNode = f.required("values", "a list of durations") else { return nil }
            guard let items = sequence(vNode, path.key("values"), "a list of durations") else { return nil }
            guard !items.isEmpty else { report(vNode, path.key("values"), "needs at least one value"); return nil }
            let values = items.enumerated().compactMap { duration($1, path.key("values").index($0)) }
            var w = [Double](repeating: 1, count: items.count)
            if let wNode = f["weights"] {
                guard let ws = weights(wNode, path.key("weights"), count: items.count, "the values") else { return nil }
                w = ws
            }
            guard count == before, values.count == items.count,
                  let choice = EmpiricalChoice(values: values, weights: w) else { return nil }
            return .empirical(choice)
        default:
            return nil
        }
    }
}

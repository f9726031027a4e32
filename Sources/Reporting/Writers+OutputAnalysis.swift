/// The files of `flowsim replications` and `flowsim warmup`.
extension Writers {
    /// `replications.csv`: n, metric, mean, lower, upper, half_width, relative_half_width (the raw t-interval,
    /// not clipped: it measures precision). Empty fields where there is no interval yet (n = 1).
    public static func replicationsCurveCSV(_ study: ReplicationsStudy) -> String {
        var s = "n,metric,mean,lower,upper,half_width,relative_half_width\n"
        for n in 1...max(1, study.replicationsRead) {
            for (m, id) in study.metrics.enumerated() {
                guard let p = study.point(m, at: n) else { continue }
                s += "\(n),\(csv(id)),\(cnum(p.mean)),\(cnum(p.lower)),\(cnum(p.upper)),\(cnum(p.halfWidth)),"
                    + "\(cnum(p.relativeHalfWidth))\n"
            }
        }
        return s
    }

    /// `answer.json` of `replications`: the answer (null if not found), each metric's own answer and its interval
    /// at the answer (or at the last replication read), and the settings.
    public static func replicationsAnswerJSON(_ study: ReplicationsStudy) -> String {
        let a = study.algorithm
        let precision: String
        switch a.precision {
        case .relative(let r): precision = "{\"relative\": \(num(r))}"
        case .absolute(let v): precision = "{\"absolute\": \(num(v))}"
        }
        let at = study.answer ?? study.replicationsRead
        let metrics = study.metrics.enumerated().map { m, id -> String in
            let p = study.point(m, at: at)
            return "    {\"metric\": \(json(id)), \"replications\": \(study.perMetric[m].map(String.init) ?? "null"), "
                + "\"at\": \(at), \"mean\": \(num(p?.mean ?? .nan)), \"half_width\": \(num(p?.halfWidth ?? .nan)), "
                + "\"relative_half_width\": \(num(p?.relativeHalfWidth ?? .nan))}"
        }
        return "{\n  \"answer\": \(study.answer.map(String.init) ?? "null"),\n  \"met\": \(study.answer != nil),\n"
            + "  \"precision\": \(precision),\n  \"confidence\": 0.95,\n"
            + "  \"initial_replications\": \(a.initial),\n  \"look_ahead\": \(a.lookAhead),\n"
            + "  \"replications_read\": \(study.replicationsRead),\n  \"max_replications\": \(study.maxReplications),\n"
            + "  \"seed\": \(json(String(study.seed))),\n"
            + "  \"metrics\": [\n" + metrics.joined(separator: ",\n") + "\n  ]\n}\n"
    }

    /// `warmup.csv`: day (from the start of the run), metric, mean across replications, and MSER(d) on the
    /// first day of each batch d it was computed for (empty elsewhere).
    public static func warmupCSV(_ study: WarmupStudy) -> String {
        var s = "day,metric,mean,mser\n"
        for (m, id) in study.metrics.enumerated() {
            let r = study.results[m]
            for (day, v) in study.means[m].enumerated() {
                var mser = ""
                if let r, day % r.batch == 0, day / r.batch < r.statistic.count { mser = cnum(r.statistic[day / r.batch]) }
                s += "\(day),\(csv(id)),\(cnum(v)),\(mser)\n"
            }
        }
        return s
    }

    /// `answer.json` of `warmup`: the suggestion in days (the largest over the metrics), each metric's own, and
    /// the scenario's current warm-up.
    public static func warmupAnswerJSON(_ study: WarmupStudy) -> String {
        let metrics = study.metrics.enumerated().map { m, id -> String in
            let r = study.results[m]
            return "    {\"metric\": \(json(id)), \"warm_up_days\": \(r.map { String($0.points) } ?? "null"), "
                + "\"batches\": \(r.map { String($0.batches) } ?? "null"), \"days\": \(study.means[m].count)}"
        }
        let current = study.currentWarmUpDays
        return "{\n  \"suggested_warm_up_days\": \(study.suggestedDays.map(String.init) ?? "null"),\n"
            + "  \"current_warm_up_days\": \(pnum(current)),\n"
            + "  \"current_is_enough\": \(study.suggestedDays.map { Double($0) <= current ? "true" : "false" } ?? "null"),\n"
            + "  \"method\": \"MSER-5\",\n  \"batch_days\": 5,\n"
            + "  \"replications\": \(study.replications),\n  \"seed\": \(json(String(study.seed))),\n"
            + "  \"metrics\": [\n" + metrics.joined(separator: ",\n") + "\n  ]\n}\n"
    }
}

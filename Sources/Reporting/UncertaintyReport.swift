import PatientFlow

/// An uncertainty analysis as people and tools read it: a terminal summary, CSV and JSON files, report sections.
public struct UncertaintyReport: Sendable {
    public var analysis: UncertaintyAnalysis
    public var targets: [Target]
    /// Each dimension's name and law, as written.
    public var laws: [(name: String, law: String)]
    /// Samples asked for (more than `analysis.samples` after an interrupt).
    public var planned: Int
    public let spreads: [UncertaintyAnalysis.Spread]
    public let differences: [UncertaintyAnalysis.Difference]
    public let best: [(metric: String, probabilities: [Double], samples: Int)]
    /// `tornado[(option, metric)]`: the PRCC of each dimension (option 0: the baseline's own value).
    public let tornado: [(option: String, metric: String, prcc: [Double])]

    public init(analysis: UncertaintyAnalysis, targets: [Target], laws: [(name: String, law: String)], planned: Int) {
        self.analysis = analysis
        self.targets = targets
        self.laws = laws
        self.planned = planned
        spreads = analysis.spreads()
        differences = analysis.differences()
        best = analysis.probabilityBest()
        var t: [(option: String, metric: String, prcc: [Double])] = []
        let options = analysis.scenarios.count > 1 ? Array(1..<analysis.scenarios.count) : [0]
        for j in options {
            for (m, id) in analysis.metrics.enumerated() {
                t.append((analysis.scenarios[j], id, analysis.partialRankCorrelations(analysis.output(option: j, metric: m))))
            }
        }
        tornado = t
    }

    var baseline: String { analysis.scenarios[0] }

    // MARK: Terminal

    public func text() -> String {
        let a = analysis
        var s = "\(a.samples) samples" + (a.samples < planned ? " of \(planned) (interrupted)" : "") + " of \(laws.count) uncertain values"
            + " x \(a.scenarios.count) scenario\(a.scenarios.count == 1 ? "" : "s") x \(a.replications) replications\n"
        s += "uncertain values: " + laws.map { "\($0.name) ~ \($0.law)" }.joined(separator: "; ") + "\n"
        s += "replications whose queues grew without bound: "
            + a.scenarios.indices.map { "\(a.scenarios[$0]) \(TableWriter.fixed(100 * a.unstableShare($0), 1))%" }.joined(separator: ", ") + "\n\n"
        var rows: [[String]] = [["metric", "scenario", "mean", "p5", "p50", "p95", "replication error"]]
        for x in spreads {
            let u = MetricCatalog.info(for: x.metric)?.unit
            rows.append([x.metric, x.scenario, TableWriter.format(x.mean, unit: u), TableWriter.format(x.p5, unit: u),
                         TableWriter.format(x.p50, unit: u), TableWriter.format(x.p95, unit: u), "±" + TableWriter.format(x.replicationError, unit: u)])
        }
        s += "Spread of the sample means across samples (what the uncertain values do); replication error: the\n"
            + "standard error of one sample's mean (what \(a.replications) replications leave)\n" + TableWriter.render(rows, rightAligned: [2, 3, 4, 5, 6])
        if !differences.isEmpty {
            var d: [[String]] = [["metric", "option", "expected difference (95% CI)", "p5 .. p95", "P(better)"]]
            for x in differences {
                let u = MetricCatalog.info(for: x.metric)?.unit, e = x.expected
                d.append([x.metric, x.option,
                          "\(TableWriter.signed(e.mean, unit: u)) (\(TableWriter.signed(e.lower, unit: u)) .. \(TableWriter.signed(e.upper, unit: u)))",
                          "\(TableWriter.signed(x.p5, unit: u)) .. \(TableWriter.signed(x.p95, unit: u))",
                          x.probabilityBetter.isNaN ? "-" : TableWriter.fixed(x.probabilityBetter, 2)])
            }
            s += "\nOption - \(baseline) over the samples\n" + TableWriter.render(d, rightAligned: [2, 3, 4])
        }
        if a.scenarios.count > 1 && !best.isEmpty {
            var b: [[String]] = [["metric"] + a.scenarios]
            for x in best { b.append([x.metric] + x.probabilities.map { TableWriter.fixed($0, 2) }) }
            s += "\nProbability each scenario is best (share of samples)\n" + TableWriter.render(b, rightAligned: Set(1...a.scenarios.count))
        }
        for t in targets {
            guard let p = a.probabilityMeeting(t) else { continue }
            s += "\nP(\(t)): " + zip(a.scenarios, p).map { "\($0) \(TableWriter.fixed($1, 2))" }.joined(separator: ", ") + "\n"
        }
        s += "\nWhat drives it (partial rank correlation with " + (a.scenarios.count > 1 ? "the difference from \(baseline)" : "the value")
            + "; |PRCC| near 1: this value decides it)\n"
        var t: [[String]] = [["metric", "option"] + a.dimensions]
        for x in tornado { t.append([x.metric, x.option] + x.prcc.map { $0.isNaN ? "-" : TableWriter.fixed($0, 2) }) }
        s += TableWriter.render(t, rightAligned: Set(2..<(2 + a.dimensions.count)))
        return s
    }

    // MARK: Files

    public func files() -> [(String, String)] {
        let a = analysis
        var samples = "sample," + a.dimensions.map(Writers.csv).joined(separator: ",") + "\n"
        for (s, p) in a.points.enumerated() { samples += "\(s)," + p.map(Writers.cnum).joined(separator: ",") + "\n" }
        var means = "sample,scenario,metric,mean,se\n"
        for s in 0..<a.samples {
            for (j, name) in a.scenarios.enumerated() {
                for (m, id) in a.metrics.enumerated() {
                    means += "\(s),\(Writers.csv(name)),\(Writers.csv(id)),\(Writers.cnum(a.means[s][j][m])),\(Writers.cnum(a.standardErrors[s][j][m]))\n"
                }
            }
        }
        var spread = "scenario,metric,mean,p5,p50,p95,replication_error,samples\n"
        for x in spreads {
            spread += "\(Writers.csv(x.scenario)),\(Writers.csv(x.metric)),\(Writers.cnum(x.mean)),\(Writers.cnum(x.p5)),\(Writers.cnum(x.p50)),"
                + "\(Writers.cnum(x.p95)),\(Writers.cnum(x.replicationError)),\(x.samples)\n"
        }
        var diff = "option,metric,expected,lower,upper,p5,p95,probability_better\n"
        for x in differences {
            diff += "\(Writers.csv(x.option)),\(Writers.csv(x.metric)),\(Writers.cnum(x.expected.mean)),\(Writers.cnum(x.expected.lower)),"
                + "\(Writers.cnum(x.expected.upper)),\(Writers.cnum(x.p5)),\(Writers.cnum(x.p95)),\(Writers.cnum(x.probabilityBetter))\n"
        }
        var best = "metric,scenario,probability_best,samples\n"
        for x in self.best {
            for (j, p) in x.probabilities.enumerated() { best += "\(Writers.csv(x.metric)),\(Writers.csv(a.scenarios[j])),\(Writers.cnum(p)),\(x.samples)\n" }
        }
        var targetCSV = "target,scenario,probability_meets\n"
        for t in targets {
            for (j, p) in (a.probabilityMeeting(t) ?? []).enumerated() {
                targetCSV += "\(Writers.csv(t.description)),\(Writers.csv(a.scenarios[j])),\(Writers.cnum(p))\n"
            }
        }
        var tornadoCSV = "option,metric,dimension,prcc\n"
        for x in tornado {
            for (k, r) in x.prcc.enumerated() {
                tornadoCSV += "\(Writers.csv(x.option)),\(Writers.csv(x.metric)),\(Writers.csv(a.dimensions[k])),\(Writers.cnum(r))\n"
            }
        }
        return [("samples.csv", samples), ("sample-means.csv", means), ("spread.csv", spread), ("differences.csv", diff),
                ("probability-best.csv", best), ("targets.csv", targetCSV), ("tornado.csv", tornadoCSV), ("uncertainty.json", json())]
    }

    func json() -> String {
        let a = analysis
        func list(_ xs: [String]) -> String { "[" + xs.joined(separator: ", ") + "]" }
        var s = "{\n  \"scenarios\": \(list(a.scenarios.map(Writers.json))),\n"
        s += "  \"samples\": \(a.samples),\n  \"planned_samples\": \(planned),\n  \"replications\": \(a.replications),\n"
        s += "  \"unstable_share\": \(list(a.scenarios.indices.map { Writers.num(a.unstableShare($0)) })),\n"
        s += "  \"dimensions\": \(list(laws.map { "{\"name\": \(Writers.json($0.name)), \"law\": \(Writers.json($0.law))}" })),\n"
        s += "  \"spread\": \(list(spreads.map { "{\"scenario\": \(Writers.json($0.scenario)), \"metric\": \(Writers.json($0.metric)), \"mean\": \(Writers.num($0.mean)), \"p5\": \(Writers.num($0.p5)), \"p50\": \(Writers.num($0.p50)), \"p95\": \(Writers.num($0.p95)), \"replication_error\": \(Writers.num($0.replicationError))}" })),\n"
        s += "  \"differences\": \(list(differences.map { "{\"option\": \(Writers.json($0.option)), \"metric\": \(Writers.json($0.metric)), \"expected\": \(Writers.num($0.expected.mean)), \"lower\": \(Writers.num($0.expected.lower)), \"upper\": \(Writers.num($0.expected.upper)), \"p5\": \(Writers.num($0.p5)), \"p95\": \(Writers.num($0.p95)), \"probability_better\": \(Writers.num($0.probabilityBetter))}" })),\n"
        s += "  \"probability_best\": \(list(best.map { x in "{\"metric\": \(Writers.json(x.metric)), \"probabilities\": \(list(x.probabilities.map(Writers.num)))}" })),\n"
        s += "  \"targets\": \(list(targets.map { t in "{\"target\": \(Writers.json(t.description)), \"probabilities\": \(list((a.probabilityMeeting(t) ?? []).map(Writers.num)))}" })),\n"
        s += "  \"tornado\": \(list(tornado.map { x in "{\"option\": \(Writers.json(x.option)), \"metric\": \(Writers.json(x.metric)), \"prcc\": \(list(x.prcc.map(Writers.num)))}" }))\n}\n"
        return s
    }
}

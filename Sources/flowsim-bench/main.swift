// flowsim-bench MODEL N SEED: runs one peer-bench model and prints one JSON line.
#if canImport(Glibc)
import Glibc
#endif

let usage = """
usage: flowsim-bench mmc|tandem [N] [SEED]   (N arrivals, default 200000; SEED default 1)
       flowsim-bench model SCENARIO [REPLICATIONS] [JOBS]   (whole model; default 100 replications, 2 jobs)
"""
let args = Array(CommandLine.arguments.dropFirst())
if args.first == "model" {
    guard args.count >= 2, args.count <= 4,
          let reps = args.count > 2 ? Int(args[2]) : 100, reps >= 1,
          let jobs = args.count > 3 ? Int(args[3]) : 2, jobs >= 1 else {
        writeError(usage)
        exit(2)
    }
    do {
        let fields = try WholeModel.run(scenarioPath: args[1], replications: reps, jobs: jobs)
        print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        exit(0)
    } catch {
        writeError("\(error)")
        exit(2)
    }
}
guard let model = args.first, ["mmc", "tandem"].contains(model), args.count <= 3 else {
    writeError(usage)
    exit(2)
}
guard let n = args.count > 1 ? Int(args[1]) : 200_000, n > 0, n <= 1_000_000_000 else {
    writeError("flowsim-bench: N must be a whole number from 1 to 1000000000\n" + usage)
    exit(2)
}
guard let seed = args.count > 2 ? UInt64(args[2]) : 1 else {
    writeError("flowsim-bench: SEED must be a whole number >= 0\n" + usage)
    exit(2)
}

let r = model == "mmc" ? MMCModel(n: n, seed: seed).run() : TandemModel(n: n, seed: seed).run()
func num(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }
var fields: [(String, String)] = [
    ("engine", "\"flowsim\""), ("model", "\"\(r.model)\""), ("arrivals", "\(r.arrivals)"), ("events", "\(r.events)"),
    ("engine_events", "\(r.engineEvents)"), ("sim_seconds", num(r.simSeconds)),
    ("events_per_second", num((Double(r.events) / r.simSeconds).rounded())), ("peak_rss_mb", num(peakRSSMegabytes())),
    ("seed", "\(seed)"), ("t_end", num(r.endTime)),
]
fields += r.results.map { ($0.0, num($0.1)) }
print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")

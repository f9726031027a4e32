"""Shared parameters, argument parsing and JSON reporting for the peer benchmarks.

The peers run the same two models as `flowsim-bench` (see scripts/bench):

* mmc    -- M/M/c, time in hours: Poisson arrivals at MMC_LAMBDA, exponential service with
            rate MMC_MU on each of MMC_C servers, one FIFO queue. Exactly N arrivals; the run
            goes on until all have been served. Result: mean wait in queue (h).
            Erlang C for these parameters: P(wait) = 0.82559, Wq = 1.65117 h.
* tandem -- bed blocking, time in days: Poisson arrivals at TAN_LAMBDA to ward A (TAN_A_BEDS
            beds, exponential stay with mean TAN_A_MEAN, unlimited FIFO queue), then place B
            (TAN_B_BEDS places, exponential stay with mean TAN_B_MEAN, no waiting room).
            Blocking after service: a patient done in A keeps the A bed until a B place frees;
            blocked patients get B in the order they became blocked. Exactly N arrivals; the
            run goes on until all have left B. Results: mean wait for an A bed, mean time
            blocked in A (days).

Events are counted per customer, whatever the engine does internally:
mmc 3 (arrival, service start, service end), tandem 5 (arrival, A start, A end, B start, B end).
"""
import json
import resource
import sys

# M/M/c, hours.
MMC_LAMBDA = 9.5
MMC_MU = 1.0
MMC_C = 10

# Tandem bed blocking, days.
TAN_LAMBDA = 4.0
TAN_A_BEDS = 20
TAN_A_MEAN = 3.0
TAN_B_BEDS = 5
TAN_B_MEAN = 1.0

N_DEFAULT = 200_000
SEED_DEFAULT = 1

EVENTS_PER_ARRIVAL = {"mmc": 3, "tandem": 5}


def parse_args(argv=None):
    """Return (n, seed) from `[N] [SEED]` on the command line."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 2 or any(a in ("-h", "--help") for a in argv):
        sys.exit(f"usage: {sys.argv[0]} [N={N_DEFAULT}] [SEED={SEED_DEFAULT}]")
    try:
        n = int(argv[0]) if len(argv) > 0 else N_DEFAULT
        seed = int(argv[1]) if len(argv) > 1 else SEED_DEFAULT
    except ValueError:
        sys.exit(f"usage: {sys.argv[0]} [N] [SEED]  (both integers)")
    if n < 1:
        sys.exit("N must be at least 1")
    return n, seed


def peak_rss_mb():
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(engine, model, n, seed, sim_seconds, **results):
    """Print the one JSON line that scripts/bench collects."""
    events = EVENTS_PER_ARRIVAL[model] * n
    line = {
        "engine": engine,
        "model": model,
        "arrivals": n,
        "seed": seed,
        "events": events,
        "sim_seconds": round(sim_seconds, 6),
        "events_per_second": round(events / sim_seconds),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    line.update(results)
    print(json.dumps(line), flush=True)

#!/usr/bin/env python3
"""Collect and summarise benchmark runs for scripts/bench (standard library only).

  summarize.py record --out FILE --engine NAME --rep I [--meta KEY=VALUE ...] < run-output
      Takes the last JSON object line of one run's stdout, checks it, adds `engine` (if the run
      did not name itself), `rep` and the --meta fields, and appends it to FILE (JSON lines).

  summarize.py report FILE [--strict]
      Prints the table (median over reps per engine and model), the flowsim/peer ratios (the C heap,
      SimPy, Ciw) of median events/s, the whole model's events/s against the engine's tandem, and
      the PASS/MISS lines for the targets. With --strict the exit status is 1 if any target is
      missed.

      Runs recorded with `--meta order=interleaved` were made in rounds (scripts/bench: flowsim mmc, C
      mmc, flowsim tandem, C tandem, the whole model, then the next round), so two runs of the same round
      are minutes apart at most. For those, the flowsim/C and whole-model/tandem ratios are also taken
      round by round, and the targets are judged on the median of these paired ratios: on a shared host
      whose speed drifts, a ratio of two medians taken at different times can move by a third.
"""
import argparse
import json
import statistics
import sys

REQUIRED = ("model", "arrivals", "events", "sim_seconds", "events_per_second", "peak_rss_mb")
RESULT_KEYS = {"mmc": ("mean_wait",), "tandem": ("mean_wait_a", "mean_blocked")}
EVENTS_PER_ARRIVAL = {"mmc": 3, "tandem": 5}

# Targets checked by `report`.
TARGET_EVENTS_PER_SECOND = 20e6   # flowsim, each of mmc and tandem
TARGET_WHOLE_MODEL_SECONDS = 10.0  # 100 replication-years of mk-baseline on 2 cores (issue 3)
TARGET_WHOLE_MODEL_RSS_MB = 200.0
TARGET_TANDEM_RSS_MB = 50.0       # flowsim tandem peak RSS
TARGET_RATIO_VS_SIMPY = 60.0      # flowsim / SimPy median events/s, each model
TARGET_RATIO_VS_C = 0.8           # flowsim / the C heap median events/s, each model (issue 16)
TARGET_WHOLE_VS_TANDEM = 0.17     # whole-model / engine-tandem events/s (issue 16: <= 2,000 instructions/event)
ENGINE_ORDER = ("flowsim", "c", "simpy", "ciw")
PEERS = (("c", "C heap"), ("simpy", "SimPy"), ("ciw", "Ciw"))


def family(engine):
    """'simpy-4.1.2' -> 'simpy'."""
    return engine.split("-", 1)[0].lower()


def adapt_c_heap(d, rss_kb):
    """The C heap baseline's own keys (../shared/reference/peer-bench/c_des.c) in the contract's names."""
    d = dict(d)
    d.setdefault("arrivals", d.get("n"))
    d.setdefault("sim_seconds", d.get("sim_s"))
    d.setdefault("events_per_second", d.get("events_per_s_sim"))
    if "mean_wait_A" in d:
        d.setdefault("mean_wait_a", d["mean_wait_A"])
    d.setdefault("peak_rss_mb", rss_kb / 1024 if rss_kb > 0 else float("nan"))
    return d


def cmd_record(args):
    text = sys.stdin.read()
    line = None
    for raw in reversed(text.splitlines()):
        raw = raw.strip()
        if raw.startswith("{") and raw.endswith("}"):
            line = raw
            break
    if line is None:
        sys.exit(f"summarize record: no JSON line in the output of {args.engine}:\n{text}")
    try:
        d = json.loads(line)
    except json.JSONDecodeError as e:
        sys.exit(f"summarize record: bad JSON from {args.engine} ({e}): {line}")
    if args.c_heap_rss_kb is not None:
        d = adapt_c_heap(d, args.c_heap_rss_kb)
    missing = [k for k in REQUIRED if k not in d]
    if missing:
        sys.exit(f"summarize record: {args.engine} output lacks {', '.join(missing)}: {line}")
    missing = [k for k in RESULT_KEYS.get(d["model"], ()) if k not in d]
    if missing:
        sys.exit(f"summarize record: {args.engine} {d['model']} output lacks {', '.join(missing)}: {line}")
    per = EVENTS_PER_ARRIVAL.get(d["model"])
    if per is not None and d["events"] != per * d["arrivals"]:
        sys.exit(f"summarize record: {args.engine} {d['model']} counts {d['events']} events for "
                 f"{d['arrivals']} arrivals, expected {per} per arrival: {line}")
    if d["sim_seconds"] <= 0 or d["events"] <= 0:
        sys.exit(f"summarize record: {args.engine} output has no time or no events: {line}")
    d.setdefault("engine", args.engine)
    d["rep"] = args.rep
    for kv in args.meta:
        k, _, v = kv.partition("=")
        d.setdefault(k, v)
    with open(args.out, "a") as f:
        f.write(json.dumps(d) + "\n")
    print(f"  {d['engine']:<14} {d['model']:<8} rep {args.rep}: "
          f"{fmt_rate(d['events_per_second'])} events/s, {d['sim_seconds']:.3f} s, "
          f"{d['peak_rss_mb']:.1f} MB", file=sys.stderr)


def fmt_rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.0f}"


def fmt_n(n):
    return f"{n:,}"


def fmt_result(model, d):
    if model == "mmc" and "mean_wait" in d:
        return f"Wq {d['mean_wait']:.4f} h"
    if model == "tandem" and "mean_wait_a" in d and "mean_blocked" in d:
        return f"wait A {d['mean_wait_a']:.4f} d, blocked {d['mean_blocked']:.4f} d"
    means = [(k, v) for k, v in d.items() if k.startswith("mean_") and isinstance(v, (int, float))]
    return ", ".join(f"{k[5:]} {v:.4g}" for k, v in means) or "-"


def load(path):
    runs = []
    with open(path) as f:
        for i, raw in enumerate(f, 1):
            raw = raw.strip()
            if raw:
                try:
                    runs.append(json.loads(raw))
                except json.JSONDecodeError as e:
                    sys.exit(f"summarize report: {path}:{i}: {e}")
    return runs


def aggregate(runs):
    """Group by (engine, model, arrivals) and take medians over reps."""
    groups = {}
    for d in runs:
        groups.setdefault((d["engine"], d["model"], d["arrivals"]), []).append(d)
    rows = []
    for (engine, model, n), ds in groups.items():
        results = {fmt_result(model, d) for d in ds}
        result = fmt_result(model, ds[0])
        if len(results) > 1:
            result += " (varies across reps)"
        rows.append(dict(
            engine=engine, family=family(engine), model=model, n=n, reps=len(ds),
            eps=statistics.median(d["events_per_second"] for d in ds),
            secs=statistics.median(d["sim_seconds"] for d in ds),
            rss=max(d["peak_rss_mb"] for d in ds),
            result=result,
            # Whole-model runs (flowsim-bench model ...) also time many replications on several cores.
            wall100=(statistics.median(d["wall_seconds_per_100_replication_years"] for d in ds)
                     if "wall_seconds_per_100_replication_years" in ds[0] else None),
            jobs=ds[0].get("jobs")))

    def order(r):
        f = r["family"]
        return (ENGINE_ORDER.index(f) if f in ENGINE_ORDER else len(ENGINE_ORDER), f,
                r["model"], r["n"])
    rows.sort(key=order)
    return rows


def print_table(header, rows, align):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    def line(cells):
        return "  ".join(str(c).rjust(w) if a == ">" else str(c).ljust(w)
                         for c, w, a in zip(cells, widths, align)).rstrip()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def find(rows, fam, model):
    """The row of an engine family for a model (the one with the largest N if several)."""
    cands = [r for r in rows if r["family"] == fam and r["model"] == model]
    return max(cands, key=lambda r: r["n"]) if cands else None


def paired(runs, num, den):
    """Ratios of events/s, round by round, of two (family, model) pairs among interleaved runs."""
    def by_rep(fam, model):
        return {d["rep"]: d["events_per_second"] for d in runs
                if d.get("order") == "interleaved" and family(d["engine"]) == fam and d["model"] == model
                and d["events_per_second"] > 0}
    a, b = by_rep(*num), by_rep(*den)
    return [a[k] / b[k] for k in sorted(a) if k in b]


def fmt_paired(xs, digits):
    if not xs:
        return "-"
    lo, hi = min(xs), max(xs)
    return f"{statistics.median(xs):.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f}, {len(xs)})"


def cmd_report(args):
    runs = load(args.file)
    if not runs:
        sys.exit(f"summarize report: no runs in {args.file}")
    rows = aggregate(runs)

    print()
    print_table(
        ("engine", "model", "N", "reps", "median events/s", "median sim s", "peak RSS MB",
         "result"),
        [(r["engine"], r["model"], fmt_n(r["n"]), r["reps"], fmt_rate(r["eps"]),
          f"{r['secs']:.3f}", "-" if r["rss"] != r["rss"] else f"{r['rss']:.1f}", r["result"]) for r in rows],
        "<<>>>>><")
    ns = {r["n"] for r in rows}
    if len(ns) > 1:
        print("\nNote: the engines ran different N (the Python peers are ~100x slower). "
              "events/s is a rate,\nso the speed comparison is fair; "
              "peak RSS and the results' sampling noise depend on N.")

    models = []
    for r in rows:
        if r["family"] == "flowsim" and r["model"] not in models:
            models.append(r["model"])
    ratio_rows = []
    ratios = {}
    for model in models:
        if not any(find(rows, fam, model) for fam, _ in PEERS):
            continue  # e.g. the whole model: no peer runs it
        fs = find(rows, "flowsim", model)
        cells = [model]
        for fam, _ in PEERS:
            peer = find(rows, fam, model)
            if peer and peer["eps"] > 0:
                ratios[(fam, model)] = fs["eps"] / peer["eps"]
                x = ratios[(fam, model)]
                cells.append(f"{x:.2f}x" if x < 10 else f"{x:.1f}x")
            else:
                cells.append("-")
        ratio_rows.append(cells)
    if ratio_rows and any(c != "-" for row in ratio_rows for c in row[1:]):
        print("\nRatio of median events/s")
        print_table(("model",) + tuple(f"flowsim/{label}" for _, label in PEERS),
                    ratio_rows, "<" + ">" * len(PEERS))

    whole = [r for r in rows if r["wall100"] is not None]
    tandem = find(rows, "flowsim", "tandem")
    # Round-by-round ratios of interleaved runs (see the module's doc).
    pairs = {("c", m): paired(runs, ("flowsim", m), ("c", m)) for m in ("mmc", "tandem")}
    for r in whole:
        pairs[("whole", r["model"])] = paired(runs, ("flowsim", r["model"]), ("flowsim", "tandem"))
    pair_rows = [(label, fmt_paired(pairs[key], digits)) for key, label, digits in
                 [(("c", "mmc"), "flowsim/C heap mmc", 2), (("c", "tandem"), "flowsim/C heap tandem", 2)]
                 + [(("whole", r["model"]), f"{r['model']}/engine tandem", 3) for r in whole]
                 if pairs.get(key)]
    if pair_rows:
        print("\nPaired ratios of events/s (runs of one round, minutes apart): median (min-max, rounds)")
        print_table(("ratio", "paired"), pair_rows, "<>")
    if whole:
        print("\nWhole model (one replication-year on one thread; replications on several cores)")
        print_table(("scenario", "events/s", "/ engine tandem", "wall s per 100 replication-years", "cores",
                     "peak RSS MB"),
                    [(r["model"], fmt_rate(r["eps"]),
                      f"{r['eps'] / tandem['eps']:.3f}" if tandem and tandem["eps"] > 0 else "-",
                      f"{r['wall100']:.2f}", r["jobs"], f"{r['rss']:.1f}")
                     for r in whole], "<>>>>>")

    print("\nTargets")
    checks = []
    for r in whole:
        label = f"{r['model']}: 100 replication-years <= {TARGET_WHOLE_MODEL_SECONDS:.0f} s on {r['jobs']} cores"
        checks.append(("PASS" if r["wall100"] <= TARGET_WHOLE_MODEL_SECONDS else "MISS", label, f"{r['wall100']:.2f} s"))
        label = f"{r['model']}: peak RSS < {TARGET_WHOLE_MODEL_RSS_MB:.0f} MB"
        checks.append(("PASS" if r["rss"] < TARGET_WHOLE_MODEL_RSS_MB else "MISS", label, f"{r['rss']:.1f} MB"))
    for model in ("mmc", "tandem"):
        fs = find(rows, "flowsim", model)
        label = f"flowsim {model} >= {TARGET_EVENTS_PER_SECOND / 1e6:.0f}M events/s"
        if fs is None:
            checks.append(("SKIP", label, "no flowsim run"))
        else:
            checks.append(("PASS" if fs["eps"] >= TARGET_EVENTS_PER_SECOND else "MISS", label,
                           f"{fmt_rate(fs['eps'])} events/s"))
    fs = find(rows, "flowsim", "tandem")
    label = f"flowsim tandem peak RSS < {TARGET_TANDEM_RSS_MB:.0f} MB"
    if fs is None:
        checks.append(("SKIP", label, "no flowsim run"))
    else:
        checks.append(("PASS" if fs["rss"] < TARGET_TANDEM_RSS_MB else "MISS", label,
                       f"{fs['rss']:.1f} MB at N = {fmt_n(fs['n'])}"))
    for fam, name, target, digits in (("simpy", "SimPy", TARGET_RATIO_VS_SIMPY, 1), ("c", "C heap", TARGET_RATIO_VS_C, 2)):
        for model in ("mmc", "tandem"):
            label = f"flowsim/{name} {model} >= {target:g}x"
            if pairs.get((fam, model)):
                xs = pairs[(fam, model)]
                x = statistics.median(xs)
                checks.append(("PASS" if x >= target else "MISS", label,
                               f"{x:.{digits}f}x, median of {len(xs)} paired rounds"))
            elif (fam, model) in ratios:
                x = ratios[(fam, model)]
                checks.append(("PASS" if x >= target else "MISS", label, f"{x:.{digits}f}x"))
            else:
                checks.append(("SKIP", label, f"no {name} run"))
    for r in whole:
        label = f"{r['model']}: whole-model/engine-tandem events/s >= {TARGET_WHOLE_VS_TANDEM:.2f}"
        if pairs.get(("whole", r["model"])):
            xs = pairs[("whole", r["model"])]
            x = statistics.median(xs)
            checks.append(("PASS" if x >= TARGET_WHOLE_VS_TANDEM else "MISS", label,
                           f"{x:.3f}, median of {len(xs)} paired rounds"))
        elif tandem and tandem["eps"] > 0:
            x = r["eps"] / tandem["eps"]
            checks.append(("PASS" if x >= TARGET_WHOLE_VS_TANDEM else "MISS", label, f"{x:.3f}"))
        else:
            checks.append(("SKIP", label, "no engine tandem run"))
    for status, label, detail in checks:
        print(f"{status}  {label}  ({detail})")
    missed = sum(1 for c in checks if c[0] == "MISS")
    print(f"\n{sum(1 for c in checks if c[0] == 'PASS')} targets met, {missed} missed, "
          f"{sum(1 for c in checks if c[0] == 'SKIP')} skipped")
    if args.strict and missed:
        sys.exit(1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record", help="append one run's JSON line to a .jsonl file")
    r.add_argument("--out", required=True)
    r.add_argument("--engine", required=True, help="engine name if the run does not give one")
    r.add_argument("--rep", type=int, required=True)
    r.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE")
    r.add_argument("--c-heap-rss-kb", type=float, default=None, metavar="KB",
                   help="the run is the C heap baseline's: map its keys, peak RSS from /usr/bin/time (0: unknown)")
    r.set_defaults(func=cmd_record)
    s = sub.add_parser("report", help="print the summary of a .jsonl file")
    s.add_argument("file")
    s.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    s.set_defaults(func=cmd_report)
    args = p.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()

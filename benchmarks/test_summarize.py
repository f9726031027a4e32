#!/usr/bin/env python3
"""Tests of summarize.py's report: paired ratios of interleaved rounds (standard library only).

  python3 benchmarks/test_summarize.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def run(engine, model, rep, eps, order="interleaved", **extra):
    d = dict(engine=engine, model=model, arrivals=200000, events=3 * 200000, sim_seconds=1.0,
             events_per_second=eps, peak_rss_mb=10.0, rep=rep, order=order)
    d.update(mean_wait=0.5) if model == "mmc" else d.update(mean_wait_a=0.1, mean_blocked=0.01)
    d.update(extra)
    return d


def report(runs):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for d in runs:
            f.write(json.dumps(d) + "\n")
        path = f.name
    try:
        p = subprocess.run([sys.executable, os.path.join(HERE, "summarize.py"), "report", path],
                           capture_output=True, text=True)
    finally:
        os.unlink(path)
    if p.returncode != 0:
        raise AssertionError(p.stderr)
    return p.stdout


def target_line(out, text):
    lines = [l for l in out.splitlines() if text in l]
    if len(lines) != 1:
        raise AssertionError(f"expected one line with {text!r}:\n{out}")
    return lines[0]


class PairedRatios(unittest.TestCase):
    # flowsim mmc 10, 20, 30 and the C heap 14, 18, 40 in rounds 1-3: the ratio of the medians is 20/18 = 1.11
    # (a pass at 0.8x), but round by round the ratios are 0.71, 1.11, 0.75, whose median 0.75 misses.
    FLOWSIM = (10e6, 20e6, 30e6)
    C = (14e6, 18e6, 40e6)

    def runs(self, order="interleaved"):
        rs = []
        for i, (f, c) in enumerate(zip(self.FLOWSIM, self.C), 1):
            rs.append(run("flowsim", "mmc", i, f, order))
            rs.append(run("c-heap", "mmc", i, c, order))
        return rs

    def test_target_judged_on_the_median_of_round_ratios(self):
        out = report(self.runs())
        line = target_line(out, "flowsim/C heap mmc >= 0.8x")
        self.assertTrue(line.startswith("MISS"), line)
        self.assertIn("0.75x, median of 3 paired rounds", line)
        paired = [l for l in out.splitlines() if l.startswith("flowsim/C heap mmc ")]
        self.assertEqual(len(paired), 1, out)
        self.assertIn("0.75 (0.71-1.11, 3)", paired[0])
        # The ratio of medians is still shown.
        medians = [l for l in out.splitlines() if l.startswith("mmc ")]
        self.assertEqual(len(medians), 1, out)
        self.assertIn("1.11x", medians[0])

    def test_runs_not_interleaved_are_not_paired(self):
        out = report(self.runs(order="separate"))
        line = target_line(out, "flowsim/C heap mmc >= 0.8x")
        self.assertTrue(line.startswith("PASS"), line)
        self.assertIn("(1.11x)", line)
        self.assertNotIn("Paired ratios", out)

    def test_whole_model_paired_with_the_tandem_of_its_round(self):
        rs = []
        for i, (tandem, whole) in enumerate([(20e6, 3.6e6), (10e6, 1.6e6), (19e6, 1.7e6)], 1):
            rs.append(run("flowsim", "tandem", i, tandem, events=5 * 200000))
            rs.append(run("flowsim", "mk-baseline", i, whole, wall_seconds_per_100_replication_years=12.0,
                          jobs=2))
        out = report(rs)
        # Rounds: 0.18, 0.16, 0.089 -> median 0.16 (the medians' ratio, 1.7/19, is 0.089).
        line = target_line(out, "whole-model/engine-tandem events/s >= 0.17")
        self.assertTrue(line.startswith("MISS"), line)
        self.assertIn("0.160, median of 3 paired rounds", line)


if __name__ == "__main__":
    unittest.main()

"""Tandem bed blocking in SimPy: one process per patient, a Resource per ward; the patient keeps
its A request while waiting for B (blocking after service). Usage: simpy_tandem.py N SEED"""
import random
import time

import simpy

from common import (TAN_A_BEDS, TAN_A_MEAN, TAN_B_BEDS, TAN_B_MEAN, TAN_LAMBDA, parse_args,
                    report)


def run(n, seed):
    rng = random.Random(seed)
    t_start = time.perf_counter()
    env = simpy.Environment()
    ward_a = simpy.Resource(env, capacity=TAN_A_BEDS)
    ward_b = simpy.Resource(env, capacity=TAN_B_BEDS)
    stats = {"done": 0, "wait_a_sum": 0.0, "blocked_sum": 0.0}
    a_rate, b_rate = 1.0 / TAN_A_MEAN, 1.0 / TAN_B_MEAN

    def patient():
        arrived = env.now
        bed_a = ward_a.request()
        yield bed_a
        stats["wait_a_sum"] += env.now - arrived
        yield env.timeout(rng.expovariate(a_rate))
        done_a = env.now
        place_b = ward_b.request()  # the A bed is still held: blocking after service
        yield place_b               # Resource queues are FIFO, so blocked patients go in order
        stats["blocked_sum"] += env.now - done_a
        ward_a.release(bed_a)
        yield env.timeout(rng.expovariate(b_rate))
        ward_b.release(place_b)
        stats["done"] += 1

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(TAN_LAMBDA))
            env.process(patient())

    env.process(source())
    env.run()  # until no events are left: all n have left B
    sim_seconds = time.perf_counter() - t_start
    assert stats["done"] == n, stats
    return sim_seconds, stats["wait_a_sum"] / n, stats["blocked_sum"] / n, env.now


def main():
    n, seed = parse_args()
    sim_seconds, mean_wait_a, mean_blocked, t_end = run(n, seed)
    report("simpy-" + simpy.__version__, "tandem", n, seed, sim_seconds,
           mean_wait_a=mean_wait_a, mean_blocked=mean_blocked, t_end=t_end)


if __name__ == "__main__":
    main()

"""M/M/c in SimPy: one process per customer, a Resource for the servers. Usage: simpy_mmc.py N SEED"""
import random
import time

import simpy

from common import MMC_C, MMC_LAMBDA, MMC_MU, parse_args, report


def run(n, seed):
    rng = random.Random(seed)
    t_start = time.perf_counter()
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=MMC_C)
    stats = {"served": 0, "wait_sum": 0.0}

    def customer():
        arrived = env.now
        with servers.request() as req:
            yield req
            stats["wait_sum"] += env.now - arrived
            stats["served"] += 1
            yield env.timeout(rng.expovariate(MMC_MU))

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(MMC_LAMBDA))
            env.process(customer())

    env.process(source())
    env.run()  # until no events are left: all n have been served
    sim_seconds = time.perf_counter() - t_start
    assert stats["served"] == n, stats
    return sim_seconds, stats["wait_sum"] / n, env.now


def main():
    n, seed = parse_args()
    sim_seconds, mean_wait, t_end = run(n, seed)
    report("simpy-" + simpy.__version__, "mmc", n, seed, sim_seconds,
           mean_wait=mean_wait, t_end=t_end)


if __name__ == "__main__":
    main()

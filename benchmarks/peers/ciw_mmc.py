"""M/M/c in Ciw: a one-node network; arrivals stop after exactly N. Usage: ciw_mmc.py N SEED"""
import time

import ciw

from common import MMC_C, MMC_LAMBDA, MMC_MU, parse_args, report
from ciw_arrivals import FirstNExponential


def run(n, seed):
    ciw.seed(seed)
    t_start = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[FirstNExponential(MMC_LAMBDA, n)],
        service_distributions=[ciw.dists.Exponential(rate=MMC_MU)],
        number_of_servers=[MMC_C],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(n, method="Complete")
    sim_seconds = time.perf_counter() - t_start

    # Ciw keeps a record per service anyway; only sums are taken from them.
    served, wait_sum = 0, 0.0
    for r in sim.get_all_records():
        if r.record_type == "service":
            served += 1
            wait_sum += r.waiting_time
    assert served == n, served
    return sim_seconds, wait_sum / n, sim.current_time


def main():
    n, seed = parse_args()
    sim_seconds, mean_wait, t_end = run(n, seed)
    report("ciw-" + ciw.__version__, "mmc", n, seed, sim_seconds,
           mean_wait=mean_wait, t_end=t_end)


if __name__ == "__main__":
    main()

"""Tandem bed blocking in Ciw: two nodes, B with no waiting room (queue capacity 0), so Ciw's own
blocking after service keeps a finished patient in A's bed until B has room; blocked patients are
released in the order they became blocked. Usage: ciw_tandem.py N SEED"""
import time

import ciw

from common import (TAN_A_BEDS, TAN_A_MEAN, TAN_B_BEDS, TAN_B_MEAN, TAN_LAMBDA, parse_args,
                    report)
from ciw_arrivals import FirstNExponential


def run(n, seed):
    ciw.seed(seed)
    t_start = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[FirstNExponential(TAN_LAMBDA, n), None],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / TAN_A_MEAN),
                               ciw.dists.Exponential(rate=1.0 / TAN_B_MEAN)],
        number_of_servers=[TAN_A_BEDS, TAN_B_BEDS],
        queue_capacities=[float("inf"), 0],
        routing=[[0.0, 1.0], [0.0, 0.0]],  # everyone goes A -> B -> exit
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(n, method="Complete")
    sim_seconds = time.perf_counter() - t_start

    # Ciw keeps a record per service anyway; only sums are taken from them.
    served_a = served_b = 0
    wait_a_sum = blocked_sum = 0.0
    for r in sim.get_all_records():
        if r.record_type != "service":
            continue
        if r.node == 1:
            served_a += 1
            wait_a_sum += r.waiting_time
            blocked_sum += r.time_blocked
        elif r.node == 2:
            served_b += 1
            assert r.waiting_time == 0.0, r  # no waiting room at B
    assert served_a == n and served_b == n, (served_a, served_b)
    return sim_seconds, wait_a_sum / n, blocked_sum / n, sim.current_time


def main():
    n, seed = parse_args()
    sim_seconds, mean_wait_a, mean_blocked, t_end = run(n, seed)
    report("ciw-" + ciw.__version__, "tandem", n, seed, sim_seconds,
           mean_wait_a=mean_wait_a, mean_blocked=mean_blocked, t_end=t_end)


if __name__ == "__main__":
    main()

"""Arrival distribution for the Ciw peers: Poisson arrivals, but exactly n of them."""
import random

import ciw


class FirstNExponential(ciw.dists.Distribution):
    """Exponential inter-arrival times for the first n arrivals, then never again (inf).

    Ciw draws from the module-level `random`, which ciw.seed() seeds."""

    def __init__(self, rate, n):
        self.rate = rate
        self.remaining = n

    def __repr__(self):
        return f"FirstNExponential(rate={self.rate}, remaining={self.remaining})"

    def sample(self, t=None, ind=None):
        if self.remaining <= 0:
            return float("inf")
        self.remaining -= 1
        return random.expovariate(self.rate)

"""Batch housing proposals on a synthetic crisis: the optimiser against two greedy baselines.

A seeded scenario: ~100,000 people in ~40,000 households of sizes 1-6 with vulnerability weights,
30,000 offers with ~95,000 beds in 40 regions, demand concentrated in a few; constraints on region,
beds, pets, step-free access, stay length. Two variants: households stay in their region, or may
also go to neighbouring regions. For each method: wall time, peak Python memory, people housed and
priority-weighted score, each as a ratio to its upper bound (max flow for people; min-cost flow with
households allowed to split for the score).

Run: .venv/bin/python bench/matching.py [--people 100000] [--seed 2023]
"""
import argparse
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aidcoord.housing.optimiser import (
    HouseholdNeed,
    OfferSpace,
    best_plan,
    compatible,
    greedy_fewest_options_first,
    greedy_priority_best_fit,
    optimise,
    upper_bounds,
)

REGIONS = [f"R{n:02d}" for n in range(40)]
HOT_REGIONS = REGIONS[:4]  # where most people arrive
SIZES, SIZE_WEIGHTS = [1, 2, 3, 4, 5, 6], [30, 25, 18, 14, 8, 5]
CAPACITIES, CAPACITY_WEIGHTS = [1, 2, 3, 4, 5, 6, 8], [10, 25, 25, 20, 10, 5, 5]


def neighbours(region: str) -> set:
    index = REGIONS.index(region)
    return {REGIONS[(index - 1) % len(REGIONS)], region, REGIONS[(index + 1) % len(REGIONS)]}


def scenario(people: int, seed: int, with_neighbours: bool):
    rng = random.Random(seed)
    households, total = [], 0
    while total < people:
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        home = rng.choice(HOT_REGIONS) if rng.random() < 0.6 else rng.choice(REGIONS)
        regions = frozenset(neighbours(home) if with_neighbours else {home})
        weight = rng.choices([1.0, 1.5, 2.0, 3.0, 4.0], [50, 20, 15, 10, 5])[0]
        households.append(HouseholdNeed(
            id=len(households) + 1, size=size, weight=weight, regions=regions, pets=rng.random() < 0.2,
            step_free=rng.random() < 0.08, children=size >= 3 and rng.random() < 0.7,
            stay_days=rng.choice([30, 90, 180, 365])))
        total += size
    offers = []
    for n in range(int(people * 0.3)):
        capacity = rng.choices(CAPACITIES, CAPACITY_WEIGHTS)[0]
        offers.append(OfferSpace(
            id=n + 1, capacity=capacity, region=rng.choice(REGIONS), whole=rng.random() < 0.3,
            pets_ok=rng.random() < 0.4, step_free=rng.random() < 0.3, children_ok=rng.random() < 0.9,
            max_stay=rng.choice([None, None, None, 90, 180, 365])))
    return households, offers


def check(plan, households, offers):
    """Every assignment respects the hard constraints and no offer holds more than its beds."""
    by_id = {o.id: o for o in offers}
    used = {}
    for household in households:
        offer_id = plan.assignments.get(household.id)
        if offer_id is None:
            continue
        offer = by_id[offer_id]
        assert compatible(household, offer), (household, offer)
        used.setdefault(offer_id, []).append(household.size)
    for offer_id, sizes in used.items():
        offer = by_id[offer_id]
        assert sum(sizes) <= offer.capacity and (not offer.whole or len(sizes) == 1), (offer, sizes)


def measure(name, method, households, offers, bounds):
    """Wall time of a plain run; peak Python memory from a second, traced run (tracing slows Python
    down several times, so it must not be in the timed run)."""
    started = time.perf_counter()
    plan = method(households, offers)
    wall = time.perf_counter() - started
    tracemalloc.start()
    method(households, offers)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    check(plan, households, offers)
    people_bound, score_bound = bounds
    print(f"  {name:34s} {wall:6.2f} s  {peak / 2**20:7.1f} MiB  people {plan.people:7d} "
          f"({plan.people / people_bound:.4f} of bound)  score {plan.score:10.1f} ({plan.score / score_bound:.4f})")
    return plan


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    for with_neighbours in (False, True):
        households, offers = scenario(args.people, args.seed, with_neighbours)
        started = time.perf_counter()
        bounds = upper_bounds(households, offers)
        print(f"{'neighbouring regions allowed' if with_neighbours else 'same region only'}: "
              f"{sum(h.size for h in households)} people in {len(households)} households, "
              f"{sum(o.capacity for o in offers)} beds in {len(offers)} offers; "
              f"bounds: {bounds[0]} people, score {bounds[1]:.1f} ({time.perf_counter() - started:.2f} s)")
        measure("optimiser (what coordinators get)", best_plan, households, offers, bounds)
        measure("  flow-guided packing alone", optimise, households, offers, bounds)
        measure("greedy priority best-fit", greedy_priority_best_fit, households, offers, bounds)
        measure("greedy fewest options first", greedy_fewest_options_first, households, offers, bounds)
    print(f"peak resident memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


if __name__ == "__main__":
    main()

"""Batch housing proposals on synthetic crises: the optimiser against greedy baselines and the flow bounds.

A scenario is seeded and made of parameters (`Scenario`): how many people (or households) and offers, how
varied the needs are (a few stay lengths, or stays in days), the share of households that accept any region,
which regions a household also accepts (its own, its neighbours on a ring, or a random neighbourhood), and
the offers' maximum stays. For each cell of the grid, in a process of its own (so its peak memory is its own):
people housed / max-flow bound, priority-weighted score / min-cost-flow bound (OR-Tools, same run), wall time,
CPU time and peak resident memory of the optimiser, and the same figures for each greedy baseline. The wall
target is what counts; the CPU time and the load average beside it tell a slow machine from a slow optimiser
(several processes sharing 2 cores stretch the wall, not the CPU time).

Run: .venv/bin/python bench/matching.py --grid            (the grid, 100,000 people, one process per cell)
     .venv/bin/python bench/matching.py --grid --people 2000
     .venv/bin/python bench/matching.py --cell any-half    (one cell)
"""
import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

if __name__ == "__main__":  # bench/ itself would shadow the standard library (bench/queue.py)
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from aidcoord.housing.optimiser import (
    HouseholdNeed,
    OfferSpace,
    best_plan,
    compatible,
    greedy_fewest_options_first,
    greedy_first_come_best_fit,
    greedy_priority_best_fit,
    upper_bounds,
)

SIZES, SIZE_WEIGHTS = [1, 2, 3, 4, 5, 6], [30, 25, 18, 14, 8, 5]
CAPACITIES, CAPACITY_WEIGHTS = [1, 2, 3, 4, 5, 6, 8], [10, 25, 25, 20, 10, 5, 5]
OFFER_STAYS = {"classes": [None, None, None, 90, 180, 365],
               "monthly": [None, None, *range(30, 361, 30)]}
BASELINES = {"greedy priority best-fit": greedy_priority_best_fit,
             "greedy fewest options first": greedy_fewest_options_first,
             "greedy first come best-fit": greedy_first_come_best_fit}


@dataclass(frozen=True)
class Scenario:
    people: int = 100_000  # people waiting (when `households` is 0)
    households: int = 0  # or this many households, whatever their people
    offers_per_person: float = 0.3  # offers = this x people (or x households): 30,000 at 100,000
    needs: str = "few"  # "few": stays of 30/90/180/365 days; "many": stays of 1-400 days, more needs mixed
    anywhere: float = 0.0  # share of households that accept any region
    neighbours: str = "none"  # "none": own region; "ring": and the two next to it; "random": 2-6 random ones
    offer_stays: str = "classes"  # the offers' maximum stays: "classes" (90/180/365/none) or "monthly"
    regions: int = 40  # a tenth of them hot: 60 % of households come from those
    seed: int = 2023


GRID = {
    "own-region": Scenario(),
    "ring-neighbours": Scenario(neighbours="ring"),
    "random-neighbours": Scenario(neighbours="random", needs="many"),
    "many-needs": Scenario(needs="many", offer_stays="monthly"),
    "any-tenth": Scenario(needs="many", anywhere=0.1),
    "any-half": Scenario(needs="many", anywhere=0.5),
    "any-half-ring": Scenario(needs="many", anywhere=0.5, neighbours="ring"),
    "any-half-random-monthly": Scenario(needs="many", anywhere=0.5, neighbours="random", offer_stays="monthly"),
    "households-100k-any-half": Scenario(households=100_000, needs="many", anywhere=0.5, neighbours="random"),
}


def _neighbourhoods(kind: str, rng: random.Random, regions: list[str]) -> dict[str, frozenset]:
    if kind == "none":
        return {region: frozenset({region}) for region in regions}
    if kind == "ring":
        return {region: frozenset({regions[(n - 1) % len(regions)], region, regions[(n + 1) % len(regions)]})
                for n, region in enumerate(regions)}
    return {region: frozenset({region, *rng.sample(regions, min(len(regions), rng.randint(2, 6)))})
            for region in regions}


def generate(params: Scenario) -> tuple[list[HouseholdNeed], list[OfferSpace]]:
    rng = random.Random(params.seed)
    regions = [f"R{n:02d}" for n in range(params.regions)]
    hot_regions = regions[:max(1, params.regions // 10)]
    around = _neighbourhoods(params.neighbours, rng, regions)
    households: list[HouseholdNeed] = []
    total = 0
    while (len(households) < params.households) if params.households else (total < params.people):
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        home = rng.choice(hot_regions) if rng.random() < 0.6 else rng.choice(regions)
        accepted = None if rng.random() < params.anywhere else around[home]
        weight = rng.choices([1.0, 1.5, 2.0, 3.0, 4.0], [50, 20, 15, 10, 5])[0]
        if params.needs == "many":
            weight = round(1 + rng.random() * 3, 2)  # a vulnerability score, not a handful of bands
        stay = rng.choice([30, 90, 180, 365]) if params.needs == "few" else rng.randint(1, 400)
        households.append(HouseholdNeed(
            id=len(households) + 1, size=size, weight=weight, regions=accepted, pets=rng.random() < 0.2,
            step_free=rng.random() < 0.08, children=size >= 3 and rng.random() < 0.7, stay_days=stay))
        total += size
    offers = []
    for n in range(int((params.households or params.people) * params.offers_per_person)):
        capacity = rng.choices(CAPACITIES, CAPACITY_WEIGHTS)[0]
        offers.append(OfferSpace(
            id=n + 1, capacity=capacity, region=rng.choice(regions), whole=rng.random() < 0.3,
            pets_ok=rng.random() < 0.4, step_free=rng.random() < 0.3, children_ok=rng.random() < 0.9,
            max_stay=rng.choice(OFFER_STAYS[params.offer_stays])))
    return households, offers


def scenario(people: int, seed: int, with_neighbours: bool):
    """The original two scenarios: own region only, or also the neighbours on a ring."""
    return generate(Scenario(people=people, seed=seed, neighbours="ring" if with_neighbours else "none"))


def check(plan, households, offers):
    """Every assignment respects the hard constraints and no offer holds more than its beds."""
    by_id = {o.id: o for o in offers}
    used: dict[int, list[int]] = {}
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
    assert plan.people == sum(h.size for h in households if h.id in plan.assignments)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_cell(params: Scenario, baselines: bool = True) -> dict:
    """The optimiser first (its wall time and the process's peak memory so far: the scenario and the
    optimiser), then the bounds and the baselines. Every plan is checked against the hard constraints."""
    households, offers = generate(params)
    started, cpu_started = time.perf_counter(), time.process_time()
    plan = best_plan(households, offers)
    wall, cpu, peak = time.perf_counter() - started, time.process_time() - cpu_started, peak_rss_mib()
    check(plan, households, offers)
    started = time.perf_counter()
    people_bound, score_bound = upper_bounds(households, offers)
    result: dict = {"households": len(households), "people": sum(h.size for h in households), "offers": len(offers),
              "beds": sum(o.capacity for o in offers), "people_bound": people_bound, "score_bound": score_bound,
              "bounds_wall": time.perf_counter() - started,
              "load": os.getloadavg()[0],
              "plans": {"optimiser": {"people": plan.people, "score": plan.score, "wall": wall, "cpu": cpu,
                                      "peak_mib": peak}}}
    for name, method in (BASELINES.items() if baselines else ()):
        started = time.perf_counter()
        other = method(households, offers)
        result["plans"][name] = {"people": other.people, "score": other.score, "wall": time.perf_counter() - started}
        check(other, households, offers)
    return result


def meets_targets(result: dict, wall_limit: float = 10.0, memory_limit_mib: float = 1536) -> list[str]:
    """What the optimiser misses in one cell (empty: every target met)."""
    mine, misses = result["plans"]["optimiser"], []
    if mine["people"] < 0.99 * result["people_bound"]:
        misses.append("people < 0.99 of bound")
    if mine["score"] < 0.99 * result["score_bound"] - 1e-6:
        misses.append("score < 0.99 of bound")
    for name, other in result["plans"].items():
        if name != "optimiser" and (other["people"] > mine["people"] or other["score"] > mine["score"] + 1e-6):
            misses.append(f"below {name}")
    if mine["wall"] > wall_limit:
        misses.append(f"wall > {wall_limit:g} s")
    if mine.get("peak_mib", 0) > memory_limit_mib:
        misses.append("memory > 1.5 GiB")
    return misses


def print_cell(name: str, params: Scenario, result: dict) -> None:
    changed = {key: value for key, value in asdict(params).items() if value != getattr(Scenario(), key)}
    print(f"{name}  {changed or 'defaults'}: {result['people']} people in {result['households']} households, "
          f"{result['beds']} beds in {result['offers']} offers; bounds {result['people_bound']} people, "
          f"score {result['score_bound']:.1f} ({result['bounds_wall']:.2f} s)")
    for method, figures in result["plans"].items():
        memory = f"{figures['peak_mib']:7.0f} MiB" if "peak_mib" in figures else " " * 11
        cpu = f"  (CPU {figures['cpu']:.2f} s, load {result['load']:.1f})" if "cpu" in figures else ""
        print(f"  {method:28s} people {figures['people'] / result['people_bound']:.4f}  "
              f"score {figures['score'] / result['score_bound']:.4f}  {figures['wall']:6.2f} s {memory}{cpu}")
    misses = meets_targets(result)
    print(f"  targets: {'all met' if not misses else 'MISSED: ' + ', '.join(misses)}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", action="store_true", help="every cell, each in a process of its own")
    parser.add_argument("--cell", choices=sorted(GRID), help="one cell, in this process")
    parser.add_argument("--people", type=int, help="people (or households, where a cell counts households)")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--json", action="store_true", help="print the cell's figures as JSON")
    args = parser.parse_args()
    names = sorted(GRID, key=list(GRID).index) if args.grid or not args.cell else [args.cell]
    if args.cell:
        params = replace(GRID[args.cell], seed=args.seed)
        if args.people:
            params = replace(params, **({"households": args.people} if params.households else {"people": args.people}))
        result = run_cell(params)
        print(json.dumps(result) if args.json else "", end="\n" if args.json else "")
        if not args.json:
            print_cell(args.cell, params, result)
        return 0
    failed = 0
    for name in names:
        command = [sys.executable, __file__, "--cell", name, "--seed", str(args.seed), "--json"]
        if args.people:
            command += ["--people", str(args.people)]
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)  # noqa: S603
        params = replace(GRID[name], seed=args.seed)
        if args.people:
            params = replace(params, **({"households": args.people} if params.households else {"people": args.people}))
        print_cell(name, params, result)
        failed += bool(meets_targets(result))
        sys.stdout.flush()
    print(f"{len(names) - failed} of {len(names)} cells within every target")
    return 0


if __name__ == "__main__":
    sys.exit(main())

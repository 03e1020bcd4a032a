"""Why a household is left out of a batch plan, as a code a coordinator can act on.

- `no_offer`: no free offer at all (in the run's region);
- `constraint` with the hard constraint that rules out every offer (`beds`, `region`, `pets`, `step_free`,
  `children`, `stay`; `availability` when the plan's offer was not available on its dates, `consent` when the
  household has not agreed to share its details with a host);
- `taken_by_higher_priority`: compatible offers exist and all went to households of equal or higher priority;
- `taken_to_house_more`: some went to lower priorities, because that houses more people in all;
- `offer_still_free`: a compatible offer is still free after the plan (propose it by hand).

Worked out per kind of household and kind of offer (as the optimiser groups them), not per pair, so it
takes seconds at 100,000 households.
"""
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass

from aidcoord.housing.compatibility import HouseholdNeed, OfferSpace, unmet

CONSTRAINT_ORDER = ("region", "beds", "pets", "step_free", "children", "stay")


@dataclass(frozen=True)
class Reason:
    code: str
    constraint: str | None = None


def _variant(space: OfferSpace) -> tuple:
    return (space.region, space.whole, space.pets_ok, space.step_free, space.children_ok, space.max_stay)


class _Variant:
    """Offers of one kind, by capacity: the least priority weight of their occupants from each capacity up
    (infinity where nobody is placed), and whether any of them from that capacity up is still empty."""

    def __init__(self, spaces: list[OfferSpace], assigned_weights: dict[int, list[float]]):
        spaces = sorted(spaces, key=lambda space: space.capacity)
        self.capacities = [space.capacity for space in spaces]
        self.max_capacity = self.capacities[-1]
        self.least_weight_from: list[float] = [0.0] * len(spaces)
        self.empty_from: list[bool] = [False] * len(spaces)
        least, empty = float("inf"), False
        for at in range(len(spaces) - 1, -1, -1):
            weights = assigned_weights.get(spaces[at].id)
            if weights:
                least = min(least, *weights)
            else:
                empty = True
            self.least_weight_from[at], self.empty_from[at] = least, empty


def reasons(left_out: list[HouseholdNeed], spaces: list[OfferSpace], assignments: dict[int, int],
            weights: dict[int, float]) -> dict[int, Reason]:
    """household id -> why it is left out, for every household in `left_out`; `assignments` is the plan
    (household id -> offer id) and `weights` the priority weight of every household in it."""
    if not spaces:
        return {household.id: Reason("no_offer") for household in left_out}
    occupants: defaultdict[int, list[float]] = defaultdict(list)
    for household_id, offer_id in assignments.items():
        occupants[offer_id].append(weights[household_id])
    by_variant: defaultdict[tuple, list[OfferSpace]] = defaultdict(list)
    for space in spaces:
        by_variant[_variant(space)].append(space)
    variants = {key: _Variant(members, occupants) for key, members in by_variant.items()}
    by_region: defaultdict[str, list[tuple]] = defaultdict(list)
    for key in sorted(variants, key=repr):
        by_region[key[0]].append(key)
    found: dict[tuple, tuple] = {}  # the situation depends on needs and size only, not on priority
    out = {}
    for household in left_out:
        key = (household.needs_key(), household.size)
        if key not in found:
            found[key] = _situation(household, variants, by_region)
        ruling, least, empty = found[key]
        if ruling is not None:
            out[household.id] = Reason("constraint", ruling)
        elif empty:
            out[household.id] = Reason("offer_still_free")
        elif least >= household.weight:
            out[household.id] = Reason("taken_by_higher_priority")
        else:
            out[household.id] = Reason("taken_to_house_more")
    return out


def _situation(household: HouseholdNeed, variants: dict[tuple, _Variant],
               by_region: dict[str, list[tuple]]) -> tuple[str | None, float, bool]:
    """(the constraint ruling out every offer, or None; the least priority weight placed in a compatible offer
    that could hold the household; whether such an offer is still empty)."""
    least, empty, any_compatible = float("inf"), False, False
    near = variants if household.regions is None else [key for region in sorted(household.regions)
                                                       for key in by_region.get(region, ())]
    for key in near:  # only offers where the household may live can be compatible
        variant = variants[key]
        if unmet(household, OfferSpace(0, variant.max_capacity, *key)):
            continue
        any_compatible = True
        at = bisect_left(variant.capacities, household.size)
        least = min(least, variant.least_weight_from[at])
        empty = empty or variant.empty_from[at]
    if any_compatible:
        return None, least, empty
    broken_by: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    for key, variant in variants.items():
        broken = unmet(household, OfferSpace(0, variant.max_capacity, *key))
        broken_by.update(broken)
        if len(broken) == 1:
            alone.update(broken)
    counts = alone or broken_by  # the constraint that alone rules out the most offers, if any does
    return max(CONSTRAINT_ORDER, key=lambda name: (counts[name], -CONSTRAINT_ORDER.index(name))), least, empty

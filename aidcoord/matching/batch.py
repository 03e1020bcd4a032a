"""Batch proposals: place as many people as possible, weighted by priority, under the hard constraints.

The model is a min-cost flow (OR-Tools) over classes of identical households and identical offers:
source -> household class (people, cost -weight per person) -> compatible offer class -> sink (beds).
Its optimum with households allowed to split is the upper bound we report. The integral plan then
follows the flow: households the flow sends to an offer class are packed into that class's offers
(largest and most vulnerable first, best fit), whole dwellings take one household each, and whatever
the flow split or could not pack is placed by best fit in order of weight, then gaps are filled.
Households are never split; nothing here writes to the database: coordinators confirm each proposal.
"""
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

WEIGHT_SCALE = 1000  # the flow solver takes integer costs


@dataclass(frozen=True)
class HouseholdNeed:
    id: int
    size: int
    weight: float  # priority weight per person (>= 1)
    regions: frozenset | None  # None: anywhere
    pets: bool = False
    step_free: bool = False
    children: bool = False
    stay_days: int | None = None

    def class_key(self):
        return (self.regions, self.size, self.pets, self.step_free, self.children, self.stay_days, self.weight)


@dataclass(frozen=True)
class OfferSpace:
    id: int
    capacity: int  # free beds
    region: str
    whole: bool = False
    pets_ok: bool = False
    step_free: bool = False
    children_ok: bool = True
    max_stay: int | None = None

    def class_key(self):
        return (self.region, self.capacity, self.whole, self.pets_ok, self.step_free, self.children_ok, self.max_stay)


def compatible(household: HouseholdNeed, offer: OfferSpace, capacity: int | None = None) -> bool:
    """The hard constraints (the engine checks the same ones, and dates, before a proposal)."""
    free = offer.capacity if capacity is None else capacity
    return (free >= household.size
            and (household.regions is None or offer.region in household.regions)
            and (offer.pets_ok or not household.pets)
            and (offer.step_free or not household.step_free)
            and (offer.children_ok or not household.children)
            and (offer.max_stay is None or household.stay_days is None or household.stay_days <= offer.max_stay))


@dataclass
class Plan:
    assignments: dict[int, int] = field(default_factory=dict)  # household id -> offer id
    people: int = 0
    score: float = 0.0


def _classes(items, key):
    groups = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return list(groups.values())


def _class_edges(household_classes, offer_classes):
    """Compatible (household class, offer class) pairs, checked once per pair of representatives."""
    by_region = defaultdict(list)
    for index, members in enumerate(offer_classes):
        by_region[members[0].region].append(index)
    edges = []
    for h_index, members in enumerate(household_classes):
        household = members[0]
        regions = household.regions if household.regions is not None else by_region.keys()
        for region in regions:
            for o_index in by_region.get(region, ()):
                if compatible(household, offer_classes[o_index][0]):
                    edges.append((h_index, o_index))
    return edges


def _solve_flow(household_classes, offer_classes, edges, weighted: bool):
    """Min-cost flow on the class graph; returns {(h_class, o_class): people} and the optimum."""
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    h_node = lambda i: 2 + i  # noqa: E731
    o_node = lambda j: 2 + len(household_classes) + j  # noqa: E731
    total = 0
    for i, members in enumerate(household_classes):
        people = sum(h.size for h in members)
        total += people
        cost = -round(members[0].weight * WEIGHT_SCALE) if weighted else -1
        flow.add_arc_with_capacity_and_unit_cost(source, h_node(i), people, cost)
    arcs = {}
    for i, j in edges:
        people = sum(h.size for h in household_classes[i])
        arcs[flow.add_arc_with_capacity_and_unit_cost(h_node(i), o_node(j), people, 0)] = (i, j)
    for j, members in enumerate(offer_classes):
        flow.add_arc_with_capacity_and_unit_cost(o_node(j), sink, sum(o.capacity for o in members), 0)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)  # people left unhoused
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the flow solver found no optimum")
    routed = {arcs[arc]: flow.flow(arc) for arc in arcs if flow.flow(arc) > 0}
    return routed, -flow.optimal_cost()


def upper_bounds(households, offers) -> tuple[int, float]:
    """(people, weighted score) if households could be split across offers: nothing integral beats them."""
    household_classes = _classes(households, HouseholdNeed.class_key)
    offer_classes = _classes(offers, OfferSpace.class_key)
    edges = _class_edges(household_classes, offer_classes)
    _, people = _solve_flow(household_classes, offer_classes, edges, weighted=False)
    _, weighted = _solve_flow(household_classes, offer_classes, edges, weighted=True)
    return people, weighted / WEIGHT_SCALE


def _variant(offer: OfferSpace):
    return (offer.region, offer.whole, offer.pets_ok, offer.step_free, offer.children_ok, offer.max_stay)


def _generality(variant) -> int:
    """How many kinds of household a place can take beyond the plainest."""
    _region, _whole, pets_ok, step_free, children_ok, max_stay = variant
    return pets_ok + step_free + children_ok + (max_stay is None)


class _Residual:
    """Free beds of every offer, bucketed by (region and features, free beds). Each variant keeps a
    bitmask of the free-bed counts it has offers for, so best fit is a few bit operations per variant
    instead of a scan of every offer."""

    def __init__(self, offers):
        self.free = {}
        self.buckets = defaultdict(lambda: defaultdict(list))  # variant -> free beds -> [offer ids]
        self.masks = defaultdict(int)  # variant -> bit n set when some offer has n free beds
        self.variants_by_region = defaultdict(set)
        for offer in offers:
            variant = _variant(offer)
            self.free[offer.id] = offer.capacity
            self._put(variant, offer.capacity, offer.id)
            self.variants_by_region[offer.region].add(variant)
        self._allowed = {}

    def _put(self, variant, free: int, offer_id: int) -> None:
        self.buckets[variant][free].append(offer_id)
        self.masks[variant] |= 1 << free

    def _variants_for(self, household: HouseholdNeed):
        key = household.class_key()
        if key not in self._allowed:
            regions = household.regions if household.regions is not None else self.variants_by_region.keys()
            allowed = [variant for region in regions for variant in self.variants_by_region.get(region, ())
                       if compatible(household, OfferSpace(0, household.size, *variant))]
            # Among equal fits, take the plainest offer first: keep pet-friendly, step-free and
            # long-stay places for the households that need them. Sorting also makes plans repeatable.
            self._allowed[key] = sorted(allowed, key=lambda variant: (_generality(variant), repr(variant)))
        return self._allowed[key]

    def best_fit(self, household: HouseholdNeed, only_variant=None):
        """(variant, free beds) of the fullest-fitting compatible offer, or None."""
        variants = [only_variant] if only_variant is not None else self._variants_for(household)
        best, best_free = None, None
        for variant in variants:
            fitting = self.masks[variant] >> household.size
            if not fitting:
                continue
            free = household.size + ((fitting & -fitting).bit_length() - 1)  # smallest count that fits
            if best_free is None or free < best_free:
                best, best_free = variant, free
                if free == household.size:
                    break
        return None if best is None else (best, best_free)

    def take(self, household: HouseholdNeed, variant, free: int) -> int:
        bucket = self.buckets[variant][free]
        offer_id = bucket.pop()
        if not bucket:
            self.masks[variant] &= ~(1 << free)
        left = 0 if variant[1] else free - household.size  # a whole dwelling is taken whole
        self.free[offer_id] = left
        if left:
            self._put(variant, left, offer_id)
        return offer_id


def _assign(plan: "Plan", household: HouseholdNeed, offer_id: int) -> None:
    plan.assignments[household.id] = offer_id
    plan.people += household.size
    plan.score += household.size * household.weight


def _place_all(order, residual: _Residual, plan: Plan) -> None:
    for household in order:
        if household.id in plan.assignments:
            continue
        fit = residual.best_fit(household)
        if fit is not None:
            _assign(plan, household, residual.take(household, *fit))


def by_priority(households):
    """Most vulnerable first; among equals the larger household (harder to place later)."""
    return sorted(households, key=lambda h: (-h.weight, -h.size, h.id))


def greedy_priority_best_fit(households, offers) -> Plan:
    """Baseline: most vulnerable first, each into the compatible offer it fills best."""
    plan = Plan()
    _place_all(by_priority(households), _Residual(offers), plan)
    return plan


def greedy_fewest_options_first(households, offers) -> Plan:
    """Baseline: households with the fewest compatible offers first."""
    residual = _Residual(offers)
    beds_by_variant = {variant: sum(free * len(ids) for free, ids in buckets.items())
                       for variant, buckets in residual.buckets.items()}
    options = {h.id: sum(beds_by_variant[v] for v in residual._variants_for(h)) for h in households}
    plan = Plan()
    _place_all(sorted(households, key=lambda h: (options[h.id], -h.weight, h.id)), residual, plan)
    return plan


def optimise(households, offers) -> Plan:
    """The flow-guided plan: follow the weighted optimum class by class, then place the rest by best fit."""
    household_classes = _classes(households, HouseholdNeed.class_key)
    offer_classes = _classes(offers, OfferSpace.class_key)
    edges = _class_edges(household_classes, offer_classes)
    routed, _ = _solve_flow(household_classes, offer_classes, edges, weighted=True)
    residual = _Residual(offers)
    plan = Plan()
    # Households the flow sends to an offer class go into that class's offers (best fit, big first).
    sent = defaultdict(list)  # offer class -> households
    remaining = {i: sorted(members, key=lambda h: h.id) for i, members in enumerate(household_classes)}
    for (i, j), people in sorted(routed.items(), key=lambda item: -household_classes[item[0][0]][0].weight):
        size = household_classes[i][0].size
        count = min(people // size, len(remaining[i]))
        sent[j].extend(remaining[i][:count])
        remaining[i] = remaining[i][count:]
    for j, group in sent.items():
        variant = _variant(offer_classes[j][0])
        for household in sorted(group, key=lambda h: (-h.size, -h.weight, h.id)):
            fit = residual.best_fit(household, only_variant=variant)
            if fit is not None:
                _assign(plan, household, residual.take(household, *fit))
    # Whatever the flow split or could not pack: most vulnerable first, best fit anywhere allowed.
    _place_all(by_priority(households), residual, plan)
    return plan


def best_plan(households, offers) -> Plan:
    """The better (by priority-weighted score) of the flow-guided plan and the priority-first plan.
    The flow-guided packing still loses beds to fragmentation on small offers (see bench/matching.py),
    so the priority-first plan is kept as a floor until the packing is tighter."""
    candidates = [optimise(households, offers), greedy_priority_best_fit(households, offers)]
    return max(candidates, key=lambda plan: (plan.score, plan.people))

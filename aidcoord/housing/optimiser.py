"""Batch proposals: place as many people as possible, weighted by priority, under the hard constraints.

The model is a min-cost flow (OR-Tools). Households with the same needs and size form a group (one
arc from the source per priority weight, cost -weight per person); a group connects to each
compatible kind of offer, entering its chain of capacity levels at the smallest capacity that holds
it; each level drains its beds to the sink. Its optimum with households allowed to split is the
upper bound we report. The integral plan follows the flow: the households the flow sends to a kind
of offer are packed into offers of that kind (best fit), and whatever the flow split or could not
pack is placed by best fit in order of weight. That plan and the priority-first plan compete, and
the better one is improved by local moves (ejection and replacement, see improve()) that never
lower the people housed nor the priority-weighted score.
Households are never split; nothing here writes to the database: coordinators confirm each proposal.
"""
import itertools
from bisect import bisect_left
from collections import defaultdict, deque
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

from aidcoord.housing.compatibility import HouseholdNeed, OfferSpace, compatible

__all__ = ["HouseholdNeed", "OfferSpace", "Plan", "best_plan", "compatible", "upper_bounds"]

WEIGHT_SCALE = 1000  # the flow solver takes integer costs
MOVE_SEARCH = 40  # offers of each kind that a local move looks at (the largest first)

# A kind of offer: region, whole dwelling, pets, step-free, children, longest stay (OfferSpace without id and beds).
Variant = tuple[str, bool, bool, bool, bool, int | None]


@dataclass
class Plan:
    assignments: dict[int, int] = field(default_factory=dict)  # household id -> offer id
    people: int = 0
    score: float = 0.0


def _groups(households) -> list[list[HouseholdNeed]]:
    """Households with the same needs and size, most vulnerable first: they fit the same offers."""
    groups = defaultdict(list)
    for household in households:
        groups[(household.needs_key(), household.size)].append(household)
    return [sorted(members, key=lambda h: (-h.weight, h.id)) for members in groups.values()]


def _offer_levels(offers) -> dict:
    """variant (region and features) -> {capacity: beds in offers of that variant and capacity}."""
    levels: defaultdict[Variant, defaultdict[int, int]] = defaultdict(lambda: defaultdict(int))
    for offer in offers:
        levels[_variant(offer)][offer.capacity] += offer.capacity
    return levels


def _group_edges(groups, levels) -> list[tuple]:
    """(group, variant, entry capacity) for every compatible pair: a group enters the variant's
    chain of capacity levels at the smallest capacity that holds its households."""
    by_region = defaultdict(list)
    for variant in sorted(levels, key=repr):
        by_region[variant[0]].append(variant)
    capacities = {variant: sorted(beds) for variant, beds in levels.items()}
    fitting = {}  # needs -> compatible variants (the size is checked against the levels)
    edges = []
    for index, members in enumerate(groups):
        household = members[0]
        if household.needs_key() not in fitting:
            regions = household.regions if household.regions is not None else by_region.keys()
            fitting[household.needs_key()] = [
                variant for region in sorted(regions)  # sets iterate in a per-process order
                for variant in by_region.get(region, ())
                if compatible(household, OfferSpace(0, household.size, *variant))]
        for variant in fitting[household.needs_key()]:
            levels_of = capacities[variant]
            at = bisect_left(levels_of, household.size)
            if at < len(levels_of):
                edges.append((index, variant, levels_of[at]))
    return edges


def _solve_flow(groups, levels, edges, weighted: bool):
    """Min-cost flow; returns {(group, variant): people} and the optimum.

    Each group has one arc from the source per priority weight among its households. Offers of one
    variant form a chain of capacity levels (smallest to largest, unbounded arcs up), each level
    draining its beds to the sink: a group entering at the smallest capacity that holds it may use
    any larger one. That is the bipartite household-offer model with far fewer arcs."""
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    nodes: dict[tuple[object, int], int] = {}  # ("group", index) or (variant, capacity) -> node number

    def node(key) -> int:
        return nodes.setdefault(key, 2 + len(nodes))

    people = [sum(h.size for h in members) for members in groups]
    total = sum(people)
    for i, members in enumerate(groups):
        by_weight: defaultdict[float, int] = defaultdict(int)
        for household in members:
            by_weight[household.weight] += household.size
        for weight, count in by_weight.items():
            cost = -round(weight * WEIGHT_SCALE) if weighted else -1
            flow.add_arc_with_capacity_and_unit_cost(source, node(("group", i)), count, cost)
    for variant, beds in levels.items():
        capacities = sorted(beds)
        for low, high in itertools.pairwise(capacities):
            flow.add_arc_with_capacity_and_unit_cost(node((variant, low)), node((variant, high)), total, 0)
        for capacity in capacities:
            flow.add_arc_with_capacity_and_unit_cost(node((variant, capacity)), sink, beds[capacity], 0)
    arcs = {}
    for i, variant, entry in edges:
        arc = flow.add_arc_with_capacity_and_unit_cost(node(("group", i)), node((variant, entry)), people[i], 0)
        arcs[arc] = (i, variant)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, total, 0)  # people left unhoused
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("the flow solver found no optimum")
    routed = {arcs[arc]: flow.flow(arc) for arc in arcs if flow.flow(arc) > 0}
    return routed, -flow.optimal_cost()


def upper_bounds(households, offers) -> tuple[int, float]:
    """(people, weighted score) if households could be split across offers: nothing integral beats them."""
    groups = _groups(households)
    levels = _offer_levels(offers)
    edges = _group_edges(groups, levels)
    _, people = _solve_flow(groups, levels, edges, weighted=False)
    _, weighted = _solve_flow(groups, levels, edges, weighted=True)
    return people, weighted / WEIGHT_SCALE


def _variant(offer: OfferSpace) -> Variant:
    return (offer.region, offer.whole, offer.pets_ok, offer.step_free, offer.children_ok, offer.max_stay)


def _generality(variant) -> int:
    """How many kinds of household a place can take beyond the plainest."""
    _region, _whole, pets_ok, step_free, children_ok, max_stay = variant
    return pets_ok + step_free + children_ok + (max_stay is None)


class _Residual:
    """Free beds of every offer, bucketed by (region and features, free beds). Each variant keeps a
    bitmask of the free-bed counts it has offers for, so best fit is a few bit operations per variant
    instead of a scan of every offer."""

    def __init__(self, offers, free: dict | None = None, allowed: dict | None = None):
        self.free = {}
        # variant -> free beds -> offer ids (a dict as an ordered set: last in, first out; O(1) removal)
        self.buckets: defaultdict[Variant, defaultdict[int, dict[int, None]]] = defaultdict(lambda: defaultdict(dict))
        self.masks: defaultdict[Variant, int] = defaultdict(int)  # variant -> bit n set when some offer has n free beds
        self.variants_by_region = defaultdict(set)
        self.variant_of = {}
        for offer in offers:
            variant = _variant(offer)
            self.variant_of[offer.id] = variant
            self.free[offer.id] = offer.capacity if free is None else free[offer.id]
            if self.free[offer.id]:
                self._put(variant, self.free[offer.id], offer.id)
            self.variants_by_region[offer.region].add(variant)
        # needs -> compatible variants; plans over the same offers may share it (see best_plan)
        self._allowed = {} if allowed is None else allowed

    def _put(self, variant, free: int, offer_id: int) -> None:
        self.buckets[variant][free][offer_id] = None
        self.masks[variant] |= 1 << free

    def withdraw(self, offer_id: int) -> None:
        """Take an offer out of the buckets (its free beds are kept in self.free)."""
        variant, free = self.variant_of[offer_id], self.free[offer_id]
        bucket = self.buckets[variant][free]
        if bucket.pop(offer_id, False) is not False and not bucket:
            self.masks[variant] &= ~(1 << free)

    def set_free(self, offer_id: int, free: int) -> None:
        """Give an offer withdrawn with withdraw() its new free beds."""
        self.free[offer_id] = free
        if free:
            self._put(self.variant_of[offer_id], free, offer_id)

    def _variants_for(self, household: HouseholdNeed):
        key = household.needs_key()
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
        offer_id = bucket.popitem()[0]
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


def greedy_priority_best_fit(households, offers, allowed: dict | None = None) -> Plan:
    """Baseline: most vulnerable first, each into the compatible offer it fills best."""
    plan = Plan()
    _place_all(by_priority(households), _Residual(offers, allowed=allowed), plan)
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


def optimise(households, offers, allowed: dict | None = None) -> Plan:
    """The flow-guided plan: follow the weighted optimum group by group, then place the rest by best fit."""
    groups = _groups(households)
    levels = _offer_levels(offers)
    routed, _ = _solve_flow(groups, levels, _group_edges(groups, levels), weighted=True)
    residual = _Residual(offers, allowed=allowed)
    plan = Plan()
    # The people the flow sends from a group to a kind of offer are its most vulnerable households
    # (within a group they fit the same offers, so the optimum takes them first); they go into offers
    # of that kind, best fit, biggest and most vulnerable first.
    sent = defaultdict(list)  # variant -> households
    next_of = [0] * len(groups)  # the first household of each group not yet sent
    for (i, variant), people in sorted(routed.items(), key=lambda item: (item[0][0], repr(item[0][1]))):
        count = min(people // groups[i][0].size, len(groups[i]) - next_of[i])
        sent[variant].extend(groups[i][next_of[i]:next_of[i] + count])
        next_of[i] += count
    for variant, group in sent.items():
        for household in sorted(group, key=lambda h: (-h.size, -h.weight, h.id)):
            fit = residual.best_fit(household, only_variant=variant)
            if fit is not None:
                _assign(plan, household, residual.take(household, *fit))
    # Whatever the flow split or could not pack: most vulnerable first, best fit anywhere allowed.
    _place_all(by_priority(households), residual, plan)
    return plan


def improve(plan: Plan, households, offers, allowed: dict | None = None) -> Plan:
    """Local moves on top of a plan, for each household left out, most vulnerable first:
    - ejection: it takes an offer once one occupant moves to another offer that fits the occupant;
    - replacement: it takes the place of a smaller-or-equal occupant with a lower priority-weighted
      score, and the occupant is tried again like any household left out.
    Every move keeps people housed from going down and raises the priority-weighted score, so the
    moves end, and the plan never gets worse than the one given."""
    offers_by_id = {offer.id: offer for offer in offers}
    occupants = defaultdict(list)
    for household in households:
        if household.id in plan.assignments:
            occupants[plan.assignments[household.id]].append(household)
    free = {offer.id: (0 if offer.whole and occupants[offer.id] else
                       offer.capacity - sum(h.size for h in occupants[offer.id])) for offer in offers}
    moves = _Moves(plan, _Residual(offers, free, allowed), offers_by_id, occupants)
    pending = deque(by_priority([h for h in households if h.id not in plan.assignments]))
    while pending:
        household = pending.popleft()
        fit = moves.residual.best_fit(household)
        if fit is not None:
            moves.place(household, moves.residual.take(household, *fit))
        elif moves.may_move(household) and not moves.eject_for(household):
            evicted = moves.replace_for(household)
            if evicted is not None:
                pending.append(evicted)
            else:
                moves.no_move(household)
    return plan


class _Moves:
    """The state improve() works on: the plan, the free beds, who is in which offer, and what is
    known not to work until something changes nearby."""

    def __init__(self, plan, residual, offers_by_id, occupants):
        self.plan, self.residual, self.offers_by_id, self.occupants = plan, residual, offers_by_id, occupants
        self.offers_by_variant = defaultdict(list)
        for offer in sorted(offers_by_id.values(), key=lambda offer: (-offer.capacity, offer.id)):
            self.offers_by_variant[_variant(offer)].append(offer)
        # Kinds of occupant that found no other offer, until something changes in one of their regions.
        self.stuck, self.stuck_by_region = set(), defaultdict(set)
        # Kinds of household for which no move exists, until something changes in one of their
        # regions ("*": households that may go anywhere), and a lower bound of the score of any
        # occupant per region (a household worth less cannot replace anyone there).
        self.no_move_kinds, self.no_move_by_region = set(), defaultdict(set)
        self.least_value = defaultdict(lambda: float("inf"))
        for offer_id, people in occupants.items():
            for occupant in people:
                self._lower_least(offer_id, occupant)

    def _lower_least(self, offer_id, household) -> None:
        region = self.offers_by_id[offer_id].region
        self.least_value[region] = min(self.least_value[region], household.size * household.weight)

    def may_move(self, household) -> bool:
        return household.class_key() not in self.no_move_kinds

    def _may_replace(self, household) -> bool:
        regions = household.regions if household.regions is not None else list(self.least_value)
        value = household.size * household.weight
        return any(self.least_value[region] < value for region in regions)

    def no_move(self, household) -> None:
        self._forget(self.no_move_kinds, self.no_move_by_region, household)

    def _forget(self, kinds: set, by_region: dict, household) -> None:
        key = household.class_key()
        kinds.add(key)
        for region in household.regions if household.regions is not None else ("*",):
            by_region[region].add(key)

    def _changed(self, offer_id) -> None:
        for region in (self.offers_by_id[offer_id].region, "*"):
            self.no_move_kinds.difference_update(self.no_move_by_region.pop(region, ()))
            self.stuck.difference_update(self.stuck_by_region.pop(region, ()))

    def place(self, household, offer_id) -> None:
        self.occupants[offer_id].append(household)
        _assign(self.plan, household, offer_id)
        self._lower_least(offer_id, household)
        self._changed(offer_id)

    def _candidates(self, household):
        """(offer, occupant, beds free once the occupant leaves) for offers the household may take:
        the largest MOVE_SEARCH offers of each compatible kind, which bounds the work per household."""
        for variant in self.residual._variants_for(household):
            for offer in self.offers_by_variant[variant][:MOVE_SEARCH]:
                if offer.capacity < household.size:
                    break  # sorted by capacity, largest first
                for occupant in self.occupants[offer.id]:
                    freed = offer.capacity if offer.whole else self.residual.free[offer.id] + occupant.size
                    if freed >= household.size:
                        yield offer, occupant, freed

    def _vacate(self, offer, occupant, freed, household) -> None:
        self.occupants[offer.id].remove(occupant)
        self.residual.set_free(offer.id, 0 if offer.whole else freed - household.size)
        self.place(household, offer.id)

    def eject_for(self, household) -> bool:
        for offer, occupant, freed in self._candidates(household):
            if occupant.class_key() in self.stuck:
                continue
            self.residual.withdraw(offer.id)
            fit = self.residual.best_fit(occupant)
            if fit is None:
                self.residual.set_free(offer.id, self.residual.free[offer.id])
                self._forget(self.stuck, self.stuck_by_region, occupant)
                continue
            moved_to = self.residual.take(occupant, *fit)
            self.occupants[moved_to].append(occupant)
            self.plan.assignments[occupant.id] = moved_to
            self._lower_least(moved_to, occupant)
            self._changed(moved_to)
            self._vacate(offer, occupant, freed, household)
            return True
        return False

    def replace_for(self, household):
        """Evict the occupant whose place gains the most score; returns it (now left out), or None."""
        if not self._may_replace(household):
            return None
        value = household.size * household.weight
        best = None
        for offer, occupant, freed in self._candidates(household):
            gain = value - occupant.size * occupant.weight
            if occupant.size <= household.size and gain > 0 and (best is None or gain > best[0]):
                best = (gain, offer, occupant, freed)
        if best is None:
            return None
        _gain, offer, occupant, freed = best
        self.residual.withdraw(offer.id)
        del self.plan.assignments[occupant.id]
        self.plan.people -= occupant.size
        self.plan.score -= occupant.size * occupant.weight
        self._vacate(offer, occupant, freed, household)
        return occupant


def best_plan(households, offers) -> Plan:
    """What coordinators get: the better of the flow-guided plan and the priority-first plan, then
    improved by local moves. The flow-guided packing alone still loses beds to fragmentation on
    small offers (see bench/matching.py), which the priority-first plan and the moves make up."""
    allowed: dict[tuple, list[Variant]] = {}  # needs -> compatible variants, shared by the plans
    candidates = [optimise(households, offers, allowed), greedy_priority_best_fit(households, offers, allowed)]
    return improve(max(candidates, key=lambda plan: (plan.score, plan.people)), households, offers, allowed)

"""Batch proposals: place as many people as possible, weighted by priority, under the hard constraints.

Households are grouped by class and size (see offer_classes: the regions they accept and the features they
need, stays rounded to the offers' maximum stays), so the work grows with the kinds of household and offer,
not with how many distinct raw needs a queue has. The model is a min-cost flow (OR-Tools) over a lattice:
one node per (region, feature class, capacity), with free arcs to one more feature, the next stay level and
the next capacity, so a group entering at its own needs and size reaches exactly the offers that fit it; a
node drains the beds of its offers to the sink. Groups accepting any region enter one node per (features,
size) that feeds every region. Its optimum with households allowed to split is the upper bound we report
(a whole dwelling counts at most the beds of the largest household: it holds one, so no plan uses more).

The integral plan follows a second flow, in which whole dwellings take only households of their own size
(so the flow does not count on filling one with several small households): the flow is split back into
whole households along its arcs (largest households
to the offers they fill), each group's most vulnerable households go to the offers the flow sent it to
(best fit), and whatever the flow split or could not pack is placed by best fit in order of priority. That
plan and the priority-first plan compete on (score, people); the better one is grown by local moves
(plan_moves: occupants move to gather beds left over for households left out). The people bound is a max
flow, the score bound a min-cost flow, on the same lattice.
Households are never split; nothing here writes to the database: coordinators confirm each proposal.
"""
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from aidcoord.housing.compatibility import HouseholdNeed, OfferSpace, compatible
from aidcoord.housing.offer_classes import ANYWHERE, Catalogue, FreeBeds
from aidcoord.housing.plan_moves import Plan, grow

__all__ = ["HouseholdNeed", "OfferSpace", "Plan", "best_plan", "compatible", "plan_and_bounds", "upper_bounds"]

WEIGHT_SCALE = 1000  # the flow solver takes integer costs
# The plan only follows its flow, so a coarser cost is enough there, and the solver's cost scaling takes fewer
# rounds (the bounds keep WEIGHT_SCALE: they must not round a weight down).
PLAN_WEIGHT_SCALE = 100
SOURCE, SINK = 0, 1


@dataclass
class _Group:
    class_number: int
    size: int
    members: list[HouseholdNeed]  # most vulnerable first


def _groups(catalogue: Catalogue, households) -> list[_Group]:
    """Households of one class and size: they fit the same offers, so only their weights tell them apart."""
    by_key: defaultdict[tuple[int, int], list[HouseholdNeed]] = defaultdict(list)
    for household in households:
        class_number = catalogue.class_of(household)
        if class_number is not None:
            by_key[(class_number, household.size)].append(household)
    return [_Group(class_number, size, sorted(members, key=lambda h: (-h.weight, h.id)))
            for (class_number, size), members in sorted(by_key.items())]


def _useful_arcs(tails, heads, nodes: int, starts, ends):
    """The arcs of the lattice on some path from a group's entry to an offer: the others carry no flow and
    would only slow the solver down (most (region, features, capacity) triples have no offer)."""
    reached = np.zeros(nodes, dtype=bool)
    reached[starts] = True
    while True:  # forward from the entries (the lattice has no cycle, so this ends)
        more = reached.copy()
        more[heads[reached[tails]]] = True
        if (more == reached).all():
            break
        reached = more
    leads = np.zeros(nodes, dtype=bool)
    leads[ends] = True
    while True:  # backward from the offers
        more = leads.copy()
        more[tails[leads[heads]]] = True
        if (more == leads).all():
            break
        leads = more
    keep = reached[tails] & leads[heads]
    return tails[keep], heads[keep]


class _Lattice:
    """The flow network of one set of groups and offers, and the meaning of its arcs."""

    def __init__(self, catalogue: Catalogue, groups: list[_Group], offers, exact_whole: bool = False):
        """`exact_whole`: whole dwellings take only households of their own size (a second lattice without
        the capacity chain). The plan follows that flow, since a whole dwelling holds one household whatever
        its beds; the bounds keep every bed usable."""
        self.catalogue, self.groups = catalogue, groups
        capacities = {offer.capacity for offer in offers}
        largest = max(capacities, default=0)
        self.values = sorted(capacities | {g.size for g in groups if g.size <= largest})
        self.value_index = {value: n for n, value in enumerate(self.values)}
        regions, features, values = len(catalogue.regions), catalogue.features, len(self.values)
        layers = 2 if exact_whole else 1
        self.layer_size = regions * features * values
        self.x_base, self.a_base = 2, 2 + layers * self.layer_size
        self.g_base = self.a_base + layers * features * values
        tails, heads = [], []
        for layer in range(layers):
            x = self.x_base + layer * self.layer_size + np.arange(self.layer_size).reshape(regions, features, values)
            anywhere = self.a_base + layer * features * values + np.arange(features * values).reshape(features, values)
            if layer == 0:  # the next capacity
                tails.append(x[:, :, :-1].ravel())
                heads.append(x[:, :, 1:].ravel())
            for feature in range(features):
                for up in catalogue.steps_up(feature):
                    tails.append(x[:, feature, :].ravel())
                    heads.append(x[:, up, :].ravel())
            tails.append(np.broadcast_to(anywhere, x.shape).ravel())
            heads.append(x.ravel())
        total = sum(len(g.members) * g.size for g in groups)
        structure_tails, structure_heads = np.concatenate(tails), np.concatenate(heads)
        # leaves: the beds of offers of one region, feature class, capacity and kind (whole or shared)
        # A whole dwelling holds one household: beds beyond the largest household are of no use to any plan.
        largest_household = max((g.size for g in groups if g.size <= largest), default=0)
        beds: defaultdict[tuple[int, int, int, bool], int] = defaultdict(int)
        for offer in offers:
            offer_class = catalogue.offer_feature(offer)
            if offer_class is not None:
                useful = min(offer.capacity, largest_household) if offer.whole else offer.capacity
                beds[(catalogue.region_index[offer.region], offer_class, offer.capacity, offer.whole)] += useful
        self.leaves = sorted(beds)
        leaf_tails = [self._x(r, f, self.value_index[c], layer=int(whole and exact_whole))
                      for r, f, c, whole in self.leaves]
        # groups: one arc per region they accept (or one to the "anywhere" node) at their own size
        entry_tails, entry_heads, entry_caps, self.entry_group = [], [], [], []
        for number, group in enumerate(groups):
            if group.size > largest:
                continue
            regions_of = catalogue.class_regions[group.class_number]
            feature, at = catalogue.class_feature[group.class_number], self.value_index[group.size]
            for layer in range(layers):
                heads_of = ([self.a_base + (layer * features + feature) * values + at] if regions_of is ANYWHERE
                            else [self._x(r, feature, at, layer) for r in regions_of])
                for head in heads_of:
                    entry_tails.append(self.g_base + number)
                    entry_heads.append(head)
                    entry_caps.append(len(group.members) * group.size)
                    self.entry_group.append(number)
        structure_tails, structure_heads = _useful_arcs(structure_tails, structure_heads, self.g_base,
                                                        np.array(entry_heads, dtype=np.int64),
                                                        np.array(leaf_tails, dtype=np.int64))
        self.unbounded = structure_tails.size
        self.tails = np.concatenate([structure_tails, np.array(leaf_tails, dtype=np.int64),
                                     np.array(entry_tails, dtype=np.int64), [SOURCE]]).astype(np.int64)
        self.heads = np.concatenate([structure_heads, np.full(len(self.leaves), SINK, dtype=np.int64),
                                     np.array(entry_heads, dtype=np.int64), [SINK]]).astype(np.int64)
        self.capacities = np.concatenate([np.full(self.unbounded, total, dtype=np.int64),
                                          np.array([beds[leaf] for leaf in self.leaves], dtype=np.int64),
                                          np.array(entry_caps, dtype=np.int64), [total]]).astype(np.int64)
        self.leaf_start = self.unbounded
        self.total = total

    def _x(self, region: int, feature: int, at: int, layer: int = 0) -> int:
        return (self.x_base + layer * self.layer_size
                + (region * self.catalogue.features + feature) * len(self.values) + at)

    def solve(self, weighted: bool, scale: int = WEIGHT_SCALE):
        """Min-cost flow: (flow on every arc, optimum). Weighted: each person is worth its priority weight
        (times `scale`)."""
        source_tails, source_heads, source_caps, source_costs = [], [], [], []
        for number, group in enumerate(self.groups):
            people_by_weight: defaultdict[float, int] = defaultdict(int)
            for household in group.members:
                people_by_weight[household.weight] += household.size
            for weight, people in people_by_weight.items():
                source_tails.append(SOURCE)
                source_heads.append(self.g_base + number)
                source_caps.append(people)
                source_costs.append(-round(weight * scale) if weighted else -1)
        tails = np.concatenate([self.tails, np.array(source_tails, dtype=np.int64)])
        heads = np.concatenate([self.heads, np.array(source_heads, dtype=np.int64)])
        capacities = np.concatenate([self.capacities, np.array(source_caps, dtype=np.int64)])
        costs = np.concatenate([np.zeros(len(self.tails), dtype=np.int64), np.array(source_costs, dtype=np.int64)])
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
        supplies = np.zeros(self.g_base + len(self.groups), dtype=np.int64)
        supplies[SOURCE], supplies[SINK] = self.total, -self.total
        flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int64), supplies)
        if flow.solve() != flow.OPTIMAL:
            raise RuntimeError("the flow solver found no optimum")
        flows = flow.flows(np.arange(len(tails), dtype=np.int64))
        return flows, -flow.optimal_cost()

    def max_people(self) -> int:
        """The people bound: a max flow from the groups to the offers (the same value as an unweighted
        min-cost flow, found faster). The lattice's last arc, from the source straight to the sink, is left out."""
        flow = max_flow.SimpleMaxFlow()
        people = np.array([len(group.members) * group.size for group in self.groups], dtype=np.int64)
        flow.add_arcs_with_capacity(
            np.concatenate([self.tails[:-1], np.full(len(self.groups), SOURCE, dtype=np.int64)]),
            np.concatenate([self.heads[:-1], self.g_base + np.arange(len(self.groups), dtype=np.int64)]),
            np.concatenate([self.capacities[:-1], people]))
        if flow.solve(SOURCE, SINK) != flow.OPTIMAL:
            raise RuntimeError("the flow solver found no maximum")
        return flow.optimal_flow()

    def _order(self, node: int) -> int:
        """A topological order of the lattice: groups, then "anywhere", then by features and capacity."""
        if node >= self.g_base:
            return 0
        if node >= self.a_base:
            return 1
        values, count = len(self.values), len(self.catalogue.levels)
        feature, at = divmod((node - self.x_base) % (self.catalogue.features * values), values)
        if node - self.x_base >= self.layer_size:  # the whole dwellings' lattice has no capacity chain
            at = 0
        bits, level = divmod(feature, count)
        return 2 + bin(bits).count("1") + level + at

    def split_by_group(self, flows) -> dict[int, dict[int, int]]:
        """The flow split back into whole households: leaf number -> {group number -> households}. At each
        node the largest households go to the node's own offers first (the ones they fill), the rest further
        up; the people each arc carries are a target, met in whole households as closely as they allow."""
        leaf_of_arc = {self.leaf_start + n: n for n in range(len(self.leaves))}
        outgoing: defaultdict[int, list[tuple[int, int, int]]] = defaultdict(list)  # tail -> (rank, arc, flow)
        entry_start = self.leaf_start + len(self.leaves)
        entering: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)  # group -> (people, entry node)
        for arc in np.flatnonzero(flows[:len(self.tails) - 1]).tolist():
            amount = int(flows[arc])
            if entry_start <= arc:
                entering[self.entry_group[arc - entry_start]].append((amount, int(self.heads[arc])))
                continue
            rank = 0 if arc in leaf_of_arc and self.leaves[leaf_of_arc[arc]][3] else 1 if arc in leaf_of_arc else 2
            outgoing[int(self.tails[arc])].append((rank, arc, amount))
        arriving: defaultdict[int, dict[int, int]] = defaultdict(dict)  # node -> {group -> households}
        for group, entries in entering.items():
            size = self.groups[group].size
            households = sum(amount for amount, _node in entries) // size
            for amount, node in sorted(entries, reverse=True):  # whole households, the largest entries first
                count = min(households, -(-amount // size))
                if count:
                    arriving[node][group] = arriving[node].get(group, 0) + count
                    households -= count
        by_leaf: defaultdict[int, dict[int, int]] = defaultdict(dict)
        for node in sorted(arriving.keys() | outgoing.keys(), key=self._order):
            pieces = sorted(arriving.pop(node, {}).items(), key=lambda item: (-self.groups[item[0]].size, item[0]))
            if not pieces:
                continue
            arcs = [[arc, amount] for _rank, arc, amount in sorted(outgoing.get(node, ()))]
            targets = [by_leaf[leaf_of_arc[arc]] if arc in leaf_of_arc else arriving[int(self.heads[arc])]
                       for arc, _amount in arcs]
            counts = [count for _group, count in pieces]
            for out, target in zip(arcs, targets, strict=True):
                for at, (group, _count) in enumerate(pieces):
                    size = self.groups[group].size
                    moved = min(counts[at], out[1] // size)
                    if moved:
                        target[group] = target.get(group, 0) + moved
                        counts[at] -= moved
                        out[1] -= moved * size
            for at, (group, _count) in enumerate(pieces):  # what no arc had room for: where most flow is left
                if counts[at] and arcs:
                    most = max(range(len(arcs)), key=lambda n: arcs[n][1])
                    targets[most][group] = targets[most].get(group, 0) + counts[at]
                    arcs[most][1] -= counts[at] * self.groups[group].size
        return by_leaf


def upper_bounds(households, offers, catalogue: Catalogue | None = None,
                 groups: list[_Group] | None = None) -> tuple[int, float]:
    """(people, weighted score) if households could be split across offers: nothing integral beats them."""
    catalogue = catalogue or Catalogue(households, offers)
    lattice = _Lattice(catalogue, _groups(catalogue, households) if groups is None else groups, offers)
    _, weighted = lattice.solve(weighted=True)
    return lattice.max_people(), weighted / WEIGHT_SCALE


def by_priority(households):
    """Most vulnerable first; among equals the larger household (harder to place later)."""
    return sorted(households, key=lambda h: (-h.weight, -h.size, h.id))


def _place_in_order(order, catalogue: Catalogue, free: FreeBeds, plan: Plan) -> None:
    """Each household not yet placed, in the order given, into the compatible offer it fills best. Free beds
    only shrink here, so once a class finds no offer for some size, no larger household of it is tried."""
    smallest_misfit: dict[int, int] = {}
    for household in order:
        if household.id in plan.assignments:
            continue
        class_number = catalogue.class_of(household)
        if class_number is None or household.size >= smallest_misfit.get(class_number, 1 << 30):
            continue
        fit = free.best_fit(class_number, household.size)
        if fit is None:
            smallest_misfit[class_number] = household.size
        else:
            plan.assign(household, free.take(*fit, household.size))


def greedy_priority_best_fit(households, offers, catalogue: Catalogue | None = None) -> Plan:
    """Baseline: most vulnerable first, each into the compatible offer it fills best."""
    catalogue = catalogue or Catalogue(households, offers)
    plan = Plan()
    _place_in_order(by_priority(households), catalogue, FreeBeds(catalogue, offers), plan)
    return plan


def greedy_first_come_best_fit(households, offers) -> Plan:
    """Baseline: in the order households registered, each into the compatible offer it fills best."""
    catalogue = Catalogue(households, offers)
    plan = Plan()
    _place_in_order(sorted(households, key=lambda h: h.id), catalogue, FreeBeds(catalogue, offers), plan)
    return plan


def greedy_fewest_options_first(households, offers) -> Plan:
    """Baseline: households with the fewest compatible beds first."""
    catalogue = Catalogue(households, offers)
    free = FreeBeds(catalogue, offers)
    beds_by_cell: defaultdict[int, int] = defaultdict(int)
    for offer_id, cell in free.cell_of.items():
        beds_by_cell[cell] += free.free[offer_id]
    options: dict[int | None, int] = {None: 0}
    for household in households:
        class_number = catalogue.class_of(household)
        if class_number is not None and class_number not in options:
            accepted = catalogue.class_regions[class_number]
            regions = range(len(catalogue.regions)) if accepted is ANYWHERE else accepted
            options[class_number] = sum(beds_by_cell[region * free.kinds + kind] for region in regions
                                        for kind in free.kinds_for(catalogue.class_feature[class_number]))
    order = sorted(households, key=lambda h: (options[catalogue.class_of(h)], -h.weight, h.id))
    plan = Plan()
    _place_in_order(order, catalogue, free, plan)
    return plan


def optimise(households, offers, catalogue: Catalogue | None = None, groups: list[_Group] | None = None) -> Plan:
    """The flow-guided plan: follow the weighted optimum group by group, then place the rest by best fit."""
    catalogue = catalogue or Catalogue(households, offers)
    groups = _groups(catalogue, households) if groups is None else groups
    lattice = _Lattice(catalogue, groups, offers, exact_whole=True)
    flows, _ = lattice.solve(weighted=True, scale=PLAN_WEIGHT_SCALE)
    free = FreeBeds(catalogue, offers)
    # The people the flow sends from a group to some offers are its most vulnerable households (within a
    # group they fit the same offers, so the optimum takes them first).
    sent: list[tuple[HouseholdNeed, int]] = []  # (household, cell the flow sent it to)
    next_of = [0] * len(groups)
    for leaf, by_group in sorted(lattice.split_by_group(flows).items()):
        region, feature, _capacity, whole = lattice.leaves[leaf]
        cell = region * free.kinds + feature * 2 + whole
        for number, sent_count in sorted(by_group.items()):
            group = groups[number]
            count = min(sent_count, len(group.members) - next_of[number])
            sent.extend((household, cell) for household in group.members[next_of[number]:next_of[number] + count])
            next_of[number] += count
    plan = Plan()
    for household, cell in sorted(sent, key=lambda item: (-item[0].size, -item[0].weight, item[0].id)):
        fitting = free.masks[cell] >> household.size
        if fitting:
            plan.assign(household, free.take(cell, household.size + (fitting & -fitting).bit_length() - 1,
                                              household.size))
    # Whatever the flow split or could not pack: most vulnerable first, best fit anywhere allowed.
    _place_in_order(by_priority(households), catalogue, free, plan)
    return plan


def best_plan(households, offers, catalogue: Catalogue | None = None, groups: list[_Group] | None = None) -> Plan:
    """What coordinators get: the better of the flow-guided plan and the priority-first plan, then grown by
    local moves that house more people without lowering the score."""
    catalogue = catalogue or Catalogue(households, offers)  # one compatibility cache for both plans
    candidates = [optimise(households, offers, catalogue, groups),
                  greedy_priority_best_fit(households, offers, catalogue)]
    plan = max(candidates, key=lambda plan: (plan.score, plan.people))
    grow(plan, households, offers, catalogue)
    return plan


def plan_and_bounds(households, offers) -> tuple[Plan, int, float]:
    """best_plan and upper_bounds (people, score) on one compatibility cache and one grouping of households."""
    catalogue = Catalogue(households, offers)
    groups = _groups(catalogue, households)
    people_bound, score_bound = upper_bounds(households, offers, catalogue, groups)
    return best_plan(households, offers, catalogue, groups), people_bound, score_bound

"""A plan (household -> offer) and the local moves on a finished one, the optimiser's last step: each move
houses more people, none lowers the priority-weighted score, none breaks a hard constraint. The flow's plan
leaves beds over here and there (one in a shared offer, a whole dwelling held by a smaller household); the
moves gather them for households left out by moving occupants to other offers that fit them or, failing
that, by letting a larger household take a smaller one's place when it is worth at least as much.
"""
from bisect import insort
from collections import defaultdict
from dataclasses import dataclass, field

from aidcoord.housing.compatibility import HouseholdNeed
from aidcoord.housing.offer_classes import ANYWHERE, Catalogue, FreeBeds


@dataclass
class Plan:
    assignments: dict[int, int] = field(default_factory=dict)  # household id -> offer id
    people: int = 0
    score: float = 0.0

    def assign(self, household: HouseholdNeed, offer_id: int) -> None:
        self.assignments[household.id] = offer_id
        self.people += household.size
        self.score += household.size * household.weight

    def unassign(self, household: HouseholdNeed) -> None:
        del self.assignments[household.id]
        self.people -= household.size
        self.score -= household.size * household.weight


def grow(plan: Plan, households, offers, catalogue: Catalogue) -> None:
    """Grow the plan in place, offer by offer: more people housed, the score never lower (see _make_room, then
    _replace_smaller). Each offer is visited once, its moves repeated while one is found."""
    occupants: defaultdict[int, list[HouseholdNeed]] = defaultdict(list)
    left_out: defaultdict[int, defaultdict[int, list[HouseholdNeed]]] = defaultdict(lambda: defaultdict(list))
    for household in households:
        if household.id in plan.assignments:
            occupants[plan.assignments[household.id]].append(household)
        elif (class_number := catalogue.class_of(household)) is not None:
            left_out[class_number][household.size].append(household)
    if not left_out:
        return
    for by_size in left_out.values():
        for waiting in by_size.values():
            waiting.sort(key=lambda h: (h.weight, -h.id))  # the most vulnerable last, taken by pop()
    largest = max(size for by_size in left_out.values() for size in by_size)
    free = FreeBeds(catalogue, offers, {offer.id: 0 if offer.whole and occupants[offer.id] else
                                         offer.capacity - sum(h.size for h in occupants[offer.id]) for offer in offers})
    accepting: defaultdict[int, list[int]] = defaultdict(list)  # region -> classes with households left out
    for class_number in sorted(left_out):
        regions = catalogue.class_regions[class_number]
        for region in range(len(catalogue.regions)) if regions is ANYWHERE else regions:
            accepting[region].append(class_number)
    upsets = {feature: set(catalogue.upset(feature)) for feature in set(catalogue.class_feature)}
    fitting_classes: dict[int, list[int]] = {}
    for offer in sorted(offers, key=lambda offer: offer.id):
        cell = free.cell_of.get(offer.id)
        if cell is None or not occupants[offer.id]:
            continue
        if cell not in fitting_classes:
            feature = (cell % free.kinds) // 2
            fitting_classes[cell] = [c for c in accepting[cell // free.kinds]
                                     if feature in upsets[catalogue.class_feature[c]]]
        classes = fitting_classes[cell]
        while (_make_room(plan, offer, occupants, free, left_out, classes, catalogue)
               or _replace_smaller(plan, offer, occupants, free, left_out, classes, largest, catalogue)):
            pass  # again, while the offer keeps room for someone larger


def _make_room(plan, offer, occupants, free, left_out, classes, catalogue) -> bool:
    """An ejection move of grow: the offer's smallest occupants move, one by one, to other offers that fit
    them (mostly a bed left over here and there) until a household left out fits in the room they leave; False
    (and every occupant back in place) when none does. Nobody leaves the plan, so people and score only grow:
    beds left over in several shared offers are merged into one place for a larger household."""
    free_here = free.free[offer.id]
    sizes_waiting = 0  # bit n: some household of n people that this offer suits is left out
    for class_number in classes:
        for size, waiting in left_out[class_number].items():
            if waiting:
                sizes_waiting |= 1 << size
    if not sizes_waiting >> (free_here + 1) or not sizes_waiting & ((2 << offer.capacity) - 1):
        return False
    moved: list[tuple[HouseholdNeed, int, int]] = []  # (occupant, its new offer, that offer's free beds before)
    free.set_free(offer.id, 0)  # the occupants go elsewhere, never back here
    room = 0 if offer.whole else free_here
    fits = 0
    for occupant in sorted(occupants[offer.id], key=lambda h: (h.size, h.weight, h.id)):
        class_number = catalogue.class_of(occupant)
        elsewhere = None if class_number is None else free.best_fit(class_number, occupant.size)
        if elsewhere is None:
            continue
        moved.append((occupant, free.take(*elsewhere, occupant.size), elsewhere[1]))
        room = offer.capacity if offer.whole else room + occupant.size
        fits = sizes_waiting & ((2 << room) - 1) & ~((2 << free_here) - 1 if not offer.whole else 0)
        if fits and not sizes_waiting >> (room + 1):
            break  # no household left out needs more room than this
    if not fits:
        for _occupant, moved_to, before in moved:
            free.set_free(moved_to, before)
        free.set_free(offer.id, free_here)
        return False
    size = fits.bit_length() - 1  # the most people that now fit
    for occupant, moved_to, _before in moved:
        occupants[offer.id].remove(occupant)
        occupants[moved_to].append(occupant)
        plan.assignments[occupant.id] = moved_to
    best = max((left_out[c][size] for c in classes if left_out[c].get(size)), key=lambda w: w[-1].weight)
    newcomer = best.pop()
    plan.assign(newcomer, offer.id)
    occupants[offer.id].append(newcomer)
    free.set_free(offer.id, 0 if offer.whole else room - newcomer.size)
    return True


def _replace_smaller(plan, offer, occupants, free, left_out, classes, largest, catalogue) -> bool:
    """One move of grow in one offer, tried when _make_room finds none (so no occupant can move to make
    room): a larger household left out, worth at least the occupant's people x weight, takes its place and
    the occupant is left out instead; False when there is no such move."""
    free_here = free.free[offer.id]
    for occupant in sorted(occupants[offer.id], key=lambda h: (h.size * h.weight, h.id)):
        room = offer.capacity if offer.whole else free_here + occupant.size
        least = occupant.size * occupant.weight
        best = None
        for size in range(min(room, largest), occupant.size, -1):  # the most people first
            for candidate in classes:
                waiting = left_out[candidate].get(size)
                if waiting and size * waiting[-1].weight >= least and (
                        best is None or waiting[-1].weight > best[-1].weight):
                    best = waiting
            if best is not None:
                break
        if best is None:
            continue
        newcomer = best.pop()
        plan.unassign(occupant)
        plan.assign(newcomer, offer.id)
        occupants[offer.id].remove(occupant)
        occupants[offer.id].append(newcomer)
        free.set_free(offer.id, 0 if offer.whole else room - newcomer.size)
        class_number = catalogue.class_of(occupant)
        if class_number is not None:  # left out now: it may take a smaller one's place further on
            insort(left_out[class_number][occupant.size], occupant, key=lambda h: (h.weight, -h.id))
        return True
    return False

"""The housing compatibility rules, written once: which offers a household may be proposed.

`unmet` is the one statement of the hard constraints on what a household needs and what a place is
(beds, region, pets, step-free access, children, length of stay); the queue's proposals
(`violations`), the batch optimiser (`compatible`, on plain values, 100,000 households at a time) and
the candidate search all use it. `violations` adds what only the records can tell: consent, vetting,
dates, a dwelling already taken, a suspended host.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import LazyString, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.common.formats import format_day
from aidcoord.common.types import today as local_today
from aidcoord.extensions import db
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.housing.offers import host_is_suspended

# How far ahead of the household's date an offer may start and still be proposed.
START_TOLERANCE = timedelta(days=7)


@dataclass(frozen=True)
class HouseholdNeed:
    """What a household needs of a place, as plain values."""

    id: int
    size: int
    weight: float = 1.0  # priority weight per person (>= 1), for the optimiser
    regions: frozenset | None = None  # None: anywhere
    pets: bool = False
    step_free: bool = False
    children: bool = False
    stay_days: int | None = None

    def class_key(self):
        return (self.regions, self.size, self.pets, self.step_free, self.children, self.stay_days, self.weight)

    def needs_key(self):
        """What decides which kinds of offer fit, whatever the size."""
        return (self.regions, self.pets, self.step_free, self.children, self.stay_days)


@dataclass(frozen=True)
class OfferSpace:
    """What a place is, as plain values; `capacity` is the beds it can take now."""

    id: int
    capacity: int
    region: str
    whole: bool = False
    pets_ok: bool = False
    step_free: bool = False
    children_ok: bool = True
    max_stay: int | None = None


def unmet(need: HouseholdNeed, space: OfferSpace, capacity: int | None = None) -> list[str]:
    """The hard constraints `space` breaks for `need`, by name (empty: compatible)."""
    free = space.capacity if capacity is None else capacity
    broken = []
    if free < need.size:
        broken.append("beds")
    if need.regions is not None and space.region not in need.regions:
        broken.append("region")
    if need.pets and not space.pets_ok:
        broken.append("pets")
    if need.step_free and not space.step_free:
        broken.append("step_free")
    if need.children and not space.children_ok:
        broken.append("children")
    if space.max_stay is not None and need.stay_days is not None and need.stay_days > space.max_stay:
        broken.append("stay")
    return broken


def compatible(need: HouseholdNeed, space: OfferSpace, capacity: int | None = None) -> bool:
    return not unmet(need, space, capacity)


def need_of(household: Household, weight: float = 1.0) -> HouseholdNeed:
    return HouseholdNeed(
        id=household.id, size=household.size, weight=weight,
        regions=frozenset(household.preferred_regions) if household.region_required else None,
        pets=household.pets, step_free=household.step_free_needed, children=household.children > 0,
        stay_days=household.stay_days or None)


def free_capacity(offer: HousingOffer) -> int:
    """Beds that can be proposed now: a whole dwelling only while nobody holds any of it."""
    if offer.whole_dwelling and offer.free_beds != offer.beds:
        return 0
    return offer.free_beds


def space_of(offer: HousingOffer) -> OfferSpace:
    return OfferSpace(
        id=offer.id, capacity=free_capacity(offer), region=offer.region, whole=offer.whole_dwelling,
        pets_ok=offer.pets_accepted, step_free=offer.step_free, children_ok=offer.children_welcome,
        max_stay=offer.max_stay_days)


def _explain(name: str, household: Household, offer: HousingOffer, capacity: bool = True):
    if name == "beds" and not capacity:
        return lazy_ngettext("%(beds)d beds for %(num)d person", "%(beds)d beds for %(num)d people", household.size,
                             beds=offer.beds)
    if name == "beds":
        if offer.whole_dwelling and offer.free_beds != offer.beds:
            return _l("the dwelling is already taken")
        return lazy_ngettext("%(free)d free beds for %(num)d person", "%(free)d free beds for %(num)d people",
                             household.size, free=offer.free_beds)
    return {
        "region": _l("outside the regions the household must stay in"),
        "pets": _l("no pets accepted"),
        "step_free": _l("no step-free access"),
        "children": _l("children not accepted"),
        "stay": lazy_ngettext("stays of at most %(num)d day", "stays of at most %(num)d days",
                              offer.max_stay_days or 0),
    }[name]


def violations(household: Household, offer: HousingOffer, today: date | None = None, *,
               capacity: bool = True, host_checked: bool = False) -> list:
    """Every hard constraint the offer breaks for the household, in words (empty: it fits).
    `capacity=False`: whether the place is big enough, not whether its beds are free now (the
    conditional UPDATE taking them decides that). `host_checked`: the caller's query already left out
    offers of suspended hosts (one query for a list, not one per offer)."""
    broken = []
    if not household.consent_to_share:
        broken.append(_l("the household has not consented to share its details with a host"))
    if offer.vetting_state is not VettingState.VERIFIED:
        broken.append(_l("the offer is not verified"))
    beds = None if capacity else offer.beds
    broken += [_explain(name, household, offer, capacity)
               for name in unmet(need_of(household), space_of(offer), beds)]
    start = max(household.needed_from, today or local_today())
    if offer.available_from > start + START_TOLERANCE:
        broken.append(_l("available only from %(day)s", day=LazyString(format_day, offer.available_from)))
    if offer.available_until is not None and offer.available_until < start + timedelta(days=household.stay_days or 1):
        broken.append(_l("available only until %(day)s", day=LazyString(format_day, offer.available_until)))
    if not host_checked and offer.host_id is not None and db.session.scalar(select(host_is_suspended(offer.host_id))):
        broken.append(_l("the host is suspended"))
    return broken

"""Which verified offers fit a household, and in what order: hard constraints filter, preferences rank."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.extensions import db
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.housing.offers import host_is_suspended


@dataclass
class Candidate:
    offer: HousingOffer
    score: int
    reasons: list = field(default_factory=list)


def violations(household: Household, offer: HousingOffer, today: date | None = None) -> list:
    """Every hard constraint the offer breaks for the household (empty: it fits)."""
    broken = []
    if not household.consent_to_share:
        broken.append(_l("the household has not consented to share its details with a host"))
    start = max(household.needed_from, today or date.today())
    if offer.vetting_state is not VettingState.VERIFIED:
        broken.append(_l("the offer is not verified"))
    if offer.whole_dwelling and offer.free_beds != offer.beds:
        broken.append(_l("the dwelling is already taken"))
    if offer.free_beds < household.size:
        broken.append(_l("%(free)d free beds for %(size)d people", free=offer.free_beds, size=household.size))
    if offer.available_from > start + timedelta(days=7):
        broken.append(_l("available only from %(day)s", day=offer.available_from.isoformat()))
    if offer.available_until is not None:
        stay_end = start + timedelta(days=household.stay_days or 1)
        if offer.available_until < stay_end:
            broken.append(_l("available only until %(day)s", day=offer.available_until.isoformat()))
    if household.stay_days and offer.max_stay_days and offer.max_stay_days < household.stay_days:
        broken.append(_l("stays of at most %(days)d days", days=offer.max_stay_days))
    if household.step_free_needed and not offer.step_free:
        broken.append(_l("no step-free access"))
    if household.pets and not offer.pets_accepted:
        broken.append(_l("no pets accepted"))
    if household.children and not offer.children_welcome:
        broken.append(_l("children not accepted"))
    if household.region_required and offer.region not in household.preferred_regions:
        broken.append(_l("outside the regions the household must stay in"))
    if offer.host_id is not None and db.session.scalar(select(host_is_suspended(offer.host_id))):
        broken.append(_l("the host is suspended"))
    return broken


def preference_score(household: Household, offer: HousingOffer) -> Candidate:
    """Soft preferences, each with its reason."""
    score, reasons = 0, []
    if household.preferred_regions and offer.region in household.preferred_regions:
        score += 30
        reasons.append(_l("in a preferred region (+30)"))
    shared = sorted(set(household.languages) & set(offer.languages))
    if shared:
        score += 10 * len(shared)
        reasons.append(_l("speaks %(langs)s (+%(n)d)", langs=", ".join(shared), n=10 * len(shared)))
    if household.size >= 5 and offer.whole_dwelling:
        score += 15
        reasons.append(_l("a whole dwelling for a large family (+15)"))
    if offer.is_free_of_charge:
        score += 10
        reasons.append(_l("free of charge (+10)"))
    if offer.meals_included:
        score += 5
        reasons.append(_l("meals included (+5)"))
    leftover = offer.free_beds - household.size
    fit = max(0, 10 - 2 * leftover)
    if fit:
        score += fit
        reasons.append(_l("fits the household size closely (+%(n)d)", n=fit))
    return Candidate(offer=offer, score=score, reasons=reasons)


def candidates(household: Household, limit: int = 20, today: date | None = None) -> list[Candidate]:
    """Compatible verified offers, best first (ties: the offer waiting longest)."""
    query = select(HousingOffer).where(
        HousingOffer.vetting_state == VettingState.VERIFIED, HousingOffer.free_beds >= household.size)
    if household.step_free_needed:
        query = query.where(HousingOffer.step_free.is_(True))
    if household.pets:
        query = query.where(HousingOffer.pets_accepted.is_(True))
    if household.region_required:
        query = query.where(HousingOffer.region.in_(household.preferred_regions))
    fitting = [offer for offer in db.session.scalars(query.order_by(HousingOffer.id))
               if not violations(household, offer, today)]
    ranked = sorted((preference_score(household, offer) for offer in fitting), key=lambda c: (-c.score, c.offer.id))
    return ranked[:limit]

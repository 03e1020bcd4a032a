"""Which verified offers fit a household, and in what order: the compatibility rules filter,
preferences rank."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.extensions import db
from aidcoord.housing.compatibility import violations
from aidcoord.housing.models import Household, HousingOffer, VettingState

__all__ = ["Candidate", "candidates", "preference_score", "violations"]


@dataclass
class Candidate:
    offer: HousingOffer
    score: int
    reasons: list = field(default_factory=list)


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
    """Compatible verified offers, best first (ties: the offer waiting longest). The query only narrows
    the search; `violations` decides."""
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

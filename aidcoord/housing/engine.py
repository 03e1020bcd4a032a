"""Which verified offers fit a household, and in what order: the compatibility rules filter,
preferences rank."""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from aidcoord.common.codes import language_names
from aidcoord.extensions import db
from aidcoord.housing.compatibility import violations
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.housing.offers import host_is_suspended

__all__ = ["Candidate", "candidates", "preference_score", "reason_text", "violations"]


@dataclass
class Candidate:
    offer: HousingOffer
    score: int
    reasons: list = field(default_factory=list)


def preference_score(household: Household, offer: HousingOffer) -> Candidate:
    """Soft preferences, each with its reason: a code with its numbers, worded by `reason_text` where it
    is read (a match keeps its reasons; the host reads them in their language, not the coordinator's)."""
    score, reasons = 0, []
    if household.preferred_regions and offer.region in household.preferred_regions:
        score += 30
        reasons.append({"code": "preferred_region", "points": 30})
    shared = sorted(set(household.languages) & set(offer.languages))
    if shared:
        score += 10 * len(shared)
        reasons.append({"code": "speaks", "points": 10 * len(shared), "languages": shared})
    if household.size >= 5 and offer.whole_dwelling:
        score += 15
        reasons.append({"code": "whole_dwelling", "points": 15})
    if offer.is_free_of_charge:
        score += 10
        reasons.append({"code": "free_of_charge", "points": 10})
    if offer.meals_included:
        score += 5
        reasons.append({"code": "meals_included", "points": 5})
    leftover = offer.free_beds - household.size
    fit = max(0, 10 - 2 * leftover)
    if fit:
        score += fit
        reasons.append({"code": "size_fit", "points": fit})
    return Candidate(offer=offer, score=score, reasons=reasons)


def reason_text(reason: dict | str) -> str:
    """A match reason in the reader's language (language names from CLDR). Matches proposed before
    reasons were codes hold text: shown as it was written."""
    if not isinstance(reason, dict):
        return str(reason)
    code, n = reason.get("code"), int(reason.get("points") or 0)
    if code == "preferred_region":
        return gettext("in a preferred region (+%(n)d)", n=n)
    if code == "speaks":
        return gettext("speaks %(langs)s (+%(n)d)", langs=language_names(reason.get("languages")), n=n)
    if code == "whole_dwelling":
        return gettext("a whole dwelling for a large family (+%(n)d)", n=n)
    if code == "free_of_charge":
        return gettext("free of charge (+%(n)d)", n=n)
    if code == "meals_included":
        return gettext("meals included (+%(n)d)", n=n)
    if code == "size_fit":
        return gettext("fits the household size closely (+%(n)d)", n=n)
    return str(code)


def candidates(household: Household, limit: int = 20, today: date | None = None) -> list[Candidate]:
    """Compatible verified offers, best first (ties: the offer waiting longest). The query only narrows
    the search; `violations` decides."""
    query = select(HousingOffer).where(
        HousingOffer.vetting_state == VettingState.VERIFIED, HousingOffer.free_beds >= household.size,
        ~host_is_suspended(HousingOffer.host_id))  # here for every offer at once, not in violations() for each
    if household.step_free_needed:
        query = query.where(HousingOffer.step_free.is_(True))
    if household.pets:
        query = query.where(HousingOffer.pets_accepted.is_(True))
    if household.region_required:
        query = query.where(HousingOffer.region.in_(household.preferred_regions))
    fitting = [offer for offer in db.session.scalars(query.order_by(HousingOffer.id))
               if not violations(household, offer, today, host_checked=True)]
    ranked = sorted((preference_score(household, offer) for offer in fitting), key=lambda c: (-c.score, c.offer.id))
    return ranked[:limit]

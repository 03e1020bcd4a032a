"""Who sees what of a match: the host learns the household's name and phone only after accepting, the
household the address only after acceptance; coordinators and caseworkers see what they need. Every
view of contact details is recorded."""
from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import NotFound
from aidcoord.housing import households
from aidcoord.housing.matching import KIND
from aidcoord.housing.models import Household
from aidcoord.matching import services as matches
from aidcoord.matching.models import Match

# From acceptance the host sees the household's name and phone, and the household the address.
REVEALED_STATES = KIND.contact_shown_from


def shares_with_host(household: Household) -> bool:
    """The household agrees, and still agrees, that a host sees its details and contact."""
    return consent.has_consent(ConsentSubject.HOUSEHOLD, household.id, ConsentPurpose.SHARE_WITH_HOST)


def can_view_match(user: User | None, match: Match, household: Household) -> bool:
    """The household's side (staff included) and the offer's."""
    return households.is_involved_staff(user, household) or matches.is_answerer(user, match)


def ensure_can_view(viewer: User | None, match: Match) -> Household:
    """The match's household; 404 for people with no part in the match. Shows nothing, so records nothing
    (match_view records what it shows)."""
    household = KIND.subject(match.subject_id)
    if not can_view_match(viewer, match, household):
        raise NotFound()
    return household


def match_view(viewer: User, match: Match) -> dict:
    """The match as this viewer may see it."""
    household, offer = ensure_can_view(viewer, match), KIND.offer(match.offer_id)
    is_host_side = matches.is_answerer(viewer, match)
    contact = None
    if viewer.is_staff or households.is_involved_staff(viewer, household) or (
            is_host_side and match.state in REVEALED_STATES and shares_with_host(household)):
        contact = {"name": household.contact_name, "phone": household.contact_phone}
        if viewer.id != household.user_id:
            audit.record_personal_data_view(viewer, households.ENTITY, household.id, ["contact_name", "contact_phone"],
                                            ServedBy(Purpose.MATCH, matches.ENTITY, match.id),
                                            organization_id=household.organization_id)
    address = offer.address if (viewer.is_staff or is_host_side or match.state in REVEALED_STATES) else None
    if address is not None and not is_host_side:
        # The host's address, seen by the household's side: from acceptance on it is where the family goes.
        audit.record_personal_data_view(viewer, "housing_offer", offer.id, ["address"],
                                        ServedBy(Purpose.MATCH, matches.ENTITY, match.id),
                                        subject=(households.ENTITY, household.id),
                                        organization_id=household.organization_id)
    return {"match": match, "household": household, "offer": offer, "household_contact": contact,
            "offer_address": address, "is_host_side": is_host_side}


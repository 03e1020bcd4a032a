"""An offer's beds never go below the beds taken or promised: lowering them below is refused with 409
and the numbers (API and page form), nothing is written; raising them frees the extra beds; the free
beds follow the beds, so declining afterwards gives back exactly what was held. A proposal that finds
the beds taken answers 409 (a conflict), not 422."""
import pytest
from sqlalchemy import func, select

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import HousingOffer, VettingState
from aidcoord.matching import queue
from aidcoord.matching.models import MatchState, QueueKind
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY


@pytest.fixture
def offer_with_two_families(app):
    """11 beds, two families of 4 proposed: 8 beds promised, 3 free."""
    coordinator = UserFactory(roles=["coordinator"])
    offer = HousingOfferFactory(beds=11, notes="before")
    proposals = []
    for number in range(2):
        households.register_household(coordinator, {**FAMILY, "contact_phone": f"+3749100000{number}"})
        entry = queue.take_next(coordinator, QueueKind.HOUSING)
        proposals.append(housing_matching.propose_offer(coordinator, entry, offer.id))
    return {"offer": offer, "host": offer.host, "coordinator": coordinator, "proposals": proposals}


def beds_of(offer_id) -> tuple[int, int]:
    db.session.expire_all()
    offer = db.session.get(HousingOffer, offer_id)
    return offer.beds, offer.free_beds


def updates_recorded(offer_id) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "housing_offer", AuditEvent.entity_id == offer_id,
        AuditEvent.action == AuditAction.UPDATE))


def test_fewer_beds_than_promised_is_refused_with_409_and_the_numbers(offer_with_two_families, api):
    offer, host = offer_with_two_families["offer"], offer_with_two_families["host"]
    response = api("PATCH", f"/api/v1/housing/offers/{offer.id}", host, json={"beds": 7, "notes": "after"})
    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    message = "8 beds are taken or promised; the offer cannot have fewer than 8."
    assert error["code"] == "capacity_in_use" and error["message"] == message
    assert error["fields"] == {"beds": [message]}
    assert beds_of(offer.id) == (11, 3)  # nothing half-written: not the beds, not the notes
    assert db.session.get(HousingOffer, offer.id).notes == "before" and updates_recorded(offer.id) == 0


def test_beds_can_go_down_to_those_promised_and_up_again_with_free_beds_following(offer_with_two_families, api):
    offer, host = offer_with_two_families["offer"], offer_with_two_families["host"]
    response = api("PATCH", f"/api/v1/housing/offers/{offer.id}", host, json={"beds": 8})
    assert response.status_code == 200 and (response.get_json()["beds"], response.get_json()["free_beds"]) == (8, 0)
    assert db.session.get(HousingOffer, offer.id).vetting_state is VettingState.VERIFIED  # fewer beds: same place
    response = api("PATCH", f"/api/v1/housing/offers/{offer.id}", host, json={"beds": 12})
    assert response.status_code == 200 and beds_of(offer.id) == (12, 4)  # the extra beds are free
    assert db.session.get(HousingOffer, offer.id).vetting_state is VettingState.UNVERIFIED  # more: check again
    assert updates_recorded(offer.id) == 2


def test_the_edit_page_shows_the_refusal_on_the_beds_field_with_409(offer_with_two_families, pages, client):
    offer, host = offer_with_two_families["offer"], offer_with_two_families["host"]
    pages.login(host.email)
    form = {"region": offer.region, "locality": offer.locality, "address": offer.address, "beds": "5",
            "rooms": str(offer.rooms), "available_from": offer.available_from.isoformat(), "notes": "after",
            "children_welcome": "y"}
    response = pages.post(f"/housing/offers/{offer.id}/edit", form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "8 beds are taken or promised; the offer cannot have fewer than 8." in page
    assert beds_of(offer.id) == (11, 3) and db.session.get(HousingOffer, offer.id).notes == "before"
    response = pages.post(f"/housing/offers/{offer.id}/edit", {**form, "beds": "9"})
    assert response.status_code == 302 and beds_of(offer.id) == (9, 1)


def test_declining_after_the_beds_were_lowered_gives_back_exactly_what_was_held(offer_with_two_families, api):
    offer, host = offer_with_two_families["offer"], offer_with_two_families["host"]
    first, second = offer_with_two_families["proposals"]
    assert api("PATCH", f"/api/v1/housing/offers/{offer.id}", host, json={"beds": 9}).status_code == 200
    assert beds_of(offer.id) == (9, 1)
    response = api("POST", f"/api/v1/housing/matches/{first.id}/decline", host, json={"reason": "too far"})
    assert response.status_code == 200 and response.get_json()["state"] == MatchState.DECLINED.value
    assert beds_of(offer.id) == (9, 5)
    response = api("POST", f"/api/v1/housing/matches/{second.id}/decline", host, json={"reason": "too far"})
    assert response.status_code == 200 and beds_of(offer.id) == (9, 9)


def test_a_whole_dwelling_made_bigger_while_taken_is_whole_again_after_the_decline(app, api):
    coordinator = UserFactory(roles=["coordinator"])
    offer = HousingOfferFactory(beds=5, whole_dwelling=True)
    households.register_household(coordinator, dict(FAMILY))
    match = housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    assert beds_of(offer.id) == (5, 0)  # the whole dwelling is held
    response = api("PATCH", f"/api/v1/housing/offers/{offer.id}", offer.host, json={"beds": 4})
    assert response.status_code == 409 and "5 beds are taken or promised" in response.get_json()["error"]["message"]
    assert api("PATCH", f"/api/v1/housing/offers/{offer.id}", offer.host, json={"beds": 6}).status_code == 200
    assert beds_of(offer.id) == (6, 1)
    housing_matching.decline(offer.host, match, "not now")
    assert beds_of(offer.id) == (6, 6)


def test_a_proposal_finding_the_beds_taken_answers_409_not_422(app, api):
    coordinator = UserFactory(roles=["coordinator"])
    offer = HousingOfferFactory(beds=5)
    for number in range(2):
        households.register_household(coordinator, {**FAMILY, "contact_phone": f"+3749100000{number}"})
    housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    second = queue.take_next(coordinator, QueueKind.HOUSING)
    response = api("POST", "/api/v1/housing/matches", coordinator, json={"entry_id": second.id, "offer_id": offer.id})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "capacity_taken"
    assert beds_of(offer.id) == (5, 1)


def test_a_place_too_small_for_the_household_is_still_invalid_422(app, api):
    coordinator = UserFactory(roles=["coordinator"])
    offer = HousingOfferFactory(beds=3)
    households.register_household(coordinator, dict(FAMILY))
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    response = api("POST", "/api/v1/housing/matches", coordinator, json={"entry_id": entry.id, "offer_id": offer.id})
    assert response.status_code == 422 and "3 beds for 4 people" in response.get_json()["error"]["message"]


def test_the_proposal_page_says_the_beds_are_taken(app, pages, client):
    coordinator = UserFactory(roles=["coordinator"])
    offer = HousingOfferFactory(beds=5)
    for number in range(2):
        households.register_household(coordinator, {**FAMILY, "contact_phone": f"+3749100000{number}"})
    housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    second = queue.take_next(coordinator, QueueKind.HOUSING)
    pages.login(coordinator.email)
    response = pages.post(f"/housing/queue/{second.id}/propose/{offer.id}")
    assert response.status_code == 302
    assert "Not enough free beds are left in this offer" in client.get(response.location).get_data(as_text=True)
    assert beds_of(offer.id) == (5, 1)

"""Housing through the API: privacy before and after acceptance, the whole loop, bad input. (Who may
call which endpoint is in the permission table, tests/permissions/.)"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import Household, HousingOffer
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from tests.factories import HousingOfferFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY

FAMILY_JSON = {**FAMILY, "languages": ["hy", "ru"], "preferred_regions": ["AM-SU"]}

OFFER = {"region": "AM-SU", "locality": "Goris", "address": "12 Main St", "beds": 3,
         "available_from": today().isoformat(), "languages": ["hy"], "pets_accepted": True}


@pytest.fixture
def world(app):
    users = {role: UserFactory(roles=[role]) for role in ("admin", "coordinator", "donor", "employer", "volunteer")}
    users.update(host_own=UserFactory(roles=["host"]), host_other=UserFactory(roles=["host"]),
                 caseworker=UserFactory(), org_member_other=UserFactory(), anonymous=None)
    caseworker_org = OrganizationFactory(members=[users["caseworker"]])
    OrganizationFactory(members=[users["org_member_other"]])
    household = households.register_household(users["caseworker"], {**FAMILY}, organization_id=caseworker_org.id)
    offer = HousingOfferFactory(host=users["host_own"], created_by=users["host_own"])
    entry = queue.take_next(users["coordinator"], QueueKind.HOUSING)
    match = housing_matching.propose_offer(users["coordinator"], entry, offer.id)
    return {"users": users, "household": household, "offer": offer, "match": match, "entry": entry}


def test_hosts_list_only_their_own_offers(world, api):
    HousingOfferFactory(host=world["users"]["host_other"], created_by=world["users"]["host_other"])
    own = api("GET", "/api/v1/housing/offers", world["users"]["host_own"]).get_json()["items"]
    assert [offer["id"] for offer in own] == [world["offer"].id]
    assert len(api("GET", "/api/v1/housing/offers", world["users"]["coordinator"]).get_json()["items"]) == 2


def test_the_host_learns_name_and_phone_only_after_accepting(world, api):
    host = world["users"]["host_own"]
    before = api("GET", f"/api/v1/housing/matches/{world['match'].id}", host).get_json()
    assert before["household_contact"] is None
    assert FAMILY["contact_name"] not in str(before) and "123456" not in str(before)
    assert before["household"]["size"] == 4 and before["household"]["children_under_5"] == 1
    views_before = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.VIEW_PERSONAL_DATA, AuditEvent.actor_id == host.id))
    after = api("POST", f"/api/v1/housing/matches/{world['match'].id}/accept", host).get_json()
    assert after["household_contact"] == {"name": FAMILY["contact_name"], "phone": "+37491123456"}
    views_after = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.VIEW_PERSONAL_DATA, AuditEvent.actor_id == host.id))
    assert views_after == views_before + 1


def test_lists_never_carry_contact_details(world, api):
    coordinator = world["users"]["coordinator"]
    queue_page = api("GET", "/api/v1/housing/queue", coordinator).get_data(as_text=True)
    matches_list = api("GET", "/api/v1/housing/matches", world["users"]["host_own"]).get_data(as_text=True)
    for body in (queue_page, matches_list):
        assert FAMILY["contact_name"] not in body and "123456" not in body and "medical_note" not in body


def test_the_whole_loop_through_the_api_updates_free_beds(app, api):
    coordinator, host = UserFactory(roles=["coordinator"]), UserFactory(roles=["host"])
    offer = api("POST", "/api/v1/housing/offers", host, json={**OFFER, "beds": 6}).get_json()
    assert offer["vetting_state"] == "unverified"
    api("POST", f"/api/v1/housing/offers/{offer['id']}/vet", coordinator, json={"decision": "verified",
                                                                                  "note": "visited, safe, 6 beds"})
    api("POST", "/api/v1/housing/households", coordinator, json=FAMILY_JSON)
    entry = api("POST", "/api/v1/housing/queue/take", coordinator).get_json()
    candidates = api("GET", f"/api/v1/housing/queue/{entry['id']}/candidates", coordinator).get_json()
    assert [c["offer"]["id"] for c in candidates] == [offer["id"]] and "address" not in candidates[0]["offer"]
    match = api("POST", "/api/v1/housing/matches", coordinator, json={"entry_id": entry["id"], "offer_id": offer["id"]})
    assert match.status_code == 201 and match.get_json()["reasons"]
    assert api("GET", f"/api/v1/housing/offers/{offer['id']}", host).get_json()["free_beds"] == 2
    api("POST", f"/api/v1/housing/matches/{match.get_json()['id']}/accept", host)
    moved = api("POST", f"/api/v1/housing/matches/{match.get_json()['id']}/move-in", host).get_json()
    assert moved["state"] == "placed"
    api("POST", f"/api/v1/housing/matches/{match.get_json()['id']}/end", coordinator, json={"reason": "moved on"})
    assert api("GET", f"/api/v1/housing/offers/{offer['id']}", host).get_json()["free_beds"] == 6


@pytest.mark.parametrize("overrides, field", [
    ({"beds": 0}, "beds"), ({"beds": 100000}, "beds"), ({"region": "AM-XX"}, "region"),
    ({"address": ""}, "address"), ({"languages": ["armenian"]}, "languages"),
    ({"available_until": (today() - timedelta(days=1)).isoformat()}, "available_until"),
    ({"rent_amount": "-10", "rent_currency": "AMD"}, "rent_amount"),
    ({"rent_amount": "10", "rent_currency": "XXQ"}, "rent_currency"),
    ({"beds": "four"}, "beds"), ({"notes": "x" * 6000}, "notes"),
])
def test_bad_offers_are_refused_by_field(app, api, overrides, field):
    response = api("POST", "/api/v1/housing/offers", UserFactory(roles=["host"]), json={**OFFER, **overrides})
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"], response.get_json()
    assert db.session.scalar(select(func.count()).select_from(HousingOffer)) == 0


@pytest.mark.parametrize("overrides, field", [
    ({"adults": 0, "children": 0}, "adults"), ({"children_under_5": 5}, "children_under_5"),
    ({"size": 9}, "size"), ({"contact_phone": "12"}, "contact_phone"), ({"contact_name": ""}, "contact_name"),
    ({"preferred_regions": ["XX-YY"]}, "preferred_regions"), ({"adults": -1}, "adults"),
    ({"region_required": True, "preferred_regions": []}, "preferred_regions"),
])
def test_bad_households_are_refused_by_field(app, api, overrides, field):
    response = api("POST", "/api/v1/housing/households", UserFactory(roles=["coordinator"]),
                   json={**FAMILY_JSON, **overrides})
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"], response.get_json()
    assert db.session.scalar(select(func.count()).select_from(Household)) == 0


def test_no_proposal_without_consent(app, api):
    coordinator = UserFactory(roles=["coordinator"])
    api("POST", "/api/v1/housing/households", coordinator, json={**FAMILY_JSON, "consent_to_share": False})
    offer = HousingOfferFactory()
    entry = api("POST", "/api/v1/housing/queue/take", coordinator).get_json()
    response = api("POST", "/api/v1/housing/matches", coordinator, json={"entry_id": entry["id"], "offer_id": offer.id})
    assert response.status_code == 422 and "consented" in response.get_json()["error"]["message"]

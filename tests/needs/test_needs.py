"""Needs: posted by members of verified organizations, validated field by field, listed by urgency."""
from datetime import timedelta

import pytest

from aidcoord.audit.models import AuditEvent
from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.needs.models import Need, Urgency
from aidcoord.organizations.models import Sector, VerificationState
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

TOMORROW = (today() + timedelta(days=1)).isoformat()


def need_body(organization, **overrides):
    return {"organization_id": organization.id, "sector": "food_security", "item": "baby formula",
            "quantity": "250", "unit": "kg", "region": "AM-SU", "locality": "Goris", "urgency": "critical",
            "needed_by": TOMORROW, **overrides}


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def organization(member):
    return OrganizationFactory(members=[member])


def test_a_member_posts_a_need_that_starts_open_with_empty_coverage(api, member, organization):
    response = api("POST", "/api/v1/needs", member, json=need_body(organization))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "open" and body["quantity"] == "250" and body["unit"] == "kg"
    assert body["coverage"]["requested"] == "250" and body["coverage"]["pledged"] == "0"


def test_a_cash_need_keeps_its_exact_amount(api, member, organization):
    body = need_body(organization, quantity=None, unit=None, amount="1500000.50", currency="amd")
    response = api("POST", "/api/v1/needs", member, json=body)
    assert response.status_code == 201
    assert response.get_json()["amount"] == "1500000.50" and response.get_json()["currency"] == "AMD"
    assert db.session.query(Need).one().amount_minor == 150000050


def test_unverified_organizations_cannot_post_needs(api, member):
    pending = OrganizationFactory(members=[member], verification_state=VerificationState.PENDING)
    assert api("POST", "/api/v1/needs", member, json=need_body(pending)).status_code == 409


def test_outsiders_cannot_post_for_an_organization(api, organization):
    assert api("POST", "/api/v1/needs", UserFactory(roles=["donor"]), json=need_body(organization)).status_code == 403


@pytest.mark.parametrize("overrides, field", [
    ({"unit": "buckets"}, "unit"),
    ({"quantity": "0"}, "quantity"),
    ({"quantity": "-3"}, "quantity"),
    ({"quantity": "1.2345"}, "quantity"),
    ({"quantity": "NaN"}, "quantity"),
    ({"quantity": "1e30"}, "quantity"),
    ({"unit": None}, "unit"),
    ({"amount": "10", "currency": "EUR"}, "unit"),
    ({"quantity": None, "unit": None, "amount": "10", "currency": "XYZ"}, "currency"),
    ({"quantity": None, "unit": None, "amount": "10.001", "currency": "EUR"}, "amount"),
    ({"quantity": None, "unit": None, "amount": "10.5", "currency": "JPY"}, "amount"),
    ({"needed_by": (today() - timedelta(days=1)).isoformat()}, "needed_by"),
    ({"needed_by": "next week"}, "needed_by"),
    ({"region": "AM-XX"}, "region"),
    ({"sector": "weapons"}, "sector"),
    ({"urgency": "whenever"}, "urgency"),
    ({"item": "x" * 201}, "item"),
    ({"item": ""}, "item"),
    ({"description": "x" * 100_000}, "description"),
])
def test_bad_input_gets_a_message_on_its_field_and_writes_nothing(api, member, organization, overrides, field):
    response = api("POST", "/api/v1/needs", member, json=need_body(organization, **overrides))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    assert db.session.query(Need).count() == 0
    assert db.session.query(AuditEvent).filter_by(entity_type="need").count() == 0


def test_json_numbers_are_read_exactly(api, member, organization):
    response = api("POST", "/api/v1/needs", member,
                   data=f'{{"organization_id": {organization.id}, "sector": "shelter", "item": "beds",'
                   f' "quantity": 0.1, "unit": "t", "region": "AM-SU", "urgency": "high", "needed_by": "{TOMORROW}"}}',
                   content_type="application/json")
    assert response.status_code == 201 and response.get_json()["quantity"] == "0.1"


def test_state_cannot_be_typed_in(api, member, organization):
    response = api("POST", "/api/v1/needs", member, json=need_body(organization, state="fulfilled"))
    assert response.status_code == 422 and "state" in response.get_json()["error"]["fields"]


def test_list_sorts_by_urgency_then_needed_by_and_filters(api):
    soon = today() + timedelta(days=2)
    later = today() + timedelta(days=20)
    NeedFactory(item="normal soon", urgency=Urgency.NORMAL, needed_by=soon)
    NeedFactory(item="critical later", urgency=Urgency.CRITICAL, needed_by=later)
    NeedFactory(item="critical soon", urgency=Urgency.CRITICAL, needed_by=soon, region="AM-ER", sector=Sector.HEALTH)
    NeedFactory(item="high", urgency=Urgency.HIGH, needed_by=soon)
    NeedFactory(item="hidden", organization=OrganizationFactory(verification_state=VerificationState.PENDING))
    items = [n["item"] for n in api("GET", "/api/v1/needs").get_json()["items"]]
    assert items == ["critical soon", "critical later", "high", "normal soon"]
    assert [n["item"] for n in api("GET", "/api/v1/needs?region=AM-ER").get_json()["items"]] == ["critical soon"]
    assert [n["item"] for n in api("GET", "/api/v1/needs?sector=health").get_json()["items"]] == ["critical soon"]
    assert [n["item"] for n in api("GET", "/api/v1/needs?urgency=high").get_json()["items"]] == ["high"]
    assert api("GET", "/api/v1/needs?state=fulfilled").get_json()["items"] == []
    assert api("GET", "/api/v1/needs?urgency=soon").status_code == 422


def test_the_list_names_each_needs_organization_on_the_api_and_the_page(api, client):
    """The list reads the organization's name as a column of the need's row (from the join it filters by), not the
    organization as a record: each need must carry its own organization's name, and a need read alone the same."""
    beds = NeedFactory(item="beds", organization=OrganizationFactory(name="Shelter Network"))
    NeedFactory(item="insulin", organization=OrganizationFactory(name="Health Aid"))
    db.session.commit()
    items = api("GET", "/api/v1/needs").get_json()["items"]
    assert {item["item"]: item["organization_name"] for item in items} == {"beds": "Shelter Network",
                                                                           "insulin": "Health Aid"}
    assert api("GET", f"/api/v1/needs/{beds.id}").get_json()["organization_name"] == "Shelter Network"
    page = client.get("/needs").get_data(as_text=True)
    assert "Shelter Network" in page and "Health Aid" in page


def test_closing_needs_a_reason_and_ends_editing(api, member, organization):
    need = NeedFactory(organization=organization)
    assert api("POST", f"/api/v1/needs/{need.id}/close", member, json={"reason": ""}).status_code == 422
    response = api("POST", f"/api/v1/needs/{need.id}/close", member, json={"reason": "Municipality delivered beds"})
    assert response.get_json()["state"] == "closed"
    assert api("PATCH", f"/api/v1/needs/{need.id}", member, json={"item": "more beds"}).status_code == 409


def test_urgencies_stored_values_sort_as_their_ranks():
    """The public list orders by the stored value, which ix_needs_list_order serves: it must sort as the ranks."""
    assert sorted(Urgency, key=lambda urgency: urgency.value) == sorted(Urgency, key=lambda urgency: urgency.rank)

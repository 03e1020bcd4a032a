"""Registering, validating, verifying and listing organizations, through the API and the pages."""
import json

import pytest

from aidcoord.accounts.models import Role
from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage
from aidcoord.organizations.models import Organization, VerificationState
from tests.factories import OrganizationFactory, UserFactory

VALID = {
    "name": "Syunik Shelter Network", "kind": "community_group", "country": "am",
    "regions": ["am-su", "AM-VD"], "sectors": ["shelter", "food_security"],
    "description": "Rooms with families in Goris and Kapan.", "website": "https://example.org",
    "contact_email": "Info@Example.org", "contact_phone": "+374 10 000000",
}


def test_applicant_becomes_first_member_of_a_pending_organization(api):
    applicant = UserFactory(roles=["donor"])
    response = api("POST", "/api/v1/organizations", applicant, json=VALID)
    assert response.status_code == 201
    body = response.get_json()
    assert body["verification_state"] == "pending"
    assert body["country"] == "AM" and body["regions"] == ["AM-SU", "AM-VD"]
    assert body["contact_email"] == "info@example.org"
    organization = db.session.get(Organization, body["id"])
    assert [m.user_id for m in organization.memberships] == [applicant.id]
    assert Role.ORG_MEMBER in applicant.roles


@pytest.mark.parametrize("field, value, message", [
    ("country", "XX", "ISO 3166-1"),
    ("country", "ARM", "Length"),
    ("regions", ["AM-XX"], "AM-XX"),
    ("sectors", [], "Length"),
    ("sectors", ["sports"], "Must be one of"),
    ("kind", "militia", "Must be one of"),
    ("name", "", "Length"),
    ("name", "x" * 201, "Length"),
    ("description", "x" * 5001, "Length"),
    ("website", "ftp://example.org", "http"),
    ("website", "javascript:alert(1)", "http"),
    ("contact_email", "not-an-email", "valid email"),
    ("regions", ["x" * 5000], "Length"),
])
def test_invalid_fields_get_per_field_messages_and_nothing_is_written(api, field, value, message):
    response = api("POST", "/api/v1/organizations", UserFactory(), json={**VALID, field: value})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert field in fields and message.lower() in str(fields[field]).lower()
    assert db.session.query(Organization).count() == 0
    assert db.session.query(AuditEvent).filter_by(entity_type="organization").count() == 0


def test_unknown_fields_are_refused(api):
    response = api("POST", "/api/v1/organizations", UserFactory(), json={**VALID, "verification_state": "verified"})
    assert response.status_code == 422 and "verification_state" in response.get_json()["error"]["fields"]


def test_duplicate_names_are_refused_regardless_of_case(api):
    OrganizationFactory(name="Hayordi")
    response = api("POST", "/api/v1/organizations", UserFactory(), json={**VALID, "name": "HAYORDI"})
    assert response.status_code == 422 and "name" in response.get_json()["error"]["fields"]


def test_members_edit_their_organization_and_the_change_is_audited(api):
    member = UserFactory()
    organization = OrganizationFactory(members=[member], sectors=["shelter"])
    response = api("PATCH", f"/api/v1/organizations/{organization.id}", member,
                   json={"sectors": ["shelter", "protection"], "description": "Also psychosocial support"})
    assert response.status_code == 200
    assert response.get_json()["sectors"] == ["protection", "shelter"]
    event = db.session.query(AuditEvent).filter_by(action=AuditAction.UPDATE, entity_id=organization.id).one()
    assert event.actor_id == member.id
    assert event.changes["sectors"] == [["shelter"], ["protection", "shelter"]]
    assert set(event.changes) == {"sectors", "description"}


def test_patch_with_invalid_value_changes_nothing(api):
    member = UserFactory()
    organization = OrganizationFactory(members=[member], country="AM")
    response = api("PATCH", f"/api/v1/organizations/{organization.id}", member, json={"country": "ZZ", "name": "New"})
    assert response.status_code == 422
    db.session.refresh(organization)
    assert organization.country == "AM" and organization.name != "New"


def test_verification_is_recorded_with_who_and_why(api):
    coordinator = UserFactory(roles=["coordinator"])
    organization = OrganizationFactory(verification_state=VerificationState.PENDING)
    assert api("POST", f"/api/v1/organizations/{organization.id}/reject", coordinator, json={}).status_code == 422
    response = api("POST", f"/api/v1/organizations/{organization.id}/reject", coordinator,
                   json={"reason": "No registration found"})
    assert response.get_json()["verification_state"] == "rejected"
    event = db.session.query(AuditEvent).filter_by(action=AuditAction.STATE_CHANGE).one()
    assert event.actor_id == coordinator.id and event.reason == "No registration found"
    assert event.changes == {"verification_state": ["pending", "rejected"]}


def test_public_directory_lists_only_verified_organizations(api):
    OrganizationFactory(name="Visible")
    OrganizationFactory(name="Waiting", verification_state=VerificationState.PENDING)
    OrganizationFactory(name="Refused", verification_state=VerificationState.REJECTED)
    names = [o["name"] for o in api("GET", "/api/v1/organizations").get_json()["items"]]
    assert names == ["Visible"]
    assert api("GET", "/api/v1/organizations?verified=false").get_json()["items"] == []
    coordinator = UserFactory(roles=["coordinator"])
    review = api("GET", "/api/v1/organizations?verified=false", coordinator).get_json()["items"]
    assert sorted(o["name"] for o in review) == ["Refused", "Waiting"]


def test_directory_filters_search_and_paginates(api):
    OrganizationFactory(name="Frontline Therapists", sectors=["protection", "health"], regions=["AM-ER"])
    OrganizationFactory(name="Hayordi", sectors=["shelter"], regions=["AM-SU"], kind="community_group")
    for n in range(25):
        OrganizationFactory(name=f"Kitchen {n:02d}", sectors=["food_security"])
    def names(query):
        return [o["name"] for o in api("GET", f"/api/v1/organizations?{query}").get_json()["items"]]

    assert names("sector=protection") == ["Frontline Therapists"]
    assert [o["name"] for o in api("GET", "/api/v1/organizations?region=am-su").get_json()["items"]] == ["Hayordi"]
    assert names("kind=community_group") == ["Hayordi"]
    assert names("q=THERAP") == ["Frontline Therapists"]
    assert api("GET", "/api/v1/organizations?q=100%25").get_json()["items"] == []
    first = api("GET", "/api/v1/organizations?sector=food_security&per_page=10").get_json()
    assert first["_meta"] == {"page": 1, "per_page": 10, "total_pages": 3, "total_items": 25}
    third = api("GET", first["_links"]["next"].replace("page=2", "page=3")).get_json()
    assert [o["name"] for o in third["items"]] == [f"Kitchen {n}" for n in range(20, 25)]
    assert third["_links"]["next"] is None
    assert api("GET", "/api/v1/organizations?per_page=1000").status_code == 422



def test_a_large_list_gives_an_estimated_total_on_postgresql_and_an_exact_one_when_asked(api, monkeypatch):
    """Above EXACT_COUNT_UP_TO matching rows a page that is not the last does not count them all (PostgreSQL:
    the planner's estimate, said so); the last page and `count=exact` give the exact total."""
    from aidcoord.common import pagination

    monkeypatch.setattr(pagination, "EXACT_COUNT_UP_TO", 3)
    for n in range(7):
        OrganizationFactory(name=f"Kitchen {n:02d}", sectors=["food_security"])
    db.session.commit()
    first = api("GET", "/api/v1/organizations?sector=food_security&page_size=2")
    meta = first.get_json()["_meta"]
    estimated = db.engine.dialect.name == "postgresql"
    assert meta.get("total_is_estimate", False) is estimated
    assert json.loads(first.headers["X-Pagination"]).get("estimated", False) is estimated
    assert meta["total_items"] >= 3 and first.get_json()["_links"]["next"]  # at least what was seen, and more
    exact = api("GET", "/api/v1/organizations?sector=food_security&page_size=2&count=exact").get_json()["_meta"]
    assert exact == {"page": 1, "per_page": 2, "total_pages": 4, "total_items": 7}
    last = api("GET", "/api/v1/organizations?sector=food_security&page_size=2&page=4").get_json()["_meta"]
    assert last == {"page": 4, "per_page": 2, "total_pages": 4, "total_items": 7}
    assert api("GET", "/api/v1/organizations?count=roughly").status_code == 422

def test_directory_page_filters(client):
    OrganizationFactory(name="Frontline Therapists", sectors=["protection"])
    OrganizationFactory(name="Hayordi", sectors=["shelter"])
    page = client.get("/organizations?sector=protection").get_data(as_text=True)
    assert "Frontline Therapists" in page and "Hayordi" not in page
    assert client.get("/organizations?sector=nonsense&page=x").status_code == 200


def test_register_and_edit_through_the_pages(pages, client):
    user = UserFactory()
    pages.login(user.email)
    response = pages.post("/organizations/new", data={
        "name": "Goris Kitchen", "kind": "community_group", "country": "AM", "regions": "AM-SU, am-vd",
        "sectors": ["food_security"], "description": "Hot meals",
    })
    assert response.status_code == 302
    organization = db.session.query(Organization).filter_by(name="Goris Kitchen").one()
    assert organization.regions == ["AM-SU", "AM-VD"]
    page = pages.post(f"/organizations/{organization.id}/edit", data={
        "name": "Goris Kitchen", "kind": "community_group", "country": "AM", "regions": "AM-XX",
        "sectors": ["food_security"],
    }).get_data(as_text=True)
    assert "Unknown ISO 3166-2 region code: AM-XX" in page
    db.session.refresh(organization)
    assert organization.regions == ["AM-SU", "AM-VD"]


def test_members_are_invited_and_removed_but_never_the_last_one(api):
    member = UserFactory()
    newcomer = UserFactory()
    organization = OrganizationFactory(members=[member])
    assert api("POST", f"/api/v1/organizations/{organization.id}/members", member,
               json={"email": newcomer.email.upper()}).status_code == 202
    assert "org_member" not in {r.value for r in newcomer.roles}  # not before accepting
    invitation = api("GET", "/api/v1/me/invitations", newcomer).get_json()[0]
    token = db.session.query(OutboxMessage).filter_by(email=newcomer.email).one().link.rsplit("/", 1)[1]
    assert api("POST", f"/api/v1/me/invitations/{invitation['id']}/accept", newcomer,
               json={"token": token}).status_code == 200
    assert "org_member" in {r.value for r in newcomer.roles}
    assert api("DELETE", f"/api/v1/organizations/{organization.id}/members/{newcomer.id}", member).status_code == 204
    assert "org_member" not in {r.value for r in newcomer.roles}
    assert api("DELETE", f"/api/v1/organizations/{organization.id}/members/{member.id}", member).status_code == 409


def test_directory_page_links_to_the_next_page_keeping_filters(client):
    for n in range(25):
        OrganizationFactory(name=f"Kitchen {n:02d}", sectors=["food_security"])
    page = client.get("/organizations?sector=food_security").get_data(as_text=True)
    assert 'href="/organizations?sector=food_security&amp;page=2" rel="next"' in page
    assert "Kitchen 24" in client.get("/organizations?sector=food_security&page=2").get_data(as_text=True)


def test_verifying_through_the_page_takes_effect(pages):
    """The page answers a coordinator's verification with a redirect (302): it is a success, not a refusal."""
    organization = OrganizationFactory(verification_state=VerificationState.PENDING)
    pages.login(UserFactory(roles=["coordinator"]).email)
    verified = pages.post(f"/organizations/{organization.id}/verify", data={"note": "visited their office"})
    assert verified.status_code == 302
    db.session.refresh(organization)
    assert organization.is_verified

"""Removal from an organization takes its powers away on the very next request: the removed member's session
and API token stay signed in (they are still a person with an account) but no longer act for the organization."""
import pytest

from aidcoord.accounts.services import create_api_token
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing.models import Household
from aidcoord.organizations import services as organizations
from aidcoord.organizations.models import Organization
from tests.conftest import POSTGRES_URL
from tests.factories import OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.parallel import run_at_once

API_FAMILY = {**FAMILY, "languages": ["hy"], "preferred_regions": ["AM-SU"]}


def test_a_removed_members_session_and_token_cannot_act_as_caseworker_of_the_organization(app, pages, client):
    caseworker, colleague = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[caseworker, colleague])
    household = households.register_household(caseworker, FAMILY, organization_id=organization.id)
    _token, plain = create_api_token(caseworker, "laptop")
    bearer = {"Authorization": f"Bearer {plain}"}
    pages.login(caseworker.email)

    # Before: both the session and the token act for the organization.
    assert client.get(f"/housing/households/{household.id}").status_code == 200
    assert client.get(f"/api/v1/housing/households/{household.id}", headers=bearer).status_code == 200
    assert client.get(f"/api/v1/organizations/{organization.id}/members", headers=bearer).status_code == 200

    organizations.remove_member(colleague, organization, caseworker.id)

    # The very next requests: still signed in, no longer a caseworker of the organization.
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    assert client.get(f"/housing/households/{household.id}").status_code == 404
    assert client.get(f"/api/v1/housing/households/{household.id}", headers=bearer).status_code == 404
    assert client.get(f"/api/v1/organizations/{organization.id}/members", headers=bearer).status_code == 403
    assert client.get(f"/organizations/{organization.id}/edit").status_code == 403
    registered = client.post("/api/v1/housing/households", headers=bearer,
                             json={**API_FAMILY, "organization_id": organization.id})
    assert registered.status_code == 403
    assert client.post("/api/v1/housing/households", headers=bearer, json=API_FAMILY).status_code == 403
    page = pages.post(f"/organizations/{organization.id}/members", data={"email": "friend@example.org"})
    assert page.status_code == 403
    assert db.session.query(Household).count() == 1


def test_the_last_member_cannot_be_removed_but_staff_may(app, api):
    first, second = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[first, second])
    assert api("DELETE", f"/api/v1/organizations/{organization.id}/members/{second.id}", first).status_code == 204
    assert api("DELETE", f"/api/v1/organizations/{organization.id}/members/{first.id}", first).status_code == 409
    assert api("DELETE", f"/api/v1/organizations/{organization.id}/members/{second.id}", first).status_code == 404
    staff = UserFactory(roles=["coordinator"])
    assert api("DELETE", f"/api/v1/organizations/{organization.id}/members/{first.id}", staff).status_code == 204
    db.session.expire_all()
    assert organizations.members(db.session.get(Organization, organization.id)) == []


def remove_as(actor_id, organization_id, user_id):
    from aidcoord.accounts.models import User

    organization = db.session.get(Organization, organization_id)
    organizations.remove_member(db.session.get(User, actor_id), organization, user_id)
    return user_id


@pytest.mark.skipif(not POSTGRES_URL, reason="parallel-process tests run on PostgreSQL")
def test_two_members_removing_each_other_at_once_leave_one(app, database_url):
    """The probe's race: both deletions answered 204 and the organization had no members left."""
    first, second = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[first, second])
    outcomes = run_at_once(database_url, remove_as, [(first.id, organization.id, second.id),
                                                     (second.id, organization.id, first.id)])
    assert sorted(status for status, _ in outcomes) == ["error", "ok"], outcomes
    # Refused as the last member (they ran together), or as no longer a member (the other finished first).
    assert all("Conflict" in value or "PermissionDenied" in value
               for status, value in outcomes if status == "error"), outcomes
    db.session.expire_all()
    assert len(organizations.members(db.session.get(Organization, organization.id))) == 1

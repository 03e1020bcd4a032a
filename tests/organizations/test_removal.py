"""Removal from an organization takes its powers away on the very next request: the removed member's session
and API token stay signed in (they are still a person with an account) but no longer act for the organization."""
from aidcoord.accounts.services import create_api_token
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing.models import Household
from aidcoord.organizations import services as organizations
from tests.factories import OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY

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

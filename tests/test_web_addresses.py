"""Every URL field takes only http(s) addresses: javascript:, data:, vbscript: and their disguises are
refused with 422 naming the field (the API) or a form error (the pages), and nothing is written; a
stored address that is not http(s) is never rendered as a link."""
import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.organizations.models import Organization
from aidcoord.pledges.models import Pledge
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

HOSTILE = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "  javascript:alert(1)", "java\tscript:alert(1)",
           "javascript\n:alert(1)", "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD4=",
           "vbscript:msgbox(1)", "VBScript:msgbox(1)", "//evil.example/x", "http:/no-host", "https:alert(1)",
           "ftp://files.example/x", "https://exa mple.org", "https://example.org\\@evil.example",
           "http://user:pass@evil.example/", "https://www.unicef.org@evil.example", "https://@evil.example",
           "https://example.org/\u2028x", "https://example.org/\u00a0x", "https://example.org/\u200bx"]
NEW_ORG = {"name": "Helping Hands Syunik", "kind": "community_group", "country": "AM", "sectors": ["shelter"]}


@pytest.fixture
def need(app):
    return NeedFactory(organization=OrganizationFactory(members=[UserFactory()]))


@pytest.mark.parametrize("address", HOSTILE)
def test_a_pledge_source_must_be_a_web_address(api, need, address):
    response = api("POST", "/api/v1/pledges", UserFactory(roles=["donor"]), json={
        "contribution": "in_kind", "quantity": "5", "unit": need.unit.value, "need_id": need.id,
        "source_url": address})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "source_url" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 0


@pytest.mark.parametrize("address", HOSTILE)
def test_an_organization_website_must_be_a_web_address(api, app, address):
    response = api("POST", "/api/v1/organizations", UserFactory(), json={**NEW_ORG, "website": address})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "website" in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0


def test_the_organization_form_says_which_field_is_wrong(pages, app):
    pages.login(UserFactory().email)
    form = {**NEW_ORG, "sectors": "shelter", "website": "javascript:alert(1)"}
    response = pages.post("/organizations/new", data=form)
    assert response.status_code in (200, 422)
    assert "http://" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Organization)) == 0


def test_web_addresses_are_kept(api, need):
    address = "https://reliefweb.int/report/armenia/update-3"
    response = api("POST", "/api/v1/pledges", UserFactory(roles=["donor"]), json={
        "contribution": "in_kind", "quantity": "5", "unit": need.unit.value, "need_id": need.id, "source_url": address})
    assert response.status_code == 201 and response.get_json()["source_url"] == address


def test_a_stored_hostile_address_is_shown_as_text_not_a_link(client, app):
    organization = OrganizationFactory(website="javascript:alert(document.cookie)")
    page = client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "javascript:alert(document.cookie)" in page
    assert 'href="javascript:' not in page

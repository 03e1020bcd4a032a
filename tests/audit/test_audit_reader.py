"""Reading the audit: a coordinator answers "who saw this family's address, and why" from a page; an
organization's members read their organization's records' part and nothing else; the audit holds no values."""
import sqlalchemy as sa

from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from tests.factories import HousingOfferFactory, OrganizationFactory, UserFactory

FAMILY = {"contact_name": "Narine Hakobyan", "contact_phone": "+374 91 123456", "adults": 2, "languages": ["hy"],
          "preferred_regions": ["AM-SU"], "consent_to_share": True}


def _accepted_match(api):
    """A household registered by a caseworker of an organization, proposed to a host who accepted."""
    coordinator, caseworker = UserFactory(roles=["coordinator"]), UserFactory()
    organization = OrganizationFactory(members=[caseworker])
    offer = HousingOfferFactory()
    household = api("POST", "/api/v1/housing/households", caseworker,
                    json={**FAMILY, "organization_id": organization.id}).get_json()
    entry = api("POST", "/api/v1/housing/queue/take", coordinator).get_json()
    match = api("POST", "/api/v1/housing/matches", coordinator,
                json={"entry_id": entry["id"], "offer_id": offer.id}).get_json()
    assert api("POST", f"/api/v1/housing/matches/{match['id']}/accept", offer.host).status_code == 200
    return coordinator, caseworker, organization, offer, household, match


def test_a_coordinator_sees_who_saw_the_familys_address_and_why(pages, api):
    coordinator, caseworker, _organization, offer, household, match = _accepted_match(api)
    assert api("GET", f"/api/v1/housing/matches/{match['id']}", caseworker).status_code == 200
    pages.login(coordinator.email)
    page = pages.client.get(f"/housing/households/{household['id']}").get_data(as_text=True)
    assert f"/audit?subject_type=household&amp;subject_id={household['id']}" in page
    audit_page = pages.client.get("/audit", query_string={"subject_type": "household", "subject_id": household["id"]})
    text = audit_page.get_data(as_text=True)
    assert audit_page.status_code == 200
    assert f"housing_offer {offer.id}" in text and "address" in text and f"match {match['id']}" in text
    assert f"account {caseworker.id}" in text
    assert offer.address not in text and FAMILY["contact_phone"] not in text


def test_members_read_their_organizations_records_only(api):
    coordinator, caseworker, organization, _offer, household, match = _accepted_match(api)
    api("GET", f"/api/v1/housing/matches/{match['id']}", coordinator)
    outsider = UserFactory()
    OrganizationFactory(members=[outsider])
    query = {"subject_type": "household", "subject_id": household["id"]}
    mine = api("GET", "/api/v1/audit", caseworker, query_string=query).get_json()
    assert mine["items"] and {item["organization_id"] for item in mine["items"]} == {organization.id}
    assert "match" in {item["purpose"] for item in mine["items"]}
    assert api("GET", "/api/v1/audit", outsider, query_string=query).get_json()["items"] == []
    assert api("GET", "/api/v1/audit", UserFactory(), query_string=query).status_code == 403


def test_the_api_filters_by_actor_and_dates_and_pages(api):
    coordinator, _caseworker, _organization, _offer, _household, match = _accepted_match(api)
    for _ in range(3):
        api("GET", f"/api/v1/housing/matches/{match['id']}", coordinator)
    body = api("GET", "/api/v1/audit", coordinator, query_string={
        "actor_id": coordinator.id, "action": "view_personal_data", "page_size": 2}).get_json()
    assert body["_meta"]["total_items"] >= 6 and len(body["items"]) == 2  # contact and address, three times
    assert {item["actor_id"] for item in body["items"]} == {coordinator.id}
    future = api("GET", "/api/v1/audit", coordinator, query_string={"since": "2099-01-01"}).get_json()
    assert future["items"] == []


def test_an_address_changed_is_audited_by_its_field_name_only(api):
    offer = HousingOfferFactory()
    response = api("PATCH", f"/api/v1/housing/offers/{offer.id}", offer.host, json={"address": "7 Secret Lane, Goris"})
    assert response.status_code == 200
    events = audit.history("housing_offer", offer.id)
    assert events[-1].changes["address"] == [audit.WITHHELD, audit.WITHHELD]
    dumped = str([(event.changes, event.reason) for event in db.session.scalars(sa.select(AuditEvent))])
    assert "Secret Lane" not in dumped


def test_a_reason_written_to_a_personal_column_is_kept_by_its_name(app):
    coordinator = UserFactory(roles=["coordinator"])
    event = audit.record(coordinator, AuditAction.UPDATE, "household", 1, {"priority": [1, 30]},
                         "her son has leukaemia", personal_reason="boost_reason")
    assert event.reason is None and event.changes == {"priority": [1, 30], "boost_reason": audit.WITHHELD}


def test_the_organization_page_links_to_the_views_of_its_records(pages, api):
    _coordinator, caseworker, organization, _offer, _household, match = _accepted_match(api)
    api("GET", f"/api/v1/housing/matches/{match['id']}", caseworker)
    pages.login(caseworker.email)
    page = pages.client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert f"/audit?organization_id={organization.id}" in page
    listed = pages.client.get("/audit", query_string={"organization_id": organization.id}).get_data(as_text=True)
    assert f"match {match['id']}" in listed
    other = pages.client.get("/audit", query_string={"organization_id": organization.id + 999})
    assert "Nothing recorded matches these filters." in other.get_data(as_text=True)


def test_reporting_an_incident_records_no_view_of_the_familys_contact(api):
    _coordinator, _caseworker, _organization, offer, household, match = _accepted_match(api)
    before = audit.count(audit.AuditFilters(subject_type="household", subject_id=household["id"],
                                            action=AuditAction.VIEW_PERSONAL_DATA))
    response = api("POST", f"/api/v1/housing/matches/{match['id']}/incidents", offer.host,
                   json={"description": "The heating failed for two days."})
    assert response.status_code == 201
    assert audit.count(audit.AuditFilters(subject_type="household", subject_id=household["id"],
                                          action=AuditAction.VIEW_PERSONAL_DATA)) == before

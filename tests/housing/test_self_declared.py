"""Self-registration: an account registers only a few households a day, and what a household declares about
itself raises its queue place only once a caseworker or coordinator has confirmed it."""
import pytest

from aidcoord.audit.models import AuditEvent
from aidcoord.errors import Conflict, PermissionDenied
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.organizations.models import Membership
from tests.conftest import pinned_clock
from tests.factories import OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY

pytestmark = pinned_clock
# Two children (one under 5), three people over 65, medical needs: 15 + 5 + 30 + 25 points once confirmed.
VULNERABLE = {**FAMILY, "adults": 3, "over_65": 3, "medical_needs": True}


def family(n: int) -> dict:
    return {**FAMILY, "contact_name": f"Family number {n}", "contact_phone": f"+374 91 00000{n}"}


def test_self_declared_vulnerability_does_not_raise_the_queue_place_until_confirmed(app, coordinator):
    person = UserFactory()
    own = households.register_household(person, VULNERABLE, for_self=True)
    assert own.vulnerability_self_declared and own.vulnerability_confirmed_at is None
    assert own.priority == 0 and queue.entry_for(QueueKind.HOUSING, own.id).priority == 0
    lines = households.reason_lines(own.priority_reasons)
    assert lines and all(points == 0 and "not yet confirmed" in reason for points, reason in lines)

    households.confirm_vulnerability(coordinator, own)
    assert own.priority == 15 + 5 + 30 + 25 and queue.entry_for(QueueKind.HOUSING, own.id).priority == own.priority
    assert own.vulnerability_confirmed_by_id == coordinator.id
    event = db.session.query(AuditEvent).filter_by(entity_type="household", entity_id=own.id, actor_id=coordinator.id)
    assert event.one().changes == {"vulnerability_confirmed": [False, True], "priority": [0, own.priority]}


def test_a_household_registered_by_a_caseworker_counts_at_once(app, coordinator):
    registered = households.register_household(coordinator, VULNERABLE)
    assert not registered.vulnerability_self_declared and registered.priority == 15 + 5 + 30 + 25
    with pytest.raises(Conflict):
        households.confirm_vulnerability(coordinator, registered)


def test_only_a_caseworker_of_its_organization_or_a_coordinator_confirms(app):
    caseworker, stranger_caseworker = UserFactory(), UserFactory()
    organization = OrganizationFactory(members=[caseworker])
    OrganizationFactory(members=[stranger_caseworker])
    person = UserFactory()
    own = households.register_household(person, VULNERABLE, for_self=True)
    for refused in (person, stranger_caseworker, caseworker, UserFactory()):
        with pytest.raises(PermissionDenied):
            households.confirm_vulnerability(refused, own)
    # Registered with the caseworker's organization: its caseworkers confirm; the person never does.
    with_org = households.register_household(caseworker, VULNERABLE, organization_id=organization.id, for_self=True)
    with pytest.raises(PermissionDenied):
        households.confirm_vulnerability(caseworker, with_org)  # their own household: never self-confirmed
    colleague = UserFactory()
    organization.memberships.append(Membership(user=colleague))
    db.session.commit()
    households.confirm_vulnerability(colleague, with_org)
    assert with_org.priority > 0


def test_confirming_through_the_api_and_the_page(app, api, pages, client, coordinator):
    person = UserFactory()
    first = households.register_household(person, VULNERABLE, for_self=True)
    assert api("POST", f"/api/v1/housing/households/{first.id}/confirm-vulnerability", person).status_code == 403
    response = api("POST", f"/api/v1/housing/households/{first.id}/confirm-vulnerability", coordinator)
    assert response.status_code == 200
    body = response.get_json()
    assert body["vulnerability_self_declared"] and body["vulnerability_confirmed_at"] and body["priority"] > 0
    assert api("POST", f"/api/v1/housing/households/{first.id}/confirm-vulnerability",
               coordinator).status_code == 409

    second = households.register_household(person, {**VULNERABLE, "contact_phone": "+374 91 999999",
                                                    "contact_name": "Another Family"}, for_self=True)
    pages.login(coordinator.email)
    page = client.get(f"/housing/households/{second.id}").get_data(as_text=True)
    assert "Confirm what the household declared" in page
    response = pages.post(f"/housing/households/{second.id}/confirm-vulnerability")
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.priority > 0
    assert "Confirm what the household declared" not in client.get(f"/housing/households/{second.id}").get_data(
        as_text=True)


def test_an_account_registers_a_few_households_a_day(app, time_machine):
    person = UserFactory()
    limit = app.config["HOUSEHOLDS_PER_ACCOUNT_PER_DAY"]
    for n in range(limit):
        households.register_household(person, family(n), for_self=True)
    with pytest.raises(households.TooManyRegistrations) as refused:
        households.register_household(person, family(9), for_self=True)
    assert refused.value.status == 429 and "24 hours" in str(refused.value.message)
    # Retry-After: when the oldest of them is a day old (a minute's slack for the time the test takes).
    assert 24 * 3600 - 60 < int(refused.value.headers["Retry-After"]) <= 24 * 3600 + 1
    time_machine.shift(60 * 60 * 24 + 1)
    households.register_household(person, family(9), for_self=True)


def test_caseworkers_of_a_verified_organization_and_coordinators_have_no_daily_limit(app, coordinator):
    caseworker = UserFactory()
    OrganizationFactory(members=[caseworker])
    for registrar in (caseworker, coordinator):
        for n in range(app.config["HOUSEHOLDS_PER_ACCOUNT_PER_DAY"] + 2):
            households.register_household(registrar, family(n))


def test_the_daily_limit_answers_429_in_the_api_and_on_the_page(app, api, pages, client):
    app.config["HOUSEHOLDS_PER_ACCOUNT_PER_DAY"] = 1
    person = UserFactory()
    households.register_household(person, family(1), for_self=True)
    response = api("POST", "/api/v1/housing/households", person, json={
        **family(2), "languages": ["hy"], "preferred_regions": ["AM-SU"], "for_self": True})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_registrations"
    assert 0 < int(response.headers["Retry-After"]) <= 24 * 3600 + 1
    pages.login(person.email)
    form = {**family(3), "adults": "2", "children": "0", "children_under_5": "0", "consent_to_share": "y"}
    page = pages.post("/housing/households/new", data=form)
    assert page.status_code == 429 and "24 hours" in page.get_data(as_text=True)
    assert int(page.headers["Retry-After"]) > 0

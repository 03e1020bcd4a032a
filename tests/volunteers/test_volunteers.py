"""Volunteers sign up for shifts: requirements are checked, a full shift refuses, cancellation has a
cutoff, the organization marks attendance and hours, reminders go to the outbox."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage
from aidcoord.volunteers import services
from aidcoord.volunteers.models import Shift, SignUp
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def organizer(app):
    return UserFactory()


@pytest.fixture
def organization(organizer):
    return OrganizationFactory(members=[organizer])


def shift_data(**overrides):
    start = utcnow() + timedelta(days=2)
    return {"task": "Sorting donated clothing", "region": "AM-SU", "locality": "Goris",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat(), "slots": 2,
            **overrides}


def volunteer(skills=("logistics",), languages=("hy",)):
    user = UserFactory(roles=["volunteer"])
    services.save_profile(user, {"skills": list(skills), "languages": list(languages), "regions": ["AM-SU"]})
    return user


def test_a_full_shift_refuses_further_sign_ups(organizer, organization):
    shift = services.post_shift(organizer, organization, shift_data(slots=2))
    services.sign_up(volunteer(), shift)
    services.sign_up(volunteer(), shift)
    with pytest.raises(services.ShiftFull):
        services.sign_up(volunteer(), shift)
    db.session.refresh(shift)
    active = db.session.scalar(select(func.count()).select_from(SignUp).where(SignUp.state == "accepted"))
    assert shift.filled == active == 2


def test_requirements_are_checked(organizer, organization, app):
    shift = services.post_shift(organizer, organization, shift_data(
        task="Childcare corner", required_skills=["childcare"], requires_background_check=True))
    person = volunteer(skills=("childcare",))
    with pytest.raises(ValidationFailed, match="background check"):
        services.sign_up(person, shift)
    services.set_background_check(UserFactory(roles=["coordinator"]), services.profile_of(person), "cleared")
    assert services.sign_up(person, shift).state.value == "accepted"
    with pytest.raises(ValidationFailed, match="Childcare"):
        services.sign_up(volunteer(), shift)
    with pytest.raises(PermissionDenied):
        services.sign_up(UserFactory(roles=["donor"]), shift)


def test_cancelling_frees_the_slot_until_the_cutoff(organizer, organization):
    shift = services.post_shift(organizer, organization, shift_data(slots=1, cancel_cutoff_hours=24))
    person = volunteer()
    entry = services.sign_up(person, shift)
    with pytest.raises(Conflict, match="Too late"):
        services.cancel_sign_up(person, entry, now=shift.starts_at - timedelta(hours=2))
    services.cancel_sign_up(person, entry)
    db.session.refresh(shift)
    assert shift.filled == 0
    assert services.sign_up(volunteer(), shift).state.value == "accepted"


def test_attendance_and_hours_per_volunteer_and_organization(organizer, organization):
    shift = services.post_shift(organizer, organization, shift_data(slots=3))
    came, stayed_home = volunteer(), volunteer()
    first, second = services.sign_up(came, shift), services.sign_up(stayed_home, shift)
    with pytest.raises(PermissionDenied):
        services.mark_attendance(came, first, True)
    services.mark_attendance(organizer, first, True)
    services.mark_attendance(organizer, second, False)
    assert first.hours == Decimal(4)
    assert services.hours_by_volunteer(organization.id) == [(came, Decimal(4))]


@pytest.mark.parametrize("overrides, field", [
    ({"slots": 0}, "slots"), ({"region": "AM-QQ"}, "region"), ({"task": ""}, "task"),
    ({"required_skills": ["juggling"]}, "required_skills"),
    ({"starts_at": (utcnow() - timedelta(hours=1)).isoformat()}, "starts_at"),
    ({"ends_at": "tomorrow"}, "ends_at"),
])
def test_bad_shifts_are_refused_by_field(organizer, organization, api, overrides, field):
    response = api("POST", "/api/v1/volunteers/shifts", organizer,
                   json={**shift_data(**overrides), "organization_id": organization.id})
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"], response.get_json()
    assert db.session.scalar(select(func.count()).select_from(Shift)) == 0


def test_sign_up_and_roster_through_the_api(organizer, organization, api):
    shift = api("POST", "/api/v1/volunteers/shifts", organizer,
                json={**shift_data(slots=1), "organization_id": organization.id}).get_json()
    person = volunteer()
    assert api("POST", f"/api/v1/volunteers/shifts/{shift['id']}/sign-ups", person).status_code == 201
    assert api("POST", f"/api/v1/volunteers/shifts/{shift['id']}/sign-ups", volunteer()).status_code == 409
    assert [s["id"] for s in api("GET", "/api/v1/volunteers/shifts").get_json()] == []  # full: not open
    roster = api("GET", f"/api/v1/volunteers/shifts/{shift['id']}/roster", organizer).get_json()
    assert [entry["volunteer_email"] for entry in roster] == [person.email]
    assert api("GET", f"/api/v1/volunteers/shifts/{shift['id']}/roster", person).status_code == 403
    csv_text = api("GET", f"/api/v1/volunteers/shifts/{shift['id']}/roster.csv", organizer).get_data(as_text=True)
    assert person.name in csv_text and person.email not in csv_text  # the file leaves aidcoord: no e-mail


def test_reminders_go_to_the_outbox_once(organizer, organization, app):
    start = utcnow() + timedelta(hours=10)
    shift = services.post_shift(organizer, organization, shift_data(
        starts_at=start.isoformat(), ends_at=(start + timedelta(hours=2)).isoformat()))
    services.sign_up(volunteer(), shift)
    assert "queued 1 reminder" in app.test_cli_runner().invoke(args=["volunteers", "remind"]).output
    assert "0 reminders" in app.test_cli_runner().invoke(args=["volunteers", "remind"]).output
    assert db.session.scalar(select(OutboxMessage.topic)) == "shift_reminder"


def test_volunteer_pages_render_and_work(organizer, organization, pages, client, app):
    shift = services.post_shift(organizer, organization, shift_data(slots=1))
    person = volunteer()
    assert client.get("/volunteers/shifts?region=AM-SU&skill=logistics").status_code == 200
    assert client.get("/volunteers/shifts?day=nonsense").status_code == 200
    pages.login(person.email)
    assert client.get("/volunteers/me").status_code == 200
    pages.post(f"/volunteers/shifts/{shift.id}/sign-up")
    db.session.refresh(shift)
    assert shift.filled == 1
    pages.post("/logout")
    pages.login(organizer.email)
    page = client.get(f"/volunteers/shifts/{shift.id}").get_data(as_text=True)
    assert person.email in page and "Download the roster" in page
    assert client.get(f"/volunteers/organizations/{organization.id}/shifts/new").status_code == 200
    entry = db.session.scalars(select(SignUp)).one()
    pages.post(f"/volunteers/sign-ups/{entry.id}/attendance", data={"attended": "y", "hours": "3.5"})
    db.session.refresh(entry)
    assert entry.hours == Decimal("3.5")


def test_hours_per_organization_for_staff_and_per_volunteer_for_members(organizer, organization, api, pages, client):
    shift = services.post_shift(organizer, organization, shift_data(slots=3))
    helpers = [volunteer(), volunteer()]
    for person, hours in zip(helpers, ("2.5", "4"), strict=True):
        services.mark_attendance(organizer, services.sign_up(person, shift), True, hours)
    coordinator = UserFactory(roles=["coordinator"])
    totals = api("GET", "/api/v1/volunteers/hours", coordinator).get_json()
    assert [(row["organization_id"], row["volunteers"], Decimal(row["hours"])) for row in totals] == [
        (organization.id, 2, Decimal("6.5"))]
    assert api("GET", "/api/v1/volunteers/hours", organizer).status_code == 403
    per_volunteer = api("GET", f"/api/v1/volunteers/organizations/{organization.id}/hours", organizer).get_json()
    assert [(row["volunteer_id"], Decimal(row["hours"])) for row in per_volunteer] == [
        (helpers[1].id, Decimal(4)), (helpers[0].id, Decimal("2.5"))]
    assert api("GET", f"/api/v1/volunteers/organizations/{organization.id}/hours", helpers[0]).status_code == 403
    pages.login(organizer.email)
    page = client.get(f"/volunteers/organizations/{organization.id}").get_data(as_text=True)
    assert "6.5 hours in all" in page and helpers[0].name in page
    assert client.get("/volunteers/hours").status_code == 403

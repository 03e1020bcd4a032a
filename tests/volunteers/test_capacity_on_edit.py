"""A shift's slots never go below the volunteers signed up: fewer is refused with 409 and the numbers
(API and page form), nothing is written; raising them opens the extra slots, and a cancellation after
an edit gives back exactly one slot. A sign-up finding the shift full answers 409."""
import pytest
from sqlalchemy import func, select

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from aidcoord.volunteers import services
from aidcoord.volunteers.models import Shift
from tests.factories import OrganizationFactory, UserFactory
from tests.volunteers.test_volunteers import shift_data, volunteer


@pytest.fixture
def organizer(app):
    return UserFactory()


@pytest.fixture
def three_signed_up(organizer):
    """Five slots, three volunteers signed up."""
    organization = OrganizationFactory(members=[organizer])
    shift = services.post_shift(organizer, organization, shift_data(slots=5))
    people = [volunteer() for _ in range(3)]
    entries = [services.sign_up(person, shift) for person in people]
    return {"shift": shift, "people": people, "entries": entries}


def slots_of(shift_id) -> tuple[int, int]:
    db.session.expire_all()
    shift = db.session.get(Shift, shift_id)
    return shift.slots, shift.filled


def updates_recorded(shift_id) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "shift", AuditEvent.entity_id == shift_id, AuditEvent.action == AuditAction.UPDATE))


def test_fewer_slots_than_signed_up_is_refused_with_409_and_the_numbers(three_signed_up, organizer, api):
    shift = three_signed_up["shift"]
    response = api("PATCH", f"/api/v1/volunteers/shifts/{shift.id}", organizer, json={"slots": 2})
    assert response.status_code == 409, response.get_json()
    message = "3 slots are taken; the shift cannot have fewer than 3."
    assert response.get_json()["error"] == {"code": "capacity_in_use", "message": message,
                                            "fields": {"slots": [message]}}
    assert slots_of(shift.id) == (5, 3) and updates_recorded(shift.id) == 0


def test_slots_go_down_to_those_taken_and_a_cancellation_gives_one_back(three_signed_up, organizer, api):
    shift, people, entries = three_signed_up["shift"], three_signed_up["people"], three_signed_up["entries"]
    response = api("PATCH", f"/api/v1/volunteers/shifts/{shift.id}", organizer, json={"slots": 3})
    assert response.status_code == 200 and (response.get_json()["slots"], slots_of(shift.id)) == (3, (3, 3))
    response = api("POST", f"/api/v1/volunteers/shifts/{shift.id}/sign-ups", volunteer())
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "capacity_taken"
    services.cancel_sign_up(people[0], entries[0])
    assert slots_of(shift.id) == (3, 2)
    assert api("PATCH", f"/api/v1/volunteers/shifts/{shift.id}", organizer, json={"slots": 6}).status_code == 200
    assert slots_of(shift.id) == (6, 2) and updates_recorded(shift.id) == 2


def test_only_the_organization_changes_the_slots(three_signed_up, api):
    shift, person = three_signed_up["shift"], three_signed_up["people"][0]
    assert api("PATCH", f"/api/v1/volunteers/shifts/{shift.id}", person, json={"slots": 9}).status_code == 403
    assert slots_of(shift.id) == (5, 3)


def test_the_shift_page_shows_the_refusal_on_the_slots_field_with_409(three_signed_up, organizer, pages):
    shift = three_signed_up["shift"]
    pages.login(organizer.email)
    response = pages.post(f"/volunteers/shifts/{shift.id}/slots", {"slots": "1"})
    assert response.status_code == 409
    assert "3 slots are taken; the shift cannot have fewer than 3." in response.get_data(as_text=True)
    assert slots_of(shift.id) == (5, 3)
    response = pages.post(f"/volunteers/shifts/{shift.id}/slots", {"slots": "4"})
    assert response.status_code == 302 and slots_of(shift.id) == (4, 3)

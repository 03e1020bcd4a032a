"""A listing's positions never go below the people hired: fewer is refused with 409 and the numbers (API
and page form), nothing is written; raising them opens the extra positions. An application or a hire
that finds no open position answers 409 (a conflict), not 422."""
import pytest
from sqlalchemy import func, select

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from aidcoord.jobs import applications, listings, seekers
from aidcoord.jobs.models import JobListing, ListingState
from tests.factories import UserFactory
from tests.jobs.conftest import listing_data, seeker_data


def candidate(listing, employer, name):
    """A seeker who applied and was interviewed."""
    seeker = seekers.save_own_profile(UserFactory(), seeker_data(contact_name=name))
    return applications.invite_to_interview(employer, applications.apply(seeker.user, seeker, listing))


@pytest.fixture
def two_hired(employer, coordinator):
    """Three positions, two people hired, one interviewed candidate waiting."""
    listing = listings.publish(coordinator, listings.post_listing(employer, listing_data(positions=3)))
    for name in ("Anahit", "Narek"):
        applications.hire(employer, candidate(listing, employer, name))
    return {"listing": listing, "waiting": candidate(listing, employer, "Lilit")}


def positions_of(listing_id) -> tuple[int, int]:
    db.session.expire_all()
    listing = db.session.get(JobListing, listing_id)
    return listing.positions, listing.open_positions


def updates_recorded(listing_id) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "job_listing", AuditEvent.entity_id == listing_id,
        AuditEvent.action == AuditAction.UPDATE))


def test_fewer_positions_than_hired_is_refused_with_409_and_the_numbers(two_hired, employer, api):
    listing = two_hired["listing"]
    response = api("PATCH", f"/api/v1/jobs/listings/{listing.id}", employer, json={"positions": 1})
    assert response.status_code == 409, response.get_json()
    message = "2 positions are filled; the listing cannot have fewer than 2."
    assert response.get_json()["error"] == {"code": "capacity_in_use", "message": message,
                                            "fields": {"positions": [message]}}
    assert positions_of(listing.id) == (3, 1) and updates_recorded(listing.id) == 0


def test_positions_go_down_to_those_hired_and_up_again(two_hired, employer, coordinator, api):
    listing = two_hired["listing"]
    response = api("PATCH", f"/api/v1/jobs/listings/{listing.id}", employer, json={"positions": 2})
    assert response.status_code == 200 and (response.get_json()["positions"], response.get_json()["open_positions"]) \
        == (2, 0)
    assert db.session.get(JobListing, listing.id).state is ListingState.PUBLISHED  # off the board, not closed
    response = api("PATCH", f"/api/v1/jobs/listings/{listing.id}", coordinator, json={"positions": 5})
    assert response.status_code == 200 and positions_of(listing.id) == (5, 3) and updates_recorded(listing.id) == 2


def test_a_hire_or_an_application_finding_no_open_position_answers_409(two_hired, employer, api):
    listing, waiting = two_hired["listing"], two_hired["waiting"]
    listings.change_positions(employer, listing, 2)
    response = api("POST", f"/api/v1/jobs/applications/{waiting.id}/hire", employer)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "capacity_taken"
    assert response.get_json()["error"]["message"] == "No open positions are left in this listing."
    late = seekers.save_own_profile(UserFactory(), seeker_data(contact_name="Karen"))
    response = api("POST", f"/api/v1/jobs/listings/{listing.id}/applications", late.user, json={})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "capacity_taken"
    assert positions_of(listing.id) == (2, 0)


def test_a_bad_number_of_positions_is_invalid_422(two_hired, employer, api):
    listing = two_hired["listing"]
    response = api("PATCH", f"/api/v1/jobs/listings/{listing.id}", employer, json={"positions": 0})
    assert response.status_code == 422 and "positions" in response.get_json()["error"]["fields"]
    assert positions_of(listing.id) == (3, 1)


def test_the_listing_page_shows_the_refusal_on_the_positions_field_with_409(two_hired, employer, pages):
    listing = two_hired["listing"]
    pages.login(employer.email)
    response = pages.post(f"/jobs/{listing.id}/positions", {"positions": "1"})
    assert response.status_code == 409
    assert "2 positions are filled; the listing cannot have fewer than 2." in response.get_data(as_text=True)
    assert positions_of(listing.id) == (3, 1)
    response = pages.post(f"/jobs/{listing.id}/positions", {"positions": "4"})
    assert response.status_code == 302 and positions_of(listing.id) == (4, 2)

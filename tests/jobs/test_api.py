"""The jobs API end to end: clear 422s with per-field messages, nothing half-written, and the
referral loop through the queue."""
import pytest

from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.jobs.models import JobListing, JobSeeker
from tests.factories import UserFactory

SEEKER = {"contact_name": "Anahit Petrosyan", "contact_phone": "+374 91 123456", "profession": "warehouse worker",
          "skills": ["packing", "forklift"], "languages": [{"code": "hy", "level": "native"}], "regions": ["AM-ER"],
          "consent_to_share": True}

GOOD = {"title": "Driver", "sector": "transport", "region": "AM-ER", "positions": 2, "contract_type": "full_time",
        "languages": [{"code": "hy", "level": "B2"}], "salary_min": 150000, "salary_max": 180000.50,
        "salary_currency": "AMD", "closing_date": today().replace(year=today().year + 1).isoformat()}


@pytest.mark.parametrize("changes, field", [
    ({"positions": "2"}, "positions"), ({"positions": 0}, "positions"), ({"contract_type": "gig"}, "contract_type"),
    ({"closing_date": "2020-13-01"}, "closing_date"), ({"languages": [{"code": "xx"}]}, "languages"),
    ({"languages": "hy"}, "languages"), ({"title": "x" * 201}, "title"), ({"salary_max": 100}, "salary_max"),
    ({"salary_currency": None}, "salary_currency"), ({"sector": "mining"}, "sector"), ({"region": None}, "region"),
    ({"organization_id": 2**40}, "organization_id"),
])
def test_bad_listings_get_422_with_the_field_and_nothing_is_written(app, api, changes, field):
    employer = UserFactory(roles=["employer"])
    response = api("POST", "/api/v1/jobs/listings", employer, json={**GOOD, **changes})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.query(JobListing).count() == 0


def test_a_good_listing_keeps_its_decimal_salary(app, api):
    response = api("POST", "/api/v1/jobs/listings", UserFactory(roles=["employer"]), json=GOOD)
    assert response.status_code == 201
    assert response.get_json()["salary_max"] == "180000.50" and response.get_json()["state"] == "pending"


@pytest.mark.parametrize("query", ["per_page=0", "page=0", "contract_type=gig", "remote=maybe", "language=toolong"])
def test_bad_board_filters_get_422(app, api, query):
    response = api("GET", f"/api/v1/jobs/listings?{query}")
    assert response.status_code == 422 and response.get_json()["error"]["fields"]


def test_bad_seekers_and_reports_get_422(app, api, published):
    user = UserFactory()
    response = api("PUT", "/api/v1/jobs/seekers/me", user,
                   json={**SEEKER, "languages": [{"code": "hy", "level": "Z"}], "regions": ["AM-99"]})
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) >= {"languages", "regions"}
    assert db.session.query(JobSeeker).count() == 0
    response = api("POST", f"/api/v1/jobs/listings/{published.id}/reports", json={"reason": "ugly"})
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]


def test_applying_without_a_profile_says_what_to_do(app, api, published):
    response = api("POST", f"/api/v1/jobs/listings/{published.id}/applications", UserFactory(), json={})
    assert response.status_code == 404 and "profile" in response.get_json()["error"]["message"]


def test_refer_through_the_queue_then_hire_over_the_api(app, api, published, employer):
    coordinator = UserFactory(roles=["coordinator"])
    seeker_user = UserFactory()
    assert api("PUT", "/api/v1/jobs/seekers/me", seeker_user, json=SEEKER).status_code == 200
    seeker_id = api("GET", "/api/v1/jobs/seekers/me", seeker_user).get_json()["id"]
    assert api("POST", f"/api/v1/jobs/seekers/{seeker_id}/help", seeker_user).status_code == 201
    taken = api("POST", "/api/v1/jobs/queue/take", coordinator).get_json()
    assert [c["listing"]["id"] for c in taken["candidates"]] == [published.id]
    assert "contact" not in taken["seeker"]
    referral = api("POST", "/api/v1/jobs/referrals", coordinator,
                   json={"entry_id": taken["entry"]["id"], "listing_id": published.id})
    assert referral.status_code == 201 and referral.get_json()["state"] == "proposed"
    match_id = referral.get_json()["id"]
    assert api("GET", f"/api/v1/jobs/applications/{match_id}", employer).get_json()["contact"] is None
    assert api("POST", f"/api/v1/jobs/applications/{match_id}/consent", seeker_user).status_code == 200
    application = api("GET", f"/api/v1/jobs/applications/{match_id}", employer).get_json()
    assert application["contact"]["name"] == "Anahit Petrosyan"
    assert api("POST", f"/api/v1/jobs/applications/{match_id}/hire", employer).status_code == 409  # interview first
    assert api("POST", f"/api/v1/jobs/applications/{match_id}/interview", employer).status_code == 200
    hired = api("POST", f"/api/v1/jobs/applications/{match_id}/hire", employer)
    assert hired.status_code == 200 and hired.get_json()["state"] == "placed"
    assert api("GET", f"/api/v1/jobs/listings/{published.id}").get_json()["open_positions"] == 1
    assert api("GET", f"/api/v1/jobs/seekers/{seeker_id}", seeker_user).get_json()["queue_state"] == "placed"

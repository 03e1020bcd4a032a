"""An id of one kind sent where another kind is expected is simply not found: 404, and nothing is
written (no match, no step, no audit row, no notification, no capacity taken), in every direction
between housing, jobs and volunteer shifts, for queue entries and for matches, in the API and pages."""
import pytest
import sqlalchemy as sa

from aidcoord.accounts.services import create_api_token
from aidcoord.errors import DomainError
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import HousingOffer
from aidcoord.jobs import applications, listings, seekers
from aidcoord.jobs.models import JobListing
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.volunteers import services as volunteers
from aidcoord.volunteers.models import Shift
from tests.factories import HousingOfferFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.jobs.conftest import listing_data, seeker_data
from tests.volunteers.test_volunteers import shift_data, volunteer

WRITTEN_TABLES = ("matches", "match_steps", "audit_events", "outbox_messages", "queue_entries", "sign_ups",
                  "welfare_checks", "incidents")


@pytest.fixture
def world(app):
    """A coordinator holding one housing entry and one jobs entry, a housing match and a job application
    (with different ids, so that each id exists only in its own kind), and a volunteer's sign-up."""
    coordinator = UserFactory(roles=["coordinator"])
    host, employer = UserFactory(roles=["host"]), UserFactory(roles=["employer"])
    offer = HousingOfferFactory(host=host, created_by=host, beds=6)
    listing = listings.publish(coordinator, listings.post_listing(employer, listing_data()))
    seeker = seekers.save_own_profile(UserFactory(), seeker_data())
    seekers.ask_for_help(seeker.user, seeker)
    for _ in range(2):
        households.register_household(coordinator, {**FAMILY})
    housing_match = housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING),
                                                   offer.id)
    housing_entry = queue.take_next(coordinator, QueueKind.HOUSING)
    other_seeker = seekers.save_own_profile(UserFactory(), seeker_data(contact_name="Aram"))
    applications.apply(other_seeker.user, other_seeker, listing)
    application = applications.apply(seeker.user, seeker, listing)
    jobs_entry = queue.take_next(coordinator, QueueKind.JOBS)
    organizer = UserFactory()
    organization = OrganizationFactory(members=[organizer])
    shift = volunteers.post_shift(organizer, organization, shift_data(slots=3))
    sign_up = volunteers.sign_up(volunteer(), shift)
    assert housing_match.id != application.id and housing_entry.id != jobs_entry.id
    assert application.id != sign_up.id
    return {"coordinator": coordinator, "host": host, "employer": employer, "organizer": organizer,
            "offer": offer, "listing": listing, "shift": shift, "housing_match": housing_match,
            "application": application, "housing_entry": housing_entry, "jobs_entry": jobs_entry,
            "sign_up": sign_up, "seeker": seeker}


def snapshot() -> dict:
    counts = {table: db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 - names above
              for table in WRITTEN_TABLES}
    counts["free_beds"] = db.session.scalar(sa.select(sa.func.sum(HousingOffer.free_beds)))
    counts["open_positions"] = db.session.scalar(sa.select(sa.func.sum(JobListing.open_positions)))
    counts["filled"] = db.session.scalar(sa.select(sa.func.sum(Shift.filled)))
    counts["entry_states"] = [row[0] for row in db.session.execute(
        sa.text("SELECT state FROM queue_entries ORDER BY id"))]
    counts["match_states"] = [row[0] for row in db.session.execute(sa.text("SELECT state FROM matches ORDER BY id"))]
    return counts


# (who acts, method, path, body): every id is of another kind than the endpoint expects.
API_CALLS = [
    # housing endpoints given jobs ids
    ("coordinator", "POST", "/api/v1/housing/matches", {"entry_id": "{jobs_entry}", "offer_id": "{offer}"}),
    ("coordinator", "POST", "/api/v1/housing/matches",
     {"entry_id": "{housing_entry}", "offer_id": "{listing_as_offer}"}),
    ("coordinator", "GET", "/api/v1/housing/matches/{application}", None),
    ("employer", "POST", "/api/v1/housing/matches/{application}/accept", None),
    ("coordinator", "POST", "/api/v1/housing/matches/{application}/decline", {"reason": "no"}),
    ("coordinator", "POST", "/api/v1/housing/matches/{application}/move-in", None),
    ("coordinator", "POST", "/api/v1/housing/matches/{application}/end", {"reason": "over"}),
    ("coordinator", "POST", "/api/v1/housing/matches/{application}/incidents", {"description": "a problem"}),
    ("coordinator", "GET", "/api/v1/housing/queue/{jobs_entry}", None),
    ("coordinator", "GET", "/api/v1/housing/queue/{jobs_entry}/candidates", None),
    ("coordinator", "POST", "/api/v1/housing/queue/{jobs_entry}/release", None),
    # jobs endpoints given housing ids
    ("coordinator", "POST", "/api/v1/jobs/referrals", {"entry_id": "{housing_entry}", "listing_id": "{listing}"}),
    ("host", "GET", "/api/v1/jobs/applications/{housing_match}", None),
    ("host", "POST", "/api/v1/jobs/applications/{housing_match}/interview", None),
    ("host", "POST", "/api/v1/jobs/applications/{housing_match}/hire", None),
    ("coordinator", "POST", "/api/v1/jobs/applications/{housing_match}/reject", {"reason": "no"}),
    ("coordinator", "POST", "/api/v1/jobs/applications/{housing_match}/withdraw", {"reason": "no"}),
    ("coordinator", "POST", "/api/v1/jobs/applications/{housing_match}/consent", None),
    ("coordinator", "GET", "/api/v1/jobs/queue/{housing_entry}", None),
    ("coordinator", "POST", "/api/v1/jobs/queue/{housing_entry}/release", None),
    # shift sign-ups keep their own table (and ids): a match's id that is no sign-up's is not found
    ("organizer", "POST", "/api/v1/volunteers/sign-ups/{application}/attendance", {"attended": True}),
    ("coordinator", "POST", "/api/v1/housing/matches/{sign_up_far}/accept", None),
    ("coordinator", "GET", "/api/v1/jobs/applications/{sign_up_far}", None),
]

PAGE_CALLS = [
    ("coordinator", "GET", "/housing/matches/{application}"),
    ("coordinator", "POST", "/housing/matches/{application}/accept"),
    ("coordinator", "POST", "/housing/matches/{application}/end"),
    ("coordinator", "GET", "/housing/queue/{jobs_entry}"),
    ("coordinator", "POST", "/housing/queue/{jobs_entry}/release"),
    ("coordinator", "POST", "/housing/queue/{jobs_entry}/propose/{offer}"),
    ("coordinator", "GET", "/jobs/applications/{housing_match}"),
    ("coordinator", "POST", "/jobs/applications/{housing_match}/hire"),
    ("coordinator", "GET", "/jobs/queue/{housing_entry}"),
    ("coordinator", "POST", "/jobs/queue/{housing_entry}/release"),
    ("coordinator", "POST", "/jobs/queue/{housing_entry}/refer/{listing}"),
]


def ids(world) -> dict:
    return {"jobs_entry": world["jobs_entry"].id, "housing_entry": world["housing_entry"].id,
            "application": world["application"].id, "housing_match": world["housing_match"].id,
            "offer": world["offer"].id, "listing": world["listing"].id,
            # a listing's id that is no housing offer's
            "listing_as_offer": world["listing"].id + 1000, "sign_up_far": world["sign_up"].id + 1000}


def fill(value, world):
    if isinstance(value, str):
        text = value.format(**ids(world))
        return int(text) if text.isdigit() else text
    if isinstance(value, dict):
        return {key: fill(item, world) for key, item in value.items()}
    return value


@pytest.mark.parametrize("who, method, path, body", API_CALLS, ids=[f"{m} {p}" for _w, m, p, _b in API_CALLS])
def test_an_api_call_with_another_kinds_id_is_not_found_and_writes_nothing(world, client, who, method, path, body):
    _token, plain = create_api_token(world[who], "test")  # before the snapshot: creating it is audited
    db.session.commit()
    before = snapshot()
    response = client.open(fill(path, world), method=method, json=fill(body, world),
                           headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code in (404, 422), response.get_data(as_text=True)
    if response.status_code == 422:
        assert "offer_id" in response.get_json()["error"]["fields"]
    assert snapshot() == before


@pytest.mark.parametrize("who, method, path", PAGE_CALLS, ids=[f"{m} {p}" for _w, m, p in PAGE_CALLS])
def test_a_page_with_another_kinds_id_is_not_found_and_writes_nothing(world, pages, client, who, method, path):
    pages.login(world[who].email)
    before = snapshot()
    url = fill(path, world)
    response = client.get(url) if method == "GET" else pages.post(url)
    assert response.status_code == 404
    assert snapshot() == before


def test_a_housing_proposal_from_a_jobs_entry_takes_no_position(world):
    """The bug this guards: a housing proposal made with a jobs entry took a job position, then failed."""
    positions = world["listing"].open_positions
    with pytest.raises(DomainError) as refused:
        housing_matching.propose_offer(world["coordinator"], world["jobs_entry"], world["offer"].id)
    assert refused.value.status in (404, 409)
    db.session.rollback()
    assert db.session.get(JobListing, world["listing"].id).open_positions == positions

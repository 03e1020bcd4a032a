"""Every actor against every jobs endpoint and page: who may post, moderate, see seekers and their
contact, refer, and move an application along."""
import pytest

from aidcoord.jobs import applications, listings, seekers
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from tests.factories import OrganizationFactory, UserFactory
from tests.jobs.conftest import TODAY, listing_data, seeker_data

ACTORS = ("anonymous", "coordinator", "employer", "other_employer", "seeker", "caseworker", "donor")


@pytest.fixture
def world(app):
    users = {"coordinator": UserFactory(roles=["coordinator"]), "employer": UserFactory(roles=["employer"]),
             "other_employer": UserFactory(roles=["employer"]), "seeker": UserFactory(),
             "caseworker": UserFactory(), "donor": UserFactory(roles=["donor"]), "anonymous": None}
    OrganizationFactory(members=[users["caseworker"]])
    listing = listings.publish(users["coordinator"], listings.post_listing(users["employer"], listing_data(positions=5)))
    pending = listings.post_listing(users["employer"], listing_data(title="Cook"))
    own = seekers.save_own_profile(users["seeker"], seeker_data())
    registered = seekers.register_for_other(users["caseworker"], seeker_data(contact_name="Registered"))
    application = applications.apply(users["seeker"], own, listing)
    return {"users": users, "listing": listing, "pending": pending, "own": own, "registered": registered,
            "application": application}


def table(anonymous=401, coordinator=200, employer=403, other_employer=403, seeker=403, caseworker=403, donor=403):
    return {"anonymous": anonymous, "coordinator": coordinator, "employer": employer,
            "other_employer": other_employer, "seeker": seeker, "caseworker": caseworker, "donor": donor}


EVERYONE = table(200, 200, 200, 200, 200, 200, 200)
STAFF_ONLY = table()
SEEKER_SIDE = table(401, 200, 404, 404, 200, 404, 404)  # the person and coordinators
REGISTERED_SIDE = table(401, 200, 404, 404, 404, 200, 404)  # whoever registered them and coordinators
EMPLOYER_SIDE = table(401, 200, 200, 403, 403, 403, 403)
INVOLVED = table(401, 200, 200, 404, 200, 404, 404)  # the application's two sides

LISTING = {"title": "Driver", "sector": "transport", "region": "AM-ER", "positions": 1, "contract_type": "full_time",
           "closing_date": TODAY.replace(year=TODAY.year + 1).isoformat()}

MATRIX = [
    ("GET", "/api/v1/jobs/listings", None, EVERYONE),
    ("GET", "/api/v1/jobs/listings/{listing}", None, EVERYONE),
    ("GET", "/api/v1/jobs/listings/{pending}", None, table(404, 200, 200, 404, 404, 404, 404)),
    ("POST", "/api/v1/jobs/listings", LISTING, table(401, 403, 201, 201, 403, 403, 403)),
    ("GET", "/api/v1/jobs/listings/mine", None, table(401, 200, 200, 200, 200, 200, 200)),
    ("GET", "/api/v1/jobs/listings/review", None, STAFF_ONLY),
    ("POST", "/api/v1/jobs/listings/{pending}/publish", None, STAFF_ONLY),
    ("POST", "/api/v1/jobs/listings/{pending}/reject", {"reason": "misleading pay"}, STAFF_ONLY),
    ("POST", "/api/v1/jobs/listings/{listing}/close", {}, table(401, 200, 200, 403, 403, 403, 403)),
    ("POST", "/api/v1/jobs/listings/{listing}/reports", {"reason": "scam"}, table(201, 201, 201, 201, 201, 201, 201)),
    ("GET", "/api/v1/jobs/listings/{listing}/applications", None, EMPLOYER_SIDE),
    ("GET", "/api/v1/jobs/seekers/{own}", None, SEEKER_SIDE),
    ("GET", "/api/v1/jobs/seekers/{registered}", None, REGISTERED_SIDE),
    ("POST", "/api/v1/jobs/seekers", {"contact_name": "New", "contact_phone": "+37491000000"},
     table(401, 201, 403, 403, 403, 201, 403)),
    ("POST", "/api/v1/jobs/seekers/{own}/help", None, table(401, 201, 404, 404, 201, 404, 404)),
    ("POST", "/api/v1/jobs/seekers/{own}/priority", {"points": 10, "reason": "widowed, three children"}, STAFF_ONLY),
    ("GET", "/api/v1/jobs/seekers/{own}/applications", None, SEEKER_SIDE),
    ("GET", "/api/v1/jobs/queue", None, STAFF_ONLY),
    ("POST", "/api/v1/jobs/queue/take", None, table(401, 204, 403, 403, 403, 403, 403)),
    ("POST", "/api/v1/jobs/referrals", "referral", table(401, 409, 403, 403, 403, 403, 403)),
    ("GET", "/api/v1/jobs/applications/{application}", None, INVOLVED),
    ("POST", "/api/v1/jobs/applications/{application}/interview", None, table(401, 403, 200, 404, 403, 404, 404)),
    ("POST", "/api/v1/jobs/applications/{application}/hire", None, table(401, 403, 409, 404, 403, 404, 404)),
    ("POST", "/api/v1/jobs/applications/{application}/reject", {"reason": "position filled"},
     table(401, 200, 200, 404, 403, 404, 404)),
    ("POST", "/api/v1/jobs/applications/{application}/withdraw", {}, table(401, 200, 404, 404, 200, 404, 404)),
    ("POST", "/api/v1/jobs/applications/{application}/consent", None, table(401, 200, 404, 404, 200, 404, 404)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, path, body, expected", MATRIX, ids=[f"{m} {p}" for m, p, _b, _e in MATRIX])
def test_jobs_api_permissions(world, api, actor, method, path, body, expected):
    if body == "referral":
        body = {"entry_id": seekers.ask_for_help(world["users"]["caseworker"], world["registered"]).id,
                "listing_id": world["listing"].id}  # nobody holds the lease: coordinators get 409
    url = path.format(listing=world["listing"].id, pending=world["pending"].id, own=world["own"].id,
                      registered=world["registered"].id, application=world["application"].id)
    response = api(method, url, world["users"][actor], json=body)
    assert response.status_code == expected[actor], response.get_data(as_text=True)


def test_list_endpoints_never_carry_a_seekers_contact(world, api):
    employer = world["users"]["employer"]
    for url in (f"/api/v1/jobs/listings/{world['listing'].id}/applications", "/api/v1/jobs/listings"):
        body = api("GET", url, employer).get_data(as_text=True)
        assert "+37491123456" not in body and "Anahit" not in body


PAGES = [
    ("/jobs/", EVERYONE),
    ("/jobs/{listing}", EVERYONE),
    ("/jobs/{pending}", table(404, 200, 200, 404, 404, 404, 404)),
    ("/jobs/new", table(302, 200, 200, 200, 200, 200, 200)),
    ("/jobs/mine", table(302, 200, 200, 200, 200, 200, 200)),
    ("/jobs/review", table(302, 200, 403, 403, 403, 403, 403)),
    ("/jobs/queue", table(302, 200, 403, 403, 403, 403, 403)),
    ("/jobs/seekers/me", table(302, 200, 200, 200, 200, 200, 200)),
    ("/jobs/seekers/new", table(302, 200, 200, 200, 200, 200, 200)),
    ("/jobs/seekers/{own}", table(302, 200, 404, 404, 200, 404, 404)),
    ("/jobs/seekers/{registered}", table(302, 200, 404, 404, 404, 200, 404)),
    ("/jobs/applications/{application}", table(302, 200, 200, 404, 200, 404, 404)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path, expected", PAGES, ids=[p for p, _e in PAGES])
def test_jobs_page_permissions(world, pages, client, actor, path, expected):
    user = world["users"][actor]
    if user is not None:
        pages.login(user.email)
    url = path.format(listing=world["listing"].id, pending=world["pending"].id, own=world["own"].id,
                      registered=world["registered"].id, application=world["application"].id)
    assert client.get(url).status_code == expected[actor]


def test_the_leased_entry_page_is_for_coordinators(world, pages, client):
    coordinator = world["users"]["coordinator"]
    seekers.ask_for_help(world["users"]["seeker"], world["own"])
    entry = queue.take_next(coordinator, QueueKind.JOBS)
    pages.login(coordinator.email)
    page = client.get(f"/jobs/queue/{entry.id}")
    assert page.status_code == 200 and "Warehouse assistant" in page.get_data(as_text=True)

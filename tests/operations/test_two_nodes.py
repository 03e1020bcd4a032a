"""Two app nodes (two gunicorn instances on two ports) on one PostgreSQL: the capacity races go through HTTP to
both at once, and exactly the capacity is booked — a bed, a position and a shift slot are never given twice,
whichever node a request reaches."""
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from aidcoord.accounts import services as accounts
from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing.models import HousingOffer
from aidcoord.jobs import applications, listings, seekers
from aidcoord.jobs.models import JobListing
from aidcoord.matching.models import Match, MatchState, QueueKind
from aidcoord.volunteers import services as volunteers
from aidcoord.volunteers.models import SIGNED_UP, Shift, SignUp
from tests.conftest import POSTGRES_URL, clock_offset
from tests.factories import HousingOfferFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.jobs.conftest import listing_data, seeker_data

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="several nodes share one PostgreSQL (TEST_DATABASE_URL)")
ROOT = Path(__file__).resolve().parents[2]
CALLERS = 12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_nodes(database_url, tmp_path):
    """Base URLs of two gunicorn instances (2 workers each) serving the app on the test's database."""
    if clock_offset():
        pytest.skip("the nodes run on the real clock; this run's clock is moved (AIDCOORD_TEST_CLOCK)")
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    env = {**os.environ, "AIDCOORD_ENV": "production", "SECRET_KEY": "one-secret-for-every-node",
           "DATABASE_URL": database_url, "GUNICORN_WORKERS": "2", "LOG_LEVEL": "WARNING"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    nodes, urls = [], []
    for number in range(2):
        port = free_port()
        log = (tmp_path / f"node{number}.log").open("w")
        nodes.append(subprocess.Popen(  # noqa: S603 - our own gunicorn and configuration
            [gunicorn, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=10).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or a worker still booting
                    pass
                assert time.monotonic() < deadline, (tmp_path / "node0.log").read_text()[-3000:]
                time.sleep(0.3)
        yield urls
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait(timeout=30)


def token_of(user) -> str:
    return accounts.create_api_token(user, "two nodes")[1]


def at_once(calls):
    """Run the HTTP calls from threads released together; [(status, json)] in the order given."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        response = call()
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def post(url, token, body=None):
    return lambda: requests.post(url, json=body or {}, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def beds_are_booked_exactly_once(two_nodes):
    for number in range(CALLERS):
        households.register_household(UserFactory(roles=["coordinator"]), {
            **FAMILY, "contact_name": f"Family {number}", "contact_phone": f"+3749100{number:04d}", "adults": 2,
            "children": 0, "children_under_5": 0})
    offer_id = HousingOfferFactory(beds=7).id  # room for 3 households of 2
    coordinators = [token_of(UserFactory(roles=["coordinator"])) for _ in range(CALLERS)]

    def take_and_propose(number):
        token, url = coordinators[number], two_nodes[number % 2]
        taken = post(f"{url}/api/v1/housing/queue/take", token)()
        assert taken.status_code == 200, taken.text
        return post(f"{url}/api/v1/housing/matches", token, {"entry_id": taken.json()["id"], "offer_id": offer_id})

    results = at_once([lambda number=number: take_and_propose(number)() for number in range(CALLERS)])
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 3 and set(statuses) <= {201, 409}, results
    db.session.expire_all()
    held = db.session.scalar(select(func.coalesce(func.sum(Match.held), 0)).where(
        Match.offer_id == offer_id, Match.kind == QueueKind.HOUSING, Match.state == MatchState.PROPOSED))
    assert held == 6 and db.session.get(HousingOffer, offer_id).free_beds == 1


def positions_are_filled_exactly_once(two_nodes):
    employer, coordinator = UserFactory(roles=["employer"]), UserFactory(roles=["coordinator"])
    listing = listings.publish(coordinator, listings.post_listing(employer, listing_data(positions=2)))
    candidates = []
    for number in range(CALLERS):
        seeker = seekers.save_own_profile(UserFactory(), seeker_data(contact_name=f"Candidate {number}"))
        match = applications.apply(seeker.user, seeker, listing)
        candidates.append(applications.invite_to_interview(employer, match).id)
    token = token_of(employer)
    results = at_once([post(f"{two_nodes[number % 2]}/api/v1/jobs/applications/{match_id}/hire", token)
                       for number, match_id in enumerate(candidates)])
    assert sorted(status for status, _ in results).count(200) == 2, results
    assert {status for status, _ in results} <= {200, 409}, results
    db.session.expire_all()
    final = db.session.get(JobListing, listing.id)
    hired = db.session.scalar(select(func.count()).select_from(Match).where(
        Match.kind == QueueKind.JOBS, Match.offer_id == listing.id, Match.state == MatchState.PLACED))
    assert hired == 2 and final.open_positions == 0


def shift_slots_are_filled_exactly_once(two_nodes):
    organizer = UserFactory()
    organization = OrganizationFactory(members=[organizer])
    start = utcnow() + timedelta(days=1)
    shift = volunteers.post_shift(organizer, organization, {
        "task": "Unloading trucks", "region": "AM-SU", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(), "slots": 4})
    tokens = []
    for _ in range(CALLERS):
        user = UserFactory(roles=["volunteer"])
        volunteers.save_profile(user, {"skills": ["logistics"]})
        tokens.append(token_of(user))
    shift_id = shift.id
    results = at_once([post(f"{two_nodes[number % 2]}/api/v1/volunteers/shifts/{shift_id}/sign-ups", token)
                       for number, token in enumerate(tokens)])
    assert sorted(status for status, _ in results).count(201) == 4, results
    assert {status for status, _ in results} <= {201, 409}, results
    db.session.expire_all()
    active = db.session.scalar(select(func.count()).select_from(SignUp).where(SignUp.state == SIGNED_UP))
    assert db.session.get(Shift, shift_id).filled == active == 4


def test_capacity_is_booked_exactly_once_across_two_nodes(app, two_nodes):
    """One pair of nodes for the three races: starting gunicorn is the slow part."""
    beds_are_booked_exactly_once(two_nodes)
    positions_are_filled_exactly_once(two_nodes)
    shift_slots_are_filled_exactly_once(two_nodes)

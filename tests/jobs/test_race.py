"""16 employers' clicks in 16 real processes hire 16 interviewed candidates for a 3-position listing
at the same moment: exactly 3 are hired, open positions never go below zero, and the listing closes."""
import pytest
from sqlalchemy import func, select

from aidcoord.extensions import db
from aidcoord.jobs import applications, listings, seekers
from aidcoord.jobs.models import JobListing, ListingState
from aidcoord.matching.models import Match, MatchState, QueueKind
from tests.conftest import POSTGRES_URL
from tests.factories import UserFactory
from tests.jobs.conftest import listing_data, seeker_data
from tests.parallel import run_at_once

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="parallel-process tests run on PostgreSQL")
PROCESSES = 16
POSITIONS = 3


def hire_as(employer_id, match_id):
    from aidcoord.accounts.models import User

    return applications.hire(db.session.get(User, employer_id), applications.get_application(match_id)).id


def test_no_position_is_filled_twice_under_parallel_hires(app, database_url):
    employer, coordinator = UserFactory(roles=["employer"]), UserFactory(roles=["coordinator"])
    listing = listings.publish(coordinator, listings.post_listing(employer, listing_data(positions=POSITIONS)))
    candidates = []
    for number in range(PROCESSES):
        seeker = seekers.save_own_profile(UserFactory(), seeker_data(contact_name=f"Candidate {number}"))
        match = applications.apply(seeker.user, seeker, listing)
        candidates.append(applications.invite_to_interview(employer, match).id)
    outcomes = run_at_once(database_url, hire_as, [(employer.id, match_id) for match_id in candidates])
    assert sum(1 for status, _ in outcomes if status == "ok") == POSITIONS, outcomes
    refused = [value for status, value in outcomes if status == "error"]
    assert all("CapacityExceeded" in value or "Conflict" in value for value in refused), refused
    db.session.expire_all()
    hired = db.session.scalar(select(func.count()).select_from(Match).where(
        Match.kind == QueueKind.JOBS, Match.offer_id == listing.id, Match.state == MatchState.PLACED))
    final = db.session.get(JobListing, listing.id)
    assert hired == POSITIONS and final.open_positions == final.positions - hired == 0
    assert final.state is ListingState.CLOSED
    still_open = db.session.scalar(select(func.count()).select_from(Match).where(
        Match.offer_id == listing.id, Match.kind == QueueKind.JOBS, Match.state == MatchState.ACCEPTED))
    assert still_open == 0  # the rest were told the positions are filled

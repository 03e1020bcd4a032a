"""Reading or taking from the queue expires the overdue proposals first (matching.overdue), and asks the database
only once one can be overdue: never later than the proposal's answer time, whoever made it and when."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.housing import matching as housing_matching
from aidcoord.matching import queue
from aidcoord.matching.models import EntryState, Match, MatchState, QueueEntry, QueueKind
from aidcoord.matching.overdue import LOOK_AT_LEAST_EVERY, MARGIN
from tests.conftest import pinned_clock
from tests.factories import HousingOfferFactory

pytestmark = pinned_clock


@pytest.fixture
def statements_on_matches(app):
    """The statements sent that read the matches table, counted as they go."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if "FROM matches" in statement:
            sent.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(db.engine, "before_cursor_execute", record)


def propose(coordinator):
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    return housing_matching.propose_offer(coordinator, entry, HousingOfferFactory().id)


def state_of(match):
    db.session.expire_all()
    return db.session.get(Match, match.id).state, db.session.get(QueueEntry, match.entry_id).state


def test_a_read_after_the_answer_time_expires_the_proposal_and_earlier_reads_seldom_ask(
        api, coordinator, register, time_machine, statements_on_matches):
    register()
    match = propose(coordinator)
    due = match.expires_at
    statements_on_matches.clear()
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200
    assert statements_on_matches  # the first read looks
    statements_on_matches.clear()

    time_machine.shift(LOOK_AT_LEAST_EVERY - timedelta(minutes=1))
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200
    assert api("POST", "/api/v1/housing/queue/take", coordinator).status_code == 204  # the only entry is proposed
    assert statements_on_matches == []  # nothing can be overdue yet: not asked

    time_machine.shift(timedelta(minutes=2))
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200
    assert statements_on_matches  # looked again, however far the answer time
    assert state_of(match) == (MatchState.PROPOSED, EntryState.PROPOSED)

    time_machine.move_to(due + timedelta(seconds=1))
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200
    assert state_of(match) == (MatchState.EXPIRED, EntryState.WAITING)


def test_a_clock_set_back_looks_again(api, coordinator, register, time_machine):
    register()
    start = utcnow()
    time_machine.move_to(start + timedelta(days=3))
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200  # looked, days ahead
    time_machine.move_to(start)
    match = propose(coordinator)
    time_machine.move_to(match.expires_at + timedelta(hours=1))  # still before the look above
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200
    assert state_of(match) == (MatchState.EXPIRED, EntryState.WAITING)


def test_a_proposal_made_after_a_read_is_expired_on_time_by_that_reader(api, coordinator, register, time_machine):
    """Another process (or node) proposes after this one looked: its proposal is due at least the shortest answer
    window after the look, so the look is never relied on past that."""
    register(contact_phone="+37491000001")
    register(contact_phone="+37491000002")
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200  # looked: nothing proposed yet
    time_machine.shift(MARGIN + timedelta(seconds=1))  # the other proposes later than the margin allows for
    match = propose(coordinator)

    time_machine.move_to(match.expires_at + timedelta(seconds=1))
    assert api("GET", "/api/v1/housing/queue", coordinator).status_code == 200
    assert state_of(match) == (MatchState.EXPIRED, EntryState.WAITING)

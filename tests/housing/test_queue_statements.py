"""The queue stays cheap: one take / propose / decline cycle runs a bounded number of SQL statements, and on
PostgreSQL the take reads the top of the queue from the partial index of available entries (bench/queue.py
measures the rate under 8 coordinators)."""
import pytest
from sqlalchemy import event

from aidcoord.extensions import db
from aidcoord.housing import matching as housing_matching
from aidcoord.matching import queue
from aidcoord.matching.models import EntryState, QueueKind
from tests.conftest import POSTGRES_URL
from tests.factories import HousingOfferFactory

# Measured here: take 1, propose 6, decline 1 on PostgreSQL, where the household and the offer are read by one SELECT,
# each step of the match goes with its audit event in one INSERT (the conditional UPDATEs of the entry, a decline's
# move of the match and the beds it gives back too, as CTEs), and each message with its consent look-up (an INSERT
# ... SELECT WHERE NOT withdrawn). 9 when the decline sent the entry back by an UPDATE of its own; 10 when the
# proposal moved the entry by an UPDATE of its own; 12 when the
# decline wrote the match and the beds by UPDATEs of their own; 13 when the two look-ups were SELECTs before one
# INSERT of both messages; 17 when steps and events were two INSERTs each; 19 before the host's suspension was left
# to the UPDATE taking the beds; 34 once: the coordinator, the entry and the match read again after each commit, a
# SELECT for the other matches of the entry. SQLite writes each of them by a statement of its own. No slack: a rule
# that must read something new raises this on purpose; anything else is a statement a queue under load pays for
# every household, every time.
STATEMENTS_PER_CYCLE = 8 if POSTGRES_URL else 14


class Statements:
    """The SQL statements run on the app's engine while it is open, in order."""

    def __init__(self):
        self.seen: list[tuple[str, object]] = []

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self.record)
        return self

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self.record)

    def record(self, _connection, _cursor, statement, parameters, _context, _executemany):
        self.seen.append((statement, parameters))


def cycle(coordinator, offer_id):
    """Take the next household, propose it an offer, decline: (statements of each step, the entry)."""
    counts = {}
    with Statements() as take:
        entry = queue.take_next(coordinator, QueueKind.HOUSING)
    counts["take"] = len(take.seen)
    with Statements() as propose:
        match = housing_matching.propose_offer(coordinator, entry, offer_id)
    counts["propose"] = len(propose.seen)
    with Statements() as decline:
        housing_matching.decline(coordinator, match, "not this time")
    counts["decline"] = len(decline.seen)
    return counts, entry


def test_a_take_propose_decline_cycle_runs_a_bounded_number_of_statements(coordinator, register):
    first, second = register(contact_phone="+37491000001"), register(contact_phone="+37491000002", adults=1)
    offer = HousingOfferFactory(beds=6)
    cycle(coordinator, offer.id)  # the first cycle loads what every later one finds in the session
    counts, entry = cycle(coordinator, offer.id)
    assert sum(counts.values()) <= STATEMENTS_PER_CYCLE, counts
    # What the cycle skips reading again is still what the database holds: the household is back in its place.
    assert entry.subject_id == first.id != second.id
    assert entry.state is EntryState.WAITING and entry.leased_by_id is None
    db.session.expire_all()
    assert queue.entry_for(QueueKind.HOUSING, first.id).state is EntryState.WAITING
    assert queue.take_next(coordinator, QueueKind.HOUSING).subject_id == first.id


@pytest.mark.skipif(not POSTGRES_URL, reason="the plan is PostgreSQL's")
def test_take_next_reads_the_top_of_the_queue_from_the_index_of_available_entries(coordinator, register):
    for n in range(3):
        register(contact_phone=f"+3749100000{n}")
    with Statements() as take:
        queue.take_next(coordinator, QueueKind.HOUSING)
    (statement, parameters), = [seen for seen in take.seen if seen[0].startswith("UPDATE queue_entries")]
    with db.engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")  # a few rows: the planner would read the table
        plan = "\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
    # On three rows the planner may as well take ix_queue_entries_open (the queue list's index: the same order,
    # proposals too); on a real queue it takes the smaller one of available entries (EXPLAIN on bench/api.py's
    # database: 100,000 entries, 2,000 proposed). Either way the top is read in order, not sorted.
    used = "ix_queue_entries_available" in plan or "ix_queue_entries_open" in plan
    assert used and "Sort" not in plan, plan



def test_reading_the_queue_commits_nothing_when_no_proposal_expired(client, coordinator, register):
    from aidcoord.accounts.services import create_api_token

    register()
    _token, plain = create_api_token(coordinator, "reading")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/housing/queue", headers=headers).status_code == 200  # the token's first use
    commits = []

    def committed(_connection):
        commits.append(1)

    event.listen(db.engine, "commit", committed)
    try:
        response = client.get("/api/v1/housing/queue", headers=headers)
    finally:
        event.remove(db.engine, "commit", committed)
    assert response.status_code == 200 and len(response.get_json()["items"]) == 1
    assert commits == []  # the expiry sweep found nothing to write


def test_a_take_with_filters_leases_the_first_entry_that_meets_them(coordinator, register):
    from aidcoord.housing.api import queue_filter

    first = register(contact_phone="+37491000001")
    register(contact_phone="+37491000002", adults=1, children=0, children_under_5=0, preferred_regions="AM-LO")
    wanted = register(contact_phone="+37491000003", adults=1, children=0, children_under_5=0)
    entry = queue.take_next(coordinator, QueueKind.HOUSING, queue_filter({"size": 1, "region": "am-su"}))
    assert entry.subject_id == wanted.id != first.id
    assert entry.state is EntryState.LEASED and entry.leased_by_id == coordinator.id
    db.session.expire_all()
    assert queue.entry_for(QueueKind.HOUSING, wanted.id).state is EntryState.LEASED
    assert queue.take_next(coordinator, QueueKind.HOUSING).subject_id == first.id

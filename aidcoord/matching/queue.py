"""The queue: most vulnerable first, then earliest; leases so two coordinators never take the same entry.

Taking an entry is one UPDATE of the entry a subquery picks (state still available, checked in the WHERE clause
again on the row written), which holds on SQLite's single writer as on PostgreSQL; on PostgreSQL the pick is
FOR UPDATE SKIP LOCKED so that concurrent coordinators skip each other's picks, read in order from the partial index
of available entries.
"""
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import BindParameter, Select, Table, Update, bindparam, case, literal_column, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from aidcoord.accounts.models import User
from aidcoord.common.bulk import insert_rows
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.sql import commit_keeping, rows_changed
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied
from aidcoord.extensions import db
from aidcoord.matching.lifecycle import EntryState, check_entry_move
from aidcoord.matching.models import QueueEntry, QueueKind

OPEN_STATES = (EntryState.WAITING, EntryState.LEASED, EntryState.PROPOSED)
# Entries a coordinator may take (a lease counts only until it runs out): the partial index
# ix_queue_entries_available holds these, in queue order.
AVAILABLE_STATES = (EntryState.WAITING, EntryState.LEASED)
QUEUE_ORDER = (QueueEntry.priority.desc(), QueueEntry.joined_at, QueueEntry.id)
# Priority bands, highest first: (lowest priority in the band, name). The dashboard and the metrics count by them.
PRIORITY_BANDS = ((60, "high"), (30, "medium"), (0, "standard"))


def priority_band(priority):
    """The band's name of a priority, as SQL (a CASE over `priority`, e.g. QueueEntry.priority)."""
    return case(*((priority >= lower, band) for lower, band in PRIORITY_BANDS[:-1]), else_=PRIORITY_BANDS[-1][1])


def enqueue(kind: QueueKind, subject_id: int, priority: int) -> QueueEntry:
    """Add to the queue (in the caller's transaction); the join time is kept for good."""
    entry = QueueEntry(kind=kind, subject_id=subject_id, priority=priority, state=EntryState.WAITING)
    db.session.add(entry)
    return entry


def enqueue_many(kind: QueueKind, priorities: list[tuple[int, int]]) -> None:
    """`enqueue` for many subjects at once ((subject id, priority) pairs), written together (common.bulk), in the
    caller's transaction."""
    if priorities:
        insert_rows(QueueEntry, [
            {"kind": kind, "subject_id": subject_id, "priority": priority, "state": EntryState.WAITING}
            for subject_id, priority in priorities])


def entry_for(kind: QueueKind, subject_id: int) -> QueueEntry:
    entry = db.session.scalar(select(QueueEntry).where(QueueEntry.kind == kind, QueueEntry.subject_id == subject_id))
    if entry is None:
        raise NotFound(_l("Not in the queue."))
    return entry


def get_entry(kind: QueueKind, entry_id: int) -> QueueEntry:
    """The entry, if it is in this kind's queue: another kind's id is not found."""
    entry = db.session.get(QueueEntry, entry_id)
    if entry is None or entry.kind is not kind:
        raise NotFound(_l("No such queue entry."))
    return entry


def set_priority(kind: QueueKind, subject_id: int, priority: int) -> None:
    entry_for(kind, subject_id).priority = priority


def close(entry: QueueEntry) -> None:
    """The request leaves the queue (merged, withdrawn, found help elsewhere), in the caller's transaction."""
    check_entry_move(entry.state, EntryState.CLOSED)
    entry.state, entry.leased_by_id, entry.lease_expires_at = EntryState.CLOSED, None, None


def _available(now: datetime | BindParameter, entries: Any = QueueEntry):
    """Waiting, or leased by someone whose lease has run out. The states are SQL literals, not parameters, so the
    planner (a prepared statement's generic plan too) proves the partial index of available entries applies and
    reads the queue in order from it; the lease is then checked on the few leased rows the scan meets. `entries`:
    the model, or its table's columns (a Core statement)."""
    in_index = entries.state.in_([literal_column(f"'{state.value}'") for state in AVAILABLE_STATES])
    return in_index & ((entries.state == EntryState.WAITING) | (entries.lease_expires_at < now))


def _take_statement(restrict, skip_locked: bool) -> Update:
    """The take's UPDATE ... RETURNING the entry's columns; its values are parameters (queue_kind, now, holder,
    lease_until). Without `restrict` it is built once (_unrestricted_take): building it and its cache key cost
    about a millisecond of Python, more than PostgreSQL takes to run it. It updates the table, not the model: the
    ORM's bulk UPDATE and its loading of the RETURNING rows cost more Python than the statement (_as_written)."""
    now = bindparam("now", type_=QueueEntry.lease_expires_at.type)
    entries = cast(Table, QueueEntry.__table__)
    columns = entries.c
    # The table's columns (QUEUE_ORDER's, as Core): a `restrict` in terms of the models makes it an ORM statement.
    top = select(columns.id).where(columns.kind == bindparam("queue_kind"), _available(now, columns))
    top = top.order_by(columns.priority.desc(), columns.joined_at, columns.id).limit(1)
    if restrict is not None:
        top = restrict(top)
    if skip_locked:
        top = top.with_for_update(skip_locked=True, of=entries)
    # correlate(None): the subquery reads queue_entries itself, not the row the UPDATE is at.
    return (update(entries).where(columns.id == top.scalar_subquery().correlate(None), _available(now, columns))
            .values(state=EntryState.LEASED, leased_by_id=bindparam("holder", type_=QueueEntry.leased_by_id.type),
                    lease_expires_at=bindparam("lease_until", type_=QueueEntry.lease_expires_at.type))
            .returning(*entries.columns))


def _as_written(row) -> QueueEntry:
    """The session's entry of a row an UPDATE ... RETURNING wrote: the one it holds, given the row's values, or a
    new one as if loaded (populate_existing, without the ORM's loading)."""
    session = db.session()
    values = row._asdict()
    entry = session.identity_map.get(identity_key(QueueEntry, values["id"]))
    if entry is None:
        entry = QueueEntry(**values)
        make_transient_to_detached(entry)  # its values are the row's: nothing left to write
        session.add(entry)
    else:
        for key, value in values.items():
            set_committed_value(entry, key, value)
    return entry


@cache
def _unrestricted_take(skip_locked: bool) -> Update:
    return _take_statement(None, skip_locked)


def take_next(coordinator: User, kind: QueueKind, restrict=None) -> QueueEntry | None:
    """Lease the top available entry to `coordinator`; None when the queue is empty.
    `restrict(query)` may narrow the candidates (filters by region, size, ...).

    One statement: UPDATE the entry the subquery picks, RETURNING it. On PostgreSQL the pick is FOR UPDATE SKIP
    LOCKED, so concurrent coordinators pass over each other's picks (a row changed under the scan is re-checked and
    skipped); on SQLite the single writer runs the statement whole. The availability test is repeated on the row
    written, so an entry is never leased twice."""
    if not coordinator.is_staff:
        raise PermissionDenied()
    now = utcnow()
    session = db.session()
    skip_locked = session.get_bind().dialect.name == "postgresql"
    if skip_locked and not session.in_transaction():
        # The take is its own transaction (a page or the CLI that read nothing before): one statement, so it runs
        # as one, without BEGIN and COMMIT around it (two round trips fewer, the row lock held only inside the
        # server).
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    statement = _unrestricted_take(skip_locked) if restrict is None else _take_statement(restrict, skip_locked)
    lease_until = now + timedelta(minutes=current_app.config["QUEUE_LEASE_MINUTES"])
    values = {"queue_kind": kind, "now": now, "holder": coordinator.id, "lease_until": lease_until}
    row = session.execute(statement, values).first()
    if row is None:
        db.session.rollback()
        return None
    entry = _as_written(row)
    # The entry as RETURNING gave it is what is committed, and the coordinator as this request read them: the
    # proposal that follows reads neither again.
    commit_keeping(entry, coordinator)
    return entry


def lease(coordinator: User, entry: QueueEntry) -> QueueEntry:
    """Take one particular entry (from a batch suggestion) under a lease, if nobody holds it."""
    if not coordinator.is_staff:
        raise PermissionDenied()
    now = utcnow()
    lease_until = now + timedelta(minutes=current_app.config["QUEUE_LEASE_MINUTES"])
    taken = rows_changed(
        update(QueueEntry).where(QueueEntry.id == entry.id, _available(now))
        .values(state=EntryState.LEASED, leased_by_id=coordinator.id, lease_expires_at=lease_until))
    if taken != 1 and not holds_lease(coordinator, entry):
        db.session.rollback()
        raise Conflict(_l("Another coordinator is working on this request, or it has a proposal already."))
    db.session.commit()
    db.session.refresh(entry)
    return entry


def holds_lease(user: User, entry: QueueEntry) -> bool:
    return (entry.state is EntryState.LEASED and entry.leased_by_id == user.id
            and entry.lease_expires_at is not None and entry.lease_expires_at > utcnow())


def release(coordinator: User, entry: QueueEntry) -> None:
    """Give the entry back to the queue, in its original place."""
    if not holds_lease(coordinator, entry):
        raise Conflict(_l("You do not hold this entry."))
    check_entry_move(entry.state, EntryState.WAITING)
    entry.state, entry.leased_by_id, entry.lease_expires_at = EntryState.WAITING, None, None
    db.session.commit()


def rejoin(entry: QueueEntry, priority: int) -> None:
    """A new request from someone whose earlier one was settled: back of the queue for their priority.
    (Outside the transition table on purpose: it is a new request on the same row.)"""
    if entry.state in OPEN_STATES:
        raise Conflict(_l("Already in the queue."))
    entry.state, entry.priority, entry.joined_at = EntryState.WAITING, priority, utcnow()
    entry.leased_by_id, entry.lease_expires_at = None, None


def browse_query(kind: QueueKind, restrict=None) -> Select:
    """The open entries in order; the whole queue's statement is built once per kind (common.pagination: no
    building nor cache key per page read), a restricted one for each read."""
    return restrict(_open_entries(kind)) if restrict is not None else _open_entries(kind)


@cache
def _open_entries(kind: QueueKind) -> Select:
    return select(QueueEntry).where(QueueEntry.kind == kind, QueueEntry.state.in_(OPEN_STATES)).order_by(*QUEUE_ORDER)


def browse(viewer: User, kind: QueueKind, restrict=None, page: int = 1, per_page: int | None = None) -> Page:
    """The open queue in order (coordinators only)."""
    if not viewer.is_staff:
        raise PermissionDenied()
    return paginate(browse_query(kind, restrict), page, per_page)


def all_open(viewer: User, kind: QueueKind, restrict=None) -> list[QueueEntry]:
    """Every open entry in order, for exports (coordinators only)."""
    if not viewer.is_staff:
        raise PermissionDenied()
    return list(db.session.scalars(browse_query(kind, restrict)))

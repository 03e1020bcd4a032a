"""The queue: most vulnerable first, then earliest; leases so two coordinators never take the same entry.

Taking an entry is one conditional UPDATE (state still available, checked in the WHERE clause) and its
row count, which holds on SQLite's single writer as on PostgreSQL; on PostgreSQL the candidate rows
are also read with FOR UPDATE SKIP LOCKED so that concurrent coordinators skip each other's picks.
"""
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select, update

from aidcoord.accounts.models import User
from aidcoord.common.bulk import insert_rows
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.sql import rows_changed
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied
from aidcoord.extensions import db
from aidcoord.matching.lifecycle import EntryState, check_entry_move
from aidcoord.matching.models import QueueEntry, QueueKind

OPEN_STATES = (EntryState.WAITING, EntryState.LEASED, EntryState.PROPOSED)
QUEUE_ORDER = (QueueEntry.priority.desc(), QueueEntry.joined_at, QueueEntry.id)
ATTEMPTS = 5
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


def _available(now: datetime):
    """Waiting, or leased by someone whose lease has run out."""
    return (QueueEntry.state == EntryState.WAITING) | (
        (QueueEntry.state == EntryState.LEASED) & (QueueEntry.lease_expires_at < now))


def take_next(coordinator: User, kind: QueueKind, restrict=None) -> QueueEntry | None:
    """Lease the top available entry to `coordinator`; None when the queue is empty.
    `restrict(query)` may narrow the candidates (filters by region, size, ...)."""
    if not coordinator.is_staff:
        raise PermissionDenied()
    for _attempt in range(ATTEMPTS):
        now = utcnow()
        query = select(QueueEntry.id).where(QueueEntry.kind == kind, _available(now)).order_by(*QUEUE_ORDER).limit(1)
        if restrict is not None:
            query = restrict(query)
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=QueueEntry)
        entry_id = db.session.scalar(query)
        if entry_id is None:
            db.session.rollback()
            return None
        lease_until = now + timedelta(minutes=current_app.config["QUEUE_LEASE_MINUTES"])
        taken = rows_changed(
            update(QueueEntry).where(QueueEntry.id == entry_id, _available(now))
            .values(state=EntryState.LEASED, leased_by_id=coordinator.id, lease_expires_at=lease_until))
        if taken == 1:
            db.session.commit()
            entry = db.session.get(QueueEntry, entry_id)
            db.session.refresh(entry)
            return entry
        db.session.rollback()  # another coordinator took it between our read and our write: try the next
    raise Conflict(_l("The queue is busy; please try again."))


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
    query = select(QueueEntry).where(QueueEntry.kind == kind, QueueEntry.state.in_(OPEN_STATES)).order_by(*QUEUE_ORDER)
    return restrict(query) if restrict is not None else query


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

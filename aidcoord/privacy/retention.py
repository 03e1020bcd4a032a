"""Retention dates: until when each case, offer, profile and account keeps its personal data, and the purge.

A record's `retain_until` is its last activity plus its kind's period (config RETENTION_MONTHS); a record
still open (a household waiting or placed, an offer available or hosting, a seeker with an application under
way, an account holding any of these) counts today as its last activity, so it is never purged. New records get
today plus the period when they are inserted; every purge run recomputes all dates before it anonymises.
"""
import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from flask import current_app
from flask_login import user_logged_in
from sqlalchemy import Connection, Select, String, and_, delete, event, func, or_, select
from sqlalchemy.orm import Session

from aidcoord.accounts.models import ApiToken, User
from aidcoord.common.bulk import insert_rows, records_inserted
from aidcoord.common.types import today as current_day
from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.jobs.models import JobSeeker
from aidcoord.matching.models import EntryState, Match, MatchState, MatchStep, QueueEntry, QueueKind
from aidcoord.privacy.models import RetentionDate
from aidcoord.privacy.registry import KINDS, Kind, is_blank, model_of_table, personal_columns
from aidcoord.volunteers.models import SIGNED_UP, Shift, SignUp, VolunteerProfile

OPEN_ENTRY = (EntryState.WAITING, EntryState.LEASED, EntryState.PROPOSED)
# Matches that keep a case open and block its erasure, by kind: a placement is a household living with a host;
# a hire (jobs' PLACED) closes the seeker's case.
ACTIVE_MATCH = {QueueKind.HOUSING: (MatchState.PROPOSED, MatchState.ACCEPTED, MatchState.PLACED),
                QueueKind.JOBS: (MatchState.PROPOSED, MatchState.ACCEPTED)}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period(kind: str) -> int:
    """The kind's retention period in months (config RETENTION_MONTHS)."""
    return int(current_app.config["RETENTION_MONTHS"][kind])


def _day(moment: datetime | date | None) -> date | None:
    return moment.date() if isinstance(moment, datetime) else moment


def _latest(*moments: datetime | date | None) -> date:
    return max(day for day in map(_day, moments) if day is not None)


def _ids(query) -> set[int]:
    return set(db.session.scalars(query))


def _open_subjects(kind: QueueKind) -> set[int]:
    return (_ids(select(QueueEntry.subject_id).where(QueueEntry.kind == kind, QueueEntry.state.in_(OPEN_ENTRY)))
            | _ids(select(Match.subject_id).where(Match.kind == kind, Match.state.in_(ACTIVE_MATCH[kind]))))


def _last_steps(kind: QueueKind, column) -> dict[int, datetime]:
    query = (select(column, func.max(MatchStep.occurred_at)).join(Match, Match.id == MatchStep.match_id)
             .where(Match.kind == kind).group_by(column))
    return dict(db.session.execute(query).tuples().all())


def _dates(rows: Iterable[tuple[int, bool, date]], kind: str, today: date) -> tuple[dict[int, date], set[int]]:
    """(retain_until by record id, the open records' ids) from (id, open, last activity) rows."""
    months, dates, open_ids = period(kind), {}, set()
    for record_id, is_open, last in rows:
        dates[record_id] = add_months(today if is_open else last, months)
        if is_open:
            open_ids.add(record_id)
    return dates, open_ids


def household_dates(today: date) -> tuple[dict[int, date], set[int]]:
    open_ids, steps = _open_subjects(QueueKind.HOUSING), _last_steps(QueueKind.HOUSING, Match.subject_id)
    rows = db.session.execute(select(Household.id, Household.created_at)).tuples()
    return _dates(((i, i in open_ids, _latest(created, steps.get(i))) for i, created in rows), "household", today)


def housing_offer_dates(today: date) -> tuple[dict[int, date], set[int]]:
    active = _ids(select(Match.offer_id).where(Match.kind == QueueKind.HOUSING,
                                               Match.state.in_(ACTIVE_MATCH[QueueKind.HOUSING])))
    steps = _last_steps(QueueKind.HOUSING, Match.offer_id)
    ended = (VettingState.WITHDRAWN, VettingState.REJECTED)
    rows = db.session.execute(select(HousingOffer.id, HousingOffer.created_at, HousingOffer.vetted_at,
                                     HousingOffer.available_until, HousingOffer.vetting_state)).tuples()
    return _dates(((i, i in active or (state not in ended and (until is None or until >= today)),
                    _latest(created, vetted, until, steps.get(i)))
                   for i, created, vetted, until, state in rows), "housing_offer", today)


def job_seeker_dates(today: date) -> tuple[dict[int, date], set[int]]:
    open_ids, steps = _open_subjects(QueueKind.JOBS), _last_steps(QueueKind.JOBS, Match.subject_id)
    rows = db.session.execute(select(JobSeeker.id, JobSeeker.created_at)).tuples()
    return _dates(((i, i in open_ids, _latest(created, steps.get(i))) for i, created in rows), "job_seeker", today)


def account_dates(today: date, open_households: set[int], open_offers: set[int],
                  open_seekers: set[int]) -> tuple[dict[int, date], set[int]]:
    """Accounts: from the last sign-in or API use; open while the person has an open case, offer or profile
    of their own, or a shift ahead."""
    holders = (_ids(select(Household.user_id).where(Household.id.in_(open_households)))
               | _ids(select(HousingOffer.host_id).where(HousingOffer.id.in_(open_offers)))
               | _ids(select(JobSeeker.user_id).where(JobSeeker.id.in_(open_seekers)))
               | _ids(select(SignUp.volunteer_id).join(Shift).where(SignUp.state == SIGNED_UP,
                                                                    Shift.starts_at > utcnow())))
    seen = dict(db.session.execute(select(RetentionDate.record_id, RetentionDate.last_seen_at)
                                   .where(RetentionDate.kind == "account")).tuples().all())
    used = dict(db.session.execute(select(ApiToken.user_id, func.max(ApiToken.last_used_at))
                                   .group_by(ApiToken.user_id)).tuples().all())
    conversation: Any = model_of_table("telegram_conversations")  # the bot's people never sign in on the web
    talked = {} if conversation is None else dict(db.session.execute(
        select(conversation.user_id, func.max(conversation.updated_at)).where(conversation.user_id.is_not(None))
        .group_by(conversation.user_id)).tuples().all())
    rows = db.session.execute(select(User.id, User.created_at)).tuples()
    return _dates(((i, i in holders, _latest(created, seen.get(i), used.get(i), talked.get(i))) for i, created in rows),
                  "account", today)


def compute_dates(today: date) -> dict[str, dict[int, date]]:
    """Every dated kind's records and their retain_until, from what the database says today."""
    (households, open_households), (offers, open_offers) = household_dates(today), housing_offer_dates(today)
    seekers, open_seekers = job_seeker_dates(today)
    accounts, _ = account_dates(today, open_households, open_offers, open_seekers)
    profiles = {profile_id: accounts[user_id] for profile_id, user_id in
                db.session.execute(select(VolunteerProfile.id, VolunteerProfile.user_id)).tuples()
                if user_id in accounts}
    return {"household": households, "housing_offer": offers, "job_seeker": seekers,
            "volunteer_profile": profiles, "account": accounts}


def refresh(today: date) -> None:
    """Write every dated record's retain_until (anonymised records keep theirs)."""
    for kind, dates in compute_dates(today).items():
        stored = {row.record_id: row for row in db.session.scalars(
            select(RetentionDate).where(RetentionDate.kind == kind))}
        for record_id, until in dates.items():
            row = stored.get(record_id)
            if row is None:
                db.session.add(RetentionDate(kind=kind, record_id=record_id, retain_until=until))
            elif row.anonymised_at is None and row.retain_until != until:
                row.retain_until = until
    db.session.flush()


def expired(kind: Kind, today: date) -> list[int]:
    """Ids of the kind's records past their retention and not yet anonymised."""
    if kind.dated:
        return list(db.session.scalars(select(RetentionDate.record_id).where(
            RetentionDate.kind == kind.name, RetentionDate.retain_until < today,
            RetentionDate.anonymised_at.is_(None)).order_by(RetentionDate.record_id)))
    model = kind.model
    if model is None or kind.expires_from is None:
        return []
    cutoff = datetime.combine(add_months(today, -period(kind.name)), time(), tzinfo=UTC)
    query: Select[Any] = select(model).where(getattr(model, kind.expires_from) < cutoff)
    if kind.only is not None:
        query = query.where(kind.only(model))
    # Only rows with a personal value left are read (not every old message each day).
    texts = [column for column in personal_columns(model) if isinstance(column.type, String)]
    if texts:
        query = query.where(or_(*(and_(column.is_not(None), column != "") for column in texts)))
    rows: Iterable[Any] = db.session.scalars(query)
    return [model.__mapper__.primary_key_from_instance(row)[0] for row in rows if not is_blank(row)]


def mark_anonymised(kind: Kind, ids: Iterable[int], today: date) -> None:
    """Record that these records were anonymised (their retention row keeps its date)."""
    if not kind.dated:
        return
    now, ids = utcnow(), list(ids)
    stored = {row.record_id: row for row in db.session.scalars(select(RetentionDate).where(
        RetentionDate.kind == kind.name, RetentionDate.record_id.in_(ids)))}
    for record_id in ids:
        row = stored.get(record_id) or RetentionDate(kind=kind.name, record_id=record_id, retain_until=today)
        row.anonymised_at = now
        db.session.add(row)


def anonymise(kind_name: str, ids: list[int], today: date | None = None) -> int:
    """Anonymise these records of a kind now (purge and erasure); the number of rows changed. The caller
    commits."""
    kind = KINDS[kind_name]
    changed = kind.anonymise(ids)
    mark_anonymised(kind, ids, today or current_day())
    return changed


def purge_expired(today: date) -> dict[str, int]:
    """Anonymise every record past its retention: the number of records per kind. The caller commits."""
    counts: dict[str, int] = defaultdict(int)
    for kind in KINDS.values():
        ids = expired(kind, today)
        if ids:
            anonymise(kind.name, ids, today)
        counts[kind.name] = len(ids)
    return dict(counts)


_DATED: dict[type, str | None] = {}  # model class -> its dated kind's name (None: not dated)


def _dated_kind(model: type) -> str | None:
    if model not in _DATED:
        _DATED[model] = next((kind.name for kind in KINDS.values() if kind.dated and issubclass(model, kind.model)),
                             None)
    return _DATED[model]


def _date_new_records(session: Session, context: Any) -> None:
    """After each flush, the retention rows of the records it inserted: a DELETE per 1,000 records and one bulk
    write per kind (not two statements per record: an import's part of 2,000 households is one flush)."""
    new: dict[str, list[int]] = defaultdict(list)
    for state, (is_delete, list_only) in context.states.items():
        # Inserted by this flush: not yet given their identity key (that happens after after_flush).
        kind = _dated_kind(state.class_)
        if kind is not None and state.key is None and not is_delete and not list_only:
            new[kind].append(state.obj().id)
    if not new:
        return
    connection = session.connection()
    for kind, ids in new.items():
        _date(kind, ids, connection)


def _date_inserted_records(model: Any, ids: list[int], **_extra: Any) -> None:
    """The retention rows of records written in bulk past the ORM (common.bulk.insert_records)."""
    kind = _dated_kind(model)
    if kind is not None and ids:
        _date(kind, ids, db.session.connection())


def _date(kind: str, ids: list[int], connection: Connection) -> None:
    until = add_months(current_day(), period(kind))
    # A row left by a deleted record whose id SQLite gives again must not refuse the new record. PostgreSQL's
    # sequences never give an id twice, and there the DELETE cost more than the whole import: inside the
    # import's transaction the planner still thinks the table small and scans it all for each part.
    reused = [] if connection.dialect.name == "postgresql" else ids
    for start in range(0, len(reused), 1000):
        connection.execute(delete(RetentionDate).where(RetentionDate.kind == kind,
                                                       RetentionDate.record_id.in_(reused[start:start + 1000])))
    insert_rows(RetentionDate, [{"kind": kind, "record_id": record_id, "retain_until": until}
                                for record_id in ids], connection)


def record_sign_in(user: User) -> None:
    """The account was used: its retention counts from now (called on sign-in)."""
    row = db.session.get(RetentionDate, ("account", user.id))
    if row is None:
        row = RetentionDate(kind="account", record_id=user.id,
                            retain_until=add_months(current_day(), period("account")))
        db.session.add(row)
    row.last_seen_at = utcnow()
    db.session.commit()


def _on_sign_in(_app: Any, user: User, **_extra: Any) -> None:
    record_sign_in(user)


_LISTENING = False


def init_retention() -> None:
    """Every new case, offer, profile and account gets its retention date in the transaction that creates it."""
    global _LISTENING
    if _LISTENING:
        return
    event.listen(Session, "after_flush", _date_new_records)
    records_inserted.connect(_date_inserted_records)
    user_logged_in.connect(_on_sign_in)
    _LISTENING = True

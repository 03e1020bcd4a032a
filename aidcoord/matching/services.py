"""Matches of every kind: opened from a queue entry (a coordinator's proposal) or by the person (an
application), moved through the shared lifecycle, one transition at a time.

Each transition is checked against `lifecycle.MATCH_TRANSITIONS`, takes or gives back the offer's
capacity as the kind declares (`MatchKind.holding_states`), moves the queue entry along and records the
step, all in the caller's transaction. Who may make a transition, and who is told, is the kind's
service's business; what every kind shares is here, once.
"""
from collections.abc import Sequence
from datetime import timedelta
from functools import cache
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Insert, Select, Table, Update, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common.bulk import records_inserted
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, ValidationFailed
from aidcoord.extensions import db
from aidcoord.matching import kinds, lifecycle, queue
from aidcoord.matching.lifecycle import ACTIVE_MATCH_STATES, UNSUCCESSFUL_STATES, EntryState, MatchState
from aidcoord.matching.models import Match, MatchStep, QueueEntry, QueueKind
from aidcoord.notifications.services import notify

ENTITY = "match"


class CapacityExceeded(Conflict):
    """No free unit was left: another request took it (a lost race, or an offer already full)."""

    code = "capacity_taken"


class CapacityInUse(Conflict):
    """An offer's capacity cannot go below the units its matches hold."""

    code = "capacity_in_use"


def get_match(kind: QueueKind, match_id: int) -> Match:
    """The match, if it is of this kind: another kind's id is not found (and nothing is written)."""
    match = db.session.get(Match, match_id)
    if match is None or match.kind is not kind:
        raise NotFound(kinds.of(kind).not_found_message)
    return match


def record_step(actor: Any, match: Match, state: MatchState, reason: str | None = None) -> None:
    before = match.state
    match.state = state
    _step_with_event(actor, match.id, before, state, reason)


def _step_with_event(actor: Any, match_id: int, before: MatchState, state: MatchState, reason: str | None,
                     also: Sequence[tuple[audit.Along, dict[str, Any]]] = (),
                     checked: tuple[Update, dict[str, Any]] | None = None) -> int | None:
    """The step and its audit event, with `also` (the match's move and the capacity it gives back) and `checked`
    (the entry's conditional move, whose count of rows changed is returned), written by one statement with them on
    PostgreSQL: audit.add_event's `along` and `checked`."""
    return audit.add_event(actor, AuditAction.STATE_CHANGE, ENTITY, match_id, {"state": [before, state]}, reason,
                           personal_reason="decline_reason", along=[*also, _step(actor, match_id, state, reason)],
                           checked=checked)


@cache
def _insert_step() -> Insert:
    """The step's INSERT, on the table (no flush, no unit of work), its bindparams named apart from the audit
    event's columns: it goes with the step's event (audit.add_event's `along`)."""
    steps = cast(Table, MatchStep.__table__)
    return insert(steps).values(match_id=bindparam("step_match_id", type_=steps.c.match_id.type),
                                state=bindparam("step_state", type_=steps.c.state.type),
                                actor_id=bindparam("step_actor_id", type_=steps.c.actor_id.type),
                                reason=bindparam("step_reason", type_=steps.c.reason.type),
                                occurred_at=bindparam("step_occurred_at", type_=steps.c.occurred_at.type))


def _step(actor: Any, match_id: int, state: MatchState, reason: str | None = None) -> tuple[Insert, dict[str, Any]]:
    """The step, as an INSERT and its values, written with the step's audit event (steps are only appended;
    nothing in the transaction reads them back)."""
    return _insert_step(), {"step_match_id": match_id, "step_state": state, "step_actor_id": getattr(actor, "id", None),
                            "step_reason": reason, "step_occurred_at": utcnow()}


def change_capacity(kind: kinds.MatchKind, offer_id: int, people: int, held: int,
                    current: MatchState | None, target: MatchState,
                    along: list[tuple[Any, dict[str, Any]]] | None = None) -> int:
    """Take or give back capacity for a move from `current` (None: a new match) to `target`; the units
    held afterwards. A refusal rolls back the whole transaction, so nothing is half-written. Given `along`, capacity
    given back by a statement the kind offers (MatchKind.giving_back) is added to it to be written with the step's
    event, not at once."""
    was_holding = current in kind.holding_states
    will_hold = target in kind.holding_states
    if will_hold and not was_holding:
        taken = kind.reserve(offer_id, people)
        if taken is None:
            broken = kind.reserve_refusals(offer_id)
            db.session.rollback()
            if broken:
                raise does_not_fit(kind, broken)
            raise CapacityExceeded(kind.capacity_taken_message())
        return taken
    if was_holding and not will_hold:
        if along is not None and (giving_back := kind.giving_back(offer_id, held)) is not None:
            along.append(giving_back)
        else:
            kind.release(offer_id, held)
    return held


def resize_capacity(kind: kinds.MatchKind, offer_id: int, total: int) -> None:
    """Set an offer's capacity to `total` in one conditional UPDATE, in the caller's transaction (the
    free units follow); below the units taken or promised it is refused with 409, the numbers in the
    message and on the capacity field, and the transaction is rolled back: nothing is half-written."""
    if not kind.resize(offer_id, total):
        held = kind.held_units(offer_id)
        db.session.rollback()
        message = kind.capacity_in_use_message(held)
        raise CapacityInUse(message, {kind.capacity_field: [message]})


def does_not_fit(kind: kinds.MatchKind, broken: list) -> ValidationFailed:
    """The 422 of a match refused for the hard constraints it breaks, each in words, on the offer's field."""
    return ValidationFailed(_l("This offer does not fit: %(why)s", why="; ".join(map(str, broken))),
                            {kind.offer_field: [str(reason) for reason in broken]})


def _stored_reason(reason: Any) -> Any:
    # A kind's reasons are codes with their numbers (dicts), worded by the kind where they are read, in the
    # reader's language; anything else is kept as its text.
    return reason if isinstance(reason, dict) else str(reason)


def open_match(actor: Any, kind: kinds.MatchKind, subject: Any, offer: Any, *, entry: QueueEntry | None = None,
               score: int = 0, reasons=(), consented: bool = False, broken=None) -> Match:
    """A new PROPOSED match of `subject` to `offer` (from the queue entry the coordinator holds, or
    from the person's own application). `broken` are the hard constraints it breaks (the kind's
    violations by default): any refuses it with 422 before anything is written."""
    if entry is not None and not queue.holds_lease(actor, entry):
        raise Conflict(_l("Take this request from the queue first (or your lease ran out)."))
    broken = kind.violations(subject, offer, capacity=False) if broken is None else broken
    if broken:
        raise does_not_fit(kind, broken)
    # A match already under way for this person and offer is refused by the unique index of active matches at
    # the INSERT below (rolled back with the capacity taken): no SELECT ahead of it for the rare case.
    people = kind.people(subject)
    held = change_capacity(kind, offer.id, people, 0, None, MatchState.PROPOSED)
    hours = current_app.config[kind.answer_hours_setting] if kind.answer_hours_setting else None
    now = utcnow()
    try:
        match = _insert_match(
            kind=kind.kind, entry_id=entry.id if entry else None, subject_id=subject.id, offer_id=offer.id,
            people=people, held=held, score=score, reasons=[_stored_reason(reason) for reason in reasons],
            state=MatchState.PROPOSED, consented_at=now if consented else None,
            expires_at=now + timedelta(hours=hours) if hours else None, decline_reason=None, created_at=now)
    except IntegrityError:  # the same match opened twice at the same moment: the unique index kept one
        db.session.rollback()
        raise Conflict(_l("There is already a match under way for this offer.")) from None
    # The entry becomes PROPOSED only if the actor's lease still holds when it is written (a conditional UPDATE,
    # with the match's step and event): a lease that ran out meanwhile may be another coordinator's now, and the
    # whole proposal is rolled back.
    leased = None
    if entry is not None:
        lifecycle.check_entry_move(entry.state, EntryState.PROPOSED)
        leased = (_proposal_of_leased_entry(), {"entry_id": entry.id, "holder": actor.id, "now": utcnow()})
    moved = audit.add_event(actor, AuditAction.CREATE, ENTITY, match.id,
                            {"kind": kind.kind.value, "offer_id": offer.id},
                            along=[_step(actor, match.id, MatchState.PROPOSED)], checked=leased)
    if entry is not None:
        if not moved:
            db.session.rollback()
            raise Conflict(_l("Take this request from the queue first (or your lease ran out)."))
        _written(entry, state=EntryState.PROPOSED, leased_by_id=None, lease_expires_at=None)
    return match


# The table's, not the model's: no flush, no unit of work.
_INSERT_MATCH = insert(cast(Table, Match.__table__)).returning(cast(Table, Match.__table__).c.id)


def _insert_match(**values: Any) -> Match:
    """A new match, written at once by one INSERT (every column given), and put in the session as the row it
    wrote, without reading it back: the ORM's flush of a new record costs several times the INSERT's own Python."""
    match_id = db.session.execute(_INSERT_MATCH, values).scalar_one()
    match = Match(id=match_id, **values)
    make_transient_to_detached(match)  # as if loaded: its values are the row's, nothing left to write
    db.session.add(match)
    records_inserted.send(Match, ids=[match_id])  # as a flush announces new records (privacy.retention)
    return match


@cache
def _match_moved(with_reason: bool) -> Update:
    # Its bindparams named apart from the step's, the audit event's and the capacity's: written with them.
    matches = cast(Table, Match.__table__)
    values: dict[str, Any] = {"state": bindparam("moved_state", type_=matches.c.state.type),
                              "held": bindparam("moved_held", type_=matches.c.held.type)}
    if with_reason:
        values["decline_reason"] = bindparam("moved_decline_reason", type_=matches.c.decline_reason.type)
    return update(matches).where(matches.c.id == bindparam("moved_match_id")).values(**values)


def move(actor: Any, match: Match, target: MatchState, reason: str | None = None, message=None) -> Match:
    """One transition of the shared lifecycle (409 when the table does not allow it), in the caller's
    transaction: capacity follows the kind's declaration, the queue entry follows the match."""
    before = match.state
    lifecycle.check_move(before, target, message)
    kind = kinds.of(match.kind)
    along: list[tuple[Any, dict[str, Any]]] = []
    held = change_capacity(kind, match.offer_id, match.people, match.held, before, target, along)
    # The match's row is written by one UPDATE built once, not by the unit of work's flush (several times its
    # Python), with the step's event (and the capacity given back); the object is told what was written.
    written: dict[str, Any] = {"state": target, "held": held}
    if target in UNSUCCESSFUL_STATES:
        written["decline_reason"] = reason
    along.append((_match_moved("decline_reason" in written),
                  {"moved_match_id": match.id, **{f"moved_{key}": value for key, value in written.items()}}))
    # Not taken up: the entry goes back to its place by a conditional UPDATE written with them.
    waiting_again = _waiting_again(match, target)
    checked = (_back_to_waiting(), {"waiting_entry_id": waiting_again.id, "waiting_match_id": match.id}) \
        if waiting_again else None
    moved = _step_with_event(actor, match.id, before, target, reason, also=along, checked=checked)
    for key, value in written.items():
        set_committed_value(match, key, value)
    if waiting_again is None:
        _entry_follows(kind, match, target)
    elif moved:
        _written(waiting_again, state=EntryState.WAITING, leased_by_id=None, lease_expires_at=None)
    if target is MatchState.PLACED:
        kind.after_placed(match)
    if target is MatchState.EXPIRED:
        kind.after_expired(match)
    return match


def _entry_follows(kind: kinds.MatchKind, match: Match, target: MatchState) -> None:
    """Placed: the person leaves the queue. Ended: the entry closes. (Not taken up: back in the original place,
    unless another match from the same entry is still under way, written by `move` with the step: _waiting_again.)"""
    entry = match.entry if match.entry_id is not None else None
    if target is MatchState.PLACED:
        entry = entry or db.session.scalar(select(QueueEntry).where(
            QueueEntry.kind == kind.kind, QueueEntry.subject_id == match.subject_id))
        if entry is not None and entry.state in queue.OPEN_STATES:
            _move_entry(entry, EntryState.PLACED)
    elif entry is None:
        return
    elif target is MatchState.ENDED and entry.state is EntryState.PLACED:
        _move_entry(entry, EntryState.CLOSED)


# The queue's conditional UPDATEs, built once (their values are parameters): building one and its cache key costs
# more Python than PostgreSQL takes to run it, at every proposal and decline. Written on the tables' columns: Core
# statements, without the ORM's bulk UPDATE around them (they change no object; nothing is pending when they run).
@cache
def _proposal_of_leased_entry() -> Update:
    entries = cast(Table, QueueEntry.__table__).c
    return update(cast(Table, QueueEntry.__table__)).where(
        entries.id == bindparam("entry_id"), entries.state == EntryState.LEASED,
        entries.leased_by_id == bindparam("holder"),
        entries.lease_expires_at > bindparam("now", type_=entries.lease_expires_at.type),
    ).values(state=EntryState.PROPOSED, leased_by_id=None, lease_expires_at=None)


@cache
def _back_to_waiting() -> Update:
    # Its bindparams named apart from the columns of the statements it is written with (an UPDATE would take a
    # parameter named as one of its table's columns for a value to SET).
    entries, matches = cast(Table, QueueEntry.__table__).c, cast(Table, Match.__table__).c
    others_under_way = select(matches.id).where(
        matches.entry_id == bindparam("waiting_entry_id"), matches.id != bindparam("waiting_match_id"),
        matches.state.in_(ACTIVE_MATCH_STATES)).exists()
    return update(cast(Table, QueueEntry.__table__)).where(
        entries.id == bindparam("waiting_entry_id"), entries.state == EntryState.PROPOSED, ~others_under_way,
    ).values(state=EntryState.WAITING, leased_by_id=None, lease_expires_at=None)


def _waiting_again(match: Match, target: MatchState) -> QueueEntry | None:
    """The entry of a match not taken up, if it is to go back to WAITING (its place kept) unless another match made
    from it is still under way (_back_to_waiting: one conditional UPDATE, so two of its matches declined at the same
    moment cannot both leave it PROPOSED); None otherwise."""
    if target not in UNSUCCESSFUL_STATES or match.entry_id is None:
        return None
    entry = match.entry
    if entry is None or entry.state is not EntryState.PROPOSED:
        return None
    lifecycle.check_entry_move(entry.state, EntryState.WAITING)
    return entry


def _written(entry: QueueEntry, **values: Any) -> None:
    """The object says what a conditional UPDATE wrote to its row (the UPDATE bypassed it)."""
    for key, value in values.items():
        set_committed_value(entry, key, value)


def _move_entry(entry: QueueEntry, target: EntryState) -> None:
    lifecycle.check_entry_move(entry.state, target)
    entry.state, entry.leased_by_id, entry.lease_expires_at = target, None, None


def active_match(kind: QueueKind, subject_id: int, offer_id: int) -> Match | None:
    """The match of this person and offer still under way, if any."""
    return db.session.scalar(select(Match).where(
        Match.kind == kind, Match.subject_id == subject_id, Match.offer_id == offer_id,
        Match.state.in_(ACTIVE_MATCH_STATES)))


def tell(people, topic: str, subject, body, match: Match) -> None:
    """Queue a notification about `match` for each of `people` (in the caller's transaction)."""
    link = kinds.of(match.kind).link(match)
    for person in people:
        if person is not None:
            notify(person, topic, subject, body, link)


def is_answerer(user: Any, match: Match) -> bool:
    """Someone who answers for the match's offer (its host, employer or organization)."""
    if user is None or not user.is_authenticated:
        return False
    kind = kinds.of(match.kind)
    return any(person.id == user.id for person in kind.answerers(kind.offer(match.offer_id)))


def settle_if_expired(match: Match) -> bool:
    """Expire a proposal whose answer time has passed (True if it did, in the caller's transaction)."""
    if match.state is MatchState.PROPOSED and match.expires_at is not None and match.expires_at <= utcnow():
        move(None, match, MatchState.EXPIRED, "no answer in time")
        return True
    return False


@cache
def _overdue_proposals() -> Select:
    """Built once: it runs before every read of a queue, where building it and its cache key cost as much Python as
    the page's own statement."""
    return select(Match).where(Match.state == MatchState.PROPOSED,
                               Match.expires_at <= bindparam("now", type_=Match.expires_at.type))


def expire_overdue() -> int:
    """Expire every proposal past its answer time, of every kind; returns how many (cron); commits only when one did."""
    overdue = db.session.scalars(_overdue_proposals(), {"now": utcnow()}).all()
    for match in overdue:
        move(None, match, MatchState.EXPIRED, "no answer in time")
        kind = kinds.of(match.kind)
        tell(kind.answerers(kind.offer(match.offer_id)), "expiry", _l("A proposal expired"),
             _l("A proposal for your offer expired without an answer."), match)
    if overdue:  # called before every read of the queue: nothing to write, nothing to commit
        db.session.commit()
    return len(overdue)


def matches_for_answerer(user: Any, kind: QueueKind) -> list[Match]:
    """Proposals and placements in the offers this user answers for."""
    offer_ids = kinds.of(kind).offer_ids_answered_by(user)
    if not offer_ids:
        return []
    query = select(Match).where(Match.kind == kind, Match.offer_id.in_(offer_ids)).order_by(Match.id.desc())
    return list(db.session.scalars(query))


def holding_matches(kind: QueueKind, offer_id: int) -> list[Match]:
    states = kinds.of(kind).holding_states
    return list(db.session.scalars(select(Match).where(
        Match.kind == kind, Match.offer_id == offer_id, Match.state.in_(states))))


def matches_for_subject(kind: QueueKind, subject_id: int) -> list[Match]:
    """Every match made for one person (household, job seeker), newest first."""
    query = select(Match).where(Match.kind == kind, Match.subject_id == subject_id).order_by(Match.id.desc())
    return list(db.session.scalars(query))


def matches_for_offer(kind: QueueKind, offer_id: int) -> list[Match]:
    query = select(Match).where(Match.kind == kind, Match.offer_id == offer_id).order_by(Match.id.desc())
    return list(db.session.scalars(query))


def active_matches_for_offer(kind: QueueKind, offer_id: int) -> list[Match]:
    return list(db.session.scalars(select(Match).where(
        Match.kind == kind, Match.offer_id == offer_id, Match.state.in_(ACTIVE_MATCH_STATES))))

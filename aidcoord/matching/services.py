"""Matches: proposed by a coordinator, accepted by the offer's side, moved in, ended; or declined or
expired, after which the request is back in the queue in its original place. Capacity is taken when a
match is proposed and given back when it is declined, expires or ends, always in the same transaction."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common import validation as check
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.matching import kinds, queue
from aidcoord.matching.models import EntryState, HOLDING_STATES, Match, MatchState, MatchStep, QueueEntry
from aidcoord.notifications.services import notify

ENTITY = "match"


class CapacityExceeded(Conflict):
    code = "capacity_exceeded"


def record_step(actor, match: Match, state: MatchState, reason: str | None = None) -> None:
    before = match.state
    match.state = state
    db.session.add(MatchStep(match_id=match.id, state=state, actor_id=getattr(actor, "id", None), reason=reason))
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, match.id, {"state": [before, state]}, reason)


def get_match(match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None:
        raise NotFound(_l("No such match."))
    return match


def is_answerer(user: User | None, match: Match) -> bool:
    if user is None or not user.is_authenticated:
        return False
    offer = kinds.of(match.kind).offer(match.offer_id)
    return any(person.id == user.id for person in kinds.of(match.kind).answerers(offer))


def propose(coordinator: User, entry: QueueEntry, offer_id: int, *, score: int = 0, reasons=()) -> Match:
    """Propose an offer for the entry the coordinator holds; takes the capacity at once, so a bed is
    never proposed twice, however many coordinators act at the same moment."""
    kind = kinds.of(entry.kind)
    if not queue.holds_lease(coordinator, entry):
        raise Conflict(_l("Take this request from the queue first (or your lease ran out)."))
    subject = kind.subject(entry.subject_id)
    offer = kind.offer(offer_id)
    broken = kind.violations(subject, offer)
    if broken:
        raise ValidationFailed(_l("This offer does not fit: %(why)s", why="; ".join(map(str, broken))),
                               {"offer_id": [str(reason) for reason in broken]})
    people = kind.people(subject)
    held = kind.reserve(offer_id, people)
    if held is None:
        db.session.rollback()
        raise CapacityExceeded(_l("Not enough free places left in this offer."))
    match = Match(kind=entry.kind, entry_id=entry.id, subject_id=entry.subject_id, offer_id=offer_id, people=people,
                  held=held, score=score, reasons=[str(reason) for reason in reasons], state=MatchState.PROPOSED,
                  expires_at=utcnow() + timedelta(hours=current_app.config["PROPOSAL_ANSWER_HOURS"]))
    db.session.add(match)
    db.session.flush()
    record_step(coordinator, match, MatchState.PROPOSED)
    entry.state, entry.leased_by_id, entry.lease_expires_at = EntryState.PROPOSED, None, None
    for person in kind.answerers(offer):
        notify(person, "proposal", _l("A new proposal is waiting for your answer"),
               _l("A coordinator proposes a match for your offer. Please accept or decline."), kind.link(match))
    db.session.commit()
    return match


def _settle_if_expired(match: Match) -> bool:
    if match.state is MatchState.PROPOSED and match.expires_at <= utcnow():
        _end_holding(None, match, MatchState.EXPIRED, "no answer in time")
        return True
    return False


def _end_holding(actor, match: Match, state: MatchState, reason: str | None) -> None:
    """Give the capacity back and, unless the stay happened, return the request to the queue."""
    kinds.of(match.kind).release(match.offer_id, match.held)
    record_step(actor, match, state, reason)
    entry = db.session.get(QueueEntry, match.entry_id)
    if state in (MatchState.DECLINED, MatchState.EXPIRED):
        queue.return_to_queue(entry)
    else:
        queue.close(entry)


def accept(actor: User, match: Match) -> Match:
    """The offer's side accepts; the household's contact is now shown to them."""
    if not is_answerer(actor, match):
        raise PermissionDenied()
    if _settle_if_expired(match):
        db.session.commit()
        raise Conflict(_l("This proposal expired; the request went back to the queue."))
    if match.state is not MatchState.PROPOSED:
        raise Conflict(_l("Only a proposed match can be accepted."))
    record_step(actor, match, MatchState.ACCEPTED)
    kind = kinds.of(match.kind)
    proposer_id = match.steps[0].actor_id if match.steps else None
    people = [db.session.get(User, proposer_id)] if proposer_id else []
    people += kind.subject_users(kind.subject(match.subject_id))
    for person in people:
        notify(person, "acceptance", _l("A proposal was accepted"),
               _l("The host accepted the proposal. Next: arrange the move-in."), kind.link(match))
    db.session.commit()
    return match


def decline(actor: User, match: Match, reason: str) -> Match:
    """The offer's side declines, with a reason; the request keeps its place in the queue."""
    if not is_answerer(actor, match) and not actor.is_staff:
        raise PermissionDenied()
    if match.state is not MatchState.PROPOSED:
        raise Conflict(_l("Only a proposed match can be declined."))
    reason = check.required_text(reason, message=_l("Give the reason for declining."))
    match.decline_reason = reason
    _end_holding(actor, match, MatchState.DECLINED, reason)
    db.session.commit()
    return match


def move_in(actor: User, match: Match) -> Match:
    """Confirmed by a coordinator or the offer's side."""
    if not (actor.is_staff or is_answerer(actor, match)):
        raise PermissionDenied()
    if match.state is not MatchState.ACCEPTED:
        raise Conflict(_l("Only an accepted match can move in."))
    record_step(actor, match, MatchState.MOVED_IN)
    entry = db.session.get(QueueEntry, match.entry_id)
    entry.state = EntryState.PLACED
    kinds.of(match.kind).after_move_in(match)
    db.session.commit()
    return match


def end(actor: User, match: Match, reason: str) -> Match:
    """The stay is over (or an accepted match falls through): the places return to the offer."""
    if not (actor.is_staff or is_answerer(actor, match)):
        raise PermissionDenied()
    if match.state not in (MatchState.ACCEPTED, MatchState.MOVED_IN):
        raise Conflict(_l("Only an accepted or moved-in match can end."))
    errors = check.FieldErrors()
    reason = check.text(errors, "reason", reason, 2000)
    if match.state is MatchState.ACCEPTED:
        _end_holding(actor, match, MatchState.DECLINED, reason or "fell through before move-in")
    else:
        _end_holding(actor, match, MatchState.ENDED, reason or None)
    db.session.commit()
    return match


def expire_overdue() -> int:
    """Expire every proposal past its answer time; returns how many (run from cron or any page)."""
    overdue = db.session.scalars(select(Match).where(
        Match.state == MatchState.PROPOSED, Match.expires_at <= utcnow())).all()
    for match in overdue:
        _end_holding(None, match, MatchState.EXPIRED, "no answer in time")
        for person in kinds.of(match.kind).answerers(kinds.of(match.kind).offer(match.offer_id)):
            notify(person, "expiry", _l("A proposal expired"),
                   _l("A proposal for your offer expired without an answer."), kinds.of(match.kind).link(match))
    db.session.commit()
    return len(overdue)


def matches_for_answerer(user: User, kind) -> list[Match]:
    """Proposals and placements in the offers this user answers for."""
    implementation = kinds.of(kind)
    offer_ids = implementation.offer_ids_answered_by(user)
    if not offer_ids:
        return []
    query = select(Match).where(Match.kind == kind, Match.offer_id.in_(offer_ids)).order_by(Match.id.desc())
    return list(db.session.scalars(query))


def holding_matches(kind, offer_id: int) -> list[Match]:
    return list(db.session.scalars(select(Match).where(
        Match.kind == kind, Match.offer_id == offer_id, Match.state.in_(HOLDING_STATES))))


def matches_for_subject(kind, subject_id: int) -> list[Match]:
    """Every match made for one household (or job seeker), newest first."""
    query = select(Match).where(Match.kind == kind, Match.subject_id == subject_id).order_by(Match.id.desc())
    return list(db.session.scalars(query))

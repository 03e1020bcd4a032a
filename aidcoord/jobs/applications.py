"""Applications and referrals: matches of kind JOBS, on the same queue, lease and step record as housing.

referred (by a coordinator, from the queue) or applied (by the seeker) -> interview -> hired, or
rejected / withdrawn. A hire takes one position with a conditional UPDATE (never more hires than
positions); the last hire closes the listing. The employer sees the seeker's contact only once the
seeker applied or consented to the referral, and every such view is recorded."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from aidcoord.accounts.models import User
from aidcoord.common import validation as check
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.jobs import engine, listings, seekers
from aidcoord.jobs.models import JobListing, JobSeeker, ListingState
from aidcoord.matching import kinds, queue
from aidcoord.matching.models import ACTIVE_APPLICATION_STATES, EntryState, Match, MatchState, QueueEntry, QueueKind
from aidcoord.matching.services import CapacityExceeded, record_step
from aidcoord.notifications.services import notify
from aidcoord.organizations.models import Membership


class JobKind:
    """Jobs as a kind of match: one seeker takes one position in a listing, once hired."""

    def subject(self, subject_id: int) -> JobSeeker:
        return db.session.get(JobSeeker, subject_id)

    def people(self, seeker: JobSeeker) -> int:
        return 1

    def offer(self, offer_id: int) -> JobListing:
        listing = db.session.get(JobListing, offer_id)
        if listing is None:
            raise NotFound(_l("No such job listing."))
        return listing

    def violations(self, seeker, listing) -> list:
        return engine.violations(seeker, listing)

    def reserve(self, offer_id: int, people: int) -> int | None:
        return 1 if listings.take_position(offer_id) else None

    def release(self, offer_id: int, held: int) -> None:
        listings.give_back_positions(offer_id, held)

    def answerers(self, listing: JobListing) -> list[User]:
        if listing.employer is not None:
            return [listing.employer]
        members = select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == listing.organization_id)
        return list(db.session.scalars(members))

    def offer_ids_answered_by(self, user: User) -> list[int]:
        return [listing.id for listing in listings.listings_of(user)]

    def subject_users(self, seeker: JobSeeker) -> list[User]:
        return [seeker.user] if seeker.user is not None else []

    def after_move_in(self, match) -> None:
        """Nothing follows a hire here (housing schedules welfare check-ins)."""

    def link(self, match) -> str:
        return f"/jobs/applications/{match.id}"  # a path, not url_for: the CLI has no request


KIND = JobKind()
kinds.register(QueueKind.JOBS, KIND)


def get_application(match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None or match.kind is not QueueKind.JOBS:
        raise NotFound(_l("No such application."))
    return match


def is_employer_side(user: User | None, match: Match) -> bool:
    return listings.is_employer_side(user, KIND.offer(match.offer_id))


def is_seeker_side(user: User | None, match: Match) -> bool:
    return seekers.can_manage(user, KIND.subject(match.subject_id))


def _tell(people, topic: str, subject, body, match: Match) -> None:
    for person in people:
        notify(person, topic, subject, body, KIND.link(match))


def _open_application(seeker: JobSeeker, listing: JobListing) -> Match | None:
    return db.session.scalar(select(Match).where(
        Match.kind == QueueKind.JOBS, Match.subject_id == seeker.id, Match.offer_id == listing.id,
        Match.state.in_(ACTIVE_APPLICATION_STATES)))


def _new_application(actor: User, seeker: JobSeeker, listing: JobListing, state: MatchState, *,
                     entry: QueueEntry | None, consented: bool) -> Match:
    broken = engine.violations(seeker, listing) if state is MatchState.REFERRED else []
    if listing.state is not ListingState.PUBLISHED or listing.open_positions < 1:
        broken.append(_l("the listing is not open"))
    if broken:
        raise ValidationFailed(_l("This listing does not fit: %(why)s", why="; ".join(map(str, broken))),
                               {"listing_id": [str(reason) for reason in broken]})
    if _open_application(seeker, listing) is not None:
        raise Conflict(_l("There is already an application for this listing."))
    fit = engine.fit(seeker, listing)
    match = Match(kind=QueueKind.JOBS, entry_id=entry.id if entry else None, subject_id=seeker.id,
                  offer_id=listing.id, people=1, held=0, state=state, score=fit.score, reasons=fit.reasons,
                  consented_at=utcnow() if consented else None)
    db.session.add(match)
    try:
        db.session.flush()
    except IntegrityError:  # the same application sent twice at once: the unique index kept one
        db.session.rollback()
        raise Conflict(_l("There is already an application for this listing.")) from None
    record_step(actor, match, state)
    return match


def apply(actor: User, seeker: JobSeeker, listing: JobListing) -> Match:
    """The seeker (or their caseworker, with them) applies; applying shares the contact."""
    if not seekers.can_manage(actor, seeker):
        raise NotFound(_l("No such job seeker."))
    match = _new_application(actor, seeker, listing, MatchState.APPLIED, entry=None, consented=True)
    _tell(KIND.answerers(listing), "application", _l("A new application"),
          _l("Someone applied to your listing “%(title)s”.", title=listing.title), match)
    db.session.commit()
    return match


def refer(coordinator: User, entry: QueueEntry, listing_id: int) -> Match:
    """A coordinator holding the seeker's queue entry refers them to a listing. The employer sees the
    profile; the contact only once the seeker consents to this referral."""
    if entry.kind is not QueueKind.JOBS:
        raise NotFound(_l("No such queue entry."))
    if not queue.holds_lease(coordinator, entry):
        raise Conflict(_l("Take this seeker from the queue first (or your lease ran out)."))
    seeker, listing = KIND.subject(entry.subject_id), KIND.offer(listing_id)
    match = _new_application(coordinator, seeker, listing, MatchState.REFERRED, entry=entry, consented=False)
    entry.state, entry.leased_by_id, entry.lease_expires_at = EntryState.PROPOSED, None, None
    _tell(KIND.answerers(listing), "referral", _l("A coordinator referred a candidate"),
          _l("A candidate was referred to “%(title)s”.", title=listing.title), match)
    _tell(KIND.subject_users(seeker), "referral", _l("You were referred to a job"),
          _l("A coordinator referred you to “%(title)s”. Please confirm that the employer may contact you.",
             title=listing.title), match)
    db.session.commit()
    return match


def consent(actor: User, match: Match) -> Match:
    """The seeker agrees that the employer may contact them about this referral (a caseworker may
    record the seeker's agreement on their behalf; the step records who did)."""
    if not is_seeker_side(actor, match):
        raise NotFound(_l("No such application."))
    if match.state not in ACTIVE_APPLICATION_STATES:
        raise Conflict(_l("This application is closed."))
    if match.consented_at is None:
        match.consented_at = utcnow()
        record_step(actor, match, match.state, "the seeker agreed to share their contact")
        _tell(KIND.answerers(KIND.offer(match.offer_id)), "consent", _l("A candidate shared their contact"),
              _l("You can now contact the candidate."), match)
    db.session.commit()
    return match


def _require_employer_side(actor: User, match: Match, *, or_staff: bool = False) -> None:
    """404 for people with no part in the application, 403 for the seeker's side."""
    employer_side, _seeker_side = involvement(actor, match)
    if not (employer_side or (or_staff and actor.is_staff)):
        raise PermissionDenied()


def invite_to_interview(actor: User, match: Match) -> Match:
    _require_employer_side(actor, match)
    if match.state not in (MatchState.REFERRED, MatchState.APPLIED):
        raise Conflict(_l("Only a new application or referral can move to interview."))
    record_step(actor, match, MatchState.INTERVIEW)
    _tell(KIND.subject_users(KIND.subject(match.subject_id)), "interview",
          _l("An employer invites you to an interview"),
          _l("Good news: the employer wants to meet you."), match)
    db.session.commit()
    return match


def hire(actor: User, match: Match) -> Match:
    """Take one position; refuse when none is left. The last position closes the listing and ends
    the other applications still under way."""
    _require_employer_side(actor, match)
    if match.state is not MatchState.INTERVIEW:
        raise Conflict(_l("Interview the candidate before hiring."))
    if not listings.take_position(match.offer_id):
        db.session.rollback()
        raise CapacityExceeded(_l("No open positions are left in this listing."))
    match.held = 1
    record_step(actor, match, MatchState.HIRED)
    entry = match.entry or seekers.queue_entry(KIND.subject(match.subject_id))
    if entry is not None and entry.state in queue.OPEN_STATES:  # hired: no more referrals needed
        entry.state, entry.leased_by_id, entry.lease_expires_at = EntryState.PLACED, None, None
    listing = KIND.offer(match.offer_id)
    db.session.refresh(listing)
    if listing.open_positions == 0:
        listings.close_listing(actor, listing, "all positions filled", commit=False)
    _tell(KIND.subject_users(KIND.subject(match.subject_id)), "hired", _l("You are hired"),
          _l("Congratulations: the employer hired you for “%(title)s”.", title=listing.title), match)
    db.session.commit()
    return match


def _end(actor, match: Match, state: MatchState, reason: str | None) -> None:
    """Reject or withdraw; a referred seeker with nothing else under way goes back to the queue, in
    the original place."""
    record_step(actor, match, state, reason)
    if match.entry_id is None:
        return
    entry = db.session.get(QueueEntry, match.entry_id)
    still_open = db.session.scalar(select(Match.id).where(
        Match.entry_id == entry.id, Match.id != match.id, Match.state.in_(ACTIVE_APPLICATION_STATES)))
    if entry.state is EntryState.PROPOSED and still_open is None:
        queue.return_to_queue(entry)


def reject(actor: User, match: Match, reason: str) -> Match:
    _require_employer_side(actor, match, or_staff=True)
    if match.state not in ACTIVE_APPLICATION_STATES:
        raise Conflict(_l("This application is closed."))
    reason = check.required_text(reason, message=_l("Give the reason, for the candidate and the coordinators."))
    match.decline_reason = reason
    _end(actor, match, MatchState.REJECTED, reason)
    _tell(KIND.subject_users(KIND.subject(match.subject_id)), "rejected", _l("An application did not succeed"),
          _l("The employer chose another candidate."), match)
    db.session.commit()
    return match


def withdraw(actor: User, match: Match, reason: str = "") -> Match:
    if not is_seeker_side(actor, match):
        raise NotFound(_l("No such application."))
    if match.state not in ACTIVE_APPLICATION_STATES:
        raise Conflict(_l("This application is closed."))
    errors = check.FieldErrors()
    reason = check.text(errors, "reason", reason, 2000)
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    _end(actor, match, MatchState.WITHDRAWN, reason or None)
    _tell(KIND.answerers(KIND.offer(match.offer_id)), "withdrawn", _l("A candidate withdrew"),
          _l("A candidate withdrew their application."), match)
    db.session.commit()
    return match


def end_all_open(actor, listing_id: int, reason: str) -> None:
    """The listing closed: every application still under way ends (in the caller's transaction)."""
    open_ones = db.session.scalars(select(Match).where(
        Match.kind == QueueKind.JOBS, Match.offer_id == listing_id, Match.state.in_(ACTIVE_APPLICATION_STATES)))
    for match in open_ones:
        match.decline_reason = reason
        _end(actor, match, MatchState.REJECTED, reason)


def for_listing(viewer: User, listing: JobListing) -> list[Match]:
    if not (viewer.is_staff or listings.is_employer_side(viewer, listing)):
        raise PermissionDenied()
    query = select(Match).where(Match.kind == QueueKind.JOBS, Match.offer_id == listing.id)
    return list(db.session.scalars(query.order_by(Match.id.desc())))


def for_seeker(viewer: User, seeker: JobSeeker) -> list[Match]:
    if not seekers.can_manage(viewer, seeker):
        raise NotFound(_l("No such job seeker."))
    query = select(Match).where(Match.kind == QueueKind.JOBS, Match.subject_id == seeker.id)
    return list(db.session.scalars(query.order_by(Match.id.desc())))


def involvement(viewer: User | None, match: Match) -> tuple[bool, bool]:
    """(employer side, seeker side); 404 for anyone with no part in the application."""
    employer_side, seeker_side = is_employer_side(viewer, match), is_seeker_side(viewer, match)
    if not (employer_side or seeker_side):
        raise NotFound(_l("No such application."))
    return employer_side, seeker_side


def application_view(viewer: User | None, match: Match) -> dict:
    """The application as this viewer may see it: employers see the profile (the seeker consented to
    share it) and the contact only after the seeker applied or consented; views of it are recorded."""
    seeker, listing = KIND.subject(match.subject_id), KIND.offer(match.offer_id)
    employer_side, seeker_side = involvement(viewer, match)
    contact = None
    if seeker_side or match.consented_at is not None:
        contact = seekers.contact(viewer, seeker)
    return {"match": match, "listing": listing, "seeker": seeker, "contact": contact,
            "employer_side": employer_side, "seeker_side": seeker_side}

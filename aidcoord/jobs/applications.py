"""Jobs as a kind of match: one seeker takes one position in a listing, once hired.

Referred (by a coordinator, from the queue) or applied (by the seeker): proposed -> accepted (invited to
an interview) -> placed (hired), or declined (not selected) / withdrawn. A hire takes one position with a
conditional UPDATE (never more hires than positions); the last hire closes the listing. The employer
sees the seeker's contact only once the seeker applied or consented to the referral, and every such
view is recorded."""
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from aidcoord.accounts.models import User
from aidcoord.audit.models import Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common import validation as check
from aidcoord.common.types import utcnow
from aidcoord.consent import services as consent_records
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.jobs import engine, listings, seekers
from aidcoord.jobs.models import JobListing, JobSeeker, ListingState
from aidcoord.matching import kinds, queue
from aidcoord.matching import services as matches
from aidcoord.matching.lifecycle import ACTIVE_MATCH_STATES, MatchState
from aidcoord.matching.models import Match, QueueEntry, QueueKind
from aidcoord.organizations.models import Membership


class JobKind(kinds.MatchKind):
    kind = QueueKind.JOBS
    subject_model = JobSeeker
    offer_model = JobListing
    holding_states = frozenset({MatchState.PLACED})  # a position is taken by the hire, not before
    labels: ClassVar[dict] = {MatchState.PROPOSED: _l("New"), MatchState.ACCEPTED: _l("Interview"),
                              MatchState.PLACED: _l("Hired"), MatchState.DECLINED: _l("Not selected")}
    not_found_message = _l("No such application.")
    offer_field = "listing_id"
    path = "/jobs/applications"

    capacity_field, free_field = "positions", "open_positions"

    def violations(self, seeker: JobSeeker, listing: JobListing, *, capacity: bool = True) -> list:
        return engine.violations(seeker, listing, capacity=capacity)

    def capacity_in_use_message(self, held: int):
        return ngettext("%(num)d position is filled; the listing cannot have fewer than %(num)d.",
                        "%(num)d positions are filled; the listing cannot have fewer than %(num)d.", held)

    def capacity_taken_message(self):
        return _l("No open positions are left in this listing.")

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
        if consent_records.has_withdrawn(ConsentSubject.JOB_SEEKER, seeker.id, ConsentPurpose.MESSAGES):
            return []  # the seeker withdrew their consent to messages
        return [seeker.user] if seeker.user is not None else []


KIND = kinds.register(JobKind())


def get_application(match_id: int) -> Match:
    """A job application; a housing match's or any other kind's id is not found."""
    return matches.get_match(QueueKind.JOBS, match_id)


def get_entry(entry_id: int) -> QueueEntry:
    return queue.get_entry(QueueKind.JOBS, entry_id)


def is_referral(match: Match) -> bool:
    return match.entry_id is not None


def is_employer_side(user: User | None, match: Match) -> bool:
    return listings.is_employer_side(user, KIND.offer(match.offer_id))


def shares_with_employers(seeker: JobSeeker) -> bool:
    """Employers may see what the seeker shared with them: not once the seeker withdrew that consent."""
    return not consent_records.has_withdrawn(ConsentSubject.JOB_SEEKER, seeker.id, ConsentPurpose.SHARE_WITH_EMPLOYER)


def _require_sharing(seeker: JobSeeker) -> None:
    if not shares_with_employers(seeker):
        raise consent_records.ConsentMissing(_l("The seeker withdrew their consent to share with employers; record it "
                                        "again first."))


def is_seeker_side(user: User | None, match: Match) -> bool:
    return seekers.can_manage(user, KIND.subject(match.subject_id))


def _listing_open(listing: JobListing) -> list:
    """Why the listing takes no applications; a published one with every position filled is a conflict
    (409), as a hire that finds none left."""
    if listing.state is not ListingState.PUBLISHED:
        return [_l("the listing is not open")]
    if listing.open_positions < 1:
        raise matches.CapacityExceeded(KIND.capacity_taken_message())
    return []


def apply(actor: User, seeker: JobSeeker, listing: JobListing) -> Match:
    """The seeker (or their caseworker, with them) applies; applying shares the contact."""
    if not seekers.can_manage(actor, seeker):
        raise NotFound(_l("No such job seeker."))
    _require_sharing(seeker)
    match = matches.open_match(actor, KIND, seeker, listing, consented=True, broken=_listing_open(listing),
                               **_fit(seeker, listing))
    matches.tell(KIND.answerers(listing), "application", _l("A new application"),
                 _l("Someone applied to your listing “%(title)s”.", title=listing.title), match)
    db.session.commit()
    return match


def _fit(seeker: JobSeeker, listing: JobListing) -> dict:
    fit = engine.fit(seeker, listing)
    return {"score": fit.score, "reasons": fit.reasons}


def refer(coordinator: User, entry: QueueEntry, listing_id: int) -> Match:
    """A coordinator holding the seeker's queue entry refers them to a listing. The employer sees the
    profile; the contact only once the seeker consents to this referral."""
    if entry.kind is not QueueKind.JOBS:
        raise NotFound(_l("No such queue entry."))
    if not queue.holds_lease(coordinator, entry):  # before the fit: the lease is what gives the right
        raise Conflict(_l("Take this seeker from the queue first (or your lease ran out)."))
    seeker, listing = KIND.subject(entry.subject_id), KIND.offer(listing_id)
    broken = engine.violations(seeker, listing, capacity=False) + _listing_open(listing)
    match = matches.open_match(coordinator, KIND, seeker, listing, entry=entry, broken=list(dict.fromkeys(broken)),
                               **_fit(seeker, listing))
    matches.tell(KIND.answerers(listing), "referral", _l("A coordinator referred a candidate"),
                 _l("A candidate was referred to “%(title)s”.", title=listing.title), match)
    matches.tell(KIND.subject_users(seeker), "referral", _l("You were referred to a job"),
                 _l("A coordinator referred you to “%(title)s”. Please confirm that the employer may contact you.",
                    title=listing.title), match)
    db.session.commit()
    return match


def consent(actor: User, match: Match) -> Match:
    """The seeker agrees that the employer may contact them about this referral (a caseworker may
    record the seeker's agreement on their behalf; the step records who did)."""
    if not is_seeker_side(actor, match):
        raise NotFound(_l("No such application."))
    if match.state not in ACTIVE_MATCH_STATES:
        raise Conflict(_l("This application is closed."))
    if match.consented_at is None:
        _require_sharing(KIND.subject(match.subject_id))
        match.consented_at = utcnow()
        matches.record_step(actor, match, match.state, "the seeker agreed to share their contact")
        matches.tell(KIND.answerers(KIND.offer(match.offer_id)), "consent", _l("A candidate shared their contact"),
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
    matches.move(actor, match, MatchState.ACCEPTED,
                 message=_l("Only a new application or referral can move to interview."))
    matches.tell(KIND.subject_users(KIND.subject(match.subject_id)), "interview",
                 _l("An employer invites you to an interview"), _l("Good news: the employer wants to meet you."),
                 match)
    db.session.commit()
    return match


def hire(actor: User, match: Match) -> Match:
    """Take one position; refuse when none is left. The last position closes the listing and ends
    the other applications still under way."""
    _require_employer_side(actor, match)
    if match.state is not MatchState.ACCEPTED:
        raise Conflict(_l("Interview the candidate before hiring."))
    matches.move(actor, match, MatchState.PLACED)  # none left: CapacityExceeded (409), in the kind's words
    listing = KIND.offer(match.offer_id)
    db.session.refresh(listing)
    if listing.open_positions == 0:
        listings.close_listing(actor, listing, "all positions filled", commit=False)
    matches.tell(KIND.subject_users(KIND.subject(match.subject_id)), "hired", _l("You are hired"),
                 _l("Congratulations: the employer hired you for “%(title)s”.", title=listing.title), match)
    db.session.commit()
    return match


def reject(actor: User, match: Match, reason: str) -> Match:
    _require_employer_side(actor, match, or_staff=True)
    if match.state not in ACTIVE_MATCH_STATES:
        raise Conflict(_l("This application is closed."))
    reason = check.required_text(reason, message=_l("Give the reason, for the candidate and the coordinators."))
    matches.move(actor, match, MatchState.DECLINED, reason)
    matches.tell(KIND.subject_users(KIND.subject(match.subject_id)), "rejected", _l("An application did not succeed"),
                 _l("The employer chose another candidate."), match)
    db.session.commit()
    return match


def withdraw(actor: User, match: Match, reason: str = "") -> Match:
    if not is_seeker_side(actor, match):
        raise NotFound(_l("No such application."))
    if match.state not in ACTIVE_MATCH_STATES:
        raise Conflict(_l("This application is closed."))
    errors = check.FieldErrors()
    reason = check.text(errors, "reason", reason, 2000) or ""  # check.text never returns None
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    matches.move(actor, match, MatchState.WITHDRAWN, reason or None)
    matches.tell(KIND.answerers(KIND.offer(match.offer_id)), "withdrawn", _l("A candidate withdrew"),
                 _l("A candidate withdrew their application."), match)
    db.session.commit()
    return match


def for_listing(viewer: User, listing: JobListing) -> list[Match]:
    if not (viewer.is_staff or listings.is_employer_side(viewer, listing)):
        raise PermissionDenied()
    return matches.matches_for_offer(QueueKind.JOBS, listing.id)


def for_seeker(viewer: User, seeker: JobSeeker) -> list[Match]:
    if not seekers.can_manage(viewer, seeker):
        raise NotFound(_l("No such job seeker."))
    return matches.matches_for_subject(QueueKind.JOBS, seeker.id)


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
    # involvement() refused anyone not signed in: a viewer who gets here is never None.
    if viewer is not None and (seeker_side or (match.consented_at is not None and shares_with_employers(seeker))):
        contact = seekers.contact(viewer, seeker, ServedBy(Purpose.APPLICATION, matches.ENTITY, match.id),
                                  organization_id=listing.organization_id)
    return {"match": match, "listing": listing, "seeker": seeker, "contact": contact,
            "employer_side": employer_side, "seeker_side": seeker_side}

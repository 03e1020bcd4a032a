"""Housing as a kind of match: households take beds in housing offers.

proposed (by a coordinator, beds taken at once) -> accepted (by the host) -> placed (moved in) -> ended,
or declined / expired, after which the household is back in the queue in its original place.
The host sees the household's name and phone from acceptance (see housing.privacy)."""
from datetime import timedelta
from functools import cache
from typing import ClassVar, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Select, Table, Update, bindparam, case, not_, select, true, update
from sqlalchemy.orm import joinedload, lazyload, load_only

from aidcoord.accounts.models import User
from aidcoord.common import validation as check
from aidcoord.common.sql import autoflush, commit_keeping
from aidcoord.common.types import today as local_today
from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import compatibility, engine
from aidcoord.housing.contact import tell_household_contact
from aidcoord.housing.models import Household, HousingOffer, VettingState, WelfareCheck
from aidcoord.housing.offers import host_is_suspended
from aidcoord.matching import kinds, queue
from aidcoord.matching import services as matches
from aidcoord.matching.lifecycle import MatchState
from aidcoord.matching.models import Match, QueueEntry, QueueKind
from aidcoord.organizations.models import Membership


# The capacity UPDATEs, built once (their values are parameters): building one and its cache key costs more Python
# than PostgreSQL takes to run it, at every proposal and decline. On the tables' columns: Core statements, without
# the ORM's bulk UPDATE around them (they change no object; its statement and cache key were made anew each time).
@cache
def _taking_beds() -> Update:
    offers = cast(Table, HousingOffer.__table__)
    columns = offers.c
    people = bindparam("people", type_=columns.free_beds.type)
    held = case((columns.whole_dwelling.is_(True), columns.beds), else_=people)
    return (update(offers)
            .where(columns.id == bindparam("offer_id"), columns.vetting_state == VettingState.VERIFIED,
                   columns.free_beds >= people,
                   (columns.whole_dwelling.is_(False)) | (columns.free_beds == columns.beds),
                   (columns.host_id.is_(None)) | not_(host_is_suspended(columns.host_id)))
            .values(free_beds=columns.free_beds - held)
            .returning(columns.beds, columns.whole_dwelling))


@cache
def _giving_beds_back() -> Update:
    # Its bindparams named apart from those of the statements it is written with (audit.add_event's `along`).
    offers = cast(Table, HousingOffer.__table__)
    return (update(offers).where(offers.c.id == bindparam("released_offer_id"))
            .values(free_beds=offers.c.free_beds + bindparam("released_beds", type_=offers.c.free_beds.type)))


# What a proposal reads of the household and the offer: the compatibility rules and preferences, the capacity
# asked, who is told and by which channel. Neither organization is read (their joined loads are left out); a column
# not listed here is still loaded when something reads it, by one more SELECT. Built once, the ids parameters:
# building a query with its loader options and its cache key costs more Python than PostgreSQL takes to run it.
_PROPOSAL_HOUSEHOLD_COLUMNS = (
    Household.size, Household.preferred_regions, Household.region_required, Household.pets,
    Household.step_free_needed, Household.children, Household.stay_days, Household.needed_from, Household.languages,
    Household.consent_to_share, Household.user_id, Household.preferred_channel, Household.telegram_chat_id,
    Household.contact_phone)
_PROPOSAL_OFFER_COLUMNS = (
    HousingOffer.host_id, HousingOffer.organization_id, HousingOffer.region, HousingOffer.beds, HousingOffer.free_beds,
    HousingOffer.whole_dwelling, HousingOffer.available_from, HousingOffer.available_until,
    HousingOffer.max_stay_days, HousingOffer.rent_minor, HousingOffer.meals_included, HousingOffer.step_free,
    HousingOffer.pets_accepted, HousingOffer.children_welcome, HousingOffer.languages, HousingOffer.vetting_state)


@cache
def _household_and_offer() -> Select:
    # One statement for both (a row each, joined ON true; no row: either is missing, the same 404). The host comes
    # joined, to be told of proposals; their role grants are not needed, so not read with it.
    return (select(Household, HousingOffer).join(HousingOffer, true())
            .where(Household.id == bindparam("household_id"), HousingOffer.id == bindparam("offer_id"))
            .options(load_only(*_PROPOSAL_HOUSEHOLD_COLUMNS), lazyload(Household.organization),
                     load_only(*_PROPOSAL_OFFER_COLUMNS), joinedload(HousingOffer.host).lazyload(User.role_grants),
                     lazyload(HousingOffer.organization)))


class HousingKind(kinds.MatchKind):
    kind = QueueKind.HOUSING
    subject_model = Household
    offer_model = HousingOffer
    holding_states = frozenset({MatchState.PROPOSED, MatchState.ACCEPTED, MatchState.PLACED})
    answer_hours_setting = "PROPOSAL_ANSWER_HOURS"
    labels: ClassVar[dict] = {MatchState.PLACED: _l("Moved in"), MatchState.ENDED: _l("Stay ended")}
    not_found_message = _l("No such match.")
    path = "/housing/matches"
    capacity_field, free_field = "beds", "free_beds"

    def offer(self, offer_id: int) -> HousingOffer:
        # The host comes joined, to be told of proposals; their role grants are not needed, so not read with it.
        offer = db.session.get(HousingOffer, offer_id,
                               options=[joinedload(HousingOffer.host).lazyload(User.role_grants)])
        if offer is None:
            raise NotFound()
        return offer

    def for_proposal(self, household_id: int, offer_id: int) -> tuple[Household, HousingOffer]:
        """The household and the offer (with its host) as a proposal reads them, by one statement; 404 when
        either is missing."""
        row = db.session.execute(_household_and_offer(),
                                 {"household_id": household_id, "offer_id": offer_id}).first()
        if row is None:
            raise NotFound()
        return row[0], row[1]

    def people(self, household: Household) -> int:
        return household.size

    def violations(self, household: Household, offer: HousingOffer, *, capacity: bool = True) -> list:
        # Without capacity (a proposal, whose beds `reserve` then takes), the host is not looked up: reserve's UPDATE
        # refuses a suspended host's offer itself and reserve_refusals words it. A proposal refused for other reasons
        # names a suspension too.
        broken = compatibility.violations(household, offer, capacity=capacity, host_checked=not capacity)
        return broken + self.reserve_refusals(offer.id) if broken and not capacity else broken

    def reserve_refusals(self, offer_id: int) -> list:
        suspended = host_is_suspended(select(HousingOffer.host_id).where(HousingOffer.id == offer_id)
                                      .scalar_subquery())
        return [_l("the host is suspended")] if db.session.scalar(select(suspended)) else []

    def capacity_in_use_message(self, held: int):
        return ngettext("%(num)d bed is taken or promised; the offer cannot have fewer than %(num)d.",
                        "%(num)d beds are taken or promised; the offer cannot have fewer than %(num)d.", held)

    def capacity_taken_message(self):
        return _l("Not enough free beds are left in this offer: they are taken or promised to others.")

    def reserve(self, offer_id: int, people: int) -> int | None:
        """One conditional UPDATE: enough free beds (all of them for a whole dwelling), verified,
        host not suspended. The CHECK free_beds >= 0 backs it up in the database."""
        autoflush()  # a Core statement: an offer changed in this transaction is written first, as before an ORM one
        row = db.session.execute(_taking_beds(), {"offer_id": offer_id, "people": people}).first()
        if row is None:
            return None
        return int(row.beds) if row.whole_dwelling else people

    def release(self, offer_id: int, held: int) -> None:
        db.session.execute(*self.giving_back(offer_id, held))

    def giving_back(self, offer_id: int, held: int) -> tuple[Update, dict]:
        return _giving_beds_back(), {"released_offer_id": offer_id, "released_beds": held}

    def answerers(self, offer: HousingOffer) -> list[User]:
        if offer.host is not None:
            return [offer.host]
        members = select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.organization_id == offer.organization_id)
        return list(db.session.scalars(members))

    def offer_ids_answered_by(self, user: User) -> list[int]:
        member_of = select(Membership.organization_id).where(Membership.user_id == user.id)
        query = select(HousingOffer.id).where((HousingOffer.host_id == user.id) |
                                              HousingOffer.organization_id.in_(member_of))
        return list(db.session.scalars(query))

    def subject_users(self, household: Household) -> list[User]:
        user = db.session.get(User, household.user_id) if household.user_id else None
        if consent.has_withdrawn(ConsentSubject.HOUSEHOLD, household.id, ConsentPurpose.MESSAGES):
            return []  # the household withdrew its consent to messages
        return [user] if user is not None else []

    def after_placed(self, match: Match) -> None:
        """Welfare check-ins on the configured days after move-in."""
        moved_in_on = local_today()
        for days in current_app.config["WELFARE_CHECK_DAYS"]:
            db.session.add(WelfareCheck(match_id=match.id, due_on=moved_in_on + timedelta(days=days)))

    def after_expired(self, match: Match) -> None:
        tell_household_contact(self.subject(match.subject_id), "expiry", _l("A proposal expired"),
                               _l("The host did not answer in time. Your household keeps its place in the queue."))


KIND = HousingKind()
kinds.register(KIND)


def get_match(match_id: int) -> Match:
    """A housing match; a job application's or any other kind's id is not found."""
    return matches.get_match(QueueKind.HOUSING, match_id)


def get_entry(entry_id: int) -> QueueEntry:
    return queue.get_entry(QueueKind.HOUSING, entry_id)


def household_of(entry: QueueEntry) -> Household:
    return KIND.subject(entry.subject_id)


def with_households(entries) -> list[tuple]:
    """(entry, household) pairs for a page of the queue, in one query."""
    ids = [entry.subject_id for entry in entries]
    by_id = {h.id: h for h in db.session.scalars(select(Household).where(Household.id.in_(ids)))} if ids else {}
    return [(entry, by_id[entry.subject_id]) for entry in entries]


def propose_offer(coordinator: User, entry: QueueEntry, offer_id: int) -> Match:
    """Propose an offer for the entry the coordinator holds, with the engine's score and reasons; the
    beds are taken at once, so a bed is never proposed twice, however many coordinators act at once."""
    if not coordinator.is_staff:
        raise PermissionDenied()
    if entry.kind is not QueueKind.HOUSING:
        raise Conflict(_l("No such queue entry."))
    household, offer = KIND.for_proposal(entry.subject_id, offer_id)
    fit = engine.preference_score(household, offer)
    match = matches.open_match(coordinator, KIND, household, offer, entry=entry, score=fit.score,
                               reasons=fit.reasons)
    # Each message is one INSERT that holds its consent look-up (notifications.services).
    matches.tell(KIND.answerers(offer), "proposal", _l("A new proposal is waiting for your answer"),
                 _l("A coordinator proposes a match for your offer. Please accept or decline."), match)
    tell_household_contact(household, "proposal", _l("A home was proposed for your household"),
                           _l("A coordinator proposed a home for your household. We will tell you when the host "
                              "answers."))
    commit_keeping(match, entry, coordinator)  # as written: the next step (accept, decline) reads none again
    return match


def accept(actor: User, match: Match) -> Match:
    """The offer's side accepts; the household's contact is now shown to them."""
    if not matches.is_answerer(actor, match):
        raise PermissionDenied()
    if matches.settle_if_expired(match):
        db.session.commit()
        raise Conflict(_l("This proposal expired; the request went back to the queue."))
    # Accepting shows the household's contact to the host: only while the household agrees to share it.
    consent.require_consent(ConsentSubject.HOUSEHOLD, match.subject_id, ConsentPurpose.SHARE_WITH_HOST)
    matches.move(actor, match, MatchState.ACCEPTED, message=_l("Only a proposed match can be accepted."))
    proposer_id = match.steps[0].actor_id if match.steps else None
    people = [db.session.get(User, proposer_id)] if proposer_id else []
    matches.tell(people + KIND.subject_users(KIND.subject(match.subject_id)), "acceptance",
                 _l("A proposal was accepted"), _l("The host accepted the proposal. Next: arrange the move-in."),
                 match)
    tell_household_contact(KIND.subject(match.subject_id), "acceptance", _l("A proposal was accepted"),
                           _l("The host accepted the proposal. Your caseworker will contact you about the move-in."))
    db.session.commit()
    return match


def decline(actor: User, match: Match, reason: str) -> Match:
    """The offer's side declines, with a reason; the request keeps its place in the queue."""
    if not actor.is_staff and not matches.is_answerer(actor, match):  # staff first: no loading of the offer
        raise PermissionDenied()
    if match.state is not MatchState.PROPOSED:
        raise Conflict(_l("Only a proposed match can be declined."))
    reason = check.required_text(reason, message=_l("Give the reason for declining."))
    matches.move(actor, match, MatchState.DECLINED, reason)
    commit_keeping(match, match.entry, actor)
    return match


def move_in(actor: User, match: Match) -> Match:
    """Confirmed by a coordinator or the offer's side."""
    if not (actor.is_staff or matches.is_answerer(actor, match)):
        raise PermissionDenied()
    if match.state is not MatchState.ACCEPTED:
        raise Conflict(_l("Only an accepted match can move in."))
    matches.move(actor, match, MatchState.PLACED)
    db.session.commit()
    return match


def end(actor: User, match: Match, reason: str) -> Match:
    """The stay is over (or an accepted match falls through): the beds return to the offer."""
    if not (actor.is_staff or matches.is_answerer(actor, match)):
        raise PermissionDenied()
    if match.state not in (MatchState.ACCEPTED, MatchState.PLACED):
        raise Conflict(_l("Only an accepted or moved-in match can end."))
    errors = check.FieldErrors()
    reason = check.text(errors, "reason", reason, 2000) or ""  # check.text never returns None
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    if match.state is MatchState.ACCEPTED:
        matches.move(actor, match, MatchState.DECLINED, reason or "fell through before move-in")
    else:
        matches.move(actor, match, MatchState.ENDED, reason or None)
    db.session.commit()
    return match

"""What a kind of match declares, once: what is matched to what, how capacity is taken and given back,
who answers, which contact is revealed to whom and when, and its words for the shared states.

Housing, jobs and volunteer shifts each subclass `MatchKind` in their own slice and `register` one
instance; matching's services, queue and endpoints work from this declaration only.
"""
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l

from aidcoord.errors import NotFound
from aidcoord.extensions import db
from aidcoord.matching.lifecycle import MATCH_LABELS, MatchState
from aidcoord.matching.models import STATE_LABELS, QueueKind


class MatchKind:
    """A kind of match. Subclasses set the class attributes and implement the capacity and people hooks."""

    kind: ClassVar[QueueKind]
    subject_model: ClassVar[Any]  # who is matched: household, job seeker, volunteer
    offer_model: ClassVar[Any]  # to what: housing offer, job listing, shift
    # The states in which a match holds capacity in its offer: entering one takes it (one conditional
    # UPDATE, refused when none is left), leaving them all gives it back.
    holding_states: ClassVar[frozenset[MatchState]]
    # When the offer's side sees the person's contact: from acceptance (housing), or as soon as the person
    # agreed to share it with this offer (jobs: applying, or consenting to a referral).
    contact_shown_from: ClassVar[frozenset[MatchState]] = frozenset({MatchState.ACCEPTED, MatchState.PLACED})
    # Hours a proposal waits for an answer before it expires (None: it does not expire).
    answer_hours_setting: ClassVar[str | None] = None
    labels: ClassVar[dict[MatchState, Any]] = {}
    not_found_message: ClassVar[Any] = _l("No such match.")
    offer_field: ClassVar[str] = "offer_id"  # the input field naming the offer, for per-field errors
    path: ClassVar[str] = ""  # where a match is shown: f"{path}/{match.id}" (a path: the CLI has no request)

    # ---- records, loaded by kind: an id of another kind is simply not found ----
    def subject(self, subject_id: int) -> Any:
        subject = db.session.get(self.subject_model, subject_id)
        if subject is None:
            raise NotFound()
        return subject

    def offer(self, offer_id: int) -> Any:
        offer = db.session.get(self.offer_model, offer_id)
        if offer is None:
            raise NotFound()
        return offer

    def people(self, subject: Any) -> int:
        """How many people the match is for (capacity units asked)."""
        return 1

    # ---- capacity ----
    def reserve(self, offer_id: int, people: int) -> int | None:
        """Take capacity in one conditional UPDATE; the units held, or None if there is not enough."""
        raise NotImplementedError

    def release(self, offer_id: int, held: int) -> None:
        """Give back `held` units (in the caller's transaction)."""
        raise NotImplementedError

    # ---- rules and people ----
    def violations(self, subject: Any, offer: Any) -> list:
        """Hard constraints the offer breaks for this subject (empty: compatible)."""
        return []

    def answerers(self, offer: Any) -> list:
        """Who accepts or declines proposals for this offer."""
        raise NotImplementedError

    def offer_ids_answered_by(self, user: Any) -> list[int]:
        raise NotImplementedError

    def subject_users(self, subject: Any) -> list:
        """Accounts of the people matched (told when their match moves)."""
        return []

    def after_placed(self, match: Any) -> None:
        """Kind-specific follow-up in the same transaction (housing schedules welfare check-ins)."""

    def label(self, state: MatchState) -> Any:
        return self.labels.get(state, MATCH_LABELS[state])

    def link(self, match: Any) -> str:
        return f"{self.path}/{match.id}"


KINDS: dict[QueueKind, MatchKind] = {}


def register(implementation: MatchKind) -> MatchKind:
    KINDS[implementation.kind] = implementation
    STATE_LABELS[implementation.kind] = implementation.label
    return implementation


def of(kind: QueueKind) -> MatchKind:
    return KINDS[kind]

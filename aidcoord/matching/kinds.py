"""What a kind of match declares, once: what is matched to what, how capacity is taken and given back,
who answers, which contact is revealed to whom and when, and its words for the shared states.

Housing, jobs and volunteer shifts each subclass `MatchKind` in their own slice and `register` one
instance; matching's services, queue and endpoints work from this declaration only.
"""
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from aidcoord.common.sql import rows_changed
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
    # The offer's capacity as columns: its total (beds, positions, slots) and either the units still
    # free (`free_field`) or the units in use (`used_field`). Changing the total is written once, from
    # these, in `resize`.
    capacity_field: ClassVar[str]
    free_field: ClassVar[str | None] = None
    used_field: ClassVar[str | None] = None

    def _held_units(self) -> Any:
        """SQL expression: the units taken or promised (held by matches) in an offer."""
        model = self.offer_model
        if self.free_field is not None:
            return getattr(model, self.capacity_field) - getattr(model, self.free_field)
        return getattr(model, str(self.used_field))

    def resize(self, offer_id: int, total: int) -> bool:
        """Set the offer's capacity to `total` in one conditional UPDATE that refuses (False) a total
        below the units held; the free units follow the total (raising it frees the extra units). The
        condition and the new free count are read from the row being written, so it holds against
        matches taking capacity at the same moment by their own conditional UPDATE."""
        model = self.offer_model
        capacity = getattr(model, self.capacity_field)
        values: dict[str, Any] = {self.capacity_field: total}
        if self.free_field is not None:  # SET reads the row's old values: free + (new total - old total)
            values[self.free_field] = getattr(model, self.free_field) + (total - capacity)
        statement = update(model).where(model.id == offer_id, self._held_units() <= total).values(**values)
        return rows_changed(statement) == 1

    def held_units(self, offer_id: int) -> int:
        """The units taken or promised in the offer now (for messages; 0 for an unknown offer)."""
        held = db.session.scalar(select(self._held_units()).where(self.offer_model.id == offer_id))
        return int(held or 0)

    def capacity_in_use_message(self, held: int) -> Any:
        """Why the capacity cannot go below `held`, in the kind's words."""
        raise NotImplementedError

    def capacity_taken_message(self) -> Any:
        """Why a match found no free unit (another took it), in the kind's words."""
        return _l("Not enough free places are left in this offer.")

    def reserve(self, offer_id: int, people: int) -> int | None:
        """Take capacity in one conditional UPDATE; the units held, or None if there is not enough."""
        raise NotImplementedError

    def release(self, offer_id: int, held: int) -> None:
        """Give back `held` units (in the caller's transaction)."""
        raise NotImplementedError

    def giving_back(self, offer_id: int, held: int) -> tuple[Any, dict[str, Any]] | None:
        """`release` as an UPDATE and its values, for a transition to write with its step's audit event (its
        bindparams named apart from theirs: audit.add_event's `along`); None: the kind releases by `release`."""
        return None

    def reserve_refusals(self, offer_id: int) -> list:
        """Why `reserve` refused other than a lack of free units, in words (its UPDATE checks more than capacity,
        e.g. a suspended host); empty: the units were taken. Asked only after a refusal."""
        return []

    # ---- rules and people ----
    def violations(self, subject: Any, offer: Any, *, capacity: bool = True) -> list:
        """Hard constraints the offer breaks for this subject (empty: compatible). `capacity=False`
        leaves out whether free units are left: a read that another request may have overtaken, so
        the conditional UPDATE that takes them decides (409 when another request took them)."""
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

    def after_expired(self, match: Any) -> None:
        """Kind-specific follow-up of an expired proposal, same transaction (housing tells a household without
        an account by its channel)."""

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

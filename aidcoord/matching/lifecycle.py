"""The one lifecycle every kind of match shares (housing, jobs, volunteer shifts), as transition tables.

A request waits in the queue, is leased to one coordinator, gets a proposal; the offer's side accepts or
declines, the person may withdraw, an unanswered proposal expires; an accepted match is taken up
(placed: moved in, hired, attended) and later ends. Kinds name these states in their own words
(`MatchKind.labels`) but never add states or transitions of their own: a state change that is not in
these tables is refused with 409, whatever the kind.
"""
import enum

from flask_babel import lazy_gettext as _l

from aidcoord.errors import Conflict


class EntryState(enum.Enum):
    """WAITING entries are in the queue; LEASED ones are with one coordinator until the lease ends;
    PROPOSED ones have a match under way; PLACED and CLOSED have left the queue."""

    WAITING = "waiting"
    LEASED = "leased"
    PROPOSED = "proposed"
    PLACED = "placed"
    CLOSED = "closed"

    @property
    def label(self):
        return ENTRY_LABELS[self]


ENTRY_LABELS = {
    EntryState.WAITING: _l("Waiting"), EntryState.LEASED: _l("Being matched"),
    EntryState.PROPOSED: _l("Proposal sent"), EntryState.PLACED: _l("Placed"), EntryState.CLOSED: _l("Closed"),
}


class MatchState(enum.Enum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    PLACED = "placed"
    ENDED = "ended"

    @property
    def label(self):
        return MATCH_LABELS[self]


MATCH_LABELS = {
    MatchState.PROPOSED: _l("Proposed"), MatchState.ACCEPTED: _l("Accepted"), MatchState.DECLINED: _l("Declined"),
    MatchState.EXPIRED: _l("Expired"), MatchState.WITHDRAWN: _l("Withdrawn"), MatchState.PLACED: _l("Placed"),
    MatchState.ENDED: _l("Ended"),
}

# Where a match may go from each state. Terminal states have no entry.
MATCH_TRANSITIONS: dict[MatchState, frozenset[MatchState]] = {
    MatchState.PROPOSED: frozenset({MatchState.ACCEPTED, MatchState.DECLINED, MatchState.EXPIRED,
                                    MatchState.WITHDRAWN}),
    # An accepted match may still fall through (declined), be withdrawn, or not be taken up in time
    # (expired: a volunteer who did not come); otherwise it is taken up.
    MatchState.ACCEPTED: frozenset({MatchState.PLACED, MatchState.DECLINED, MatchState.EXPIRED,
                                    MatchState.WITHDRAWN}),
    MatchState.PLACED: frozenset({MatchState.ENDED}),
}

# Still under way: at most one such match per person and offer, and the queue entry stays PROPOSED.
ACTIVE_MATCH_STATES = frozenset({MatchState.PROPOSED, MatchState.ACCEPTED})
# Ended without being taken up: the person goes back to the queue, in the original place.
UNSUCCESSFUL_STATES = frozenset({MatchState.DECLINED, MatchState.EXPIRED, MatchState.WITHDRAWN})

ENTRY_TRANSITIONS: dict[EntryState, frozenset[EntryState]] = {
    EntryState.WAITING: frozenset({EntryState.LEASED, EntryState.PROPOSED, EntryState.CLOSED}),
    EntryState.LEASED: frozenset({EntryState.WAITING, EntryState.LEASED, EntryState.PROPOSED, EntryState.CLOSED}),
    EntryState.PROPOSED: frozenset({EntryState.WAITING, EntryState.PLACED, EntryState.CLOSED}),
    # Settled entries come back only through rejoin (a new request joins at the back).
    EntryState.PLACED: frozenset({EntryState.CLOSED}),
    EntryState.CLOSED: frozenset(),
}


def can_move(current: MatchState, target: MatchState) -> bool:
    return target in MATCH_TRANSITIONS.get(current, frozenset())


def check_move(current: MatchState, target: MatchState, message=None) -> None:
    """Refuse (409) a match transition the table does not allow."""
    if not can_move(current, target):
        raise Conflict(message or _l("This match is %(state)s; it cannot become %(target)s.",
                                     state=current.value, target=target.value))


def check_entry_move(current: EntryState, target: EntryState, message=None) -> None:
    """Refuse (409) a queue-entry transition the table does not allow."""
    if target not in ENTRY_TRANSITIONS[current]:
        raise Conflict(message or _l("This request is %(state)s in the queue; it cannot become %(target)s.",
                                     state=current.value, target=target.value))


# Reasons the system itself writes on a step, a decline or a listing's review note. They are stored as these
# English words (older rows too) and worded in the reader's language where shown; what a person typed is shown
# as typed.
SYSTEM_REASONS = {
    "no answer in time": _l("no answer in time"),
    "closing date passed": _l("closing date passed"),
    "all positions filled": _l("all positions filled"),
    "the seeker agreed to share their contact": _l("the seeker agreed to share their contact"),
}


def reason_text(reason: str | None) -> str:
    """A step's (or a note's) reason in the reader's language when the system wrote it; as typed otherwise."""
    return str(SYSTEM_REASONS.get(reason or "", reason or ""))

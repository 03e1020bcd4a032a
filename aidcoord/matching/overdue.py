"""Proposals past their answer time are expired before a queue is read or taken from, so that nobody is shown as
proposed to an offer that no longer holds them (matching.services.expire_overdue; cron runs `flask match expire`
as well, and accepting a proposal checks its time itself).

Asking the database at every read cost a statement and a round trip per read (a sixth of reading the housing queue)
and almost always found nothing. So each process remembers until when nothing can be overdue: the earliest answer
time of the open proposals, and no later than the shortest answer window from when it looked. A proposal made
since, by any process on any node, is due no sooner than that. The margin covers a proposal being written while the
process looked (not yet visible to it) and clocks that differ a little between nodes. What the reasoning cannot
cover (a node configured with a shorter answer window during a rolling change, a clock further off) is bounded by
looking again at least every LOOK_AT_LEAST_EVERY, and at once when the clock went back.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.matching import kinds
from aidcoord.matching import services as matches
from aidcoord.matching.lifecycle import MatchState
from aidcoord.matching.models import Match

MARGIN = timedelta(minutes=5)
LOOK_AT_LEAST_EVERY = timedelta(minutes=10)
# In app.extensions, per app and process: (when it looked, until when nothing can be overdue).
_QUIET_UNTIL = "aidcoord_nothing_overdue_until"
_EARLIEST_ANSWER_TIME = select(func.min(Match.expires_at)).where(Match.state == MatchState.PROPOSED)


def expire_before_reading() -> None:
    """Expire the overdue proposals, unless none can be overdue yet."""
    now = utcnow()
    looked_at, quiet_until = current_app.extensions.get(_QUIET_UNTIL, (None, None))
    if quiet_until is not None and looked_at <= now < quiet_until:
        return
    matches.expire_overdue()
    earliest = db.session.scalar(_EARLIEST_ANSWER_TIME)
    window = _shortest_answer_window()
    horizon = now + (LOOK_AT_LEAST_EVERY if window is None else min(window - MARGIN, LOOK_AT_LEAST_EVERY))
    current_app.extensions[_QUIET_UNTIL] = (now, horizon if earliest is None else min(earliest, horizon))


def _shortest_answer_window() -> timedelta | None:
    """The shortest time a new proposal has to be answered in, of the kinds whose proposals expire (None: none)."""
    hours = [current_app.config[kind.answer_hours_setting] for kind in kinds.KINDS.values()
             if kind.answer_hours_setting and current_app.config[kind.answer_hours_setting]]
    return timedelta(hours=min(hours)) if hours else None

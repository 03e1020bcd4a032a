"""Proposals past their answer time are expired before a queue is read or taken from, so that nobody is shown as
proposed to an offer that no longer holds them (matching.services.expire_overdue; the worker expires them on its
schedule as well).

Asking the database at every read cost a statement and a round trip per read (a sixth of reading the housing queue)
and almost always found nothing. So each process remembers until when nothing can be overdue: the earliest answer
time of the open proposals, and no later than the shortest answer window from when it looked. A proposal made
since, by any process on any node, is due no sooner than that. The margin covers a proposal being written while the
process looked (not yet visible to it) and clocks that differ between nodes.
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
NO_WINDOW = timedelta(days=1)  # no kind's proposals expire: look again once a day all the same
_QUIET_UNTIL = "aidcoord_nothing_overdue_until"  # in app.extensions: one value per app and process
_EARLIEST_ANSWER_TIME = select(func.min(Match.expires_at)).where(Match.state == MatchState.PROPOSED)


def expire_before_reading() -> None:
    """Expire the overdue proposals, unless none can be overdue yet."""
    now = utcnow()
    quiet_until = current_app.extensions.get(_QUIET_UNTIL)
    if quiet_until is not None and now < quiet_until:
        return
    matches.expire_overdue()
    earliest = db.session.scalar(_EARLIEST_ANSWER_TIME)
    horizon = now + _shortest_answer_window() - MARGIN
    current_app.extensions[_QUIET_UNTIL] = horizon if earliest is None else min(earliest, horizon)


def _shortest_answer_window() -> timedelta:
    """The shortest time a new proposal has to be answered in, of the kinds whose proposals expire at all."""
    hours = [current_app.config[kind.answer_hours_setting] for kind in kinds.KINDS.values()
             if kind.answer_hours_setting and current_app.config[kind.answer_hours_setting]]
    return timedelta(hours=min(hours)) if hours else NO_WINDOW

"""Small SQL helpers every slice uses."""
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Executable, select
from sqlalchemy.orm import InstrumentedAttribute

from aidcoord.common.types import utcnow
from aidcoord.extensions import db


def rows_changed(statement: Executable) -> int:
    """Run a conditional UPDATE (or DELETE) and say how many rows it changed: the guard of every capacity
    take, where 0 means another request got there first. (Session.execute is typed for any statement;
    a data-changing one returns a CursorResult, which has the row count.)"""
    result = cast(CursorResult[Any], db.session.execute(statement, execution_options={"synchronize_session": False}))
    return result.rowcount


def seconds_until_allowed(created_at: InstrumentedAttribute, *conditions: ColumnElement[bool], limit: int,
                          window: timedelta = timedelta(days=1)) -> int | None:
    """A sliding-window limit on rows created (registrations, invitations): None while fewer than `limit`
    rows matching `conditions` were created within `window`, else the seconds until the oldest of the last
    `limit` leaves the window (for Retry-After)."""
    now = utcnow()
    recent = db.session.scalars(select(created_at).where(*conditions, created_at >= now - window)
                                .order_by(created_at.desc()).limit(limit)).all()
    if len(recent) < limit:
        return None
    return int((recent[-1] + window - now).total_seconds()) + 1

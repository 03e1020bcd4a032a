"""Small SQL helpers every slice uses."""
from typing import Any, cast

from sqlalchemy import CursorResult, Executable

from aidcoord.extensions import db


def rows_changed(statement: Executable) -> int:
    """Run a conditional UPDATE (or DELETE) and say how many rows it changed: the guard of every capacity
    take, where 0 means another request got there first. (Session.execute is typed for any statement;
    a data-changing one returns a CursorResult, which has the row count.)"""
    result = cast(CursorResult[Any], db.session.execute(statement, execution_options={"synchronize_session": False}))
    return result.rowcount

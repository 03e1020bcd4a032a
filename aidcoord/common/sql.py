"""Small SQL helpers every slice uses."""
from datetime import timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Column, ColumnElement, CursorResult, Executable, func, inspect, select
from sqlalchemy.orm import InstrumentedAttribute

from aidcoord.common.types import utcnow
from aidcoord.extensions import db


def filter_shape(**values: Any) -> tuple[frozenset[str], dict[str, Any]]:
    """The names of the filters given (neither None nor empty), which is the shape of a list's statement, and the
    values for its bindparams. A list builds its statement once per shape (functools.cache) with each given filter
    compared with a bindparam of the filter's name: a page read then costs no statement building nor cache key
    (common.pagination.paginate)."""
    return frozenset(name for name, value in values.items() if value is not None and value != ""), values


LIKE_ESCAPE = "/"  # the escape character of a LIKE pattern made by escaped_for_like


def escaped_for_like(text: str) -> str:
    """`text` as a LIKE pattern (with ESCAPE LIKE_ESCAPE) matches it literally, for a pattern bound as a parameter:
    what SQLAlchemy's `autoescape` does for a literal, which a statement built once cannot hold."""
    return text.replace(LIKE_ESCAPE, 2 * LIKE_ESCAPE).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def rows_changed(statement: Executable, parameters: dict[str, Any] | None = None) -> int:
    """Run a conditional UPDATE (or DELETE), with `parameters` for its bindparams, and say how many rows it changed:
    the guard of every capacity take, where 0 means another request got there first. (Session.execute is typed for
    any statement; a data-changing one returns a CursorResult, which has the row count.)"""
    result = cast(CursorResult[Any], db.session.execute(statement, parameters,
                                                        execution_options={"synchronize_session": False}))
    return result.rowcount


def autoflush() -> None:
    """Write the session's pending changes, as it does before an ORM statement (unless autoflush is off, as in
    `no_autoflush`): for a Core statement on a table's columns, which the session runs without its autoflush."""
    session = db.session()
    if session.autoflush:
        session.flush()


def commit_keeping(*records: Any) -> None:
    """Commit, then give `records` back the column values they held: those are what this transaction just wrote
    or read back (RETURNING), so the next use needs no SELECT to learn them again. Everything else is expired by
    the commit as always (rows changed by bulk UPDATEs, other requests' changes)."""
    session = db.session()
    session.flush()
    kept = []
    for record in records:
        if record is not None:
            state = inspect(record)
            columns = _column_keys(state.mapper)
            kept.append((state, {key: value for key, value in state.dict.items() if key in columns}))
    session.commit()
    for state, values in kept:
        # What set_committed_value does for each value, once for the record: a dozen values a record, three records
        # at every step of the queue, cost more Python through the attributes one at a time than the commit itself.
        state.dict.update(values)
        state._commit(state.dict, values)


@cache
def _column_keys(mapper: Any) -> frozenset[str]:
    """The attributes that are the record's own table columns: not a SQL expression read with it (a list's
    `query_expression`, such as Need.listed_organization_name), which the commit expires as it should."""
    return frozenset(attribute.key for attribute in mapper.column_attrs
                     if all(isinstance(column, Column) for column in attribute.columns))


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


def assign_ids(records: list[Any]) -> None:
    """Give new ORM records of one model their ids from the table's sequence in one query (PostgreSQL), so that
    their INSERTs need no RETURNING and go as one pipelined executemany; elsewhere the flush assigns them."""
    pending = [record for record in records if record.id is None]
    if not pending or db.session.get_bind().dialect.name != "postgresql":
        return
    table = type(pending[0]).__table__
    ids = db.session.scalars(select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))
                             .select_from(func.generate_series(1, len(pending)))).all()
    # Columns with a server default get their Python default now: else the flush asks for them back (RETURNING).
    filled = [(column.key, column.default.arg) for column in table.columns
              if column.server_default is not None and column.default is not None and column.default.is_scalar]
    for record, record_id in zip(pending, ids, strict=True):
        record.id = record_id
        for key, value in filled:
            if getattr(record, key) is None:
                setattr(record, key, value)


def reserve_ids(model: Any, count: int) -> list[int] | None:
    """`count` ids of `model`'s table taken from its sequence in one query (PostgreSQL), for rows written in bulk
    that refer to each other; None where ids come only from the INSERT (SQLite)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    table = model.__table__
    return list(db.session.scalars(select(func.nextval(func.pg_get_serial_sequence(table.name, "id")))
                                   .select_from(func.generate_series(1, count))))

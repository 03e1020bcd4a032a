"""Writing many rows at once (an import of 100,000 households): PostgreSQL's COPY, the values made exactly as an
INSERT through SQLAlchemy would make them (the columns' Python defaults, then each type's bind processing), so the
rows are the same whichever way they went in."""
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from blinker import Namespace
from sqlalchemy import Connection, Enum, Table, insert

from aidcoord.extensions import db

# Sent with (model, ids=[...]) after insert_records wrote new records past the ORM (whose flush events do not see
# them): what the ORM flush would have triggered listens here too (privacy.retention dates the new records).
records_inserted = Namespace().signal("records-inserted")


def insert_records(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new records of `model` (rows as for insert_rows) in the session's transaction and announce them
    (records_inserted); their ids, in the rows' order. Rows that carry their ids (common.sql.reserve_ids) go by
    insert_rows (COPY on PostgreSQL); rows without ids get theirs back from one INSERT ... RETURNING."""
    if not rows:
        return []
    if "id" in rows[0]:
        insert_rows(model, rows)
        ids = [row["id"] for row in rows]
    else:
        ids = list(db.session.connection().execute(
            insert(model).returning(model.id, sort_by_parameter_order=True), rows).scalars())
    records_inserted.send(model, ids=ids)
    return ids


def insert_rows(model: Any, rows: list[dict[str, Any]], connection: Connection | None = None) -> None:
    """Insert `rows` (dicts by column key, all with the same keys) into `model`'s table in the caller's
    transaction (the session's, or `connection`), reading nothing back: COPY on PostgreSQL, else executemany."""
    if not rows:
        return
    connection = connection or db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(model), rows)
        return
    table: Table = model.__table__
    given = set(rows[0])
    # Columns the rows give, and those an INSERT would fill from a Python default (server defaults stay the server's).
    columns = [column for column in table.columns
               if column.key in given or (column.default is not None and not column.default.is_sequence)]
    processors = [_cached(column.type.bind_processor(connection.dialect)) if isinstance(column.type, Enum)
                  else column.type.bind_processor(connection.dialect) for column in columns]
    # Per column: the row's key, or the default called per row, or the default's one value.
    plan = [(column.key, None, None) if column.key in given else
            (None, column.default.arg, None) if column.default.is_callable else  # type: ignore[union-attr]
            (None, None, column.default.arg)  # type: ignore[union-attr]
            for column in columns]
    names = ", ".join(connection.dialect.identifier_preparer.quote(column.name) for column in columns)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for (key, make, constant), process in zip(plan, processors, strict=True):
                value = row[key] if key is not None else make(None) if make is not None else constant
                values.append(value if process is None else process(value))
            copy.write_row(values)


def _cached(process: Any) -> Any:
    """An enum's bind processing, remembered per member (SQLAlchemy's looks each value up anew: slow per row)."""
    if process is None:
        return None
    done: dict[Any, Any] = {}

    def processed(value: Any) -> Any:
        if value not in done:
            done[value] = process(value)
        return done[value]

    return processed


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused (then put back as it was) while an import builds hundreds of thousands of
    objects that all live until it ends: each full collection would walk every one of them again (a quarter of
    the CPU of a 100,000-row import). Reference counting still frees what is dropped; cycles wait until the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""What one app cycle sends to PostgreSQL, captured as it goes and written out as a pgbench script.

bench/queue.py replays it beside the app: the same statements in the same transactions, with the same round trips
(the pool's pre-ping, BEGIN, COMMIT), so pgbench's rate is what PostgreSQL needs for the cycle's writes alone, and
the gap between it and the app is the app's own work (Python, the driver, the waits between round trips).

Values that change from one cycle to the next become pgbench variables: the coordinator and the offer follow
`:client_id`, the entry and its household come from the take's RETURNING (`\\gset take_`), the match's id from
its INSERT (`\\gset match_`); times become `now()` plus the offset they had from the cycle's start. Every other
value is written as the literal the app sent. The ids are told apart by value, so the capturing database must give
every table's ids from a range of its own (bench/queue.py's seed does).
"""
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

PING = "SELECT 1"  # what SQLAlchemy's pool_pre_ping sends (dialect._dialect_specific_select_one)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# pgbench reads ":name" as a variable anywhere in a command, even inside a string literal.
VARIABLE_LIKE = re.compile(r":[A-Za-z0-9_]")
# Statements whose RETURNING row names a value the rest of the cycle uses: (start of the statement, \gset prefix).
RESULTS = (("UPDATE queue_entries", "take_"), ("INSERT INTO matches", "match_"))


@dataclass
class Sent:
    """One round trip: a statement with its parameters, a transaction boundary or a ping."""

    statement: str
    parameters: Any = None


@dataclass
class Capture:
    """The round trips of what runs inside `recording()`, in order."""

    engine: sa.engine.Engine
    sent: list[Sent] = field(default_factory=list)

    @contextmanager
    def recording(self) -> Iterator["Capture"]:
        def statement_sent(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_context: Any) -> None:
            self.sent.append(Sent(statement, parameters))

        listeners: list[tuple[Any, str, Callable[..., None]]] = [
            (self.engine, "before_cursor_execute", statement_sent),
            (self.engine, "begin", lambda conn: self._boundary(conn, "BEGIN")),
            (self.engine, "commit", lambda conn: self._boundary(conn, "COMMIT")),
            (self.engine, "rollback", lambda conn: self._boundary(conn, "ROLLBACK")),
        ]
        for target, name, listener in listeners:
            sa.event.listen(target, name, listener)
        dialect = self.engine.dialect
        do_ping = dialect.do_ping

        def ping(dbapi_connection: Any) -> bool:
            self.sent.append(Sent(PING))
            return do_ping(dbapi_connection)

        dialect.do_ping = ping  # type: ignore[method-assign]  # the pre-ping is no cursor event: counted here
        try:
            yield self
        finally:
            dialect.do_ping = do_ping  # type: ignore[method-assign]
            for target, name, listener in listeners:
                sa.event.remove(target, name, listener)

    def _boundary(self, connection: Any, command: str) -> None:
        # A connection in autocommit (a statement that is its own transaction) sends no BEGIN nor COMMIT.
        if not getattr(connection.connection.dbapi_connection, "autocommit", False):
            self.sent.append(Sent(command))

    def round_trips(self) -> int:
        """Each one is a round trip: psycopg sends BEGIN on its own before the first statement of a transaction
        (before the ping's SELECT 1 when the pool pre-pings), and COMMIT on its own."""
        return len(self.sent)


def _sql_literal(value: Any, names: dict[int, str], started: datetime) -> str:
    """A parameter as SQL text for pgbench: a variable for the cycle's ids, now()+offset for times."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f":{names[value]}" if value in names else str(value)
    if isinstance(value, datetime):
        offset = (value.replace(tzinfo=None) - started.replace(tzinfo=None)).total_seconds()
        return f"(now() AT TIME ZONE 'UTC' + interval '{offset:.6f} seconds')"
    if hasattr(value, "obj"):  # psycopg's Json wrapper
        return _text_literal(json.dumps(value.obj), names)
    if isinstance(value, (float, str)) or hasattr(value, "value"):
        return _text_literal(str(getattr(value, "value", value)), names)
    raise TypeError(f"no pgbench form for {type(value).__name__}")


def _text_literal(text: str, names: dict[int, str]) -> str:
    """A quoted string, with the cycle's ids inside it (a link, a JSON value) concatenated from variables."""
    pieces = re.split("(" + "|".join(rf"(?<!\d){number}(?!\d)" for number in names) + ")", text) if names else [text]
    parts = []
    for n, piece in enumerate(pieces):
        if n % 2:
            parts.append(f":{names[int(piece)]}::text")
        elif piece or len(pieces) == 1:
            if VARIABLE_LIKE.search(piece):
                raise ValueError(f"pgbench would read a variable in {piece!r}")
            parts.append("'" + piece.replace("'", "''") + "'")
    return "(" + " || ".join(parts) + ")" if len(parts) > 1 else parts[0]


def _with_values(statement: str, parameters: dict[str, Any], variables: dict[int, str], started: datetime) -> str:
    if VARIABLE_LIKE.search(PLACEHOLDER.sub("", statement).replace("::", "")):
        raise ValueError(f"pgbench would read a variable in {statement[:80]!r}")
    return PLACEHOLDER.sub(lambda found: _sql_literal(parameters[found.group(1)], variables, started), statement)


def pgbench_script(sent: list[Sent], variables: dict[int, str], started: datetime, preamble: str = "") -> str:
    """The captured round trips as a pgbench script: one line per command, the cycle's ids as variables
    (`variables`: value -> name, the take's and the match's named `take_id`, `take_subject_id`, `match_id`)."""
    lines = [preamble.rstrip("\n")] if preamble else []
    for before, item in zip([None, *sent], sent, strict=False):
        if item.statement == "BEGIN" and before is not None and before.statement == PING:
            continue  # written before the ping: psycopg opened the transaction with the ping's SELECT 1
        if item.statement == PING:
            lines.append("BEGIN;")
        if item.parameters is None or item.statement in (PING, "BEGIN", "COMMIT", "ROLLBACK"):
            lines.append(item.statement.strip() + ";")
            continue
        if not isinstance(item.parameters, dict):
            raise TypeError("an executemany is not replayed (the cycle sends none)")
        statement = " ".join(item.statement.replace("%%", "%").split())
        line = _with_values(statement, item.parameters, variables, started)
        prefix = next((prefix for start, prefix in RESULTS if statement.startswith(start) and " RETURNING " in line),
                      None)
        lines.append(line + (f" \\gset {prefix}" if prefix else ";"))
    return "\n".join(lines) + "\n"


def short_command(command: str, width: int = 72) -> str:
    """A command of pgbench's per-command report, cut to one readable line."""
    command = " ".join(command.split())
    return command if len(command) <= width else command[:width - 3] + "..."

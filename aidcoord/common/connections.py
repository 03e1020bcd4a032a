"""Pooled PostgreSQL connections are checked before use only when they may have gone stale.

SQLAlchemy's pool_pre_ping sends SELECT 1 at every checkout: a round trip more in every transaction (3 of the 27
of a take / propose / decline cycle, bench/queue.py). Here a connection is pinged when it sat in the pool longer than
DATABASE_PING_AFTER_IDLE_SECONDS (idle timeouts, firewalls and fail-overs drop idle connections), or when its
socket has something to say while no query runs: a server that restarts, or ends the backend
(pg_terminate_backend, idle_session_timeout), sends FATAL and closes, which a zero-timeout poll sees. A dead
connection found either way is replaced before use, as pool_pre_ping does.

What no check sees, a connection cut silently in the moment since its last use, fails its statement: SQLAlchemy
then invalidates the pool and errors.py answers 503 with Retry-After, as for a database lost in the middle of a
request (which pool_pre_ping does not prevent either), and the next request gets a fresh connection.
"""
import select
import time
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Engine, event, exc

from aidcoord.common.web import SAFE_METHODS

CHECKED_IN_AT = "aidcoord_checked_in_at"


def _has_something_to_say(dbapi_connection: Any) -> bool:
    """Whether the idle connection's socket is readable (or closed): the server spoke without being asked."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def ping_stale_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a PostgreSQL connection at checkout if it idled `idle_seconds` or more, or its server spoke meanwhile;
    a dead one is replaced (DisconnectionError makes the pool connect anew). SQLite's file needs no ping."""
    if engine.dialect.name != "postgresql":
        return

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[CHECKED_IN_AT] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last_used = record.info.get(CHECKED_IN_AT)
        if last_used is None:  # connected for this checkout
            return
        if time.monotonic() - last_used < idle_seconds and not _has_something_to_say(dbapi_connection):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error
            raise

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


def reads_without_transaction(engine: Engine) -> None:
    """A PostgreSQL connection taken for a GET, HEAD or OPTIONS request runs each statement on its own
    (autocommit): no BEGIN before the first and no ROLLBACK after the last, two of the four round trips of an API
    list read (token, page). Set when the request first takes a connection, so a request that reads nothing
    (/healthz) takes none, and undone when the connection goes back to the pool.

    A read loses nothing by it: under READ COMMITTED, PostgreSQL's default and ours, each statement of a
    transaction sees its own snapshot anyway. What a GET writes (the audit row of personal data shown, a token's
    last use) is one statement, committed as it runs, before the response leaves, as the commit that followed it
    did. Other requests, the worker and the CLI keep their transactions; SQLite is left alone."""
    if engine.dialect.name != "postgresql":
        return

    def checked_out(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if has_request_context() and request.method in SAFE_METHODS and request.endpoint not in (None, "static"):
            dbapi_connection.autocommit = True  # idle here: the pool's ping, if any, leaves no transaction open

    def checked_in(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None and not dbapi_connection.closed and dbapi_connection.autocommit:
            dbapi_connection.autocommit = False

    event.listen(engine, "checkout", checked_out)
    event.listen(engine, "checkin", checked_in)

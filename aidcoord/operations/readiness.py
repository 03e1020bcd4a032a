"""Is this node ready to take traffic? The database answers, its schema is the code's, the worker is alive.

A load balancer asks /readyz before sending requests to a node, so each check is one cheap query.
"""
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.worker import last_heartbeat

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@cache
def code_heads() -> frozenset[str]:
    """The migration heads this code expects (read once: the scripts do not change while it runs)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_check() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        return Check("database", False, type(error).__name__)
    return Check("database", True, "reachable")


def migrations_check() -> Check:
    """The database is at the code's migration heads: a node with newer code waits for `flask db upgrade`."""
    try:
        applied = frozenset(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:  # no version table: never migrated
        db.session.rollback()
        applied = frozenset()
    expected = code_heads()
    if applied == expected:
        return Check("migrations", True, "at " + ", ".join(sorted(expected)))
    return Check("migrations", False, f"database at {', '.join(sorted(applied)) or 'nothing'}, "
                                      f"code at {', '.join(sorted(expected))}")


def worker_check(max_silence_seconds: int) -> Check:
    """A `flask worker` said it was alive recently: without one, messages, bot replies and batch runs wait."""
    beat_at = last_heartbeat()
    if beat_at is None:
        return Check("worker", False, "no running worker has reported")
    silence = (utcnow() - beat_at).total_seconds()
    if silence > max_silence_seconds:
        return Check("worker", False, f"last heartbeat {silence:.0f} s ago")
    return Check("worker", True, f"last heartbeat {silence:.0f} s ago")


def readiness(max_worker_silence_seconds: int = 0) -> list[Check]:
    """Every check, in order; the migrations and the worker only when the database answers."""
    checks = [database_check()]
    if checks[0].ok:
        checks.append(migrations_check())
        if max_worker_silence_seconds:
            checks.append(worker_check(max_worker_silence_seconds))
    return checks

"""Test fixtures. The database is real: SQLite by default, PostgreSQL when TEST_DATABASE_URL is set
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_test). The schema is built once per run
by applying the Alembic migrations; every test then starts from empty tables.

The clock: a test of a rule about the date or the time pins it (`pinned_clock`, time-machine, the clock ticking
from PINNED_NOW) or passes `today=` to the service. AIDCOORD_TEST_CLOCK=2026-12-02T23:59:50+00:00 starts the
whole run at that instant, ticking (the local zone stays the process's: add TZ=Asia/Yerevan to start just
before midnight there), to show any test that still reads the wall clock."""
import contextvars
import itertools
import os
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.routing import Rule

from aidcoord import create_app
from aidcoord.extensions import db
from tests.catalog_tools import compile_catalogs

# Cheap hashes keep the suite fast; a test raises them to check rehashing.
FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


SESSION_CLOCK = os.environ.get("AIDCOORD_TEST_CLOCK")
# Noon UTC: the same date in every zone from UTC-11 to UTC+11, and hours away from midnight. Pinned tests run
# with TZ=UTC (time-machine sets it for a UTC destination), so their "today" is PINNED_TODAY everywhere.
PINNED_NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PINNED_TODAY = PINNED_NOW.date()
# `pytestmark = pinned_clock` in a module, or `@pinned_clock` on a test: it starts at PINNED_NOW, ticking.
pinned_clock = pytest.mark.time_machine(PINNED_NOW, tick=True)


def pytest_report_header(config):
    database = "PostgreSQL " + POSTGRES_URL if POSTGRES_URL else "SQLite (set TEST_DATABASE_URL for PostgreSQL)"
    lines = [f"database: {database}"]
    if SESSION_CLOCK:
        lines.append(f"clock: the run starts at {SESSION_CLOCK} (AIDCOORD_TEST_CLOCK), ticking; "
                     f"local zone {os.environ.get('TZ') or time.tzname[0]}")
    return lines


_session_travel: time_machine.travel | None = None


def pytest_configure(config):
    """Start the session clock before the test modules are imported: their module-level dates follow it too."""
    global _session_travel
    if not SESSION_CLOCK:
        return
    try:
        start = datetime.fromisoformat(SESSION_CLOCK)
    except ValueError:
        raise pytest.UsageError(f"AIDCOORD_TEST_CLOCK={SESSION_CLOCK!r} is not an ISO 8601 date and time") from None
    if start.tzinfo is None:
        raise pytest.UsageError("AIDCOORD_TEST_CLOCK needs a UTC offset, e.g. 2026-12-02T23:59:50+00:00")
    # A timestamp, not the datetime: time-machine would also set TZ to a UTC destination's zone.
    _session_travel = time_machine.travel(start.timestamp(), tick=True)
    _session_travel.start()


def pytest_unconfigure(config):
    global _session_travel
    shutil.rmtree(_shm_run_folder(), ignore_errors=True)  # RAM: nothing of this run's databases stays behind
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


def clock_offset() -> float:
    """Seconds the tests' clock is ahead of the real one (time-machine), for processes the tests start."""
    return time.time() - time_machine.escape_hatch.time.time() if time_machine.escape_hatch.is_travelling() else 0.0


def follow_clock(offset: float) -> None:
    """In a process a test started: run on the tests' clock (`clock_offset()` of the parent), ticking."""
    if offset:
        time_machine.travel(time.time() + offset, tick=True).start()


def _reuse_url_builders() -> None:
    """Every test builds its own app, and each of an app's ~260 routes compiles two URL builders (Python source
    that Werkzeug generates and compiles): more than half of create_app's time, paid again before every test.
    A builder takes its rule as an argument (it is bound to it), and its code follows from the rule's text and
    parsed parts alone when the rule has no defaults; so the builders compiled for the first app's rules serve
    the same rules of every later app. Rules with defaults (their values are folded into the code) compile as
    before, and so does everything when a Werkzeug without this method is installed."""
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:
        return
    compiled: dict[tuple, object] = {}

    def reused_builder(rule, append_unknown=True):
        if rule.defaults:
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), append_unknown)  # the text and parsed parts the code is made from
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = reused_builder


_reuse_url_builders()


def make_app(database_url, **overrides):
    return create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                       "ARGON2_PARAMETERS": FAST_ARGON2, **overrides})


def recreate_postgres_database(url: str) -> None:
    """Drop and create the database named in `url` (connecting to the server's `postgres` database)."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def migrate_to_head(url: str) -> None:
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """Pages are translated in the tests as in `make run`: the committed catalogs, compiled when they changed."""
    compile_catalogs()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database holding the migrated, empty schema: its URL (PostgreSQL) or template file (SQLite)."""
    if POSTGRES_URL:
        recreate_postgres_database(POSTGRES_URL)
        migrate_to_head(POSTGRES_URL)
        return POSTGRES_URL
    template = tmp_path_factory.mktemp("db") / "template.sqlite"
    migrate_to_head(f"sqlite:///{template}")
    return template


def empty_database(migrated_database, folder: Path) -> str:
    """The URL of a migrated database with no rows: PostgreSQL's truncated, or a copy of the SQLite template."""
    if POSTGRES_URL:
        empty_postgres_tables(POSTGRES_URL)
        return POSTGRES_URL
    database = _fast_scratch_dir(folder) / "test.sqlite"
    shutil.copyfile(migrated_database, database)
    return f"sqlite:///{database}"


# Every table emptied and every used sequence restarted, in one round trip. DELETE, not TRUNCATE: TRUNCATE gives
# each of the ~40 tables new files (about 0.5 s, before every one of thousands of tests), while deleting the few
# rows a test wrote takes milliseconds. The replica role turns triggers off for the transaction: the foreign keys
# (so the order does not matter) and the audit trail's no-delete guard.
EMPTY_POSTGRES_TABLES = """
DO $$
DECLARE name text;
BEGIN
  SET LOCAL session_replication_role = replica;
  FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
    EXECUTE format('DELETE FROM %I', name);
  END LOOP;
  FOR name IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL LOOP
    EXECUTE format('ALTER SEQUENCE %I RESTART', name);
  END LOOP;
END $$
"""


def empty_postgres_tables(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(EMPTY_POSTGRES_TABLES))
    vacuum_now_and_then(engine)
    engine.dispose()


# A PostgreSQL server may run without autovacuum (this machine's does). The rows every test deletes then stay as
# dead tuples, and every later DELETE and scan reads them all: by the end of a run audit_events held 135 MB of
# them, each scan of it took 0.1 s, and the run took a third longer. A VACUUM after every VACUUM_EVERY bulk
# deletes (emptying the tables, putting a permission world back) keeps the tables small: about 0.1 s each time.
VACUUM_EVERY = 50
_bulk_deletes = itertools.count(1)


def vacuum_now_and_then(engine: sa.Engine) -> None:
    if next(_bulk_deletes) % VACUUM_EVERY == 0:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM"))  # not in a transaction: VACUUM refuses to run inside one


@pytest.fixture
def database_url(migrated_database, tmp_path):
    return empty_database(migrated_database, tmp_path)


def _fast_scratch_dir(tmp_path: Path) -> Path:
    """RAM-backed when the machine has /dev/shm: SQLite's fsync on every commit costs nothing there."""
    shm = Path("/dev/shm")  # noqa: S108 - test databases only; a fresh subfolder per test (see below)
    if not shm.is_dir():
        return tmp_path
    # One folder per test run (its process id): two runs at once must not share a database file.
    scratch = _shm_run_folder(shm) / tmp_path.name
    scratch.mkdir(parents=True, exist_ok=True)
    return scratch


def _shm_run_folder(shm: Path = Path("/dev/shm")) -> Path:  # noqa: S108 - test databases only
    return shm / "aidcoord-tests" / str(os.getpid())


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's own app context, as a server would: its own `g`,
    its own database session, torn down afterwards. The test's session is then expired so
    that it reads what the request committed."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    page = client.get("/login").get_data(as_text=True)
    return CSRF_PATTERN.search(page).group(1)


class Browserless:
    """Helpers to act as a person using the pages."""

    def __init__(self, client):
        self.client = client

    def login(self, email, password="correct horse battery"):
        return self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": csrf_token(self.client)})

    def post(self, url, data=None, **kwargs):
        return self.client.post(url, data={**(data or {}), "csrf_token": csrf_token(self.client)}, **kwargs)


@pytest.fixture
def pages(client):
    return Browserless(client)


@pytest.fixture
def api(client):
    """Call the JSON API as a given user (by token) or anonymously."""
    from aidcoord.accounts.services import create_api_token

    class Api:
        def __call__(self, method, url, user=None, **kwargs):
            headers = kwargs.pop("headers", {})
            if user is not None:
                _token, plain = create_api_token(user, "test")
                headers["Authorization"] = f"Bearer {plain}"
            return client.open(url, method=method, headers=headers, **kwargs)

    return Api()


REPO_ROOT = Path(__file__).resolve().parent.parent

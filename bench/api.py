"""How fast the API's main lists answer under load, beside a bare WSGI app doing the same SQL.

Loads 100,000 households waiting in the housing queue, 30,000 housing offers, 5,000 needs, 20,000 pledges and
10,000 job listings into a scratch PostgreSQL database (BENCH_DATABASE_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench_api), then serves, one after the other on the same
data, the real app (gunicorn, sync x4, the repository's gunicorn.conf.py) and a bare WSGI + psycopg app (same
gunicorn settings) that answers the same lists with the same SQL and the same JSON shape. For each endpoint:
  - saturation: `wrk` (Debian's package; `make bench` installs it) with 32 connections, printing requests/s,
    p50 and p99 of both and the app/bare ratio;
  - a fixed rate at half of the app's saturation: a paced open-loop client (latency counted from when each
    request was due, so a stall is not hidden), printing the app's p50 and p99.
Every request carries a coordinator's API token (the bare app checks it with one query, as the app should).
Run: make bench, or .venv/bin/python bench/api.py [--seconds 10] [--connections 32] [--only needs,offers]
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # the repository in place of bench/ (see queue.py)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench_api"
HOUSEHOLDS, OFFERS, NEEDS, PLEDGES, LISTINGS, ORGANIZATIONS = 100_000, 30_000, 5_000, 20_000, 10_000, 300
PROPOSALS = 2_000
WORKERS = 4

# name -> the app's path (the bare app answers the same path)
ENDPOINTS = {
    "offers": "/api/v1/housing/offers",
    "needs": "/api/v1/needs",
    "listings": "/api/v1/jobs/listings",
    "pledges": "/api/v1/pledges",
    "queue": "/api/v1/housing/queue",
}


# ---- the data ---------------------------------------------------------------------------------

def load(url: str) -> str:
    """Migrate a fresh database and bulk-load the rows (Core executemany); returns a coordinator's API token."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from aidcoord import create_app
    from aidcoord.accounts.models import Role
    from aidcoord.accounts.services import create_api_token, register_user
    from aidcoord.common.types import today
    from aidcoord.extensions import db
    from aidcoord.jobs.models import JobListing
    from aidcoord.needs.models import Need
    from aidcoord.organizations.models import Organization
    from aidcoord.pledges.models import Pledge
    from bench.crisis_rows import REGIONS, insert_housing

    app = create_app({"ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        coordinator = register_user("coordinator@bench.example", "Bench", "bench-password-1", [Role.COORDINATOR],
                                    self_service=False)
        employer = register_user("employer@bench.example", "Employer", "bench-password-1", [Role.EMPLOYER])
        db.session.execute(sa.insert(Organization), [
            {"name": f"Org {i}", "name_key": f"org {i}", "kind": "ngo", "country": "AM", "description": "x",
             "verification_state": "verified"} for i in range(ORGANIZATIONS)])
        day = today()
        soon = day + timedelta(days=10)
        db.session.execute(sa.insert(Need), [
            {"organization_id": i % ORGANIZATIONS + 1, "sector": ("shelter", "health", "food_security")[i % 3],
             "item": f"item {i % 40}", "quantity": 100, "unit": "kits", "region": REGIONS[i % 11], "locality": "",
             "urgency": ("critical", "high", "normal")[i % 3], "needed_by": soon + timedelta(days=i % 30),
             "state": ("open", "partially_covered")[i % 2], "created_by_id": coordinator.id, "description": ""}
            for i in range(NEEDS)])
        db.session.execute(sa.insert(Pledge), [
            {"pledged_by_id": coordinator.id, "need_id": i % NEEDS + 1,
             "donor_organization_id": (i * 7) % ORGANIZATIONS + 1 if i % 2 else None, "contribution": "in_kind",
             "quantity": 5, "unit": "kits", "item": f"item {i % 40}", "note": "",
             "state": ("pledged", "committed", "delivered", "cancelled")[i % 4], "delivered_units": 0}
            for i in range(PLEDGES)])
        db.session.execute(sa.insert(JobListing), [
            {"employer_id": employer.id, "title": ("Driver", "Baker", "Teacher", "Nurse")[i % 4] + f" {i}",
             "sector": ("transport", "hospitality", "education", "healthcare")[i % 4], "description": "x",
             "region": REGIONS[i % 11], "locality": "", "remote": i % 10 == 0, "positions": 2,
             "open_positions": 2, "languages": [{"code": ("hy", "ru", "en")[i % 3], "level": "B1"}],
             "skills": ["x"], "contract_type": "full_time", "closing_date": soon + timedelta(days=20 + i % 60),
             "state": "published", "created_by_id": employer.id} for i in range(LISTINGS)])
        insert_housing(coordinator.id, day, offers=OFFERS, households=HOUSEHOLDS, proposals=PROPOSALS,
                       organizations=ORGANIZATIONS)
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))  # fresh statistics, as autovacuum would have
        db.session.commit()
        token = create_api_token(coordinator, "bench")[1]
        db.engine.dispose()
    return token


# ---- the bare app -------------------------------------------------------------------------------
# What a hand-written service would do: one query for the caller (token, active user, roles), one for the page
# (with what the items show joined in, and the bounded count as a column), the total by the app's rule
# (bare_total: the planner's estimate kept a minute, as the app keeps it); JSON written by hand in the app's shape.

IDENTITY_SQL = """
SELECT u.id, array_agg(g.role) AS roles FROM api_tokens t JOIN users u ON u.id = t.user_id
LEFT JOIN role_grants g ON g.user_id = u.id
WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.active GROUP BY u.id"""

BARE_LISTS = {
    "/api/v1/housing/offers": (
        "SELECT o.* FROM housing_offers o ORDER BY o.id DESC LIMIT %s OFFSET %s",
        "SELECT count(*) FROM housing_offers"),
    "/api/v1/needs": (
        "SELECT n.*, org.name AS organization_name FROM needs n JOIN organizations org ON org.id = n.organization_id"
        " WHERE org.verification_state = 'verified'"
        " ORDER BY n.urgency, n.needed_by, n.id"
        " LIMIT %s OFFSET %s",
        "SELECT count(*) FROM needs n JOIN organizations org ON org.id = n.organization_id"
        " WHERE org.verification_state = 'verified'"),
    "/api/v1/jobs/listings": (
        "SELECT l.* FROM job_listings l WHERE l.state = 'published' AND l.open_positions > 0"
        " AND (l.closing_date IS NULL OR l.closing_date >= current_date) ORDER BY l.created_at DESC, l.id DESC"
        " LIMIT %s OFFSET %s",
        "SELECT count(*) FROM job_listings l WHERE l.state = 'published' AND l.open_positions > 0"
        " AND (l.closing_date IS NULL OR l.closing_date >= current_date)"),
    "/api/v1/pledges": (
        "SELECT p.*, org.name AS donor_name FROM pledges p LEFT JOIN organizations org"
        " ON org.id = p.donor_organization_id ORDER BY p.id DESC LIMIT %s OFFSET %s",
        "SELECT count(*) FROM pledges"),
    "/api/v1/housing/queue": (
        "SELECT q.*, h.size, h.preferred_regions FROM queue_entries q JOIN households h ON h.id = q.subject_id"
        " WHERE q.kind = 'housing' AND q.state IN ('waiting', 'leased', 'proposed')"
        " ORDER BY q.priority DESC, q.joined_at, q.id LIMIT %s OFFSET %s",
        "SELECT count(*) FROM queue_entries q WHERE q.kind = 'housing'"
        " AND q.state IN ('waiting', 'leased', 'proposed')"),
}


def _json_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, int | float | str | bool | list | dict):
        return str(value)
    return value


def bare_app(environ, start_response):
    """WSGI: the same lists, straight from psycopg (one connection per worker, kept)."""
    import hashlib
    from urllib.parse import parse_qs

    global _bare_connection
    if _bare_connection is None:
        import psycopg

        _bare_connection = psycopg.connect(os.environ["BARE_DATABASE_DSN"], autocommit=True)
    path = environ["PATH_INFO"]
    if path not in BARE_LISTS:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"message": "not found"}']
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    with _bare_connection.cursor() as cursor:
        cursor.execute(IDENTITY_SQL, (hashlib.sha256(token.encode()).hexdigest(),))
        if scheme.lower() != "bearer" or cursor.fetchone() is None:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"message": "unauthorized"}']
        query = parse_qs(environ.get("QUERY_STRING", ""))
        page, per_page = int(query.get("page", ["1"])[0]), int(query.get("page_size", ["20"])[0])
        page_sql, count_sql = BARE_LISTS[path]
        # One more row than the page (is there a next page?), and the count up to the bound as a column of the
        # same statement, as the app reads them (common.pagination).
        cursor.execute(bounded_page_sql(page_sql), (per_page + 1, (page - 1) * per_page))
        names = [column.name for column in cursor.description][:-1]
        rows = cursor.fetchall()
        counted = rows[0][-1] if rows else None
        items = [{name: _json_value(value) for name, value in zip(names, row[:-1], strict=True)}
                 for row in rows[:per_page]]
        total = bare_total(cursor, page_sql, count_sql, page, per_page, len(rows), query.get("count") == ["exact"],
                           counted)
    pages = max(1, -(-total // per_page))
    body = json.dumps({"items": items, "_meta": {"page": page, "per_page": per_page, "total_pages": pages,
                                                  "total_items": total},
                       "_links": {"self": f"{path}?page={page}&page_size={per_page}",
                                  "next": f"{path}?page={page + 1}&page_size={per_page}" if page < pages else None,
                                  "prev": None if page == 1 else f"{path}?page={page - 1}&page_size={per_page}"}})
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body.encode()]


_bare_connection: Any = None  # one per gunicorn worker, opened on its first request


def bounded_page_sql(page_sql: str) -> str:
    """The page's SQL with a last column: its rows counted up to EXACT_COUNT_UP_TO + 1 (run once by PostgreSQL)."""
    from aidcoord.common.pagination import EXACT_COUNT_UP_TO

    rows = page_sql.removesuffix(" LIMIT %s OFFSET %s")
    select, _, rest = page_sql.partition(" FROM ")
    bounded = f"(SELECT count(*) FROM ({rows} LIMIT {EXACT_COUNT_UP_TO + 1}) AS bounded)"  # noqa: S608 - our SQL
    return f"{select}, {bounded} AS bounded_count FROM {rest}"


_planned: dict[str, tuple[int, float]] = {}  # the planner's estimate per list, kept as the app keeps it


def bare_total(cursor, page_sql: str, count_sql: str, page: int, per_page: int, read: int, exact: bool,
               counted: int | None) -> int:
    """The app's rule (aidcoord.common.pagination): known when no row follows the page (`read` is up to
    per_page + 1 rows), counted up to EXACT_COUNT_UP_TO rows (`counted`, read with the page) or when asked, else
    the planner's estimate, asked once a minute per list and process."""
    from aidcoord.common.pagination import EXACT_COUNT_UP_TO, PLANNED_ROWS_KEPT_SECONDS

    before = (page - 1) * per_page
    if read <= per_page and (read or page == 1):
        return before + read
    if exact:
        cursor.execute(count_sql)
        return cursor.fetchone()[0]
    rows = page_sql.removesuffix(" LIMIT %s OFFSET %s")
    if counted is None:
        cursor.execute(f"SELECT count(*) FROM ({rows} LIMIT {EXACT_COUNT_UP_TO + 1}) AS bounded")  # noqa: S608
        counted = cursor.fetchone()[0]
    if counted <= EXACT_COUNT_UP_TO:
        return counted
    kept = _planned.get(rows)
    if kept is None or time.monotonic() - kept[1] >= PLANNED_ROWS_KEPT_SECONDS:
        cursor.execute("EXPLAIN (FORMAT JSON) " + rows)
        kept = _planned[rows] = (int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"]), time.monotonic())
    return max(kept[0], counted, before + read)


# ---- serving and loading ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(target: str, url: str, app_root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """gunicorn with the repository's gunicorn.conf.py, sync x4; no worker recycling (a restart mid-run would
    measure start-up, not serving) and the access log to /dev/null (the same for both apps)."""
    import sqlalchemy as sa

    port = free_port()
    env = {**os.environ, "GUNICORN_WORKERS": str(WORKERS), "GUNICORN_BIND": f"127.0.0.1:{port}",
           "DATABASE_URL": url, "AIDCOORD_ENV": "production", "SECRET_KEY": "bench-secret-key",
           "LOG_LEVEL": "WARNING", "BARE_DATABASE_DSN": sa.engine.make_url(url).set(drivername="postgresql")
           .render_as_string(hide_password=False)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # gunicorn.conf.py makes a fresh one
    process = subprocess.Popen(  # noqa: S603 - our own gunicorn and arguments
        [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "--max-requests", "0",
         "--access-logfile", "/dev/null", target], cwd=app_root, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/nothing-here")
            connection.getresponse().read()
            return process, base
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"gunicorn {target} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def get(base: str, path: str, token: str) -> tuple[int, dict]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def warm_up(base: str, path: str, token: str) -> None:
    """Every worker answers a few times first (imports, connections, caches)."""
    for _ in range(WORKERS * 5):
        status, _ = get(base, path, token)
        assert status == 200, (base, path, status)


WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def saturate(base: str, path: str, token: str, seconds: int, connections: int) -> dict:
    """wrk, closed loop: requests/s, p50 and p99 (ms) at `connections` connections."""
    output = subprocess.run(  # noqa: S603 - wrk with our arguments
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",  # noqa: S607 - Debian's wrk
         "-H", f"Authorization: Bearer {token}", base + path], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw errors on {base}{path}:\n{output}")
    latencies = {int(pct): float(value) * UNITS[unit] for pct, value, unit in WRK_LATENCY.findall(output)}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None or set(latencies) != {50, 99}:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    return {"rps": float(rate.group(1)), "p50": latencies[50], "p99": latencies[99]}


def fixed_rate(base: str, path: str, token: str, rate: float, seconds: int) -> dict:
    """Open loop: one request due every 1/rate s, sent by a pool of keep-alive clients; a request's latency runs
    from when it was due, so a backlog shows in the figures (no coordinated omission)."""
    host, port = base.removeprefix("http://").split(":")
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    next_index = iter(range(total))
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[int] = []

    def client():
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            due = start + index / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - due) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    failures.append(response.status)

    threads = [threading.Thread(target=client) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests at a fixed rate on {path}: {failures[:5]}")
    latencies.sort()
    return {"rate": rate, "p50": statistics.median(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1]}


def same_shape(app_body: dict, bare_body: dict, path: str) -> None:
    """The bare app must answer what the app answers: the envelope and every item's keys (the bare app may
    carry more columns than an item shows; those are dropped from its answer's keys check only)."""
    assert set(app_body) == set(bare_body), (path, set(app_body), set(bare_body))
    assert app_body["items"] and bare_body["items"], path
    missing = set(app_body["items"][0]) - set(bare_body["items"][0])
    if missing:
        print(f"   note: the bare {path} lacks {sorted(missing)} (computed by the app, not read)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="seconds of each wrk run and fixed-rate run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", default="", help="comma-separated endpoint names: " + ", ".join(ENDPOINTS))
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database of the last run")
    parser.add_argument("--app-root", type=Path, default=ROOT,
                        help="serve the app from this checkout (e.g. a git worktree of an older commit)")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/api.py needs wrk: apt-get install -y wrk (make bench does it)")
    from bench.databases import fresh_postgres_database

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    token_file = Path(tempfile.gettempdir()) / f"aidcoord-bench-api-{sa_database(url)}.token"
    started = time.perf_counter()
    if options.reuse and token_file.exists():
        token = token_file.read_text()
        print(f"database: {sa_database(url)} (reused)")
    else:
        fresh_postgres_database(url)
        token = load(url)
        token_file.write_text(token)
        print(f"database: {sa_database(url)}; loaded {HOUSEHOLDS} households in the queue, {OFFERS} offers, {NEEDS}"
              f" needs, {PLEDGES} pledges, {LISTINGS} job listings in {time.perf_counter() - started:.1f} s")
    names = [name for name in options.only.split(",") if name] or list(ENDPOINTS)
    print(f"gunicorn sync x{WORKERS}; wrk -c{options.connections} {options.seconds} s per run; "
          f"{os.cpu_count()} CPUs")
    results: dict[str, dict] = {}
    for label, target in (("app", "wsgi:app"), ("bare", "bench.api:bare_app")):
        process, base = serve(target, url, options.app_root if label == "app" else ROOT)
        try:
            for name in names:
                path = ENDPOINTS[name]
                warm_up(base, path, token)
                results.setdefault(name, {})[label] = saturate(base, path, token, options.seconds,
                                                               options.connections)
                results[name][label + "_body"] = get(base, path, token)[1]
                if label == "app":
                    half = results[name]["app"]["rps"] / 2
                    results[name]["fixed"] = fixed_rate(base, path, token, half, options.seconds)
        finally:
            stop(process)
    print(f"{'endpoint':24s} {'app rps':>8s} {'p50':>7s} {'p99':>7s}   {'bare rps':>8s} {'p50':>7s} {'p99':>7s}"
          f"   {'app/bare':>8s}   {'fixed rate':>10s} {'p50':>7s} {'p99':>7s}")
    for name in names:
        app, bare, fixed = results[name]["app"], results[name]["bare"], results[name]["fixed"]
        same_shape(results[name]["app_body"], results[name]["bare_body"], ENDPOINTS[name])
        print(f"{ENDPOINTS[name]:24s} {app['rps']:8.0f} {app['p50']:7.1f} {app['p99']:7.1f}   {bare['rps']:8.0f}"
              f" {bare['p50']:7.1f} {bare['p99']:7.1f}   {app['rps'] / bare['rps']:8.2f}   {fixed['rate']:7.0f}/s"
              f" {fixed['p50']:7.1f} {fixed['p99']:7.1f}")
    print("(latencies in ms; fixed rate: the app at half of its saturated rate, open loop)")


def sa_database(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).database or "bench"


if __name__ == "__main__":
    main()

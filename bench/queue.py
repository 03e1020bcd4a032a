"""The housing queue under 8 coordinators at once, beside pgbench doing the bare claim on the same shape.

8 processes (PostgreSQL) each loop for --seconds: take the next household (queue.take_next: FOR UPDATE SKIP
LOCKED), propose it to an offer with room (its beds taken at once), decline the proposal (the household keeps
its place, the beds come back) -- all through the services, one transaction each, as the pages do. Every take
is logged with its holder and time so that a double claim (two coordinators holding one household at once)
would be found. In the same run pgbench runs a claim script on a table of the same shape and index with the
same number of clients: SELECT ... FOR UPDATE SKIP LOCKED, mark it leased, commit, put it back.

Prints cycles/s for both and their ratio, take-next p50/p99, and the double claims (must be 0).
Run: .venv/bin/python bench/queue.py [--seconds 60] [--clients 8] [--households 2000]
     (BENCH_DATABASE_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench_queue)
"""
# ruff: noqa: E402 - the path is set before the imports, see below
import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where this module's name would hide the standard
# library's `queue` (which multiprocessing and psycopg import): the repository's root takes its place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import itertools
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date

import sqlalchemy as sa

from bench.databases import fresh_postgres_database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/aidcoord_bench_queue"
PGBENCH_SCRIPT = """\
BEGIN;
SELECT id AS claimed FROM bench_queue WHERE kind = 'housing' AND state = 'waiting'
  ORDER BY priority DESC, joined_at, id LIMIT 1 FOR UPDATE SKIP LOCKED \\gset
UPDATE bench_queue SET state = 'leased', leased_by_id = :client_id, lease_expires_at = now() + interval '15 minutes'
  WHERE id = :claimed;
COMMIT;
UPDATE bench_queue SET state = 'waiting', leased_by_id = NULL, lease_expires_at = NULL WHERE id = :claimed;
"""


def make_app(url: str):
    from aidcoord import create_app

    return create_app({"ENV": "production", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                       "LOG_LEVEL": "WARNING"})


def seed(url: str, households: int, clients: int) -> tuple[list[int], list[int]]:
    """Migrate, then load the waiting households (bulk, as an import would) and one offer per coordinator."""
    from flask_migrate import upgrade

    from aidcoord.accounts.models import RoleGrant, User
    from aidcoord.extensions import db
    from aidcoord.housing.models import Household, HousingOffer, VettingState
    from aidcoord.matching.models import QueueEntry, QueueKind

    app = make_app(url)
    with app.app_context():
        upgrade()
        coordinators = [User(email=f"coordinator{n}@bench.example", name=f"Coordinator {n}", password_hash="!",  # noqa: S106 - no password
                             role_grants=[RoleGrant(role="coordinator")]) for n in range(clients)]
        host = User(email="host@bench.example", name="Host", password_hash="!",  # noqa: S106 - no password
                    role_grants=[RoleGrant(role="host")])
        db.session.add_all([*coordinators, host])
        db.session.flush()
        rows = [Household(contact_name=f"Family {n}", contact_phone=f"+37491{n:06d}", size=2, adults=2,
                          needed_from=date(2023, 9, 25), registered_by_id=coordinators[0].id, priority=n % 90,
                          consent_to_share=True)
                for n in range(households)]
        db.session.add_all(rows)
        db.session.flush()
        db.session.add_all(QueueEntry(kind=QueueKind.HOUSING, subject_id=row.id, priority=row.priority)
                           for row in rows)
        offers = [HousingOffer(host_id=host.id, created_by_id=host.id, region="AM-SU", address=f"{n} Bench street",
                               beds=50, free_beds=50, available_from=date(2023, 9, 1),
                               vetting_state=VettingState.VERIFIED) for n in range(clients)]
        db.session.add_all(offers)
        db.session.commit()
        ids = [user.id for user in coordinators], [offer.id for offer in offers]
        db.engine.dispose()
    return ids


def coordinator_loop(url, coordinator_id, offer_id, seconds, start_at, results):
    """One coordinator: take, propose, decline, again until the time is up."""
    from aidcoord.accounts.models import User
    from aidcoord.extensions import db
    from aidcoord.housing import matching as housing
    from aidcoord.matching import queue
    from aidcoord.matching.models import QueueKind

    app = make_app(url)
    takes, holds, cycles, errors, statements = [], [], 0, 0, [0]
    with app.app_context():
        coordinator = db.session.get_one(User, coordinator_id)

        @sa.event.listens_for(db.engine, "before_cursor_execute")
        def count(*_args):
            statements[0] += 1

        time.sleep(max(0.0, start_at - time.time()))
        deadline = time.time() + seconds
        while time.time() < deadline:
            started = time.perf_counter()
            entry = queue.take_next(coordinator, QueueKind.HOUSING)
            takes.append(time.perf_counter() - started)
            if entry is None:
                continue
            # The hold as logged lies inside the real one (from after the take's commit to before the commit that
            # gives the entry back), so two logged holds that overlap are a real double claim.
            held_from, entry_id = time.time(), entry.id
            try:
                match = housing.propose_offer(coordinator, entry, offer_id)
                holds.append((entry_id, held_from, time.time()))
                housing.decline(coordinator, match, "bench: back to the queue")
                cycles += 1
            except Exception as error:  # a refusal counts against the run, never stops it
                db.session.rollback()
                errors += 1
                if errors == 1:  # the reason, once: every refusal is a bug in the scenario or the services
                    print(f"  first refusal: {type(error).__name__}: {error}", file=sys.stderr)
                holds.append((entry_id, held_from, time.time()))
                queue.release(coordinator, queue.get_entry(QueueKind.HOUSING, entry_id))
        sa.event.remove(db.engine, "before_cursor_execute", count)
        db.engine.dispose()
    results.put((cycles, errors, takes, holds, statements[0]))


def double_claims(holds) -> int:
    """Pairs of coordinators holding the same household at overlapping times."""
    by_entry: dict[int, list[tuple[float, float, int]]] = {}
    for worker, worker_holds in enumerate(holds):
        for entry_id, start, end in worker_holds:
            by_entry.setdefault(entry_id, []).append((start, end, worker))
    found = 0
    for spans in by_entry.values():
        spans.sort()
        for (_, end, worker), (start, _, other) in itertools.pairwise(spans):
            found += worker != other and start < end  # one clock: the machine's (time.time in every process)
    return found


def run_app(url, coordinators, offers, seconds):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    start_at = time.time() + 5
    processes = [context.Process(target=coordinator_loop, args=(url, coordinator, offer, seconds, start_at, results))
                 for coordinator, offer in zip(coordinators, offers, strict=True)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=seconds + 300) for _ in processes]
    for process in processes:
        process.join()
    cycles = sum(outcome[0] for outcome in outcomes)
    errors = sum(outcome[1] for outcome in outcomes)
    takes = sorted(value for outcome in outcomes for value in outcome[2])
    statements = sum(outcome[4] for outcome in outcomes)
    return cycles, errors, takes, double_claims([outcome[3] for outcome in outcomes]), statements


def run_pgbench(url, clients, seconds, households) -> float:
    """Claims per second of the bare SKIP LOCKED script on a table of the queue's shape."""
    libpq = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS bench_queue"))
        connection.execute(sa.text("CREATE TABLE bench_queue (LIKE queue_entries INCLUDING ALL)"))
        connection.execute(sa.text("INSERT INTO bench_queue SELECT * FROM queue_entries"))
        connection.execute(sa.text("UPDATE bench_queue SET state = 'waiting', leased_by_id = NULL, "
                                   "lease_expires_at = NULL"))
    engine.dispose()
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    output = subprocess.run([shutil.which("pgbench") or "pgbench", "-n", "-c", str(clients), "-j", "2",  # noqa: S603
                             "-T", str(seconds), "-f", script.name, libpq],
                            capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    found = re.search(r"tps = ([\d.]+)", output)
    if found is None:
        raise RuntimeError(f"pgbench printed no tps: {output[-500:]}")
    return float(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--households", type=int, default=2000)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgresql"):
        sys.exit("bench/queue.py needs PostgreSQL (BENCH_DATABASE_URL)")
    fresh_postgres_database(url)
    coordinators, offers = seed(url, args.households, args.clients)
    cycles, errors, takes, doubles, statements = run_app(url, coordinators, offers, args.seconds)
    bare = run_pgbench(url, args.clients, args.seconds, args.households)
    rate = cycles / args.seconds
    print(f"queue: {args.clients} coordinators, {args.households} waiting households, {args.seconds} s, PostgreSQL")
    print(f"  app  take/propose/decline: {rate:8.1f} cycles/s  ({cycles} cycles, {errors} refused)")
    print(f"  SQL statements per cycle: {statements / max(cycles, 1):.1f}")
    print(f"  take-next latency: p50 {statistics.median(takes) * 1000:.1f} ms, "
          f"p99 {takes[int(len(takes) * 0.99) - 1] * 1000:.1f} ms over {len(takes)} takes")
    print(f"  pgbench SKIP LOCKED claim+release: {bare:8.1f} cycles/s")
    print(f"  app / pgbench: {rate / bare:.2f}   (goal >= 0.5; take-next p99 goal <= 10 ms)")
    print(f"  double claims: {doubles}")


if __name__ == "__main__":
    main()

"""The housing queue under 8 coordinators at once, beside pgbench doing the bare claim on the same shape.

8 processes (PostgreSQL) each loop for --seconds: take the next household (queue.take_next: FOR UPDATE SKIP
LOCKED), propose it to an offer with room (its beds taken at once), decline the proposal (the household keeps
its place, the beds come back) -- all through the services, one transaction each, as the pages do. Every take
is logged with its holder and time so that a double claim (two coordinators holding one household at once)
would be found. In the same run pgbench runs a claim script on a table of the same shape and index with the
same number of clients: SELECT ... FOR UPDATE SKIP LOCKED, mark it leased, commit, put it back.

A second anchor, in the same run: pgbench replaying the very round trips one app cycle sends (captured from the
app before the run: bench/pgbench_cycle.py), with the same clients. What PostgreSQL needs for the cycle's writes is
its rate; the rest of the gap to the app is the app's own work.

Prints cycles/s for the app and both anchors, the ratios, take-next p50/p99, statements and round trips per cycle,
pgbench's per-command latencies of the claim, and the double claims (must be 0).
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
import collections
import gc
import itertools
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from datetime import date

import sqlalchemy as sa

from bench.databases import fresh_postgres_database
from bench.pgbench_cycle import Capture, pgbench_script, short_command

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
        # Each table gives ids from a range of its own, so that the captured cycle's values tell which id is which.
        for n, table in enumerate(("users", "housing_offers", "households", "queue_entries", "matches"), start=1):
            db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n * 100_000})"))
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


def cycle(coordinator, offer_id):
    """Take the next household, propose it the offer, decline: one cycle, as a coordinator's pages do it."""
    from aidcoord.housing import matching as housing
    from aidcoord.matching import queue
    from aidcoord.matching.models import QueueKind

    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    if entry is None:
        return None, None
    match = housing.propose_offer(coordinator, entry, offer_id)
    housing.decline(coordinator, match, "bench: back to the queue")
    return entry, match


def capture_cycle(url, coordinators, offers) -> str:
    """One cycle of the first coordinator, recorded after one to warm up, as a pgbench script for all of them
    (coordinator and offer ids are consecutive: `:client_id` picks each client's)."""
    from aidcoord.accounts.models import User
    from aidcoord.common.types import utcnow
    from aidcoord.extensions import db

    if coordinators != list(range(coordinators[0], coordinators[0] + len(coordinators))) or \
            offers != list(range(offers[0], offers[0] + len(offers))):
        raise RuntimeError("the coordinators' and the offers' ids are not consecutive")
    app = make_app(url)
    with app.app_context():
        coordinator = db.session.get_one(User, coordinators[0])
        cycle(coordinator, offers[0])
        started = utcnow()
        with Capture(db.engine).recording() as capture:
            entry, match = cycle(coordinator, offers[0])
        names = {coordinators[0]: "coordinator_id", offers[0]: "offer_id", entry.id: "take_id",
                 entry.subject_id: "take_subject_id", match.id: "match_id"}
        if len(names) != 5 or min(names) < 100_000:  # a small id could be a count (LIMIT 1, 2 beds) as well
            raise RuntimeError(f"the cycle's ids cannot be told apart from each other and from counts: {names}")
        preamble = (f"\\set coordinator_id {coordinators[0]} + :client_id\n"
                    f"\\set offer_id {offers[0]} + :client_id\n")
        script = pgbench_script(capture.sent, names, started, preamble)
        db.engine.dispose()
    return script


def takes_alone(url, coordinator_id, rounds=300) -> list[float]:
    """Seconds of `rounds` takes by one coordinator with nothing else running (each entry given back at once)."""
    from aidcoord.accounts.models import User
    from aidcoord.extensions import db
    from aidcoord.matching import queue
    from aidcoord.matching.models import QueueKind

    app = make_app(url)
    takes = []
    with app.app_context():
        coordinator = db.session.get_one(User, coordinator_id)
        for _ in range(rounds):
            started = time.perf_counter()
            entry = queue.take_next(coordinator, QueueKind.HOUSING)
            takes.append(time.perf_counter() - started)
            if entry is not None:
                queue.release(coordinator, entry)
        db.engine.dispose()
    return sorted(takes)


def sample_waits(url, stop: threading.Event, counts: collections.Counter, start_at: float) -> None:
    """What the app's PostgreSQL backends are doing, sampled every 20 ms from `start_at` until `stop`: waiting for
    the app (idle, or idle in transaction), running a statement (on CPU), waiting for the WAL to be flushed at commit
    (IO:WALSync, LWLock:WALWrite), for a lock (Lock:...)."""
    time.sleep(max(0.0, start_at - time.time()))
    engine = sa.create_engine(url)
    query = sa.text("SELECT CASE WHEN state <> 'active' THEN state || ' (the app''s turn)' "
                    "ELSE coalesce(wait_event_type || ':' || wait_event, 'on CPU') END FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'")
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        while not stop.wait(0.02):
            counts.update(connection.execute(query).scalars())
    engine.dispose()


def coordinator_loop(url, coordinator_id, offer_id, seconds, start_at, results):
    """One coordinator: take, propose, decline, again until the time is up."""
    from aidcoord.accounts.models import User
    from aidcoord.extensions import db
    from aidcoord.housing import matching as housing
    from aidcoord.matching import queue
    from aidcoord.matching.models import QueueKind

    app = make_app(url)
    takes, take_cpu, holds, cycles, errors, statements, round_trips = [], [], [], 0, 0, 0, 0
    with app.app_context():
        coordinator = db.session.get_one(User, coordinator_id)
        gc.freeze()  # the app's objects out of the collector's view, as gunicorn.conf.py's workers do
        time.sleep(max(0.0, start_at - time.time()))
        deadline = time.time() + seconds
        with Capture(db.engine).recording() as sent:
            while time.time() < deadline:
                started, cpu_started = time.perf_counter(), time.process_time()
                entry = queue.take_next(coordinator, QueueKind.HOUSING)
                takes.append(time.perf_counter() - started)
                take_cpu.append(time.process_time() - cpu_started)
                if entry is None:
                    continue
                # The hold as logged lies inside the real one (from after the take's commit to before the commit
                # that gives the entry back), so two logged holds that overlap are a real double claim.
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
                round_trips += sent.round_trips()
                statements += sum(item.parameters is not None for item in sent.sent)
                sent.sent.clear()
        db.engine.dispose()
    results.put((cycles, errors, takes, holds, statements, round_trips, take_cpu))


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
    waits: collections.Counter = collections.Counter()
    stop = threading.Event()
    sampler = threading.Thread(target=sample_waits, args=(url, stop, waits, start_at))
    sampler.start()
    outcomes = [results.get(timeout=seconds + 300) for _ in processes]
    stop.set()
    sampler.join()
    for process in processes:
        process.join()
    cycles = sum(outcome[0] for outcome in outcomes)
    errors = sum(outcome[1] for outcome in outcomes)
    takes = sorted(value for outcome in outcomes for value in outcome[2])
    statements = sum(outcome[4] for outcome in outcomes)
    round_trips = sum(outcome[5] for outcome in outcomes)
    take_cpu = sorted(value for outcome in outcomes for value in outcome[6])
    return (cycles, errors, (takes, take_cpu), double_claims([outcome[3] for outcome in outcomes]), statements,
            round_trips, waits)


def prepare_claim_table(url) -> None:
    """bench_queue: the queue's table shape and indexes, every entry waiting."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS bench_queue"))
        connection.execute(sa.text("CREATE TABLE bench_queue (LIKE queue_entries INCLUDING ALL)"))
        connection.execute(sa.text("INSERT INTO bench_queue SELECT * FROM queue_entries"))
        connection.execute(sa.text("UPDATE bench_queue SET state = 'waiting', leased_by_id = NULL, "
                                   "lease_expires_at = NULL"))
    engine.dispose()


def run_pgbench(url, script_text, clients, seconds, *options) -> tuple[float, list[tuple[float, str]]]:
    """Transactions (script runs) per second of `script_text`, and its per-command latencies (ms, command)."""
    libpq = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(script_text)
    try:
        run = subprocess.run([shutil.which("pgbench") or "pgbench", "-n", "-c", str(clients), "-j", "2",  # noqa: S603
                              "-T", str(seconds), "--report-per-command", *options, "-f", script.name, libpq],
                             capture_output=True, text=True, check=False)
    finally:
        os.unlink(script.name)
    found = re.search(r"tps = ([\d.]+)", run.stdout)
    if run.returncode != 0 or found is None:
        raise RuntimeError(f"pgbench failed: {run.stdout[-800:]}{run.stderr[-1500:]}")
    report = run.stdout.split("statement latencies in milliseconds", 1)[-1].splitlines()[1:]
    commands = [(float(latency), command) for latency, command in
                (line.split(maxsplit=2)[::2] for line in report if re.match(r"\s+[\d.]+\s+\d+\s", line))]
    return float(found.group(1)), commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--show-script", action="store_true", help="print the captured cycle's pgbench script")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgresql"):
        sys.exit("bench/queue.py needs PostgreSQL (BENCH_DATABASE_URL)")
    fresh_postgres_database(url)
    coordinators, offers = seed(url, args.households, args.clients)
    same_cycle = capture_cycle(url, coordinators, offers)
    if args.show_script:
        print(same_cycle)
    alone = takes_alone(url, coordinators[0])
    cycles, errors, (takes, take_cpu), doubles, statements, round_trips, waits = run_app(
        url, coordinators, offers, args.seconds)
    prepare_claim_table(url)
    claim, claim_commands = run_pgbench(url, PGBENCH_SCRIPT, args.clients, args.seconds)
    # Prepared, as psycopg sends a statement from its fifth run on (prepare_threshold).
    replay, replay_commands = run_pgbench(url, same_cycle, args.clients, args.seconds, "-M", "prepared")
    rate = cycles / args.seconds
    print(f"queue: {args.clients} coordinators, {args.households} waiting households, {args.seconds} s, PostgreSQL")
    print(f"  app  take/propose/decline: {rate:8.1f} cycles/s  ({cycles} cycles, {errors} refused)")
    print(f"  SQL statements per cycle: {statements / max(cycles, 1):.1f}; round trips per cycle (with BEGIN, COMMIT "
          f"and pings): {round_trips / max(cycles, 1):.1f}")
    print(f"  take-next latency: p50 {statistics.median(takes) * 1000:.1f} ms, "
          f"p99 {takes[int(len(takes) * 0.99) - 1] * 1000:.1f} ms over {len(takes)} takes; alone (one coordinator, "
          f"nothing else running): p50 {statistics.median(alone) * 1000:.2f} ms, "
          f"p99 {alone[int(len(alone) * 0.99) - 1] * 1000:.2f} ms")
    print(f"  the take's own CPU time in the app process, under the full load: p50 "
          f"{statistics.median(take_cpu) * 1000:.2f} ms, p99 {take_cpu[int(len(take_cpu) * 0.99) - 1] * 1000:.2f} ms "
          f"(the rest of its time it waits: for a core, for PostgreSQL)")
    sampled = sum(waits.values())
    print("  the app's PostgreSQL backends, sampled every 20 ms: " + ", ".join(
        f"{state} {count / max(sampled, 1):.0%}" for state, count in waits.most_common(6)))
    print(f"  pgbench SKIP LOCKED claim+release: {claim:8.1f} cycles/s   per command (ms):")
    for latency, command in claim_commands:
        print(f"      {latency:7.3f}  {short_command(command)}")
    round_trips_replayed = sum(not command.startswith("\\") for _, command in replay_commands)
    print(f"  pgbench the app's cycle, the same {round_trips_replayed} round trips: {replay:8.1f} cycles/s "
          f"({sum(latency for latency, _ in replay_commands):.2f} ms of latency per cycle), the slowest (ms):")
    for latency, command in sorted(replay_commands, reverse=True)[:6]:
        print(f"      {latency:7.3f}  {short_command(command)}")
    print(f"  app / pgbench claim: {rate / claim:.2f}   (goal >= 0.5; take-next p99 goal <= 10 ms)")
    print(f"  app / pgbench same cycle: {rate / replay:.2f};  same cycle / claim: {replay / claim:.2f}")
    print(f"  double claims: {doubles}")

if __name__ == "__main__":
    main()

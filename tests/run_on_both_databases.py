"""`make test`'s runs of the suite: on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.

The two runs go at the same time, one per core: one after the other they took about 36 minutes, at once
about the time of the longer one. Each writes to its own log, printed whole once both have finished, so that
the two never interleave; either run failing (or collecting nothing) fails the whole. What they could share is
kept apart at its cause: the SQLite run never sees TEST_DATABASE_URL (nor any database named after it), each
run's RAM databases have their own folder (tests/conftest.py), ports are picked free, Redis keys carry a fresh
prefix, and each run keeps its own pytest cache (its own --last-failed).

Usage: python tests/run_on_both_databases.py [pytest arguments for both runs, e.g. --durations=40]
"""
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def sqlite_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != "TEST_DATABASE_URL"}


def run_sqlite_only(pytest_arguments: list[str]) -> int:
    """No PostgreSQL to test on: the one run streams its output as it goes."""
    status = subprocess.call([sys.executable, "-m", "pytest", *pytest_arguments],  # noqa: S603 - our own pytest
                             cwd=REPO_ROOT, env=sqlite_environment())
    print("(TEST_DATABASE_URL not set: PostgreSQL run skipped)", flush=True)
    return status


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def run_both(pytest_arguments: list[str], postgres_url: str) -> int:
    """Both runs at once; their logs printed one after the other; 0 only when both passed."""
    runs = {"SQLite": (sqlite_environment(), []),
            # Its own cache folder: the two runs would otherwise overwrite each other's record of what failed.
            f"PostgreSQL ({postgres_url})": (dict(os.environ), ["-o", "cache_dir=.pytest_cache/postgresql"])}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aidcoord-test-logs-") as folder:
        processes: dict[str, subprocess.Popen[bytes]] = {}
        logs: dict[str, Path] = {}
        for number, (name, (environment, options)) in enumerate(runs.items()):
            logs[name] = Path(folder) / f"run{number}.log"
            with logs[name].open("wb") as output:
                processes[name] = subprocess.Popen(  # noqa: S603 - our own pytest
                    [sys.executable, "-m", "pytest", *options, *pytest_arguments],
                    cwd=REPO_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        print(f"== the tests on {' and on '.join(runs)}, at once; each run's output follows when both are done",
              flush=True)
        statuses: dict[str, int] = {}
        durations: dict[str, float] = {}
        try:
            while len(statuses) < len(processes):
                for name, process in processes.items():
                    if name not in statuses and process.poll() is not None:
                        statuses[name], durations[name] = process.returncode, time.monotonic() - started
                        print(f"   {name}: finished, exit status {process.returncode}, "
                              f"{minutes(durations[name])}", flush=True)
                time.sleep(1)
        except KeyboardInterrupt:
            # Ctrl-C reached the runs too (one process group): let them stop, then show what they printed.
            for name, process in processes.items():
                statuses.setdefault(name, process.wait())
                durations.setdefault(name, time.monotonic() - started)
        for name, log in logs.items():
            print(f"\n== the tests on {name}: exit status {statuses[name]}, {minutes(durations[name])}", flush=True)
            sys.stdout.buffer.write(log.read_bytes())
            sys.stdout.flush()
    print()
    for name, status in statuses.items():
        print(f"== {name}: {'passed' if status == 0 else f'FAILED (pytest exit status {status})'}, "
              f"{minutes(durations[name])}")
    print(f"== both runs: {minutes(time.monotonic() - started)}", flush=True)
    return 0 if all(status == 0 for status in statuses.values()) else 1


def main() -> int:
    pytest_arguments = sys.argv[1:]
    postgres_url = os.environ.get("TEST_DATABASE_URL")
    return run_both(pytest_arguments, postgres_url) if postgres_url else run_sqlite_only(pytest_arguments)


if __name__ == "__main__":
    sys.exit(main())

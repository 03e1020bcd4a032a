"""The benchmarks' scratch databases, and timing requests."""
import os
import tempfile
import time

import sqlalchemy as sa


def fresh_postgres_database(url: str) -> None:
    """Drop and create the PostgreSQL database `url` names (its server must let the user create databases)."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def scratch_database_url() -> str:
    """BENCH_DATABASE_URL made empty, or a new SQLite file when it is not set."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        fresh_postgres_database(url)
        return url
    return f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"


def request_timings(client, path: str, rounds: int, headers: dict | None = None) -> list[float]:
    """Milliseconds of `rounds` GETs of `path` (after one to warm the caches), sorted; each must answer 200."""
    client.get(path, headers=headers)
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
    return sorted(timings)

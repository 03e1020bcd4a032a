"""The benchmarks' scratch databases."""
import os
import tempfile

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

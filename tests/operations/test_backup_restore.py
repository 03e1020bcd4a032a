"""A backup is only as good as its restore: pg_dump the database, restore it into a fresh one, and the app
finds it ready (its migrations at the code's head) with every record there."""
import shutil
import subprocess

import pytest
import sqlalchemy as sa

from aidcoord.extensions import db
from aidcoord.housing import households
from tests.conftest import POSTGRES_URL, make_app, recreate_postgres_database
from tests.factories import HousingOfferFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="backups are of PostgreSQL (TEST_DATABASE_URL)")
TABLES = ("users", "organizations", "households", "housing_offers", "queue_entries", "audit_events",
          "consent_records")


def libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it."""
    return sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        found = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}")) for table in TABLES}  # noqa: S608
    engine.dispose()
    return found


def test_a_dump_restores_into_a_fresh_database_that_the_app_finds_ready(app, database_url, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (apt-get install postgresql-client)")
    OrganizationFactory(members=[UserFactory()])
    HousingOfferFactory(beds=3)
    households.register_household(UserFactory(roles=["coordinator"]), dict(FAMILY))
    db.session.commit()
    before = counts(database_url)
    assert before["households"] == 1

    dump = tmp_path / "aidcoord.dump"
    subprocess.run([shutil.which("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}",  # noqa: S603
                    libpq(database_url)], check=True)
    restored = sa.engine.make_url(database_url).set(
        database=f"{sa.engine.make_url(database_url).database}_restored").render_as_string(hide_password=False)
    recreate_postgres_database(restored)
    subprocess.run([shutil.which("pg_restore"), "--no-owner", "--exit-on-error",  # noqa: S603
                    f"--dbname={libpq(restored)}", str(dump)], check=True)

    assert counts(restored) == before
    restored_app = make_app(restored)
    with restored_app.app_context():
        response = restored_app.test_client().get("/readyz")
        checks = response.get_json()["checks"]
        assert checks["database"]["ok"] and checks["migrations"]["ok"], checks
        db.engine.dispose()

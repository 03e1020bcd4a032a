"""Migration 0013 turns every yes of the old consent columns into a consent record (text version 0)."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from aidcoord.extensions import db
from tests.conftest import POSTGRES_URL, make_app, recreate_postgres_database


@pytest.fixture
def empty_database_url(tmp_path):
    if POSTGRES_URL:
        url = sa.engine.make_url(POSTGRES_URL)
        scratch = url.set(database=f"{url.database}_consent_migration").render_as_string(hide_password=False)
        recreate_postgres_database(scratch)
        return scratch
    return f"sqlite:///{tmp_path / 'empty.sqlite'}"


MOMENT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC).replace(tzinfo=None)  # stored naive, in UTC (UTCDateTime)
FILLERS = {sa.Integer: 0, sa.String: "x", sa.Boolean: False, sa.DateTime: MOMENT, sa.Date: date(2026, 1, 5),
           sa.JSON: []}


def insert(connection, table_name: str, **values) -> None:
    """A row of the table as it was at 0012: every required column filled, then `values`."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    row = {}
    for column in table.columns:
        if column.nullable or (column.primary_key and column.name not in values):
            continue
        row[column.name] = next((value for kind, value in FILLERS.items() if isinstance(column.type, kind)), "x")
    connection.execute(table.insert().values({**row, **values}))


def test_every_yes_of_the_old_consent_columns_becomes_a_record(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade(revision="0012_listing_report_address")
        with db.engine.begin() as connection:
            for user_id in (1, 2):
                insert(connection, "users", id=user_id, email=f"person{user_id}@example.org")
            family = {"size": 1, "adults": 1}
            insert(connection, "households", id=1, registered_by_id=1, consent_to_share=True, **family)
            insert(connection, "households", id=2, registered_by_id=1, consent_to_share=False, **family)
            insert(connection, "households", id=3, registered_by_id=2, user_id=2, consent_to_share=True, **family)
            insert(connection, "job_seekers", id=1, registered_by_id=2, user_id=2, consent_to_share=True)
        upgrade(revision="0013_consent_records")
        with db.engine.connect() as connection:
            records = connection.execute(sa.text(
                "SELECT subject_kind, subject_id, subject_user_id, purpose, text_version, language, given_by_id,"
                " on_behalf, withdrawn_at FROM consent_records ORDER BY subject_kind, subject_id")).all()
        db.engine.dispose()
    assert [tuple(record) for record in records] == [
        ("household", 1, None, "share_with_host", "0", "und", 1, True, None),
        ("household", 3, 2, "share_with_host", "0", "und", 2, False, None),
        ("job_seeker", 1, 2, "share_with_employer", "0", "und", 2, False, None),
    ]

"""Migration 0014 removes the personal values the audit trail held before (a host's address in an offer's
diff, a suspension's reason), keeps what is not personal, and leaves the trail append-only."""


import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from tests.conftest import POSTGRES_URL, make_app, recreate_postgres_database

BEFORE, AFTER = "0013_consent_records", "0014_audit_personal_values"
EVENTS = sa.table("audit_events", sa.column("id", sa.Integer), sa.column("occurred_at", sa.DateTime(timezone=True)),
                  sa.column("action", sa.String), sa.column("entity_type", sa.String),
                  sa.column("entity_id", sa.Integer), sa.column("changes", sa.JSON), sa.column("reason", sa.String),
                  sa.column("subject_type", sa.String), sa.column("subject_id", sa.Integer))


@pytest.fixture
def scratch_url(tmp_path):
    if POSTGRES_URL:
        url = sa.engine.make_url(POSTGRES_URL)
        scratch = url.set(database=f"{url.database}_scrub").render_as_string(hide_password=False)
        recreate_postgres_database(scratch)
        return scratch
    return f"sqlite:///{tmp_path / 'scrub.sqlite'}"


def test_values_already_in_the_audit_are_replaced_by_their_field_names(scratch_url):
    app = make_app(scratch_url)
    with app.app_context():
        upgrade(revision=BEFORE)
        now = utcnow()  # any moment: the rule does not depend on it
        with db.engine.begin() as connection:
            connection.execute(sa.insert(EVENTS), [
                {"occurred_at": now, "action": "update", "entity_type": "housing_offer", "entity_id": 1,
                 "changes": {"address": ["1 Old St", "7 Secret Lane"], "beds": [2, 3]}, "reason": None},
                {"occurred_at": now, "action": "state_change", "entity_type": "user", "entity_id": 5,
                 "changes": {"host_suspended": [False, True]}, "reason": "shouted at the children"},
                {"occurred_at": now, "action": "update", "entity_type": "organization", "entity_id": 2,
                 "changes": {"contact_phone": ["+374 91 000000", "+374 91 111111"], "name": ["A", "B"]},
                 "reason": None},
                {"occurred_at": now, "action": "state_change", "entity_type": "need", "entity_id": 4,
                 "changes": {"state": ["open", "closed"]}, "reason": "all delivered"},
                {"occurred_at": now, "action": "view_personal_data", "entity_type": "household", "entity_id": 3,
                 "changes": {"fields": ["contact_name"]}, "reason": None},
            ])
        upgrade(revision=AFTER)
        with db.engine.begin() as connection:
            rows = {row.entity_type: row for row in connection.execute(sa.select(
                sa.table("audit_events", sa.column("entity_type"), sa.column("changes", sa.JSON),
                         sa.column("reason"), sa.column("subject_type"), sa.column("subject_id"))))}
        assert rows["housing_offer"].changes == {"address": ["(withheld)", "(withheld)"], "beds": [2, 3]}
        assert rows["user"].changes == {"host_suspended": [False, True], "suspension_reason": "(withheld)"}
        assert rows["user"].reason is None
        assert rows["organization"].changes == {"contact_phone": ["(withheld)", "(withheld)"], "name": ["A", "B"]}
        assert rows["need"].reason == "all delivered"  # not personal: kept
        assert (rows["household"].subject_type, rows["household"].subject_id) == ("household", 3)
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE audit_events SET reason = 'forged'"))
        db.engine.dispose()

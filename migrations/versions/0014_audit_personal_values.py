"""audit: why a view happened (purpose, the record it served, whose organization); personal values removed

Views of personal data now say why (a purpose code and the record served, e.g. match 12) and whose
organization's record was seen, so that organizations can read their own. The audit keeps field names,
never a person's values: values of personal columns copied into `changes` before (a host's address, an
organization's contact, ...) and reasons copied from personal columns (a raise's boost reason, a vetting
note, a suspension's reason, a match's decline reason, an incident's review note) are replaced by
"(withheld)". The table is append-only in the database: its guard is lifted for this one rewrite and put
back before the migration ends.

Revision ID: 0014_audit_personal_values
Revises: 0013_consent_records
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0014_audit_personal_values'
down_revision = '0013_consent_records'
branch_labels = None
depends_on = None

WITHHELD = "(withheld)"
# The personal columns (info=PERSONAL) of each audited entity when this migration was written.
PERSONAL = {
    "household": {"contact_name", "contact_phone", "medical_note", "boost_reason", "priority_reasons",
                  "external_ref"},
    "housing_offer": {"address", "notes", "vetting_note", "external_ref"},
    "job_seeker": {"contact_name", "contact_phone", "contact_email", "boost_reason"},
    "organization": {"contact_email", "contact_phone"},
    "user": {"email", "name", "password_hash"},
    "match": {"decline_reason"},
    "pledge": {"note"},
    "incident": {"description", "review_note"},
    "welfare_check": {"note"},
    "volunteer_profile": {"availability", "background_check"},
}


def personal_reason(entity_type, action, changes, reason):
    """The personal column a stored reason was copied from, or None when the reason is not personal."""
    if reason is None:
        return None
    if entity_type == "household" and action == "update" and "priority" in changes \
            and "vulnerability_confirmed" not in changes:
        return "boost_reason"
    if entity_type == "job_seeker" and action == "update" and "priority_boost" in changes:
        return "boost_reason"
    if entity_type == "housing_offer" and action == "state_change" \
            and (changes.get("vetting_state") or [None, None])[1] in ("verified", "rejected"):
        return "vetting_note"
    if entity_type == "user" and "host_suspended" in changes:
        return "suspension_reason"
    if entity_type == "match" and action == "state_change":
        return "decline_reason"
    if entity_type == "incident" and action == "state_change" and "reviewed" in changes:
        return "review_note"
    return None


def scrubbed(entity_type, action, changes, reason):
    """(changes, reason) holding field names only for personal columns; None when nothing changes."""
    personal = PERSONAL.get(entity_type, set())
    new = {key: ([WITHHELD, WITHHELD] if isinstance(value, list) and len(value) == 2 else WITHHELD)
           if key in personal and value not in (WITHHELD, [WITHHELD, WITHHELD]) else value
           for key, value in changes.items()}
    field = personal_reason(entity_type, action, changes, reason)
    if field is not None:
        new[field], reason = WITHHELD, None
    return (new, reason) if new != changes or field is not None else None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('purpose', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('served_by_type', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('served_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_audit_events_subject', ['subject_type', 'subject_id'], unique=False)
    keep_guard()
    remove_personal_values()


def keep_guard():
    """On SQLite a batch that copies the table would leave its triggers behind: make sure they are there."""
    if op.get_bind().dialect.name != "postgresql":
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER IF NOT EXISTS audit_events_no_{operation.lower()} BEFORE {operation} ON audit_events
                BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
            """)


def remove_personal_values():
    bind = op.get_bind()
    events = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('entity_type', sa.String),
                      sa.column('entity_id', sa.Integer), sa.column('action', sa.String),
                      sa.column('changes', sa.JSON), sa.column('reason', sa.String))
    rows = bind.execute(sa.select(events.c.id, events.c.entity_type, events.c.entity_id, events.c.action,
                                  events.c.changes, events.c.reason)).all()
    updates = []
    views = []
    for row in rows:
        changes = row.changes if isinstance(row.changes, dict) else json.loads(row.changes or "{}")
        result = scrubbed(row.entity_type, row.action, changes or {}, row.reason)
        if result is not None:
            updates.append({"event_id": row.id, "new_changes": result[0], "new_reason": result[1]})
        if row.action == "view_personal_data":  # views recorded before: the record seen is the person's
            views.append({"event_id": row.id, "new_type": row.entity_type, "new_id": row.entity_id})
    if not updates and not views:
        return
    lift_guard(bind)
    by_id = events.c.id == sa.bindparam("event_id")
    if updates:
        bind.execute(events.update().where(by_id).values(changes=sa.bindparam("new_changes", type_=sa.JSON),
                                                         reason=sa.bindparam("new_reason")), updates)
    if views:
        subject = sa.table('audit_events', sa.column('id', sa.Integer), sa.column('subject_type', sa.String),
                           sa.column('subject_id', sa.Integer))
        bind.execute(subject.update().where(subject.c.id == sa.bindparam("event_id")).values(
            subject_type=sa.bindparam("new_type"), subject_id=sa.bindparam("new_id")), views)
    restore_guard(bind)


def lift_guard(bind):
    """The guard of 0001_foundation off, for this transaction's rewrite only."""
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")


def restore_guard(bind):
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    else:
        op.execute("""
            CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
        """)


def downgrade():
    # The values removed are gone for good: only the new columns are dropped.
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_subject')
        batch_op.drop_index(batch_op.f('ix_audit_events_organization_id'))
        batch_op.drop_column('organization_id')
        batch_op.drop_column('served_by_id')
        batch_op.drop_column('served_by_type')
        batch_op.drop_column('purpose')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_type')
    keep_guard()

"""retention dates of cases, offers, profiles and accounts; people's erasure requests

Backfill: every existing household, housing offer, job seeker, volunteer profile and account gets a
retain_until of its creation plus the default period of its kind (config.py RETENTION_MONTHS). The first
`flask privacy purge` recomputes them from each record's activity (open records are never purged).

Revision ID: 0018_retention
Revises: 0017_housing_batch_runs
"""
import calendar
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = '0018_retention'
down_revision = '0017_housing_batch_runs'
branch_labels = None
depends_on = None

# The defaults of config.Config.RETENTION_MONTHS when this migration was written.
_BACKFILL = (
    ('household', 'SELECT id, created_at FROM households', 12),
    ('housing_offer', 'SELECT id, created_at FROM housing_offers', 12),
    ('job_seeker', 'SELECT id, created_at FROM job_seekers', 12),
    ('volunteer_profile', 'SELECT p.id, u.created_at FROM volunteer_profiles p JOIN users u ON u.id = p.user_id', 24),
    ('account', 'SELECT id, created_at FROM users', 24),
)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _day(value) -> date:
    # SQLite returns the stored text of a DATETIME to a plain query; PostgreSQL a datetime.
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value.date()


def upgrade():
    retention = op.create_table(
        'retention_dates',
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('retain_until', sa.Date(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=True),
        sa.Column('anonymised_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('kind', 'record_id', name=op.f('pk_retention_dates')),
    )
    with op.batch_alter_table('retention_dates') as batch:
        batch.create_index(batch.f('ix_retention_dates_retain_until'), ['retain_until'], unique=False)
    op.create_table(
        'erasure_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.Enum('waiting', 'done', name='erasurestate', native_enum=False,
                                   create_constraint=True, length=7), nullable=False),
        sa.Column('blocked_by', sa.JSON(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('completed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_erasure_requests_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    )
    with op.batch_alter_table('erasure_requests') as batch:
        batch.create_index(batch.f('ix_erasure_requests_state'), ['state'], unique=False)
        batch.create_index(batch.f('ix_erasure_requests_user_id'), ['user_id'], unique=False)

    connection = op.get_bind()
    for kind, query, months in _BACKFILL:
        rows = [{'kind': kind, 'record_id': record_id, 'retain_until': _add_months(_day(created_at), months)}
                for record_id, created_at in connection.execute(sa.text(query))
                if created_at is not None]
        if rows:
            op.bulk_insert(retention, rows)


def downgrade():
    with op.batch_alter_table('erasure_requests') as batch:
        batch.drop_index(batch.f('ix_erasure_requests_user_id'))
        batch.drop_index(batch.f('ix_erasure_requests_state'))
    op.drop_table('erasure_requests')
    with op.batch_alter_table('retention_dates') as batch:
        batch.drop_index(batch.f('ix_retention_dates_retain_until'))
    op.drop_table('retention_dates')

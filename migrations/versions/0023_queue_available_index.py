"""queue_entries: a partial index of the available entries (waiting or leased) in queue order, for take_next

Revision ID: 0023_queue_available_index
Revises: 0022_household_arrival_place
"""
import sqlalchemy as sa
from alembic import op

revision = '0023_queue_available_index'
down_revision = '0022_household_arrival_place'
branch_labels = None
depends_on = None

AVAILABLE_ENTRY = "state IN ('waiting', 'leased')"


def upgrade():
    op.create_index('ix_queue_entries_available', 'queue_entries',
                    ['kind', sa.text('priority DESC'), 'joined_at', 'id'],
                    sqlite_where=sa.text(AVAILABLE_ENTRY), postgresql_where=sa.text(AVAILABLE_ENTRY))


def downgrade():
    op.drop_index('ix_queue_entries_available', table_name='queue_entries')

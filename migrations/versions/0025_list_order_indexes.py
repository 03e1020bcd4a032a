"""Indexes for the default orders of the large lists: needs (most urgent, then needed by), the job board (newest
published first) and the queue's list (open entries in queue order), so a page is read in order, not sorted

Revision ID: 0025_list_order_indexes
Revises: 0024_household_imports
"""
import sqlalchemy as sa
from alembic import op

revision = '0025_list_order_indexes'
down_revision = '0024_household_imports'
branch_labels = None
depends_on = None

PUBLISHED = "state = 'published'"
OPEN_ENTRY = "state IN ('waiting', 'leased', 'proposed')"


def upgrade():
    # urgency's values sort as its ranks do: critical, high, normal (aidcoord.needs.models)
    op.create_index('ix_needs_list_order', 'needs', ['urgency', 'needed_by', 'id'])
    op.create_index('ix_job_listings_board', 'job_listings', [sa.text('created_at DESC'), sa.text('id DESC')],
                    sqlite_where=sa.text(PUBLISHED), postgresql_where=sa.text(PUBLISHED))
    op.create_index('ix_queue_entries_open', 'queue_entries', ['kind', sa.text('priority DESC'), 'joined_at', 'id'],
                    sqlite_where=sa.text(OPEN_ENTRY), postgresql_where=sa.text(OPEN_ENTRY))


def downgrade():
    op.drop_index('ix_queue_entries_open', table_name='queue_entries')
    op.drop_index('ix_job_listings_board', table_name='job_listings')
    op.drop_index('ix_needs_list_order', table_name='needs')

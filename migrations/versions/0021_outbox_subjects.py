"""outbox messages to a person without an account name whose record they are about (subject_kind, subject_id),
so the worker skips them when that person withdraws consent to messages after they were queued

Revision ID: 0021_outbox_subjects
Revises: 0020_telegram_bot
"""
import sqlalchemy as sa
from alembic import op

revision = '0021_outbox_subjects'
down_revision = '0020_telegram_bot'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_kind', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_kind')

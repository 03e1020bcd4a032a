"""languages: each account's preferred language; the language each queued message was written in

Revision ID: 0008_languages
Revises: 0007_one_lifecycle
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_languages'
down_revision = '0007_one_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_language', sa.String(length=16), nullable=True))
    # Messages already queued were written in the default language.
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=16), nullable=False, server_default='en'))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('locale')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('preferred_language')

"""listing reports keep a keyed digest of the reporter's address, signed in or not

Revision ID: 0012_listing_report_address
Revises: 0011_invitation_tokens
"""
import sqlalchemy as sa
from alembic import op

revision = '0012_listing_report_address'
down_revision = '0011_invitation_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address_key', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.drop_column('address_key')

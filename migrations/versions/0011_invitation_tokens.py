"""invitations carry the hash of a secret sent in the e-mailed link

Invitations still pending from before have no token and can no longer be accepted: they must be sent again.

Revision ID: 0011_invitation_tokens
Revises: 0010_priority_reasons_as_codes
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_invitation_tokens'
down_revision = '0010_priority_reasons_as_codes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organization_invitations') as batch:
        batch.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_organization_invitations_token_hash', ['token_hash'])


def downgrade():
    with op.batch_alter_table('organization_invitations') as batch:
        batch.drop_constraint('uq_organization_invitations_token_hash', type_='unique')
        batch.drop_column('token_hash')

"""households: where the household arrived or stays now (a town, a crossing point, a reception centre)

Revision ID: 0022_household_arrival_place
Revises: 0021_outbox_subjects
"""
import sqlalchemy as sa
from alembic import op

revision = '0022_household_arrival_place'
down_revision = '0021_outbox_subjects'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('households') as batch_op:
        batch_op.add_column(sa.Column('arrival_place', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('households') as batch_op:
        batch_op.drop_column('arrival_place')

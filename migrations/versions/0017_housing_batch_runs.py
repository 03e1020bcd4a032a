"""housing batch runs: the optimiser's proposals computed in the background, kept for review and approval

Revision ID: 0017_housing_batch_runs
Revises: 0016_arrival_reports
"""
import sqlalchemy as sa
from alembic import op

revision = '0017_housing_batch_runs'
down_revision = '0016_arrival_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'housing_batch_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=10), nullable=True),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='batchrunstate', native_enum=False,
                                   create_constraint=True, length=7), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'],
                                name=op.f('fk_housing_batch_runs_approved_by_id_users')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_housing_batch_runs_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_housing_batch_runs')),
    )
    with op.batch_alter_table('housing_batch_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_housing_batch_runs_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('housing_batch_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_housing_batch_runs_state'))
    op.drop_table('housing_batch_runs')

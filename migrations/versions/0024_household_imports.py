"""household imports run by the worker: the import to poll (counts, problems) and the uploaded file kept beside
its job until the job ends

Revision ID: 0024_household_imports
Revises: 0023_queue_available_index
"""
import sqlalchemy as sa
from alembic import op

revision = '0024_household_imports'
down_revision = '0023_queue_available_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_files',
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_files_job_id_jobs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id', name=op.f('pk_job_files')),
    )
    op.create_table(
        'household_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state', sa.Enum('queued', 'running', 'done', 'rejected', 'failed', name='importstate',
                                   native_enum=False, create_constraint=True, length=8), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('rows_total', sa.Integer(), nullable=False),
        sa.Column('rows_done', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=True),
        sa.Column('problems', sa.JSON(), nullable=True),
        sa.Column('error', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_household_imports_organization_id_organizations')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'],
                                name=op.f('fk_household_imports_requested_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_imports')),
    )
    with op.batch_alter_table('household_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_imports_requested_by_id'), ['requested_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('household_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_imports_requested_by_id'))
    op.drop_table('household_imports')
    op.drop_table('job_files')

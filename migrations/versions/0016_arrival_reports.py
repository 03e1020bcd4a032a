"""reported arrivals: cumulative counts with their source and local day and time

Revision ID: 0016_arrival_reports
Revises: 0015_background_worker
"""
import sqlalchemy as sa
from alembic import op

revision = '0016_arrival_reports'
down_revision = '0015_background_worker'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'arrival_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reported_on', sa.Date(), nullable=False),
        sa.Column('reported_time', sa.Time(), nullable=True),
        sa.Column('cumulative_arrivals', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=500), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('cumulative_arrivals >= 0', name=op.f('ck_arrival_reports_arrivals_not_negative')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_arrival_reports_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_arrival_reports')),
    )
    op.create_index('ix_arrival_reports_day_count', 'arrival_reports', ['reported_on', 'cumulative_arrivals'])


def downgrade():
    op.drop_index('ix_arrival_reports_day_count', table_name='arrival_reports')
    op.drop_table('arrival_reports')

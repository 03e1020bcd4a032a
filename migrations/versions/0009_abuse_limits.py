"""abuse limits: organization invitations; counted reporters of job listings; self-declared vulnerability
awaiting confirmation; outbox messages to an address without an account

Revision ID: 0009_abuse_limits
Revises: 0008_languages
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_abuse_limits'
down_revision = '0008_languages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organization_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('state', sa.Enum('pending', 'accepted', 'declined', name='invitationstate', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_organization_invitations_answered_by_id_users')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_organization_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_invitations_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_invitations'))
    )
    with op.batch_alter_table('organization_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_invitations_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_invitations_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('households', schema=None) as batch_op:
        # Households registered before: their vulnerability counts as it did (not self-declared).
        batch_op.add_column(sa.Column('vulnerability_self_declared', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('vulnerability_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('vulnerability_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_households_vulnerability_confirmed_by_id_users'), 'users', ['vulnerability_confirmed_by_id'], ['id'])

    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_key', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_listing_reports_reporter_key'), ['reporter_key'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.alter_column('recipient_id',
               existing_type=sa.INTEGER(),
               nullable=True)



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('recipient_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('email')

    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_reports_reporter_key'))
        batch_op.drop_column('reporter_key')

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_households_vulnerability_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('vulnerability_confirmed_by_id')
        batch_op.drop_column('vulnerability_confirmed_at')
        batch_op.drop_column('vulnerability_self_declared')

    with op.batch_alter_table('organization_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_invitations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_organization_invitations_email'))

    op.drop_table('organization_invitations')

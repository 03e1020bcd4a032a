"""consent as records (purpose, text version, language, by whom, withdrawal); the yes/no consent columns of
households and job seekers become records (text version "0": the words shown then are not known)

Revision ID: 0013_consent_records
Revises: 0012_listing_report_address
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_consent_records'
down_revision = '0012_listing_report_address'
branch_labels = None
depends_on = None

LEGACY_VERSION, UNKNOWN_LANGUAGE = '0', 'und'


def upgrade():
    op.create_table(
        'consent_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject_kind', sa.Enum('household', 'job_seeker', name='consentsubject', native_enum=False,
                                          create_constraint=True, length=10), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('subject_user_id', sa.Integer(), nullable=True),
        sa.Column('purpose', sa.Enum('registration', 'share_with_host', 'share_with_employer', 'messages',
                                     name='consentpurpose', native_enum=False, create_constraint=True, length=19),
                  nullable=False),
        sa.Column('text_version', sa.String(length=16), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('given_at', sa.DateTime(), nullable=False),
        sa.Column('given_by_id', sa.Integer(), nullable=True),
        sa.Column('on_behalf', sa.Boolean(), nullable=False),
        sa.Column('on_behalf_reason', sa.String(length=2000), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawal_on_behalf', sa.Boolean(), nullable=False),
        sa.Column('withdrawal_reason', sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(['given_by_id'], ['users.id'], name=op.f('fk_consent_records_given_by_id_users')),
        sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'],
                                name=op.f('fk_consent_records_subject_user_id_users')),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'],
                                name=op.f('fk_consent_records_withdrawn_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records')),
    )
    op.create_index('ix_consent_records_subject', 'consent_records', ['subject_kind', 'subject_id', 'purpose'])
    op.create_index(op.f('ix_consent_records_subject_user_id'), 'consent_records', ['subject_user_id'])
    # Every yes of the old columns becomes a record, given when the person was registered, by whoever registered
    # them (on their behalf unless it was their own account).
    records = sa.table('consent_records', *(sa.column(name) for name in (
        'subject_kind', 'subject_id', 'subject_user_id', 'purpose', 'text_version', 'language', 'given_at',
        'given_by_id', 'on_behalf', 'withdrawal_on_behalf')))
    for table, kind, purpose in (('households', 'household', 'share_with_host'),
                                 ('job_seekers', 'job_seeker', 'share_with_employer')):
        people = sa.table(table, *(sa.column(name) for name in (
            'id', 'user_id', 'registered_by_id', 'created_at', 'consent_to_share')))
        own_account = sa.and_(people.c.user_id.is_not(None), people.c.user_id == people.c.registered_by_id)
        op.execute(records.insert().from_select(list(records.c.keys()), sa.select(
            sa.literal(kind), people.c.id, people.c.user_id, sa.literal(purpose), sa.literal(LEGACY_VERSION),
            sa.literal(UNKNOWN_LANGUAGE), people.c.created_at, people.c.registered_by_id,
            sa.case((own_account, sa.false()), else_=sa.true()), sa.false(),
        ).where(people.c.consent_to_share.is_(True)).order_by(people.c.id)))


def downgrade():
    op.drop_index(op.f('ix_consent_records_subject_user_id'), table_name='consent_records')
    op.drop_index('ix_consent_records_subject', table_name='consent_records')
    op.drop_table('consent_records')

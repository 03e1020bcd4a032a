"""households carry keys that find possible duplicates by index: the phone in E.164, the name transliterated and
folded (one row per word in household_name_tokens); dismissed pairs are recorded. Existing rows are backfilled.

Revision ID: 0019_household_duplicate_keys
Revises: 0018_retention
"""
import sqlalchemy as sa
from alembic import op

revision = '0019_household_duplicate_keys'
down_revision = '0018_retention'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_key', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('name_key', sa.String(length=400), nullable=True))
        batch_op.create_index(batch_op.f('ix_households_phone_key'), ['phone_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_name_key'), ['name_key'], unique=False)
    op.create_table(
        'household_name_tokens',
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_household_name_tokens_household_id_households'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('household_id', 'token', name=op.f('pk_household_name_tokens')),
    )
    with op.batch_alter_table('household_name_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_name_tokens_token'), ['token'], unique=False)
    op.create_table(
        'household_duplicate_dismissals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('dismissed_by_id', sa.Integer(), nullable=False),
        sa.Column('dismissed_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('household_id < other_id', name=op.f('ck_household_duplicate_dismissals_pair_in_order')),
        sa.ForeignKeyConstraint(['dismissed_by_id'], ['users.id'],
                                name=op.f('fk_household_duplicate_dismissals_dismissed_by_id_users')),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_household_duplicate_dismissals_household_id_households'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['other_id'], ['households.id'],
                                name=op.f('fk_household_duplicate_dismissals_other_id_households'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_household_duplicate_dismissals')),
        sa.UniqueConstraint('household_id', 'other_id', name='uq_household_duplicate_dismissals_pair'),
    )
    with op.batch_alter_table('household_duplicate_dismissals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_duplicate_dismissals_other_id'), ['other_id'], unique=False)
    backfill()


def backfill():
    """Keys of the households registered before: the same functions as registration uses."""
    from aidcoord.housing.duplicates import block_keys, name_tokens, phone_key

    connection = op.get_bind()
    households = sa.table('households', sa.column('id', sa.Integer), sa.column('contact_phone', sa.String),
                          sa.column('contact_name', sa.String), sa.column('phone_key', sa.String),
                          sa.column('name_key', sa.String))
    tokens = sa.table('household_name_tokens', sa.column('household_id', sa.Integer), sa.column('token', sa.String))
    last = 0
    while True:
        rows = connection.execute(sa.select(households.c.id, households.c.contact_phone, households.c.contact_name)
                                  .where(households.c.id > last).order_by(households.c.id).limit(BATCH)).all()
        if not rows:
            return
        keys, words = [], []
        for row in rows:
            name = name_tokens(row.contact_name)
            keys.append({"key_id": row.id, "phone": phone_key(row.contact_phone), "name": " ".join(name)[:400]})
            words.extend({"household_id": row.id, "token": token} for token in sorted(block_keys(" ".join(name))))
        connection.execute(households.update().where(households.c.id == sa.bindparam("key_id")).values(
            phone_key=sa.bindparam("phone"), name_key=sa.bindparam("name")), keys)
        if words:
            connection.execute(tokens.insert(), words)
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table('household_duplicate_dismissals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_duplicate_dismissals_other_id'))
    op.drop_table('household_duplicate_dismissals')
    with op.batch_alter_table('household_name_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_name_tokens_token'))
    op.drop_table('household_name_tokens')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_name_key'))
        batch_op.drop_index(batch_op.f('ix_households_phone_key'))
        batch_op.drop_column('name_key')
        batch_op.drop_column('phone_key')

"""the Telegram bot: updates received (once each, the body kept until handled) and each person's conversation

Revision ID: 0020_telegram_bot
Revises: 0019_household_duplicate_keys
"""
import sqlalchemy as sa
from alembic import op

revision = '0020_telegram_bot'
down_revision = '0019_household_duplicate_keys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'telegram_updates',
        sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('body', sa.JSON(), nullable=True),
        sa.Column('handled_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('update_id', name=op.f('pk_telegram_updates')),
    )
    op.create_table(
        'telegram_conversations',
        sa.Column('telegram_user_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('language', sa.String(length=16), nullable=True),
        sa.Column('step', sa.String(length=40), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_telegram_conversations_user_id_users')),
        sa.PrimaryKeyConstraint('telegram_user_id', name=op.f('pk_telegram_conversations')),
    )
    with op.batch_alter_table('telegram_conversations') as batch_op:
        batch_op.create_index(batch_op.f('ix_telegram_conversations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('telegram_conversations') as batch_op:
        batch_op.drop_index(batch_op.f('ix_telegram_conversations_user_id'))
    op.drop_table('telegram_conversations')
    op.drop_table('telegram_updates')

"""background worker: jobs, worker heartbeats; outbox messages claimed with a lease, retried, dead-lettered,
sent by channel (e-mail, SMS, Telegram); people's preferred channel; SMS/Telegram opt-outs (STOP)

Revision ID: 0015_background_worker
Revises: 0014_audit_personal_values
"""
import sqlalchemy as sa
from alembic import op

revision = '0015_background_worker'
down_revision = '0014_audit_personal_values'
branch_labels = None
depends_on = None


def _channel(name='channel'):
    return sa.Enum('email', 'sms', 'telegram', name=name, native_enum=False, create_constraint=True)


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=128), nullable=True),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', 'dead', name='jobstate', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('run_after', sa.DateTime(), nullable=False),
    sa.Column('locked_by', sa.String(length=128), nullable=True),
    sa.Column('locked_at', sa.DateTime(), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_jobs_dedupe_key'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_state_run_after', ['state', 'run_after'], unique=False)

    op.create_table('worker_heartbeats',
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('beat_at', sa.DateTime(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('stopped_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_worker_heartbeats'))
    )
    with op.batch_alter_table('worker_heartbeats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeats_beat_at'), ['beat_at'], unique=False)

    op.create_table('message_opt_outs',
    sa.Column('channel', _channel(), nullable=False),
    sa.Column('address_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'address_key', name=op.f('pk_message_opt_outs'))
    )

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', _channel(), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('state', sa.Enum('queued', 'sending', 'sent', 'dead', 'skipped', name='messagestate', native_enum=False, create_constraint=True), server_default='queued', nullable=False))
        batch_op.add_column(sa.Column('run_after', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('locked_by', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(), nullable=True))
    # Messages already sent stay sent; those that failed 5 times (the old limit) are dead, for an admin to see.
    outbox = sa.table('outbox_messages', sa.column('state', sa.String), sa.column('sent_at', sa.DateTime),
                      sa.column('attempts', sa.Integer), sa.column('run_after', sa.DateTime),
                      sa.column('created_at', sa.DateTime))
    op.execute(outbox.update().values(run_after=outbox.c.created_at))
    op.execute(outbox.update().where(outbox.c.sent_at.is_not(None)).values(state='sent'))
    op.execute(outbox.update().where(outbox.c.sent_at.is_(None), outbox.c.attempts >= 5).values(state='dead'))
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.alter_column('run_after', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index('ix_outbox_messages_state_run_after', ['state', 'run_after'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_channel', _channel(), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('telegram_chat_id', sa.String(length=32), nullable=True))

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_channel', _channel(), server_default='sms', nullable=False))
        batch_op.add_column(sa.Column('telegram_chat_id', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_households_channel'), type_='check')
        batch_op.drop_column('telegram_chat_id')
        batch_op.drop_column('preferred_channel')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_channel'), type_='check')
        batch_op.drop_column('telegram_chat_id')
        batch_op.drop_column('phone')
        batch_op.drop_column('preferred_channel')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_state_run_after')
        batch_op.drop_constraint(op.f('ck_outbox_messages_channel'), type_='check')
        batch_op.drop_constraint(op.f('ck_outbox_messages_messagestate'), type_='check')
        batch_op.drop_column('locked_at')
        batch_op.drop_column('locked_by')
        batch_op.drop_column('run_after')
        batch_op.drop_column('state')
        batch_op.drop_column('address')
        batch_op.drop_column('channel')

    op.drop_table('message_opt_outs')
    with op.batch_alter_table('worker_heartbeats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_heartbeats_beat_at'))
    op.drop_table('worker_heartbeats')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_state_run_after')
    op.drop_table('jobs')

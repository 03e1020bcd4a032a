"""one matching lifecycle: shared match states for housing, jobs and shift sign-ups; shifts as a kind

Revision ID: 0007_one_lifecycle
Revises: 0006_jobs

Housing's moved_in becomes placed; jobs' referred/applied become proposed, interview accepted, hired
placed, rejected declined; sign-ups' signed_up becomes accepted, cancelled withdrawn, attended placed,
no_show expired (and a no-show's slot is given back, as the lifecycle now says).
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_one_lifecycle'
down_revision = '0006_jobs'
branch_labels = None
depends_on = None

STATES = ('proposed', 'accepted', 'declined', 'expired', 'withdrawn', 'placed', 'ended')
OLD_MATCH_STATES = ('proposed', 'accepted', 'moved_in', 'ended', 'declined', 'expired',
                    'referred', 'applied', 'interview', 'hired', 'rejected', 'withdrawn')
OLD_SIGN_UP_STATES = ('signed_up', 'cancelled', 'attended', 'no_show')
KINDS, OLD_KINDS = ('housing', 'jobs', 'shifts'), ('housing', 'jobs')

MATCH_RENAMES = {'moved_in': 'placed', 'referred': 'proposed', 'applied': 'proposed', 'interview': 'accepted',
                 'hired': 'placed', 'rejected': 'declined'}
# Going back, kind decides the word (jobs had their own).
JOB_RENAMES_BACK = {'proposed': "CASE WHEN entry_id IS NULL THEN 'applied' ELSE 'referred' END",
                    'accepted': "'interview'", 'placed': "'hired'", 'declined': "'rejected'"}
SIGN_UP_RENAMES = {'signed_up': 'accepted', 'cancelled': 'withdrawn', 'attended': 'placed', 'no_show': 'expired'}
OLD_ACTIVE = "state IN ('referred', 'applied', 'interview')"
ACTIVE = "state IN ('proposed', 'accepted')"


def _in(column, values):
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


def _recheck(table, name, column, values):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _in(column, values))


def _drop_check(table, name):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')


def upgrade():
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index('uq_matches_active_application')
    for table in ('matches', 'match_steps'):
        _drop_check(table, 'matchstate')
    for old, new in MATCH_RENAMES.items():
        op.execute(f"UPDATE matches SET state = '{new}' WHERE state = '{old}'")  # noqa: S608 - this migration's own constants
        op.execute(f"UPDATE match_steps SET state = '{new}' WHERE state = '{old}'")  # noqa: S608 - this migration's own constants
    for table in ('matches', 'match_steps'):
        _recheck(table, 'matchstate', 'state', STATES)
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.create_index('uq_matches_active_application', ['kind', 'subject_id', 'offer_id'], unique=True,
                              sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    for table in ('matches', 'queue_entries'):
        _drop_check(table, 'queuekind')
        _recheck(table, 'queuekind', 'kind', KINDS)

    _drop_check('sign_ups', 'signupstate')
    op.execute("UPDATE shifts SET filled = filled - (SELECT count(*) FROM sign_ups "
               "WHERE sign_ups.shift_id = shifts.id AND sign_ups.state = 'no_show')")
    for old, new in SIGN_UP_RENAMES.items():
        op.execute(f"UPDATE sign_ups SET state = '{new}' WHERE state = '{old}'")  # noqa: S608 - this migration's own constants
    _recheck('sign_ups', 'signupstate', 'state', STATES)


def downgrade():
    _drop_check('sign_ups', 'signupstate')
    for old, new in SIGN_UP_RENAMES.items():
        op.execute(f"UPDATE sign_ups SET state = '{old}' WHERE state = '{new}'")  # noqa: S608 - this migration's own constants
    op.execute("UPDATE sign_ups SET state = 'cancelled' WHERE state NOT IN "
               "('signed_up', 'cancelled', 'attended', 'no_show')")
    op.execute("UPDATE shifts SET filled = filled + (SELECT count(*) FROM sign_ups "
               "WHERE sign_ups.shift_id = shifts.id AND sign_ups.state = 'no_show')")
    _recheck('sign_ups', 'signupstate', 'state', OLD_SIGN_UP_STATES)

    for table in ('matches', 'queue_entries'):
        _drop_check(table, 'queuekind')
        _recheck(table, 'queuekind', 'kind', OLD_KINDS)
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_index('uq_matches_active_application')
    for table in ('matches', 'match_steps'):
        _drop_check(table, 'matchstate')
    for new, old_expression in JOB_RENAMES_BACK.items():
        op.execute(f"UPDATE matches SET state = {old_expression} WHERE kind = 'jobs' AND state = '{new}'")  # noqa: S608 - this migration's own constants
        op.execute(f"UPDATE match_steps SET state = {old_expression.replace('entry_id', '(SELECT entry_id FROM matches WHERE matches.id = match_steps.match_id)')} "  # noqa: S608 - this migration's own constants
                   f"WHERE state = '{new}' AND match_id IN (SELECT id FROM matches WHERE kind = 'jobs')")
    op.execute("UPDATE matches SET state = 'moved_in' WHERE kind = 'housing' AND state = 'placed'")
    op.execute("UPDATE match_steps SET state = 'moved_in' WHERE state = 'placed'")
    op.execute("UPDATE matches SET state = 'declined' WHERE kind = 'housing' AND state = 'withdrawn'")
    op.execute("UPDATE match_steps SET state = 'declined' WHERE state = 'withdrawn' "
               "AND match_id IN (SELECT id FROM matches WHERE kind = 'housing')")
    for table in ('matches', 'match_steps'):
        _recheck(table, 'matchstate', 'state', OLD_MATCH_STATES)
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.create_index('uq_matches_active_application', ['kind', 'subject_id', 'offer_id'], unique=True,
                              sqlite_where=sa.text(OLD_ACTIVE), postgresql_where=sa.text(OLD_ACTIVE))

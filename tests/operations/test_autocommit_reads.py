"""GET requests on PostgreSQL send no BEGIN and no ROLLBACK (common/connections.reads_without_transaction), and
what a GET writes (the audit row of personal data shown) is committed before the response leaves."""
import pytest
import sqlalchemy as sa
from psycopg import pq
from sqlalchemy import event, func, select

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from aidcoord.housing import households
from tests.conftest import POSTGRES_URL
from tests.factories import UserFactory
from tests.housing.conftest import FAMILY

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="autocommit reads are PostgreSQL's (TEST_DATABASE_URL)")


def _transaction_states(client, method, path, **kwargs) -> list[pq.TransactionStatus]:
    """The driver's transaction state before each statement of one request: INTRANS once a BEGIN was sent."""
    states: list[pq.TransactionStatus] = []

    def record(connection, *_args):
        states.append(connection.connection.dbapi_connection.info.transaction_status)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.open(path, method=method, **kwargs)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code < 300, response.get_data(as_text=True)
    return states


def test_a_list_read_runs_outside_a_transaction_and_a_write_inside_one(app, client):
    from aidcoord.accounts.services import create_api_token

    _token, plain = create_api_token(UserFactory(roles=["coordinator"]), "reads")
    headers = {"Authorization": f"Bearer {plain}"}
    client.get("/api/v1/needs", headers=headers)  # the token's first use is recorded (a write) on this one
    read = _transaction_states(client, "GET", "/api/v1/needs", headers=headers)
    assert read and set(read) == {pq.TransactionStatus.IDLE}
    written = _transaction_states(client, "POST", "/api/v1/me/tokens", headers=headers, json={"name": "second"})
    assert pq.TransactionStatus.INTRANS in written


def test_the_audit_row_of_a_read_is_committed_when_the_response_leaves(app, client, api):
    coordinator = UserFactory(roles=["coordinator"])
    household = households.register_household(coordinator, dict(FAMILY))
    response = api("GET", f"/api/v1/housing/households/{household.id}", coordinator)
    assert response.status_code == 200 and FAMILY["contact_name"] in str(response.get_json()["contact"])
    # Read from a connection of its own: only what was committed.
    with sa.create_engine(POSTGRES_URL).connect() as other:
        views = other.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == AuditAction.VIEW_PERSONAL_DATA, AuditEvent.entity_id == household.id,
            AuditEvent.actor_id == coordinator.id))
    assert views == 1

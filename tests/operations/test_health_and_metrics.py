"""/healthz says the process is alive, /readyz whether it should get traffic, /metrics what it is doing."""
from sqlalchemy import text

from aidcoord.extensions import db
from aidcoord.matching.models import QueueEntry, QueueKind
from aidcoord.notifications.models import OutboxMessage
from tests.factories import UserFactory


def test_alive_needs_nothing_but_the_process(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_alive_even_when_no_database_answers():
    """A load balancer must not take a process for dead because PostgreSQL is away (/readyz says that)."""
    from tests.conftest import make_app

    unreachable = make_app("postgresql+psycopg://postgres@127.0.0.1:9/nowhere")
    client = unreachable.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


def test_ready_when_the_database_answers_at_the_codes_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert set(response.get_json()["checks"]) >= {"database", "migrations"}


def test_not_ready_while_the_database_lags_behind_the_code(app, client):
    with app.app_context():
        current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.execute(text("UPDATE alembic_version SET version_num = '0001_older'"))
        db.session.commit()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        migrations = response.get_json()["checks"]["migrations"]
        assert not migrations["ok"] and "0001_older" in migrations["detail"]
    finally:  # on PostgreSQL the next test empties the tables but keeps alembic_version
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :current"), {"current": current})
            db.session.commit()


def test_metrics_count_requests_by_endpoint_and_read_the_queue_and_outbox(app, client):
    with app.app_context():
        db.session.add_all(QueueEntry(kind=QueueKind.HOUSING, subject_id=n, priority=1) for n in (1, 2))
        db.session.add(OutboxMessage(recipient_id=UserFactory().id, topic="t", subject="s", body="b", attempts=1))
        db.session.commit()
    client.get("/healthz")
    text_format = client.get("/metrics").get_data(as_text=True)
    assert "aidcoord_http_request_duration_seconds_count" in text_format and "operations.healthz" in text_format
    assert 'aidcoord_queue_entries{band="standard",kind="housing",state="waiting"} 2.0' in text_format
    assert "aidcoord_outbox_backlog 1.0" in text_format and "aidcoord_outbox_failing 1.0" in text_format


def test_metrics_are_refused_to_other_networks_and_wrong_tokens(app, client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    app.config["METRICS_TOKEN"] = "scrape-secret"
    assert client.get("/metrics").status_code == 403  # from loopback too, once a token is set
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    allowed = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert allowed.status_code == 200


def test_not_ready_without_a_running_worker_when_the_check_is_on(app, client):
    from aidcoord.worker.services import beat

    app.config["READYZ_WORKER_SECONDS"] = 60
    response = client.get("/readyz")
    assert response.status_code == 503 and not response.get_json()["checks"]["worker"]["ok"]
    with app.app_context():
        beat("worker-on-this-machine")  # a running worker's heartbeat
    assert client.get("/readyz").status_code == 200

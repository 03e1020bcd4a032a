"""Statuses under faults: a database that is down or locked answers 503 with Retry-After (the JSON error shape
on the API, an error page on pages), and the same app serves again once the database is back; SQLite writers
at the same moment wait for each other instead of failing."""
import contextlib
import select
import shutil
import socket
import threading

import pytest
import sqlalchemy as sa

from aidcoord.extensions import db
from tests.conftest import POSTGRES_URL, IsolatedClient, make_app
from tests.factories import NeedFactory, OrganizationFactory, UserFactory
from tests.parallel import run_at_once

needs_sqlite = pytest.mark.skipif(bool(POSTGRES_URL), reason="a SQLite file made unavailable")
needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL connections cut and restored")


def assert_unavailable(response, api=True):
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert int(response.headers["Retry-After"]) > 0
    if api:
        error = response.get_json()["error"]
        assert error["code"] == "database_unavailable" and error["message"]
    else:
        assert response.mimetype == "text/html" and b"<html" in response.data


def _serving_app(url, **overrides):
    app = make_app(url, **overrides)
    app.test_client_class = IsolatedClient
    return app


# ---- SQLite: the file's folder disappears, then comes back ------------------------------------------------

@needs_sqlite
def test_a_missing_sqlite_database_answers_503_and_the_same_app_recovers(app, database_url, tmp_path):
    from aidcoord.accounts.services import create_api_token

    OrganizationFactory(name="Hayordi")
    signed_in = {"Authorization": f"Bearer {create_api_token(UserFactory(), 'phone')[1]}"}
    folder = tmp_path / "db"
    folder.mkdir()
    db.session.remove()
    db.engine.dispose()  # the last connection closing writes SQLite's WAL into the file
    shutil.copyfile(database_url.removeprefix("sqlite:///"), folder / "aid.sqlite")
    served = _serving_app(f"sqlite:///{folder / 'aid.sqlite'}")
    client = served.test_client()
    assert client.get("/api/v1/organizations").status_code == 200

    folder.rename(tmp_path / "moved")
    with served.app_context():
        db.engine.dispose()  # pooled connections keep the old file open; a new connection finds no file
    assert_unavailable(client.get("/api/v1/organizations"))
    assert_unavailable(client.get("/api/v1/me", headers=signed_in))
    assert_unavailable(client.post("/api/v1/me/tokens", json={"name": "laptop"}, headers=signed_in))
    assert_unavailable(client.get("/organizations"), api=False)

    (tmp_path / "moved").rename(folder)
    response = client.get("/api/v1/organizations")
    assert response.status_code == 200 and response.get_json()["items"][0]["name"] == "Hayordi"
    assert client.post("/api/v1/me/tokens", json={"name": "laptop"}, headers=signed_in).status_code == 201


@needs_sqlite
def test_a_sqlite_database_locked_past_the_busy_timeout_answers_503_then_writes(app, database_url):
    from aidcoord.accounts.services import create_api_token

    token = create_api_token(UserFactory(), "locked")[1]
    headers = {"Authorization": f"Bearer {token}"}
    served = _serving_app(database_url, SQLITE_BUSY_TIMEOUT_SECONDS=0.3)
    client = served.test_client()
    blocker = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with blocker.connect() as connection:
        connection.exec_driver_sql("BEGIN EXCLUSIVE")  # another process writing for a long time
        assert_unavailable(client.post("/api/v1/me/tokens", json={"name": "laptop"}, headers=headers))
        connection.exec_driver_sql("ROLLBACK")
    assert client.post("/api/v1/me/tokens", json={"name": "laptop"}, headers=headers).status_code == 201
    blocker.dispose()


@needs_sqlite
def test_sqlite_is_opened_in_wal_mode_with_a_busy_timeout(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15_000


def register_organization(user_id, number):
    from aidcoord.accounts.models import User
    from aidcoord.organizations import services

    user = db.session.get(User, user_id)
    organization = services.apply_for_registration(user, {
        "name": f"Parallel Relief {number}", "kind": "ngo", "country": "AM", "description": "Arrived together.",
        "sectors": ["shelter"], "regions": ["AM-SU"]})
    return organization.id


@needs_sqlite
def test_sqlite_writers_at_the_same_moment_all_succeed(app, database_url):
    users = [UserFactory() for _ in range(8)]
    outcomes = run_at_once(database_url, register_organization, [(user.id, n) for n, user in enumerate(users)])
    assert [status for status, _ in outcomes] == ["ok"] * len(users), outcomes
    db.session.expire_all()
    from aidcoord.organizations.models import Organization

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == len(users)


# ---- Idempotency-Key: a retry is answered as the first time; another body under the same key is refused --------

@pytest.fixture
def pledge_call(client):
    from aidcoord.accounts.services import create_api_token

    def call(user, body, key="pledge-7f3a"):
        token = create_api_token(user, "flaky phone")[1]
        return client.post("/api/v1/pledges", json=body, headers={"Authorization": f"Bearer {token}",
                                                                  "Idempotency-Key": key})
    return call


def test_a_retry_with_the_same_key_and_body_gets_the_first_answer(app, pledge_call):
    donor, need = UserFactory(roles=["donor"]), NeedFactory()
    first = pledge_call(donor, {"contribution": "in_kind", "quantity": "5", "unit": "beds", "need_id": need.id})
    again = pledge_call(donor, {"need_id": need.id, "unit": "beds", "quantity": 5.0, "contribution": "in_kind"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()


@pytest.mark.parametrize("other_body", [
    {"contribution": "in_kind", "quantity": "6", "unit": "beds"},  # another quantity
    {"contribution": "in_kind", "quantity": "-1", "unit": "beds"},  # not even a valid pledge
    {"contribution": "money", "amount": "5", "currency": "EUR"},
])
def test_the_same_key_with_another_body_is_refused_naming_the_header(app, pledge_call, other_body):
    donor, need = UserFactory(roles=["donor"]), NeedFactory()
    assert pledge_call(donor, {"contribution": "in_kind", "quantity": "5", "unit": "beds",
                               "need_id": need.id}).status_code == 201
    response = pledge_call(donor, {**other_body, "need_id": need.id})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "idempotency_key_reused" and "Idempotency-Key" in error["message"]
    assert "Idempotency-Key" in error["fields"]
    from aidcoord.pledges.models import Pledge

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 1


def test_an_idempotency_key_belongs_to_the_person_who_sent_it(app, pledge_call):
    need = NeedFactory()
    body = {"contribution": "in_kind", "quantity": "5", "unit": "beds", "need_id": need.id}
    first = pledge_call(UserFactory(roles=["donor"]), body)
    other = pledge_call(UserFactory(roles=["donor"]), {**body, "quantity": "7"})
    assert first.status_code == other.status_code == 201
    assert first.get_json()["id"] != other.get_json()["id"]


# ---- PostgreSQL: connections cut (a proxy that stops), killed (pg_terminate_backend), then back ----------

class CuttableProxy:
    """A TCP relay to PostgreSQL that can be stopped (every connection cut, new ones refused) and started again
    on the same port: the database going away and coming back, as the app sees it."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        for sock in [self.listener, *self.sockets]:
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self.sockets, self.listener = [], None

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            threading.Thread(target=self._relay, args=(client, server), daemon=True).start()

    @staticmethod
    def _relay(one, other) -> None:
        try:
            while True:
                readable, _, _ = select.select([one, other], [], [])
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (other if sock is one else one).sendall(data)
        except (OSError, ValueError):
            return


@needs_postgres
def test_postgresql_going_away_answers_503_and_the_same_app_recovers(app, database_url):
    from aidcoord.accounts.services import create_api_token

    OrganizationFactory(name="Hayordi")
    signed_in = {"Authorization": f"Bearer {create_api_token(UserFactory(), 'phone')[1]}"}
    url = sa.engine.make_url(database_url)
    proxy = CuttableProxy(url.port or 5432)
    proxy.start()
    served = _serving_app(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    client = served.test_client()
    try:
        assert client.get("/api/v1/organizations").status_code == 200
        proxy.stop()  # the pooled connection is cut, and nothing listens any more
        assert_unavailable(client.get("/api/v1/organizations"))
        assert_unavailable(client.get("/api/v1/me", headers=signed_in))
        assert_unavailable(client.post("/api/v1/me/tokens", json={"name": "laptop"}, headers=signed_in))
        assert_unavailable(client.get("/organizations"), api=False)
        proxy.start()
        response = client.get("/api/v1/organizations")
        assert response.status_code == 200 and response.get_json()["items"][0]["name"] == "Hayordi"
        assert client.post("/api/v1/me/tokens", json={"name": "laptop"}, headers=signed_in).status_code == 201
    finally:
        proxy.stop()
        with served.app_context():
            db.engine.dispose()


@needs_postgres
def test_postgresql_connections_killed_between_requests_are_replaced_unnoticed(app, database_url):
    OrganizationFactory(name="Hayordi")
    served = _serving_app(database_url)
    client = served.test_client()
    assert client.get("/api/v1/organizations").status_code == 200
    with db.engine.connect() as connection:  # the test's own connection survives; the served app's do not
        killed = connection.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()").scalar()
    assert killed >= 1
    # The killed backends said so on their sockets: the pool pinged those connections and replaced them.
    assert client.get("/api/v1/organizations").status_code == 200
    with served.app_context():
        db.engine.dispose()


def test_the_pool_checks_connections_that_may_have_gone_stale():
    assert make_app("sqlite://").config["DATABASE_PING_AFTER_IDLE_SECONDS"] > 0


@needs_postgres
@pytest.mark.parametrize("idle_seconds, pings", [(3600, 0), (0, 2)])
def test_a_pooled_connection_is_pinged_once_it_idled_not_after_each_use(app, database_url, idle_seconds, pings):
    served = _serving_app(database_url, DATABASE_PING_AFTER_IDLE_SECONDS=idle_seconds)
    sent = []
    with served.app_context():
        dialect = db.engine.dialect
        do_ping = dialect.do_ping

        def ping(connection):
            sent.append(connection)
            return do_ping(connection)

        dialect.do_ping = ping
        try:
            for _ in range(3):  # the first connects (nothing to ping), the others take the same connection again
                db.session.execute(sa.text("SELECT 1"))
                db.session.commit()
        finally:
            dialect.do_ping = do_ping
            db.engine.dispose()
    assert len(sent) == pings


@pytest.mark.parametrize("name", ["QUEUE_LEASE_MINUTES", "IMPORT_MAX_ROWS"])
def test_limits_are_set_from_the_environment(monkeypatch, name):
    monkeypatch.setenv(name, "7")
    assert make_app("sqlite://").config[name] == 7




def test_an_import_longer_than_the_cap_is_refused_naming_the_cap():
    from aidcoord.common.csv_import import preview

    with make_app("sqlite://", IMPORT_MAX_ROWS=2).test_request_context():
        result = preview("item\nbeds\nblankets\nstoves\n", ("item",), ("item",), lambda row: None)
        assert not result.is_valid and [str(error) for error in result.file_errors] == ["At most 2 rows per file."]

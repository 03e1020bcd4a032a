"""Log-in attempts are limited per client address and per account (the e-mail tried), counted in a storage
that every worker shares; the owner of a locked account hears of it once, the requester learns nothing."""
import os
import subprocess
import sys
import uuid

import pytest

from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage
from tests.conftest import REPO_ROOT, IsolatedClient, csrf_token, make_app
from tests.factories import PASSWORD, UserFactory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def limited_app(database_url, **overrides):
    app = make_app(database_url, RATELIMIT_ENABLED=True, **overrides)
    app.test_client_class = IsolatedClient
    return app


def attempt(client, email, password="wrong guess!!", address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": address}).status_code


def lockout_notices():
    return db.session.query(OutboxMessage).filter_by(topic="login_lockout").all()


def test_one_account_is_limited_whatever_the_address_and_however_the_email_is_written(database_url):
    app = limited_app(database_url, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    with app.app_context():
        user = UserFactory(email="ani@example.org")
        client = app.test_client()
        spellings = ["ani@example.org", " ANI@Example.org", "Ani@example.ORG "]
        statuses = [attempt(client, email, address=f"10.0.0.{n}") for n, email in enumerate(spellings)]
        assert statuses == [200, 200, 200]
        assert attempt(client, "ani@example.org", PASSWORD, address="10.9.9.9") == 429  # even the right password
        assert attempt(client, "someone.else@example.org", address="10.9.9.9") == 200  # other accounts are not
        db.session.expire_all()
        assert [message.recipient_id for message in lockout_notices()] == [user.id]


def test_successful_log_ins_do_not_lock_the_account(database_url):
    app = limited_app(database_url, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    with app.app_context():
        user = UserFactory()
        for _ in range(4):
            assert attempt(app.test_client(), user.email, PASSWORD) == 302


def test_the_lockout_notice_is_sent_once_per_window_and_the_answer_does_not_tell_whether_the_account_exists(
        database_url):
    app = limited_app(database_url, LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    with app.app_context():
        user = UserFactory(email="owner@example.org")
        client = app.test_client()
        answers = {}
        for email in ("owner@example.org", "nobody@example.org"):
            statuses = [attempt(client, email, address=f"10.1.{n}.1") for n in range(5)]
            response = client.post("/login", data={"email": email, "password": "x", "csrf_token": csrf_token(client)},
                                   environ_base={"REMOTE_ADDR": "10.2.2.2"})
            answers[email] = (statuses, response.status_code, response.get_data(as_text=True))
        assert answers["owner@example.org"] == answers["nobody@example.org"]
        assert answers["owner@example.org"][0] == [200, 200, 429, 429, 429]
        db.session.expire_all()
        notices = lockout_notices()
        assert len(notices) == 1 and notices[0].recipient_id == user.id
        assert "owner@example.org" not in notices[0].body


def test_one_address_is_limited_across_accounts(database_url):
    app = limited_app(database_url, LOGIN_RATE_LIMIT="3 per minute", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    with app.app_context():
        client = app.test_client()
        statuses = [attempt(client, f"guess{n}@example.org") for n in range(4)]
        assert statuses == [200, 200, 200, 429]


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


SECOND_WORKER = """
import sys
from tests.conftest import IsolatedClient, csrf_token, make_app
app = make_app(sys.argv[1], RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=sys.argv[2], RATELIMIT_KEY_PREFIX=sys.argv[3],
               LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
app.test_client_class = IsolatedClient
with app.app_context():
    client = app.test_client()
    response = client.post("/login", data={"email": "shared@example.org", "password": "wrong guess!!",
                                           "csrf_token": csrf_token(client)}, environ_base={"REMOTE_ADDR": "10.7.7.7"})
    print(response.status_code)
"""


def test_two_app_instances_sharing_redis_count_together(database_url):
    """Two workers (here: this process and another one) with RATELIMIT_STORAGE_URI on one Redis: attempts
    made on either count against the same limit. With memory:// each worker would allow the limit again."""
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL); the shared-storage test needs it")
    prefix = f"aidcoord-test-{uuid.uuid4().hex}"
    app = limited_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                      LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    with app.app_context():
        UserFactory(email="shared@example.org")
        client = app.test_client()
        assert [attempt(client, "shared@example.org", address=f"10.3.{n}.1") for n in range(3)] == [200, 200, 200]
        other_worker = subprocess.run(  # noqa: S603 - our own script, arguments from this test
            [sys.executable, "-c", SECOND_WORKER, database_url, REDIS_URL, prefix],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True)
        assert other_worker.stdout.strip().splitlines()[-1] == "429", other_worker.stderr[-2000:]
        db.session.expire_all()
        assert len(lockout_notices()) == 1


def change_password(client, current, new="a new long passphrase 42"):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "new_password_again": new,
        "csrf_token": csrf_token(client)}).status_code


def test_wrong_current_passwords_on_the_password_change_are_limited_per_account(database_url):
    app = limited_app(database_url, REAUTHENTICATION_RATE_LIMIT="3 per minute")
    with app.app_context():
        user, other = UserFactory(), UserFactory()
        client, other_client = app.test_client(), app.test_client()
        assert attempt(client, user.email, PASSWORD) == 302
        assert attempt(other_client, other.email, PASSWORD, address="10.0.0.2") == 302
        assert change_password(client, PASSWORD, new="short") == 422  # a weak new password is not a guess
        assert [change_password(client, f"guess number {n}") for n in range(3)] == [422, 422, 422]
        assert change_password(client, PASSWORD) == 429  # even the right one, until the window ends
        assert change_password(other_client, PASSWORD) == 302  # other accounts are not limited

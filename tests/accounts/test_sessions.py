"""Logging in and out, and sessions that really end on the server."""
import pytest

from aidcoord.accounts import services
from aidcoord.accounts.models import User
from aidcoord.extensions import db
from tests.conftest import csrf_token
from tests.factories import PASSWORD, UserFactory


def session_cookie(client):
    return client.get_cookie("session").value


def test_register_page_creates_account_with_self_service_roles_and_logs_in(client):
    response = client.post("/register", data={
        "name": "Anahit", "email": "Anahit@Example.org",
        "password": "long enough pw", "password_again": "long enough pw",
        "roles": ["host", "volunteer"], "csrf_token": csrf_token(client),
    })
    assert response.status_code == 302
    user = db.session.query(User).filter_by(email="anahit@example.org").one()
    assert {role.value for role in user.roles} == {"host", "volunteer"}
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/account").status_code == 200


def test_register_page_cannot_grant_coordinator(client):
    response = client.post("/register", data={
        "name": "X", "email": "x@example.org", "password": "long enough pw", "password_again": "long enough pw",
        "roles": ["coordinator"], "csrf_token": csrf_token(client),
    })
    assert response.status_code == 200 and b"not a valid choice" in response.data
    assert db.session.query(User).count() == 0


def test_register_page_shows_field_errors_and_writes_nothing(client):
    UserFactory(email="taken@example.org")
    response = client.post("/register", data={
        "name": "", "email": "taken@example.org", "password": "short", "password_again": "other",
        "csrf_token": csrf_token(client),
    })
    page = response.get_data(as_text=True)
    assert "This field is required" in page and "The passwords do not match" in page
    assert db.session.query(User).count() == 1


def test_duplicate_email_is_refused_case_insensitively(client):
    UserFactory(email="taken@example.org")
    response = client.post("/register", data={
        "name": "Y", "email": "TAKEN@example.org", "password": "long enough pw", "password_again": "long enough pw",
        "csrf_token": csrf_token(client),
    })
    assert "already exists" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1


def test_wrong_password_does_not_log_in(pages, client):
    user = UserFactory()
    response = pages.login(user.email, "wrong password!")
    assert b"Wrong email or password" in response.data
    assert client.get("/account").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(pages, client):
    user = UserFactory()
    response = pages.login(user.email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_development(database_url):
    from tests.conftest import make_app

    production = make_app(database_url, ENV="production", SECRET_KEY="x" * 32)
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_a_cookie_copied_before_logout_is_rejected_afterwards(app, pages, client):
    user = UserFactory()
    pages.login(user.email)
    stolen = session_cookie(client)
    pages.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/account").status_code == 302
    assert thief.get("/api/v1/me").status_code == 401


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(app, pages, client):
    user = UserFactory()
    other_device = app.test_client()
    from tests.conftest import Browserless

    Browserless(other_device).login(user.email)
    pages.login(user.email)
    response = pages.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new secret", "new_password_again": "a brand new secret",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    assert services.authenticate(user.email, "a brand new secret") is not None


def test_password_change_needs_the_current_password(pages):
    user = UserFactory()
    pages.login(user.email)
    response = pages.post("/account/password", data={
        "current_password": "not the password", "new_password": "a brand new secret",
        "new_password_again": "a brand new secret",
    })
    assert response.status_code == 422 and b"current password is not correct" in response.data


def test_deactivation_ends_sessions_and_tokens(app, pages, client, api):
    user = UserFactory()
    _token, plain = services.create_api_token(user, "laptop")
    pages.login(user.email)
    services.set_active(None, user, False, "left the project")
    assert client.get("/account").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert services.authenticate(user.email, PASSWORD) is None


@pytest.mark.parametrize("target, allowed", [
    ("/organizations", True),
    ("/organizations?sector=shelter", True),
    ("https://evil.example/phish", False),
    ("//evil.example", False),
    ("/\\evil.example", False),
    ("javascript:alert(1)", False),
    ("http:/evil.example", False),
    ("", False),
])
def test_login_only_redirects_to_local_pages(pages, target, allowed):
    user = UserFactory()
    response = pages.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == (target if allowed else "/")


def test_password_hash_is_upgraded_when_parameters_change(app):
    user = UserFactory()
    old_hash = user.password_hash
    app.config["ARGON2_PARAMETERS"] = {"time_cost": 2, "memory_cost": 2048, "parallelism": 1}
    assert services.authenticate(user.email, PASSWORD) == user
    assert user.password_hash != old_hash and "m=2048,t=2" in user.password_hash


def test_password_guessing_is_slowed_down(database_url):
    from tests.conftest import IsolatedClient, make_app

    app = make_app(database_url, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    app.test_client_class = IsolatedClient
    with app.app_context():
        client = app.test_client()
        token = csrf_token(client)
        statuses = [client.post("/login", data={"email": "x@example.org", "password": "guess", "csrf_token": token})
                    .status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert b"Too many requests" in client.post("/login", data={"csrf_token": token}).data

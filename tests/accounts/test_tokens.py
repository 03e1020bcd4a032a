"""Personal access tokens: shown once, stored hashed, revocable, through the API and the account page."""
import hashlib
import re

from sqlalchemy import delete, event

from aidcoord.accounts import services
from aidcoord.accounts.models import ApiToken, Role, RoleGrant
from aidcoord.extensions import db
from tests.conftest import csrf_token
from tests.factories import PASSWORD, UserFactory


def test_token_created_through_the_api_works_and_is_stored_hashed(client, api):
    user = UserFactory()
    response = api("POST", "/api/v1/me/tokens", user, json={"name": "spreadsheet sync"})
    assert response.status_code == 201
    plain = response.get_json()["token"]
    stored = db.session.query(ApiToken).filter_by(name="spreadsheet sync").one()
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (stored.token_hash, stored.prefix)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).get_json()
    assert me["email"] == user.email


def test_listing_tokens_never_shows_the_token(client, api):
    user = UserFactory()
    _token, plain = services.create_api_token(user, "phone")
    listed = client.get("/api/v1/me/tokens", headers={"Authorization": f"Bearer {plain}"}).get_data(as_text=True)
    assert plain not in listed and "phone" in listed


def test_revoked_token_stops_working(client):
    user = UserFactory()
    token, plain = services.create_api_token(user, "old")
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.delete(f"/api/v1/me/tokens/{token.id}", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_nobody_revokes_another_users_token(client, api):
    owner, other = UserFactory(), UserFactory()
    token, plain = services.create_api_token(owner, "mine")
    assert api("DELETE", f"/api/v1/me/tokens/{token.id}", other).status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200


def test_token_name_is_required(api):
    response = api("POST", "/api/v1/me/tokens", UserFactory(), json={"name": ""})
    assert response.status_code == 422 and "name" in response.get_json()["error"]["fields"]


def test_account_page_creates_shows_once_and_revokes(pages, client):
    user = UserFactory()
    pages.login(user.email)
    response = pages.post("/account/tokens", data={"name": "field laptop"})
    assert response.status_code == 201
    plain = re.search(r'<code id="new-token">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    assert plain not in client.get("/account").get_data(as_text=True)
    token = db.session.query(ApiToken).filter_by(name="field laptop").one()
    pages.post(f"/account/tokens/{token.id}/revoke")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_api_calls_riding_a_browser_session_need_the_csrf_token(pages, client):
    user = UserFactory()
    pages.login(user.email)
    assert client.post("/api/v1/me/tokens", json={"name": "x"}).status_code == 400
    response = client.post("/api/v1/me/tokens", json={"name": "x"}, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 201


def test_a_password_change_revokes_every_api_token(app, pages, client):
    user = UserFactory()
    _laptop, laptop = services.create_api_token(user, "laptop")
    _phone, phone = services.create_api_token(user, "phone")
    pages.login(user.email)
    response = pages.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a brand new secret", "new_password_again": "a brand new secret",
    })
    assert response.status_code == 302
    for plain in (laptop, phone):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert all(token.revoked_at is not None for token in services.list_api_tokens(user))
    # A token made after the change works.
    _new, fresh = services.create_api_token(user, "new laptop")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def _statements_of(client, path, headers) -> list[str]:
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(path, headers=headers).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def test_a_token_its_user_and_roles_are_read_in_one_query(client):
    user = UserFactory(roles=["coordinator", "host"])
    _token, plain = services.create_api_token(user, "sync")
    headers = {"Authorization": f"Bearer {plain}"}
    client.get("/api/v1/me", headers=headers)  # records the token's first use
    statements = _statements_of(client, "/api/v1/me", headers)
    identity = [s for s in statements if "api_tokens" in s or "role_grants" in s or "FROM users" in s]
    assert len(identity) == 1, identity
    assert client.get("/api/v1/me", headers=headers).get_json()["roles"] == ["coordinator", "host"]


def test_roles_read_before_a_commit_are_not_loaded_again_after_it(app):
    user = UserFactory(roles=["coordinator"])
    assert user.is_staff
    db.session.commit()
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: statements.append(statement))
    assert user.is_staff and user.has_role(Role.COORDINATOR)
    assert not [s for s in statements if "role_grants" in s]


def test_a_role_granted_or_revoked_shows_at_once(app):
    user = UserFactory(roles=["donor"])
    assert not user.is_staff
    services.grant_role(None, user, Role.COORDINATOR)
    assert user.is_staff
    services.revoke_role(None, user, Role.COORDINATOR)
    assert not user.is_staff and user.roles == {Role.DONOR}


def test_roles_changed_behind_the_objects_back_show_after_an_explicit_expire(app):
    user = UserFactory(roles=["coordinator"])
    assert user.is_staff
    db.session.execute(delete(RoleGrant).where(RoleGrant.user_id == user.id))
    db.session.expire(user)
    assert not user.is_staff

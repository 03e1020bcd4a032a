"""The caller's identity is checked against the database on every request, and a process's kept copy of a user
is never served once the user's row or roles have changed (accounts/identity.py), whoever changed them."""
from sqlalchemy import delete, insert, update

from aidcoord.accounts import services
from aidcoord.accounts.models import ApiToken, RoleGrant, User
from aidcoord.extensions import db
from tests.factories import UserFactory


def _me(client, plain):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})


def _behind_the_apps_back(statement) -> None:
    """A change made by another process: straight SQL, committed, nothing in this session told."""
    db.session.execute(statement)
    db.session.commit()
    db.session.expunge_all()


def test_roles_taken_or_granted_in_the_database_show_on_the_next_request(client):
    user = UserFactory(roles=["coordinator"])
    user_id = user.id
    _token, plain = services.create_api_token(user, "sync")
    assert _me(client, plain).get_json()["roles"] == ["coordinator"]
    assert _me(client, plain).get_json()["roles"] == ["coordinator"]  # served from the kept copy
    _behind_the_apps_back(delete(RoleGrant).where(RoleGrant.user_id == user_id))
    assert _me(client, plain).get_json()["roles"] == []
    _behind_the_apps_back(insert(RoleGrant).values(user_id=user_id, role="host"))
    assert _me(client, plain).get_json()["roles"] == ["host"]


def test_a_changed_row_is_read_afresh(client):
    user = UserFactory(name="Before")
    _token, plain = services.create_api_token(user, "sync")
    assert _me(client, plain).get_json()["name"] == "Before"
    _behind_the_apps_back(update(User).where(User.id == user.id).values(name="After"))
    assert _me(client, plain).get_json()["name"] == "After"


def test_a_deactivated_user_or_revoked_token_is_refused_at_once(client):
    user, other = UserFactory(), UserFactory()
    user_id = user.id
    _token, plain = services.create_api_token(user, "sync")
    other_token, other_plain = services.create_api_token(other, "sync")
    other_token_id = other_token.id
    assert _me(client, plain).status_code == _me(client, other_plain).status_code == 200
    _behind_the_apps_back(update(User).where(User.id == user_id).values(active=False))
    assert _me(client, plain).status_code == 401
    _behind_the_apps_back(update(ApiToken).where(ApiToken.id == other_token_id).values(revoked_at=db.func.now()))
    assert _me(client, other_plain).status_code == 401


def test_a_signed_in_pages_user_follows_the_database_too(pages, client):
    user = UserFactory(roles=["coordinator"])
    user_id = user.id
    pages.login(user.email)
    assert client.get("/api/v1/me").get_json()["roles"] == ["coordinator"]
    _behind_the_apps_back(delete(RoleGrant).where(RoleGrant.user_id == user_id))
    assert client.get("/api/v1/me").get_json()["roles"] == []
    _behind_the_apps_back(update(User).where(User.id == user_id).values(session_version=User.session_version + 1))
    assert client.get("/api/v1/me").status_code == 401

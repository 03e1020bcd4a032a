"""Who calls: the user behind a request's API token or session, checked against the database on every request,
without loading the user through the ORM on every request.

Each request runs one Core statement: the token's (or session's) user row, every column of it, and the user's roles,
only if the token is unrevoked and the user active. That row is the user's fingerprint. Each process keeps, per user,
a detached copy of the User (with its role grants) beside the fingerprint it was read with; when the fingerprint
read now is the same, the copy is merged into the request's session without a query (`merge(load=False)`: about
0.04 ms, against 0.7 ms for loading the user and roles through the ORM). Any change to the user's row or roles
(deactivation, a new password or session version, a role granted or taken) changes the fingerprint, and the user is
loaded afresh; a revoked token or a deactivated user finds no row at all. So nothing is ever served from a stale
identity: the copy only saves rebuilding objects from values the database has just confirmed.
"""
from contextlib import suppress
from datetime import datetime

from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import Session

from aidcoord.accounts.models import ApiToken, RoleGrant, User
from aidcoord.extensions import db

_KEPT_USERS = 1_000  # per process; the oldest copy goes first (a copy is a few hundred bytes)
_copies: dict[int, tuple[tuple, User]] = {}  # user id -> (fingerprint, detached User with its role grants)

_users, _tokens, _grants = User.__table__, ApiToken.__table__, RoleGrant.__table__
# The role grants (role and when granted) as one string; their order is the database's, so the fingerprint
# compares them as a set.
_GRANT = cast(_grants.c.role, String) + "@" + cast(_grants.c.granted_at, String)
_ROLES = (select(func.aggregate_strings(_GRANT, ","))
          .where(_grants.c.user_id == _users.c.id).correlate(_users).scalar_subquery())
_USER_COLUMNS = (*_users.c, _ROLES.label("roles"))
_ROLES_AT = len(_USER_COLUMNS) - 1

# Core statements built once (SQLAlchemy keeps their compiled form).
_BY_TOKEN = (select(_tokens.c.id, _tokens.c.last_used_at, *_USER_COLUMNS)
             .join_from(_tokens, _users, _tokens.c.user_id == _users.c.id)
             .where(_tokens.c.token_hash == bindparam("token_hash"), _tokens.c.revoked_at.is_(None),
                    _users.c.active.is_(True)))
_BY_ID = select(*_USER_COLUMNS).where(_users.c.id == bindparam("user_id"))


def token_owner(token_hash: str) -> tuple[User, int, datetime | None] | None:
    """The active owner of the unrevoked token with this digest, in the request's session, with the token's id and
    when it was last used; None when there is no such token or the user is not active."""
    row = db.session.connection().execute(_BY_TOKEN, {"token_hash": token_hash}).one_or_none()
    if row is None:
        return None
    token_id, last_used_at, *user_values = row
    return _attached(tuple(user_values)), token_id, last_used_at


def user_by_id(user_id: int) -> User | None:
    """The user with this id (active or not: the caller decides), in the request's session."""
    row = db.session.connection().execute(_BY_ID, {"user_id": user_id}).one_or_none()
    return None if row is None else _attached(tuple(row))


def _attached(values: tuple) -> User:
    fingerprint = (*values[:_ROLES_AT], frozenset((values[_ROLES_AT] or "").split(",")))
    user_id = values[0]
    kept = _copies.get(user_id)
    if kept is None or kept[0] != fingerprint:
        kept = _copies[user_id] = (fingerprint, _detached_copy(user_id))
        if len(_copies) > _KEPT_USERS:
            # Another thread of a threaded server may evict at the same moment.
            with suppress(KeyError, RuntimeError, StopIteration):
                del _copies[next(iter(_copies))]
    return db.session.merge(kept[1], load=False)


def _detached_copy(user_id: int) -> User:
    """The user and their role grants, loaded in a session of their own on the request's connection (so in its
    transaction) and detached from it: read after the fingerprint, so never older than it."""
    with Session(bind=db.session.connection()) as own:
        user = own.get_one(User, user_id)
        user.role_grants  # noqa: B018 - loaded now, to be carried by the copy
        own.expunge(user)  # the grants go with it (cascade)
    return user


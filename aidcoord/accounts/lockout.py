"""Log-in lockout: attempts are counted per account (a keyed digest of the e-mail tried) besides per address,
and the owner of an account whose limit tripped is told by e-mail, without the requester learning anything."""
import hashlib
import hmac
from collections.abc import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l

from aidcoord.accounts.models import User
from aidcoord.accounts.services import find_user_by_email, normalize_email
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.errors import ValidationFailed
from aidcoord.extensions import db

# How a message reaches an account's owner (the outbox): notifications sits above accounts, so the app factory
# hands its notify() over (see aidcoord.connect_slices). Called as (user, topic, subject, body, link).
Notifier = Callable[[User, str, object, object, str], object]
_notifier: Notifier | None = None


def use_notifier(notifier: Notifier) -> None:
    global _notifier
    _notifier = notifier


def attempt_key(email: str) -> str:
    """A keyed digest of the e-mail tried, normalised: the same for 'Ani@Example.org ' and 'ani@example.org',
    whether or not an account exists; the limiter's storage (Redis) never holds the address itself."""
    try:
        email = normalize_email(email)
    except ValidationFailed:
        email = email.strip().lower()
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"login:" + email.encode(), hashlib.sha256).hexdigest()[:40]


def queue_lockout_notice(email: str) -> bool:
    """Queue a notice to the owner of the account (if one exists) that logging in to it is paused after repeated
    failures. The caller sends it once per lockout window and answers the same whether or not it was queued."""
    user = find_user_by_email(email)
    if user is None or not user.active or _notifier is None:
        return False
    _notifier(user, "login_lockout", _l("Several failed log-ins to your aidcoord account"), _l(
        "Someone tried to log in to your account with a wrong password several times, so logging in to it is "
        "paused for a while. If it was you, wait a few minutes and try again. If it was not you, the password "
        "was not accepted and nothing was changed; consider choosing a longer password."), "/login")
    audit.record(None, AuditAction.STATE_CHANGE, "user", user.id, {"login_locked": [False, True]})
    db.session.commit()
    return True

"""Accounts: registration, authentication, sessions, roles and API tokens."""
import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select, update

from aidcoord.accounts import identity
from aidcoord.accounts.models import SELF_SERVICE_ROLES, ApiToken, Role, RoleGrant, User
from aidcoord.accounts.passwords import hash_password, needs_rehash, verify_password
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common.channels import Channel
from aidcoord.common.locale import supported
from aidcoord.common.types import utcnow
from aidcoord.common.validation import has_control_characters
from aidcoord.errors import NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
TOKEN_PREFIX = "aidc_"  # noqa: S105 - the public marker at the start of every API token, not a secret
# Recording every API call's time would write on every read; once a minute is enough to spot stale tokens.
TOKEN_USE_RECORD_INTERVAL = timedelta(minutes=1)


def normalize_email(email: str) -> str:
    """Canonical form used for uniqueness and log-in; raises ValidationFailed when malformed."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed(_l("Enter a valid email address."),
                               {"email": [_l("Enter a valid email address.")]}) from None


def _check_password_strength(password: str, field: str = "password") -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        message = lazy_ngettext("Use between %(min)d and %(num)d character.",
                                "Use between %(min)d and %(num)d characters.", MAX_PASSWORD_LENGTH,
                                min=MIN_PASSWORD_LENGTH)
        raise ValidationFailed(message, {field: [message]})


def find_user_by_email(email: str) -> User | None:
    try:
        email = normalize_email(email)
    except ValidationFailed:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    return user


def register_user(email: str, name: str, password: str, roles=(), *, self_service=True, granted_by=None,
                  language: str | None = None) -> User:
    """Create an account. People registering themselves pick only self-service roles; other roles
    are given by an admin (`granted_by`) or by the operator's CLI (self_service=False, no granter).
    `language`: the one they registered in, kept as their preferred language (for pages and messages)."""
    email = normalize_email(email)
    name = name.strip()
    if not name:
        raise ValidationFailed(_l("Enter your name."), {"name": [_l("Enter your name.")]})
    if has_control_characters(name):
        message = _l("Use a single line without control characters.")
        raise ValidationFailed(message, {"name": [message]})
    _check_password_strength(password)
    roles = {Role(role) for role in roles}
    if self_service and not roles.issubset(SELF_SERVICE_ROLES):
        raise PermissionDenied(_l("These roles are granted by an administrator."))
    if granted_by is not None and not granted_by.has_role(Role.ADMIN):
        raise PermissionDenied()
    if db.session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        message = _l("An account with this email already exists.")
        raise ValidationFailed(message, {"email": [message]})
    user = User(email=email, name=name, password_hash=hash_password(password), preferred_language=supported(language))
    user.role_grants = [RoleGrant(role=role) for role in roles]
    db.session.add(user)
    db.session.flush()
    audit.record(granted_by if not self_service else user, AuditAction.CREATE, "user", user.id, {"roles": roles})
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None; upgrades the hash if parameters changed."""
    user = find_user_by_email(email)
    # Verified even for an unknown email, against a dummy hash: both answers take the same time.
    verified = verify_password(user.password_hash if user else None, password)
    if user is None or not verified or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def set_contact_preferences(user: User, channel: str | None, phone: str | None) -> None:
    """Notifications reach this person by `channel` from now on; SMS needs a valid phone (kept in E.164),
    Telegram a chat the person opened with the bot."""
    import phonenumbers

    if phone is not None:
        region = current_app.config.get("DEFAULT_PHONE_REGION", "AM")
        try:
            number = phonenumbers.parse(phone, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            message = _l("Enter a valid phone number, e.g. +374 99 123456.")
            raise ValidationFailed(message, {"phone": [message]})
        user.phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if channel is not None:
        chosen = Channel(channel)
        if chosen is Channel.SMS and not user.phone:
            message = _l("Give a phone number to get messages by SMS.")
            raise ValidationFailed(message, {"phone": [message]})
        if chosen is Channel.TELEGRAM and not user.telegram_chat_id:
            message = _l("Write to our Telegram bot first, so that it can write to you.")
            raise ValidationFailed(message, {"preferred_channel": [message]})
        user.preferred_channel = chosen
    db.session.commit()  # not audited, like the language: the person's own contact preference


def set_preferred_language(user: User, language: str) -> None:
    """Pages and every message to this person are written in `language` from now on (one of config LANGUAGES)."""
    code = supported(language)
    if code is None:
        message = _l("Choose one of the languages offered.")
        raise ValidationFailed(message, {"preferred_language": [message]})
    user.preferred_language = code  # not audited: a person's own reading preference, changed by a click
    db.session.commit()


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie this user holds, on every device."""
    user.session_version += 1
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password, end all existing sessions (the caller logs the user in again) and revoke every
    API token: whoever learnt the old password may have made one."""
    if not verify_password(user.password_hash, current_password):
        message = _l("The current password is not correct.")
        raise ValidationFailed(message, {"current_password": [message]})
    _check_password_strength(new_password, "new_password")
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    now = utcnow()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)))
    revoked = []
    for token in tokens:
        token.revoked_at = now
        revoked.append(token.id)
    audit.record(user, AuditAction.UPDATE, "user", user.id,
                 {"password": ["***", "***"], "api_tokens_revoked": revoked})
    db.session.commit()


def set_active(actor: User | None, user: User, active: bool, reason: str | None = None) -> None:
    """Deactivate (ending all sessions; tokens stop working) or reactivate an account."""
    if actor is not None and actor.id != user.id and not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
    if user.active == active:
        return
    user.active = active
    user.session_version += 1
    audit.record(actor, AuditAction.STATE_CHANGE, "user", user.id, {"active": [not active, active]}, reason)
    db.session.commit()


def grant_role(actor: User | None, user: User, role: Role) -> None:
    """Give a role (admin only, or the CLI with actor=None)."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
    if role in user.roles:
        return
    user.role_grants.append(RoleGrant(role=role))
    audit.record(actor, AuditAction.UPDATE, "user", user.id, {"roles": [user.roles - {role}, user.roles]})
    db.session.commit()


def revoke_role(actor: User | None, user: User, role: Role) -> None:
    """Take a role away (admin only, or the CLI with actor=None)."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied()
    if role not in user.roles:
        return
    before = user.roles
    user.role_grants = [grant for grant in user.role_grants if grant.role != role]
    audit.record(actor, AuditAction.UPDATE, "user", user.id, {"roles": [before, user.roles]})
    db.session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        message = _l("Give the token a name of up to 100 characters.")
        raise ValidationFailed(message, {"name": [message]})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(plain), prefix=plain[:12])
    db.session.add(token)
    db.session.flush()
    audit.record(user, AuditAction.CREATE, "api_token", token.id, {"name": name})
    db.session.commit()
    return token, plain


def list_api_tokens(user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    return list(db.session.scalars(query))


def revoke_api_token(user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens; someone else's token is reported as not found."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(user, AuditAction.STATE_CHANGE, "api_token", token.id, {"revoked": [False, True]})
        db.session.commit()


def user_for_token(plain: str) -> User | None:
    """The active owner of an unrevoked token, or None: one statement for the token, its user and the roles."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    found = identity.token_owner(_digest(plain))
    if found is None:
        return None
    user, token_id, last_used_at = found
    now = utcnow()
    if last_used_at is None or now - last_used_at > TOKEN_USE_RECORD_INTERVAL:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    return user


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's user_loader: the id carries the session version, so ended sessions fail here.
    One statement for the user and the roles."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = identity.user_by_id(int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


# Addresses under the reserved .invalid domain (RFC 2606): no mail is ever sent to them.
CHANNEL_ACCOUNT_DOMAIN = "invalid"
# Not an argon2 hash: verify_password never accepts it, so nobody can sign in with the account.
NO_PASSWORD = "!"  # noqa: S105 - a marker for "no password", not a secret


def channel_account(channel: Channel, address: str, handle: str, name: str, language: str | None) -> User:
    """The account of a person who reaches us only through a channel (a Telegram user, by their `handle`):
    it owns their cases so that the web's rules hold for them; it has no password and no mailbox.
    Found again by its handle; added to the caller's transaction."""
    email = f"{handle}@{channel.value}.{CHANNEL_ACCOUNT_DOMAIN}"
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name[:200] or channel.value, password_hash=NO_PASSWORD,
                    preferred_language=supported(language))
        db.session.add(user)
    user.preferred_channel = channel
    if channel is Channel.TELEGRAM:
        user.telegram_chat_id = address
    if language:
        user.preferred_language = supported(language)
    db.session.flush()
    return user


def take_self_service_role(user: User, role: Role) -> None:
    """A person takes a role anyone may take for themselves (host, volunteer...), as when registering on the web;
    in the caller's transaction."""
    if role not in SELF_SERVICE_ROLES:
        raise PermissionDenied(_l("These roles are granted by an administrator."))
    if not user.has_role(role):
        user.role_grants.append(RoleGrant(role=role))
        db.session.flush()
        audit.record(user, AuditAction.UPDATE, "user", user.id, {"roles": {role}})

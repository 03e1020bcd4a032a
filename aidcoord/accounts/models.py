"""Users, their roles and their API tokens."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from aidcoord.common.channels import Channel
from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class Role(enum.Enum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    ORG_MEMBER = "org_member"
    DONOR = "donor"
    HOST = "host"
    EMPLOYER = "employer"
    VOLUNTEER = "volunteer"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.ORG_MEMBER: _l("Organization member"),
    Role.DONOR: _l("Donor"),
    Role.HOST: _l("Host"),
    Role.EMPLOYER: _l("Employer"),
    Role.VOLUNTEER: _l("Volunteer"),
}

# Roles people may give themselves when registering; the others are granted.
SELF_SERVICE_ROLES = (Role.DONOR, Role.HOST, Role.EMPLOYER, Role.VOLUNTEER)


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, info=PERSONAL)
    name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    password_hash: Mapped[str] = mapped_column(String(255), info=PERSONAL)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change and deactivation: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The language pages and every message to this person are written in (a code of config LANGUAGES);
    # None until they choose: pages then follow the browser, messages the default language.
    preferred_language: Mapped[str | None] = mapped_column(String(16))
    # How notifications reach this person: e-mail (the account's address), SMS (phone) or Telegram (chat id);
    # the outbox falls back to e-mail while the channel's address is missing.
    preferred_channel: Mapped[Channel] = mapped_column(enum_column_type(Channel), default=Channel.EMAIL,
                                                       server_default="email")
    phone: Mapped[str | None] = mapped_column(String(40), info=PERSONAL)  # E.164, for SMS
    telegram_chat_id: Mapped[str | None] = mapped_column(String(32), info=PERSONAL)

    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def roles(self) -> set[Role]:
        """The roles granted. A commit expires the grants but keeps the roles last read (see below), so the
        permission checks after a service's commit do not load the user's grants again."""
        cached = self.__dict__.get("_roles")
        if cached is not None and "role_grants" not in self.__dict__:
            return set(cached)
        roles = frozenset(grant.role for grant in self.role_grants)
        self.__dict__["_roles"] = roles
        return set(roles)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff(self) -> bool:
        """Coordinators and admins act on any organization's records."""
        return self.has_role(Role.ADMIN, Role.COORDINATOR)


class RoleGrant(Model):
    __tablename__ = "role_grants"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column_type(Role), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_grants")


class ApiToken(Model):
    """A personal access token; only its SHA-256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


# The roles a user object last read stay valid until its grants change through the ORM (the events below) or the
# object is expired on purpose (session.expire / refresh); the expiry every commit does keeps them. A change made
# elsewhere in the meantime shows from the next request (each request has its own session).
def _forget_roles(target: User | None, *_args: object) -> None:
    if target is not None:
        target.__dict__.pop("_roles", None)


for _change in ("append", "remove", "bulk_replace"):
    event.listen(User.role_grants, _change, _forget_roles)


@event.listens_for(User, "expire")
def _forget_roles_unless_committing(target: User | None, _attributes: object) -> None:
    if target is None:  # collected already: nothing to forget
        return
    session = Session.object_session(target)
    if session is None or not session.info.get("committing"):
        _forget_roles(target)


@event.listens_for(Session, "before_commit")
def _mark_committing(session: Session) -> None:
    session.info["committing"] = True


@event.listens_for(Session, "after_transaction_end")  # after the commit's expiry (after_commit comes before it)
def _unmark_committing(session: Session, *_args: object) -> None:
    session.info.pop("committing", None)

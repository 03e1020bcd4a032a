"""Volunteers, the shifts organizations post, and sign-ups (never more than the slots)."""
import enum
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidcoord.accounts.models import User
from aidcoord.common.money import Quantity
from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model
from aidcoord.matching.lifecycle import MatchState
from aidcoord.organizations.models import Organization

SKILLS = ("driver", "interpreter", "medical", "psychosocial", "logistics", "childcare", "it", "cooking", "construction")
# A fixed list: the codes are stored and go through the API; pages show these words in the reader's language.
SKILL_LABELS = {
    "driver": _l("Driving"), "interpreter": _l("Interpreting"), "medical": _l("Medical care"),
    "psychosocial": _l("Psychosocial support"), "logistics": _l("Logistics"), "childcare": _l("Childcare"),
    "it": _l("IT"), "cooking": _l("Cooking"), "construction": _l("Construction"),
}


def skill_name(code: str) -> str:
    """A volunteer skill in the reader's language (the code itself for one no longer offered)."""
    return str(SKILL_LABELS.get(code, code))


def skill_names(codes) -> str:
    return ", ".join(skill_name(code) for code in codes or ())


class BackgroundCheck(enum.Enum):
    NONE = "none"
    PENDING = "pending"
    CLEARED = "cleared"
    FAILED = "failed"

    @property
    def label(self):
        return {"none": _l("Not checked"), "pending": _l("Check pending"), "cleared": _l("Cleared"),
                "failed": _l("Not cleared")}[self.value]


class VolunteerProfile(Model):
    __tablename__ = "volunteer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[str] = mapped_column(String(500), default="", info=PERSONAL)
    background_check: Mapped[BackgroundCheck] = mapped_column(
        enum_column_type(BackgroundCheck), default=BackgroundCheck.NONE, info=PERSONAL)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class Shift(Model):
    __tablename__ = "shifts"
    __table_args__ = (
        # The database refuses an overfilled shift, whatever the application does.
        CheckConstraint("filled >= 0 AND filled <= slots", name="filled_within_slots"),
        CheckConstraint("slots > 0", name="positive_slots"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    task: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str] = mapped_column(String(10), index=True)
    locality: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    slots: Mapped[int]
    # Active sign-ups; changed only by conditional UPDATEs in the same transaction as the sign-up.
    filled: Mapped[int] = mapped_column(default=0)
    required_skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    requires_background_check: Mapped[bool] = mapped_column(default=False)
    cancel_cutoff_hours: Mapped[int] = mapped_column(default=24)
    cancelled: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")


# A sign-up follows the shared matching lifecycle (see volunteers.matching): these are its words for it.
SIGNED_UP, CANCELLED, ATTENDED, NO_SHOW = (MatchState.ACCEPTED, MatchState.WITHDRAWN, MatchState.PLACED,
                                           MatchState.EXPIRED)
SIGN_UP_LABELS = {SIGNED_UP: _l("Signed up"), CANCELLED: _l("Cancelled"), ATTENDED: _l("Attended"),
                  NO_SHOW: _l("Did not come")}


class SignUp(Model):
    __tablename__ = "sign_ups"
    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id", name="uq_sign_ups_shift_volunteer"),
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[MatchState] = mapped_column(enum_column_type(MatchState, name="signupstate"), default=SIGNED_UP)
    hours: Mapped[Decimal | None] = mapped_column(Quantity)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shift: Mapped[Shift] = relationship(lazy="joined")
    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id], lazy="joined")

    @property
    def state_label(self):
        return SIGN_UP_LABELS.get(self.state, self.state.label)

    @property
    def lead_contact_email(self) -> str | None:
        """The e-mail a shift lead sees on the roster: only while the volunteer is signed up (to reach someone
        who is due); once cancelled, attended or absent it is no longer needed there (docs/personal-data.md)."""
        return self.volunteer.email if self.state == SIGNED_UP else None

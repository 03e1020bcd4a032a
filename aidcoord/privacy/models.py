"""When each record's personal data may be anonymised, and people's requests to erase their data."""
import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class RetentionDate(Model):
    """One row per case, offer, profile and account (privacy.registry names the kinds): its personal values are
    anonymised by `flask privacy purge` once `retain_until` has passed. Kept in a table of its own so that a
    slice's model need not know about retention; recomputed from the record's activity by each purge run."""

    __tablename__ = "retention_dates"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[int] = mapped_column(primary_key=True)
    retain_until: Mapped[date] = mapped_column(index=True)
    # Accounts: the last sign-in (pages); API use is read from the tokens.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ErasureState(enum.Enum):
    WAITING = "waiting"  # something blocks it (see `blocked_by`); the purge run carries it out once nothing does
    DONE = "done"

    @property
    def label(self):
        return {"waiting": _l("Waiting"), "done": _l("Carried out")}[self.value]


class ErasureBlock(enum.Enum):
    """Why an erasure waits: codes, never the details (they would be personal)."""

    ACTIVE_PLACEMENT = "active_placement"  # a household lives with a host (the person's household or offer)
    ACTIVE_MATCH = "active_match"  # a housing proposal under way or accepted
    ACTIVE_REFERRAL = "active_referral"  # a job application or referral under way
    UPCOMING_SHIFT = "upcoming_shift"  # signed up for a shift not yet started

    @property
    def label(self):
        return {"active_placement": _l("An active placement"),
                "active_match": _l("A housing proposal under way or accepted"),
                "active_referral": _l("A job application or referral under way"),
                "upcoming_shift": _l("A volunteer shift signed up for")}[self.value]


class ErasureRequest(Model):
    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[ErasureState] = mapped_column(enum_column_type(ErasureState), default=ErasureState.WAITING,
                                                index=True)
    blocked_by: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ErasureBlock values
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def blocks(self) -> list[ErasureBlock]:
        return [ErasureBlock(code) for code in self.blocked_by]

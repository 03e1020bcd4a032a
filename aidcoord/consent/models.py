"""Consent records: one row each time a person agrees to a purpose; withdrawal closes the row.

The latest row of a (subject, purpose) decides: consent is given while it is not withdrawn. Rows are never
deleted (the history is the evidence); retention anonymises their personal fields with the case.
"""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class ConsentSubject(enum.Enum):
    """Whose consent: the kinds of person-records (each slice declares its own, see consent.subjects)."""

    HOUSEHOLD = "household"
    JOB_SEEKER = "job_seeker"

    @property
    def label(self):
        return {"household": _l("Household"), "job_seeker": _l("Job seeker")}[self.value]


class ConsentPurpose(enum.Enum):
    REGISTRATION = "registration"  # keeping and processing the record to find help
    SHARE_WITH_HOST = "share_with_host"  # the household's details and contact shown to a host
    SHARE_WITH_EMPLOYER = "share_with_employer"  # the seeker's profile, and contact once they apply, to employers
    MESSAGES = "messages"  # being sent messages about the case

    @property
    def label(self):
        return {"registration": _l("Registration"), "share_with_host": _l("Sharing with a host"),
                "share_with_employer": _l("Sharing with employers"), "messages": _l("Messages")}[self.value]


class ConsentRecord(Model):
    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_subject", "subject_kind", "subject_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[ConsentSubject] = mapped_column(enum_column_type(ConsentSubject))
    subject_id: Mapped[int]
    # The person's own account when they have one: messages to that account follow this consent.
    subject_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_column_type(ConsentPurpose))
    # The exact text shown (consent.texts: purpose -> version) and the language it was shown in.
    text_version: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who entered it (None: the system)
    # Recorded by someone else (a caseworker) on the person's behalf, with why.
    on_behalf: Mapped[bool] = mapped_column(default=False)
    on_behalf_reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_on_behalf: Mapped[bool] = mapped_column(default=False)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

"""Job listings from employers, the reports that send them back to review, and job seekers.

Applications and referrals are matches (aidcoord.matching) of kind JOBS: the same queue, lease,
lifecycle steps and capacity guarantee as housing."""
import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from aidcoord.accounts.models import User
from aidcoord.common.money import from_minor_units
from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model
from aidcoord.organizations.models import Organization

SECTORS = ("agriculture", "construction", "education", "healthcare", "hospitality", "it", "manufacturing",
           "retail", "services", "social_work", "transport", "other")
# What pages show for each sector code (the code stays in the API, the exports and the imports).
SECTOR_LABELS = {
    "agriculture": _l("Agriculture"), "construction": _l("Construction"), "education": _l("Education"),
    "healthcare": _l("Health care"), "hospitality": _l("Hotels and restaurants"), "it": _l("IT"),
    "manufacturing": _l("Manufacturing"), "retail": _l("Retail"), "services": _l("Services"),
    "social_work": _l("Social work"), "transport": _l("Transport"), "other": _l("Other"),
}
# CEFR levels, then native speaker: a listing's required level is met by that level or higher.
LANGUAGE_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
NATIVE = "native"


def level_name(level: str) -> str:
    """A CEFR level as it is written (B2), or "native speaker" in the reader's language."""
    return str(_l("native speaker")) if level == NATIVE else level


def level_keyword(level: str) -> str:
    """What a person types for the level in a form ("hy:native"): the CEFR level, or the word for native in
    the reader's language (the English word is understood too)."""
    return str(_l("native")) if level == NATIVE else level


class ContractType(enum.Enum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    TEMPORARY = "temporary"
    APPRENTICESHIP = "apprenticeship"

    @property
    def label(self):
        return {"full_time": _l("Full-time"), "part_time": _l("Part-time"), "temporary": _l("Temporary"),
                "apprenticeship": _l("Apprenticeship")}[self.value]


class ListingState(enum.Enum):
    PENDING = "pending"  # new, or reported: waits for a coordinator
    PUBLISHED = "published"
    REJECTED = "rejected"
    CLOSED = "closed"  # filled, past its closing date, or closed by the employer

    @property
    def label(self):
        return {"pending": _l("Waiting for review"), "published": _l("Published"), "rejected": _l("Rejected"),
                "closed": _l("Closed")}[self.value]


class JobListing(Model):
    __tablename__ = "job_listings"
    __table_args__ = (
        # Open positions are positions minus hires: never negative, whatever the application does.
        CheckConstraint("open_positions >= 0 AND open_positions <= positions", name="open_within_positions"),
        CheckConstraint("positions > 0", name="positive_positions"),
        CheckConstraint("employer_id IS NOT NULL OR organization_id IS NOT NULL", name="has_employer"),
        CheckConstraint("remote OR region IS NOT NULL", name="has_place"),
        CheckConstraint("(salary_min_minor IS NULL AND salary_max_minor IS NULL) OR salary_currency IS NOT NULL",
                        name="salary_has_currency"),
        CheckConstraint("salary_min_minor IS NULL OR salary_max_minor IS NULL OR salary_min_minor <= salary_max_minor",
                        name="salary_range_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str | None] = mapped_column(String(10), index=True)
    locality: Mapped[str] = mapped_column(String(200), default="")
    remote: Mapped[bool] = mapped_column(default=False)
    positions: Mapped[int]
    # Changed only by the conditional UPDATE that records a hire, in the same transaction.
    open_positions: Mapped[int]
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"code": "hy", "level": "B1"}]
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    contract_type: Mapped[ContractType] = mapped_column(enum_column_type(ContractType))
    salary_min_minor: Mapped[int | None] = mapped_column(BigInteger)
    salary_max_minor: Mapped[int | None] = mapped_column(BigInteger)
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    start_date: Mapped[date | None]
    closing_date: Mapped[date] = mapped_column(index=True)
    state: Mapped[ListingState] = mapped_column(enum_column_type(ListingState), default=ListingState.PENDING,
                                                index=True)
    review_note: Mapped[str | None] = mapped_column(String(2000))  # why rejected, reported or closed
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employer: Mapped[User | None] = relationship(foreign_keys=[employer_id], lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    # Read as a column by the board (jobs.listings._board_page_statement), so that a page loads neither the
    # employer nor the organization as records: what that read saw. None when the listing was loaded otherwise, or
    # expired since (at a commit: common.sql.commit_keeping keeps only table columns).
    listed_employer_name: Mapped[str | None] = query_expression()

    @property
    def employer_name(self) -> str:
        if self.listed_employer_name is not None:
            return self.listed_employer_name
        if self.organization is not None:
            return self.organization.name
        if self.employer is not None:
            return self.employer.name
        raise ValueError(f"listing {self.id} has neither an employer nor an organization")  # its CHECK forbids it

    @property
    def salary_min(self):
        if self.salary_min_minor is None or self.salary_currency is None:  # a salary has its currency (a CHECK)
            return None
        return from_minor_units(self.salary_min_minor, self.salary_currency)

    @property
    def salary_max(self):
        if self.salary_max_minor is None or self.salary_currency is None:  # a salary has its currency (a CHECK)
            return None
        return from_minor_units(self.salary_max_minor, self.salary_currency)

    @property
    def sector_label(self) -> str:
        return str(SECTOR_LABELS.get(self.sector, self.sector))

    @property
    def language_codes(self) -> list[str]:
        return [language["code"] for language in self.languages]


class ReportReason(enum.Enum):
    EXPLOITATIVE = "exploitative"
    SCAM = "scam"
    OTHER = "other"

    @property
    def label(self):
        return {"exploitative": _l("Exploitative conditions"), "scam": _l("Scam or fake job"),
                "other": _l("Something else")}[self.value]


class ListingReport(Model):
    """Anyone's report on a published listing; reports from enough distinct reporters send it back to review."""

    __tablename__ = "listing_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("job_listings.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReportReason] = mapped_column(enum_column_type(ReportReason))
    details: Mapped[str] = mapped_column(String(2000), default="", info=PERSONAL)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # none: reported anonymously
    # Who reported, to count distinct reporters: "user:<id>" when signed in, else "ip:" and a keyed digest of the
    # address (the address itself is never stored). None on reports from before reporters were counted.
    reporter_key: Mapped[str | None] = mapped_column(String(64), index=True, info=PERSONAL)
    # The keyed digest of the client address, also for signed-in reporters: an account and its address must both
    # differ from earlier reporters' to count again (accounts made on the spot from one address count once).
    address_key: Mapped[str | None] = mapped_column(String(64), info=PERSONAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobSeeker(Model):
    """A person looking for work, registered by themselves or by a caseworker or coordinator."""

    __tablename__ = "job_seekers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)  # their own account
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))  # for the priority
    contact_name: Mapped[str] = mapped_column(String(200), info=PERSONAL)  # private, like the two below
    contact_phone: Mapped[str] = mapped_column(String(40), default="", info=PERSONAL)
    contact_email: Mapped[str] = mapped_column(String(254), default="", info=PERSONAL)
    profession: Mapped[str] = mapped_column(String(200), default="")
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"code": "hy", "level": "native"}]
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: anywhere
    remote_ok: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date]
    consent_to_share: Mapped[bool] = mapped_column(default=False)  # the profile, never the contact
    priority_boost: Mapped[int] = mapped_column(default=0)
    boost_reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    def level_in(self, code: str) -> str | None:
        return next((language["level"] for language in self.languages if language["code"] == code), None)


# The job board's order (newest first) among published listings: a page is read in order, not sorted.
_PUBLISHED = "state = 'published'"
Index("ix_job_listings_board", JobListing.created_at.desc(), JobListing.id.desc(),
      sqlite_where=text(_PUBLISHED), postgresql_where=text(_PUBLISHED))

"""The organization registry: who they are, where and in which sectors they work, who belongs."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidcoord.accounts.models import User
from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class OrganizationKind(enum.Enum):
    NGO = "ngo"
    INTERNATIONAL_NGO = "international_ngo"
    COMMUNITY_GROUP = "community_group"
    GOVERNMENT = "government"
    UN_AGENCY = "un_agency"
    BUSINESS = "business"
    FAITH_BASED = "faith_based"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    OrganizationKind.NGO: _l("NGO"),
    OrganizationKind.INTERNATIONAL_NGO: _l("International NGO"),
    OrganizationKind.COMMUNITY_GROUP: _l("Community group"),
    OrganizationKind.GOVERNMENT: _l("Government"),
    OrganizationKind.UN_AGENCY: _l("UN agency"),
    OrganizationKind.BUSINESS: _l("Business"),
    OrganizationKind.FAITH_BASED: _l("Faith-based organization"),
}


class Sector(enum.Enum):
    """The IASC humanitarian clusters."""

    FOOD_SECURITY = "food_security"
    SHELTER = "shelter"
    HEALTH = "health"
    PROTECTION = "protection"
    EDUCATION = "education"
    WASH = "wash"
    LOGISTICS = "logistics"
    EARLY_RECOVERY = "early_recovery"
    NUTRITION = "nutrition"
    CAMP_COORDINATION = "camp_coordination"
    EMERGENCY_TELECOMS = "emergency_telecoms"

    @property
    def label(self):
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.FOOD_SECURITY: _l("Food security"),
    Sector.SHELTER: _l("Shelter"),
    Sector.HEALTH: _l("Health"),
    Sector.PROTECTION: _l("Protection (incl. psychosocial support)"),
    Sector.EDUCATION: _l("Education"),
    Sector.WASH: _l("Water, sanitation and hygiene (WASH)"),
    Sector.LOGISTICS: _l("Logistics"),
    Sector.EARLY_RECOVERY: _l("Early recovery and livelihoods"),
    Sector.NUTRITION: _l("Nutrition"),
    Sector.CAMP_COORDINATION: _l("Camp coordination and management"),
    Sector.EMERGENCY_TELECOMS: _l("Emergency telecommunications"),
}


class VerificationState(enum.Enum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"

    @property
    def label(self):
        return {"pending": _l("Awaiting verification"), "verified": _l("Verified"),
                "rejected": _l("Rejected")}[self.value]


class Organization(Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # Lower-cased name: two registrations of "Hayordi" and "HAYORDI" are the same organization.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[OrganizationKind] = mapped_column(enum_column_type(OrganizationKind), index=True)
    country: Mapped[str] = mapped_column(String(2))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(500))
    contact_email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    contact_phone: Mapped[str | None] = mapped_column(String(40), info=PERSONAL)
    verification_state: Mapped[VerificationState] = mapped_column(
        enum_column_type(VerificationState), default=VerificationState.PENDING, index=True
    )
    verification_note: Mapped[str | None] = mapped_column(String(2000))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    sector_rows: Mapped[list["OrganizationSector"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrganizationSector.sector"
    )
    region_rows: Mapped[list["OrganizationRegion"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrganizationRegion.code"
    )
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )

    @property
    def sectors(self) -> list[Sector]:
        return [row.sector for row in self.sector_rows]

    @property
    def regions(self) -> list[str]:
        return [row.code for row in self.region_rows]

    @property
    def is_verified(self) -> bool:
        return self.verification_state is VerificationState.VERIFIED


class OrganizationSector(Model):
    __tablename__ = "organization_sectors"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[Sector] = mapped_column(enum_column_type(Sector), primary_key=True, index=True)


class OrganizationRegion(Model):
    """An ISO 3166-2 subdivision the organization serves."""

    __tablename__ = "organization_regions"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)


class Membership(Model):
    __tablename__ = "memberships"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class InvitationState(enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    @property
    def label(self):
        return {"pending": _l("Waiting for an answer"), "accepted": _l("Accepted"),
                "declined": _l("Declined")}[self.value]


class Invitation(Model):
    """An invitation to join an organization, sent to an e-mail address whether or not it has an account:
    membership begins only when the account holding that address accepts."""

    __tablename__ = "organization_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True, info=PERSONAL)  # normalised, as accounts store theirs
    state: Mapped[InvitationState] = mapped_column(enum_column_type(InvitationState), default=InvitationState.PENDING)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the secret in the e-mailed link: answering proves the mailbox is read, not only that an account
    # claims the address (registration does not check it). Only the hash is kept, as for API tokens.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    organization: Mapped[Organization] = relationship(lazy="joined")

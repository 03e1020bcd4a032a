"""Housing offers from hosts and organizations, and the households asking for housing."""
import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidcoord.accounts.models import User
from aidcoord.common.channels import Channel
from aidcoord.common.money import from_minor_units
from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model
from aidcoord.organizations.models import Organization


class VettingState(enum.Enum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return {"unverified": _l("Not yet checked"), "verified": _l("Verified"), "rejected": _l("Rejected"),
                "withdrawn": _l("Withdrawn")}[self.value]


class HousingOffer(Model):
    __tablename__ = "housing_offers"
    __table_args__ = (
        # The database refuses a bed given twice: free beds never below zero nor above the beds offered.
        CheckConstraint("free_beds >= 0 AND free_beds <= beds", name="free_beds_within_beds"),
        CheckConstraint("beds > 0", name="positive_beds"),
        CheckConstraint("host_id IS NOT NULL OR organization_id IS NOT NULL", name="has_provider"),
        CheckConstraint("(rent_minor IS NULL) = (rent_currency IS NULL)", name="rent_has_currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    region: Mapped[str] = mapped_column(String(10), index=True)
    locality: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(500), info=PERSONAL)  # private: shown to the household after acceptance
    beds: Mapped[int]
    # Beds minus people proposed or placed; changed only by one conditional UPDATE in the same
    # transaction as the match that takes or returns them (see matching.capacity).
    free_beds: Mapped[int]
    rooms: Mapped[int] = mapped_column(default=1)
    whole_dwelling: Mapped[bool] = mapped_column(default=False)
    available_from: Mapped[date]
    available_until: Mapped[date | None]
    max_stay_days: Mapped[int | None]
    rent_minor: Mapped[int | None] = mapped_column(BigInteger)  # None: free of charge
    rent_currency: Mapped[str | None] = mapped_column(String(3))
    utilities_included: Mapped[bool] = mapped_column(default=False)
    meals_included: Mapped[bool] = mapped_column(default=False)
    step_free: Mapped[bool] = mapped_column(default=False)
    pets_accepted: Mapped[bool] = mapped_column(default=False)
    children_welcome: Mapped[bool] = mapped_column(default=True)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    vetting_state: Mapped[VettingState] = mapped_column(
        enum_column_type(VettingState), default=VettingState.UNVERIFIED, index=True)
    vetting_note: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    vetted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    vetted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_ref: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    host: Mapped[User | None] = relationship(foreign_keys=[host_id], lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    organization: Mapped[Organization | None] = relationship(lazy="joined")

    @property
    def rent(self):
        if self.rent_minor is None or self.rent_currency is None:  # both or neither (a CHECK constraint)
            return None
        return from_minor_units(self.rent_minor, self.rent_currency)

    @property
    def is_free_of_charge(self) -> bool:
        return self.rent_minor is None


class Household(Model):
    """A household asking for housing. Contact and medical note are personal data: never listed,
    shown only to those who need them, every view recorded."""

    __tablename__ = "households"
    __table_args__ = (
        CheckConstraint("size > 0 AND size = adults + children", name="size_adds_up"),
        CheckConstraint("children_under_5 <= children", name="under_5_are_children"),
        CheckConstraint("over_65 <= adults", name="over_65_are_adults"),
        CheckConstraint("disabled <= size", name="disabled_within_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_name: Mapped[str] = mapped_column(String(200), info=PERSONAL)
    contact_phone: Mapped[str] = mapped_column(String(40), index=True, info=PERSONAL)
    # Keys that find possible duplicates by index (housing.duplicates): the phone in E.164, and the head's name
    # transliterated to Latin letters, normalised for spelling variants, its words sorted.
    phone_key: Mapped[str | None] = mapped_column(String(40), index=True, info=PERSONAL)
    name_key: Mapped[str | None] = mapped_column(String(400), index=True, info=PERSONAL)
    size: Mapped[int]
    adults: Mapped[int]
    children: Mapped[int] = mapped_column(default=0)
    children_under_5: Mapped[int] = mapped_column(default=0)
    over_65: Mapped[int] = mapped_column(default=0)
    disabled: Mapped[int] = mapped_column(default=0)
    single_caregiver: Mapped[bool] = mapped_column(default=False)
    medical_needs: Mapped[bool] = mapped_column(default=False)
    medical_note: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    pets: Mapped[bool] = mapped_column(default=False)
    step_free_needed: Mapped[bool] = mapped_column(default=False)
    preferred_regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: anywhere
    region_required: Mapped[bool] = mapped_column(default=False)
    arrival_place: Mapped[str | None] = mapped_column(String(200))
    needed_from: Mapped[date]
    stay_days: Mapped[int | None]
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_to_share: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[int] = mapped_column(default=0)
    priority_reasons: Mapped[list[Any]] = mapped_column(JSON, default=list, info=PERSONAL)
    priority_boost: Mapped[int] = mapped_column(default=0)
    boost_reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    external_ref: Mapped[str | None] = mapped_column(String(100), info=PERSONAL)
    # Set when a duplicate was merged into an earlier request.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    # A possible duplicate, flagged at registration for a coordinator to merge or keep apart.
    possible_duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # self-registered
    # Registered by the person themselves: the vulnerability they declare does not raise their place in the queue
    # until a caseworker or coordinator confirms it (confirmed_at set); see housing.priority.
    vulnerability_self_declared: Mapped[bool] = mapped_column(default=False)
    vulnerability_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vulnerability_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)  # caseworker's
    # How the household hears about its case (a staff-registered one has no account): SMS to contact_phone, or
    # Telegram to the chat it wrote from; e-mail only through a linked account.
    preferred_channel: Mapped[Channel] = mapped_column(enum_column_type(Channel), default=Channel.SMS,
                                                       server_default="sms")
    telegram_chat_id: Mapped[str | None] = mapped_column(String(32), info=PERSONAL)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization | None] = relationship(lazy="joined")


class HouseholdNameToken(Model):
    """The block keys of a household's name (housing.duplicates.block_keys: a word and the first letters of
    another), so households with similar names are found by index."""

    __tablename__ = "household_name_tokens"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(100), primary_key=True, index=True, info=PERSONAL)


class DuplicateDismissal(Model):
    """A caseworker judged two households to be different: the pair is not flagged again."""

    __tablename__ = "household_duplicate_dismissals"
    __table_args__ = (
        UniqueConstraint("household_id", "other_id", name="uq_household_duplicate_dismissals_pair"),
        CheckConstraint("household_id < other_id", name="pair_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    dismissed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dismissed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HostSuspension(Model):
    """While a suspension is not lifted, none of the host's offers receives proposals."""

    __tablename__ = "host_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(2000), info=PERSONAL)
    suspended_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    suspended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WelfareOutcome(enum.Enum):
    WELL = "well"
    CONCERN = "concern"
    UNREACHABLE = "unreachable"

    @property
    def label(self):
        return {"well": _l("All well"), "concern": _l("A concern"),
                "unreachable": _l("Could not reach them")}[self.value]


class WelfareCheck(Model):
    """A check-in scheduled after move-in (day 3, day 30); missed when past due with no outcome."""

    __tablename__ = "welfare_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(index=True)
    outcome: Mapped[WelfareOutcome | None] = mapped_column(enum_column_type(WelfareOutcome))
    note: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Incident(Model):
    """A report on a placement by anyone involved; a coordinator reviews it."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    description: Mapped[str] = mapped_column(Text, info=PERSONAL)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_note: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    placement_ended: Mapped[bool] = mapped_column(default=False)
    host_suspended: Mapped[bool] = mapped_column(default=False)

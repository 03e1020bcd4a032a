"""Pledges of money, goods or services, their lifecycle, deliveries, and exchange rates."""
import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from aidcoord.accounts.models import User
from aidcoord.common.money import QUANTITY_SCALE, ExactDecimal, Quantity, from_minor_units, normalize_decimal
from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model
from aidcoord.needs.models import Need, Unit
from aidcoord.organizations.models import Organization


class Contribution(enum.Enum):
    MONEY = "money"
    IN_KIND = "in_kind"
    SERVICE = "service"

    @property
    def label(self):
        return {"money": _l("Money"), "in_kind": _l("In kind"), "service": _l("Service")}[self.value]


class PledgeState(enum.Enum):
    """As in OCHA's Financial Tracking Service."""

    PLEDGED = "pledged"
    COMMITTED = "committed"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return {"pledged": _l("Pledged"), "committed": _l("Committed"), "delivered": _l("Delivered"),
                "cancelled": _l("Cancelled")}[self.value]


class Pledge(Model):
    __tablename__ = "pledges"
    __table_args__ = (
        CheckConstraint(
            "(contribution = 'money' AND amount_minor IS NOT NULL AND currency IS NOT NULL AND quantity IS NULL)"
            " OR (contribution != 'money' AND amount_minor IS NULL AND currency IS NULL)",
            name="money_has_amount",
        ),
        CheckConstraint("(quantity IS NULL) = (unit IS NULL)", name="quantity_has_unit"),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="positive_quantity"),
        CheckConstraint("amount_minor IS NULL OR amount_minor > 0", name="positive_amount"),
        UniqueConstraint("pledged_by_id", "idempotency_key", name="uq_pledges_idempotency"),
        # The database itself refuses a delivery beyond the pledge (quantity is stored in thousandths).
        CheckConstraint(
            "delivered_units >= 0 AND delivered_units <= COALESCE(amount_minor, quantity, delivered_units)",
            name="not_over_delivered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The person who made (or, for published pledges, recorded) the pledge.
    pledged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Set when the pledge is made on behalf of an organization (a government, an agency, a company).
    donor_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Target: one need, an organization in general, or (both empty) the response as a whole.
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id"), index=True)
    recipient_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    contribution: Mapped[Contribution] = mapped_column(enum_column_type(Contribution))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3), index=True)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    unit: Mapped[Unit | None] = mapped_column(enum_column_type(Unit))
    item: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="", info=PERSONAL)
    source_url: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[PledgeState] = mapped_column(enum_column_type(PledgeState), default=PledgeState.PLEDGED, index=True)
    # Sum of deliveries in storage units (minor units or thousandths); changed only together with a
    # new Delivery row, by one conditional UPDATE (see services.record_delivery).
    delivered_units: Mapped[int] = mapped_column(BigInteger, default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pledged_by: Mapped[User] = relationship(lazy="joined")
    donor_organization: Mapped[Organization | None] = relationship(foreign_keys=[donor_organization_id], lazy="joined")
    recipient_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[recipient_organization_id], lazy="joined")
    need: Mapped[Need | None] = relationship(lazy="joined")
    deliveries: Mapped[list["Delivery"]] = relationship(back_populates="pledge", order_by="Delivery.id",
                                                        lazy="selectin")
    transitions: Mapped[list["PledgeTransition"]] = relationship(order_by="PledgeTransition.id", lazy="selectin")
    # Read as columns by the API's list (pledges.services._listed_columns), so that a page loads neither the
    # donor organization nor the need as records: the donor's name ('' for a private donor) and the receiving
    # organization's id (0 for none), as that read saw them. None when the pledge was loaded otherwise, or expired
    # since (at a commit: common.sql.commit_keeping keeps only table columns).
    listed_donor_name: Mapped[str | None] = query_expression()
    listed_receiving_organization_id: Mapped[int | None] = query_expression()

    @property
    def amount(self) -> Decimal | None:
        if self.amount_minor is None or self.currency is None:  # both or neither (a CHECK constraint)
            return None
        return from_minor_units(self.amount_minor, self.currency)

    @property
    def size(self) -> Decimal | None:
        """How much was pledged, in its own measure (currency or unit), or None if not published."""
        return self.amount if self.contribution is Contribution.MONEY else self.quantity

    @property
    def delivered(self) -> Decimal:
        if self.contribution is Contribution.MONEY and self.currency is not None:  # money always has a currency
            return from_minor_units(self.delivered_units, self.currency)
        return normalize_decimal(Decimal(self.delivered_units).scaleb(-QUANTITY_SCALE))

    @property
    def remaining(self) -> Decimal | None:
        return None if self.size is None else self.size - self.delivered

    @property
    def unit_label(self) -> str:
        return self.unit.label if self.unit is not None else ""

    @property
    def receiving_organization(self) -> Organization | None:
        return self.need.organization if self.need is not None else self.recipient_organization

    @property
    def receiving_organization_id(self) -> int | None:
        """The receiving organization's id, without loading it."""
        if self.listed_receiving_organization_id is not None:
            return self.listed_receiving_organization_id or None
        return self.need.organization_id if self.need is not None else self.recipient_organization_id

    @property
    def donor_name(self) -> str:
        """The public name of the donor: the organization, or 'Private donor' for a person."""
        if self.listed_donor_name is not None:
            return self.listed_donor_name or gettext("Private donor")
        return self.donor_organization.name if self.donor_organization else gettext("Private donor")


class PledgeTransition(Model):
    """Every change of a pledge's state: who, when, from what, to what, why."""

    __tablename__ = "pledge_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[PledgeState | None] = mapped_column(enum_column_type(PledgeState, "from_state"))
    to_state: Mapped[PledgeState] = mapped_column(enum_column_type(PledgeState, "to_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(2000))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def reason_text(self) -> str | None:
        """The reason in the reader's language when the system wrote it; as typed when a person did."""
        return str(SYSTEM_REASONS.get(self.reason, self.reason)) if self.reason else None


# Reasons the system records on a pledge's transitions (stored as these keys, worded when read).
SYSTEM_REASONS = {"delivery started": _l("delivery started")}


class Delivery(Model):
    """A (possibly partial) delivery of a pledge, confirmed by the receiving organization."""

    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint("quantity IS NULL OR quantity > 0", name="positive_quantity"),
        CheckConstraint("amount_minor IS NULL OR amount_minor > 0", name="positive_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id", ondelete="CASCADE"), index=True)
    delivered_on: Mapped[date]
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    note: Mapped[str] = mapped_column(String(2000), default="")
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pledge: Mapped[Pledge] = relationship(back_populates="deliveries")

    @property
    def size(self) -> Decimal | None:
        if self.amount_minor is not None and self.pledge.currency is not None:  # only money pledges have both
            return from_minor_units(self.amount_minor, self.pledge.currency)
        return self.quantity


class ExchangeRate(Model):
    """How many units of the reporting currency one unit of `currency` was worth on `valid_on`."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        UniqueConstraint("currency", "valid_on", name="uq_exchange_rates_currency_day"),
        CheckConstraint("rate > 0", name="positive_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    reporting_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal(10))
    valid_on: Mapped[date]
    source: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

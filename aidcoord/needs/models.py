"""Needs that organizations list: what, how much, where, how urgent, by when."""
import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from aidcoord.accounts.models import User
from aidcoord.common.formats import format_number, use_unit_counts
from aidcoord.common.formats import plural_number as _n
from aidcoord.common.money import Quantity, from_minor_units
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model
from aidcoord.organizations.models import Organization, Sector


class Unit(enum.Enum):
    KG = "kg"
    TONNES = "t"
    LITRES = "l"
    PIECES = "pieces"
    PACKAGES = "packages"
    PARCELS = "parcels"
    MEALS = "meals"
    BEDS = "beds"
    KITS = "kits"
    DOSES = "doses"
    PEOPLE = "people"
    PERSON_DAYS = "person-days"
    HOURS = "hours"
    TEAMS = "teams"

    @property
    def label(self):
        return UNIT_LABELS[self]

    def count(self, quantity) -> str:
        """The quantity with this unit, in the reader's number format and plural form (1 койка, 5 коек)."""
        return UNIT_COUNTS[self](quantity, count=format_number(quantity))


UNIT_LABELS = {
    Unit.KG: _l("kg"), Unit.TONNES: _l("tonnes"), Unit.LITRES: _l("litres"), Unit.PIECES: _l("pieces"),
    Unit.PACKAGES: _l("packages"), Unit.PARCELS: _l("parcels"), Unit.MEALS: _l("meals"), Unit.BEDS: _l("beds"),
    Unit.KITS: _l("kits"), Unit.DOSES: _l("doses"), Unit.PEOPLE: _l("people"), Unit.PERSON_DAYS: _l("person-days"),
    Unit.HOURS: _l("hours"), Unit.TEAMS: _l("teams"),
}
# One plural pair per unit: Russian and Armenian inflect the word with the number (ngettext picks the form).
UNIT_COUNTS = {
    Unit.KG: lambda n, **kw: ngettext("%(count)s kg", "%(count)s kg", _n(n), **kw),
    Unit.TONNES: lambda n, **kw: ngettext("%(count)s tonne", "%(count)s tonnes", _n(n), **kw),
    Unit.LITRES: lambda n, **kw: ngettext("%(count)s litre", "%(count)s litres", _n(n), **kw),
    Unit.PIECES: lambda n, **kw: ngettext("%(count)s piece", "%(count)s pieces", _n(n), **kw),
    Unit.PACKAGES: lambda n, **kw: ngettext("%(count)s package", "%(count)s packages", _n(n), **kw),
    Unit.PARCELS: lambda n, **kw: ngettext("%(count)s parcel", "%(count)s parcels", _n(n), **kw),
    Unit.MEALS: lambda n, **kw: ngettext("%(count)s meal", "%(count)s meals", _n(n), **kw),
    Unit.BEDS: lambda n, **kw: ngettext("%(count)s bed", "%(count)s beds", _n(n), **kw),
    Unit.KITS: lambda n, **kw: ngettext("%(count)s kit", "%(count)s kits", _n(n), **kw),
    Unit.DOSES: lambda n, **kw: ngettext("%(count)s dose", "%(count)s doses", _n(n), **kw),
    Unit.PEOPLE: lambda n, **kw: ngettext("%(count)s person", "%(count)s people", _n(n), **kw),
    Unit.PERSON_DAYS: lambda n, **kw: ngettext("%(count)s person-day", "%(count)s person-days", _n(n), **kw),
    Unit.HOURS: lambda n, **kw: ngettext("%(count)s hour", "%(count)s hours", _n(n), **kw),
    Unit.TEAMS: lambda n, **kw: ngettext("%(count)s team", "%(count)s teams", _n(n), **kw),
}
use_unit_counts({unit.value: unit.count for unit in Unit})


class Urgency(enum.Enum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"

    @property
    def label(self):
        return {"critical": _l("Critical"), "high": _l("High"), "normal": _l("Normal")}[self.value]

    @property
    def rank(self) -> int:
        return ("critical", "high", "normal").index(self.value)


class NeedState(enum.Enum):
    """Derived from pledges and deliveries, except closed/cancelled which the organization decides."""

    OPEN = "open"
    PARTIALLY_COVERED = "partially_covered"
    COVERED = "covered"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return NEED_STATE_LABELS[self]


NEED_STATE_LABELS = {
    NeedState.OPEN: _l("Open"), NeedState.PARTIALLY_COVERED: _l("Partially covered"),
    NeedState.COVERED: _l("Covered"), NeedState.FULFILLED: _l("Fulfilled"),
    NeedState.CLOSED: _l("Closed"), NeedState.CANCELLED: _l("Cancelled"),
}
ENDED_NEED_STATES = (NeedState.CLOSED, NeedState.CANCELLED)


class Need(Model):
    __tablename__ = "needs"
    __table_args__ = (
        # Exactly one way of measuring: a quantity with a unit, or cash with a currency.
        CheckConstraint(
            "(quantity IS NOT NULL AND unit IS NOT NULL AND amount_minor IS NULL AND currency IS NULL)"
            " OR (quantity IS NULL AND unit IS NULL AND amount_minor IS NOT NULL AND currency IS NOT NULL)",
            name="one_measure",
        ),
        CheckConstraint("quantity IS NULL OR quantity > 0", name="positive_quantity"),
        CheckConstraint("amount_minor IS NULL OR amount_minor > 0", name="positive_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    sector: Mapped[Sector] = mapped_column(enum_column_type(Sector), index=True)
    item: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    unit: Mapped[Unit | None] = mapped_column(enum_column_type(Unit))
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    region: Mapped[str] = mapped_column(String(10), index=True)
    locality: Mapped[str] = mapped_column(String(200), default="")
    urgency: Mapped[Urgency] = mapped_column(enum_column_type(Urgency), index=True)
    needed_by: Mapped[date]
    state: Mapped[NeedState] = mapped_column(enum_column_type(NeedState), default=NeedState.OPEN, index=True)
    end_reason: Mapped[str | None] = mapped_column(String(2000))
    external_ref: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship()
    # Read as a column by the list (needs.services._needs_page_statement), from the join it has anyway, so that a
    # page does not load the organizations as records: what that read saw. None when the need was loaded otherwise,
    # or expired since (at a commit: common.sql.commit_keeping keeps only table columns).
    listed_organization_name: Mapped[str | None] = query_expression()

    @property
    def organization_name(self) -> str:
        if self.listed_organization_name is not None:
            return self.listed_organization_name
        return self.organization.name

    @property
    def is_cash(self) -> bool:
        return self.currency is not None

    @property
    def amount(self) -> Decimal | None:
        if self.amount_minor is None or self.currency is None:  # both or neither (a CHECK constraint)
            return None
        return from_minor_units(self.amount_minor, self.currency)

    def requested_in_measure(self) -> tuple[str, Decimal]:
        """What is asked for, in its own measure: (currency code, amount) or (unit code, quantity)."""
        if self.currency is not None and self.amount is not None:
            return self.currency, self.amount
        if self.unit is not None and self.quantity is not None:
            return self.unit.value, self.quantity
        raise ValueError(f"need {self.id} has neither an amount nor a quantity")  # its CHECK constraint forbids it

    @property
    def unit_label(self) -> str:
        """The unit an in-kind need is counted in ("" for a cash need)."""
        return self.unit.label if self.unit is not None else ""

    @property
    def is_ended(self) -> bool:
        return self.state in ENDED_NEED_STATES


# The public list's order, most urgent first, then the earliest needed-by date: the urgencies' stored values sort
# as their ranks do ('critical' < 'high' < 'normal'; a test keeps it so), so this index serves the list's order.
Index("ix_needs_list_order", Need.urgency, Need.needed_by, Need.id)

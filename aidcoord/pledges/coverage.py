"""What a need has received, and what the whole response has: never adding across currencies."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from aidcoord.common.money import QUANTITY_SCALE, from_minor_units, normalize_decimal
from aidcoord.extensions import db
from aidcoord.needs.models import Need
from aidcoord.pledges.models import Contribution, Pledge, PledgeState
from aidcoord.pledges.rates import RateUsed, convert, reporting_currency

ZERO = Decimal(0)


@dataclass
class Coverage:
    """Requested / pledged / committed / delivered for one need, in the need's own measure."""

    measure: str  # a currency code or a unit
    requested: Decimal
    pledged: Decimal = ZERO
    committed: Decimal = ZERO
    delivered: Decimal = ZERO
    rates_used: list[RateUsed] = field(default_factory=list)
    unconverted: list[str] = field(default_factory=list)  # currencies pledged with no rate recorded

    def percent(self, part: Decimal) -> Decimal:
        return (part * 100 / self.requested).quantize(Decimal(1)) if self.requested else ZERO

    @property
    def over_pledged(self) -> bool:
        return self.pledged > self.requested


def _counted(pledge: Pledge) -> tuple[Decimal, Decimal, Decimal]:
    """(pledged, committed, delivered) of one pledge in its own measure; a cancelled pledge counts
    only what it had delivered."""
    size = pledge.size or ZERO
    delivered = pledge.delivered
    if pledge.state is PledgeState.CANCELLED:
        return delivered, delivered, delivered
    committed = size if pledge.state in (PledgeState.COMMITTED, PledgeState.DELIVERED) else delivered
    return size, committed, delivered


def coverage_of(need: Need, day: date | None = None) -> Coverage:
    day = day or date.today()
    pledges = db.session.scalars(select(Pledge).where(Pledge.need_id == need.id)).all()
    if not need.is_cash:
        cover = Coverage(measure=need.unit.value, requested=need.quantity)
        for pledge in pledges:
            pledged, committed, delivered = _counted(pledge)
            cover.pledged += pledged
            cover.committed += committed
            cover.delivered += delivered
        return cover
    cover = Coverage(measure=need.currency, requested=need.amount)
    for pledge in pledges:
        for total, value in zip(("pledged", "committed", "delivered"), _counted(pledge)):
            converted = convert(value, pledge.currency, need.currency, day)
            if converted is None:
                if pledge.currency not in cover.unconverted:
                    cover.unconverted.append(pledge.currency)
                continue
            amount, rates = converted
            setattr(cover, total, getattr(cover, total) + amount)
            cover.rates_used.extend(rate for rate in rates if rate not in cover.rates_used)
    return cover


@dataclass
class Totals:
    """Money per currency (never added together), goods per unit, and a converted grand total."""

    money: dict[str, dict[str, Decimal]]
    in_kind: dict[str, dict[str, Decimal]]
    reporting_currency: str
    converted: dict[str, Decimal]
    rates_used: list[RateUsed]
    unconverted: list[str]


def _state_totals(state: PledgeState, size: Decimal, delivered: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """The _counted() rule applied to a group of pledges sharing a state."""
    if state is PledgeState.CANCELLED:
        return delivered, delivered, delivered
    committed = size if state in (PledgeState.COMMITTED, PledgeState.DELIVERED) else delivered
    return size, committed, delivered


def response_totals(day: date | None = None) -> Totals:
    """Everything pledged to the response, by state, summed in the database (one grouped query)."""
    day = day or date.today()
    money = defaultdict(lambda: {"pledged": ZERO, "committed": ZERO, "delivered": ZERO})
    in_kind = defaultdict(lambda: {"pledged": ZERO, "committed": ZERO, "delivered": ZERO})
    groups = db.session.execute(
        select(Pledge.contribution, Pledge.currency, Pledge.unit, Pledge.state, func.sum(Pledge.amount_minor),
               func.sum(Pledge.quantity), func.sum(Pledge.delivered_units))
        .where((Pledge.contribution == Contribution.MONEY) | Pledge.unit.is_not(None))
        .group_by(Pledge.contribution, Pledge.currency, Pledge.unit, Pledge.state))
    for contribution, currency, unit, state, amount_minor, quantity, delivered_units in groups:
        if contribution is Contribution.MONEY:
            bucket = money[currency]
            values = _state_totals(state, from_minor_units(amount_minor, currency),
                                   from_minor_units(delivered_units, currency))
        else:  # goods and services whose quantity was never published cannot be summed
            bucket = in_kind[unit.value]
            values = _state_totals(state, quantity, normalize_decimal(Decimal(delivered_units).scaleb(-QUANTITY_SCALE)))
        for total, value in zip(("pledged", "committed", "delivered"), values):
            bucket[total] += value
    target = reporting_currency()
    converted = {"pledged": ZERO, "committed": ZERO, "delivered": ZERO}
    rates_used, unconverted = [], []
    for currency, amounts in sorted(money.items()):
        for total, value in amounts.items():
            result = convert(value, currency, target, day)
            if result is None:
                if currency not in unconverted:
                    unconverted.append(currency)
                continue
            converted[total] += result[0]
            rates_used.extend(rate for rate in result[1] if rate not in rates_used)
    return Totals(money=dict(sorted(money.items())), in_kind=dict(sorted(in_kind.items())),
                  reporting_currency=target, converted=converted, rates_used=rates_used, unconverted=unconverted)

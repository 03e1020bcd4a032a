"""What a need has received, and what the whole response has: never adding across currencies.

`SOURCE` is what the needs slice reads its coverage from (the app factory hands it to `needs.coverage`).
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from aidcoord.common.money import QUANTITY_SCALE, RateUsed, from_minor_units, normalize_decimal
from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.needs.coverage import Coverage, CoverageSource
from aidcoord.needs.models import Need
from aidcoord.pledges.models import Contribution, Pledge, PledgeState
from aidcoord.pledges.rates import convert, reporting_currency
from aidcoord.pledges.services import live_pledges_for

ZERO = Decimal(0)


def _counted(pledge: Pledge) -> tuple[Decimal, Decimal, Decimal]:
    """(pledged, committed, delivered) of one pledge in its own measure; a cancelled pledge counts
    only what it had delivered."""
    size = pledge.size or ZERO
    delivered = pledge.delivered
    if pledge.state is PledgeState.CANCELLED:
        return delivered, delivered, delivered
    committed = size if pledge.state in (PledgeState.COMMITTED, PledgeState.DELIVERED) else delivered
    return size, committed, delivered


def coverage_from_pledges(need: Need, day: date) -> Coverage:
    """The need's coverage on `day`: cash pledges converted to the need's currency at that day's rates."""
    pledges = db.session.scalars(select(Pledge).where(Pledge.need_id == need.id)).all()
    measure, requested = need.requested_in_measure()
    cover = Coverage(measure=measure, requested=requested)
    if not need.is_cash:
        for pledge in pledges:
            pledged, committed, delivered = _counted(pledge)
            cover.pledged += pledged
            cover.committed += committed
            cover.delivered += delivered
        return cover
    for pledge in pledges:
        currency = pledge.currency
        if currency is None:  # a cash need takes money pledges only, and money always has its currency
            continue
        for total, value in zip(("pledged", "committed", "delivered"), _counted(pledge), strict=True):
            converted = convert(value, currency, measure, day)
            if converted is None:
                if currency not in cover.unconverted:
                    cover.unconverted.append(currency)
                continue
            amount, rates = converted
            setattr(cover, total, getattr(cover, total) + amount)
            cover.rates_used.extend(rate for rate in rates if rate not in cover.rates_used)
    return cover


@dataclass
class Totals:
    """Money per currency (never added together), goods per item and unit (30,000 "people" fed and 6,000 "people"
    given food cards are two figures, never 36,000), and a converted grand total."""

    money: dict[str, dict[str, Decimal]]
    in_kind: list[dict]  # {"item", "unit", "pledged", "committed", "delivered"}: per item and unit
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


def _no_totals() -> dict[str, Decimal]:
    return {"pledged": ZERO, "committed": ZERO, "delivered": ZERO}


def response_totals(day: date | None = None) -> Totals:
    """Everything pledged to the response, by state, summed in the database (one grouped query)."""
    day = day or today()
    money: defaultdict[str, dict[str, Decimal]] = defaultdict(_no_totals)
    in_kind: dict[tuple[str, str], dict] = {}
    groups = db.session.execute(
        select(Pledge.contribution, Pledge.currency, Pledge.unit, Pledge.item, Pledge.state,
               func.sum(Pledge.amount_minor), func.sum(Pledge.quantity), func.sum(Pledge.delivered_units))
        .where((Pledge.contribution == Contribution.MONEY) | Pledge.unit.is_not(None))
        .group_by(Pledge.contribution, Pledge.currency, Pledge.unit, Pledge.item, Pledge.state))
    for contribution, currency, unit, item, state, amount_minor, quantity, delivered_units in groups:
        if contribution is Contribution.MONEY:
            bucket = money[currency]
            values = _state_totals(state, from_minor_units(amount_minor, currency),
                                   from_minor_units(delivered_units, currency))
        else:  # goods and services whose quantity was never published cannot be summed; items never together
            bucket = in_kind.setdefault((item, unit.value), {"item": item, "unit": unit.value, **_no_totals()})
            values = _state_totals(state, quantity, normalize_decimal(Decimal(delivered_units).scaleb(-QUANTITY_SCALE)))
        for total, value in zip(("pledged", "committed", "delivered"), values, strict=True):
            bucket[total] += value
    target = reporting_currency()
    converted = {"pledged": ZERO, "committed": ZERO, "delivered": ZERO}
    rates_used: list[RateUsed] = []
    unconverted: list[str] = []
    for currency, amounts in sorted(money.items()):
        for total, value in amounts.items():
            result = convert(value, currency, target, day)
            if result is None:
                if currency not in unconverted:
                    unconverted.append(currency)
                continue
            converted[total] += result[0]
            rates_used.extend(rate for rate in result[1] if rate not in rates_used)
    return Totals(money=dict(sorted(money.items())), in_kind=[in_kind[key] for key in sorted(in_kind)],
                  reporting_currency=target, converted=converted, rates_used=rates_used, unconverted=unconverted)


def _has_live_pledges(need: Need) -> bool:
    return bool(live_pledges_for(need))


SOURCE = CoverageSource(coverage_of=coverage_from_pledges, has_live_pledges=_has_live_pledges)

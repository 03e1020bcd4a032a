"""Exchange rates kept by coordinators (never fetched from the network) and conversions that name them."""
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common import validation as check
from aidcoord.common.money import RateUsed, currency_exponent
from aidcoord.common.types import today as local_today
from aidcoord.errors import PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.needs.services import refresh_cash_needs
from aidcoord.pledges.models import ExchangeRate

MAX_RATE_DECIMALS = 10


def reporting_currency() -> str:
    return current_app.config["REPORTING_CURRENCY"]


def set_rate(actor: User, data: dict, *, today: date | None = None) -> ExchangeRate:
    """Record the rate of a currency on a day (coordinators and admins); one rate per currency and day."""
    if not actor.is_staff:
        raise PermissionDenied()
    errors = check.FieldErrors()
    currency = check.currency(errors, "currency", data.get("currency"))
    if currency is not None and currency == reporting_currency():
        errors.add("currency", _l("%(code)s is the reporting currency; its rate is always 1.", code=currency))
    rate = None
    if data.get("rate") in (None, ""):
        errors.add("rate", _l("This field is required."))
    else:
        rate = check.positive_decimal(errors, "rate", data["rate"], MAX_RATE_DECIMALS, Decimal(10) ** 8)
    today = today or local_today()
    valid_on = check.a_date(errors, "valid_on", data.get("valid_on") or today, not_after=today)
    source = check.text(errors, "source", data.get("source"), 500)
    if not errors and db.session.scalar(select(ExchangeRate.id).where(
            ExchangeRate.currency == currency, ExchangeRate.valid_on == valid_on)):
        errors.add("valid_on", _l("A rate for %(code)s on this day is already recorded.", code=currency))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    exchange_rate = ExchangeRate(currency=currency, reporting_currency=reporting_currency(), rate=rate,
                                 valid_on=valid_on, source=source, recorded_by_id=actor.id)
    db.session.add(exchange_rate)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, "exchange_rate", exchange_rate.id,
                 {"currency": currency, "rate": rate, "valid_on": valid_on})
    refresh_cash_needs()
    db.session.commit()
    return exchange_rate


def list_rates() -> list[ExchangeRate]:
    query = select(ExchangeRate).order_by(ExchangeRate.currency, ExchangeRate.valid_on.desc())
    return list(db.session.scalars(query))


def rate_on(currency: str, day: date) -> RateUsed | None:
    """The latest rate recorded on or before `day` (the reporting currency is 1)."""
    if currency == reporting_currency():
        return RateUsed(currency, Decimal(1), currency, day)
    row = db.session.scalar(
        select(ExchangeRate).where(ExchangeRate.currency == currency, ExchangeRate.valid_on <= day)
        .order_by(ExchangeRate.valid_on.desc()).limit(1))
    return None if row is None else RateUsed(row.currency, row.rate, row.reporting_currency, row.valid_on)


def convert(amount: Decimal, source: str, target: str, day: date) -> tuple[Decimal, list[RateUsed]] | None:
    """`amount` of `source` in `target`, rounded to the target's minor unit, with the rates used;
    None when a rate is missing."""
    if source == target:
        return amount, []
    source_rate, target_rate = rate_on(source, day), rate_on(target, day)
    if source_rate is None or target_rate is None:
        return None
    converted = amount * source_rate.rate / target_rate.rate
    exponent = currency_exponent(target)
    used = [rate for rate in (source_rate, target_rate) if rate.currency != rate.reporting_currency]
    return converted.quantize(Decimal(1).scaleb(-exponent), rounding=ROUND_HALF_EVEN), used

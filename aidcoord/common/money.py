"""Money and quantities as exact Decimals: never a float, in Python, JSON or the database.

Money is stored as integer minor units with the currency's ISO 4217 exponent (EUR 2, JPY 0, KWD 3);
quantities as integer thousandths. Both databases then hold them exactly.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import pycountry
from babel.numbers import get_currency_precision
from sqlalchemy import BigInteger, TypeDecorator

QUANTITY_SCALE = 3
# Big enough for any real pledge (10^15 units), small enough for a signed 64-bit column.
MAX_AMOUNT = Decimal(10) ** 15


class MoneyError(ValueError):
    """An amount or currency that cannot be held exactly."""


def normalize_currency(code: str) -> str | None:
    """The ISO 4217 alpha-3 code in upper case, or None if unknown."""
    code = (code or "").strip().upper()
    return code if len(code) == 3 and pycountry.currencies.get(alpha_3=code) else None


@dataclass(frozen=True)
class RateUsed:
    """One exchange rate a converted figure relied on, named wherever the figure is shown."""

    currency: str
    rate: Decimal
    reporting_currency: str
    valid_on: date

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} {self.reporting_currency} ({self.valid_on.isoformat()})"


def currency_exponent(currency: str) -> int:
    return get_currency_precision(currency)


def _as_decimal(value) -> Decimal:
    if isinstance(value, float):
        raise MoneyError("floats are not exact; pass a Decimal or a string")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise MoneyError("not a number") from None
    if not number.is_finite():
        raise MoneyError("not a finite number")
    return number


def to_scaled_int(value, scale: int, unit: str = "") -> int:
    """value * 10**scale as an exact integer; refuses more decimals than `scale` or absurd sizes."""
    number = _as_decimal(value)
    scaled = number.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{unit} has at most {scale} decimal places" if unit else f"at most {scale} decimal places")
    if abs(number) >= MAX_AMOUNT:
        raise MoneyError("too large")
    return int(scaled)


def to_minor_units(amount, currency: str) -> int:
    """Exact integer minor units; refuses more decimals than the currency has."""
    return to_scaled_int(amount, currency_exponent(currency), currency)


def from_minor_units(minor: int, currency: str) -> Decimal:
    exponent = currency_exponent(currency)
    return Decimal(minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


def to_thousandths(quantity) -> int:
    return to_scaled_int(quantity, QUANTITY_SCALE)


def normalize_decimal(value: Decimal) -> Decimal:
    """12.500 -> 12.5, 100.000 -> 100 (for display and JSON)."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral_value() else normalized


class Quantity(TypeDecorator):
    """A Decimal with up to three decimals, stored as integer thousandths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else to_thousandths(value)

    def process_result_value(self, value, dialect):
        return None if value is None else normalize_decimal(Decimal(value).scaleb(-QUANTITY_SCALE))


class ExactDecimal(TypeDecorator):
    """A Decimal with a fixed number of decimals (exchange rates), stored as a scaled integer."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int):
        super().__init__()
        self.scale = scale

    def process_bind_param(self, value, dialect):
        return None if value is None else to_scaled_int(value, self.scale)

    def process_result_value(self, value, dialect):
        return None if value is None else normalize_decimal(Decimal(value).scaleb(-self.scale))

"""Values for people, in the reader's locale (Babel/CLDR): dates, times, numbers, percentages, money.

Every page and every message meant for a person formats values here; machine exports (CSV/HXL, the API)
keep ISO dates and plain decimals. Times are shown in flask_babel's zone (the deployment's zone), dates
as the locale writes them, money with the decimals people use for cash (CLDR: AMD 0, EUR 2), unless the
amount really has finer parts, which are never hidden.
"""
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent
from babel.numbers import get_currency_precision, parse_pattern
from flask_babel import get_locale, to_user_timezone


def _locale() -> Locale:
    return get_locale() or Locale.parse("en")


def format_day(value: date | datetime | None) -> str:
    """A calendar day as the reader writes it (e.g. 7 дек. 2026 г.); a moment becomes its local day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return babel_format_date(value, "medium", locale=_locale())


def format_moment(value: datetime | None) -> str:
    """A moment as day and hour:minute in the deployment's zone (no seconds: nobody reads them)."""
    if value is None:
        return ""
    local = to_user_timezone(value)
    locale = _locale()
    time_text = babel_format_time(local, "short", locale=locale)
    return locale.datetime_formats["medium"].format(time_text, babel_format_date(local, "medium", locale=locale))


def format_clock(value: datetime | None) -> str:
    """Hour and minute in the deployment's zone, e.g. the end of a shift that starts the same day."""
    return "" if value is None else babel_format_time(to_user_timezone(value), "short", locale=_locale())


def format_number(value) -> str:
    """A number with the reader's separators, keeping every decimal it has and no trailing zeros."""
    if value is None:
        return ""
    number = Decimal(str(value)).normalize()
    return babel_format_decimal(number, locale=_locale(), decimal_quantization=False)


def plural_number(value) -> int:
    """The whole number that picks a plural form. A fraction (2,5 кг) takes the form of 2: plural in
    English, the genitive singular Russian uses after fractions, the one form Armenian uses after numbers."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else 2


def format_percentage(value) -> str:
    """A percentage given as a number of percent (25 means 25 %), in the reader's style."""
    if value is None:
        return ""
    return babel_format_percent(Decimal(str(value)) / 100, locale=_locale())


def cash_digits(currency: str) -> int:
    """How many decimals people use for this currency (CLDR's cash digits: AMD 0, EUR 2, JPY 0)."""
    fractions = get_global("currency_fractions")
    entry = fractions.get(currency) or fractions["DEFAULT"]
    return entry[2] if len(entry) > 2 else entry[0]


def format_money(amount, currency: str | None) -> str:
    """An amount in its currency as the reader writes it (12 346 ֏, 1 234,50 €)."""
    if amount is None:
        return ""
    if not currency:
        return format_number(amount)
    number = Decimal(str(amount))
    digits = cash_digits(currency)
    if number != round(number, digits):  # finer parts are real money: show them, never round them away
        digits = max(get_currency_precision(currency), -number.as_tuple().exponent)  # type: ignore[operator]
    locale = _locale()
    pattern = parse_pattern(locale.currency_formats["standard"].pattern)
    pattern.frac_prec = (digits, digits)
    return pattern.apply(number, locale, currency=currency, currency_digits=False)


# How each unit of measure writes a quantity (its plural forms), given by the slice that owns the units
# (needs.models), so that this lowest layer imports no slice.
_unit_counts: dict[str, Callable[[object], str]] = {}


def use_unit_counts(counts: dict[str, Callable[[object], str]]) -> None:
    _unit_counts.update(counts)


def format_measure(value, measure) -> str:
    """A quantity in its unit (a unit or its code) or an amount in its currency."""
    if value is None:
        return ""
    # A unit comes as a code ("beds") or as a member of a units enum (whose value is the code).
    count = _unit_counts.get(str(getattr(measure, "value", measure)))
    if count is not None:
        return count(value)
    return format_money(value, measure) if measure else format_number(value)


def register_format_filters(app) -> None:
    """Make the formats available to every template as filters: {{ need.needed_by|day }}."""
    app.jinja_env.filters.update(day=format_day, moment=format_moment, clock=format_clock, number=format_number,
                                 percentage=format_percentage, plural_number=plural_number)
    app.jinja_env.globals.update(money=format_money, measured=format_measure)

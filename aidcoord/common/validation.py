"""Field-level checks shared by services: each returns the clean value or adds a message to `errors`."""
import unicodedata
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from aidcoord.common.codes import normalize_subdivision
from aidcoord.common.money import MoneyError, normalize_currency, to_minor_units, to_thousandths
from aidcoord.common.strict_input import EARLIEST_YEAR, LATEST_YEAR, MAX_DECIMAL


class FieldErrors(dict):
    """{field: [messages]}, filled while checking a whole record so that every problem is reported at once."""

    def add(self, field: str, message) -> None:
        self.setdefault(field, []).append(message)


def enum_value(errors: FieldErrors, field: str, value, enum_cls, message=None):
    try:
        return enum_cls(getattr(value, "value", value))
    except ValueError:
        errors.add(field, message or _l("Choose a value from the list."))
        return None


LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


def has_control_characters(value: str) -> bool:
    """Line breaks, tabs, NUL, escape... (Unicode Cc, and the line and paragraph separators Zl, Zp): never part
    of a name, and they break e-mail headers built from it. Format characters (Cf) stay: ZWNJ is part of names
    written in some scripts."""
    # Printable text (most names) has none of them: str.isprintable is false for any Cc, Zl or Zp character.
    return not value.isprintable() and any(unicodedata.category(c) in LINE_BREAKING for c in value)


def one_line(value: str) -> str:
    """The text on one line: every control character (CR, LF, tab...) folded to a space. For e-mail subjects
    and other headers, where a line break would end the header (or inject another)."""
    if value.isprintable():  # none of them (as in has_control_characters): no character to look up
        return " ".join(value.split())
    return " ".join("".join(" " if unicodedata.category(c) in LINE_BREAKING else c for c in value).split())


def text(errors: FieldErrors, field: str, value, max_length: int, required: bool = False,
         single_line: bool = False) -> str | None:
    """Trimmed text; `single_line` for names people type (of an organization, a person), which must not carry
    line breaks or other control characters."""
    value = ("" if value is None else str(value)).strip()
    if single_line and has_control_characters(value):
        errors.add(field, _l("Use a single line without control characters."))
    elif required and not value:
        errors.add(field, _l("This field is required."))
    elif len(value) > max_length:
        errors.add(field, lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.",
                                        max_length))
    return value


def required_text(value, field: str = "reason", max_length: int = 2000, message=None) -> str:
    """A single required text (a reason, a note): the trimmed value, or ValidationFailed on `field`."""
    from aidcoord.errors import ValidationFailed

    errors = FieldErrors()
    value = text(errors, field, value, max_length, required=True)
    if errors:
        raise ValidationFailed(message or errors[field][0], errors)
    return value


WEB_SCHEMES = ("http", "https")


def is_web_address(value: str | None) -> bool:
    """An absolute http(s) address with a host: nothing a browser would run (javascript:, data:, vbscript:),
    no spaces or invisible characters (U+2028...), and no user@ part, which makes `https://www.unicef.org@evil.example`
    look like one site while leading to another."""
    if not value or any(ord(c) < 33 or c == "\\" or c.isspace() or not c.isprintable() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname) and "@" not in parts.netloc


def web_address(errors: FieldErrors, field: str, value, max_length: int = 500) -> str | None:
    """An http:// or https:// address (surrounding spaces dropped), or None when empty."""
    address = text(errors, field, value, max_length)
    if not address:
        return None
    if not is_web_address(address):
        errors.add(field, _l("Enter a web address starting with http:// or https://."))
        return None
    return address


def region(errors: FieldErrors, field: str, value) -> str | None:
    code = normalize_subdivision(str(value or ""))
    if code is None:
        errors.add(field, _l("Enter an ISO 3166-2 region code, e.g. AM-SU."))
    return code


def currency(errors: FieldErrors, field: str, value) -> str | None:
    code = normalize_currency(str(value or ""))
    if code is None:
        errors.add(field, _l("Enter an ISO 4217 currency code, e.g. EUR."))
    return code


def positive_amount(errors: FieldErrors, field: str, value, currency_code: str | None) -> Decimal | None:
    """A positive Decimal with no more decimals than the currency allows."""
    number = _positive(errors, field, value)
    if number is None or currency_code is None:
        return None
    try:
        to_minor_units(number, currency_code)
    except MoneyError as error:
        errors.add(field, _l("Invalid amount: %(why)s.", why=str(error)))
        return None
    return number


def positive_quantity(errors: FieldErrors, field: str, value) -> Decimal | None:
    number = _positive(errors, field, value)
    if number is None:
        return None
    try:
        to_thousandths(number)
    except MoneyError as error:
        errors.add(field, _l("Invalid quantity: %(why)s.", why=str(error)))
        return None
    return number


def positive_decimal(errors: FieldErrors, field: str, value, max_decimals: int, max_value: Decimal) -> Decimal | None:
    """A positive Decimal with at most `max_decimals` decimals, below `max_value`."""
    number = _positive(errors, field, value)
    if number is None:
        return None
    exponent = number.as_tuple().exponent  # an int: _positive() only returns finite numbers
    if not isinstance(exponent, int) or -exponent > max_decimals or number >= max_value:
        errors.add(field, lazy_ngettext("Use at most %(num)d decimal place and a realistic value.",
                                       "Use at most %(num)d decimal places and a realistic value.", max_decimals))
        return None
    return number


def _positive(errors: FieldErrors, field: str, value) -> Decimal | None:
    if isinstance(value, float):
        raise TypeError("floats are not exact: parse input as Decimal")
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (ArithmeticError, ValueError):
        errors.add(field, _l("Enter a number."))
        return None
    if not number.is_finite() or number <= 0:
        errors.add(field, _l("Must be greater than zero."))
        return None
    if number >= MAX_DECIMAL:  # as in the API: 1e999999 would overflow the quantize that follows
        errors.add(field, _l("Must be a number below 10^15."))
        return None
    return number


def a_date(errors: FieldErrors, field: str, value, *, not_before: date | None = None,
           not_after: date | None = None) -> date | None:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _l("Enter a date as YYYY-MM-DD."))
            return None
    if not isinstance(value, date):
        errors.add(field, _l("Enter a date as YYYY-MM-DD."))
        return None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:  # as in the API: the year 9999 overflows date arithmetic
        errors.add(field, _l("Must be between the years %(first)d and %(last)d.",
                             first=EARLIEST_YEAR, last=LATEST_YEAR))
        return None
    if not_before is not None and value < not_before:
        errors.add(field, _l("The date cannot be in the past."))
    if not_after is not None and value > not_after:
        errors.add(field, _l("The date cannot be in the future."))
    return value


def whole_number(errors: FieldErrors, field: str, value, *, minimum: int, maximum: int, required: bool = False):
    if value in (None, ""):
        if required:
            errors.add(field, _l("This field is required."))
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.add(field, _l("Enter a whole number."))
        return None
    if not minimum <= number <= maximum:
        errors.add(field, _l("Enter a number from %(min)d to %(max)d.", min=minimum, max=maximum))
        return None
    return number


def flag(value) -> bool:
    """Yes/no from forms, JSON and spreadsheets: true, yes, y, 1, on."""
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "y", "on")


def language_codes(errors: FieldErrors, field: str, value) -> list[str]:
    """ISO 639-1 codes from a list or a 'hy, ru' string."""
    import pycountry

    codes = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    clean = []
    for code in codes:
        code = str(code).strip().lower()
        if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
            errors.add(field, _l("Unknown ISO 639-1 language code: %(code)s", code=code))
        elif code not in clean:
            clean.append(code)
    return clean


def region_codes(errors: FieldErrors, field: str, value) -> list[str]:
    """ISO 3166-2 codes from a list or an 'AM-SU AM-ER' string, sorted and without repeats."""
    codes = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    return sorted({region(errors, field, code) or "" for code in codes} - {""})

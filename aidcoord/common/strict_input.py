"""Limits on what any request may send, applied once for every operation rather than per endpoint.

A hostile or broken client must get a 400/404/422 naming what is wrong, never a 500 from a recursion limit,
an overflowing date or a number the database cannot hold:

- JSON bodies (`load_json`): no NaN or Infinity (not JSON), no number of more digits than Python converts,
  no nesting deeper than MAX_JSON_DEPTH: 400 before any schema sees the body;
- schema fields (`bound_fields`, run by the API's argument parser on each schema it loads): integers within
  a 32-bit INTEGER column (ids included), decimals finite and below MAX_DECIMAL, dates and times between the
  years EARLIEST_YEAR and LATEST_YEAR, unless the field already declares its own range: 422 on the field;
- integers in URLs (`BoundedIntConverter`, the app's `int` converter; `<id:...>` is common.web's): a
  number no column can hold is simply not found (404).
"""
import json
from datetime import date
from decimal import Decimal

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter

from aidcoord.errors import DomainError

MAX_JSON_DEPTH = 32
# PostgreSQL's INTEGER, the type of every id and count column; larger numbers (money) travel as decimals.
INTEGER_RANGE = (-(2**31), 2**31 - 1)
BIGINT_RANGE = (-(2**63), 2**63 - 1)
MAX_DECIMAL = Decimal(10) ** 15  # common.money's MAX_AMOUNT: no amount or quantity is larger
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
_BOUNDED = "_aidcoord_bounded"


class InvalidBody(DomainError):
    """The request body is not JSON we accept (too deep, NaN, an endless number)."""

    status, code = 400, "invalid_json"

    def __init__(self, message):
        super().__init__(message, {"json": [message]})


# ---- JSON bodies ---------------------------------------------------------------------------------------

def _refuse_constant(name: str):
    raise InvalidBody(_l("%(value)s is not a JSON number; send a finite number.", value=name))


def load_json(text: str):
    """json.loads with exact Decimals, refusing NaN/Infinity, overlong integers and deep nesting (InvalidBody)."""
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        value = None
        too_deep = True
    except json.JSONDecodeError:
        raise
    except ValueError as error:  # int() refuses more than sys.get_int_max_str_digits() digits
        raise InvalidBody(_l("A number in the body has too many digits.")) from error
    else:
        too_deep = _deeper_than(value, MAX_JSON_DEPTH)
    if too_deep:
        raise InvalidBody(_l("The body is nested deeper than %(depth)d levels.", depth=MAX_JSON_DEPTH))
    if _has_lone_surrogate(value):
        # "\ud800" is valid JSON but no UTF-8 text: the database would refuse it at insert (a 500).
        raise InvalidBody(_l("A text in the body holds an unpaired surrogate; send valid Unicode text."))
    return value


def _has_lone_surrogate(value) -> bool:
    """Whether any string (object keys included) holds a surrogate that cannot be encoded as UTF-8."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _deeper_than(value, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels (iteratively: no recursion to exhaust)."""
    if not isinstance(value, (dict, list)):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


# ---- schema fields -------------------------------------------------------------------------------------

def _integer_in_range(value: int) -> None:
    low, high = INTEGER_RANGE
    if not low <= value <= high:
        raise ma.ValidationError(str(_l("Must be between %(low)d and %(high)d.", low=low, high=high)))


def _finite_decimal(value: Decimal) -> None:
    if not value.is_finite() or abs(value) >= MAX_DECIMAL:
        raise ma.ValidationError(str(_l("Must be a number below 10^15.")))


def _year_in_range(value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ma.ValidationError(str(_l("Must be between the years %(first)d and %(last)d.",
                                        first=EARLIEST_YEAR, last=LATEST_YEAR)))


def _has_range(field: ma.fields.Field) -> bool:
    """A range of its own, closed at both ends (Range(min=1) alone still lets 10**30 through)."""
    return any(isinstance(validator, ma.validate.Range) and validator.min is not None and validator.max is not None
               for validator in field.validators)


def _add_validator(field: ma.fields.Field, validator) -> None:
    """A new list rather than append: a schema's fields are shallow copies (Field.__deepcopy__ is copy.copy)
    sharing the class-level field's list, so appending would add one more validator on every request."""
    if validator not in field.validators:
        field.validators = [*field.validators, validator]


def _bound_field(field: ma.fields.Field) -> None:
    if isinstance(field, ma.fields.Integer) and not _has_range(field):
        _add_validator(field, _integer_in_range)
    elif isinstance(field, ma.fields.Decimal):
        _add_validator(field, _finite_decimal)
    elif isinstance(field, (ma.fields.Date, ma.fields.DateTime)):
        _add_validator(field, _year_in_range)
    elif isinstance(field, ma.fields.Nested):
        bound_fields(field.schema)
    elif isinstance(field, ma.fields.List):
        _bound_field(field.inner)
    elif isinstance(field, ma.fields.Tuple):
        for inner in field.tuple_fields:
            _bound_field(inner)
    elif isinstance(field, ma.fields.Dict) and field.value_field is not None:
        _bound_field(field.value_field)


def bound_fields(schema: ma.Schema) -> ma.Schema:
    """Give the schema's number and date fields (nested ones too) the limits above, once per schema object."""
    if not getattr(schema, _BOUNDED, False):
        setattr(schema, _BOUNDED, True)
        for field in schema.fields.values():
            _bound_field(field)
    return schema


# ---- integers in URLs ----------------------------------------------------------------------------------

class BoundedIntConverter(IntegerConverter):
    """`<int:x>` within a 64-bit integer (PostgreSQL BIGINT): a larger number matches no route, so 404. ASCII
    digits only: Werkzeug's \\d+ also matches "１" (fullwidth), which int() reads as 1."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", BIGINT_RANGE[0] if kwargs.get("signed") else 0)
        kwargs.setdefault("max", BIGINT_RANGE[1])
        super().__init__(url_map, *args, **kwargs)

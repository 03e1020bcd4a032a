"""Field types shared by the API schemas."""
from collections.abc import Mapping
from typing import ClassVar

import marshmallow as ma


class ReadSchema(ma.Schema):
    """An output schema of the large lists: a field reads its object's attribute directly. marshmallow's general
    accessor tries item access (and dotted paths) before falling back to the same getattr, about a third of a
    list's dumping time; dicts, rows and dotted names still take it."""

    def get_attribute(self, obj, attr, default):
        if "." in attr or isinstance(obj, Mapping) or hasattr(type(obj), "__getitem__"):
            return super().get_attribute(obj, attr, default)
        return getattr(obj, attr, default)


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A trimmed string with a length limit (so huge input is a 422, never a database error)."""
    return ma.fields.String(required=required, validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)


def enum_values(enum_cls) -> ma.validate.OneOf:
    return ma.validate.OneOf([member.value for member in enum_cls])


class Worded(ma.fields.List):
    """Stored codes (e.g. a match's reasons) dumped as text in the request's language, worded by the slice's
    `describe`; the codes themselves go out beside them (`codes_of`)."""

    def __init__(self, describe, **kwargs):
        super().__init__(ma.fields.String(), **kwargs)
        self.describe = describe

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize([self.describe(item) for item in value or ()], attr, obj, **kwargs)


def codes_of(attribute: str) -> ma.fields.List:
    """The stored codes beside their `Worded` text: objects with a "code"; a string for what was stored as text."""
    return ma.fields.List(ma.fields.Raw(), attribute=attribute, dump_only=True, metadata={
        "description": "each reason as {\"code\": ..., \"points\": ..., and its values}; text for one stored "
                       "before reasons were codes"})


class ReasonSchema(ma.Schema):
    """An optional reason (closing, withdrawing, ending)."""

    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"reason": "The family found a flat of their own."}

    reason = text(2000, load_default="")


class RequiredReasonSchema(ma.Schema):
    """A reason that must be given (declining, rejecting)."""

    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"reason": "The dates do not suit the host."}

    reason = text(2000, required=True, min_length=1)


class PrioritySchema(ma.Schema):
    """A coordinator's raise of someone's priority, with the written reason."""

    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"points": 20, "reason": "A child needs daily dialysis in Goris."}

    points = ma.fields.Integer(required=True, strict=True)
    reason = text(2000, required=True, min_length=1)


# ---- the API's error body (aidcoord/errors.py writes it; the OpenAPI document names it) ----------

class ErrorDetailSchema(ma.Schema):
    """What went wrong: a stable code for programs, a message for people, and per-field messages."""

    code = ma.fields.String(required=True, metadata={
        "description": "Stable machine-readable code, e.g. validation_failed, not_found, forbidden, conflict, "
                       "unauthorized, too_many_requests.", "example": "validation_failed"})
    message = ma.fields.String(required=True, metadata={
        "description": "A sentence for people, in the language the request asked for (Accept-Language).",
        "example": "Some fields are invalid."})
    # `fields` is the name of marshmallow's own attribute: the field is declared under another.
    fields_ = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), required=True, data_key="fields",
                             metadata={
        "description": "Messages per field name (a list of strings), or per row and column for CSV imports; "
                       "empty when the error is not about fields.",
        "example": {"quantity": ["Must be greater than or equal to 0.01."]}})


class ErrorSchema(ma.Schema):
    """Every API error: {"error": {"code", "message", "fields"}}."""

    error = ma.fields.Nested(ErrorDetailSchema, required=True)

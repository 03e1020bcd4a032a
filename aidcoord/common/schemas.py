"""Field types shared by the API schemas."""
from typing import ClassVar

import marshmallow as ma


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A trimmed string with a length limit (so huge input is a 422, never a database error)."""
    return ma.fields.String(required=required, validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)


def enum_values(enum_cls) -> ma.validate.OneOf:
    return ma.validate.OneOf([member.value for member in enum_cls])


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

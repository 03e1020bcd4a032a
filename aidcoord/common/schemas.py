"""Field types shared by the API schemas."""
import marshmallow as ma


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A trimmed string with a length limit (so huge input is a 422, never a database error)."""
    return ma.fields.String(required=required, validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)


def enum_values(enum_cls) -> ma.validate.OneOf:
    return ma.validate.OneOf([member.value for member in enum_cls])


class ReasonSchema(ma.Schema):
    """An optional reason (closing, withdrawing, ending)."""

    reason = text(2000, load_default="")


class RequiredReasonSchema(ma.Schema):
    """A reason that must be given (declining, rejecting)."""

    reason = text(2000, required=True, min_length=1)


class PrioritySchema(ma.Schema):
    """A coordinator's raise of someone's priority, with the written reason."""

    points = ma.fields.Integer(required=True, strict=True)
    reason = text(2000, required=True, min_length=1)

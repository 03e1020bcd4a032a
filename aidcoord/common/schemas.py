"""Field types shared by the API schemas."""
import marshmallow as ma


def text(max_length: int, *, required: bool = False, min_length: int = 0, **kwargs) -> ma.fields.String:
    """A trimmed string with a length limit (so huge input is a 422, never a database error)."""
    return ma.fields.String(required=required, validate=ma.validate.Length(min=min_length, max=max_length), **kwargs)


def enum_values(enum_cls) -> ma.validate.OneOf:
    return ma.validate.OneOf([member.value for member in enum_cls])

"""API shapes for accounts and tokens."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.schemas import text


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    name = ma.fields.String()
    roles = ma.fields.Function(lambda user: sorted(role.value for role in user.roles))
    created_at = ma.fields.DateTime()
    preferred_language = ma.fields.String(allow_none=True, metadata={
        "description": "The language pages and messages to this person are written in (en, hy, ru); "
                       "null until chosen. API answers follow Accept-Language."})


class UserUpdateSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"preferred_language": "hy"}

    preferred_language = ma.fields.String(required=True, metadata={"description": "en, hy or ru"})


class TokenInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"name": "warehouse laptop"}

    name = text(100, required=True, min_length=1)


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String(metadata={"description": "The token's first characters, to recognise it"})
    created_at = ma.fields.DateTime()
    last_used_at = ma.fields.DateTime(allow_none=True)
    revoked_at = ma.fields.DateTime(allow_none=True)


class NewTokenSchema(TokenSchema):
    token = ma.fields.String(metadata={"description": "The token itself; shown this once only"})

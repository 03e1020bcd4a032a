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
    preferred_channel = ma.fields.Function(lambda user: user.preferred_channel.value, metadata={
        "enum": ["email", "sms", "telegram"],
        "description": "How notifications reach this person (SMS needs a phone, Telegram a chat with the bot)"})


class UserUpdateSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"preferred_language": "hy", "preferred_channel": "sms", "phone": "+374 99 123456"}

    preferred_language = ma.fields.String(metadata={"description": "en, hy or ru"})
    preferred_channel = ma.fields.String(validate=ma.validate.OneOf(["email", "sms", "telegram"]), metadata={
        "description": "How notifications reach you: email, sms (needs a phone) or telegram (after writing to the "
                       "bot)"})
    phone = text(40, metadata={"description": "Your phone for SMS (international or national form)"})


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

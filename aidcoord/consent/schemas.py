"""What the consent API reads and writes."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.schemas import enum_values, text
from aidcoord.consent import texts
from aidcoord.consent.models import ConsentPurpose, ConsentSubject

SUBJECT_KINDS = {"enum": [kind.value for kind in ConsentSubject]}


class ConsentAnswerFields(ma.Schema):
    """How a registration (or an edit) carries the person's consent: the fields of that form's consent question."""

    consent_text_version = text(16, metadata={"description": "The version of the consent text shown "
                                "(GET /api/v1/consent/texts; default: the current one)"})
    consent_language = text(16, metadata={"description": "The language the consent text was shown in "
                                                          "(default: the request's)"})
    consent_reason = text(2000, allow_none=True, metadata={
        "description": "How the person agreed, when someone registers them or changes the answer "
                       "(default: recorded with the registration)"})


class ConsentInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"purpose": "share_with_host", "text_version": "1", "language": "hy",
                               "on_behalf_reason": "Agreed in person at the registration desk; text read aloud"}

    purpose = ma.fields.String(required=True, validate=enum_values(ConsentPurpose))
    text_version = text(16, metadata={"description": "The version of the text shown (default: the current one)"})
    language = text(16, metadata={"description": "The language the text was shown in (default: the request's)"})
    on_behalf_reason = text(2000, allow_none=True, metadata={
        "description": "Required when someone records it on the person's behalf (not from their own account)"})


class WithdrawInputSchema(ma.Schema):
    example: ClassVar[dict] = {"reason": "Asked by phone to stop sharing"}

    reason = text(2000, allow_none=True, metadata={
        "description": "Required when someone withdraws it on the person's behalf"})


class ConsentRecordSchema(ma.Schema):
    """One consent: who agreed to what, under which text, and whether it was withdrawn."""

    id = ma.fields.Integer()
    subject_kind = ma.fields.Function(lambda record: record.subject_kind.value, metadata=SUBJECT_KINDS)
    subject_id = ma.fields.Integer()
    purpose = ma.fields.Function(lambda record: record.purpose.value,
                                 metadata={"enum": [purpose.value for purpose in ConsentPurpose]})
    text_version = ma.fields.String()
    text = ma.fields.Function(lambda record: str(texts.text(record.purpose, record.text_version) or ""),
                              metadata={"description": "The text of that version, in the request's language"})
    language = ma.fields.String(metadata={"description": "The language it was shown in ('und': not known)"})
    given_at = ma.fields.DateTime()
    given_by_id = ma.fields.Integer(allow_none=True)
    on_behalf = ma.fields.Boolean()
    on_behalf_reason = ma.fields.String(allow_none=True)
    active = ma.fields.Function(lambda record: record.withdrawn_at is None)
    withdrawn_at = ma.fields.DateTime(allow_none=True)
    withdrawn_by_id = ma.fields.Integer(allow_none=True)
    withdrawal_on_behalf = ma.fields.Boolean()
    withdrawal_reason = ma.fields.String(allow_none=True)


class ConsentHistorySchema(ma.Schema):
    """A record's consent history: a handful of rows per person, never paged."""

    records = ma.fields.List(ma.fields.Nested(ConsentRecordSchema), metadata={"description": "Newest first"})


class ConsentTextSchema(ma.Schema):
    purpose = ma.fields.String()
    version = ma.fields.String()
    text = ma.fields.String(metadata={"description": "In the request's language"})


class ConsentTextsSchema(ma.Schema):
    texts = ma.fields.List(ma.fields.Nested(ConsentTextSchema), metadata={"description": "One per purpose"})

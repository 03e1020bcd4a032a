"""API shapes for jobs. A seeker's contact appears only in the application and seeker views that
record who saw it; list endpoints never carry it."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.pagination import PageArgsSchema, page_schema
from aidcoord.common.schemas import ReadSchema, Worded, codes_of, enum_values, text
from aidcoord.consent.schemas import ConsentAnswerFields
from aidcoord.jobs.engine import reason_text
from aidcoord.jobs.models import ContractType, ReportReason
from aidcoord.matching.schemas import MatchStepSchema

ID = ma.validate.Range(min=1, max=2**31 - 1)


class LanguageLevelSchema(ma.Schema):
    code = text(2, required=True)
    level = text(6, load_default="B1")


class ListingInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"organization_id": 1, "title": "Warehouse assistant", "sector": "transport",
        "description": "Sorting and packing parcels.", "region": "AM-ER", "locality": "Yerevan", "positions": 5,
        "languages": [{"code": "hy", "level": "B1"}], "skills": ["forklift", "packing"], "contract_type": "full_time",
        "salary_min": "250000", "salary_max": "300000", "salary_currency": "AMD", "closing_date": "2027-02-01"}

    organization_id = ma.fields.Integer(validate=ID, load_default=None,
                                        metadata={"description": "post for this verified organization"})
    title = text(200, required=True)
    sector = text(40, required=True)
    description = text(10000, load_default="")
    region = text(10, allow_none=True, load_default=None)
    locality = text(200, load_default="")
    remote = ma.fields.Boolean(load_default=False)
    positions = ma.fields.Integer(required=True, strict=True)
    languages = ma.fields.List(ma.fields.Nested(LanguageLevelSchema), load_default=list)
    skills = ma.fields.List(text(60), load_default=list)
    contract_type = ma.fields.String(required=True, validate=enum_values(ContractType))
    salary_min = ma.fields.Decimal(allow_none=True, allow_nan=False, load_default=None)
    salary_max = ma.fields.Decimal(allow_none=True, allow_nan=False, load_default=None)
    salary_currency = text(3, allow_none=True, load_default=None)
    start_date = ma.fields.Date(allow_none=True, load_default=None)
    closing_date = ma.fields.Date(required=True)


class PositionsSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"positions": 3}

    positions = ma.fields.Integer(required=True, strict=True,
                                  metadata={"description": "never fewer than the people already hired"})


class ListingSchema(ReadSchema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    employer_name = ma.fields.String()
    organization_id = ma.fields.Integer(allow_none=True)
    sector = ma.fields.String()
    description = ma.fields.String()
    region = ma.fields.String(allow_none=True)
    locality = ma.fields.String()
    remote = ma.fields.Boolean()
    positions = ma.fields.Integer()
    open_positions = ma.fields.Integer()
    languages = ma.fields.List(ma.fields.Nested(LanguageLevelSchema))
    skills = ma.fields.List(ma.fields.String())
    contract_type = ma.fields.Function(lambda listing: listing.contract_type.value)
    salary_min = ma.fields.Decimal(as_string=True, allow_none=True)
    salary_max = ma.fields.Decimal(as_string=True, allow_none=True)
    salary_currency = ma.fields.String(allow_none=True)
    start_date = ma.fields.Date(allow_none=True)
    closing_date = ma.fields.Date()
    state = ma.fields.Function(lambda listing: listing.state.value)
    review_note = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


ListingPageSchema = page_schema(ListingSchema)


class BoardArgsSchema(PageArgsSchema):
    region = text(10)
    sector = text(40)
    language = text(2)
    remote = ma.fields.Boolean()
    contract_type = ma.fields.String(validate=enum_values(ContractType))
    q = text(200)


class ReportSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"reason": "scam", "details": "They asked for a fee to apply."}

    reason = ma.fields.String(required=True, validate=enum_values(ReportReason))
    details = text(2000, load_default="")


class SeekerInputSchema(ConsentAnswerFields):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"contact_name": "Anahit Petrosyan", "contact_phone": "+374 91 123456",
        "profession": "warehouse worker", "skills": ["packing", "forklift"],
        "languages": [{"code": "hy", "level": "native"}], "regions": ["AM-ER"], "remote_ok": False,
        "consent_to_share": True}

    contact_name = text(200, required=True)
    contact_phone = text(40, load_default="")
    contact_email = text(254, load_default="")
    profession = text(200, load_default="")
    skills = ma.fields.List(text(60), load_default=list)
    languages = ma.fields.List(ma.fields.Nested(LanguageLevelSchema), load_default=list)
    regions = ma.fields.List(text(10), load_default=list)
    remote_ok = ma.fields.Boolean(load_default=False)
    available_from = ma.fields.Date(allow_none=True, load_default=None)
    consent_to_share = ma.fields.Boolean(load_default=False)


class SeekerForOtherInputSchema(SeekerInputSchema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"contact_name": "Armen Grigoryan", "contact_phone": "+374 93 654321",
        "profession": "cook", "skills": ["catering"], "languages": [{"code": "hy", "level": "native"}],
        "regions": ["AM-SU"], "consent_to_share": True}

    household_id = ma.fields.Integer(validate=ID, allow_none=True, load_default=None)


class SeekerProfileSchema(ma.Schema):
    """What an employer may see (the seeker consented to share it): no contact."""

    id = ma.fields.Integer()
    profession = ma.fields.String()
    skills = ma.fields.List(ma.fields.String())
    languages = ma.fields.List(ma.fields.Nested(LanguageLevelSchema))
    regions = ma.fields.List(ma.fields.String())
    remote_ok = ma.fields.Boolean()
    available_from = ma.fields.Date()


class SeekerSchema(SeekerProfileSchema):
    """For the seeker, their caseworker and coordinators (the view is recorded)."""

    contact = ma.fields.Dict()
    consent_to_share = ma.fields.Boolean()
    household_id = ma.fields.Integer(allow_none=True)
    priority = ma.fields.Integer()
    priority_reasons = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "codes with their numbers, each with a label in the request's language: the household's "
                       "reasons (see the housing household's priority_reasons) and a coordinator's raise"})
    queue_state = ma.fields.String(allow_none=True)


class ApplicationItemSchema(ma.Schema):
    id = ma.fields.Integer()
    listing_id = ma.fields.Integer(attribute="offer_id")
    seeker_id = ma.fields.Integer(attribute="subject_id")
    state = ma.fields.Function(lambda match: match.state.value)
    score = ma.fields.Integer()
    reasons = Worded(reason_text, metadata={"description": "in the request's language (Accept-Language)"})
    reason_codes = codes_of("reasons")
    contact_shared = ma.fields.Function(lambda match: match.consented_at is not None)
    created_at = ma.fields.DateTime()


class ApplicationSchema(ma.Schema):
    application = ma.fields.Nested(ApplicationItemSchema, attribute="match")
    listing = ma.fields.Nested(ListingSchema)
    seeker = ma.fields.Nested(SeekerProfileSchema)
    contact = ma.fields.Dict(allow_none=True)
    steps = ma.fields.Function(lambda view: MatchStepSchema(many=True).dump(view["match"].steps))


class ApplySchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"seeker_id": None}

    seeker_id = ma.fields.Integer(validate=ID, load_default=None,
                                  metadata={"description": "for caseworkers; default: your own profile"})


class ReferSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"entry_id": 1, "listing_id": 1}

    entry_id = ma.fields.Integer(required=True, validate=ID)
    listing_id = ma.fields.Integer(required=True, validate=ID)


class JobQueueArgsSchema(PageArgsSchema):
    pass


class JobQueueEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    seeker_id = ma.fields.Integer(attribute="subject_id")
    priority = ma.fields.Integer()
    joined_at = ma.fields.DateTime()
    state = ma.fields.Function(lambda entry: entry.state.value)
    lease_expires_at = ma.fields.DateTime(allow_none=True)


JobQueuePageSchema = page_schema(JobQueueEntrySchema)


class JobCandidateSchema(ma.Schema):
    listing = ma.fields.Nested(ListingSchema)
    score = ma.fields.Integer()
    reasons = Worded(reason_text, metadata={"description": "in the request's language (Accept-Language)"})
    reason_codes = codes_of("reasons")


class LeasedEntrySchema(ma.Schema):
    entry = ma.fields.Nested(JobQueueEntrySchema)
    seeker = ma.fields.Nested(SeekerProfileSchema)
    candidates = ma.fields.List(ma.fields.Nested(JobCandidateSchema))




class ReportReceivedSchema(ma.Schema):
    """The answer to a report on a listing: it was received (whether it hides the listing is not said)."""

    status = ma.fields.Constant("received", metadata={"description": "Always `received`.", "enum": ["received"]})

"""API shapes for housing offers, households, the queue and matches. Household contact details never
appear in a list; the detail shows them only to those who may see them."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.pagination import PageArgsSchema, page_schema
from aidcoord.common.schemas import ReadSchema, Worded, codes_of, enum_values, text
from aidcoord.consent.schemas import ConsentAnswerFields
from aidcoord.housing.engine import reason_text
from aidcoord.housing.models import VettingState
from aidcoord.housing.priority import CODES as PRIORITY_CODES
from aidcoord.housing.priority import reasons_for_api
from aidcoord.matching.schemas import MatchStepSchema

LANGS = {"description": "ISO 639-1 codes, e.g. [\"hy\", \"ru\"]"}


class OfferInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"region": "AM-SU", "locality": "Goris", "address": "12 Mesrop Mashtots St, Goris",
        "beds": 4, "rooms": 2, "available_from": "2027-01-05", "available_until": "2027-04-05",
        "languages": ["hy", "ru"], "pets_accepted": True, "children_welcome": True, "meals_included": False,
        "step_free": False}

    organization_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                        metadata={"description": "Offer on behalf of this verified organization"})
    region = text(10, required=True)
    locality = text(200, allow_none=True)
    address = text(500, required=True, metadata={"description": "Private until a household is accepted"})
    beds = ma.fields.Integer(required=True, strict=True)
    rooms = ma.fields.Integer(strict=True, allow_none=True)
    whole_dwelling = ma.fields.Boolean()
    available_from = ma.fields.Date(required=True)
    available_until = ma.fields.Date(allow_none=True)
    max_stay_days = ma.fields.Integer(strict=True, allow_none=True)
    rent_amount = ma.fields.Decimal(allow_none=True, allow_nan=False)
    rent_currency = text(3, allow_none=True)
    utilities_included = ma.fields.Boolean()
    meals_included = ma.fields.Boolean()
    step_free = ma.fields.Boolean()
    pets_accepted = ma.fields.Boolean()
    children_welcome = ma.fields.Boolean()
    languages = ma.fields.List(text(2), validate=ma.validate.Length(max=20), metadata=LANGS)
    notes = text(5000, allow_none=True)
    external_ref = text(100, allow_none=True)


class OfferUpdateSchema(OfferInputSchema):
    class Meta:
        exclude = ("organization_id",)

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class OfferSchema(ReadSchema):
    id = ma.fields.Integer()
    host_id = ma.fields.Integer(allow_none=True)
    organization_id = ma.fields.Integer(allow_none=True)
    region = ma.fields.String()
    locality = ma.fields.String()
    address = ma.fields.String()
    beds = ma.fields.Integer()
    free_beds = ma.fields.Integer()
    rooms = ma.fields.Integer()
    whole_dwelling = ma.fields.Boolean()
    available_from = ma.fields.Date()
    available_until = ma.fields.Date(allow_none=True)
    max_stay_days = ma.fields.Integer(allow_none=True)
    rent = ma.fields.Decimal(as_string=True, allow_none=True)
    rent_currency = ma.fields.String(allow_none=True)
    utilities_included = ma.fields.Boolean()
    meals_included = ma.fields.Boolean()
    step_free = ma.fields.Boolean()
    pets_accepted = ma.fields.Boolean()
    children_welcome = ma.fields.Boolean()
    languages = ma.fields.List(ma.fields.String())
    notes = ma.fields.String()
    vetting_state = ma.fields.Function(lambda offer: offer.vetting_state.value)
    vetting_note = ma.fields.String(allow_none=True)
    external_ref = ma.fields.String(allow_none=True)


class OfferListItemSchema(OfferSchema):
    """An offer in a list: without the host's home address and free-text notes (personal data), which only the
    detail endpoint shows, to those allowed to see it."""

    class Meta:
        exclude = ("address", "notes")


OfferPageSchema = page_schema(OfferListItemSchema)


class OfferArgsSchema(PageArgsSchema):
    region = text(10)
    vetting_state = ma.fields.String(validate=enum_values(VettingState))
    min_free_beds = ma.fields.Integer(validate=ma.validate.Range(min=1, max=500))
    mine = ma.fields.Boolean(load_default=False)


class VetSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"decision": "verified", "note": "Visited on 4 January; heating and water work."}

    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(["verified", "rejected"]))
    note = text(2000, required=True, min_length=1, metadata={"description": "How it was checked, or why not"})


class HouseholdInputSchema(ConsentAnswerFields):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"organization_id": 1, "contact_name": "Narine Hakobyan",
        "contact_phone": "+374 91 123456", "adults": 2, "children": 2, "children_under_5": 1, "languages": ["hy", "ru"],
        "preferred_regions": ["AM-SU"], "needed_from": "2027-01-05", "consent_to_share": True}

    organization_id = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    for_self = ma.fields.Boolean(load_default=False, metadata={"description": "The household registers itself"})
    contact_name = text(200, required=True)
    contact_phone = text(40, required=True)
    size = ma.fields.Integer(strict=True)
    adults = ma.fields.Integer(required=True, strict=True)
    children = ma.fields.Integer(strict=True)
    children_under_5 = ma.fields.Integer(strict=True)
    over_65 = ma.fields.Integer(strict=True)
    disabled = ma.fields.Integer(strict=True)
    single_caregiver = ma.fields.Boolean()
    medical_needs = ma.fields.Boolean()
    medical_note = text(5000, allow_none=True)
    pets = ma.fields.Boolean()
    step_free_needed = ma.fields.Boolean()
    preferred_regions = ma.fields.List(text(10), validate=ma.validate.Length(max=50))
    region_required = ma.fields.Boolean()
    arrival_place = text(200, allow_none=True)
    needed_from = ma.fields.Date()
    stay_days = ma.fields.Integer(strict=True, allow_none=True)
    languages = ma.fields.List(text(2), validate=ma.validate.Length(max=20), metadata=LANGS)
    consent_to_share = ma.fields.Boolean(metadata={"description": "Required before any proposal"})
    external_ref = text(100, allow_none=True)


class HouseholdSummarySchema(ReadSchema):
    """What a host may know before accepting: no name, no phone, no medical note."""

    id = ma.fields.Integer()
    size = ma.fields.Integer()
    adults = ma.fields.Integer()
    children = ma.fields.Integer()
    children_under_5 = ma.fields.Integer()
    over_65 = ma.fields.Integer()
    disabled = ma.fields.Integer()
    medical_needs = ma.fields.Boolean()
    pets = ma.fields.Boolean()
    step_free_needed = ma.fields.Boolean()
    languages = ma.fields.List(ma.fields.String())
    needed_from = ma.fields.Date()
    stay_days = ma.fields.Integer(allow_none=True)


class PriorityReasonSchema(ma.Schema):
    code = ma.fields.String(allow_none=True, metadata={
        "enum": list(PRIORITY_CODES), "description": "null for a reason stored as text before codes existed"})
    points = ma.fields.Integer()
    count = ma.fields.Integer(allow_none=True, metadata={"description": "how many people (or 1 for a flag)"})
    self_declared = ma.fields.Boolean(metadata={"description": "declared by the household, not yet confirmed"})
    note = ma.fields.String(allow_none=True, metadata={"description": "a coordinator's own words for a raise"})
    label = ma.fields.String(metadata={"description": "the reason in the request's language (Accept-Language)"})


class PriorityReasons(ma.fields.List):
    """The stored reasons (codes with their numbers), each with a label worded in the request's language."""

    def __init__(self, **kwargs):
        super().__init__(ma.fields.Nested(PriorityReasonSchema), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(reasons_for_api(value), attr, obj, **kwargs)


class HouseholdSchema(HouseholdSummarySchema):
    single_caregiver = ma.fields.Boolean()
    preferred_regions = ma.fields.List(ma.fields.String())
    region_required = ma.fields.Boolean()
    arrival_place = ma.fields.String(allow_none=True)
    consent_to_share = ma.fields.Boolean()
    priority = ma.fields.Integer()
    priority_reasons = PriorityReasons()
    vulnerability_self_declared = ma.fields.Boolean(metadata={
        "description": "Registered by the person themselves: the declared factors add no points until confirmed"})
    vulnerability_confirmed_at = ma.fields.DateTime(allow_none=True)
    possible_duplicate_of_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "An open request this one may duplicate: only for coordinators and the caseworkers who may "
        "review both, null for anyone else (the household itself included)"})
    merged_into_id = ma.fields.Integer(allow_none=True)
    external_ref = ma.fields.String(allow_none=True)
    queue_state = ma.fields.String()
    contact = ma.fields.Dict(
        allow_none=True, metadata={"description": "Only for coordinators and the caseworker; each view is recorded"})


class DuplicateSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"merge": True, "other_id": 1}

    merge = ma.fields.Boolean(required=True)
    # The other household: merged into (merge) or judged different (not merge). Default: the request this one
    # was flagged as a possible duplicate of at registration.
    other_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))


class DuplicateReasonSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"enum": ["same_phone", "similar_name"]})
    score = ma.fields.Integer(required=True, metadata={"description": "percent; 100 for the same phone"})
    label = ma.fields.String(required=True, metadata={"description": "in the reader's language"})


class PossibleDuplicateSchema(ma.Schema):
    household_id = ma.fields.Integer(required=True)
    reasons = ma.fields.List(ma.fields.Nested(DuplicateReasonSchema), required=True)


class PossibleDuplicatesSchema(ma.Schema):
    duplicates = ma.fields.List(ma.fields.Nested(PossibleDuplicateSchema), required=True)


class QueueEntrySchema(ReadSchema):
    id = ma.fields.Integer()
    subject_id = ma.fields.Integer(data_key="household_id")
    priority = ma.fields.Integer()
    joined_at = ma.fields.DateTime()
    state = ma.fields.Function(lambda entry: entry.state.value)
    leased_by_id = ma.fields.Integer(allow_none=True)
    lease_expires_at = ma.fields.DateTime(allow_none=True)
    household = ma.fields.Nested(HouseholdSummarySchema)


QueuePageSchema = page_schema(QueueEntrySchema)


class QueueArgsSchema(PageArgsSchema):
    region = text(10, metadata={"description": "Households preferring this region"})
    size = ma.fields.Integer(validate=ma.validate.Range(min=1, max=60))
    min_priority = ma.fields.Integer(validate=ma.validate.Range(min=0, max=1000))


class CandidateOfferSchema(OfferSchema):
    """An offer as a coordinator weighs it: the address is not needed for that."""

    class Meta:
        exclude = ("address",)


class CandidateSchema(ma.Schema):
    offer = ma.fields.Nested(CandidateOfferSchema)
    score = ma.fields.Integer()
    reasons = Worded(reason_text, metadata={"description": "in the request's language (Accept-Language)"})
    reason_codes = codes_of("reasons")


class ProposeSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"entry_id": 1, "offer_id": 1}

    entry_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    offer_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))


class MatchListItemSchema(ma.Schema):
    """What a list shows of a match: nothing about the people in it."""

    id = ma.fields.Integer()
    entry_id = ma.fields.Integer()
    offer_id = ma.fields.Integer()
    people = ma.fields.Integer()
    state = ma.fields.Function(lambda match: match.state.value)
    expires_at = ma.fields.DateTime()


class MatchSchema(MatchListItemSchema):
    score = ma.fields.Integer()
    reasons = Worded(reason_text, metadata={"description": "in the request's language (Accept-Language)"})
    reason_codes = codes_of("reasons")
    decline_reason = ma.fields.String(allow_none=True)
    steps = ma.fields.List(ma.fields.Nested(MatchStepSchema))
    household = ma.fields.Nested(HouseholdSummarySchema)
    household_contact = ma.fields.Dict(allow_none=True, metadata={
        "description": "Name and phone: for the host only after acceptance; each view is recorded"})
    offer_address = ma.fields.String(allow_none=True, metadata={
        "description": "For the household only after acceptance"})


class WelfareCheckSchema(ma.Schema):
    id = ma.fields.Integer()
    match_id = ma.fields.Integer()
    due_on = ma.fields.Date()
    outcome = ma.fields.Function(lambda c: c.outcome.value if c.outcome else None)
    note = ma.fields.String()
    recorded_at = ma.fields.DateTime(allow_none=True)


class WelfareInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"outcome": "well", "note": "Spoke with the family by phone; all fine."}

    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(["well", "concern", "unreachable"]))
    note = text(5000, load_default="")


class IncidentInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"description": "The heating failed for two days."}

    description = text(10000, required=True, min_length=1)


class IncidentReviewSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"note": "Host repaired the boiler; family stays.", "end_placement": False,
        "suspend_host": False}

    note = text(2000, required=True, min_length=1)
    end_placement = ma.fields.Boolean(load_default=False)
    suspend_host = ma.fields.Boolean(load_default=False)


class IncidentSchema(ma.Schema):
    id = ma.fields.Integer()
    match_id = ma.fields.Integer()
    reported_by_id = ma.fields.Integer()
    description = ma.fields.String()
    reported_at = ma.fields.DateTime()
    review_note = ma.fields.String(allow_none=True)
    reviewed_at = ma.fields.DateTime(allow_none=True)
    placement_ended = ma.fields.Boolean()
    host_suspended = ma.fields.Boolean()

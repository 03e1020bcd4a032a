"""API shapes for needs."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.pagination import PageArgsSchema, page_schema
from aidcoord.common.schemas import ReadSchema, enum_values, text
from aidcoord.needs.models import NeedState, Unit, Urgency
from aidcoord.organizations.models import Sector

EXACT = {"description": "An exact decimal; sent and returned as a string (a JSON number is accepted)"}


class NeedInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"organization_id": 1, "sector": "shelter", "item": "beds", "quantity": "100",
        "unit": "beds", "region": "AM-SU", "locality": "Goris", "urgency": "high", "needed_by": "2027-01-15",
        "description": "Single beds with mattresses for the collective centre."}

    organization_id = ma.fields.Integer(required=True, strict=True)
    sector = ma.fields.String(required=True, validate=enum_values(Sector))
    item = text(200, required=True, min_length=1)
    description = text(5000, allow_none=True)
    quantity = ma.fields.Decimal(allow_none=True, allow_nan=False, metadata=EXACT)
    unit = ma.fields.String(allow_none=True, validate=enum_values(Unit))
    amount = ma.fields.Decimal(allow_none=True, allow_nan=False, metadata=EXACT)
    currency = text(3, allow_none=True, metadata={"description": "ISO 4217, e.g. AMD"})
    region = text(10, required=True, metadata={"description": "ISO 3166-2, e.g. AM-SU"})
    locality = text(200, allow_none=True)
    urgency = ma.fields.String(required=True, validate=enum_values(Urgency))
    needed_by = ma.fields.Date(required=True)
    external_ref = text(100, allow_none=True)


class NeedUpdateSchema(NeedInputSchema):
    """The same fields, each optional (PATCH); the organization cannot change."""

    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"quantity": "120", "urgency": "critical", "needed_by": "2027-01-10"}

    class Meta:
        exclude = ("organization_id",)

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class RateUsedSchema(ma.Schema):
    currency = ma.fields.String()
    rate = ma.fields.Decimal(as_string=True)
    reporting_currency = ma.fields.String()
    valid_on = ma.fields.Date()


class CoverageSchema(ma.Schema):
    measure = ma.fields.String()
    requested = ma.fields.Decimal(as_string=True)
    pledged = ma.fields.Decimal(as_string=True)
    committed = ma.fields.Decimal(as_string=True)
    delivered = ma.fields.Decimal(as_string=True)
    percent_pledged = ma.fields.Function(lambda c: str(c.percent(c.pledged)))
    percent_delivered = ma.fields.Function(lambda c: str(c.percent(c.delivered)))
    over_pledged = ma.fields.Boolean()
    rates_used = ma.fields.List(ma.fields.Nested(RateUsedSchema))
    unconverted = ma.fields.List(ma.fields.String(), metadata={"description": "Currencies with no rate recorded"})


class NeedSchema(ReadSchema):
    id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    organization_name = ma.fields.String()
    sector = ma.fields.Function(lambda need: need.sector.value)
    item = ma.fields.String()
    description = ma.fields.String()
    quantity = ma.fields.Decimal(as_string=True, allow_none=True)
    unit = ma.fields.Function(lambda need: need.unit.value if need.unit else None)
    amount = ma.fields.Decimal(as_string=True, allow_none=True)
    currency = ma.fields.String(allow_none=True)
    region = ma.fields.String()
    locality = ma.fields.String()
    urgency = ma.fields.Function(lambda need: need.urgency.value)
    needed_by = ma.fields.Date()
    state = ma.fields.Function(lambda need: need.state.value)
    end_reason = ma.fields.String(allow_none=True)
    external_ref = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class NeedDetailSchema(NeedSchema):
    coverage = ma.fields.Nested(CoverageSchema)


NeedPageSchema = page_schema(NeedSchema)


class NeedArgsSchema(PageArgsSchema):
    sector = ma.fields.String(validate=enum_values(Sector))
    region = text(10)
    urgency = ma.fields.String(validate=enum_values(Urgency))
    organization_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    state = ma.fields.String(validate=enum_values(NeedState))


class EndNeedSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"reason": "The municipality supplied the beds."}

    reason = text(2000, required=True, min_length=1)


class ImportArgsSchema(ma.Schema):
    organization_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    dry_run = ma.fields.Boolean(load_default=False)


class ImportResultSchema(ma.Schema):
    valid = ma.fields.Boolean()
    created = ma.fields.List(ma.fields.Integer())
    errors = ma.fields.Dict(metadata={"description": "{'row N': {column: [messages]}, 'file': [messages]}"})

"""API shapes for pledges, deliveries, exchange rates and totals."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.pagination import PageArgsSchema, page_schema
from aidcoord.common.schemas import ReadSchema, enum_values, text
from aidcoord.needs.models import Unit
from aidcoord.needs.schemas import EXACT, RateUsedSchema
from aidcoord.pledges.models import Contribution, PledgeState


def optional_id(description: str) -> ma.fields.Integer:
    """An optional database id (1 to 2**31 - 1), sent as a JSON integer."""
    return ma.fields.Integer(allow_none=True, strict=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": description})


class PledgeInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"contribution": "in_kind", "quantity": "10", "unit": "beds", "need_id": 1,
        "note": "Delivered by our van on Friday."}

    contribution = ma.fields.String(required=True, validate=enum_values(Contribution))
    amount = ma.fields.Decimal(allow_none=True, allow_nan=False, metadata=EXACT)
    currency = text(3, allow_none=True, metadata={"description": "ISO 4217, e.g. EUR"})
    quantity = ma.fields.Decimal(allow_none=True, allow_nan=False, metadata=EXACT)
    unit = ma.fields.String(allow_none=True, validate=enum_values(Unit))
    item = text(200, allow_none=True)
    note = text(5000, allow_none=True)
    source_url = text(500, allow_none=True)
    need_id = optional_id("Pledge against this need")
    recipient_organization_id = optional_id("Or to this organization")
    donor_organization_id = optional_id("Pledge on behalf of this organization")


class TransitionSchema(ma.Schema):
    from_state = ma.fields.Function(lambda t: t.from_state.value if t.from_state else None)
    to_state = ma.fields.Function(lambda t: t.to_state.value)
    actor_id = ma.fields.Integer(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    occurred_at = ma.fields.DateTime()


class DeliverySchema(ma.Schema):
    id = ma.fields.Integer()
    pledge_id = ma.fields.Integer()
    delivered_on = ma.fields.Date()
    size = ma.fields.Decimal(as_string=True, allow_none=True, data_key="delivered")
    note = ma.fields.String()
    confirmed_by_id = ma.fields.Integer()
    confirmed_at = ma.fields.DateTime()


class PledgeSchema(ReadSchema):
    id = ma.fields.Integer()
    donor = ma.fields.Function(lambda p: p.donor_name)
    donor_organization_id = ma.fields.Integer(allow_none=True)
    contribution = ma.fields.Function(lambda p: p.contribution.value)
    amount = ma.fields.Decimal(as_string=True, allow_none=True)
    currency = ma.fields.String(allow_none=True)
    quantity = ma.fields.Decimal(as_string=True, allow_none=True)
    unit = ma.fields.Function(lambda p: p.unit.value if p.unit else None)
    item = ma.fields.String()
    note = ma.fields.String()
    source_url = ma.fields.String(allow_none=True)
    need_id = ma.fields.Integer(allow_none=True)
    recipient_organization_id = ma.fields.Integer(attribute="receiving_organization_id", allow_none=True)
    state = ma.fields.Function(lambda p: p.state.value)
    delivered = ma.fields.Decimal(as_string=True)
    remaining = ma.fields.Decimal(as_string=True, allow_none=True)
    created_at = ma.fields.DateTime()


class PledgeDetailSchema(PledgeSchema):
    # Set by the API (pledges.api.detailed): actor ids only for those who may see the donor.
    transitions = ma.fields.List(ma.fields.Nested(TransitionSchema), attribute="visible_transitions")
    deliveries = ma.fields.List(ma.fields.Nested(DeliverySchema))
    donor_contact = ma.fields.Dict(allow_none=True, metadata={
        "description": "Name and email of the person who pledged; only for the donor's and the receiver's side"})


PledgePageSchema = page_schema(PledgeSchema)


class PledgeArgsSchema(PageArgsSchema):
    need_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    organization_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    state = ma.fields.String(validate=enum_values(PledgeState))
    currency = text(3)
    mine = ma.fields.Boolean(load_default=False)


class CancelSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"reason": "The van broke down; we cannot deliver."}

    reason = text(2000, required=True, min_length=1)


class DeliveryInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"delivered_on": "2027-01-10", "quantity": "6", "note": "First six beds arrived.",
        "final": False}

    delivered_on = ma.fields.Date(required=True)
    amount = ma.fields.Decimal(allow_none=True, allow_nan=False, metadata=EXACT)
    quantity = ma.fields.Decimal(allow_none=True, allow_nan=False, metadata=EXACT)
    note = text(2000, allow_none=True)
    final = ma.fields.Boolean(allow_none=True, load_default=False, metadata={
        "description": "For pledges whose size was never published: this delivery completes it"})


class ExchangeRateInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"currency": "EUR", "rate": "430.25", "valid_on": "2027-01-02",
        "source": "Central Bank of Armenia"}

    currency = text(3, required=True, min_length=3)
    rate = ma.fields.Decimal(required=True, allow_nan=False, metadata={
        "description": "Units of the reporting currency for one unit of `currency`"})
    valid_on = ma.fields.Date(allow_none=True, )
    source = text(500, allow_none=True)


class ExchangeRateSchema(ma.Schema):
    id = ma.fields.Integer()
    currency = ma.fields.String()
    reporting_currency = ma.fields.String()
    rate = ma.fields.Decimal(as_string=True)
    valid_on = ma.fields.Date()
    source = ma.fields.String()


class StateTotalsSchema(ma.Schema):
    pledged = ma.fields.Decimal(as_string=True)
    committed = ma.fields.Decimal(as_string=True)
    delivered = ma.fields.Decimal(as_string=True)


class ItemTotalsSchema(StateTotalsSchema):
    item = ma.fields.String()
    unit = ma.fields.String()


class TotalsSchema(ma.Schema):
    money = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(StateTotalsSchema),
                           metadata={"description": "Per currency; never added across currencies"})
    in_kind = ma.fields.List(ma.fields.Nested(ItemTotalsSchema), metadata={
        "description": "Per item and unit; never added across items (even when they share a unit)"})
    reporting_currency = ma.fields.String()
    converted = ma.fields.Nested(StateTotalsSchema)
    rates_used = ma.fields.List(ma.fields.Nested(RateUsedSchema))
    unconverted = ma.fields.List(ma.fields.String())

"""API shapes of the dashboard. Decimals are strings; money per currency, goods per item and unit."""
import marshmallow as ma

from aidcoord.needs.schemas import RateUsedSchema

EXACT = {"description": "A decimal number as a string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}


def exact(**kwargs) -> ma.fields.Decimal:
    return ma.fields.Decimal(as_string=True, allow_none=True, metadata=EXACT, **kwargs)


class DashboardArgsSchema(ma.Schema):
    start = ma.fields.Date(load_default=None, metadata={"description": "First local day of the period"})
    end = ma.fields.Date(load_default=None, metadata={"description": "Last local day of the period"})
    region = ma.fields.String(load_default=None, validate=ma.validate.Regexp(r"^AM-[A-Z]{2}$"),
                              metadata={"description": "ISO 3166-2 region, e.g. AM-SU"})
    rates_on = ma.fields.Date(load_default=None, metadata={
        "description": "Day of the exchange rates used for converted totals (default: end, else today)"})

    @ma.validates_schema
    def end_after_start(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ma.ValidationError("The end comes before the start.", "end")


class ArrivalDaySchema(ma.Schema):
    day = ma.fields.Date()
    cumulative = ma.fields.Integer()
    arrived = ma.fields.Integer()
    reports = ma.fields.Integer()


class ArrivalFiguresSchema(ma.Schema):
    days = ma.fields.List(ma.fields.Nested(ArrivalDaySchema))
    total = ma.fields.Integer(metadata={"description": "Largest cumulative count reported by the period's end"})
    as_of = ma.fields.Date(allow_none=True)


class CoverageRowSchema(ma.Schema):
    sector = ma.fields.String()
    region = ma.fields.String()
    measure = ma.fields.String(metadata={"description": "Unit code, or currency for cash needs"})
    is_money = ma.fields.Boolean()
    needs = ma.fields.Integer()
    requested = exact()
    pledged = exact()
    delivered = exact()
    pledged_percent = ma.fields.Integer()
    delivered_percent = ma.fields.Integer()
    unconverted = ma.fields.List(ma.fields.String())


class LeastCoveredSchema(ma.Schema):
    need_id = ma.fields.Integer()
    item = ma.fields.String()
    sector = ma.fields.String()
    region = ma.fields.String()
    measure = ma.fields.String()
    requested = exact()
    pledged = exact()
    delivered = exact()


class StateAmountsSchema(ma.Schema):
    pledged = exact()
    committed = exact()
    delivered = exact()
    cancelled = exact()


class InKindSchema(StateAmountsSchema):
    item = ma.fields.String()
    unit = ma.fields.String()


class DonorSchema(ma.Schema):
    organization_id = ma.fields.Integer(allow_none=True, metadata={"description": "null: private donors"})
    name = ma.fields.String(allow_none=True)
    pledges = ma.fields.Integer()
    money = ma.fields.Dict(keys=ma.fields.String(), values=exact())


class PledgeFiguresSchema(ma.Schema):
    money = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(StateAmountsSchema),
                           metadata={"description": "Per currency and state; never added across currencies"})
    in_kind = ma.fields.List(ma.fields.Nested(InKindSchema),
                             metadata={"description": "Per item and unit; never added across items"})
    converted = ma.fields.Nested(StateAmountsSchema)
    reporting_currency = ma.fields.String()
    rates_used = ma.fields.List(ma.fields.Nested(RateUsedSchema))
    unconverted = ma.fields.List(ma.fields.String())
    donors = ma.fields.List(ma.fields.Nested(DonorSchema))
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())


class BedsSchema(ma.Schema):
    region = ma.fields.String()
    offered = ma.fields.Integer()
    taken = ma.fields.Integer()
    free = ma.fields.Integer()


class BandSchema(ma.Schema):
    band = ma.fields.String()
    min_priority = ma.fields.Integer()
    households = ma.fields.Integer()
    p50_days = exact()
    p90_days = exact()


class HousingFiguresSchema(ma.Schema):
    beds = ma.fields.List(ma.fields.Nested(BedsSchema))
    bands = ma.fields.List(ma.fields.Nested(BandSchema))
    awaiting_answer = ma.fields.Integer()
    expiring_soon = ma.fields.Integer(metadata={"description": "Proposals whose answer is due within 24 hours"})


class WorkFiguresSchema(ma.Schema):
    positions_open = ma.fields.Integer()
    positions_filled = ma.fields.Integer()
    listings = ma.fields.Integer()
    referrals = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    shifts = ma.fields.Integer()
    slots = ma.fields.Integer()
    slots_filled = ma.fields.Integer()
    shifts_full = ma.fields.Integer()
    hours = exact()
    volunteers = ma.fields.Integer()


class DashboardSchema(ma.Schema):
    scope = ma.fields.String(attribute="scope_name",
                             metadata={"description": "all (coordinators) or organizations (the member's own)"})
    organization_ids = ma.fields.List(ma.fields.Integer(), metadata={"description": "The member's organizations"})
    rates_on = ma.fields.Date()
    arrivals = ma.fields.Nested(ArrivalFiguresSchema)
    coverage = ma.fields.List(ma.fields.Nested(CoverageRowSchema))
    least_covered = ma.fields.List(ma.fields.Nested(LeastCoveredSchema), attribute="least_covered_rows")
    pledges = ma.fields.Nested(PledgeFiguresSchema)
    housing = ma.fields.Nested(HousingFiguresSchema)
    work = ma.fields.Nested(WorkFiguresSchema)

"""JSON API for 3W (who does what where), and its HXL-tagged CSV export."""
import marshmallow as ma

from aidcoord.common.api import Blueprint
from aidcoord.common.codes import subdivision_name
from aidcoord.common.csv_export import csv_response
from aidcoord.common.permissions import SIGNED_IN, allow
from aidcoord.common.schemas import enum_values
from aidcoord.organizations.models import Sector
from aidcoord.reports import regions_map, threew

blp = Blueprint("threew_api", __name__, url_prefix="/api/v1/3w",
                description="Who does what where: organizations x sectors x regions, from needs, pledges, housing "
                            "offers and volunteer shifts.")


class ThreeWArgsSchema(ma.Schema):
    region = ma.fields.String(validate=ma.validate.Length(max=10), metadata={"description": "ISO 3166-2, e.g. AM-SU"})
    sector = ma.fields.String(validate=enum_values(Sector))
    organization_id = ma.fields.Integer()


class ThreeWRowSchema(ma.Schema):
    organization_id = ma.fields.Integer()
    organization = ma.fields.String()
    sector = ma.fields.Function(lambda row: row.sector.value if row.sector else None, allow_none=True,
                                metadata={"enum": [s.value for s in Sector],
                                          "description": "null for volunteer shifts, which name no sector"})
    region = ma.fields.String(metadata={"description": "ISO 3166-2"})
    region_name = ma.fields.Function(lambda row: subdivision_name(row.region))
    activity = ma.fields.String(metadata={"enum": list(threew.ACTIVITIES)})
    count = ma.fields.Integer(metadata={"description": "Records of that activity (needs, pledges, offers, shifts)"})
    capacity = ma.fields.Integer(allow_none=True, metadata={"description": "Beds (housing offers) or slots "
                                                                           "(shifts); null otherwise"})


class ThreeWSchema(ma.Schema):
    # A report, not a list of records: one row per organization, sector, region and activity (bounded by
    # those), given whole so that the totals and the rows always agree.
    rows = ma.fields.List(ma.fields.Nested(ThreeWRowSchema))
    regions = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Dict(keys=ma.fields.String(),
                                                                            values=ma.fields.Integer()),
                             metadata={"description": "Per region (ISO 3166-2): each map measure's total "
                                                      "(needs, pledges, beds, shifts, organizations)"})


def _filters(args) -> threew.ThreeWFilters:
    region = args.get("region")
    return threew.ThreeWFilters(region=region.strip().upper() if region else None,
                                sector=Sector(args["sector"]) if args.get("sector") else None,
                                organization_id=args.get("organization_id"))


@blp.route("")
@allow(SIGNED_IN)
@blp.arguments(ThreeWArgsSchema, location="query")
@blp.response(200, ThreeWSchema)
def get_threew(args):
    """Every organization, sector, region and activity with its count, and the totals per region.

    Verified organizations only; private hosts and donors never appear."""
    rows = threew.who_does_what_where(_filters(args))
    totals = {measure: threew.region_totals(rows, measure) for measure in threew.MEASURES}
    regions = sorted({region for per_region in totals.values() for region in per_region})
    return {"rows": rows,
            "regions": {region: {measure: totals[measure].get(region, 0) for measure in threew.MEASURES}
                        for region in regions}}


@blp.route("/export.csv")
@allow(SIGNED_IN)
@blp.arguments(ThreeWArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
def export_threew(args):
    """The 3W as CSV with HXL hashtags (#org, #sector, #adm1+code, #adm1+name, #activity, counts)."""
    rows = threew.who_does_what_where(_filters(args))
    names = lambda code: regions_map.english_name(code) or subdivision_name(code, "en")  # noqa: E731
    return csv_response(threew.threew_csv(rows, names), "3w.csv")

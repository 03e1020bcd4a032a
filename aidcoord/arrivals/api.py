"""JSON API for reported arrivals."""

from aidcoord.arrivals import imports, services
from aidcoord.arrivals.schemas import (
    ArrivalArgsSchema,
    ArrivalImportArgsSchema,
    ArrivalImportResultSchema,
    ArrivalInputSchema,
    ArrivalSchema,
)
from aidcoord.common import csv_import
from aidcoord.common.api import Blueprint
from aidcoord.common.pagination import ListPager
from aidcoord.common.permissions import ANYONE, STAFF, actor, allow

blp = Blueprint("arrivals_api", __name__, url_prefix="/api/v1/arrivals",
                description="Reported cumulative arrivals, each with its source and local time.")


@blp.route("")
@allow(ANYONE)
@blp.arguments(ArrivalArgsSchema, location="query")
@blp.response(200, ArrivalSchema(many=True))
@blp.paginate(ListPager)
def list_arrivals(args):
    """Reported arrivals, latest first.

    Public figures as their sources published them; a day's counts are ordered by size (they are cumulative)."""
    return services.list_reports(args["start"], args["end"])


@blp.route("", methods=["POST"])
@allow(STAFF)
@blp.arguments(ArrivalInputSchema)
@blp.response(201, ArrivalSchema)
def record_arrivals(data):
    """Record a reported count (coordinators and admins).

    The same day, time, count and source twice is refused (422)."""
    return services.record_report(actor(), data)


@blp.route("/import", methods=["POST"])
@allow(STAFF)
@blp.arguments(ArrivalImportArgsSchema, location="query")
@blp.response(200, ArrivalImportResultSchema)
@blp.doc(requestBody={"required": True, "content": {"text/csv": {
    "schema": {"type": "string", "description": "CSV in UTF-8 (with or without BOM), UTF-16 (with BOM), "
                                                "Windows-1251 or Windows-1252 (anything else is refused, 422) with "
                                                "the columns reported_at, cumulative_arrivals, source "
                                                "(as ../shared/data/arrivals-2023.csv)."},
    "example": "reported_at,cumulative_arrivals,source\n2023-09-28T08:00,65036,https://armenpress.am/\n"}}})
def import_arrivals(args):
    """Send a CSV file as the body (text/csv). With dry_run=true only the check is returned; otherwise every
    row is created in one transaction, or nothing when any row is invalid (422, errors by row and column)."""
    text = csv_import.request_csv_text()  # the encoding detected, or 422; the body is required
    if args["dry_run"]:
        preview = imports.preview_arrivals_import(actor(), text)
        return {"valid": preview.is_valid, "created": [], "errors": imports.ImportRejected(preview).fields}
    reports = imports.import_arrivals(actor(), text)
    return {"valid": True, "created": [report.id for report in reports], "errors": {}}

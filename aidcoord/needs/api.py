"""JSON API for needs."""

from aidcoord.common import csv_import
from aidcoord.common.api import Blueprint
from aidcoord.common.csv_export import csv_response
from aidcoord.common.pagination import envelope
from aidcoord.common.permissions import ANYONE, SIGNED_IN, actor, allow
from aidcoord.needs import imports, services
from aidcoord.needs.coverage import coverage_of
from aidcoord.needs.exports import needs_csv
from aidcoord.needs.models import NeedState, Urgency
from aidcoord.needs.schemas import (
    EndNeedSchema,
    ImportArgsSchema,
    ImportResultSchema,
    NeedArgsSchema,
    NeedDetailSchema,
    NeedInputSchema,
    NeedPageSchema,
    NeedUpdateSchema,
)
from aidcoord.organizations import services as organizations
from aidcoord.organizations.models import Sector

blp = Blueprint("needs_api", __name__, url_prefix="/api/v1/needs",
                description="What organizations need, and how far pledges and deliveries cover it.")


def filters_from(args) -> services.NeedFilters:
    return services.NeedFilters(
        sector=Sector(args["sector"]) if args.get("sector") else None,
        region=args.get("region"),
        urgency=Urgency(args["urgency"]) if args.get("urgency") else None,
        organization_id=args.get("organization_id"),
        state=NeedState(args["state"]) if args.get("state") else None,
    )


def with_coverage(need):
    need.coverage = coverage_of(need)
    return need


@blp.route("")
@allow(ANYONE)
@blp.arguments(NeedArgsSchema, location="query")
@blp.response(200, NeedPageSchema)
def list_needs(args):
    """Needs of verified organizations, most urgent first, then by needed-by date."""
    return envelope(services.list_needs(filters_from(args), args["page"], args["per_page"]))


@blp.route("", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(NeedInputSchema)
@blp.response(201, NeedDetailSchema)
def post_need(data):
    """Post a need of an organization you belong to.

    The organization must be verified; decimals (quantity, amount) are sent as strings."""
    organization = organizations.get_organization(actor(), data.pop("organization_id"))
    return with_coverage(services.post_need(actor(), organization, data))


@blp.route("/<id:need_id>")
@allow(ANYONE)
@blp.response(200, NeedDetailSchema)
def get_need(need_id):
    """One need, with how far pledges and deliveries cover it.

    Needs of verified organizations are public."""
    return with_coverage(services.get_need(actor(), need_id))


@blp.route("/<id:need_id>", methods=["PATCH"])
@allow(SIGNED_IN)
@blp.arguments(NeedUpdateSchema)
@blp.response(200, NeedDetailSchema)
def update_need(data, need_id):
    """Edit an open need.

    Members of its organization and staff; a closed or cancelled need can no longer be changed (409)."""
    return with_coverage(services.update_need(actor(), services.get_need(actor(), need_id), data))


@blp.route("/<id:need_id>/close", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(EndNeedSchema)
@blp.response(200, NeedDetailSchema)
def close_need(data, need_id):
    """No longer needed (the organization decides)."""
    need = services.get_need(actor(), need_id)
    return with_coverage(services.end_need(actor(), need, NeedState.CLOSED, data["reason"]))


@blp.route("/<id:need_id>/cancel", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(EndNeedSchema)
@blp.response(200, NeedDetailSchema)
def cancel_need(data, need_id):
    """Posted in error (the organization decides)."""
    need = services.get_need(actor(), need_id)
    return with_coverage(services.end_need(actor(), need, NeedState.CANCELLED, data["reason"]))


@blp.route("/export.csv")
@allow(ANYONE)
@blp.arguments(NeedArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
def export_needs(args):
    """CSV with an HXL hashtag row, with the same filters as the list."""
    return csv_response(needs_csv(services.all_needs(filters_from(args))), "needs.csv")


@blp.route("/import", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(200, ImportResultSchema)
@blp.doc(requestBody={"required": True, "content": {"text/csv": {
    "schema": {"type": "string", "description": "CSV in UTF-8 (with or without BOM), UTF-16 (with BOM), Windows-1251 "
                                                "or Windows-1252 (anything else is refused, 422): a header row naming "
                                                "the columns, then one need per row (the columns of "
                                                "GET /api/v1/needs/export.csv)."},
    "example": "sector,item,quantity,unit,region,locality,urgency,needed_by\n"
               "shelter,beds,100,beds,AM-SU,Goris,high,2027-01-15\n"}}})
def import_needs(args):
    """Send a CSV file as the body (text/csv). With dry_run=true only the check is returned; otherwise every
    row is created in one transaction, or nothing when any row is invalid (422, errors by row and column)."""
    organization = organizations.get_organization(actor(), args["organization_id"])
    text = csv_import.request_csv_text()  # the encoding detected, or 422; the body is required
    if args["dry_run"]:
        preview = imports.preview_needs_import(actor(), organization, text)
        return {"valid": preview.is_valid, "created": [], "errors": imports.ImportRejected(preview).fields}
    needs = imports.import_needs(actor(), organization, text)
    return {"valid": True, "created": [need.id for need in needs], "errors": {}}

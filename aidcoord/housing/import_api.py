"""JSON API for household registration lists: send the CSV (202: a worker imports it), poll the import."""
import marshmallow as ma
from flask import url_for

from aidcoord.common import csv_import
from aidcoord.common.api import Blueprint
from aidcoord.common.permissions import SIGNED_IN, actor, allow
from aidcoord.housing import import_runs
from aidcoord.housing.import_models import ImportState

blp = Blueprint("housing_imports_api", __name__, url_prefix="/api/v1/housing/imports",
                description="Household registration lists (CSV) imported in the background, all or nothing.")


class ImportArgsSchema(ma.Schema):
    organization_id = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                        metadata={"description": "The caseworkers' organization the households "
                                                                 "are registered for, if any"})


class HouseholdImportSchema(ma.Schema):
    id = ma.fields.Integer()
    state = ma.fields.Function(lambda run: run.state.value, metadata={
        "enum": [state.value for state in ImportState],
        "description": "queued, running; then done (every row registered), rejected (a problem: nothing "
                       "registered, see `problems`) or failed (nothing registered; send the file again)"})
    organization_id = ma.fields.Integer(allow_none=True)
    rows_total = ma.fields.Integer(metadata={"description": "Rows in the file (after the header)"})
    rows_done = ma.fields.Integer(metadata={"description": "Rows registered so far, in the import's transaction: "
                                                           "none is kept unless all are"})
    created = ma.fields.Integer(allow_none=True, metadata={"description": "Households registered, once done"})
    problems = ma.fields.Dict(allow_none=True, metadata={
        "description": "Once rejected: {'row N': {column: [messages]}, 'file': [messages]}, in the language of "
                       "the request that sent the file"})
    error = ma.fields.String(allow_none=True, metadata={"description": "Once failed: the kind of error"})
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


CSV_BODY = {"required": True, "content": {"text/csv": {
    "schema": {"type": "string", "description": "CSV in UTF-8 (with or without BOM), UTF-16 (with BOM), Windows-1251 "
                                                "or Windows-1252 (anything else is refused, 422): a header row naming "
                                                "the columns (those of the household form), then one household per "
                                                "row; at most HOUSEHOLD_IMPORT_MAX_ROWS rows (422 beyond)."},
    "example": "external_ref,contact_name,contact_phone,adults,children,preferred_regions,consent_to_share\n"
               "R-1,Ani Petrosyan,+374 91 000001,2,1,AM-SU,yes\n"}}}


@blp.route("", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(202, HouseholdImportSchema, headers={"Location": {
    "description": "The import to poll (GET)", "schema": {"type": "string"}}})
@blp.doc(requestBody=CSV_BODY)
def start_household_import(args):
    """Send a registration list as the body (text/csv); a background worker registers it (202).

    Poll the import at its Location until it is done (the count of households registered) or rejected (every
    problem by row and column; nothing is registered unless every row is valid). Coordinators and caseworkers;
    a file over the row cap or in an unreadable encoding is refused at once (422)."""
    data = csv_import.request_csv_bytes()  # 422 when the body is missing
    run = import_runs.start_import(actor(), data, organization_id=args["organization_id"])
    return run, {"Location": url_for("housing_imports_api.get_household_import", import_id=run.id)}


@blp.route("/<id:import_id>")
@allow(SIGNED_IN)
@blp.response(200, HouseholdImportSchema)
def get_household_import(import_id):
    """An import's progress (rows done of the total), then its outcome.

    Only whoever sent it (while they may still import households for its organization) and coordinators see it;
    for anyone else it does not exist (404)."""
    return import_runs.get_import(actor(), import_id)

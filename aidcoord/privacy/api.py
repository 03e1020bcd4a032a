"""JSON API: the caller's own data (export, erasure) and, for coordinators, the erasures that wait."""
from flask_login import current_user, logout_user

from aidcoord.common.api import Blueprint
from aidcoord.common.csv_export import csv_response
from aidcoord.common.pagination import ListPager
from aidcoord.common.permissions import SIGNED_IN, STAFF, allow
from aidcoord.privacy import services
from aidcoord.privacy.models import ErasureState
from aidcoord.privacy.schemas import DataArgsSchema, ErasureRequestSchema, MyDataSchema

blp = Blueprint("privacy_api", __name__, url_prefix="/api/v1",
                description="A person's own data (export, erasure); erasure requests that wait.")


@blp.route("/me/data")
@allow(SIGNED_IN)
@blp.arguments(DataArgsSchema, location="query")
@blp.response(200, MyDataSchema)
# With format=csv the same 200 is a CSV file: both bodies are documented.
@blp.doc(responses={"200": {"description": "The caller's data: JSON, or with format=csv a CSV file",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MyData"}},
                                        "text/csv": {"schema": {"type": "string"}}}}})
def my_data(args):
    """Everything aidcoord holds that is the caller's own, as JSON or CSV.

    Their account, households they registered themselves, job-seeker and volunteer profiles, housing offers,
    pledges, shift sign-ups, consent records and erasure requests; the download is recorded in the audit.
    With format=csv the answer is text/csv instead: one line per value (section, record_id, field, value)."""
    data = services.export_personal_data(current_user)
    if args["format"] == "csv":
        return csv_response(services.export_as_csv(data), "my-data.csv")
    return {"sections": data}


@blp.route("/me/erasure", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, ErasureRequestSchema)
def request_erasure():
    """Ask for the caller's personal data to be erased.

    Done at once when nothing blocks it (state done: the account is closed and its tokens stop working);
    otherwise the request waits (state waiting, blocked_by says why: a placement, a match or referral under
    way, a shift ahead) and is carried out by the daily purge once nothing blocks it. Asking again while a
    request waits returns that request."""
    request = services.request_erasure(current_user)
    if request.state is ErasureState.DONE:
        logout_user()
    return request


@blp.route("/privacy/erasure-requests")
@allow(STAFF)
@blp.response(200, ErasureRequestSchema(many=True))
@blp.paginate(ListPager)
def waiting_erasures():
    """Erasure requests that wait, oldest first, with why (codes only)."""
    return services.waiting_erasures()

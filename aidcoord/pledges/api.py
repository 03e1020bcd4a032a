"""JSON API for pledges, deliveries, exchange rates and totals."""
import re

from flask import request
from flask_babel import lazy_gettext as _l

from aidcoord.common.api import Blueprint
from aidcoord.common.csv_export import csv_response
from aidcoord.common.pagination import ListPager, envelope
from aidcoord.common.permissions import ANYONE, SIGNED_IN, STAFF, actor, allow
from aidcoord.errors import ValidationFailed
from aidcoord.pledges import rates, services
from aidcoord.pledges.coverage import response_totals
from aidcoord.pledges.exports import pledges_csv
from aidcoord.pledges.models import PledgeState
from aidcoord.pledges.schemas import (
    CancelSchema,
    DeliveryInputSchema,
    DeliverySchema,
    ExchangeRateInputSchema,
    ExchangeRateSchema,
    PledgeArgsSchema,
    PledgeDetailSchema,
    PledgeInputSchema,
    PledgePageSchema,
    TotalsSchema,
)

blp = Blueprint("pledges_api", __name__, url_prefix="/api/v1/pledges",
                description="Pledges of money, goods and services, followed until delivered.")
rates_blp = Blueprint("exchange_rates_api", __name__, url_prefix="/api/v1/exchange-rates",
                      description="Exchange rates kept by coordinators for converted totals.")

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PATTERN = r"^[ -~]*[!-~][ -~]*$"  # printable ASCII, not only spaces


def filters_from(args) -> services.PledgeFilters:
    return services.PledgeFilters(
        need_id=args.get("need_id"), organization_id=args.get("organization_id"),
        state=PledgeState(args["state"]) if args.get("state") else None, currency=args.get("currency"),
        pledged_by_id=actor().id if args.get("mine") and actor() else None,
    )


def detailed(pledge):
    pledge.donor_contact = services.donor_contact(actor(), pledge) if actor() else None
    pledge.visible_transitions = services.visible_transitions(actor(), pledge)
    return pledge


def _idempotency_key() -> str | None:
    raw = request.headers.get(IDEMPOTENCY_HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not re.fullmatch(IDEMPOTENCY_PATTERN, raw) or len(raw) > 100:  # what the OpenAPI document says
        message = _l("Send 1 to 100 printable characters.")
        raise ValidationFailed(message, {IDEMPOTENCY_HEADER: [message]})
    return key


@blp.route("")
@allow(ANYONE)
@blp.arguments(PledgeArgsSchema, location="query")
@blp.response(200, PledgePageSchema)
def list_pledges(args):
    """Public list of pledges (donor organizations by name; private donors unnamed)."""
    return envelope(services.list_pledges(filters_from(args), args["page"], args["per_page"]))


@blp.route("", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(PledgeInputSchema)
@blp.response(201, PledgeDetailSchema)
@blp.doc(parameters=[{
    "in": "header", "name": IDEMPOTENCY_HEADER, "required": False,
    "description": "Any 1 to 100 printable ASCII characters chosen by the client (e.g. a UUID); a retry with the "
                   "same key answers the pledge recorded the first time instead of recording another.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": IDEMPOTENCY_PATTERN},
    "example": "3f2b9c1e-7a4d-4e8b-9c0a-5d6e7f8a9b0c"}])
def make_pledge(data):
    """Pledge money, goods or a service. Send an Idempotency-Key header to make retries safe:
    the same key with the same values answers as the first time (201, the pledge recorded then); the same
    key with other values is refused (422, `idempotency_key_reused`). A key is yours alone."""
    pledge, _created = services.make_pledge(actor(), data, _idempotency_key())
    return detailed(pledge)


@blp.route("/<id:pledge_id>")
@allow(ANYONE)
@blp.response(200, PledgeDetailSchema)
def get_pledge(pledge_id):
    """One pledge, with its deliveries.

    The donor's contact is shown only to the receiving organization, the donor and staff."""
    return detailed(services.get_pledge(actor(), pledge_id))


@blp.route("/<id:pledge_id>/commit", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, PledgeDetailSchema)
def commit_pledge(pledge_id):
    """Commit a pledge: the donor confirms it will be delivered.

    Only a pledge in the 'pledged' state can be committed (409 otherwise)."""
    return detailed(services.commit_pledge(actor(), services.get_pledge(actor(), pledge_id)))


@blp.route("/<id:pledge_id>/cancel", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(CancelSchema)
@blp.response(200, PledgeDetailSchema)
def cancel_pledge(data, pledge_id):
    """Cancel a pledge, with the reason.

    A delivered or cancelled pledge cannot be cancelled (409)."""
    return detailed(services.cancel_pledge(actor(), services.get_pledge(actor(), pledge_id), data["reason"]))


@blp.route("/<id:pledge_id>/deliveries", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(DeliveryInputSchema)
@blp.response(201, DeliverySchema)
def record_delivery(data, pledge_id):
    """The receiving organization confirms a (possibly partial) delivery."""
    return services.record_delivery(actor(), services.get_pledge(actor(), pledge_id), data)


@blp.route("/export.csv")
@allow(ANYONE)
@blp.arguments(PledgeArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
def export_pledges(args):
    """CSV with an HXL hashtag row, with the same filters as the list."""
    return csv_response(pledges_csv(services.all_pledges(filters_from(args))), "pledges.csv")


@blp.route("/totals")
@allow(ANYONE)
@blp.response(200, TotalsSchema)
def totals():
    """Money per currency, goods per unit, and a total converted to the reporting currency naming its rates."""
    return response_totals()


@rates_blp.route("")
@allow(ANYONE)
@rates_blp.response(200, ExchangeRateSchema(many=True))
@rates_blp.paginate(ListPager)
def list_rates():
    """Exchange rates kept by coordinators.

    The rate of each currency to the reporting currency, with its source and date; used for converted totals."""
    return rates.list_rates()


@rates_blp.route("", methods=["POST"])
@allow(STAFF)
@rates_blp.arguments(ExchangeRateInputSchema)
@rates_blp.response(201, ExchangeRateSchema)
def set_rate(data):
    """Record an exchange rate.

    Coordinators and admins; the rate (a decimal string) converts one unit of the currency into the
    reporting currency."""
    return rates.set_rate(actor(), data)

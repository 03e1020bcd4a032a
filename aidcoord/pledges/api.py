"""JSON API for pledges, deliveries, exchange rates and totals."""
from flask import request
from flask_babel import lazy_gettext as _l

from aidcoord.common.api import Blueprint
from aidcoord.common.csv_export import csv_response
from aidcoord.common.pagination import envelope
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


def filters_from(args) -> services.PledgeFilters:
    return services.PledgeFilters(
        need_id=args.get("need_id"), organization_id=args.get("organization_id"),
        state=PledgeState(args["state"]) if args.get("state") else None, currency=args.get("currency"),
        pledged_by_id=actor().id if args.get("mine") and actor() else None,
    )


def detailed(pledge):
    pledge.donor_contact = services.donor_contact(actor(), pledge) if actor() else None
    return pledge


def _idempotency_key() -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 100 or not key.isprintable():
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
def make_pledge(data):
    """Pledge money, goods or a service. Send an Idempotency-Key header to make retries safe:
    the same key returns the pledge recorded the first time."""
    pledge, _created = services.make_pledge(actor(), data, _idempotency_key())
    return detailed(pledge)


@blp.route("/<id:pledge_id>")
@allow(ANYONE)
@blp.response(200, PledgeDetailSchema)
def get_pledge(pledge_id):
    return detailed(services.get_pledge(actor(), pledge_id))


@blp.route("/<id:pledge_id>/commit", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, PledgeDetailSchema)
def commit_pledge(pledge_id):
    return detailed(services.commit_pledge(actor(), services.get_pledge(actor(), pledge_id)))


@blp.route("/<id:pledge_id>/cancel", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(CancelSchema)
@blp.response(200, PledgeDetailSchema)
def cancel_pledge(data, pledge_id):
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
def list_rates():
    return rates.list_rates()


@rates_blp.route("", methods=["POST"])
@allow(STAFF)
@rates_blp.arguments(ExchangeRateInputSchema)
@rates_blp.response(201, ExchangeRateSchema)
def set_rate(data):
    return rates.set_rate(actor(), data)

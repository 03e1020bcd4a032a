"""Pledge pages: make, follow, commit, cancel, confirm deliveries; totals; exchange rates; a need's pledges."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aidcoord.common.csv_export import csv_response
from aidcoord.common.forms import flash_error, show_service_errors
from aidcoord.common.permissions import ANYONE, SIGNED_IN, STAFF, actor, allow
from aidcoord.common.types import today
from aidcoord.errors import ValidationFailed
from aidcoord.needs.models import Need, Unit
from aidcoord.pledges import forms, rates, services
from aidcoord.pledges.coverage import response_totals
from aidcoord.pledges.exports import pledges_csv

bp = Blueprint("pledges", __name__)


@bp.route("/pledges")
@allow(ANYONE)
def list_pledges():
    mine = request.args.get("mine") == "1" and current_user.is_authenticated
    filters = services.PledgeFilters(pledged_by_id=current_user.id if mine else None)
    page = services.list_pledges(filters, max(1, min(request.args.get("page", 1, type=int), 100_000)), as_records=True)
    return render_template("pledges/list.html", page=page, mine=mine, totals=response_totals(),
                           unit_label=lambda code: Unit(code).label)


@bp.route("/pledges/export.csv")
@allow(ANYONE)
def export_pledges():
    return csv_response(pledges_csv(services.all_pledges(services.PledgeFilters())), "pledges.csv")


@bp.route("/pledges/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def make_pledge():
    form = forms.PledgeForm(need_id=request.args.get("need_id", ""))
    form.set_donor_choices(current_user)
    if form.validate_on_submit():
        try:
            pledge, _created = services.make_pledge(actor(), form.service_data())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Thank you. Your pledge is recorded."), "success")
            return redirect(url_for("pledges.detail", pledge_id=pledge.id))
    return render_template("pledges/form.html", form=form), 200 if request.method == "GET" else 422


@bp.route("/pledges/<id:pledge_id>")
@allow(ANYONE)
def detail(pledge_id):
    pledge = services.get_pledge(actor(), pledge_id)
    contact = services.donor_contact(current_user, pledge) if current_user.is_authenticated else None
    return render_template(
        "pledges/detail.html", pledge=pledge, contact=contact,
        donor_side=services.is_donor_side(actor(), pledge), receiving_side=services.is_receiving_side(actor(), pledge),
        delivery_form=forms.DeliveryForm(delivered_on=today()), cancel_form=forms.CancelForm(),
    )


@bp.route("/pledges/<id:pledge_id>/commit", methods=["POST"])
@allow(SIGNED_IN)
def commit(pledge_id):
    services.commit_pledge(actor(), services.get_pledge(actor(), pledge_id))
    flash(_("The pledge is committed."), "success")
    return redirect(url_for("pledges.detail", pledge_id=pledge_id))


@bp.route("/pledges/<id:pledge_id>/cancel", methods=["POST"])
@allow(SIGNED_IN)
def cancel(pledge_id):
    form = forms.CancelForm()
    if form.validate_on_submit():
        services.cancel_pledge(actor(), services.get_pledge(actor(), pledge_id), form.reason.data or "")
        flash(_("The pledge is cancelled."), "success")
    else:
        flash(_("Give the reason for the cancellation."), "error")
    return redirect(url_for("pledges.detail", pledge_id=pledge_id))


@bp.route("/pledges/<id:pledge_id>/deliveries", methods=["POST"])
@allow(SIGNED_IN)
def record_delivery(pledge_id):
    pledge = services.get_pledge(actor(), pledge_id)
    form = forms.DeliveryForm()
    if form.validate_on_submit():
        data = {"delivered_on": form.delivered_on.data, "amount": form.amount.data, "quantity": form.quantity.data,
                "note": form.note.data, "final": form.final.data}
        try:
            services.record_delivery(actor(), pledge, data)
        except ValidationFailed as error:
            flash_error(error)
        except services.OverDelivery as error:
            flash(str(error.message), "error")
        else:
            flash(_("The delivery is confirmed."), "success")
    else:
        flash(" ".join(str(m) for messages in form.errors.values() for m in messages), "error")
    return redirect(url_for("pledges.detail", pledge_id=pledge_id))


@bp.route("/exchange-rates")
@allow(ANYONE)
def exchange_rates():
    staff = current_user.is_authenticated and current_user.is_staff
    return _rates_page(forms.RateForm(valid_on=today()) if staff else None)


@bp.route("/exchange-rates", methods=["POST"])
@allow(STAFF)
def record_rate():
    form = forms.RateForm()
    if form.validate_on_submit():
        try:
            fields = ("currency", "rate", "valid_on", "source")
            rates.set_rate(actor(), {field: getattr(form, field).data for field in fields})
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("The rate is recorded."), "success")
            return redirect(url_for("pledges.exchange_rates"))
    return _rates_page(form, 422)


def _rates_page(form, status=200):
    return render_template("pledges/rates.html", form=form, rates=rates.list_rates(),
                           reporting_currency=rates.reporting_currency()), status


def need_section(need: Need) -> dict[str, object]:
    """What a need's page shows of its pledges (added to the needs slice's page by the app factory)."""
    pledge_form = forms.PledgeForm(need_id=need.id, contribution="money" if need.is_cash else "in_kind",
                                   unit=need.unit.value if need.unit else "", currency=need.currency or "")
    if current_user.is_authenticated:
        pledge_form.set_donor_choices(current_user)
    return {"need": need, "pledges": services.all_pledges(services.PledgeFilters(need_id=need.id)),
            "pledge_form": pledge_form}

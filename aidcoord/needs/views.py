"""Needs pages: list, post, detail with coverage and pledges, edit, end, import, export."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from aidcoord.common.forms import ImportConfirmForm, ImportForm, show_service_errors
from aidcoord.common.permissions import actor
from aidcoord.errors import PermissionDenied, ValidationFailed
from aidcoord.needs import forms, imports, services
from aidcoord.needs.models import NeedState, Urgency
from aidcoord.organizations import services as organizations
from aidcoord.organizations.models import Sector
from aidcoord.pledges import services as pledges
from aidcoord.pledges.coverage import coverage_of
from aidcoord.pledges.forms import PledgeForm
from aidcoord.reports.exports import csv_response, needs_csv

bp = Blueprint("needs", __name__)


def _filters(form) -> services.NeedFilters:
    if not form.validate():
        return services.NeedFilters()
    return services.NeedFilters(
        sector=Sector(form.sector.data) if form.sector.data else None,
        urgency=Urgency(form.urgency.data) if form.urgency.data else None,
        state=NeedState(form.state.data) if form.state.data else None,
        region=form.region.data or None,
        organization_id=request.args.get("organization_id", type=int),
    )


@bp.route("/needs")
def list_needs():
    form = forms.NeedFilterForm(request.args)
    page = services.list_needs(_filters(form), max(1, min(request.args.get("page", 1, type=int), 100_000)))
    coverage = {need.id: coverage_of(need) for need in page.items}
    return render_template("needs/list.html", form=form, page=page, coverage=coverage)


@bp.route("/needs/export.csv")
def export_needs():
    return csv_response(needs_csv(services.all_needs(_filters(forms.NeedFilterForm(request.args)))), "needs.csv")


def _postable_organizations():
    """Verified organizations the user may post needs for (staff: any)."""
    if current_user.is_staff:
        return organizations.all_verified()
    return [org for org in organizations.organizations_of(current_user) if org.is_verified]


@bp.route("/needs/new", methods=["GET", "POST"])
@login_required
def post_need():
    form = forms.NeedForm(organization_id=request.args.get("organization_id", type=int))
    choices = _postable_organizations()
    if not choices:
        flash(_("Needs are posted by members of verified organizations."), "error")
        return redirect(url_for("organizations.directory"))
    form.organization_id.choices = [(org.id, org.name) for org in choices]
    if form.validate_on_submit():
        try:
            organization = organizations.get_organization(actor(), form.organization_id.data)
            need = services.post_need(actor(), organization, form.service_data())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("The need is listed."), "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    return render_template("needs/form.html", form=form, need=None)


@bp.route("/needs/<id:need_id>")
def detail(need_id):
    need = services.get_need(actor(), need_id)
    pledge_form = PledgeForm(need_id=need.id, contribution="money" if need.is_cash else "in_kind",
                             unit=need.unit.value if need.unit else "", currency=need.currency or "")
    if current_user.is_authenticated:
        pledge_form.set_donor_choices(current_user)
    return render_template(
        "needs/detail.html", need=need, coverage=coverage_of(need),
        pledges=pledges.all_pledges(pledges.PledgeFilters(need_id=need.id)),
        can_manage=services.can_manage(actor(), need), pledge_form=pledge_form, end_form=forms.EndNeedForm(),
    )


@bp.route("/needs/<id:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id):
    need = services.get_need(actor(), need_id)
    if not services.can_manage(actor(), need):
        raise PermissionDenied()
    form = forms.NeedForm(obj=need)
    form.organization_id.choices = [(need.organization.id, need.organization.name)]
    if request.method == "GET":
        form.organization_id.data = need.organization_id
        for name in ("sector", "unit", "urgency"):
            value = getattr(need, name)
            getattr(form, name).data = value.value if value else ""
        form.amount.data = need.amount
    if form.validate_on_submit():
        try:
            services.update_need(actor(), need, form.service_data())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("needs.detail", need_id=need.id))
    return render_template("needs/form.html", form=form, need=need)


@bp.route("/needs/<id:need_id>/end", methods=["POST"])
@login_required
def end(need_id):
    need = services.get_need(actor(), need_id)
    form = forms.EndNeedForm()
    if form.validate_on_submit():
        services.end_need(actor(), need, NeedState(form.outcome.data), form.reason.data)
        flash(_("The need is no longer listed as open."), "success")
    else:
        flash(_("Give a reason."), "error")
    return redirect(url_for("needs.detail", need_id=need.id))


@bp.route("/organizations/<id:organization_id>/needs/import", methods=["GET", "POST"])
@login_required
def import_needs(organization_id):
    organization = organizations.get_editable_organization(actor(), organization_id)
    form = ImportForm()
    preview = confirm = None
    if form.validate_on_submit() and (text := form.text()) is not None:
        preview = imports.preview_needs_import(actor(), organization, text)
        confirm = ImportConfirmForm(csv_text=text) if preview.is_valid else None
    return _import_page(organization, form, preview, confirm)


def _import_page(organization, form, preview, confirm, status=200):
    return render_template(
        "import.html", title=_("Import needs for %(name)s", name=organization.name), form=form, preview=preview,
        confirm=confirm, columns=imports.COLUMNS,
        confirm_action=url_for("needs.confirm_import", organization_id=organization.id)), status


@bp.route("/organizations/<id:organization_id>/needs/import/confirm", methods=["POST"])
@login_required
def confirm_import(organization_id):
    organization = organizations.get_editable_organization(actor(), organization_id)
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("needs.import_needs", organization_id=organization.id))
    try:
        created = imports.import_needs(actor(), organization, form.csv_text.data)
    except imports.ImportRejected as error:
        return _import_page(organization, ImportForm(), error.preview, None, 422)
    flash(_("%(count)d needs were imported.", count=len(created)), "success")
    return redirect(url_for("needs.list_needs", organization_id=organization.id))

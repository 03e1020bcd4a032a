"""Needs pages: list, post, detail with coverage (and what pledges add to it), edit, end, import, export."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from aidcoord.common.csv_export import csv_response
from aidcoord.common.forms import ImportConfirmForm, ImportForm, show_service_errors
from aidcoord.common.permissions import ANYONE, SIGNED_IN, actor, allow
from aidcoord.common.sections import PageSections
from aidcoord.common.web import id_arg
from aidcoord.errors import PermissionDenied, ValidationFailed
from aidcoord.needs import forms, imports, services
from aidcoord.needs.coverage import coverage_of
from aidcoord.needs.exports import needs_csv
from aidcoord.needs.models import Need, NeedState, Urgency
from aidcoord.organizations import services as organizations
from aidcoord.organizations.models import Sector

bp = Blueprint("needs", __name__)

# What slices above needs show on a need's page (its pledges and the form to pledge): needs never imports
# them; the app factory adds them here.
need_sections: PageSections[Need] = PageSections()


def _filters(form) -> services.NeedFilters:
    if not form.validate():
        return services.NeedFilters()
    return services.NeedFilters(
        sector=Sector(form.sector.data) if form.sector.data else None,
        urgency=Urgency(form.urgency.data) if form.urgency.data else None,
        state=NeedState(form.state.data) if form.state.data else None,
        region=form.region.data or None,
        organization_id=id_arg("organization_id"),
    )


@bp.route("/needs")
@allow(ANYONE)
def list_needs():
    form = forms.NeedFilterForm(request.args)
    page = services.list_needs(_filters(form), max(1, min(request.args.get("page", 1, type=int), 100_000)))
    coverage = {need.id: coverage_of(need) for need in page.items}
    return render_template("needs/list.html", form=form, page=page, coverage=coverage)


@bp.route("/needs/export.csv")
@allow(ANYONE)
def export_needs():
    return csv_response(needs_csv(services.all_needs(_filters(forms.NeedFilterForm(request.args)))), "needs.csv")


def _postable_organizations():
    """Verified organizations the user may post needs for (staff: any)."""
    if current_user.is_staff:
        return organizations.all_verified()
    return [org for org in organizations.organizations_of(current_user) if org.is_verified]


@bp.route("/needs/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def post_need():
    form = forms.NeedForm(organization_id=id_arg("organization_id"))
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
@allow(ANYONE)
def detail(need_id):
    need = services.get_need(actor(), need_id)
    return render_template(
        "needs/detail.html", need=need, coverage=coverage_of(need), sections=need_sections.render(need),
        can_manage=services.can_manage(actor(), need), end_form=forms.EndNeedForm(),
    )


@bp.route("/needs/<id:need_id>/edit", methods=["GET", "POST"])
@allow(SIGNED_IN)
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
        form.amount.data = None if need.amount is None else str(need.amount)
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
@allow(SIGNED_IN)
def end(need_id):
    need = services.get_need(actor(), need_id)
    form = forms.EndNeedForm()
    if form.validate_on_submit():
        services.end_need(actor(), need, NeedState(form.outcome.data), form.reason.data or "")
        flash(_("The need is no longer listed as open."), "success")
    else:
        flash(_("Give a reason."), "error")
    return redirect(url_for("needs.detail", need_id=need.id))


@bp.route("/organizations/<id:organization_id>/needs/import", methods=["GET", "POST"])
@allow(SIGNED_IN)
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
@allow(SIGNED_IN)
def confirm_import(organization_id):
    organization = organizations.get_editable_organization(actor(), organization_id)
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("needs.import_needs", organization_id=organization.id))
    try:
        created = imports.import_needs(actor(), organization, form.csv_text.data or "")
    except imports.ImportRejected as error:
        return _import_page(organization, ImportForm(), error.preview, None, 422)
    flash(ngettext("%(num)d need was imported.", "%(num)d needs were imported.", len(created)), "success")
    return redirect(url_for("needs.list_needs", organization_id=organization.id))

"""Arrivals pages: the reported counts, a form and a CSV import for coordinators."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from aidcoord.arrivals import imports, services
from aidcoord.arrivals.forms import ArrivalForm
from aidcoord.common.forms import ImportConfirmForm, ImportForm, show_service_errors
from aidcoord.common.permissions import ANYONE, STAFF, actor, allow, is_staff
from aidcoord.errors import ValidationFailed

bp = Blueprint("arrivals", __name__)


@bp.route("/arrivals")
@allow(ANYONE)
def list_arrivals():
    return _page(ArrivalForm() if is_staff(actor()) else None)


def _page(form, status=200):
    return render_template("arrivals/list.html", form=form, reports=services.list_reports(),
                           days=services.daily_series()), status


@bp.route("/arrivals", methods=["POST"])
@allow(STAFF)
def record_arrivals():
    form = ArrivalForm()
    if form.validate_on_submit():
        try:
            services.record_report(actor(), {name: getattr(form, name).data
                                             for name in ("reported_at", "cumulative_arrivals", "source")})
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("The count was recorded."), "success")
            return redirect(url_for("arrivals.list_arrivals"))
    return _page(form, 422)


@bp.route("/arrivals/import", methods=["GET", "POST"])
@allow(STAFF)
def import_arrivals():
    form = ImportForm()
    preview = confirm = None
    if form.validate_on_submit() and (text := form.text()) is not None:
        preview = imports.preview_arrivals_import(actor(), text)
        confirm = ImportConfirmForm(csv_text=text) if preview.is_valid else None
    return _import_page(form, preview, confirm)


def _import_page(form, preview, confirm, status=200):
    return render_template("import.html", title=_("Import reported arrivals"), form=form, preview=preview,
                           confirm=confirm, columns=imports.COLUMNS,
                           confirm_action=url_for("arrivals.confirm_import")), status


@bp.route("/arrivals/import/confirm", methods=["POST"])
@allow(STAFF)
def confirm_import():
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("arrivals.import_arrivals"))
    try:
        created = imports.import_arrivals(actor(), form.csv_text.data or "")
    except imports.ImportRejected as error:
        return _import_page(ImportForm(), error.preview, None, 422)
    flash(ngettext("%(num)d count was imported.", "%(num)d counts were imported.", len(created)), "success")
    return redirect(url_for("arrivals.list_arrivals"))

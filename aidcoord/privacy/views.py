"""Pages: a person's own data (download, erasure) and, for coordinators, the erasures that wait."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from aidcoord.common.csv_export import csv_response
from aidcoord.common.permissions import SIGNED_IN, STAFF, allow
from aidcoord.privacy import services
from aidcoord.privacy.forms import ErasureForm
from aidcoord.privacy.models import ErasureState

bp = Blueprint("privacy", __name__)


def account_section(user):
    """The account page's link to the person's own data."""
    return {"pending_erasure": services.pending_erasure(user)}


def _my_data_page(form: ErasureForm, status: int = 200):
    return render_template("privacy/my_data.html", form=form,
                           pending=services.pending_erasure(current_user)), status


@bp.route("/account/my-data")
@allow(SIGNED_IN)
def my_data():
    return _my_data_page(ErasureForm())


@bp.route("/account/my-data/export")
@allow(SIGNED_IN)
def export_my_data():
    file_format = request.args.get("format", "json")
    if file_format not in ("json", "csv"):
        abort(404)
    data = services.export_personal_data(current_user)
    if file_format == "csv":
        return csv_response(services.export_as_csv(data), "my-data.csv")
    response = jsonify(data)
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@bp.route("/account/my-data/erasure", methods=["POST"])
@allow(SIGNED_IN)
def request_erasure():
    form = ErasureForm()
    if not form.validate_on_submit():
        return _my_data_page(form, 422)
    erasure = services.request_erasure(current_user)
    if erasure.state is ErasureState.DONE:
        logout_user()
        flash(_("Your personal data was erased and your account closed."), "success")
        return redirect(url_for("main.home"))
    flash(_("Your request is recorded. It waits for what is under way to end; it is then carried out."), "success")
    return redirect(url_for("privacy.my_data"))


@bp.route("/privacy/erasure-requests")
@allow(STAFF)
def waiting_erasures():
    return render_template("privacy/erasure_requests.html", requests=services.waiting_erasures())

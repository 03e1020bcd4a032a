"""Housing pages: offers, vetting, household registration, the queue, proposals and placements."""

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from aidcoord.accounts.forms import ConfirmForm
from aidcoord.common.csv_import import ImportRejected
from aidcoord.common.forms import ImportConfirmForm, ImportForm, flash_error, show_service_errors
from aidcoord.common.permissions import SIGNED_IN, STAFF, actor, allow
from aidcoord.common.types import today as local_today
from aidcoord.common.web import id_arg
from aidcoord.errors import DomainError, ValidationFailed
from aidcoord.housing import (
    batch_runs,
    engine,
    forms,
    households,
    import_runs,
    imports,
    offers,
    privacy,
    safeguarding,
)
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import VettingState
from aidcoord.matching import queue
from aidcoord.matching import services as matches
from aidcoord.matching.endpoints import QueuePages, add_queue_pages
from aidcoord.matching.models import QueueKind
from aidcoord.organizations import services as organizations

bp = Blueprint("housing", __name__, url_prefix="/housing")


@bp.route("/offers")
@allow(SIGNED_IN)
def list_offers():
    state = request.args.get("state", "")
    known = {s.value for s in VettingState}
    filters = offers.OfferFilters(vetting_state=VettingState(state) if state in known else None)
    page = offers.list_offers(current_user, filters, max(1, min(request.args.get("page", 1, type=int), 100_000)))
    return render_template("housing/offers.html", page=page, states=VettingState, state=state,
                           proposals=matches.matches_for_answerer(current_user, QueueKind.HOUSING))


@bp.route("/offers/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def new_offer():
    form = forms.OfferForm(available_from=local_today())
    if form.validate_on_submit():
        try:
            offer = offers.create_offer(actor(), form.service_data(),
                                        organization_id=id_arg("organization_id"))
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Thank you. A coordinator will check the offer before proposing anyone."), "success")
            return redirect(url_for("housing.offer_detail", offer_id=offer.id))
    return render_template("housing/offer_form.html", form=form, offer=None)


@bp.route("/offers/<id:offer_id>")
@allow(SIGNED_IN)
def offer_detail(offer_id):
    offer = offers.record_view(actor(), offers.get_offer(actor(), offer_id))
    return render_template("housing/offer_detail.html", offer=offer, vet_form=forms.VetForm(),
                           withdraw_form=forms.ReasonForm(),
                           placements=matches.holding_matches(QueueKind.HOUSING, offer.id))


@bp.route("/offers/<id:offer_id>/edit", methods=["GET", "POST"])
@allow(SIGNED_IN)
def edit_offer(offer_id):
    offer = offers.get_offer(actor(), offer_id)
    form = forms.OfferForm(obj=offer)
    if request.method == "GET":
        offers.record_view(actor(), offer)  # the form shows the address and notes
        form.languages.data = list(offer.languages)
        form.rent_amount.data = offer.rent
    status = 200
    if form.validate_on_submit():
        try:
            offers.update_offer(actor(), offer, form.service_data())
        except (ValidationFailed, matches.CapacityInUse) as error:  # fewer beds than taken: 409, on the field
            show_service_errors(form, error)
            status = error.status
        else:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("housing.offer_detail", offer_id=offer.id))
    return render_template("housing/offer_form.html", form=form, offer=offer), status


@bp.route("/offers/<id:offer_id>/vet", methods=["POST"])
@allow(STAFF)
def vet_offer(offer_id):
    offer = offers.get_offer(actor(), offer_id)
    form = forms.VetForm()
    if form.validate_on_submit():
        offers.vet_offer(actor(), offer, VettingState(form.decision.data), form.note.data or "")
        flash(_("The decision is recorded."), "success")
    else:
        flash(_("Say how the offer was checked, or why it is rejected."), "error")
    return redirect(url_for("housing.offer_detail", offer_id=offer.id))


@bp.route("/offers/<id:offer_id>/withdraw", methods=["POST"])
@allow(SIGNED_IN)
def withdraw_offer(offer_id):
    offer = offers.get_offer(actor(), offer_id)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        try:
            offers.withdraw_offer(actor(), offer, form.reason.data or "")
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("The offer is withdrawn."), "success")
    return redirect(url_for("housing.offer_detail", offer_id=offer.id))


@bp.route("/households/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def register_household():
    form = forms.HouseholdForm(needed_from=local_today())
    for_self = not households.can_register_for_others(current_user)
    if form.validate_on_submit():
        try:
            household = households.register_household(actor(), form.service_data(), for_self=for_self)
        except ValidationFailed as error:
            show_service_errors(form, error)
        except households.TooManyRegistrations as error:
            form.form_errors.append(str(error.message))
            return (render_template("housing/household_form.html", form=form, for_self=for_self), error.status,
                    error.headers)
        else:
            if households.duplicate_shown_to(actor(), household):
                flash(_("Registered. A similar open request exists; a coordinator will check whether they are "
                        "the same."),
                      "error")
            else:
                flash(_("The household is registered and in the queue."), "success")
            return redirect(url_for("housing.household_detail", household_id=household.id))
    return render_template("housing/household_form.html", form=form, for_self=for_self)


@bp.route("/households/<id:household_id>")
@allow(SIGNED_IN)
def household_detail(household_id):
    household = households.get_household(actor(), household_id)
    return render_template("housing/household_detail.html", household=household,
                           contact=households.contact_details(actor(), household),
                           entry=queue.entry_for(QueueKind.HOUSING, household.id),
                           matches=matches.matches_for_subject(QueueKind.HOUSING, household.id),
                           priority_form=forms.PriorityForm(), confirm_form=ConfirmForm(),
                           awaits_confirmation=households.awaits_confirmation(household),
                           may_confirm=households.may_confirm_vulnerability(actor(), household),
                           duplicates=households.possible_duplicates(actor(), household)
                           if households.may_review_duplicates(actor(), household) else [])


@bp.route("/households/<id:household_id>/confirm-vulnerability", methods=["POST"])
@allow(SIGNED_IN)
def confirm_vulnerability(household_id):
    household = households.get_household(actor(), household_id)
    if ConfirmForm().validate_on_submit():
        try:
            households.confirm_vulnerability(actor(), household)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Confirmed: what the household declared now counts towards its priority."), "success")
    return redirect(url_for("housing.household_detail", household_id=household.id))


@bp.route("/households/<id:household_id>/priority", methods=["POST"])
@allow(STAFF)
def raise_priority(household_id):
    household = households.get_household(actor(), household_id)
    form = forms.PriorityForm()
    if form.validate_on_submit() and form.points.data is not None:  # DataRequired: never None once valid
        households.raise_priority(actor(), household, form.points.data, form.reason.data or "")
        flash(_("The priority is raised; the queue place follows."), "success")
    else:
        flash(_("Give the points and the reason."), "error")
    return redirect(url_for("housing.household_detail", household_id=household.id))


@bp.route("/households/<id:household_id>/<any(merge, keep_apart):decision>", methods=["POST"])
@allow(SIGNED_IN)
def resolve_duplicate(household_id, decision):
    household = households.get_household(actor(), household_id)
    if ConfirmForm().validate_on_submit():
        try:
            # ?other=<id>: the household chosen on the page; none: the one flagged at registration
            households.resolve_duplicate(actor(), household, merge=decision == "merge",
                                         other_id=request.args.get("other", type=int))
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Merged into the other request, which keeps its place.") if decision == "merge"
                  else _("Kept as a separate request."), "success")
    return redirect(url_for("housing.household_detail", household_id=household.id))


add_queue_pages(bp, QueuePages(
    kind=QueueKind.HOUSING, queue_template="housing/queue.html", entry_template="housing/entry.html",
    rows=housing_matching.with_households,
    entry_context=lambda entry: _household_and_candidates(housing_matching.household_of(entry)),
    extra_context=lambda: {"duplicates": households.households_needing_review()}))


def _household_and_candidates(household) -> dict:
    return {"household": household, "candidates": engine.candidates(household)}


@bp.route("/batches")
@allow(STAFF)
def batches_page():
    """Recent batch runs, and the form that starts one (computed by a worker, never in this request)."""
    return render_template("housing/batches.html", runs=batch_runs.recent_runs(current_user),
                           form=forms.BatchRunForm())


@bp.route("/batches", methods=["POST"])
@allow(STAFF)
def start_batch():
    form = forms.BatchRunForm()
    if not form.validate_on_submit():
        return render_template("housing/batches.html", runs=batch_runs.recent_runs(current_user), form=form), 422
    try:
        run = batch_runs.start_run(actor(), form.region.data or None)
    except DomainError as error:
        flash_error(error)
        return redirect(url_for("housing.batches_page"))
    return redirect(url_for("housing.batch_run_page", run_id=run.id))


@bp.route("/batches/<id:run_id>")
@allow(STAFF)
def batch_run_page(run_id):
    """A run's progress (the page reloads itself until it is done), then its result for review."""
    run = batch_runs.get_run(current_user, run_id)
    return render_template("housing/batch_run.html", run=run, review=batch_runs.review(run),
                           confirm_form=ConfirmForm())


@bp.route("/batches/<id:run_id>/approve", methods=["POST"])
@allow(STAFF)
def approve_batch(run_id):
    run = batch_runs.get_run(current_user, run_id)
    if ConfirmForm().validate_on_submit():
        chosen = None if request.form.get("all") else [int(value) for value in request.form.getlist("entry_id")
                                                        if value.isascii() and value.isdigit() and len(value) < 10]
        try:
            outcome = batch_runs.approve(actor(), run, chosen)
        except DomainError as error:
            flash_error(error)
        else:
            flash(ngettext("%(num)d proposal made.", "%(num)d proposals made.", len(outcome.proposed)), "success")
            if outcome.skipped:
                flash(ngettext("%(num)d proposal could not be made any more.",
                               "%(num)d proposals could not be made any more.", len(outcome.skipped)), "error")
    return redirect(url_for("housing.batch_run_page", run_id=run_id))


@bp.route("/queue/<id:entry_id>/propose/<id:offer_id>", methods=["POST"])
@allow(STAFF)
def propose(entry_id, offer_id):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("housing.entry_page", entry_id=entry_id))
    try:
        match = housing_matching.propose_offer(actor(), housing_matching.get_entry(entry_id), offer_id)
    except DomainError as error:
        flash_error(error)
        return redirect(url_for("housing.entry_page", entry_id=entry_id))
    flash(ngettext("Proposed. The host has %(num)d hour to answer.", "Proposed. The host has %(num)d hours to answer.",
                   current_app.config["PROPOSAL_ANSWER_HOURS"]),
          "success")
    return redirect(url_for("housing.match_detail", match_id=match.id))


@bp.route("/matches/<id:match_id>")
@allow(SIGNED_IN)
def match_detail(match_id):
    view = privacy.match_view(current_user, housing_matching.get_match(match_id))
    return render_template("housing/match.html", reason_form=forms.ReasonForm(), confirm_form=ConfirmForm(),
                           incident_form=forms.IncidentForm(), **view)


@bp.route("/matches/<id:match_id>/<any(accept, decline, move_in, end):step>", methods=["POST"])
@allow(SIGNED_IN)
def match_step(match_id, step):
    match = housing_matching.get_match(match_id)
    privacy.ensure_can_view(current_user, match)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        try:
            if step == "accept":
                housing_matching.accept(actor(), match)
            elif step == "decline":
                housing_matching.decline(actor(), match, form.reason.data or "")
            elif step == "move_in":
                housing_matching.move_in(actor(), match)
            else:
                housing_matching.end(actor(), match, form.reason.data or "")
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Recorded."), "success")
    return redirect(url_for("housing.match_detail", match_id=match.id))


# ---- CSV imports -----------------------------------------------------------------------------

IMPORTS = {
    # kind: (title, columns, preview(actor, text, organization), write(actor, text, organization))
    "offers": (lambda org: _("Import housing offers for %(name)s", name=org.name), imports.OFFER_COLUMNS,
               lambda text, org: imports.preview_offers(actor(), org, text),
               lambda text, org: imports.import_offers(actor(), org, text)),
    # A registration list may hold HOUSEHOLD_IMPORT_MAX_ROWS rows: a worker registers it (confirm_import).
    "households": (lambda org: _("Import household requests"), imports.HOUSEHOLD_COLUMNS,
                   lambda text, org: imports.preview_households(actor(), text), None),
}


def _same_query() -> dict[str, Any]:
    """This page's query string (the organization), kept on the import's next step."""
    return request.args.to_dict()


def _import_organization(kind):
    organization_id = id_arg("organization_id")
    if kind == "offers" or organization_id is not None:
        return organizations.get_editable_organization(actor(), organization_id or 0)
    return None


@bp.route("/import/<any(offers, households):kind>", methods=["GET", "POST"])
@allow(SIGNED_IN)
def import_csv(kind):
    organization = _import_organization(kind)
    title, columns, check, _write = IMPORTS[kind]
    form = ImportForm()
    preview = confirm = None
    if form.validate_on_submit() and (text := form.text()) is not None:
        preview = check(text, organization)
        confirm = ImportConfirmForm(csv_text=text) if preview.is_valid else None
    return render_template("import.html", title=title(organization), form=form, preview=preview, confirm=confirm,
                           columns=columns,
                           confirm_action=url_for("housing.confirm_import", kind=kind, **_same_query()))


@bp.route("/import/<any(offers, households):kind>/confirm", methods=["POST"])
@allow(SIGNED_IN)
def confirm_import(kind):
    organization = _import_organization(kind)
    title, columns, _check, write = IMPORTS[kind]
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("housing.import_csv", kind=kind, **_same_query()))
    if write is None:  # households: queued for a worker, then followed on the import's page
        try:
            run = import_runs.start_import(actor(), (form.csv_text.data or "").encode("utf-8"),
                                           organization_id=organization.id if organization else None)
        except ValidationFailed as error:  # over the row cap, or an encoding not read
            flash_error(error)
            return redirect(url_for("housing.import_csv", kind=kind, **_same_query()))
        return redirect(url_for("housing.household_import_page", import_id=run.id))
    try:
        created = write(form.csv_text.data, organization)
    except ImportRejected as error:
        return render_template("import.html", title=title(organization), form=ImportForm(), preview=error.preview,
                               confirm=None, columns=columns, confirm_action=""), 422
    flash(ngettext("%(num)d row was imported.", "%(num)d rows were imported.", len(created)), "success")
    return redirect(url_for("housing.list_offers"))


@bp.route("/imports/<id:import_id>")
@allow(SIGNED_IN)
def household_import_page(import_id):
    """A registration list's progress (the page reloads itself until the worker is done), then its outcome:
    the households registered, or every problem (nothing registered)."""
    return render_template("housing/household_import.html", run=import_runs.get_import(actor(), import_id))


# ---- safeguarding ----------------------------------------------------------------------------

@bp.route("/safeguarding")
@allow(STAFF)
def safeguarding_page():
    """Check-ins due or missed, and incidents waiting for review."""
    return render_template("housing/safeguarding.html", checks=safeguarding.due_checks(current_user),
                           incidents=safeguarding.open_incidents(current_user), today=local_today(),
                           welfare_form=forms.WelfareForm(), review_form=forms.ReviewForm())


@bp.route("/welfare-checks/<id:check_id>", methods=["POST"])
@allow(STAFF)
def record_welfare_check(check_id):
    form = forms.WelfareForm()
    if form.validate_on_submit():
        try:
            safeguarding.record_check(actor(), safeguarding.get_check(check_id), form.outcome.data,
                                      form.note.data or "")
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Recorded."), "success")
    return redirect(url_for("housing.safeguarding_page"))


@bp.route("/matches/<id:match_id>/incidents", methods=["POST"])
@allow(SIGNED_IN)
def report_incident(match_id):
    form = forms.IncidentForm()
    if form.validate_on_submit():
        safeguarding.report_incident(actor(), housing_matching.get_match(match_id), form.description.data or "")
        flash(_("Thank you. A coordinator will review the report."), "success")
    else:
        flash(_("Describe what happened."), "error")
    return redirect(url_for("housing.match_detail", match_id=match_id))


@bp.route("/incidents/<id:incident_id>/review", methods=["POST"])
@allow(STAFF)
def review_incident(incident_id):
    form = forms.ReviewForm()
    if form.validate_on_submit():
        safeguarding.review_incident(actor(), safeguarding.get_incident(incident_id), form.note.data or "",
                                     end_placement=form.end_placement.data, suspend_host=form.suspend_host.data)
        flash(_("The review is recorded."), "success")
    else:
        flash(_("Write what was decided."), "error")
    return redirect(url_for("housing.safeguarding_page"))

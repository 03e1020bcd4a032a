"""Job pages: the public board, posting and moderating listings, seeker profiles, the jobs queue,
applications and hires. Every rule lives in the jobs services."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from aidcoord.accounts.forms import ConfirmForm
from aidcoord.accounts.models import Role
from aidcoord.common.forms import flash_error, show_service_errors
from aidcoord.common.permissions import ANYONE, SIGNED_IN, STAFF, actor, allow
from aidcoord.errors import DomainError, ValidationFailed
from aidcoord.extensions import limiter
from aidcoord.jobs import applications, engine, forms, listings, seekers
from aidcoord.jobs.models import ContractType
from aidcoord.matching import services as matches
from aidcoord.matching.endpoints import QueuePages, add_queue_pages
from aidcoord.matching.models import QueueKind
from aidcoord.organizations import services as organizations

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _run_step(step: str, actions: dict) -> None:
    """Run one button's action ('reject' posts a reason, the others a confirmation) and say how it went."""
    form = forms.ReasonForm() if step == "reject" else ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Give the reason."), "error")
        return
    try:
        actions[step](form.reason.data if step == "reject" else None)
    except DomainError as error:
        flash_error(error)
    else:
        flash(_("Recorded."), "success")


# ---- the board and listings ------------------------------------------------------------------

@bp.route("/")
@allow(ANYONE)
def board():
    form = forms.BoardFilterForm(request.args)
    filters = listings.BoardFilters()
    if form.validate():
        filters = listings.BoardFilters(
            region=form.region.data or None, sector=form.sector.data or None, language=form.language.data or None,
            text=form.q.data or None, remote={"yes": True, "no": False}.get(form.remote.data),
            contract_type=ContractType(form.contract_type.data) if form.contract_type.data else None)
    page = listings.board(filters, request.args.get("page", 1, type=int) or 1)
    return render_template("jobs/board.html", form=form, page=page)


@bp.route("/<id:listing_id>")
@allow(ANYONE)
def listing_detail(listing_id):
    return _listing_page(listings.get_listing(actor(), listing_id))


def _listing_page(listing, positions_form=None, status: int = 200):
    employer_side = listings.is_employer_side(actor(), listing)
    staff = current_user.is_authenticated and current_user.is_staff
    return render_template(
        "jobs/listing.html", listing=listing, employer_side=employer_side, staff=staff,
        applications=applications.for_listing(actor(), listing) if employer_side or staff else [],
        reports=listings.reports_on(actor(), listing) if staff else [],
        seeker=seekers.profile_of(current_user) if current_user.is_authenticated else None,
        confirm_form=ConfirmForm(), report_form=forms.ReportForm(), reason_form=forms.ReasonForm(),
        positions_form=positions_form or forms.PositionsForm(positions=listing.positions)), status


@bp.route("/<id:listing_id>/positions", methods=["POST"])
@allow(SIGNED_IN)
def change_positions(listing_id):
    """Fewer positions than people hired: the listing page again, the numbers on the field, with 409."""
    listing = listings.get_listing(actor(), listing_id)
    form = forms.PositionsForm()
    if not form.validate_on_submit():
        return _listing_page(listing, form, 422)
    try:
        listings.change_positions(actor(), listing, form.positions.data)
    except (ValidationFailed, matches.CapacityInUse) as error:
        show_service_errors(form, error)
        return _listing_page(listings.get_listing(actor(), listing_id), form, error.status)
    flash(_("The number of positions is changed."), "success")
    return redirect(url_for("jobs.listing_detail", listing_id=listing.id))


@bp.route("/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def post_listing():
    form = forms.ListingForm()
    verified = [org for org in organizations.organizations_of(current_user) if org.is_verified]
    as_employer = [("", _("Myself, as an employer"))] if current_user.has_role(Role.EMPLOYER) else []
    form.organization_id.choices = as_employer + [(str(org.id), org.name) for org in verified]
    if form.validate_on_submit():
        try:
            listing = listings.post_listing(actor(), form.service_data(),
                                            organization_id=int(form.organization_id.data or 0) or None)
        except ValidationFailed as error:
            show_service_errors(form, error)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Thank you. A coordinator reviews the listing before it appears on the board."), "success")
            return redirect(url_for("jobs.listing_detail", listing_id=listing.id))
    return render_template("jobs/listing_form.html", form=form)


@bp.route("/mine")
@allow(SIGNED_IN)
def my_listings():
    return render_template("jobs/mine.html", listings=listings.listings_of(current_user))


@bp.route("/review")
@allow(STAFF)
def review():
    return render_template("jobs/review.html", rows=listings.review_queue(actor()))


@bp.route("/<id:listing_id>/<any(publish, reject, close):step>", methods=["POST"])
@allow(SIGNED_IN)
def listing_step(listing_id, step):
    listing = listings.get_listing(actor(), listing_id)
    _run_step(step, {"publish": lambda _reason: listings.publish(actor(), listing),
                     "reject": lambda reason: listings.reject(actor(), listing, reason),
                     "close": lambda _reason: listings.close_listing(actor(), listing)})
    return redirect(url_for("jobs.listing_detail", listing_id=listing.id))


@bp.route("/<id:listing_id>/report", methods=["POST"])
@allow(ANYONE)
# One count per address for the page and the API (the same scope in jobs.api).
@limiter.shared_limit(lambda: current_app.config["REPORT_RATE_LIMIT"], scope="listing-report")
def report(listing_id):
    listing = listings.get_listing(actor(), listing_id)
    form = forms.ReportForm()
    if form.validate_on_submit():
        try:
            listings.report(actor(), listing, form.reason.data, form.details.data or "", address=request.remote_addr)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Thank you. A coordinator will check the listing."), "success")
            return redirect(url_for("jobs.board"))
    return redirect(url_for("jobs.listing_detail", listing_id=listing.id))


@bp.route("/<id:listing_id>/apply", methods=["POST"])
@allow(SIGNED_IN)
def apply(listing_id):
    listing = listings.get_listing(actor(), listing_id)
    seeker = seekers.profile_of(current_user)
    if seeker is None:
        flash(_("Create your job-seeker profile first."), "error")
        return redirect(url_for("jobs.my_profile"))
    if ConfirmForm().validate_on_submit():
        try:
            match = applications.apply(actor(), seeker, listing)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("You applied. The employer can now see your profile and contact."), "success")
            return redirect(url_for("jobs.application_detail", match_id=match.id))
    return redirect(url_for("jobs.listing_detail", listing_id=listing.id))


# ---- seekers ---------------------------------------------------------------------------------

@bp.route("/seekers/me", methods=["GET", "POST"])
@allow(SIGNED_IN)
def my_profile():
    seeker = seekers.profile_of(current_user)
    form = forms.SeekerForm()
    del form.household_id
    if request.method == "GET":
        if seeker is not None:
            form.fill_from(seeker)
        else:
            form.contact_name.data, form.contact_email.data = current_user.name, current_user.email
    if form.validate_on_submit():
        try:
            seeker = seekers.save_own_profile(current_user, form.service_data())
        except ValidationFailed as error:
            show_service_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("jobs.seeker_detail", seeker_id=seeker.id))
    return render_template("jobs/seeker_form.html", form=form, title=_("My job-seeker profile"))


@bp.route("/seekers/new", methods=["GET", "POST"])
@allow(SIGNED_IN)
def register_seeker():
    form = forms.SeekerForm()
    if form.validate_on_submit():
        try:
            data = {**form.service_data(), "household_id": form.household_id.data}
            seeker = seekers.register_for_other(actor(), data)
        except ValidationFailed as error:
            show_service_errors(form, error)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("The job seeker is registered."), "success")
            return redirect(url_for("jobs.seeker_detail", seeker_id=seeker.id))
    return render_template("jobs/seeker_form.html", form=form, title=_("Register a job seeker"))


@bp.route("/seekers/<id:seeker_id>")
@allow(SIGNED_IN)
def seeker_detail(seeker_id):
    seeker = seekers.get_seeker(actor(), seeker_id)
    score, reasons = seekers.priority(seeker)
    return render_template("jobs/seeker.html", seeker=seeker, contact=seekers.contact(actor(), seeker),
                           priority=score, priority_reasons=reasons, entry=seekers.queue_entry(seeker),
                           applications=applications.for_seeker(actor(), seeker), confirm_form=ConfirmForm())


@bp.route("/seekers/<id:seeker_id>/<any(help, leave):step>", methods=["POST"])
@allow(SIGNED_IN)
def seeker_queue(seeker_id, step):
    seeker = seekers.get_seeker(actor(), seeker_id)
    if ConfirmForm().validate_on_submit():
        try:
            if step == "help":
                seekers.ask_for_help(actor(), seeker)
            else:
                seekers.leave_queue(actor(), seeker)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Recorded."), "success")
    return redirect(url_for("jobs.seeker_detail", seeker_id=seeker.id))


# ---- the jobs queue --------------------------------------------------------------------------

def _seeker_and_candidates(entry) -> dict:
    seeker = applications.KIND.subject(entry.subject_id)
    return {"seeker": seeker, "candidates": engine.candidates(seeker)}


add_queue_pages(bp, QueuePages(kind=QueueKind.JOBS, queue_template="jobs/queue.html", entry_template="jobs/entry.html",
                               rows=seekers.with_seekers, entry_context=_seeker_and_candidates))


@bp.route("/queue/<id:entry_id>/refer/<id:listing_id>", methods=["POST"])
@allow(STAFF)
def refer(entry_id, listing_id):
    entry = applications.get_entry(entry_id)
    if ConfirmForm().validate_on_submit():
        try:
            match = applications.refer(actor(), entry, listing_id)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("Referred. The employer and the seeker are told."), "success")
            return redirect(url_for("jobs.application_detail", match_id=match.id))
    return redirect(url_for("jobs.entry_page", entry_id=entry.id))


@bp.route("/applications/<id:match_id>")
@allow(SIGNED_IN)
def application_detail(match_id):
    view = applications.application_view(actor(), applications.get_application(match_id))
    return render_template("jobs/application.html", **view, confirm_form=ConfirmForm(), reason_form=forms.ReasonForm())


@bp.route("/applications/<id:match_id>/<any(consent, interview, hire, reject, withdraw):step>", methods=["POST"])
@allow(SIGNED_IN)
def application_step(match_id, step):
    match = applications.get_application(match_id)
    applications.involvement(actor(), match)
    _run_step(step, {"consent": lambda _reason: applications.consent(actor(), match),
                     "interview": lambda _reason: applications.invite_to_interview(actor(), match),
                     "hire": lambda _reason: applications.hire(actor(), match),
                     "reject": lambda reason: applications.reject(actor(), match, reason),
                     "withdraw": lambda _reason: applications.withdraw(actor(), match)})
    return redirect(url_for("jobs.application_detail", match_id=match.id))

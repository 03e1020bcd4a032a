"""JSON API for jobs: the board, listings and their moderation, seekers, the jobs queue, applications."""
from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from aidcoord.common.api import Blueprint
from aidcoord.common.pagination import ListPager, envelope
from aidcoord.common.permissions import ANYONE, SIGNED_IN, STAFF, actor, allow
from aidcoord.common.schemas import PrioritySchema, ReasonSchema, RequiredReasonSchema
from aidcoord.errors import NotFound
from aidcoord.extensions import limiter
from aidcoord.housing import households
from aidcoord.jobs import applications, engine, listings, seekers
from aidcoord.jobs.models import ContractType
from aidcoord.jobs.schemas import (
    ApplicationItemSchema,
    ApplicationSchema,
    ApplySchema,
    BoardArgsSchema,
    JobQueueArgsSchema,
    JobQueueEntrySchema,
    JobQueuePageSchema,
    LeasedEntrySchema,
    ListingInputSchema,
    ListingPageSchema,
    ListingSchema,
    PositionsSchema,
    ReferSchema,
    ReportReceivedSchema,
    ReportSchema,
    SeekerForOtherInputSchema,
    SeekerInputSchema,
    SeekerSchema,
)
from aidcoord.matching.endpoints import QueueApi, add_queue_api
from aidcoord.matching.models import QueueKind

blp = Blueprint("jobs_api", __name__, url_prefix="/api/v1/jobs",
                description="Job listings, job seekers, referrals through the queue, applications and hires.")


# ---- listings --------------------------------------------------------------------------------

@blp.route("/listings")
@allow(ANYONE)
@blp.arguments(BoardArgsSchema, location="query")
@blp.response(200, ListingPageSchema)
def board(args):
    """The public job board: published, open listings; filter and search."""
    filters = listings.BoardFilters(
        region=args.get("region"), sector=args.get("sector"), language=args.get("language"),
        remote=args.get("remote"), text=args.get("q"),
        contract_type=ContractType(args["contract_type"]) if args.get("contract_type") else None)
    return envelope(listings.board(filters, args["page"], args["per_page"]))


@blp.route("/listings", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ListingInputSchema)
@blp.response(201, ListingSchema)
def post_listing(data):
    """Employers, or members of a verified organization; the listing waits for a coordinator."""
    return listings.post_listing(actor(), data, organization_id=data.pop("organization_id"))


@blp.route("/listings/mine")
@allow(SIGNED_IN)
@blp.response(200, ListingSchema(many=True))
@blp.paginate(ListPager)
def my_listings():
    """The listings you posted (or your organizations posted).

    In every state, newest first."""
    return listings.listings_of(current_user)


@blp.route("/listings/review")
@allow(STAFF)
@blp.response(200, ListingSchema(many=True))
@blp.paginate(ListPager)
def review_queue():
    """Listings waiting for review (new or reported), oldest first."""
    return [listing for listing, _reports in listings.review_queue(actor())]


@blp.route("/listings/<id:listing_id>")
@allow(ANYONE)
@blp.response(200, ListingSchema)
def get_listing(listing_id):
    """One job listing.

    Published listings are public; others are shown to their employer and staff."""
    return listings.get_listing(actor(), listing_id)


@blp.route("/listings/<id:listing_id>", methods=["PATCH"])
@allow(SIGNED_IN)
@blp.arguments(PositionsSchema)
@blp.response(200, ListingSchema)
@blp.alt_response(409, description="`capacity_in_use`: fewer positions than people hired (the numbers are in the "
                  "message and on `positions`), or the listing is closed; nothing is changed.")
def change_positions(data, listing_id):
    """The employer's side, or a coordinator, changes how many people the listing hires."""
    return listings.change_positions(actor(), listings.get_listing(actor(), listing_id), data["positions"])


@blp.route("/listings/<id:listing_id>/publish", methods=["POST"])
@allow(STAFF)
@blp.response(200, ListingSchema)
def publish(listing_id):
    """Publish a listing waiting for review.

    Coordinators and admins; a listing whose closing date passed cannot be published (409)."""
    return listings.publish(actor(), listings.get_listing(actor(), listing_id))


@blp.route("/listings/<id:listing_id>/reject", methods=["POST"])
@allow(STAFF)
@blp.arguments(RequiredReasonSchema)
@blp.response(200, ListingSchema)
def reject(data, listing_id):
    """Reject a listing, with the reason.

    Coordinators and admins; the reason is kept with the listing."""
    return listings.reject(actor(), listings.get_listing(actor(), listing_id), data["reason"])


@blp.route("/listings/<id:listing_id>/close", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ReasonSchema)
@blp.response(200, ListingSchema)
def close(data, listing_id):
    """Close a listing, optionally saying why.

    Its employer or staff; it leaves the board."""
    return listings.close_listing(actor(), listings.get_listing(actor(), listing_id), data["reason"])


@blp.route("/listings/<id:listing_id>/reports", methods=["POST"])
@allow(ANYONE)
# One count per address for the API and the page (the same scope in jobs.views).
@limiter.shared_limit(lambda: current_app.config["REPORT_RATE_LIMIT"], scope="listing-report")
@blp.arguments(ReportSchema)
@blp.response(201, ReportReceivedSchema)
def report(data, listing_id):
    """Anyone may report a listing as exploitative or a scam. It leaves the board once several distinct people
    reported it (LISTING_REPORTS_TO_HIDE) or a coordinator rejects it; a repeated report counts once."""
    listings.report(actor(), listings.get_listing(actor(), listing_id), data["reason"], data["details"],
                    address=request.remote_addr)
    return {"status": "received"}


@blp.route("/listings/<id:listing_id>/applications")
@allow(SIGNED_IN)
@blp.response(200, ApplicationItemSchema(many=True))
@blp.paginate(ListPager)
def listing_applications(listing_id):
    """For the employer: applications and referrals (no contact details here)."""
    return applications.for_listing(actor(), listings.get_listing(actor(), listing_id))


@blp.route("/listings/<id:listing_id>/applications", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ApplySchema)
@blp.response(201, ApplicationItemSchema)
@blp.alt_response(409, description="`capacity_taken`: every position is filled (the listing takes no more "
                  "applications until positions are added); `conflict`: an application is already under way. "
                  "Nothing is written.")
def apply(data, listing_id):
    """Apply with your own seeker profile (or, as a caseworker, with a seeker you registered)."""
    seeker = (seekers.get_seeker(actor(), data["seeker_id"]) if data["seeker_id"]
              else seekers.profile_of(current_user))
    if seeker is None:
        raise NotFound(_l("Create your job-seeker profile first."))
    return applications.apply(actor(), seeker, listings.get_listing(actor(), listing_id))


# ---- seekers ---------------------------------------------------------------------------------

def seeker_body(viewer, seeker) -> dict:
    score, reasons = seekers.priority(seeker)
    entry = seekers.queue_entry(seeker)
    return {**{field: getattr(seeker, field) for field in
               ("id", "profession", "skills", "languages", "regions", "remote_ok", "available_from",
                "consent_to_share", "household_id")},
            "contact": seekers.contact(viewer, seeker), "priority": score,
            "priority_reasons": households.reasons_for_api(reasons),
            "queue_state": entry.state.value if entry else None}


@blp.route("/seekers/me")
@allow(SIGNED_IN)
@blp.response(200, SeekerSchema)
@blp.alt_response(404, description="You have no job-seeker profile yet (PUT one first).")
def my_profile():
    """Your job-seeker profile.

    With your contact, your priority and its reasons, and your place in the jobs queue if you asked for help."""
    seeker = seekers.profile_of(current_user)
    if seeker is None:
        raise NotFound()
    return seeker_body(current_user, seeker)


@blp.route("/seekers/me", methods=["PUT"])
@allow(SIGNED_IN)
@blp.arguments(SeekerInputSchema)
@blp.response(200, SeekerSchema)
def save_my_profile(data):
    """Create or replace your job-seeker profile.

    Profession, skills, languages, regions and a way to reach you."""
    return seeker_body(current_user, seekers.save_own_profile(current_user, data))


@blp.route("/seekers", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(SeekerForOtherInputSchema)
@blp.response(201, SeekerSchema)
def register_seeker(data):
    """Coordinators and caseworkers register someone looking for work."""
    return seeker_body(actor(), seekers.register_for_other(actor(), data))


@blp.route("/seekers/<id:seeker_id>")
@allow(SIGNED_IN)
@blp.response(200, SeekerSchema)
def get_seeker(seeker_id):
    """The seeker, their caseworker and coordinators; the view of the contact is recorded."""
    return seeker_body(actor(), seekers.get_seeker(actor(), seeker_id))


@blp.route("/seekers/<id:seeker_id>", methods=["PUT"])
@allow(SIGNED_IN)
@blp.arguments(SeekerForOtherInputSchema)
@blp.response(200, SeekerSchema)
def update_seeker(data, seeker_id):
    """Edit a job seeker you registered.

    Their caseworker and coordinators."""
    data.pop("household_id", None)
    return seeker_body(actor(), seekers.update_seeker(actor(), seekers.get_seeker(actor(), seeker_id), data))


@blp.route("/seekers/<id:seeker_id>/help", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(201, JobQueueEntrySchema)
def ask_for_help(seeker_id):
    """Join the jobs queue, so that a coordinator looks for listings with the seeker."""
    return seekers.ask_for_help(actor(), seekers.get_seeker(actor(), seeker_id))


@blp.route("/seekers/<id:seeker_id>/help", methods=["DELETE"])
@allow(SIGNED_IN)
@blp.response(204)
def leave_queue(seeker_id):
    """Leave the jobs queue.

    The seeker, their caseworker or staff; 409 when not waiting in it."""
    seekers.leave_queue(actor(), seekers.get_seeker(actor(), seeker_id))


@blp.route("/seekers/<id:seeker_id>/priority", methods=["POST"])
@allow(STAFF)
@blp.arguments(PrioritySchema)
@blp.response(200, SeekerSchema)
def raise_priority(data, seeker_id):
    """Raise a job seeker's priority in the queue, with the written reason.

    Coordinators and admins."""
    seeker = seekers.raise_priority(actor(), seekers.get_seeker(actor(), seeker_id), data["points"], data["reason"])
    return seeker_body(actor(), seeker)


@blp.route("/seekers/<id:seeker_id>/applications")
@allow(SIGNED_IN)
@blp.response(200, ApplicationItemSchema(many=True))
@blp.paginate(ListPager)
def seeker_applications(seeker_id):
    """A seeker's applications and referrals.

    The seeker, their caseworker and coordinators."""
    return applications.for_seeker(actor(), seekers.get_seeker(actor(), seeker_id))


# ---- the jobs queue --------------------------------------------------------------------------

def leased_body(entry) -> dict:
    seeker = applications.KIND.subject(entry.subject_id)
    return {"entry": entry, "seeker": seeker, "candidates": engine.candidates(seeker)}


add_queue_api(blp, QueueApi(kind=QueueKind.JOBS, args_schema=JobQueueArgsSchema, page_schema=JobQueuePageSchema,
                            entry_schema=LeasedEntrySchema, show_all=lambda entries: None, show_one=leased_body))


@blp.route("/referrals", methods=["POST"])
@allow(STAFF)
@blp.arguments(ReferSchema)
@blp.response(201, ApplicationItemSchema)
@blp.alt_response(409, description="`capacity_taken`: every position is filled; `conflict`: you no longer hold "
                  "the seeker's queue entry, or a referral to this listing is under way. Nothing is written.")
def refer(data):
    """Refer the seeker whose entry you hold to a listing."""
    return applications.refer(actor(), applications.get_entry(data["entry_id"]), data["listing_id"])


# ---- applications ----------------------------------------------------------------------------

@blp.route("/applications/<id:match_id>")
@allow(SIGNED_IN)
@blp.response(200, ApplicationSchema)
def get_application(match_id):
    """For the employer (contact only once shared) and the seeker's side."""
    return applications.application_view(actor(), applications.get_application(match_id))


@blp.route("/applications/<id:match_id>/consent", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, ApplicationItemSchema)
def consent(match_id):
    """Consent to share your contact with the employer.

    The employer then sees it."""
    return applications.consent(actor(), applications.get_application(match_id))


@blp.route("/applications/<id:match_id>/interview", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, ApplicationItemSchema)
def interview(match_id):
    """Invite the applicant to an interview.

    The employer's side; the application moves to the interview stage."""
    return applications.invite_to_interview(actor(), applications.get_application(match_id))


@blp.route("/applications/<id:match_id>/hire", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, ApplicationItemSchema)
@blp.alt_response(409, description="`capacity_taken`: no open position is left (another hire took it, or the "
                  "positions were lowered); `conflict`: the candidate was not interviewed. Nothing is written.")
def hire(match_id):
    """Takes one open position; 409 when none is left."""
    return applications.hire(actor(), applications.get_application(match_id))


@blp.route("/applications/<id:match_id>/reject", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(RequiredReasonSchema)
@blp.response(200, ApplicationItemSchema)
def reject_application(data, match_id):
    """Reject an application, with the reason.

    The employer's side; the application is closed."""
    return applications.reject(actor(), applications.get_application(match_id), data["reason"])


@blp.route("/applications/<id:match_id>/withdraw", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ReasonSchema)
@blp.response(200, ApplicationItemSchema)
def withdraw(data, match_id):
    """Withdraw an application, optionally saying why.

    The seeker or their caseworker."""
    return applications.withdraw(actor(), applications.get_application(match_id), data["reason"])

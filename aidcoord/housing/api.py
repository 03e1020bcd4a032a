"""JSON API for housing: offers, households, the queue, matches, host suspensions."""
from typing import Any

from sqlalchemy import String, cast

from aidcoord.accounts import services as accounts
from aidcoord.common.api import Blueprint
from aidcoord.common.csv_export import csv_response
from aidcoord.common.pagination import ListPager, envelope
from aidcoord.common.permissions import SIGNED_IN, STAFF, actor, allow
from aidcoord.common.schemas import PrioritySchema, ReasonSchema, RequiredReasonSchema
from aidcoord.housing import engine, households, offers, privacy, safeguarding
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.exports import offers_csv, queue_csv
from aidcoord.housing.models import Household, VettingState
from aidcoord.housing.schemas import (
    CandidateSchema,
    DuplicateSchema,
    HouseholdInputSchema,
    HouseholdSchema,
    HouseholdSummarySchema,
    IncidentInputSchema,
    IncidentReviewSchema,
    IncidentSchema,
    MatchListItemSchema,
    MatchSchema,
    OfferArgsSchema,
    OfferInputSchema,
    OfferPageSchema,
    OfferSchema,
    OfferUpdateSchema,
    PossibleDuplicatesSchema,
    ProposeSchema,
    QueueArgsSchema,
    QueueEntrySchema,
    QueuePageSchema,
    VetSchema,
    WelfareCheckSchema,
    WelfareInputSchema,
)
from aidcoord.matching import queue
from aidcoord.matching import services as matches
from aidcoord.matching.endpoints import QueueApi, add_queue_api
from aidcoord.matching.models import QueueEntry, QueueKind

blp = Blueprint("housing_api", __name__, url_prefix="/api/v1/housing",
                description="Housing offers, household requests, the queue and matches.")


# ---- offers ----------------------------------------------------------------------------------

@blp.route("/offers")
@allow(SIGNED_IN)
@blp.arguments(OfferArgsSchema, location="query")
@blp.response(200, OfferPageSchema)
def list_offers(args):
    """Hosts see their own offers (and their organizations'); coordinators all."""
    return envelope(offers.list_offers(actor(), _offer_filters(args), args["page"], args["per_page"]))


def _offer_filters(args) -> offers.OfferFilters:
    return offers.OfferFilters(region=args.get("region"), min_free_beds=args.get("min_free_beds"),
                               vetting_state=VettingState(args["vetting_state"]) if args.get("vetting_state") else None,
                               mine=args["mine"])


@blp.route("/offers/export.csv")
@allow(SIGNED_IN)
@blp.arguments(OfferArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
def export_offers(args):
    """The offers you may see, as CSV with HXL hashtags (external references included)."""
    shown = offers.record_export(actor(), offers.all_offers(actor(), _offer_filters(args)))
    return csv_response(offers_csv(shown), "housing-offers.csv")


@blp.route("/offers", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(OfferInputSchema)
@blp.response(201, OfferSchema)
def create_offer(data):
    """Offer housing: beds, dates, languages, what is included.

    Hosts and organization members; the offer waits for a coordinator's vetting before it can be matched."""
    return offers.create_offer(actor(), data, organization_id=data.pop("organization_id", None))


@blp.route("/offers/<id:offer_id>")
@allow(SIGNED_IN)
@blp.response(200, OfferSchema)
def get_offer(offer_id):
    """One housing offer.

    Its host, members of its organization and coordinators; the address is never shown to others. A view by
    anyone but the host is recorded in the audit."""
    return offers.record_view(actor(), offers.get_offer(actor(), offer_id))


@blp.route("/offers/<id:offer_id>", methods=["PATCH"])
@allow(SIGNED_IN)
@blp.arguments(OfferUpdateSchema)
@blp.response(200, OfferSchema)
@blp.alt_response(409, description="`capacity_in_use`: fewer beds than are taken or promised (the numbers are in "
                  "the message and on `beds`); nothing is changed.")
def update_offer(data, offer_id):
    """Edit an offer; its beds cannot go below those proposed or placed."""
    return offers.update_offer(actor(), offers.get_offer(actor(), offer_id), data)


@blp.route("/offers/<id:offer_id>/vet", methods=["POST"])
@allow(STAFF)
@blp.arguments(VetSchema)
@blp.response(200, OfferSchema)
def vet_offer(data, offer_id):
    """A coordinator verifies (saying how it was checked) or rejects."""
    offer = offers.get_offer(actor(), offer_id)
    return offers.vet_offer(actor(), offer, VettingState(data["decision"]), data["note"])


@blp.route("/offers/<id:offer_id>/withdraw", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ReasonSchema)
@blp.response(200, OfferSchema)
def withdraw_offer(data, offer_id):
    """Withdraw an offer, optionally saying why.

    Not while people are proposed or placed in it (409)."""
    return offers.withdraw_offer(actor(), offers.get_offer(actor(), offer_id), data.get("reason", ""))


# ---- households ------------------------------------------------------------------------------

class _Shown:
    """A record as an endpoint dumps it: its own attributes, plus values that are not its columns (the
    contact this viewer may see, the queue state, the household of an entry), so models stay free of them."""

    def __init__(self, record: object, **shown: object) -> None:
        self._record = record
        vars(self).update(shown)

    def __getattr__(self, name: str) -> Any:  # called only for names not shown above
        return getattr(self._record, name)


def household_detail(household: Household) -> _Shown:
    return _Shown(household, contact=households.contact_details(actor(), household),
                  queue_state=queue.entry_for(QueueKind.HOUSING, household.id).state.value,
                  possible_duplicate_of_id=households.duplicate_shown_to(actor(), household))


@blp.route("/households", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(HouseholdInputSchema)
@blp.response(201, HouseholdSchema)
@blp.alt_response(429, description="`too_many_registrations`: an account that is not a caseworker's registered "
                  "HOUSEHOLDS_PER_ACCOUNT_PER_DAY households in the last 24 hours (see Retry-After).")
def register_household(data):
    """Register a household (coordinators, caseworkers, or the household itself with for_self)."""
    household = households.register_household(actor(), data, organization_id=data.pop("organization_id", None),
                                              for_self=data.pop("for_self", False))
    return household_detail(household)


@blp.route("/households/<id:household_id>")
@allow(SIGNED_IN)
@blp.response(200, HouseholdSchema)
def get_household(household_id):
    """The household with its contact, for coordinators, its caseworkers and itself (the view is recorded)."""
    return household_detail(households.get_household(actor(), household_id))


@blp.route("/households/<id:household_id>/priority", methods=["POST"])
@allow(STAFF)
@blp.arguments(PrioritySchema)
@blp.response(200, HouseholdSchema)
def raise_priority(data, household_id):
    """Raise a household's priority in the queue, with the written reason.

    Coordinators and admins; the points and reason are recorded."""
    household = households.get_household(actor(), household_id)
    return household_detail(households.raise_priority(actor(), household, data["points"], data["reason"]))


@blp.route("/households/<id:household_id>/confirm-vulnerability", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, HouseholdSchema)
def confirm_vulnerability(household_id):
    """A caseworker of the household's organization or a coordinator confirms what a household registered by
    itself declared: its factors then count towards its priority (recorded in the audit trail)."""
    household = households.get_household(actor(), household_id)
    return household_detail(households.confirm_vulnerability(actor(), household))


@blp.route("/households/<id:household_id>/duplicate", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(DuplicateSchema)
@blp.response(200, HouseholdSchema)
def resolve_duplicate(data, household_id):
    """Merge into another open request (which keeps its place; this one is closed, marked merged into it), or
    record that the two are different households (the pair is not flagged again). Coordinators, and caseworkers
    of the organization both households registered with.

    `other_id` defaults to the request this one was flagged as a possible duplicate of at registration."""
    household = households.get_household(actor(), household_id)
    return household_detail(households.resolve_duplicate(actor(), household, data["merge"], data.get("other_id")))


@blp.route("/households/<id:household_id>/duplicates")
@allow(SIGNED_IN)
@blp.response(200, PossibleDuplicatesSchema)
def possible_duplicates(household_id):
    """Open requests that may be the same household, with the reasons: the same phone (in any format) or a
    similar name (in any script or word order, with the score) and the same size. Dismissed pairs are left out.

    Coordinators see all; a caseworker of the household's organization sees those of that organization."""
    household = households.get_household(actor(), household_id)
    return {"duplicates": [
        {"household_id": other.id,
         "reasons": [{"code": reason.code, "score": reason.score, "label": str(reason.label)} for reason in reasons]}
        for other, reasons in households.possible_duplicates(actor(), household)]}


# ---- the queue -------------------------------------------------------------------------------

def queue_filter(args):
    def restrict(query):
        if not ({"region", "size", "min_priority"} & set(args)):
            return query
        query = query.join(Household, Household.id == QueueEntry.subject_id)
        if args.get("region"):
            query = query.where(cast(Household.preferred_regions, String).contains(f'"{args["region"].upper()}"'))
        if args.get("size"):
            query = query.where(Household.size == args["size"])
        if args.get("min_priority") is not None:
            query = query.where(QueueEntry.priority >= args["min_priority"])
        return query
    return restrict


_SUMMARY_COLUMNS = tuple(field.attribute or name for name, field in HouseholdSummarySchema().fields.items())


def _show_households(entries: list) -> None:
    shown = households.summaries([entry.subject_id for entry in entries], _SUMMARY_COLUMNS)
    entries[:] = [_Shown(entry, household=shown[entry.subject_id]) for entry in entries]


def _show_household(entry: QueueEntry) -> _Shown:
    return _Shown(entry, household=housing_matching.household_of(entry))


add_queue_api(blp, QueueApi(kind=QueueKind.HOUSING, args_schema=QueueArgsSchema, page_schema=QueuePageSchema,
                            entry_schema=QueueEntrySchema, show_all=_show_households, show_one=_show_household,
                            restrict=queue_filter))


@blp.route("/queue/export.csv")
@allow(STAFF)
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
def export_queue(args):
    """The open queue in order, with external references; no names or phones."""
    entries = queue.all_open(actor(), QueueKind.HOUSING, queue_filter(args))
    rows = households.record_export(actor(), housing_matching.with_households(entries))
    return csv_response(queue_csv(rows), "housing-queue.csv")


@blp.route("/queue/<id:entry_id>/candidates")
@allow(STAFF)
@blp.response(200, CandidateSchema(many=True))
@blp.paginate(ListPager)
def candidates(entry_id):
    """Compatible verified offers, best first, each with its reasons."""
    return engine.candidates(housing_matching.household_of(housing_matching.get_entry(entry_id)))


# ---- matches ---------------------------------------------------------------------------------

def match_body(match):
    view = privacy.match_view(actor(), match)
    match.household = view["household"]
    match.household_contact = view["household_contact"]
    match.offer_address = view["offer_address"]
    return match


@blp.route("/matches", methods=["POST"])
@allow(STAFF)
@blp.arguments(ProposeSchema)
@blp.response(201, MatchSchema)
@blp.alt_response(409, description="`capacity_taken`: the offer's beds were taken meanwhile (by another "
                  "proposal, or the host lowered them); `conflict`: you no longer hold the request (the lease ran "
                  "out), or a match with this offer is under way. Nothing is written.")
def propose(data):
    """Propose an offer for the entry you hold; its beds are taken at once."""
    return match_body(housing_matching.propose_offer(actor(), housing_matching.get_entry(data["entry_id"]),
                                                 data["offer_id"]))


@blp.route("/matches")
@allow(SIGNED_IN)
@blp.response(200, MatchListItemSchema(many=True))
@blp.paginate(ListPager)
def my_matches():
    """Proposals and placements in the offers you answer for."""
    return matches.matches_for_answerer(actor(), QueueKind.HOUSING)


@blp.route("/matches/<id:match_id>")
@allow(SIGNED_IN)
@blp.response(200, MatchSchema)
def get_match(match_id):
    """One housing match (proposal or placement).

    Contacts and address are shown only to those with a part in it."""
    return match_body(housing_matching.get_match(match_id))


@blp.route("/matches/<id:match_id>/accept", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, MatchSchema)
def accept(match_id):
    """Accept a proposal for your offer.

    The host (or the offer's organization) takes the proposed household."""
    return match_body(housing_matching.accept(actor(), _visible_match(match_id)))


@blp.route("/matches/<id:match_id>/decline", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(RequiredReasonSchema)
@blp.response(200, MatchSchema)
def decline(data, match_id):
    """Decline a proposal for your offer, with the reason.

    Only a proposed match can be declined (409 otherwise)."""
    return match_body(housing_matching.decline(actor(), _visible_match(match_id), data["reason"]))


@blp.route("/matches/<id:match_id>/move-in", methods=["POST"])
@allow(SIGNED_IN)
@blp.response(200, MatchSchema)
def move_in(match_id):
    """Record that the household moved in.

    Only an accepted match can move in (409 otherwise); welfare check-ins are scheduled."""
    return match_body(housing_matching.move_in(actor(), _visible_match(match_id)))


@blp.route("/matches/<id:match_id>/end", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ReasonSchema)
@blp.response(200, MatchSchema)
def end(data, match_id):
    """End a placement, optionally saying why.

    The beds are given back to the offer."""
    return match_body(housing_matching.end(actor(), _visible_match(match_id), data.get("reason", "")))


def _visible_match(match_id):
    match = housing_matching.get_match(match_id)
    privacy.ensure_can_view(actor(), match)
    return match


# ---- host suspensions ------------------------------------------------------------------------

@blp.route("/hosts/<id:user_id>/suspend", methods=["POST"])
@allow(STAFF)
@blp.arguments(RequiredReasonSchema)
@blp.response(204)
def suspend_host(data, user_id):
    """Suspend a host across all organizations, with the reason.

    Coordinators and admins; their offers are no longer matched."""
    offers.suspend_host(actor(), accounts.get_user(user_id), data["reason"])


@blp.route("/hosts/<id:user_id>/lift-suspension", methods=["POST"])
@allow(STAFF)
@blp.arguments(RequiredReasonSchema)
@blp.response(204)
def lift_suspension(data, user_id):
    """Lift a host's suspension, with the reason.

    Coordinators and admins."""
    offers.lift_suspension(actor(), accounts.get_user(user_id), data["reason"])


# ---- safeguarding ----------------------------------------------------------------------------

@blp.route("/welfare-checks")
@allow(STAFF)
@blp.response(200, WelfareCheckSchema(many=True))
@blp.paginate(ListPager)
def due_welfare_checks():
    """Check-ins due today or missed (past due, no outcome)."""
    return safeguarding.due_checks(actor())


@blp.route("/welfare-checks/<id:check_id>", methods=["POST"])
@allow(STAFF)
@blp.arguments(WelfareInputSchema)
@blp.response(200, WelfareCheckSchema)
def record_welfare_check(data, check_id):
    """Record the outcome of a welfare check-in.

    Coordinators and admins; a check-in is recorded once (409 after)."""
    return safeguarding.record_check(actor(), safeguarding.get_check(check_id), data["outcome"], data["note"])


@blp.route("/matches/<id:match_id>/incidents", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(IncidentInputSchema)
@blp.response(201, IncidentSchema)
def report_incident(data, match_id):
    """Anyone involved in the placement (household, host, coordinator) may report."""
    return safeguarding.report_incident(actor(), housing_matching.get_match(match_id), data["description"])


@blp.route("/incidents")
@allow(STAFF)
@blp.response(200, IncidentSchema(many=True))
@blp.paginate(ListPager)
def open_incidents():
    """Incidents waiting for review.

    Coordinators and admins; oldest first."""
    return safeguarding.open_incidents(actor())


@blp.route("/incidents/<id:incident_id>/review", methods=["POST"])
@allow(STAFF)
@blp.arguments(IncidentReviewSchema)
@blp.response(200, IncidentSchema)
def review_incident(data, incident_id):
    """Review; optionally end the placement and suspend the host across all organizations."""
    return safeguarding.review_incident(actor(), safeguarding.get_incident(incident_id), data["note"],
                                        end_placement=data["end_placement"], suspend_host=data["suspend_host"])

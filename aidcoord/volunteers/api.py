"""JSON API for volunteer profiles, shifts, sign-ups and attendance."""
from datetime import UTC, datetime

from flask_login import current_user

from aidcoord.accounts import services as accounts
from aidcoord.accounts.models import Role
from aidcoord.common.api import Blueprint
from aidcoord.common.csv_export import csv_response
from aidcoord.common.pagination import ListPager
from aidcoord.common.permissions import ANYONE, SIGNED_IN, STAFF, actor, allow, has_role
from aidcoord.errors import NotFound
from aidcoord.organizations import services as organizations
from aidcoord.volunteers import services
from aidcoord.volunteers.exports import roster_csv as roster_csv_text
from aidcoord.volunteers.schemas import (
    AttendanceSchema,
    BackgroundCheckSchema,
    OrganizationHoursSchema,
    ProfileSchema,
    RosterEntrySchema,
    ShiftArgsSchema,
    ShiftInputSchema,
    ShiftSchema,
    SignUpSchema,
    SlotsSchema,
    VolunteerHoursSchema,
)

blp = Blueprint("volunteers_api", __name__, url_prefix="/api/v1/volunteers",
                description="Volunteer profiles, shifts posted by organizations, sign-ups and hours.")


@blp.route("/me/profile")
@allow(SIGNED_IN)
@blp.response(200, ProfileSchema)
@blp.alt_response(404, description="You have no volunteer profile yet (PUT one first).")
def get_profile():
    """Your volunteer profile.

    Skills, languages, regions and availability as you saved them, and whether a coordinator confirmed
    your background check."""
    profile = services.profile_of(current_user)
    if profile is None:
        raise NotFound()
    return profile


@blp.route("/me/profile", methods=["PUT"])
@allow(has_role(Role.VOLUNTEER))
@blp.arguments(ProfileSchema)
@blp.response(200, ProfileSchema)
def save_profile(data):
    """Create or replace your volunteer profile.

    Volunteers: skills, languages, regions and availability."""
    return services.save_profile(current_user, data)


@blp.route("/me/shifts")
@allow(SIGNED_IN)
@blp.response(200, SignUpSchema(many=True))
@blp.paginate(ListPager)
def my_shifts():
    """Your sign-ups, soonest shift first.

    With each sign-up's state and hours."""
    return services.my_shifts(current_user)


@blp.route("/<id:user_id>/background-check", methods=["POST"])
@allow(STAFF)
@blp.arguments(BackgroundCheckSchema)
@blp.response(200, ProfileSchema)
def set_background_check(data, user_id):
    """Record a volunteer's background check.

    Coordinators and admins; shifts that require one accept only checked volunteers."""
    profile = services.profile_of(accounts.get_user(user_id))
    if profile is None:
        raise NotFound()
    return services.set_background_check(actor(), profile, data["background_check"])


@blp.route("/shifts")
@allow(ANYONE)
@blp.arguments(ShiftArgsSchema, location="query")
@blp.response(200, ShiftSchema(many=True))
@blp.paginate(ListPager)
def open_shifts(args):
    """Upcoming shifts with free slots, soonest first; filter by region, day and skill."""
    day = datetime.combine(args["day"], datetime.min.time(), tzinfo=UTC) if args.get("day") else None
    return services.open_shifts(services.ShiftFilters(region=args.get("region"), day=day, skill=args.get("skill")))


@blp.route("/shifts", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ShiftInputSchema)
@blp.response(201, ShiftSchema)
def post_shift(data):
    """Post a shift of an organization you belong to.

    Task, region, start and end, slots and what it requires; the organization must be verified."""
    organization = organizations.get_organization(actor(), data.pop("organization_id"))
    return services.post_shift(actor(), organization, data)


@blp.route("/shifts/<id:shift_id>")
@allow(ANYONE)
@blp.response(200, ShiftSchema)
def get_shift(shift_id):
    """One shift, with its free slots.

    Public: no volunteer is named here."""
    return services.get_shift(shift_id)


@blp.route("/shifts/<id:shift_id>", methods=["PATCH"])
@allow(SIGNED_IN)
@blp.arguments(SlotsSchema)
@blp.response(200, ShiftSchema)
@blp.alt_response(409, description="`capacity_in_use`: fewer slots than volunteers signed up (the numbers are in "
                  "the message and on `slots`), or the shift is cancelled; nothing is changed.")
def change_slots(data, shift_id):
    """Members of the shift's organization change how many volunteers it takes."""
    return services.change_slots(actor(), services.get_shift(shift_id), data["slots"])


@blp.route("/shifts/<id:shift_id>/sign-ups", methods=["POST"])
@allow(has_role(Role.VOLUNTEER))
@blp.response(201, SignUpSchema)
@blp.alt_response(409, description="`capacity_taken`: every slot is taken (another volunteer took the last one); "
                  "or you are already signed up, or the shift is no longer open.")
def sign_up(shift_id):
    """Take a slot; a full shift answers 409."""
    return services.sign_up(current_user, services.get_shift(shift_id))


@blp.route("/sign-ups/<id:sign_up_id>", methods=["DELETE"])
@allow(SIGNED_IN)
@blp.response(200, SignUpSchema)
def cancel_sign_up(sign_up_id):
    """Cancel your sign-up.

    Until the shift's cancellation cutoff; the slot is freed."""
    return services.cancel_sign_up(current_user, services.get_sign_up(sign_up_id))


@blp.route("/sign-ups/<id:sign_up_id>/attendance", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(AttendanceSchema)
@blp.response(200, RosterEntrySchema)
def mark_attendance(data, sign_up_id):
    """Mark whether the volunteer came, and the hours given.

    Members of the shift's organization and staff."""
    return services.mark_attendance(actor(), services.get_sign_up(sign_up_id), data["attended"], data.get("hours"))


@blp.route("/shifts/<id:shift_id>/roster")
@allow(SIGNED_IN)
@blp.response(200, RosterEntrySchema(many=True))
@blp.paginate(ListPager)
def roster(shift_id):
    """Who signed up: for the organization and staff."""
    return services.roster(actor(), services.get_shift(shift_id))


@blp.route("/organizations/<id:organization_id>/hours")
@allow(SIGNED_IN)
@blp.response(200, VolunteerHoursSchema(many=True))
@blp.paginate(ListPager)
def organization_hours(organization_id):
    """Hours each volunteer gave this organization (its members and coordinators)."""
    organization = organizations.get_organization(actor(), organization_id)
    return [{"volunteer_id": volunteer.id, "volunteer_name": volunteer.name, "hours": hours}
            for volunteer, hours in services.organization_hours(actor(), organization)]


@blp.route("/hours")
@allow(STAFF)
@blp.response(200, OrganizationHoursSchema(many=True))
@blp.paginate(ListPager)
def hours_by_organization():
    """Volunteers and hours per organization, over attended shifts."""
    return [{"organization_id": org.id, "organization_name": org.name, "volunteers": people, "hours": hours}
            for org, people, hours in services.hours_by_organization(actor())]


@blp.route("/shifts/<id:shift_id>/roster.csv")
@allow(SIGNED_IN)
@blp.response(200, content_type="text/csv")
def roster_csv(shift_id):
    """The shift's roster as CSV with an HXL hashtag row.

    For the organization and staff: the shift, names, states and hours (no e-mail addresses)."""
    shift = services.get_shift(shift_id)
    return csv_response(roster_csv_text(services.roster(actor(), shift)), f"shift-{shift.id}-roster.csv")

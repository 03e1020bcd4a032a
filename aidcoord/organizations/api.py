"""JSON API for the organization registry: parse, call one service, dump."""
from aidcoord.audit import services as audit
from aidcoord.audit.schemas import AuditEventSchema
from aidcoord.common.api import Blueprint
from aidcoord.common.pagination import ListPager, envelope
from aidcoord.common.permissions import ANYONE, SIGNED_IN, actor, allow
from aidcoord.organizations import invitations, services
from aidcoord.organizations.models import OrganizationKind, Sector
from aidcoord.organizations.schemas import (
    AddMemberSchema,
    DirectoryArgsSchema,
    InvitationAnswerSchema,
    InvitationSchema,
    InvitationSentSchema,
    MemberSchema,
    OrganizationInputSchema,
    OrganizationPageSchema,
    OrganizationSchema,
    OrganizationUpdateSchema,
    RejectSchema,
    VerifySchema,
)

blp = Blueprint("organizations_api", __name__, url_prefix="/api/v1/organizations",
                description="The registry of organizations (NGOs, community groups, agencies).")


@blp.route("")
@allow(ANYONE)
@blp.arguments(DirectoryArgsSchema, location="query")
@blp.response(200, OrganizationPageSchema)
def list_organizations(args):
    """The directory: verified organizations (staff may ask for verified=false), filtered and paginated."""
    filters = services.DirectoryFilters(
        sector=Sector(args["sector"]) if "sector" in args else None,
        region=args.get("region"),
        kind=OrganizationKind(args["kind"]) if "kind" in args else None,
        verified=args.get("verified"),
        search=args.get("q"),
    )
    return envelope(services.list_directory(actor(), filters, args["page"], args["per_page"]))


@blp.route("", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(OrganizationInputSchema)
@blp.response(201, OrganizationSchema)
def register_organization(data):
    """Apply to register an organization; it stays pending until a coordinator verifies it."""
    return services.apply_for_registration(actor(), data)


@blp.route("/<id:organization_id>")
@allow(ANYONE)
@blp.response(200, OrganizationSchema)
def get_organization(organization_id):
    """One organization of the registry.

    Verified organizations are public; a pending or rejected one is shown to its members and to staff only."""
    return services.get_organization(actor(), organization_id)


@blp.route("/<id:organization_id>", methods=["PATCH"])
@allow(SIGNED_IN)
@blp.arguments(OrganizationUpdateSchema)
@blp.response(200, OrganizationSchema)
def update_organization(data, organization_id):
    """Edit an organization's details.

    Its members and staff; send only the fields to change."""
    organization = services.get_organization(actor(), organization_id)
    return services.update_organization(actor(), organization, data)


@blp.route("/<id:organization_id>/verify", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(VerifySchema)
@blp.response(200, OrganizationSchema)
def verify_organization(data, organization_id):
    """Verify a pending organization.

    Coordinators and admins; the note says how it was checked. Its needs, shifts and listings then become public."""
    organization = services.get_organization(actor(), organization_id)
    return services.verify_organization(actor(), organization, data.get("note"))


@blp.route("/<id:organization_id>/reject", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(RejectSchema)
@blp.response(200, OrganizationSchema)
def reject_organization(data, organization_id):
    """Reject a pending organization, with the reason.

    Coordinators and admins; the reason is kept with the organization."""
    organization = services.get_organization(actor(), organization_id)
    return services.reject_organization(actor(), organization, data["reason"])


@blp.route("/<id:organization_id>/members")
@allow(SIGNED_IN)
@blp.response(200, MemberSchema(many=True))
@blp.paginate(ListPager)
def list_members(organization_id):
    """Members of the organization (visible to its members and to staff)."""
    return services.shown_members(actor(), services.get_editable_organization(actor(), organization_id))


@blp.route("/<id:organization_id>/members", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(AddMemberSchema)
@blp.response(202, InvitationSentSchema)
@blp.alt_response(429, description="`too_many_invitations`: the organization's members sent "
                  "INVITATIONS_PER_ORGANIZATION_PER_DAY invitations in the last 24 hours (see Retry-After). "
                  "403 as well when the organization is not verified yet (staff excepted).")
def add_member(data, organization_id):
    """Invite an address to join (an e-mail is queued to it): the person becomes a member only when they accept.
    The answer is the same whether or not the address has an account."""
    organization = services.get_organization(actor(), organization_id)
    return invitations.invite(actor(), organization, data["email"])


@blp.route("/<id:organization_id>/invitations")
@allow(SIGNED_IN)
@blp.response(200, InvitationSchema(many=True))
@blp.paginate(ListPager)
def list_invitations(organization_id):
    """Invitations still waiting for an answer (for members of the organization and staff)."""
    return invitations.shown_pending_of(actor(), services.get_editable_organization(actor(), organization_id))


@blp.route("/<id:organization_id>/members/<id:user_id>", methods=["DELETE"])
@allow(SIGNED_IN)
@blp.response(204)
def remove_member(organization_id, user_id):
    """Remove a member from the organization.

    Its members and staff; the person no longer acts for the organization."""
    organization = services.get_organization(actor(), organization_id)
    services.remove_member(actor(), organization, user_id)


@blp.route("/<id:organization_id>/history")
@allow(SIGNED_IN)
@blp.response(200, AuditEventSchema(many=True))
@blp.paginate(ListPager)
def organization_history(organization_id):
    """Who changed what, for members of the organization and staff."""
    return audit.history(services.ENTITY, services.get_editable_organization(actor(), organization_id).id)


invitations_blp = Blueprint("invitations_api", __name__, url_prefix="/api/v1/me/invitations",
                            description="Invitations to join organizations, waiting for the caller's answer.")


@invitations_blp.route("")
@allow(SIGNED_IN)
@invitations_blp.response(200, InvitationSchema(many=True))
@invitations_blp.paginate(ListPager)
def my_invitations():
    """Invitations sent to the caller's e-mail address that wait for an answer.

    Answering one needs the secret from the e-mailed link as well: an account with the address is not proof of
    reading its mailbox."""
    return invitations.pending_for(actor())


@invitations_blp.route("/<id:invitation_id>/accept", methods=["POST"])
@allow(SIGNED_IN)
@invitations_blp.arguments(InvitationAnswerSchema)
@invitations_blp.response(200, MemberSchema)
def accept_invitation(data, invitation_id):
    """Join the organization, with the secret from the e-mailed link.

    A wrong secret, someone else's, an answered or a lapsed invitation is not found. The secret works once."""
    return invitations.accept(actor(), data["token"], invitation_id)


@invitations_blp.route("/<id:invitation_id>/decline", methods=["POST"])
@allow(SIGNED_IN)
@invitations_blp.arguments(InvitationAnswerSchema)
@invitations_blp.response(200, InvitationSchema)
def decline_invitation(data, invitation_id):
    """Decline an invitation sent to the caller's e-mail address, with the secret from the e-mailed link.

    It no longer waits for an answer."""
    return invitations.decline(actor(), data["token"], invitation_id)

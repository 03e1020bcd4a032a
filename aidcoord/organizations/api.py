"""JSON API for the organization registry: parse, call one service, dump."""
from aidcoord.audit import services as audit
from aidcoord.audit.schemas import AuditEventSchema
from aidcoord.common.api import Blueprint
from aidcoord.common.pagination import ListPager, envelope
from aidcoord.common.permissions import ANYONE, SIGNED_IN, actor, allow
from aidcoord.organizations import services
from aidcoord.organizations.models import OrganizationKind, Sector
from aidcoord.organizations.schemas import (
    AddMemberSchema,
    DirectoryArgsSchema,
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
    return services.members(services.get_editable_organization(actor(), organization_id))


@blp.route("/<id:organization_id>/members", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(AddMemberSchema)
@blp.response(201, MemberSchema)
def add_member(data, organization_id):
    """Add a member to the organization by the e-mail address of their account.

    Its members and staff."""
    organization = services.get_organization(actor(), organization_id)
    return services.add_member(actor(), organization, data["email"])


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

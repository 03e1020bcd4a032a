"""API shapes for the organization registry."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.pagination import PageArgsSchema, page_schema
from aidcoord.common.schemas import enum_values, text
from aidcoord.organizations.models import OrganizationKind, Sector


class OrganizationInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"name": "Syunik Relief Network", "kind": "community_group", "country": "AM",
        "regions": ["AM-SU"], "sectors": ["shelter", "food_security"],
        "description": "Volunteers who house and feed families arriving in Goris.",
        "website": "https://relief.example.org", "contact_email": "info@relief.example.org",
        "contact_phone": "+374 91 123456"}

    name = text(200, required=True, min_length=1)
    kind = ma.fields.String(required=True, validate=enum_values(OrganizationKind))
    country = text(2, required=True, min_length=2, metadata={"description": "ISO 3166-1 alpha-2, e.g. AM"})
    regions = ma.fields.List(text(10), load_default=list, validate=ma.validate.Length(max=500),
                             metadata={"description": "ISO 3166-2 codes served, e.g. AM-SU"})
    sectors = ma.fields.List(ma.fields.String(validate=enum_values(Sector)), required=True,
                             validate=ma.validate.Length(min=1, max=len(Sector)))
    description = text(5000, load_default="")
    website = text(500, allow_none=True, load_default=None)
    contact_email = text(254, allow_none=True, load_default=None)
    contact_phone = text(40, allow_none=True, load_default=None)


class OrganizationUpdateSchema(OrganizationInputSchema):
    """The same fields, each optional (PATCH)."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.Function(lambda org: org.kind.value)
    country = ma.fields.String()
    regions = ma.fields.List(ma.fields.String())
    sectors = ma.fields.Function(lambda org: [sector.value for sector in org.sectors])
    description = ma.fields.String()
    website = ma.fields.String(allow_none=True)
    contact_email = ma.fields.String(allow_none=True)
    contact_phone = ma.fields.String(allow_none=True)
    verification_state = ma.fields.Function(lambda org: org.verification_state.value)
    verified_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


OrganizationPageSchema = page_schema(OrganizationSchema)


class DirectoryArgsSchema(PageArgsSchema):
    sector = ma.fields.String(validate=enum_values(Sector))
    region = text(10)
    kind = ma.fields.String(validate=enum_values(OrganizationKind))
    verified = ma.fields.Boolean()
    q = text(200)


class VerifySchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"note": "Registration certificate checked by phone with the regional office."}

    note = text(2000, load_default=None, allow_none=True)


class RejectSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"reason": "No registration could be found; please send your certificate."}

    reason = text(2000, required=True, min_length=1)


class AddMemberSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"email": "anahit@relief.example.org"}

    email = text(254, required=True, min_length=3)


class InvitationAnswerSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"token": "secret-from-the-e-mailed-link"}

    token = text(100, required=True, min_length=1, metadata={
        "description": "The secret at the end of the link e-mailed with the invitation "
                       "(/organizations/invitations/<token>): it proves the caller reads the invited mailbox"})


class MemberSchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.Function(lambda membership: membership.user.name)
    email = ma.fields.Function(lambda membership: membership.user.email)
    added_at = ma.fields.DateTime()


class InvitationSchema(ma.Schema):
    id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    organization_name = ma.fields.Function(lambda invitation: invitation.organization.name)
    email = ma.fields.String()
    state = ma.fields.Function(lambda invitation: invitation.state.value)
    created_at = ma.fields.DateTime()
    answered_at = ma.fields.DateTime(allow_none=True)


class InvitationSentSchema(ma.Schema):
    """The same answer whether or not the address has an account."""

    email = ma.fields.String(metadata={"description": "The address invited, normalised"})
    state = ma.fields.Function(lambda invitation: invitation.state.value)

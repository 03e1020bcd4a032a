"""API shapes for volunteers and shifts. Volunteer names and emails appear only in rosters."""
from typing import ClassVar

import marshmallow as ma

from aidcoord.common.schemas import text


class ProfileSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"skills": ["driver", "first aid"], "languages": ["hy", "en"], "regions": ["AM-SU"],
        "availability": "Weekends"}

    skills = ma.fields.List(ma.fields.String(), load_default=list)
    languages = ma.fields.List(text(2), load_default=list)
    regions = ma.fields.List(text(10), load_default=list)
    availability = text(500, load_default="")
    background_check = ma.fields.Function(lambda p: p.background_check.value, dump_only=True)


class ShiftInputSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"organization_id": 1, "task": "Driving parcels to villages", "region": "AM-SU",
        "locality": "Goris", "starts_at": "2027-01-10T09:00:00+04:00", "ends_at": "2027-01-10T13:00:00+04:00",
        "slots": 4, "required_skills": ["driver"], "required_languages": ["hy"], "requires_background_check": False,
        "cancel_cutoff_hours": 24}

    organization_id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=2**31 - 1))
    task = text(200, required=True)
    description = text(5000, allow_none=True)
    region = text(10, required=True)
    locality = text(200, allow_none=True)
    starts_at = text(40, required=True, metadata={"description": "ISO 8601, UTC unless an offset is given"})
    ends_at = text(40, required=True)
    slots = ma.fields.Integer(required=True, strict=True)
    required_skills = ma.fields.List(ma.fields.String(), load_default=list)
    required_languages = ma.fields.List(text(2), load_default=list)
    requires_background_check = ma.fields.Boolean(load_default=False)
    cancel_cutoff_hours = ma.fields.Integer(strict=True, load_default=24)


class SlotsSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"slots": 6}

    slots = ma.fields.Integer(required=True, strict=True,
                              metadata={"description": "never fewer than the volunteers signed up"})


class ShiftSchema(ma.Schema):
    id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    organization_name = ma.fields.Function(lambda s: s.organization.name)
    task = ma.fields.String()
    description = ma.fields.String()
    region = ma.fields.String()
    locality = ma.fields.String()
    starts_at = ma.fields.DateTime()
    ends_at = ma.fields.DateTime()
    slots = ma.fields.Integer()
    filled = ma.fields.Integer()
    required_skills = ma.fields.List(ma.fields.String())
    required_languages = ma.fields.List(ma.fields.String())
    requires_background_check = ma.fields.Boolean()
    cancel_cutoff_hours = ma.fields.Integer()


class ShiftArgsSchema(ma.Schema):
    region = text(10)
    day = ma.fields.Date()
    skill = text(40)


class SignUpSchema(ma.Schema):
    id = ma.fields.Integer()
    shift_id = ma.fields.Integer()
    state = ma.fields.Function(lambda e: e.state.value)
    hours = ma.fields.Decimal(as_string=True, allow_none=True)
    created_at = ma.fields.DateTime()


class RosterEntrySchema(SignUpSchema):
    volunteer_name = ma.fields.Function(lambda e: e.volunteer.name)
    # Only while signed up: what a shift lead needs to reach someone who is due (SignUp.lead_contact_email).
    volunteer_email = ma.fields.Function(lambda e: e.lead_contact_email, allow_none=True)


class AttendanceSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"attended": True, "hours": "4"}

    attended = ma.fields.Boolean(required=True)
    hours = ma.fields.Decimal(allow_none=True, allow_nan=False)


class BackgroundCheckSchema(ma.Schema):
    # The request example in the OpenAPI document (common.api).
    example: ClassVar[dict] = {"background_check": "cleared"}

    background_check = ma.fields.String(required=True,
                                        validate=ma.validate.OneOf(["none", "pending", "cleared", "failed"]))


class VolunteerHoursSchema(ma.Schema):
    volunteer_id = ma.fields.Integer()
    volunteer_name = ma.fields.String()
    hours = ma.fields.Decimal(as_string=True)


class OrganizationHoursSchema(ma.Schema):
    organization_id = ma.fields.Integer()
    organization_name = ma.fields.String()
    volunteers = ma.fields.Integer()
    hours = ma.fields.Decimal(as_string=True)

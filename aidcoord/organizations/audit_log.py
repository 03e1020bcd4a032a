"""Reading the audit trail: who saw whose personal data, and why. Coordinators read all of it; the members of
an organization read what was recorded about their organization's records (the audit rows carry the
organization whose record was seen). Lives here, above audit, because whose records are whose is a question
of membership. One service, a page (/audit) and an API (GET /api/v1/audit) that both call it."""
from datetime import UTC, datetime, time, timedelta

import marshmallow as ma
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.audit.schemas import AuditEventSchema
from aidcoord.common.api import Blueprint as ApiBlueprint
from aidcoord.common.forms import FlaskForm
from aidcoord.common.pagination import MAX_PAGE, Page, PageArgsSchema, envelope, page_schema
from aidcoord.common.permissions import Rule, actor, allow
from aidcoord.errors import PermissionDenied
from aidcoord.organizations.services import organizations_of

# Coordinators and admins read the whole audit; members of an organization read their organization's part.
READERS = Rule("coordinator, admin or organization member",
               lambda user: user.is_staff or bool(organizations_of(user)),  # type: ignore[arg-type]
               refusal=_l("The audit is read by coordinators and by the members of an organization."))
MAX_ID = 2**31 - 1


def _id(description: str | None = None) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID),
                             metadata={"description": description} if description else {})


def readable_organizations(viewer: User) -> set[int] | None:
    """The organizations whose records' audit `viewer` may read (None: all of them, for staff)."""
    if viewer.is_staff:
        return None
    organization_ids = {organization.id for organization in organizations_of(viewer)}
    if not organization_ids:
        raise PermissionDenied()
    return organization_ids


def read_audit(viewer: User, filters: audit.AuditFilters, page: int = 1, per_page: int | None = None) -> Page:
    """One page of the audit as `viewer` may read it, newest first."""
    return audit.search(filters, readable_organizations(viewer), page, per_page)


def _day_start(day) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day is not None else None


def filters_from(values: dict) -> audit.AuditFilters:
    """Filters from the API's query or the page's form (dates: whole UTC days, `until` included)."""
    until = values.get("until")
    action = values.get("action")
    return audit.AuditFilters(
        entity_type=values.get("entity_type") or None, entity_id=values.get("entity_id"),
        subject_type=values.get("subject_type") or None, subject_id=values.get("subject_id"),
        actor_id=values.get("actor_id"), served_by_type=values.get("served_by_type") or None,
        served_by_id=values.get("served_by_id"), action=AuditAction(action) if action else None,
        organization_id=values.get("organization_id"),
        since=_day_start(values.get("since")), until=_day_start(until + timedelta(days=1)) if until else None)


# ---- API

class AuditArgsSchema(PageArgsSchema):
    subject_type = ma.fields.String(validate=ma.validate.Length(max=64), metadata={
        "description": "whose data: household, job_seeker, user, housing_offer, ..."})
    subject_id = _id()
    entity_type = ma.fields.String(validate=ma.validate.Length(max=64), metadata={"description": "the record seen"})
    entity_id = _id()
    actor_id = _id("who saw or acted (an account id)")
    served_by_type = ma.fields.String(validate=ma.validate.Length(max=64),
                                      metadata={"description": "why: the record served, e.g. match"})
    served_by_id = _id()
    action = ma.fields.String(validate=ma.validate.OneOf([a.value for a in AuditAction]))
    organization_id = _id("the organization whose records were seen")
    since = ma.fields.Date(metadata={"description": "from this day (UTC) on"})
    until = ma.fields.Date(metadata={"description": "up to this day (UTC), included"})


AuditEventPageSchema = page_schema(AuditEventSchema)

blp = ApiBlueprint("audit_api", __name__, url_prefix="/api/v1/audit",
                   description="Who saw whose personal data, and why: the audit trail for coordinators and, for "
                               "their organization's records, its members.")


@blp.route("")
@allow(READERS)
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, AuditEventPageSchema)
def list_audit_events(args):
    """The audit trail, newest first, filtered by person, record, actor, reason and dates; paginated.

    Coordinators and admins read every event; an organization's members read the events recorded about their
    organization's records. Events hold ids, field names and purpose codes, never the values seen."""
    return envelope(read_audit(actor(), filters_from(args), args["page"], args["per_page"]))


# ---- page

def _whole_number(value):
    """The hidden organization filter as a number (None when absent or not a number)."""
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    subject_type = StringField(_l("Whose data (kind)"), validators=[Optional(), Length(max=64)])
    subject_id = IntegerField(_l("Whose data (number)"), validators=[Optional(), NumberRange(1, MAX_ID)])
    entity_type = StringField(_l("Record (kind)"), validators=[Optional(), Length(max=64)])
    entity_id = IntegerField(_l("Record (number)"), validators=[Optional(), NumberRange(1, MAX_ID)])
    actor_id = IntegerField(_l("Seen or done by (account number)"), validators=[Optional(), NumberRange(1, MAX_ID)])
    action = SelectField(_l("What"), choices=lambda: [("", _l("Anything")), *[(a.value, a.label) for a in AuditAction]],
                         validators=[Optional()])
    organization_id = HiddenField(validators=[Optional(), NumberRange(1, MAX_ID)], filters=[_whole_number])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])


bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("")
@allow(READERS)
def audit_page():
    form = AuditFilterForm(request.args)
    values = form.data if form.validate() else {}
    page_number = request.args.get("page", 1, type=int)
    page = read_audit(actor(), filters_from(values), max(1, min(page_number, MAX_PAGE)))
    return render_template("audit/list.html", form=form, page=page, staff=actor().is_staff)

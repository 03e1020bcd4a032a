"""Every endpoint that shows contact or protection data records who saw it, whose it is and why, in the audit:
a table of those endpoints, each asked in the permission matrix's world by someone who is not the person, and
a guard that fails when an endpoint or page shows such a field without being in the table (or exempted here
with its reason)."""
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import marshmallow as ma
import pytest
import sqlalchemy as sa

from aidcoord.accounts.models import User
from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from tests.permissions.matrix import Row, send
from tests.permissions.world import FAMILY, SEEKER


def _set(statement: str):
    """A setup writing what the world lacks (a reference, hours given) straight to the database."""
    def run(ids: dict) -> None:
        db.session.execute(sa.text(statement), ids)
        db.session.commit()
    return run


@dataclass(frozen=True)
class Shown:
    """`persona` asks `path`: one audit row or more must say they saw `entity` (whose data: `subject`)."""

    path: str
    persona: str
    entity: str
    subject: str | None = None  # the person's record when not the entity itself
    setup: Any = None

    def __str__(self) -> str:
        return f"{self.persona} GET {self.path} -> {self.entity}"


REFERENCE = _set("UPDATE households SET external_ref = 'REF-7' WHERE id = :household")
OFFER_REFERENCE = _set("UPDATE housing_offers SET external_ref = 'HOST-7' WHERE id = :offer")
ATTENDED = _set("UPDATE sign_ups SET state = 'placed', hours = 2 WHERE id = :sign_up")

TABLE = [
    # Housing: the household's contact and medical note, the host's home.
    Shown("/api/v1/housing/households/{household}", "coordinator", "household"),
    Shown("/housing/households/{household}", "coordinator", "household"),
    Shown("/api/v1/housing/matches/{placed_match}", "offer_host", "household"),
    Shown("/housing/matches/{placed_match}", "offer_host", "household"),
    Shown("/api/v1/housing/matches/{placed_match}", "self_household", "housing_offer", subject="household"),
    Shown("/housing/matches/{placed_match}", "coordinator", "housing_offer", subject="household"),
    Shown("/api/v1/housing/offers/{offer}", "coordinator", "housing_offer"),
    Shown("/housing/offers/{offer}", "coordinator", "housing_offer"),
    Shown("/housing/offers/{offer}/edit", "coordinator", "housing_offer"),
    Shown("/api/v1/housing/offers/export.csv", "coordinator", "housing_offer", setup=OFFER_REFERENCE),
    Shown("/api/v1/housing/queue/export.csv", "coordinator", "household", setup=REFERENCE),
    Shown("/api/v1/housing/incidents", "coordinator", "incident"),
    Shown("/housing/safeguarding", "coordinator", "incident"),
    # Jobs: the seeker's contact.
    Shown("/api/v1/jobs/seekers/{seeker}", "coordinator", "job_seeker"),
    Shown("/jobs/seekers/{seeker}", "coordinator", "job_seeker"),
    Shown("/api/v1/jobs/applications/{application}", "listing_employer", "job_seeker"),
    Shown("/jobs/applications/{application}", "listing_employer", "job_seeker"),
    # Pledges: the donor's name and e-mail for the receiving organization.
    Shown("/api/v1/pledges/{pledge}", "member", "user"),
    Shown("/pledges/{pledge}", "member", "user"),
    # Volunteers: rosters and hours by name.
    Shown("/api/v1/volunteers/shifts/{shift}/roster", "member", "user"),
    Shown("/api/v1/volunteers/shifts/{shift}/roster.csv", "member", "user"),
    Shown("/volunteers/shifts/{shift}", "member", "user"),
    Shown("/api/v1/volunteers/organizations/{verified}/hours", "member", "user", setup=ATTENDED),
    Shown("/volunteers/organizations/{verified}", "member", "user", setup=ATTENDED),
    # Organizations: members' names and e-mails, invited addresses.
    Shown("/api/v1/organizations/{verified}/members", "member", "user"),
    Shown("/api/v1/organizations/{verified}/invitations", "member", "organization_invitation"),
    Shown("/organizations/{verified}", "member", "organization_invitation"),
]

# Endpoints showing such a field that are not audited, each with its reason.
NOT_AUDITED = {
    "accounts_api.me": "the caller's own account",
    "jobs_api.my_profile": "the job seeker's own profile",
    "invitations_api.my_invitations": "invitations to the caller's own address",
    "housing_api.my_matches": "lists: no contact, the address is not in the list schema",
    "organizations_api.get_organization": "an organization's public contact, not a person's",
    "organizations_api.list_organizations": "organizations' public contacts",
}
# Response fields that carry contact or protection data (an organization's own contact aside, which is public).
SHOWN_FIELDS = {"contact_name", "contact_phone", "contact_email", "address", "medical_note", "email",
                "household_contact", "offer_address", "donor_contact", "contact", "volunteer_name",
                "volunteer_email", "description_of_incident"}


def _fields(schema, depth: int = 0) -> set[str]:
    """Every field name of a response schema, nested ones included."""
    names: set[str] = set()
    if depth > 5:
        return names
    for name, field in schema.fields.items():
        names.add(field.data_key or name)
        for part in (field, getattr(field, "inner", None)):
            if isinstance(part, ma.fields.Nested):
                names |= _fields(part.schema, depth + 1)
    return names


def showing_endpoints(app) -> set[str]:
    """Reading API endpoints (GET) whose response schemas carry a contact or protection field, and every CSV
    endpoint. (Actions answer with the record through the same audited services: contact_details, match_view.)"""
    reads = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    found = set()
    for endpoint, view in app.view_functions.items():
        if endpoint not in reads:
            continue
        responses = (getattr(view, "_apidoc", {}).get("response") or {}).get("responses", {})
        for answers in responses.values():
            for answer in answers if isinstance(answers, list) else [answers]:
                schema = answer.get("schema")
                if answer.get("content_type") == "text/csv" or (schema is not None and _fields(schema) & SHOWN_FIELDS):
                    found.add(endpoint)
    return found


def _endpoint(app, path: str) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.match(re.sub(r"\{\w+\}", "1", path), method="GET")[0]


def test_every_endpoint_showing_contact_data_is_in_the_table(matrix_app):
    walked = {_endpoint(matrix_app, shown.path) for shown in TABLE}
    missing = showing_endpoints(matrix_app) - walked - set(NOT_AUDITED)
    # CSV exports of data about no person (needs, pledges' amounts) are not personal.
    missing -= {"needs_api.export_needs", "pledges_api.export_pledges", "needs.export_needs", "pledges.export_pledges",
                "reports_api.export_figures"}
    assert not {m for m in missing if not m.startswith(("reports", "arrivals", "threew"))}, \
        f"endpoints showing contact data without an audit row check: {sorted(missing)}"


TEMPLATE_FIELDS = re.compile(r"\b(contact_name|contact_phone|contact\.name|contact\.phone|offer_address|"
                             r"household_contact|medical_note|\.address\b|volunteer\.email|user\.email|"
                             r"invitation\.email|incident\.description)")
# Templates showing such fields: the pages in TABLE render them; forms show what the editor typed.
PAGE_TEMPLATES = {"housing/household_detail.html", "housing/match.html", "housing/offer_detail.html",
                  "housing/offer_form.html", "housing/safeguarding.html", "jobs/seeker.html", "jobs/application.html",
                  "volunteers/shift.html", "organizations/detail.html", "pledges/detail.html"}
FORM_TEMPLATES = {"housing/household_form.html", "jobs/seeker_form.html", "organizations/form.html"}


def test_every_template_showing_contact_data_is_a_page_of_the_table():
    root = Path(__file__).resolve().parents[2] / "templates"
    showing = {str(path.relative_to(root)) for path in root.rglob("*.html")
               if TEMPLATE_FIELDS.search(path.read_text(encoding="utf-8"))}
    assert showing - PAGE_TEMPLATES - FORM_TEMPLATES == set()


def _views(entity: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.VIEW_PERSONAL_DATA, AuditEvent.entity_type == entity)))


@pytest.mark.parametrize("shown", TABLE, ids=str)
def test_each_view_writes_an_audit_row_with_field_names_only(matrix_app, stage, shown):
    stage.snapshot.restore()
    stage.dirty, stage.last_row = True, None
    world = stage.world
    if shown.setup:
        shown.setup(world.ids)
    before = {event.id for event in _views(shown.entity)}
    response = send(matrix_app, world, Row("GET", shown.path, None, {}), shown.persona)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    new = [event for event in _views(shown.entity) if event.id not in before]
    assert new, f"no audit row for {shown}"
    viewer = db.session.get(User, sa.inspect(world.users[shown.persona]).identity[0])
    for event in new:
        assert event.actor_id == viewer.id and event.changes["fields"] and event.purpose
        assert event.subject_type == (shown.subject or shown.entity)
        written = f"{event.changes} {event.reason}"
        for value in (FAMILY["contact_name"], FAMILY["contact_phone"], SEEKER["contact_name"], "Mesrop Mashtots",
                      "REF-7", "HOST-7", viewer.email):
            assert value not in written

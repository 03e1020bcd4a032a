"""The audit trail is append-only, in the database itself, and records views of personal data."""
import pytest
import sqlalchemy as sa

from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from tests.factories import OrganizationFactory, UserFactory


def test_the_database_refuses_to_rewrite_or_delete_history(app):
    user = UserFactory()
    audit.record(user, AuditAction.CREATE, "organization", 1, {"name": "x"})
    db.session.commit()
    for statement in ("UPDATE audit_events SET reason = 'forged'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_the_orm_refuses_to_change_an_event(app):
    audit.record(None, AuditAction.CREATE, "organization", 1)
    db.session.commit()
    event = db.session.scalars(sa.select(AuditEvent)).one()
    event.reason = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()


def test_a_view_of_personal_data_is_recorded_with_who_whose_and_which_fields(app):
    coordinator = UserFactory(roles=["coordinator"])
    audit.record_personal_data_view(coordinator, "household", 42, ["name", "phone"])
    event = db.session.scalars(sa.select(AuditEvent)).one()
    assert (event.actor_id, event.action, event.entity_type, event.entity_id) == (
        coordinator.id, AuditAction.VIEW_PERSONAL_DATA, "household", 42)
    assert event.changes == {"fields": ["name", "phone"]}
    assert event.occurred_at.tzinfo is not None


def test_history_is_shown_to_members_on_the_organization_page(pages, api):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    api("PATCH", f"/api/v1/organizations/{organization.id}", member, json={"description": "Winter clothing too"})
    pages.login(member.email)
    page = pages.client.get(f"/organizations/{organization.id}").get_data(as_text=True)
    assert "changed: What you do" in page  # the field by its label on the form, not its column name


def test_passwords_never_reach_the_audit_trail(pages):
    user = UserFactory()
    pages.login(user.email)
    pages.post("/account/password", data={"current_password": "correct horse battery",
                                          "new_password": "another long secret",
                                          "new_password_again": "another long secret"})
    dumped = str([(e.changes, e.reason) for e in db.session.scalars(sa.select(AuditEvent))])
    assert "another long secret" not in dumped and "correct horse battery" not in dumped

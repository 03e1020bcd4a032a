"""A name with a line break cannot stop the outbox: names refuse control characters, subjects are stored on
one line, and a message that cannot be built or sent is marked failed while the others still go out (real
SMTP, aiosmtpd)."""
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from aidcoord.accounts.services import register_user
from aidcoord.errors import ValidationFailed
from aidcoord.extensions import db
from aidcoord.notifications.models import MessageState, OutboxMessage
from aidcoord.notifications.services import MAX_ATTEMPTS
from aidcoord.organizations import invitations
from tests.factories import OrganizationFactory, UserFactory
from tests.housing.test_pages_and_outbox import Inbox, free_port
from tests.organizations.test_registry import VALID


@pytest.fixture
def smtp(app):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()


@pytest.mark.parametrize("name", ["Relief\r\nBcc: all@example.org", "Relief\tGroup", "Relief\u2028Group",
                                  "Relief\x1b[31m"])
def test_organization_names_refuse_control_characters(api, name):
    response = api("POST", "/api/v1/organizations", UserFactory(), json={**VALID, "name": name})
    assert response.status_code == 422
    assert "single line" in str(response.get_json()["error"]["fields"]["name"])


def test_person_names_refuse_control_characters(app):
    with pytest.raises(ValidationFailed) as refused:
        register_user("newline@example.org", "Ann\nBcc: x@example.org", "a long enough passphrase 1")
    assert "name" in refused.value.fields


def test_subjects_are_stored_on_one_line(app, smtp):
    # An organization registered before names were checked keeps its line break in the name.
    actor = UserFactory()
    organization = OrganizationFactory(name="Relief\r\nBcc: all@example.org", members=[actor])
    with app.test_request_context():
        invitations.invite(actor, organization, "guest@example.org")
    subject = db.session.scalar(select(OutboxMessage.subject))
    assert "\r" not in subject and "\n" not in subject and "Relief Bcc: all@example.org" in subject
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    assert smtp.messages[0].rcpt_tos == ["guest@example.org"]


def test_one_message_that_cannot_be_sent_does_not_stop_the_others(app, smtp):
    people = [UserFactory() for _ in range(3)]
    for person in people:
        db.session.add(OutboxMessage(recipient_id=person.id, topic="test", subject=f"Hello {person.id}", body="b"))
    db.session.commit()
    bad = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[1]
    # A row written before subjects were folded (the ORM validator is bypassed by a bulk UPDATE).
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == bad.id)
                       .values(subject="Broken\r\nBcc: all@example.org"))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 2, failed 1" in result.output
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == sorted([people[0].email, people[2].email])
    db.session.expire_all()
    bad = db.session.get_one(OutboxMessage, bad.id)
    assert bad.sent_at is None and bad.attempts == 1 and "ValueError" in (bad.last_error or "")

    for _ in range(MAX_ATTEMPTS):
        # Retries wait (exponential backoff): their time has come.
        db.session.execute(update(OutboxMessage).values(run_after=OutboxMessage.created_at))
        db.session.commit()
        app.test_cli_runner().invoke(args=["outbox", "send"])
    db.session.expire_all()
    bad = db.session.get_one(OutboxMessage, bad.id)
    assert bad.attempts == MAX_ATTEMPTS and bad.state == MessageState.DEAD  # the retry limit holds
    assert len(smtp.messages) == 2

"""The outbox really goes out by SMTP. (Which housing pages answer whom is in the permission table,
tests/permissions/.)"""
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.notifications.models import OutboxMessage
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY


@pytest.fixture
def proposal(app):
    coordinator = UserFactory(roles=["coordinator"])
    household = households.register_household(coordinator, dict(FAMILY))
    offer = HousingOfferFactory()
    match = housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    return {"coordinator": coordinator, "household": household, "offer": offer, "match": match}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def test_outbox_messages_are_sent_by_smtp_without_personal_data(proposal, app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
    finally:
        controller.stop()
    # The host's e-mail, and the household's SMS (console provider): registered by staff, it has no account.
    assert result.exit_code == 0 and "sent 2, failed 0" in result.output
    assert inbox.messages[0].rcpt_tos == [proposal["offer"].host.email]
    body = inbox.messages[0].content.decode()
    assert "/housing/matches/" in body and FAMILY["contact_name"] not in body and "123456" not in body
    assert db.session.scalar(select(OutboxMessage.sent_at)) is not None
    assert "sent 0" in app.test_cli_runner().invoke(args=["outbox", "send"]).output


def test_without_smtp_configured_messages_wait(proposal, app):
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output

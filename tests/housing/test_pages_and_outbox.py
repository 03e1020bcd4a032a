"""Housing pages answer each role without error, and the outbox really goes out by SMTP."""
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from aidcoord.housing import matching as housing_matching
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.matching import queue, services as matches
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


@pytest.mark.parametrize("role", ["coordinator", "host", "donor"])
def test_housing_pages_render(proposal, pages, client, role):
    user = {"coordinator": proposal["coordinator"], "host": proposal["offer"].host}.get(role) or UserFactory(roles=[role])
    pages.login(user.email)
    urls = {"/housing/offers": 200, "/housing/offers/new": 200, "/housing/households/new": 200,
            f"/housing/offers/{proposal['offer'].id}": 200 if role != "donor" else 404,
            f"/housing/matches/{proposal['match'].id}": 200 if role != "donor" else 404,
            "/housing/queue": 200 if role == "coordinator" else 403,
            f"/housing/queue/{proposal['match'].entry_id}": 200 if role == "coordinator" else 403,
            f"/housing/households/{proposal['household'].id}": 200 if role == "coordinator" else 404}
    for url, status in urls.items():
        assert client.get(url).status_code == status, url


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
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    assert inbox.messages[0].rcpt_tos == [proposal["offer"].host.email]
    body = inbox.messages[0].content.decode()
    assert "/housing/matches/" in body and FAMILY["contact_name"] not in body and "123456" not in body
    assert db.session.scalar(select(OutboxMessage.sent_at)) is not None
    assert "sent 0" in app.test_cli_runner().invoke(args=["outbox", "send"]).output


def test_without_smtp_configured_messages_wait(proposal, app):
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output

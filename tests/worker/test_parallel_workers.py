"""Four `flask worker --burst` processes at once on PostgreSQL send 1,000 queued e-mails to a real SMTP server:
each exactly once (counted by the Message-ID every attempt of one outbox row carries)."""
import logging
import time
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

from aidcoord.extensions import db
from aidcoord.notifications.models import MessageState, OutboxMessage
from tests.conftest import POSTGRES_URL
from tests.housing.test_pages_and_outbox import free_port
from tests.parallel import run_at_once

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="parallel-process tests run on PostgreSQL")

MESSAGES = 1000


class MessageIds:
    def __init__(self):
        self.seen = Counter()

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.decode().splitlines():
            if line.lower().startswith("message-id:"):
                self.seen[line.split(":", 1)[1].strip()] += 1
        return "250 OK"


def run_worker_command():
    """The real command, in this process: `flask worker --burst`."""
    from flask import current_app

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    started = time.monotonic()
    result = current_app.test_cli_runner().invoke(args=["worker", "--burst", "--batch", "50"])
    assert result.exit_code == 0, result.output
    return int(result.output.split()[-1]), time.monotonic() - started


def test_four_workers_send_a_thousand_messages_each_exactly_once(app, database_url, monkeypatch):
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per command
    inbox, port = MessageIds(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    # The worker processes read the mail server from their environment, as in production.
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    monkeypatch.setenv("MAIL_PORT", str(port))
    db.session.execute(insert(OutboxMessage), [
        {"email": f"person{n}@example.org", "topic": "test", "subject": f"Message {n}", "body": "b", "link": "",
         "locale": "en"} for n in range(MESSAGES)])
    db.session.commit()
    try:
        started = time.monotonic()
        outcomes = run_at_once(database_url, run_worker_command, [()] * 4, lead_seconds=1.0)
        seconds = time.monotonic() - started
    finally:
        controller.stop()
    assert [status for status, _ in outcomes] == ["ok"] * 4, outcomes
    assert len(inbox.seen) == MESSAGES and set(inbox.seen.values()) == {1}
    db.session.expire_all()
    states = dict(db.session.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    assert states == {MessageState.SENT: MESSAGES}
    handled = sorted(count for _, (count, _seconds) in outcomes)
    assert sum(handled) == MESSAGES and handled[0] > 0, handled  # every worker took a share
    working = max(worker_seconds for _, (_count, worker_seconds) in outcomes)
    print(f"4 workers sent {MESSAGES} messages in {working:.1f} s ({seconds:.1f} s with starting the processes); "
          f"shares {handled}")

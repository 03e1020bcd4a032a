"""Delivering the outbox: claimed by workers with a lease, each message sent once, retried with backoff, dead
after WORKER_MAX_ATTEMPTS, skipped when its person stopped messages.

Exactly once normally, at least once after a crash: a worker claims messages (state `sending`, its name and the
time) and commits BEFORE sending, so no other worker takes them (FOR UPDATE SKIP LOCKED on PostgreSQL); it marks
each `sent` right after. A worker that dies between sending and marking leaves the message `sending`; when its
lease (WORKER_LEASE_SECONDS) runs out another worker sends it again. Receivers dedupe by the outbox id: e-mails
carry it in their Message-ID (`<aidcoord-outbox-ID@domain>`, the same on every attempt); SMS and Telegram carry
no key a phone could use, so such a repeat can reach the person twice (only after a crash)."""
import hashlib
import hmac
import logging
import time
from collections import Counter

from flask import current_app
from sqlalchemy import select, update

from aidcoord.common.channels import Channel
from aidcoord.common.types import utcnow
from aidcoord.consent.services import has_withdrawn, refuses_messages
from aidcoord.errors import NotFound
from aidcoord.extensions import db
from aidcoord.notifications.channels import CHANNELS, Sender, address_of, configured_channels
from aidcoord.notifications.models import MessageOptOut, MessageState, OutboxMessage
from aidcoord.notifications.sms import e164
from aidcoord.worker.registry import register_source
from aidcoord.worker.services import backoff, claim_rows, max_attempts

log = logging.getLogger(__name__)


def opt_out_key(channel: Channel, address: str) -> str:
    """A keyed digest of a phone or chat id: opt-outs are checked without keeping the number."""
    secret = current_app.config["SECRET_KEY"].encode()
    if channel == Channel.SMS:  # +374 99 123456, 099123456 and +37499123456 are one phone
        address = e164(address, current_app.config.get("DEFAULT_PHONE_REGION", "AM"))
    return hmac.new(secret, f"opt-out:{channel.value}:{address.strip()}".encode(), hashlib.sha256).hexdigest()


def stop_messages(channel: Channel, address: str) -> None:
    """Record that `address` asked for no more messages on `channel` (STOP), and skip what waits for it.
    Commits."""
    key = opt_out_key(channel, address)
    if db.session.get(MessageOptOut, (channel, key)) is None:
        db.session.add(MessageOptOut(channel=channel, address_key=key))
    db.session.commit()


def opted_out(channel: Channel, address: str) -> bool:
    return db.session.get(MessageOptOut, (channel, opt_out_key(channel, address))) is not None


def _skip_reason(message: OutboxMessage, address: str | None) -> str | None:
    # Words of our own for the admin page: never the address.
    if address is None:
        return "no address on this channel"
    if message.recipient_id is not None and refuses_messages(message.recipient_id):
        return "consent to messages withdrawn"
    if message.subject_kind and message.subject_id is not None and has_withdrawn(
            message.subject_kind, message.subject_id, "messages"):
        return "consent to messages withdrawn"
    if message.channel != Channel.EMAIL and opted_out(message.channel, address):
        return "the recipient answered STOP"
    return None


def deliver(worker: str, limit: int = 50) -> Counter:
    """Claim up to `limit` messages of the configured channels for `worker` and send them; counts by outcome."""
    outcomes: Counter = Counter()
    channels = configured_channels(current_app.config)
    if not channels:
        return outcomes
    claimed = claim_rows(OutboxMessage, claimable=[MessageState.QUEUED], running=MessageState.SENDING,
                         worker=worker, limit=limit, where=[OutboxMessage.channel.in_(channels)])
    if not claimed:
        return outcomes
    messages = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.id.in_(claimed), OutboxMessage.locked_by == worker).order_by(OutboxMessage.id)))
    addresses = {message.id: address_of(message) for message in messages}
    plans = [(message, addresses[message.id], _skip_reason(message, addresses[message.id])) for message in messages]
    for message in messages:
        db.session.expunge(message)  # read once; each outcome is written by its own UPDATE below
    db.session.rollback()
    senders: dict[Channel, Sender] = {}
    marks = Marks(worker, [message.id for message in messages])
    try:
        for message, address, reason in plans:
            outcome, values = _deliver_one(message, address, reason, senders)
            marks.add(message.id, outcome, values)
            outcomes[outcome] += 1
    finally:
        marks.flush()
        for sender in senders.values():
            sender.close()
    return outcomes


class Marks:
    """What happened to each claimed message, written in one UPDATE per outcome: once per batch, or every
    MARK_EVERY_SECONDS while a slow batch goes on (renewing the lease of the rest), so a PostgreSQL commit per
    message does not cost more than sending it. A crash before the write means those messages are sent again
    when their lease runs out (at least once); never twice without a crash."""

    MARK_EVERY_SECONDS = 10

    def __init__(self, worker: str, claimed: list[int]):
        self.worker, self.pending = worker, set(claimed)
        self.sent: list[int] = []
        self.others: list[tuple[int, dict]] = []
        self.since = time.monotonic()

    def add(self, message_id: int, outcome: str, values: dict) -> None:
        self.pending.discard(message_id)
        if outcome == "sent":
            self.sent.append(message_id)
        else:
            self.others.append((message_id, values))
        if time.monotonic() - self.since > self.MARK_EVERY_SECONDS:
            self.flush()

    def flush(self) -> None:
        ours = (OutboxMessage.locked_by == self.worker,)  # only while the lease is still ours
        now = utcnow()
        if self.sent:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(self.sent), *ours).values(
                state=MessageState.SENT, sent_at=now, last_error=None, locked_by=None, locked_at=None)
                .execution_options(synchronize_session=False))
        for message_id, values in self.others:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, *ours)
                               .values(locked_by=None, locked_at=None, **values)
                               .execution_options(synchronize_session=False))
        if self.pending:
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(self.pending), *ours)
                               .values(locked_at=now).execution_options(synchronize_session=False))
        db.session.commit()
        self.sent, self.others, self.since = [], [], time.monotonic()


def _deliver_one(message: OutboxMessage, address: str | None, reason: str | None,
                 senders: dict[Channel, Sender]) -> tuple[str, dict]:
    """Send one message (or skip it); its outcome and the columns to write."""
    if reason is None and message.attempts > max_attempts():  # e.g. stopped by erasure (attempts raised)
        reason = "no attempt left"
    if reason is not None:
        return "skipped", {"state": MessageState.SKIPPED, "last_error": reason}
    try:
        sender = senders.get(message.channel)
        if sender is None:
            sender = senders[message.channel] = CHANNELS[message.channel].open(current_app.config)
        sender.send(message, str(address))
    except Exception as error:  # one message that cannot be sent must not stop the others
        log.warning("outbox message %s failed (attempt %s): %s", message.id, message.attempts, type(error).__name__)
        values: dict = {"last_error": f"{type(error).__name__}: {error}"[:500]}
        if message.attempts >= max_attempts():
            return "dead", {**values, "state": MessageState.DEAD}
        return "failed", {**values, "state": MessageState.QUEUED,
                          "run_after": utcnow() + backoff(message.attempts)}
    return "sent", {}


def deliver_source(worker: str, limit: int) -> int:
    """The outbox as a source of the worker's loop (worker.register_source)."""
    return sum(deliver(worker, limit).values())


def dead_messages(limit: int = 100) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.state == MessageState.DEAD)
                                   .order_by(OutboxMessage.id).limit(limit)))


def retry_message(message_id: int) -> OutboxMessage:
    """Queue a dead message again, its attempts counted afresh. Commits."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.state != MessageState.DEAD:
        raise NotFound()
    message.state, message.attempts, message.run_after = MessageState.QUEUED, 0, utcnow()
    db.session.commit()
    return message


register_source("outbox", deliver_source)


def send_pending() -> tuple[int, int]:
    """`flask outbox send`: work off every message ready now (one worker, then exit); returns (sent, failed)."""
    if not current_app.config.get("MAIL_SERVER"):
        raise RuntimeError("MAIL_SERVER is not configured; messages stay in the outbox")
    from aidcoord.worker.services import worker_name

    name, totals = worker_name(), Counter[str]()
    while True:
        outcomes = deliver(name)
        if not outcomes:
            return totals["sent"], totals["failed"] + totals["dead"]
        totals.update(outcomes)

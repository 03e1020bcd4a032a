"""Writing to the outbox, inside the caller's transaction, by the recipient's channel (delivery: delivery.py)."""
from functools import cache
from typing import Any, cast

from flask_babel import force_locale, get_locale
from sqlalchemy import Insert, Table, bindparam, insert, select
from sqlalchemy import cast as cast_as
from sqlalchemy.orm import make_transient_to_detached

from aidcoord.accounts.models import User
from aidcoord.common.bulk import records_inserted
from aidcoord.common.channels import Channel
from aidcoord.common.locale import default_language, in_language_of
from aidcoord.common.sql import autoflush
from aidcoord.common.types import utcnow
from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose
from aidcoord.extensions import db
from aidcoord.notifications.channels import channel_for
from aidcoord.notifications.models import MessageState, OutboxMessage

MAX_ATTEMPTS = 5  # the default of WORKER_MAX_ATTEMPTS


def notify(recipient: User, topic: str, subject, body, link: str = "") -> OutboxMessage | None:
    """Queue a message, written in the recipient's language (not the language of whoever caused it);
    it is committed with the change it announces, or not at all. None: the person withdrew their consent to
    messages, and nothing is queued for them.

    `subject` and `body` are lazy strings (`lazy_gettext`, with lazy values such as `LazyString(format_datetime,
    ...)`): they are translated and formatted here, under the recipient's locale.
    """
    with in_language_of(recipient) as language:
        subject, body = str(subject), str(body)
    return _queue("recipient_refuses", recipient_id=recipient.id, email=None, channel=channel_for(recipient),
                  address=None, subject_kind=None, subject_id=None, topic=topic, subject=subject, body=body, link=link,
                  locale=language)


def notify_address(email: str, topic: str, subject, body, link: str = "") -> OutboxMessage:
    """Queue a message to an address that may have no account (an invitation), written in the current locale:
    there is no account whose language to use. Committed with the change it announces, or not at all."""
    message = _queue(None, recipient_id=None, email=email, channel=Channel.EMAIL, address=None, subject_kind=None,
                     subject_id=None, topic=topic, subject=str(subject), body=str(body), link=link,
                     locale=str(get_locale() or default_language()))
    assert message is not None  # noqa: S101 - queued without a condition
    return message


def notify_contact(channel: Channel, address: str, locale: str, topic: str, subject, body,
                   link: str = "", about: tuple[str, int] | None = None) -> OutboxMessage | None:
    """Queue a message to someone without an account (a household registered by staff) by its own channel and
    address (a phone for SMS, a chat id for Telegram), written in `locale`; committed with the change it
    announces, or not at all. Say only what the person needs: no other person's data. `about` names the consent
    subject (kind, id) the message concerns: nothing is queued (None) if that person withdrew consent to messages,
    and a message queued is not sent if they withdraw it later."""
    with force_locale(locale):
        subject, body = str(subject), str(body)
    email = address if channel == Channel.EMAIL else None
    return _queue("subject_withdrew" if about else None, recipient_id=None, channel=channel, email=email,
                  address=None if email else address, topic=topic, subject=subject, body=body, link=link,
                  locale=locale, subject_kind=about[0] if about else None, subject_id=about[1] if about else None)


# What a new message's INSERT writes; the worker's columns (locked_by, locked_at, sent_at, last_error) start empty.
_WRITTEN = ("recipient_id", "email", "channel", "address", "subject_kind", "subject_id", "topic", "subject", "body",
            "link", "locale", "created_at", "state", "run_after", "attempts")
_UNWRITTEN = {"locked_by": None, "locked_at": None, "sent_at": None, "last_error": None}


@cache
def _queueing(unless: str | None) -> Insert:
    """A message's INSERT ... RETURNING its id, built once per condition: with one (`unless`: the recipient's
    account refuses messages, or the person it is about withdrew their consent), an INSERT ... SELECT of the
    values WHERE NOT the condition, so the consent look-up costs no statement of its own. On the table: no flush,
    no unit of work."""
    messages = cast(Table, OutboxMessage.__table__)
    values = {name: bindparam(name, type_=messages.c[name].type) for name in _WRITTEN}
    if unless is None:
        return insert(messages).values(values).returning(messages.c.id)
    if unless == "recipient_refuses":
        condition = consent.refuses_messages_condition(values["recipient_id"])
    else:
        condition = consent.withdrawn_condition(values["subject_kind"], values["subject_id"],
                                                ConsentPurpose.MESSAGES)
    # The ids as integers: PostgreSQL types a SELECT's parameter it cannot infer (a NULL) as text.
    selected = [cast_as(value, messages.c[name].type) if name in ("recipient_id", "subject_id") else value
                for name, value in values.items()]
    return insert(messages).from_select(list(_WRITTEN), select(*selected).where(~condition)).returning(messages.c.id)


def _queue(unless: str | None, **fields: Any) -> OutboxMessage | None:
    """Write a message of `fields` by one INSERT at once, unless `unless` holds (see _queueing; None then), and put
    it in the session as the row written, without reading it back: the ORM's flush of a new record costs several
    times the INSERT's own Python. The record is built first, so that its validators shape what is written."""
    now = utcnow()
    message = OutboxMessage(**fields, created_at=now, run_after=now, state=MessageState.QUEUED, attempts=0,
                            **_UNWRITTEN)
    written = message.__dict__
    autoflush()  # what the message refers to (its recipient, consent records) is written first, as by a flush
    message_id = db.session.execute(_queueing(unless), {name: written[name] for name in _WRITTEN}).scalar()
    if message_id is None:
        return None
    message.id = message_id
    make_transient_to_detached(message)  # as if loaded: its values are the row's, nothing left to write
    db.session.add(message)
    records_inserted.send(OutboxMessage, ids=[message_id])  # as a flush announces new records
    return message


def send_pending() -> tuple[int, int]:
    """Send what is ready now, as one worker that stops when done (`flask outbox send`); returns (sent, failed)."""
    from aidcoord.notifications.delivery import send_pending as work_off

    return work_off()

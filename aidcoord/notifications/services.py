"""Writing to the outbox, inside the caller's transaction, by the recipient's channel (delivery: delivery.py)."""
from flask_babel import force_locale, get_locale

from aidcoord.accounts.models import User
from aidcoord.common.channels import Channel
from aidcoord.common.locale import default_language, in_language_of
from aidcoord.consent import services as consent
from aidcoord.extensions import db
from aidcoord.notifications.channels import channel_for
from aidcoord.notifications.models import OutboxMessage

MAX_ATTEMPTS = 5  # the default of WORKER_MAX_ATTEMPTS


def notify(recipient: User, topic: str, subject, body, link: str = "") -> OutboxMessage | None:
    """Queue a message, written in the recipient's language (not the language of whoever caused it);
    it is committed with the change it announces, or not at all.

    `subject` and `body` are lazy strings (`lazy_gettext`, with lazy values such as `LazyString(format_datetime,
    ...)`): they are translated and formatted here, under the recipient's locale.
    """
    if consent.refuses_messages(recipient.id):
        return None  # the person withdrew their consent to messages: nothing is queued for them
    with in_language_of(recipient) as language:
        subject, body = str(subject), str(body)
    message = OutboxMessage(recipient_id=recipient.id, channel=channel_for(recipient), topic=topic, subject=subject,
                            body=body, link=link, locale=language)
    db.session.add(message)
    return message


def notify_address(email: str, topic: str, subject, body, link: str = "") -> OutboxMessage:
    """Queue a message to an address that may have no account (an invitation), written in the current locale:
    there is no account whose language to use. Committed with the change it announces, or not at all."""
    message = OutboxMessage(recipient_id=None, email=email, topic=topic, subject=str(subject), body=str(body),
                            link=link, locale=str(get_locale() or default_language()))
    db.session.add(message)
    return message


def notify_contact(channel: Channel, address: str, locale: str, topic: str, subject, body,
                   link: str = "", about: tuple[str, int] | None = None) -> OutboxMessage:
    """Queue a message to someone without an account (a household registered by staff) by its own channel and
    address (a phone for SMS, a chat id for Telegram), written in `locale`; committed with the change it
    announces, or not at all. Say only what the person needs: no other person's data. `about` names the consent
    subject (kind, id) the message concerns: it is not sent if that person withdraws consent to messages."""
    with force_locale(locale):
        subject, body = str(subject), str(body)
    email = address if channel == Channel.EMAIL else None
    message = OutboxMessage(recipient_id=None, channel=channel, email=email,
                            address=None if email else address, topic=topic, subject=subject, body=body, link=link,
                            locale=locale, subject_kind=about[0] if about else None,
                            subject_id=about[1] if about else None)
    db.session.add(message)
    return message


def send_pending() -> tuple[int, int]:
    """Send what is ready now, as one worker that stops when done (`flask outbox send`); returns (sent, failed)."""
    from aidcoord.notifications.delivery import send_pending as work_off

    return work_off()

"""Writing to the outbox (inside the caller's transaction) and sending it by SMTP."""
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import select

from aidcoord.accounts.models import User
from aidcoord.common.locale import default_language, in_language_of
from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage

MAX_ATTEMPTS = 5


def notify(recipient: User, topic: str, subject, body, link: str = "") -> OutboxMessage:
    """Queue a message, written in the recipient's language (not the language of whoever caused it);
    it is committed with the change it announces, or not at all.

    `subject` and `body` are lazy strings (`lazy_gettext`, with lazy values such as `LazyString(format_datetime,
    ...)`): they are translated and formatted here, under the recipient's locale.
    """
    with in_language_of(recipient) as language:
        subject, body = str(subject), str(body)
    message = OutboxMessage(recipient_id=recipient.id, topic=topic, subject=subject, body=body, link=link,
                            locale=language)
    db.session.add(message)
    return message


def notify_address(email: str, topic: str, subject, body, link: str = "") -> OutboxMessage:
    """Queue a message to an address that may have no account (an invitation), written in the current locale:
    there is no account whose language to use. Committed with the change it announces, or not at all."""
    message = OutboxMessage(recipient_id=None, email=email, topic=topic, subject=str(subject), body=str(body),
                            link=link, locale=str(get_locale() or default_language()))
    db.session.add(message)
    return message


def pending(limit: int = 100) -> list[OutboxMessage]:
    query = (select(OutboxMessage).where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
             .order_by(OutboxMessage.id).limit(limit))
    return list(db.session.scalars(query))


def _email(message: OutboxMessage, config) -> EmailMessage:
    # An account's current address (the foreign key keeps the account), or the address written down.
    address = (db.session.get_one(User, message.recipient_id).email if message.recipient_id is not None
               else message.email)
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = config["MAIL_SENDER"], address, message.subject
    email.set_content(f"{message.body}\n\n{config.get('PUBLIC_URL', '')}{message.link}")
    return email


def send_pending() -> tuple[int, int]:
    """Send queued messages through the configured SMTP server; returns (sent, failed)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise RuntimeError("MAIL_SERVER is not configured; messages stay in the outbox")
    sent = failed = 0
    if not pending(limit=1):
        return sent, failed
    with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for message in pending():
            message.attempts += 1
            # One message that cannot be built or sent (a bad address, a header the e-mail library refuses)
            # must not stop the others: it is marked failed, retried up to MAX_ATTEMPTS, and the loop goes on.
            try:
                smtp.send_message(_email(message, config))
            except Exception as error:  # any failure of one message must not block the rest
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                failed += 1
            else:
                message.sent_at = utcnow()
                sent += 1
            db.session.commit()
    return sent, failed

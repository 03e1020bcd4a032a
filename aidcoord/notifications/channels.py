"""The channel registry: how an outbox message reaches its recipient (e-mail, SMS, Telegram).

A channel is configured or not (`configured(config)`), finds the recipient's address for it (`address`) and opens
a sender for a batch (`open(config)`: an object with `send(message, address)` and `close()`). Add a channel by
adding it to `common.channels.Channel` and `CHANNELS` here."""
import contextlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Protocol

from aidcoord.accounts.models import User
from aidcoord.common.channels import Channel
from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage
from aidcoord.notifications.sms import e164, sms_configured, sms_provider
from aidcoord.notifications.telegram_api import telegram_bot, telegram_configured


class Sender(Protocol):
    def send(self, message: OutboxMessage, address: str) -> None: ...

    def close(self) -> None: ...


def message_id_header(message: OutboxMessage, config) -> str:
    """The receiver-side dedupe key of an e-mail: the same Message-ID on every attempt of one outbox row."""
    domain = str(config.get("MAIL_SENDER", "")).rpartition("@")[2].strip(" >") or "aidcoord.invalid"
    return f"<aidcoord-outbox-{message.id}@{domain}>"


def text_of(message: OutboxMessage, config) -> str:
    """The message as one text (SMS, Telegram): subject, body and the link."""
    link = f"{config.get('PUBLIC_URL', '')}{message.link}" if message.link else ""
    return "\n\n".join(part for part in (message.subject, message.body, link) if part)


class EmailSender:
    def __init__(self, config):
        self.config, self.smtp = config, None

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.config["MAIL_SERVER"], self.config.get("MAIL_PORT", 25), timeout=30)
        if self.config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if self.config.get("MAIL_USERNAME"):
            smtp.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        return smtp

    def send(self, message: OutboxMessage, address: str) -> None:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = self.config["MAIL_SENDER"], address, message.subject
        email["Message-ID"] = message_id_header(message, self.config)
        email.set_content(f"{message.body}\n\n{self.config.get('PUBLIC_URL', '')}{message.link}")
        if self.smtp is None:
            self.smtp = self._connect()
        try:
            self.smtp.send_message(email)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()  # the next message opens a new connection
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp = None


class SmsSender:
    def __init__(self, config):
        self.config, self.provider = config, sms_provider(config)

    def send(self, message: OutboxMessage, address: str) -> None:
        to = e164(address, self.config.get("DEFAULT_PHONE_REGION", "AM"))
        self.provider.send(to, text_of(message, self.config), message.id)

    def close(self) -> None:
        pass


class TelegramSender:
    def __init__(self, config):
        self.config, self.bot = config, telegram_bot(config)

    def send(self, message: OutboxMessage, address: str) -> None:
        self.bot.send_message(address, text_of(message, self.config))

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class ChannelSpec:
    configured: Callable[[Any], bool]
    open: Callable[[Any], Sender]
    user_address: Callable[[User], str | None]


CHANNELS: dict[Channel, ChannelSpec] = {
    Channel.EMAIL: ChannelSpec(lambda config: bool(config.get("MAIL_SERVER")), EmailSender, lambda user: user.email),
    Channel.SMS: ChannelSpec(sms_configured, SmsSender, lambda user: user.phone),
    Channel.TELEGRAM: ChannelSpec(telegram_configured, TelegramSender, lambda user: user.telegram_chat_id),
}


def configured_channels(config) -> list[Channel]:
    return [channel for channel, spec in CHANNELS.items() if spec.configured(config)]


def address_of(message: OutboxMessage) -> str | None:
    """The recipient's address on the message's channel: an account's current one, else the one written down."""
    if message.recipient_id is not None:
        return CHANNELS[message.channel].user_address(db.session.get_one(User, message.recipient_id))
    return message.email if message.channel == Channel.EMAIL else message.address


def channel_for(user: User) -> Channel:
    """The user's preferred channel when they gave its address, else e-mail."""
    preferred = user.preferred_channel
    return preferred if CHANNELS[preferred].user_address(user) else Channel.EMAIL


__all__ = ["CHANNELS", "address_of", "channel_for", "configured_channels"]

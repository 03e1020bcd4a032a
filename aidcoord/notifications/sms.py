"""Sending SMS through a provider: Twilio in production, the console (a file or the log) in development.

A provider has one method, `send(to, text, message_id)`; `sms_provider(config)` picks it by SMS_PROVIDER."""
import json
import logging
from typing import Protocol

import phonenumbers

log = logging.getLogger(__name__)


def e164(phone: str, region: str = "AM") -> str:
    """The number in E.164 (`+37499123456`), national forms read in `region`; unparseable text as given."""
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return phone.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class SmsProvider(Protocol):
    def send(self, to: str, text: str, message_id: int) -> None: ...


class ConsoleSms:
    """Development: each SMS is appended as a JSON line to SMS_CONSOLE_FILE, or only announced in the log
    (by its outbox id, never its number or text)."""

    def __init__(self, path: str | None):
        self.path = path

    def send(self, to: str, text: str, message_id: int) -> None:
        if self.path:
            with open(self.path, "a", encoding="utf-8") as file:
                file.write(json.dumps({"id": message_id, "to": to, "text": text}, ensure_ascii=False) + "\n")
        else:
            log.info("SMS %s written to the console provider (%d characters)", message_id, len(text))


class TwilioSms:
    """Twilio's Messages API through the `twilio` library. TWILIO_API_URL (tests) points it at another server."""

    def __init__(self, config):
        from twilio.rest import Client  # type: ignore[import-untyped]

        self.client = Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])
        if config.get("TWILIO_API_URL"):
            self.client.api.base_url = config["TWILIO_API_URL"].rstrip("/")
        self.sender = config["TWILIO_FROM"]

    def send(self, to: str, text: str, message_id: int) -> None:
        self.client.messages.create(to=to, from_=self.sender, body=text)


def sms_provider(config) -> SmsProvider:
    """The provider named by SMS_PROVIDER (`console`, the default, or `twilio`)."""
    if config.get("SMS_PROVIDER", "console") == "twilio":
        return TwilioSms(config)
    return ConsoleSms(config.get("SMS_CONSOLE_FILE"))


def sms_configured(config) -> bool:
    if config.get("SMS_PROVIDER", "console") == "twilio":
        return all(config.get(name) for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"))
    return True

"""The channels a message can reach a person by (the outbox delivers each through its own provider)."""
import enum

from flask_babel import lazy_gettext as _l


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"
    TELEGRAM = "telegram"

    @property
    def label(self):
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {Channel.EMAIL: _l("E-mail"), Channel.SMS: _l("SMS"), Channel.TELEGRAM: _l("Telegram")}

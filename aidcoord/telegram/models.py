"""What the bot keeps: the updates it received (once each) and where each person is in a conversation."""
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, utcnow
from aidcoord.extensions import Model


class TelegramUpdate(Model):
    """One row per update_id: a retry from Telegram finds it and is acknowledged without being applied again.
    The body (what the person typed) is kept only until the update is handled."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), info=PERSONAL)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TelegramConversation(Model):
    """A Telegram person's place in the conversation and the answers given so far (before they become a case)."""

    __tablename__ = "telegram_conversations"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False,
                                                  info=PERSONAL)
    chat_id: Mapped[int] = mapped_column(BigInteger, info=PERSONAL)
    # The person's own passwordless account, made when they first register something.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(40), default="start")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=PERSONAL)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

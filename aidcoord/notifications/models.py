"""The outbox: messages written in the same transaction as what they announce, sent later."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, utcnow
from aidcoord.common.validation import one_line
from aidcoord.extensions import Model


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # An account, or (an invitation to someone who may have none) only an address: exactly one of the two.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    topic: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    # No personal data of refugees in the body: it says what happened and links to the page.
    body: Mapped[str] = mapped_column(Text, info=PERSONAL)
    link: Mapped[str] = mapped_column(String(500), default="")
    # The recipient's language at the time of writing: subject and body are in it.
    locale: Mapped[str] = mapped_column(String(16), server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), info=PERSONAL)

    @validates("subject")
    def _subject_on_one_line(self, _key: str, subject: str) -> str:
        # The subject is built from names people typed (an organization's); a line break in it would make
        # the e-mail header invalid (or inject another header), so every subject is stored on one line.
        return one_line(subject)[:200]

"""The outbox: messages written in the same transaction as what they announce, sent later by `flask worker`."""
import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from aidcoord.common.channels import Channel
from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.common.validation import one_line
from aidcoord.extensions import Model


class MessageState(enum.Enum):
    QUEUED = "queued"  # waiting for run_after (a first try, or a retry after a failure: last_error says why)
    SENDING = "sending"  # claimed by locked_by; its lease runs out WORKER_LEASE_SECONDS after locked_at
    SENT = "sent"
    DEAD = "dead"  # WORKER_MAX_ATTEMPTS failures: waits for an admin (retry) on the dead-letter page
    SKIPPED = "skipped"  # not sent on purpose: the person stopped messages (or withdrew consent) after queueing


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_state_run_after", "state", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # An account, or someone who may have none (an invitation: an e-mail address; a household registered by
    # staff: its phone or Telegram chat in `address`).
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), info=PERSONAL)
    # The channel chosen when the message was written, and (without an account) its phone or chat id.
    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel), default=Channel.EMAIL,
                                             server_default="email")
    address: Mapped[str | None] = mapped_column(String(64), info=PERSONAL)
    # Whose record the message is about, for someone without an account (a consent subject: "household", 12):
    # the worker skips it if that person withdrew their consent to messages after it was queued.
    subject_kind: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    topic: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    # No personal data of refugees in the body: it says what happened and links to the page.
    body: Mapped[str] = mapped_column(Text, info=PERSONAL)
    link: Mapped[str] = mapped_column(String(500), default="")
    # The recipient's language at the time of writing: subject and body are in it.
    locale: Mapped[str] = mapped_column(String(16), server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[MessageState] = mapped_column(enum_column_type(MessageState), default=MessageState.QUEUED,
                                                server_default="queued")
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(128))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), info=PERSONAL)

    @validates("subject")
    def _subject_on_one_line(self, _key: str, subject: str) -> str:
        # The subject is built from names people typed (an organization's); a line break in it would make
        # the e-mail header invalid (or inject another header), so every subject is stored on one line.
        return one_line(subject)[:200]


class MessageOptOut(Model):
    """A phone or chat that answered STOP: nothing more is sent to it. Kept as a keyed digest of the address
    (no phone number is kept after the person asked for silence)."""

    __tablename__ = "message_opt_outs"

    channel: Mapped[Channel] = mapped_column(enum_column_type(Channel), primary_key=True)
    address_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

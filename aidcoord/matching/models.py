"""The queue (one mechanism for housing, jobs, ...) and the matches made from it."""
import enum
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model
from aidcoord.matching.lifecycle import EntryState, MatchState

__all__ = ["EntryState", "Match", "MatchState", "MatchStep", "QueueEntry", "QueueKind"]


class QueueKind(enum.Enum):
    """The kinds of match; each registers itself in matching.kinds (shifts keep their sign-ups in
    their own table, but follow the same lifecycle)."""

    HOUSING = "housing"
    JOBS = "jobs"
    SHIFTS = "shifts"


# Waiting, or leased (available again when the lease runs out): matching.queue.AVAILABLE_STATES.
_AVAILABLE_ENTRY = "state IN ('waiting', 'leased')"


class QueueEntry(Model):
    __tablename__ = "queue_entries"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id", name="uq_queue_entries_subject"),
        Index("ix_queue_entries_order", "kind", "state", "priority", "joined_at"),
        CheckConstraint("(state = 'leased') = (leased_by_id IS NOT NULL)", name="lease_has_holder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[QueueKind] = mapped_column(enum_column_type(QueueKind))
    subject_id: Mapped[int]  # the household (housing) or job seeker (jobs)
    priority: Mapped[int]
    # Never changes: a declined or expired proposal puts the entry back in its original place.
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[EntryState] = mapped_column(enum_column_type(EntryState), default=EntryState.WAITING)
    leased_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# What take_next reads: the available entries in queue order (matching.queue.QUEUE_ORDER), so the top one is the
# first of the index, whatever the length of the queue or the number of placed and closed rows.
Index("ix_queue_entries_available", QueueEntry.kind, QueueEntry.priority.desc(), QueueEntry.joined_at, QueueEntry.id,
      sqlite_where=text(_AVAILABLE_ENTRY), postgresql_where=text(_AVAILABLE_ENTRY))
# What the queue's list reads (matching.queue.OPEN_STATES, proposals included) in the same order.
_OPEN_ENTRY = "state IN ('waiting', 'leased', 'proposed')"
Index("ix_queue_entries_open", QueueEntry.kind, QueueEntry.priority.desc(), QueueEntry.joined_at, QueueEntry.id,
      sqlite_where=text(_OPEN_ENTRY), postgresql_where=text(_OPEN_ENTRY))


# Each kind's words for the shared states, filled in by matching.kinds.register (models know no kind).
STATE_LABELS: dict[QueueKind, Callable[[MatchState], Any]] = {}

# Under way: at most one such match per person and offer (a job application sent twice at once).
_ACTIVE_MATCH = "state IN ('proposed', 'accepted')"


class Match(Model):
    __tablename__ = "matches"
    __table_args__ = (
        CheckConstraint("people > 0 AND held >= 0 AND (kind <> 'housing' OR held >= people)", name="holds_enough"),
        Index("uq_matches_active_application", "kind", "subject_id", "offer_id", unique=True,
              sqlite_where=text(_ACTIVE_MATCH), postgresql_where=text(_ACTIVE_MATCH)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[QueueKind] = mapped_column(enum_column_type(QueueKind))
    # The queue entry the match was made from; none when a person applied on their own.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("queue_entries.id"), index=True)
    subject_id: Mapped[int] = mapped_column(index=True)  # household or job seeker, by kind
    offer_id: Mapped[int] = mapped_column(index=True)  # housing offer or job listing, by kind
    people: Mapped[int]
    held: Mapped[int]  # capacity units held: beds (a whole dwelling holds all of them) or positions
    state: Mapped[MatchState] = mapped_column(enum_column_type(MatchState), default=MatchState.PROPOSED, index=True)
    score: Mapped[int] = mapped_column(default=0)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # housing proposals: answer by then
    # When the person agreed to share their contact with the offer's side (jobs: applying, or
    # consenting to a referral).
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[QueueEntry | None] = relationship(lazy="joined")
    steps: Mapped[list["MatchStep"]] = relationship(order_by="MatchStep.id", lazy="selectin")

    @property
    def state_label(self) -> Any:
        """The state in the kind's own words (moved in, hired, ...)."""
        label = STATE_LABELS.get(self.kind)
        return label(self.state) if label is not None else self.state.label


class MatchStep(Model):
    """Every step of a match: who, when, to which state, why."""

    __tablename__ = "match_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    state: Mapped[MatchState] = mapped_column(enum_column_type(MatchState))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

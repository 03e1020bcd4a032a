"""Jobs waiting for, held by or done by a background worker; the workers' heartbeats."""
import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class JobState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"  # claimed by locked_by; its lease runs out WORKER_LEASE_SECONDS after locked_at
    DONE = "done"
    FAILED = "failed"  # the last attempt raised; tried again from run_after
    DEAD = "dead"  # no attempt left (or a permanent failure): waits for an admin


class Job(Model):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    # Ids and codes only: no personal value is ever put in a payload (see the package's docstring).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set by callers that must not queue the same work twice (a Telegram update_id): unique when given.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    state: Mapped[JobState] = mapped_column(enum_column_type(JobState), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by: Mapped[str | None] = mapped_column(String(128))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress: Mapped[int | None]
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The error's class and the handler's own words; never a value from the data.
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobFile(Model):
    """A file a job works on (an uploaded registration list), kept in the database so that a worker on any node
    can run the job. It may hold personal data: it is deleted when the job ends (done or dead)."""

    __tablename__ = "job_files"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary, info=PERSONAL)


class WorkerHeartbeat(Model):
    """One row per worker process, beaten every loop: /readyz reads the newest beat."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)  # host:pid:random
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    processed: Mapped[int] = mapped_column(default=0)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

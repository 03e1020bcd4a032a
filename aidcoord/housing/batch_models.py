"""A batch run: the optimiser's proposals for the waiting queue, computed by a background worker, kept for a
coordinator to review and approve (nothing reaches a host before that)."""
import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class BatchRunState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # the result is stored, waiting for review
    FAILED = "failed"

    @property
    def label(self):
        return {"queued": _l("Waiting for a worker"), "running": _l("Computing"),
                "done": _l("Ready for review"), "failed": _l("Failed")}[self.value]


class HousingBatchRun(Model):
    """One run of the batch optimiser over the waiting queue and the free offers (of one region or all).

    `result` holds ids, counts and reason codes only (no names, phones or notes): the page words the
    reasons in the reader's language and reads the records it shows."""

    __tablename__ = "housing_batch_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str | None] = mapped_column(String(10))  # None: the whole queue
    state: Mapped[BatchRunState] = mapped_column(enum_column_type(BatchRunState), default=BatchRunState.QUEUED,
                                                 index=True)
    progress: Mapped[int] = mapped_column(default=0)  # 0..100
    job_id: Mapped[int | None]  # the worker's job that computes it (aidcoord.worker)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(500))  # the error's class, never a value from the data
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

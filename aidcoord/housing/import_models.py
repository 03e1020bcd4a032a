"""A household registration list imported in the background: the API and the page queue it for a worker
(aidcoord.worker), and whoever imported it polls it for its progress, then the households created or every
problem found (nothing is written then: all or nothing)."""
import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class ImportState(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # every row registered
    REJECTED = "rejected"  # a row or the file has a problem: nothing was registered
    FAILED = "failed"  # an error of aidcoord's own: nothing was registered, the file can be sent again

    @property
    def label(self):
        return {"queued": _l("Waiting for a worker"), "running": _l("Importing"), "done": _l("Imported"),
                "rejected": _l("Nothing was imported"), "failed": _l("Failed")}[self.value]

    @property
    def finished(self) -> bool:
        return self in (ImportState.DONE, ImportState.REJECTED, ImportState.FAILED)


class HouseholdImport(Model):
    """One registration list sent for import. The file itself waits in the worker's job_files until the job
    ends; this row keeps counts, the problems found (by row and column) and the error's class when it failed."""

    __tablename__ = "household_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[ImportState] = mapped_column(enum_column_type(ImportState), default=ImportState.QUEUED)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    locale: Mapped[str] = mapped_column(String(10))  # the language the problems are written in
    job_id: Mapped[int | None]
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int | None]  # households registered, once done
    # Once rejected: {"row 3": {column: [messages]}, ...}. A message may quote the file (a header that was a
    # household's row, a value that is not a phone), so it is personal data with a retention period of its own.
    problems: Mapped[dict[str, Any] | None] = mapped_column(JSON, info=PERSONAL)
    error: Mapped[str | None] = mapped_column(String(200))  # once failed: the error's class, never a value
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

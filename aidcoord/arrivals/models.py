"""One reported cumulative count of arrivals."""
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.types import UTCDateTime, utcnow
from aidcoord.extensions import Model


class ArrivalReport(Model):
    """A count "N people have arrived so far", as reported by a source at a local date (and time, when known).

    The day and clock time are the deployment zone's (AIDCOORD_TIMEZONE), as the sources publish them; some
    sources give only the day, so the time may be missing and counts of one day are ordered by their size."""

    __tablename__ = "arrival_reports"
    __table_args__ = (
        CheckConstraint("cumulative_arrivals >= 0", name="arrivals_not_negative"),
        Index("ix_arrival_reports_day_count", "reported_on", "cumulative_arrivals"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reported_on: Mapped[date]
    reported_time: Mapped[time | None]
    cumulative_arrivals: Mapped[int]
    source: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def reported_at(self) -> str:
        """As the CSV writes it: YYYY-MM-DD, or YYYY-MM-DDTHH:MM when the time is known."""
        if self.reported_time is None:
            return self.reported_on.isoformat()
        return f"{self.reported_on.isoformat()}T{self.reported_time.strftime('%H:%M')}"

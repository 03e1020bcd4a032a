"""Reported arrivals: recorded by coordinators (form, API, CSV), read as a series of days.

Counts are cumulative and several may be reported in one day, by different sources; a day's figure is the
largest count reported that day, and a day's arrivals are the difference from the previous reported day.
"""
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from aidcoord.accounts.models import User
from aidcoord.arrivals.models import ArrivalReport
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common import validation as check
from aidcoord.common.permissions import is_staff
from aidcoord.common.types import today as local_today
from aidcoord.errors import PermissionDenied, ValidationFailed
from aidcoord.extensions import db

MAX_ARRIVALS = 100_000_000


def parse_reported_at(errors: check.FieldErrors, field: str, value) -> tuple[date | None, time | None]:
    """A local day (YYYY-MM-DD) or day and time (YYYY-MM-DDTHH:MM, or with a space)."""
    if isinstance(value, datetime):
        return value.date(), value.time().replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, date):
        return value, None
    text = ("" if value is None else str(value)).strip()
    if not text:
        errors.add(field, _l("This field is required."))
        return None, None
    if len(text) == 10:
        return check.a_date(errors, field, text), None
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        errors.add(field, _l("Enter a date as YYYY-MM-DD, or a local time as YYYY-MM-DDTHH:MM."))
        return None, None
    if moment.tzinfo is not None:
        errors.add(field, _l("Give the local time of the deployment, without a time zone."))
        return None, None
    day = check.a_date(errors, field, moment.date())
    return day, moment.time().replace(second=0, microsecond=0)


def clean_report(data: dict, *, today: date | None = None) -> dict:
    """Check a report's fields at once; raises ValidationFailed with every problem by field."""
    errors = check.FieldErrors()
    day, clock = parse_reported_at(errors, "reported_at", data.get("reported_at"))
    if day is not None and day > (today or local_today()):
        errors.add("reported_at", _l("The date cannot be in the future."))
    count = check.whole_number(errors, "cumulative_arrivals", data.get("cumulative_arrivals"), minimum=0,
                               maximum=MAX_ARRIVALS, required=True)
    source = check.text(errors, "source", data.get("source"), 500, required=True, single_line=True)
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return {"reported_on": day, "reported_time": clock, "cumulative_arrivals": count, "source": source}


def record_report(actor: User, data: dict, *, today: date | None = None, commit: bool = True) -> ArrivalReport:
    """Record one reported count (coordinators and admins); the same day, time, count and source again is refused."""
    if not is_staff(actor):
        raise PermissionDenied()
    clean = clean_report(data, today=today)
    if already_recorded(clean):
        errors = check.FieldErrors()
        errors.add("reported_at", _l("This count from this source at this time is already recorded."))
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    report = ArrivalReport(**clean, recorded_by_id=actor.id)
    db.session.add(report)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, "arrival_report", report.id,
                 {"reported_at": report.reported_at, "cumulative_arrivals": report.cumulative_arrivals})
    if commit:
        db.session.commit()
    return report


def already_recorded(clean: dict) -> bool:
    """Whether a report with the same day, time, count and source is there (how a reloaded file adds nothing)."""
    time_matches = (ArrivalReport.reported_time.is_(None) if clean["reported_time"] is None
                    else ArrivalReport.reported_time == clean["reported_time"])
    return db.session.scalar(select(ArrivalReport.id).where(
        ArrivalReport.reported_on == clean["reported_on"], time_matches,
        ArrivalReport.cumulative_arrivals == clean["cumulative_arrivals"],
        ArrivalReport.source == clean["source"]).limit(1)) is not None


def list_reports(start: date | None = None, end: date | None = None) -> list[ArrivalReport]:
    """Reports in the period, latest first (a day's counts by size, as they are cumulative)."""
    query = select(ArrivalReport)
    if start is not None:
        query = query.where(ArrivalReport.reported_on >= start)
    if end is not None:
        query = query.where(ArrivalReport.reported_on <= end)
    query = query.order_by(ArrivalReport.reported_on.desc(), ArrivalReport.cumulative_arrivals.desc(),
                           ArrivalReport.id.desc())
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class ArrivalDay:
    """The largest cumulative count reported on a day, and the arrivals since the previous reported day."""

    day: date
    cumulative: int
    arrived: int
    reports: int


def daily_series(start: date | None = None, end: date | None = None) -> list[ArrivalDay]:
    """One row per reported day in the period (grouped in the database); the first day's arrivals count from
    the last day reported before the period (from 0 when there is none)."""
    query = select(ArrivalReport.reported_on, func.max(ArrivalReport.cumulative_arrivals), func.count())
    if start is not None:
        query = query.where(ArrivalReport.reported_on >= start)
    if end is not None:
        query = query.where(ArrivalReport.reported_on <= end)
    rows = db.session.execute(query.group_by(ArrivalReport.reported_on).order_by(ArrivalReport.reported_on)).all()
    previous = 0
    if start is not None:
        previous = db.session.scalar(select(func.max(ArrivalReport.cumulative_arrivals))
                                     .where(ArrivalReport.reported_on < start)) or 0
    series = []
    for day, cumulative, reports in rows:
        series.append(ArrivalDay(day, cumulative, max(cumulative - previous, 0), reports))
        previous = max(previous, cumulative)
    return series


def total_as_of(day: date | None = None) -> int:
    """The largest cumulative count reported on or before `day` (all reports when None)."""
    query = select(func.max(ArrivalReport.cumulative_arrivals))
    if day is not None:
        query = query.where(ArrivalReport.reported_on <= day)
    return db.session.scalar(query) or 0

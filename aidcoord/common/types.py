"""Column types shared by every slice, and the app's clock."""
import enum
from datetime import UTC, date, datetime

from sqlalchemy import DateTime, Enum, TypeDecorator

from aidcoord.common.locale import deployment_timezone


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the deployment's zone (AIDCOORD_TIMEZONE, Asia/Yerevan by default), for every rule
    about "today" (deadlines, not-in-the-future checks, defaults).

    Not the server's date: servers run in UTC while people in Yerevan live four hours ahead, so between
    midnight and 04:00 there the server's date is still yesterday's, and a delivery made at 01:00 would be
    refused as being in the future. The one place that reads the calendar.
    """
    return datetime.now(deployment_timezone()).date()


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite keeps no zone) and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def enum_column_type(enum_cls: type[enum.Enum], name: str | None = None) -> Enum:
    """A portable enum: VARCHAR + CHECK holding the member values (no PostgreSQL ENUM type to migrate).
    Give `name` when one table has two columns of the same enum (constraint names must differ)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        name=name or enum_cls.__name__.lower(),
        validate_strings=True,
    )

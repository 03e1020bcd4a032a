"""Column types shared by every slice."""
import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (SQLite keeps no zone) and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


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

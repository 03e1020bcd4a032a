"""Recording what happened. Callers add the event inside their own transaction, so the
record and the change it describes are committed (or rolled back) together."""
import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db


def _plain(value):
    """JSON-safe form of a column value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def record(actor, action: AuditAction, entity_type: str, entity_id: int, changes=None, reason=None) -> AuditEvent:
    """Add one event to the current transaction (the caller commits)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes={key: _plain(value) for key, value in (changes or {}).items()},
        reason=reason,
    )
    db.session.add(event)
    return event


def diff(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for every field whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after[key])]
        for key in after
        if _plain(before.get(key)) != _plain(after[key])
    }


def record_personal_data_view(viewer, entity_type: str, entity_id: int, fields: list[str]) -> None:
    """Record that `viewer` saw these personal fields; committed at once, since a view writes nothing else."""
    record(viewer, AuditAction.VIEW_PERSONAL_DATA, entity_type, entity_id, {"fields": fields})
    db.session.commit()


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """Events about one record, oldest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(query))

"""The audit trail: append-only; the database refuses updates and deletes (see the migration)."""
import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from aidcoord.common.personal_data import PERSONAL
from aidcoord.common.types import UTCDateTime, enum_column_type, utcnow
from aidcoord.extensions import Model


class AuditAction(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    STATE_CHANGE = "state_change"
    DELETE = "delete"
    VIEW_PERSONAL_DATA = "view_personal_data"

    @property
    def label(self):
        """What a history on a page calls the action."""
        return {"create": _l("created"), "update": _l("changed"), "state_change": _l("state changed"),
                "delete": _l("deleted"), "view_personal_data": _l("personal data viewed")}[self.value]


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(enum_column_type(AuditAction))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int]
    # {"field": [old, new]} for updates; {"state": [old, new], ...} for transitions; {"fields": [...]} for views.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=PERSONAL)
    reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_rewriting_history(mapper, connection, target):
    raise RuntimeError("the audit trail is append-only")

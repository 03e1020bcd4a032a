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


class Purpose(enum.Enum):
    """Why personal data was shown: what the audit's reader is told, in their language."""
    CASEWORK = "casework"          # the record's own caseworker or a coordinator handling the case
    MATCH = "match"                # a proposal or placement: the host learns the household's contact, and back
    APPLICATION = "application"    # a job application or referral: the employer learns the seeker's contact
    DELIVERY = "delivery"          # a pledge's delivery: the receiver learns the donor's contact
    ROSTER = "roster"              # a shift's roster: the organization running it learns who comes
    MEMBERSHIP = "membership"      # an organization's members list
    SAFEGUARDING = "safeguarding"  # incidents, welfare checks, suspensions
    VETTING = "vetting"            # checking a host's offer
    EXPORT = "export"              # a file downloaded

    @property
    def label(self):
        return {"casework": _l("casework"), "match": _l("a match"), "application": _l("a job application"),
                "delivery": _l("a delivery"), "roster": _l("a shift roster"), "membership": _l("membership"),
                "safeguarding": _l("safeguarding"), "vetting": _l("vetting an offer"),
                "export": _l("an export")}[self.value]


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),
                      Index("ix_audit_events_subject", "subject_type", "subject_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(enum_column_type(AuditAction))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int]
    # {"field": [old, new]} for updates; {"state": [old, new], ...} for transitions; {"fields": [...]} for views.
    # A personal column's values are never here: services.WITHHELD stands in for them.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, info=PERSONAL)
    reason: Mapped[str | None] = mapped_column(String(2000), info=PERSONAL)
    # For views of personal data: whose data or case it is (the person's record: a household, a job seeker, an
    # account; the record itself unless said), why (a purpose code and the record it served, e.g. match 12), and
    # whose organization's record it is (its members may read these rows).
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[int | None]
    purpose: Mapped[str | None] = mapped_column(String(32))  # a Purpose's value (no CHECK: an append-only table)
    served_by_type: Mapped[str | None] = mapped_column(String(64))
    served_by_id: Mapped[int | None]
    organization_id: Mapped[int | None] = mapped_column(index=True)


    @property
    def purpose_label(self):
        """The purpose in the reader's language (None for events other than views)."""
        return Purpose(self.purpose).label if self.purpose in Purpose._value2member_map_ else self.purpose


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_rewriting_history(mapper, connection, target):
    raise RuntimeError("the audit trail is append-only")

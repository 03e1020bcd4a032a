"""Recording what happened. Callers add the event inside their own transaction, so the
record and the change it describes are committed (or rolled back) together.

The audit holds ids, field names and codes, never a person's values: a personal column's value (a host's
address, a household's phone) becomes WITHHELD here, so that erasing the record erases the person."""
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, cast

from sqlalchemy import Insert, Select, Table, Update, bindparam, func, insert, literal_column, select

from aidcoord.audit.models import AuditAction, AuditEvent, Purpose
from aidcoord.common.bulk import insert_rows
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.personal_data import is_personal
from aidcoord.common.sql import filter_shape, rows_changed
from aidcoord.common.types import utcnow
from aidcoord.extensions import db

Along = Insert | Update  # a caller's statement written with an event (add_event)

# What the audit keeps in place of a personal value: the field's name says what changed.
WITHHELD = "(withheld)"


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


def personal_fields_of(entity_type: str) -> frozenset[str]:
    """The personal columns of the table an entity type names ("housing_offer" -> housing_offers)."""
    known = _PERSONAL_FIELDS.get(entity_type)
    if known is not None:
        return known
    stem = entity_type[:-1] + "ie" if entity_type.endswith("y") else entity_type
    for name in (entity_type, stem + "s", entity_type + "es"):
        table = db.metadata.tables.get(name)
        if table is not None:
            # Kept: a table's columns are fixed once its model is defined (every event of the queue asked again).
            _PERSONAL_FIELDS[entity_type] = frozenset(column.name for column in table.columns if is_personal(column))
            return _PERSONAL_FIELDS[entity_type]
    return frozenset()


_PERSONAL_FIELDS: dict[str, frozenset[str]] = {}


def _withhold(value):
    """[old, new] keeps its shape, each side withheld; any other value is withheld whole."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return [WITHHELD, WITHHELD]
    return WITHHELD


def without_personal_values(entity_type: str, changes: dict, personal: frozenset[str] | None = None) -> dict:
    """`changes` with the values of the entity's personal columns (`personal`, looked up unless given) replaced
    by WITHHELD (names kept)."""
    personal = personal_fields_of(entity_type) if personal is None else personal
    return {key: _withhold(value) if key in personal else _plain(value) for key, value in changes.items()}


def record(actor, action: AuditAction, entity_type: str, entity_id: int, changes=None, reason=None, *,
           personal_reason: str | None = None) -> AuditEvent:
    """Add one event to the current transaction (the caller commits); personal values are withheld.

    `personal_reason` names the personal column a reason was written to (a raise's boost_reason, a vetting
    note): the audit then keeps that name, not the words."""
    changes = without_personal_values(entity_type, changes or {})
    if personal_reason is not None and reason is not None:
        changes[personal_reason] = WITHHELD
        reason = None
    event = AuditEvent(actor_id=getattr(actor, "id", None), action=action, entity_type=entity_type,
                       entity_id=entity_id, changes=changes, reason=reason)
    db.session.add(event)
    return event


def add_event(actor, action: AuditAction, entity_type: str, entity_id: int, changes=None, reason=None, *,
              personal_reason: str | None = None, along: Sequence[tuple[Along, dict[str, Any]]] = (),
              checked: tuple[Update, dict[str, Any]] | None = None) -> int | None:
    """`record`, written at once by one INSERT in the current transaction and not loaded back: for the busy
    paths (a queue's proposals and declines) whose callers do not use the event. The ORM's flush of an event
    costs several times the INSERT's own Python.

    `along`: the caller's own INSERTs and UPDATEs that go with the event (a match's step, the match's move and the
    capacity it gives back), each with its values, their bindparams named apart from each other's and from the
    event's columns, none read back. On PostgreSQL all are written by one statement (the caller's as CTEs: one
    round trip and one statement's Python instead of several); elsewhere one after the other, in order, then the
    event. `checked`: a conditional UPDATE that goes with them, likewise (after the event elsewhere), whose count
    of rows changed is returned (None without one); the caller rolls back what it does not want kept."""
    changes = without_personal_values(entity_type, changes or {})
    if personal_reason is not None and reason is not None:
        changes[personal_reason] = WITHHELD
        reason = None
    values = {"actor_id": getattr(actor, "id", None), "action": action, "entity_type": entity_type,
              "entity_id": entity_id, "changes": changes, "reason": reason}
    if not along and checked is None:
        db.session.execute(_INSERT_EVENT, values)
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        parameters = {"occurred_at": utcnow()}
        for _statement, along_values in [*along, *([checked] if checked else [])]:
            parameters.update(along_values)
        event = _event_with(tuple(statement for statement, _values in along), checked and checked[0])
        result = db.session.execute(event, {**parameters, **values})
        return None if checked is None else int(result.scalar() or 0)
    for statement, along_values in along:
        db.session.execute(statement, along_values)
    db.session.execute(_INSERT_EVENT, values)
    return None if checked is None else rows_changed(*checked)


_INSERT_EVENT = insert(cast(Table, AuditEvent.__table__))  # the table's, not the model's: no flush, no unit of work
_EVENT_COLUMNS = ("occurred_at", "actor_id", "action", "entity_type", "entity_id", "changes", "reason")


@cache
def _event_with(statements: tuple[Along, ...], checked: Update | None = None) -> Insert:
    """The event's INSERT with `statements` as CTEs (PostgreSQL runs a data-modifying CTE whether or not it is
    read), built once for each caller's statements (each built once: the same objects at every call); with
    `checked` too, RETURNING the count of the rows it changed."""
    events = cast(Table, AuditEvent.__table__)
    event = insert(events).values({name: bindparam(name, type_=events.c[name].type) for name in _EVENT_COLUMNS})
    if statements:
        event = event.add_cte(*(statement.cte(f"along_{n}" if n else "along")
                                for n, statement in enumerate(statements)))
    if checked is None:
        return event
    changed = checked.returning(literal_column("1")).cte("checked")
    return event.add_cte(changed).returning(select(func.count()).select_from(changed).scalar_subquery())


def record_many(actor, action: AuditAction, entity_type: str, changes_by_id: list[tuple[int, dict]]) -> None:
    """`record` for many records at once (an import): the events written together (common.bulk), not loaded back."""
    if not changes_by_id:
        return
    actor_id, personal = getattr(actor, "id", None), personal_fields_of(entity_type)
    insert_rows(AuditEvent, [
        {"actor_id": actor_id, "action": action, "entity_type": entity_type, "entity_id": entity_id,
         "changes": without_personal_values(entity_type, changes or {}, personal), "reason": None}
        for entity_id, changes in changes_by_id])


def diff(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for every field whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after[key])]
        for key in after
        if _plain(before.get(key)) != _plain(after[key])
    }


@dataclass(frozen=True)
class ServedBy:
    """Why personal data was shown: the purpose, and the record it served (a match, a shift, a pledge)."""

    purpose: Purpose
    record_type: str | None = None
    record_id: int | None = None

    @property
    def reason(self) -> str:
        """"match 12", or the purpose's code when no one record is served."""
        if self.record_type is None:
            return self.purpose.value
        return f"{self.record_type} {self.record_id}"


def record_personal_data_view(viewer, entity_type: str, entity_id: int, fields, served_by: ServedBy | None = None,
                              *, subject: tuple[str, int] | None = None, organization_id: int | None = None,
                              commit: bool = True) -> AuditEvent | None:
    """Record that `viewer` saw these personal fields of one record (names only), whose data it is (`subject`,
    the record itself unless given), why, and for which organization's record; committed at once unless the
    caller commits. A person seeing their own account is no disclosure and is not recorded."""
    if viewer is None or not getattr(viewer, "is_authenticated", True):
        return None
    subject_type, subject_id = subject or (entity_type, entity_id)
    if subject_type == "user" and subject_id == viewer.id:
        return None
    served_by = served_by or ServedBy(Purpose.CASEWORK)
    event = record(viewer, AuditAction.VIEW_PERSONAL_DATA, entity_type, entity_id,
                   {"fields": sorted(fields)}, served_by.reason)
    event.subject_type, event.subject_id = subject_type, subject_id
    event.purpose = served_by.purpose.value
    event.served_by_type, event.served_by_id = served_by.record_type, served_by.record_id
    event.organization_id = organization_id
    if commit:
        db.session.commit()
    return event


def record_personal_data_views(viewer, entity_type: str, entity_ids, fields, served_by: ServedBy,
                               *, organization_id: int | None = None) -> None:
    """One row per record shown in a list (a roster, an export, a members list), committed together: in one
    statement however long the list, and leaving the list's loaded rows as they are (not expired), so that
    showing them does not read each one again (no N+1: tests/test_no_n_plus_one.py)."""
    if viewer is None or not getattr(viewer, "is_authenticated", True):
        return
    changes = without_personal_values(entity_type, {"fields": sorted(fields)})
    rows = [{"actor_id": viewer.id, "action": AuditAction.VIEW_PERSONAL_DATA, "entity_type": entity_type,
             "entity_id": entity_id, "changes": changes, "reason": served_by.reason,
             "subject_type": entity_type, "subject_id": entity_id, "purpose": served_by.purpose.value,
             "served_by_type": served_by.record_type, "served_by_id": served_by.record_id,
             "organization_id": organization_id}
            for entity_id in entity_ids if not (entity_type == "user" and entity_id == viewer.id)]
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def history(entity_type: str, entity_id: int) -> list[AuditEvent]:
    """Events about one record, oldest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(query))


@dataclass
class AuditFilters:
    """What a reader of the audit asks for; None is "any"."""

    entity_type: str | None = None
    entity_id: int | None = None
    subject_type: str | None = None
    subject_id: int | None = None
    actor_id: int | None = None
    served_by_type: str | None = None
    served_by_id: int | None = None
    action: AuditAction | None = None
    organization_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


_FILTERED_COLUMNS = ("entity_type", "entity_id", "subject_type", "subject_id", "actor_id", "served_by_type",
                     "served_by_id", "action", "organization_id")


@cache
def _search_statement(given: frozenset[str]) -> Select:
    """Built once per shape, the filters' values bound at each read (common.sql.filter_shape)."""
    query = select(AuditEvent)
    for name in _FILTERED_COLUMNS:
        if name in given:
            query = query.where(getattr(AuditEvent, name) == bindparam(name))
    if "since" in given:
        query = query.where(AuditEvent.occurred_at >= bindparam("since"))
    if "until" in given:
        query = query.where(AuditEvent.occurred_at < bindparam("until"))
    if "organization_ids" in given:
        query = query.where(AuditEvent.organization_id.in_(bindparam("organization_ids", expanding=True)))
    return query.order_by(AuditEvent.id.desc())


def _search_shape(filters: AuditFilters, organization_ids: set[int] | None) -> tuple[frozenset[str], dict[str, Any]]:
    readable = None if organization_ids is None else sorted(organization_ids or {-1})  # none readable: no match
    return filter_shape(**{name: getattr(filters, name) for name in _FILTERED_COLUMNS}, since=filters.since,
                        until=filters.until, organization_ids=readable)


def search(filters: AuditFilters, organization_ids: set[int] | None, page: int = 1,
           per_page: int | None = None) -> Page:
    """One page of events, newest first; `organization_ids` limits them to those organizations' records
    (None: all, for coordinators)."""
    given, values = _search_shape(filters, organization_ids)
    return paginate(_search_statement(given), page, per_page, values)


def count(filters: AuditFilters) -> int:
    """How many events match (tests and figures)."""
    given, values = _search_shape(filters, None)
    query = _search_statement(given).order_by(None)
    return db.session.scalar(select(func.count()).select_from(query.subquery()), values) or 0

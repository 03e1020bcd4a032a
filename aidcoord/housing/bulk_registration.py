"""Registering many households at once (an import): the rules of households.register_household, set-based.
Per part of the file one query finds the duplicate candidates and each table gets one INSERT (COPY on
PostgreSQL), so that 100,000 rows register in seconds, writing the rows single registrations would."""
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, update
from sqlalchemy.orm.util import identity_key

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common.bulk import insert_records
from aidcoord.common.sql import reserve_ids
from aidcoord.common.types import today as local_today
from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import PermissionDenied
from aidcoord.extensions import db
from aidcoord.housing import duplicates
from aidcoord.housing.households import ENTITY, can_register_for_others, check_daily_limit, clean_household
from aidcoord.housing.models import Household
from aidcoord.housing.priority import vulnerability
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.organizations import services as organizations
from aidcoord.organizations.permissions import acts_for

IMPORT_PART_ROWS = 2000  # rows registered per step of an import: the progress is reported, the session emptied


def register_households(actor: User, rows: list[dict], *, organization_id: int | None = None,
                        today: date | None = None, cleaned: list[dict] | None = None,
                        progress: Callable[[int], None] | None = None) -> list[int]:
    """Register many households at once (an import) by the rules of register_household, writing the same rows,
    set-based: per part of the file one query finds the duplicate candidates and each table gets one INSERT.
    `cleaned`: the rows as clean_household returned them (the import's check), so they are not checked twice.
    `progress` is told the rows done after each part. The caller commits; the ids, in the rows' order."""
    if not can_register_for_others(actor):
        raise PermissionDenied(_l("Households are registered by coordinators, caseworkers, or themselves."))
    if organization_id is not None:
        organization = organizations.get_organization(actor, organization_id)
        if not acts_for(actor, organization.id):
            raise PermissionDenied()
    today = today or local_today()
    if cleaned is None:
        cleaned = [clean_household(row, today=today) for row in rows]
    check_daily_limit(actor)
    # The open households any row may duplicate, in one query before any row is written (the file's own rows
    # are remembered as they are created, as if registered one by one).
    keys = [duplicates.keys_of(clean["contact_phone"], clean["contact_name"]) for clean in cleaned]
    index = duplicates.DuplicateIndex()
    index.load_keys(keys)
    ids: list[int] = []
    for start in range(0, len(rows), IMPORT_PART_ROWS):
        part = slice(start, start + IMPORT_PART_ROWS)
        ids.extend(_register_part(actor, rows[part], cleaned[part], keys[part], organization_id, index))
        if progress is not None:
            progress(len(ids))
    return ids


def _register_part(actor: User, rows: list[dict], cleaned: list[dict], keys: list[tuple[str, str]],
                   organization_id: int | None, index: duplicates.DuplicateIndex) -> list[int]:
    # The columns register_household's Household gets (the rest take their defaults), as plain rows: the ORM's
    # unit of work costs more than the rest of an import (common.bulk writes them, announcing the new records).
    records: list[dict[str, Any]] = []
    for clean, (phone_key, name_key) in zip(cleaned, keys, strict=True):
        record = {**clean, "registered_by_id": actor.id, "organization_id": organization_id,
                  "phone_key": phone_key, "name_key": name_key}
        record["priority"], record["priority_reasons"] = vulnerability(_Registered(record))
        records.append(record)
    reserved = assign_ids_to_rows(records)
    created: list[Any] = [_Registered(record) for record in records]
    for record, household in zip(records, created, strict=True):
        # Against the open requests and the rows before it in the file, as if registered one by one.
        household.possible_duplicate_of_id = duplicates.first_duplicate(index, household)
        record["possible_duplicate_of_id"] = household.possible_duplicate_of_id
        duplicates.remember(index, household)
    if reserved is None:  # SQLite: the ids came from the INSERT; the flags go as UPDATEs
        flagged = [{"flagged_id": record["id"], "flag": record["possible_duplicate_of_id"]} for record in records
                   if record["possible_duplicate_of_id"] is not None]
        if flagged:
            db.session.connection().execute(update(Household).where(Household.id == bindparam("flagged_id"))
                                            .values(possible_duplicate_of_id=bindparam("flag")), flagged)
    else:
        insert_records(Household, records)  # households (and their retention dates, privacy.retention)
    duplicates.store_name_tokens_of(created)
    queue.enqueue_many(QueueKind.HOUSING, [(household.id, household.priority) for household in created])
    audit.record_many(actor, AuditAction.CREATE, ENTITY, [(household.id, {
        "size": household.size, "priority": household.priority,
        "possible_duplicate_of": household.possible_duplicate_of_id}) for household in created])
    # A new household has no consent that a no would withdraw: only the yes answers are recorded.
    consent.record_new_consents(actor, ConsentSubject.HOUSEHOLD, ConsentPurpose.SHARE_WITH_HOST, [
        (household, consent.answer_from(row)) for row, household in zip(rows, created, strict=True)
        if household.consent_to_share])
    db.session.flush()
    ids = [household.id for household in created]
    for household_id in ids:  # those the consent records loaded: a file of 100,000 rows does not stay in the session
        if (loaded := db.session.identity_map.get(identity_key(Household, household_id))) is not None:
            db.session.expunge(loaded)
    return ids


def assign_ids_to_rows(records: list[dict[str, Any]]) -> list[int] | None:
    """Ids for new household rows: from the sequence up front where it can (PostgreSQL; the caller inserts
    them), else by inserting the rows at once (None: inserted, the ids set on the rows)."""
    ids = reserve_ids(Household, len(records))
    if ids is not None:
        for record, record_id in zip(records, ids, strict=True):
            record["id"] = record_id
        return ids
    for record in records:
        record["possible_duplicate_of_id"] = None
    for record, record_id in zip(records, insert_records(Household, records), strict=True):
        record["id"] = record_id
    return None


class _Registered(SimpleNamespace):
    """A household row about to be (or just) written, read as the rules read a Household (priority, duplicates);
    the columns it leaves out have the model's defaults."""

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__(**{"id": None, "user_id": None, "priority_boost": 0, "boost_reason": None,
                            "vulnerability_self_declared": False, "vulnerability_confirmed_at": None,
                            "possible_duplicate_of_id": None, **record})

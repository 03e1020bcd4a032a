"""Household requests: registration (with duplicate warnings), priority, and who may see what."""
import functools
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import load_only, raiseload

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common import validation as check
from aidcoord.common.permissions import is_staff, owns
from aidcoord.common.sql import seconds_until_allowed
from aidcoord.common.types import today as local_today
from aidcoord.common.types import utcnow
from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import duplicates
from aidcoord.housing.household_fields import COUNTS, FLAGS, PERSONAL_FIELDS
from aidcoord.housing.models import Household
from aidcoord.housing.priority import RAISED_BY_COORDINATOR as RAISED_BY_COORDINATOR
from aidcoord.housing.priority import awaits_confirmation, vulnerability
from aidcoord.housing.priority import reason_lines as reason_lines
from aidcoord.housing.priority import reasons_for_api as reasons_for_api
from aidcoord.matching import queue
from aidcoord.matching.models import EntryState, QueueKind
from aidcoord.organizations import services as organizations
from aidcoord.organizations.permissions import acts_for, is_caseworker, is_member_of, manages

ENTITY = "household"
# reason_lines, reasons_for_api, RAISED_BY_COORDINATOR: how the jobs slice (which may import this module only)
# words and extends the reasons documented_vulnerability gives.


def normalize_phone(phone: str) -> str:
    """Digits with a leading + kept: '+374 (10) 12-34-56' and '+3741012 3456' are the same phone."""
    phone = phone.strip()
    digits = "".join(c for c in phone if c.isdigit())
    return ("+" if phone.startswith("+") else "") + digits


def clean_household(data: dict, *, today: date) -> dict:
    errors = check.FieldErrors()
    clean: dict[str, Any] = {
        "contact_name": check.text(errors, "contact_name", data.get("contact_name"), 200, required=True,
                                   single_line=True),
        "medical_note": check.text(errors, "medical_note", data.get("medical_note"), 5000),
        "external_ref": check.text(errors, "external_ref", data.get("external_ref"), 100) or None,
        "arrival_place": check.text(errors, "arrival_place", data.get("arrival_place"), 200, single_line=True) or None,
    }
    phone = check.text(errors, "contact_phone", data.get("contact_phone"), 40, required=True)
    if phone and not 6 <= len(normalize_phone(phone).lstrip("+")) <= 15:
        errors.add("contact_phone", _l("Enter a phone number with 6 to 15 digits."))
    clean["contact_phone"] = normalize_phone(phone or "")
    for field in COUNTS:
        value = check.whole_number(errors, field, data.get(field) if data.get(field) not in (None, "") else 0,
                                   minimum=0, maximum=30)
        clean[field] = value if value is not None else 0
    if clean["adults"] < 1:
        errors.add("adults", _l("At least one adult."))
    size = clean["adults"] + clean["children"]
    if data.get("size") not in (None, "") and str(data["size"]).strip() != str(size):
        errors.add("size", _l("The size must equal adults plus children (%(n)d).", n=size))
    clean["size"] = size
    if clean["children_under_5"] > clean["children"]:
        errors.add("children_under_5", _l("Cannot be more than the number of children."))
    if clean["over_65"] > clean["adults"]:
        errors.add("over_65", _l("Cannot be more than the number of adults."))
    if clean["disabled"] > size:
        errors.add("disabled", _l("Cannot be more than the household size."))
    for flag in FLAGS:
        clean[flag] = check.flag(data.get(flag, False))
    clean["preferred_regions"] = check.region_codes(errors, "preferred_regions", data.get("preferred_regions"))
    if clean["region_required"] and not clean["preferred_regions"]:
        errors.add("preferred_regions", _l("Name the regions the household must stay in."))
    clean["languages"] = check.language_codes(errors, "languages", data.get("languages") or [])
    clean["needed_from"] = check.a_date(errors, "needed_from", data.get("needed_from") or today)
    clean["stay_days"] = check.whole_number(errors, "stay_days", data.get("stay_days"), minimum=1, maximum=3650)
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return clean


can_register_for_others = is_caseworker


class TooManyRegistrations(DomainError):
    """An account that is not a caseworker registered its day's share of households already."""

    status, code = 429, "too_many_registrations"

    def __init__(self, message, retry_after: int):
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, retry_after))}


def check_daily_limit(actor: User) -> None:
    """Accounts that are not staff or caseworkers of a verified organization register at most
    HOUSEHOLDS_PER_ACCOUNT_PER_DAY households in any 24 hours (a person registers their own household,
    perhaps a relative's; dozens are abuse)."""
    if can_register_for_others(actor):
        return
    limit = current_app.config["HOUSEHOLDS_PER_ACCOUNT_PER_DAY"]
    # Registrations of one account at the same moment wait for each other here (the account's row is locked
    # until the registration commits), so the count below sees every one before it. PostgreSQL only: SQLite
    # renders no FOR UPDATE and lets one writer in at a time anyway.
    db.session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    wait = seconds_until_allowed(Household.created_at, Household.registered_by_id == actor.id, limit=limit)
    if wait is not None:
        raise TooManyRegistrations(_l(
            "This account has registered %(n)d households in the last 24 hours, the most it may. Ask a caseworker "
            "or a coordinator to register more, or try again tomorrow.", n=limit), wait)


def register_household(actor: User, data: dict, *, organization_id: int | None = None, for_self: bool = False,
                       today: date | None = None, commit: bool = True,
                       duplicate_index: duplicates.DuplicateIndex | None = None) -> Household:
    """Register a household and put it in the housing queue by its vulnerability score.
    A close match with an open request is linked for a coordinator to merge or keep apart (housing.duplicates;
    an import passes one `duplicate_index` loaded for the whole file)."""
    if not for_self and not can_register_for_others(actor):
        raise PermissionDenied(_l("Households are registered by coordinators, caseworkers, or themselves."))
    organization = None
    if organization_id is not None:
        organization = organizations.get_organization(actor, organization_id)
        if not acts_for(actor, organization.id):
            raise PermissionDenied()
    clean = clean_household(data, today=today or local_today())
    check_daily_limit(actor)
    # Registered by the person themselves: what they declare counts once a caseworker or coordinator confirms it.
    household = Household(registered_by_id=actor.id, user_id=actor.id if for_self else None,
                          organization=organization, vulnerability_self_declared=for_self, **clean)
    index = duplicate_index or duplicates.DuplicateIndex.load([(household.contact_phone, household.contact_name)])
    duplicates.set_keys(household)
    household.possible_duplicate_of_id = duplicates.first_duplicate(index, household)
    household.priority, household.priority_reasons = vulnerability(household)
    db.session.add(household)
    db.session.flush()
    duplicates.store_name_tokens(household)
    duplicates.remember(index, household)
    queue.enqueue(QueueKind.HOUSING, household.id, household.priority)
    # The form's yes becomes a consent record (text version, language, on whose behalf): the records decide.
    consent.follow_answer(actor, ConsentSubject.HOUSEHOLD, household.id, ConsentPurpose.SHARE_WITH_HOST,
                          household.consent_to_share, **consent.answer_from(data))
    audit.record(actor, AuditAction.CREATE, ENTITY, household.id, {
        "size": household.size, "priority": household.priority,
        "possible_duplicate_of": household.possible_duplicate_of_id})
    if commit:
        db.session.commit()
    return household


def is_involved_staff(user: User | None, household: Household) -> bool:
    """Who may see the household's contact: coordinators, the household itself, and its caseworkers: the
    current members of the organization it was registered for (whoever leaves that organization loses
    access), or, when registered for no organization, whoever registered it."""
    return _is_involved(user, _involvement(household))


def _involvement(household: Household) -> tuple[int | None, int, int | None]:
    """What decides who is involved in a case: its account, its registrar, its organization."""
    return household.user_id, household.registered_by_id, household.organization_id


def _is_involved(user: User | None, involvement: tuple[int | None, int, int | None]) -> bool:
    user_id, registered_by_id, organization_id = involvement
    registrar = registered_by_id if organization_id is None else None
    return manages(user, owner_ids=(user_id, registrar), organization_id=organization_id)


def documented_vulnerability(household_id: int) -> tuple[int, list]:
    """The household's vulnerability score and its reasons (what another kind's queue may build on)."""
    household = db.session.get(Household, household_id)
    return vulnerability(household) if household is not None else (0, [])


def get_household(viewer: User | None, household_id: int) -> Household:
    household = db.session.get(Household, household_id)
    if household is None or not is_involved_staff(viewer, household):
        raise NotFound(_l("No such household."))
    return household


def get_households(viewer: User | None, household_ids: list[int]) -> dict[int, Household]:
    """get_household for many households, by id, in one query per 1,000 (NotFound when any is missing or not
    the viewer's)."""
    found: dict[int, Household] = {}
    for start in range(0, len(household_ids), 1000):
        found.update((household.id, household) for household in db.session.scalars(
            select(Household).where(Household.id.in_(household_ids[start:start + 1000]))))
    # Whether the viewer is involved is asked once per distinct account, registrar and organization.
    allowed = {involvement: _is_involved(viewer, involvement)
               for involvement in {_involvement(household) for household in found.values()}}
    if len(found) != len(set(household_ids)) or not all(allowed[_involvement(h)] for h in found.values()):
        raise NotFound(_l("No such household."))
    return found


def summaries(household_ids: list[int], columns: Iterable[str]) -> dict[int, Household]:
    """Households by id with only `columns` loaded (a page of the queue shows a summary, not the contact, the notes
    and the organization that a whole household brings along); reading any other attribute raises instead of
    querying once per household."""
    if not household_ids:
        return {}
    return {household.id: household for household in db.session.scalars(
        _summaries_statement(tuple(columns)), {"household_ids": household_ids})}


@functools.cache
def _summaries_statement(columns: tuple[str, ...]) -> Select:
    return (select(Household).where(Household.id.in_(bindparam("household_ids", expanding=True)))
            .options(load_only(*(getattr(Household, name) for name in columns), raiseload=True), raiseload("*")))


def contact_details(viewer: User, household: Household) -> dict:
    """Name, phone and medical note, each view by someone other than the household recorded (who, whose, when)."""
    if viewer.id != household.user_id:
        audit.record_personal_data_view(viewer, ENTITY, household.id, list(PERSONAL_FIELDS),
                                        organization_id=household.organization_id)
    return {field: getattr(household, field) for field in PERSONAL_FIELDS}


def record_export(viewer: User, rows: list[tuple]) -> list[tuple]:
    """(entry, household) rows of an export: the households' references are personal, each view recorded."""
    shown = [household for _entry, household in rows if household.external_ref]
    for organization_id in {household.organization_id for household in shown}:
        audit.record_personal_data_views(viewer, ENTITY, [h.id for h in shown if h.organization_id == organization_id],
                                         ["external_ref"], ServedBy(Purpose.EXPORT), organization_id=organization_id)
    return rows


def raise_priority(actor: User, household: Household, points: int, reason: str) -> Household:
    """A coordinator raises the score with a written reason; the queue place follows."""
    if not actor.is_staff:
        raise PermissionDenied()
    errors = check.FieldErrors()
    points = check.whole_number(errors, "points", points, minimum=1, maximum=100, required=True)
    reason = check.text(errors, "reason", reason, 2000, required=True) or ""  # check.text never returns None
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    before = household.priority
    household.priority_boost, household.boost_reason = points, reason
    household.priority, household.priority_reasons = vulnerability(household)
    queue.set_priority(QueueKind.HOUSING, household.id, household.priority)
    audit.record(actor, AuditAction.UPDATE, ENTITY, household.id, {"priority": [before, household.priority]}, reason,
                 personal_reason="boost_reason")
    db.session.commit()
    return household


def may_confirm_vulnerability(user: User | None, household: Household) -> bool:
    """Coordinators, and caseworkers of the organization the household registered with; never the household."""
    if owns(user, household.user_id):
        return False
    return is_staff(user) or (is_caseworker(user) and is_member_of(user, household.organization_id))


def confirm_vulnerability(actor: User, household: Household) -> Household:
    """A caseworker or coordinator confirms what the household declared about itself; its declared factors now
    count and its queue place follows. Recorded in the audit trail."""
    if not may_confirm_vulnerability(actor, household):
        raise PermissionDenied(_l("A caseworker or a coordinator confirms what a household declared."))
    if not awaits_confirmation(household):
        raise Conflict(_l("Nothing here waits for confirmation."))
    before = household.priority
    household.vulnerability_confirmed_at, household.vulnerability_confirmed_by_id = utcnow(), actor.id
    household.priority, household.priority_reasons = vulnerability(household)
    queue.set_priority(QueueKind.HOUSING, household.id, household.priority)
    audit.record(actor, AuditAction.UPDATE, ENTITY, household.id,
                 {"vulnerability_confirmed": [False, True], "priority": [before, household.priority]})
    db.session.commit()
    return household


def resolve_duplicate(actor: User, household: Household, merge: bool, other_id: int | None = None) -> Household:
    """Merge a household into another open request (which keeps its queue place; this one is closed, marked
    merged into it), or record that the two are different households (the pair is not flagged again).
    `other_id` defaults to the request it was flagged as a possible duplicate of at registration. Coordinators,
    and caseworkers who may review both households."""
    if not may_review_duplicates(actor, household):
        raise PermissionDenied()
    other_id = other_id or household.possible_duplicate_of_id
    if other_id is None:
        raise Conflict(_l("This request is not flagged as a possible duplicate."))
    other = db.session.get(Household, other_id)
    if other is None or other.id == household.id or not may_review_duplicates(actor, other):
        raise NotFound(_l("No such household."))
    for one, two in ((household, other), (other, household)):
        if one.possible_duplicate_of_id == two.id:
            one.possible_duplicate_of_id = None
    if merge:
        entry = queue.entry_for(QueueKind.HOUSING, household.id)
        if entry.state not in (EntryState.WAITING, EntryState.LEASED):
            raise Conflict(_l("This request already has a proposal; it cannot be merged now."))
        if queue.entry_for(QueueKind.HOUSING, other.id).state not in queue.OPEN_STATES:
            raise Conflict(_l("The other request is closed; it cannot take this one in."))
        household.merged_into_id = other.id
        queue.close(entry)
        audit.record(actor, AuditAction.UPDATE, ENTITY, other.id, {"merged_from": [None, household.id]},
                     "duplicate merged")
    else:
        duplicates.dismiss(household.id, other.id, actor.id)
    audit.record(actor, AuditAction.UPDATE, ENTITY, household.id,
                 {"merged_into": [None, other.id if merge else None],
                  "duplicate_dismissed": None if merge else other.id}, "duplicate resolved")
    db.session.commit()
    return household


def may_review_duplicates(user: User | None, household: Household) -> bool:
    """Coordinators, and caseworkers of the organization the household registered with; never the household."""
    return may_confirm_vulnerability(user, household)


def duplicate_shown_to(viewer: User | None, household: Household) -> int | None:
    """The id of the open request flagged as this one's possible duplicate, for someone who may review both;
    None for anyone else (the household itself, another organization's caseworker): otherwise registering a phone
    or a name would tell whether someone with it is registered."""
    other_id = household.possible_duplicate_of_id
    if other_id is None or not may_review_duplicates(viewer, household):
        return None
    other = db.session.get(Household, other_id)
    return other_id if other is not None and may_review_duplicates(viewer, other) else None


def possible_duplicates(actor: User, household: Household) -> list[tuple[Household, list[duplicates.Reason]]]:
    """The open requests this household may duplicate, with the reasons: for coordinators, and for its caseworkers
    those of their own organization's households (a caseworker learns nothing of other organizations' cases)."""
    if not may_review_duplicates(actor, household):
        raise PermissionDenied()
    return [(other, reasons) for other, reasons in duplicates.possible_duplicates(household)
            if may_review_duplicates(actor, other)]


def households_needing_review() -> list[Household]:
    return list(db.session.scalars(select(Household).where(Household.possible_duplicate_of_id.is_not(None))))


def for_user(user: User) -> list[Household]:
    return list(db.session.scalars(select(Household).where(Household.user_id == user.id)))

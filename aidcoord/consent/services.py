"""Recording, withdrawing and checking consent: plain functions taking plain arguments (pages, the API, the CLI
and the Telegram bot call the same ones). The latest record of a (subject, purpose) decides."""
from functools import cache
from typing import Any, cast

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, Table, bindparam, exists, select

from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common import validation as check
from aidcoord.common.locale import default_language, supported
from aidcoord.common.sql import assign_ids, autoflush
from aidcoord.common.types import utcnow
from aidcoord.consent import subjects, texts
from aidcoord.consent.models import ConsentPurpose, ConsentRecord, ConsentSubject
from aidcoord.errors import Conflict, NotFound, ValidationFailed
from aidcoord.extensions import db

ENTITY = "consent"


class ConsentMissing(Conflict):
    """A disclosure or message the person has not agreed to (or no longer agrees to)."""

    code = "consent_missing"


def _kind(value: Any) -> ConsentSubject:
    try:
        return value if isinstance(value, ConsentSubject) else ConsentSubject(value)
    except ValueError:
        raise NotFound(_l("No such record.")) from None  # a kind named in a path: no such page


def _purpose(value: Any) -> ConsentPurpose:
    errors = check.FieldErrors()
    purpose = check.enum_value(errors, "purpose", value, ConsentPurpose)
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return purpose


def latest(subject_kind: Any, subject_id: int, purpose: Any) -> ConsentRecord | None:
    """The record that decides whether the person agrees to `purpose` now (None: never asked)."""
    return db.session.scalar(select(ConsentRecord).where(
        ConsentRecord.subject_kind == _kind(subject_kind), ConsentRecord.subject_id == subject_id,
        ConsentRecord.purpose == _purpose(purpose)).order_by(ConsentRecord.id.desc()).limit(1))


def has_consent(subject_kind: Any, subject_id: int, purpose: Any) -> bool:
    """Whether the person agreed to `purpose` and has not withdrawn it."""
    record = latest(subject_kind, subject_id, purpose)
    return record is not None and record.withdrawn_at is None


# The look-ups made before every message (has_withdrawn, refuses_messages), as SQL conditions on the table's
# columns: the outbox writes a message by one INSERT that holds the condition (notifications.services), so that
# the look-up costs no statement of its own; the functions below run the same conditions, built once (values as
# parameters): building a query and its cache key cost more Python than PostgreSQL takes to answer.
_RECORDS = cast(Table, ConsentRecord.__table__)


def withdrawn_condition(subject_kind: Any, subject_id: Any, purpose: Any) -> ColumnElement[bool]:
    """SQL: the person's last word on `purpose` was a withdrawal (values or bindparams)."""
    records = _RECORDS.c
    last = (select(records.withdrawn_at).where(records.subject_kind == subject_kind, records.subject_id == subject_id,
                                               records.purpose == purpose)
            .order_by(records.id.desc()).limit(1).scalar_subquery())
    return last.is_not(None)


def refuses_messages_condition(user_id: Any) -> ColumnElement[bool]:
    """SQL: the account (an id or a bindparam) belongs to a person whose last word on messages, for any of their
    records, was a withdrawal."""
    record, later = _RECORDS.alias("withdrawal"), _RECORDS.alias("later_word")
    messages = ConsentPurpose.MESSAGES
    return exists().where(
        record.c.subject_user_id == user_id, record.c.purpose == messages, record.c.withdrawn_at.is_not(None),
        ~exists().where(later.c.subject_user_id == user_id, later.c.purpose == messages,
                        later.c.subject_kind == record.c.subject_kind, later.c.subject_id == record.c.subject_id,
                        later.c.id > record.c.id))


@cache
def _last_word_withdrawn() -> Select:
    return select(withdrawn_condition(bindparam("subject_kind", type_=_RECORDS.c.subject_kind.type),
                                      bindparam("subject_id"), bindparam("purpose", type_=_RECORDS.c.purpose.type)))


@cache
def _refusing_messages() -> Select:
    return select(refuses_messages_condition(bindparam("user_id", type_=_RECORDS.c.subject_user_id.type)))


def has_withdrawn(subject_kind: Any, subject_id: int, purpose: Any) -> bool:
    """Whether the person's last word on `purpose` was a withdrawal."""
    autoflush()  # a Core statement: the records written in this transaction count too
    return bool(db.session.scalar(_last_word_withdrawn(), {
        "subject_kind": _kind(subject_kind), "subject_id": subject_id, "purpose": _purpose(purpose)}))


def require_consent(subject_kind: Any, subject_id: int, purpose: Any) -> None:
    """409 (consent_missing) unless the person agrees to `purpose` now."""
    if not has_consent(subject_kind, subject_id, purpose):
        purpose = _purpose(purpose)
        raise ConsentMissing(_l("The person has not agreed to this, or withdrew their consent: %(purpose)s.",
                                purpose=purpose.label))


def refuses_messages(user_id: int | None) -> bool:
    """Whether the account belongs to a person who withdrew their consent to messages (for any of their records)."""
    if user_id is None:
        return False
    autoflush()  # a Core statement: the records written in this transaction count too
    return bool(db.session.scalar(_refusing_messages(), {"user_id": user_id}))


def history(subject_kind: Any, subject_id: int) -> list[ConsentRecord]:
    """Every consent record of the person, newest first (the page and the API check access first)."""
    return list(db.session.scalars(select(ConsentRecord).where(
        ConsentRecord.subject_kind == _kind(subject_kind), ConsentRecord.subject_id == subject_id)
        .order_by(ConsentRecord.id.desc())))


def _text_version(purpose: ConsentPurpose, value: Any) -> str:
    version = texts.current_version(purpose) if value in (None, "") else str(value)
    if version == texts.LEGACY_VERSION or texts.text(purpose, version) is None:
        message = _l("No such version of the consent text.")
        raise ValidationFailed(message, {"text_version": [str(message)]})
    return version


def _language(value: Any) -> str:
    if value in (None, ""):
        return supported(str(get_locale() or "")) or default_language()
    if supported(str(value)) is None:
        message = _l("Choose a language the app is offered in.")
        raise ValidationFailed(message, {"language": [str(message)]})
    return str(value)


def _on_behalf_reason(on_behalf: bool, value: Any, field: str) -> str | None:
    if not on_behalf:
        return None  # the person's own word needs no reason
    errors = check.FieldErrors()
    reason = check.text(errors, field, value, 2000, required=on_behalf)
    if errors:
        if not (value or "").strip():
            message = _l("Say why you record this on the person's behalf (for example: agreed in person at the desk).")
            raise ValidationFailed(message, {field: [str(message)]})
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return reason or None


def _mirror(declaration: subjects.SubjectDeclaration, subject: Any, purpose: ConsentPurpose, given: bool) -> None:
    column = declaration.mirrors.get(purpose)
    if column is not None:
        setattr(subject, column, given)


def record_consent(actor: Any, subject_kind: Any, subject_id: int, purpose: Any, *, text_version: str | None = None,
                   language: str | None = None, on_behalf_reason: str | None = None,
                   commit: bool = True) -> ConsentRecord:
    """Record that the person agreed to `purpose` under this text version, shown in this language; by the person
    (their own account) or by someone on their behalf, who must say why. Agreeing again to the same text while
    the consent stands changes nothing."""
    kind, purpose = _kind(subject_kind), _purpose(purpose)
    declaration = subjects.of(kind)
    subject = declaration.load(actor, subject_id)
    if purpose not in declaration.purposes:
        message = _l("This purpose does not apply to this record.")
        raise ValidationFailed(message, {"purpose": [str(message)]})
    version, language = _text_version(purpose, text_version), _language(language)
    person = declaration.user_id(subject)
    on_behalf = actor is None or person is None or actor.id != person
    reason = _on_behalf_reason(on_behalf, on_behalf_reason, "on_behalf_reason")
    current = latest(kind, subject_id, purpose)
    if current is not None and current.withdrawn_at is None and current.text_version == version:
        return current
    record = ConsentRecord(subject_kind=kind, subject_id=subject_id, subject_user_id=person, purpose=purpose,
                           text_version=version, language=language, given_at=utcnow(),
                           given_by_id=getattr(actor, "id", None), on_behalf=on_behalf, on_behalf_reason=reason)
    db.session.add(record)
    db.session.flush()
    _mirror(declaration, subject, purpose, True)
    audit.record(actor, AuditAction.CREATE, ENTITY, record.id, {
        "subject_kind": kind.value, "subject_id": subject_id, "purpose": purpose.value,
        "text_version": version, "language": language, "on_behalf": on_behalf})
    if commit:
        db.session.commit()
    return record


def withdraw_consent(actor: Any, subject_kind: Any, subject_id: int, purpose: Any, *, reason: str | None = None,
                     commit: bool = True) -> ConsentRecord:
    """Withdraw the person's consent to `purpose` from now on (409 when there is none standing); someone acting
    on the person's behalf says why. Nothing further is disclosed or sent for that purpose."""
    kind, purpose = _kind(subject_kind), _purpose(purpose)
    declaration = subjects.of(kind)
    subject = declaration.load(actor, subject_id)
    current = latest(kind, subject_id, purpose)
    if current is None or current.withdrawn_at is not None:
        raise Conflict(_l("There is no consent to withdraw for this purpose."))
    person = declaration.user_id(subject)
    on_behalf = actor is None or person is None or actor.id != person
    current.withdrawal_reason = _on_behalf_reason(on_behalf, reason, "reason")
    current.withdrawn_at, current.withdrawn_by_id, current.withdrawal_on_behalf = (
        utcnow(), getattr(actor, "id", None), on_behalf)
    _mirror(declaration, subject, purpose, False)
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, current.id, {
        "subject_kind": kind.value, "subject_id": subject_id, "purpose": purpose.value,
        "withdrawn": [False, True], "on_behalf": on_behalf})
    if commit:
        db.session.commit()
    return current


# The reason stored when a registration form or request recording consent for someone gives none: the
# registration itself is the occasion (the consent panel and the consent API always ask for one).
FORM_REASON = "recorded with the registration by the person who registered them"
ANSWER_FIELDS = {"consent_text_version": "text_version", "consent_language": "language", "consent_reason": "reason"}


def answer_from(data: dict) -> dict:
    """The consent details a registration form or request carries (text version, language, on-behalf reason)."""
    return {name: data.get(field) or None for field, name in ANSWER_FIELDS.items()}


def record_new_consents(actor: Any, subject_kind: Any, purpose: Any, answers: list[tuple[Any, dict]]) -> None:
    """record_consent for many records of one kind at once (an import's yes answers: (record, answer_from(row))),
    by the same rules, in the caller's transaction: the records and their audit events go in one INSERT each."""
    if not answers:
        return
    kind, purpose = _kind(subject_kind), _purpose(purpose)
    declaration = subjects.of(kind)
    if purpose not in declaration.purposes:
        message = _l("This purpose does not apply to this record.")
        raise ValidationFailed(message, {"purpose": [str(message)]})
    db.session.flush()
    standing: dict[int, ConsentRecord] = {}
    for existing in db.session.scalars(select(ConsentRecord).where(
            ConsentRecord.subject_kind == kind, ConsentRecord.purpose == purpose,
            ConsentRecord.subject_id.in_([subject.id for subject, _answer in answers])).order_by(ConsentRecord.id)):
        standing[existing.subject_id] = existing
    records, checked = [], {}  # a file's rows mostly share their answers: each distinct one is checked once
    loaded = declaration.load_all(actor, [subject.id for subject, _answer in answers])
    for subject, answer in answers:
        subject = loaded[subject.id]
        person = declaration.user_id(subject)
        on_behalf = actor is None or person is None or actor.id != person
        key = (answer.get("text_version"), answer.get("language"), answer.get("reason"), on_behalf)
        if key not in checked:
            checked[key] = (_text_version(purpose, key[0]), _language(key[1]),
                            _on_behalf_reason(on_behalf, key[2] or FORM_REASON, "on_behalf_reason"))
        version, language, reason = checked[key]
        current = standing.get(subject.id)
        if current is not None and current.withdrawn_at is None and current.text_version == version:
            continue
        record = ConsentRecord(subject_kind=kind, subject_id=subject.id, subject_user_id=person, purpose=purpose,
                               text_version=version, language=language, given_at=utcnow(),
                               given_by_id=getattr(actor, "id", None), on_behalf=on_behalf, on_behalf_reason=reason)
        records.append((subject, record))
    assign_ids([record for _subject, record in records])
    db.session.add_all([record for _subject, record in records])
    db.session.flush()
    events = []
    for subject, record in records:
        _mirror(declaration, subject, purpose, True)
        events.append(audit.record(actor, AuditAction.CREATE, ENTITY, record.id, {
            "subject_kind": kind.value, "subject_id": record.subject_id, "purpose": purpose.value,
            "text_version": record.text_version, "language": record.language, "on_behalf": record.on_behalf}))
    assign_ids(events)


def follow_answer(actor: Any, subject_kind: Any, subject_id: int, purpose: Any, given: bool, *,
                  text_version: str | None = None, language: str | None = None, reason: str | None = None) -> None:
    """A yes/no answer from a registration or edit form, in the caller's transaction: a yes records consent
    (unless it stands), a no withdraws a standing one."""
    reason = reason or FORM_REASON
    if given:
        record_consent(actor, subject_kind, subject_id, purpose, text_version=text_version, language=language,
                       on_behalf_reason=reason, commit=False)
    elif has_consent(subject_kind, subject_id, purpose):
        withdraw_consent(actor, subject_kind, subject_id, purpose, reason=reason, commit=False)


def list_records(viewer: Any, subject_kind: Any, subject_id: int) -> list[ConsentRecord]:
    """The consent history of a record, for someone who may manage it (404 otherwise)."""
    kind = _kind(subject_kind)
    subjects.of(kind).load(viewer, subject_id)
    return history(kind, subject_id)

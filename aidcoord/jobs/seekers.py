"""Job seekers: profiles registered by the person or by a caseworker, asking for help through the
queue, and who may see their contact."""
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.audit.services import ServedBy
from aidcoord.common import validation as check
from aidcoord.common.types import today as local_today
from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.jobs.listings import languages_with_levels, skill_tags
from aidcoord.jobs.models import JobSeeker
from aidcoord.matching import queue
from aidcoord.matching.models import EntryState, QueueEntry, QueueKind
from aidcoord.organizations.permissions import is_caseworker, manages

ENTITY = "job_seeker"
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")
PROFILE_FIELDS = ("profession", "skills", "languages", "regions", "remote_ok", "available_from", "consent_to_share")


def clean_seeker(data: dict, *, today: date) -> dict:
    errors = check.FieldErrors()
    clean: dict[str, Any] = {
        "contact_name": check.text(errors, "contact_name", data.get("contact_name"), 200, required=True,
                                   single_line=True),
        "contact_phone": households.normalize_phone(
            check.text(errors, "contact_phone", data.get("contact_phone"), 40) or ""),
        "contact_email": check.text(errors, "contact_email", data.get("contact_email"), 254),
        "profession": check.text(errors, "profession", data.get("profession"), 200),
        "skills": skill_tags(errors, "skills", data.get("skills")),
        "languages": languages_with_levels(errors, "languages", data.get("languages")),
        "regions": check.region_codes(errors, "regions", data.get("regions")),
        "remote_ok": check.flag(data.get("remote_ok", False)),
        "available_from": check.a_date(errors, "available_from", data.get("available_from") or today),
        "consent_to_share": check.flag(data.get("consent_to_share", False)),
    }
    if clean["contact_phone"] and not 6 <= len(clean["contact_phone"].lstrip("+")) <= 15:
        errors.add("contact_phone", _l("Enter a phone number with 6 to 15 digits."))
    if clean["contact_email"] and "@" not in clean["contact_email"]:
        errors.add("contact_email", _l("Enter an email address."))
    if not clean["contact_phone"] and not clean["contact_email"]:
        errors.add("contact_phone", _l("Give a phone number or an email address."))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return clean


def can_manage(user: User | None, seeker: JobSeeker) -> bool:
    """The person, whoever registered them, and coordinators."""
    return manages(user, owner_ids=(seeker.user_id, seeker.registered_by_id))


def profile_of(user: User) -> JobSeeker | None:
    return db.session.scalar(select(JobSeeker).where(JobSeeker.user_id == user.id))


def get_seeker(viewer: User | None, seeker_id: int) -> JobSeeker:
    seeker = db.session.get(JobSeeker, seeker_id)
    if seeker is None or not can_manage(viewer, seeker):
        raise NotFound(_l("No such job seeker."))
    return seeker


def save_own_profile(user: User, data: dict, *, today: date | None = None) -> JobSeeker:
    """A person registers (or updates) their own job-seeker profile."""
    clean = clean_seeker(data, today=today or local_today())
    seeker = profile_of(user)
    if seeker is None:
        seeker = JobSeeker(user_id=user.id, registered_by_id=user.id, **clean)
        db.session.add(seeker)
        db.session.flush()
        audit.record(user, AuditAction.CREATE, ENTITY, seeker.id, {"profession": seeker.profession})
    else:
        _update(user, seeker, clean)
    _follow_consent(user, seeker, data)
    db.session.commit()
    return seeker


def register_for_other(actor: User, data: dict, *, today: date | None = None) -> JobSeeker:
    """A coordinator or caseworker registers someone (who may have no account), optionally linked to
    their household so that the household's vulnerability sets their place in the queue."""
    if not is_caseworker(actor):
        raise PermissionDenied(_l("Only coordinators and caseworkers of verified organizations register others."))
    clean = clean_seeker(data, today=today or local_today())
    clean["household_id"] = _household_id(actor, data.get("household_id"))
    seeker = JobSeeker(registered_by_id=actor.id, **clean)
    db.session.add(seeker)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, ENTITY, seeker.id, {"profession": seeker.profession})
    _follow_consent(actor, seeker, data)
    db.session.commit()
    return seeker


def update_seeker(actor: User, seeker: JobSeeker, data: dict, *, today: date | None = None) -> JobSeeker:
    if not can_manage(actor, seeker):
        raise NotFound(_l("No such job seeker."))
    _update(actor, seeker, clean_seeker(data, today=today or local_today()))
    _refresh_priority(seeker)
    _follow_consent(actor, seeker, data)
    db.session.commit()
    return seeker


def _follow_consent(actor: User, seeker: JobSeeker, data: dict) -> None:
    """The form's yes/no to sharing the profile with employers becomes (or withdraws) a consent record."""
    consent.follow_answer(actor, ConsentSubject.JOB_SEEKER, seeker.id, ConsentPurpose.SHARE_WITH_EMPLOYER,
                          seeker.consent_to_share, **consent.answer_from(data))


def _update(actor: User, seeker: JobSeeker, clean: dict) -> None:
    changes = {field: [getattr(seeker, field), value] for field, value in clean.items()
               if getattr(seeker, field) != value and field not in CONTACT_FIELDS}
    changes.update({field: ["(changed)", "(changed)"] for field in CONTACT_FIELDS
                    if getattr(seeker, field) != clean[field]})  # personal data stays out of the trail
    for field, value in clean.items():
        setattr(seeker, field, value)
    if changes:
        audit.record(actor, AuditAction.UPDATE, ENTITY, seeker.id, changes)


def _household_id(actor: User, value) -> int | None:
    if value in (None, ""):
        return None
    errors = check.FieldErrors()
    household_id = check.whole_number(errors, "household_id", value, minimum=1, maximum=2**31 - 1)
    try:
        households.get_household(actor, household_id) if household_id else None
    except NotFound:
        household_id = None
    if household_id is None:
        errors.add("household_id", _l("No such household among those you registered."))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return household_id


def priority(seeker: JobSeeker) -> tuple[int, list[dict]]:
    """The household's documented vulnerability score (when linked), plus any coordinator raise;
    within equal scores the queue serves whoever has waited longest. Reasons are codes, worded where shown
    (households.reason_lines, households.reasons_for_api)."""
    score = 0
    reasons: list[dict] = []
    if seeker.household_id is not None:
        score, reasons = households.documented_vulnerability(seeker.household_id)
    if seeker.priority_boost:
        score += seeker.priority_boost
        reasons.append({"code": households.RAISED_BY_COORDINATOR, "points": seeker.priority_boost, "count": 1,
                        "note": seeker.boost_reason or ""})
    return score, reasons


def _refresh_priority(seeker: JobSeeker) -> None:
    entry = queue_entry(seeker)
    if entry is not None:
        entry.priority = priority(seeker)[0]


def queue_entry(seeker: JobSeeker) -> QueueEntry | None:
    return db.session.scalar(select(QueueEntry).where(QueueEntry.kind == QueueKind.JOBS,
                                                      QueueEntry.subject_id == seeker.id))


def ask_for_help(actor: User, seeker: JobSeeker) -> QueueEntry:
    """Put the seeker in the jobs queue, so that a coordinator looks for listings with them. Asking
    again after a hire or after leaving the queue joins at the back."""
    if not can_manage(actor, seeker):
        raise NotFound(_l("No such job seeker."))
    if not seeker.consent_to_share:
        raise ValidationFailed(_l("Referrals need consent to share the profile with employers."),
                               {"consent_to_share": [str(_l("Required before anyone is referred."))]})
    entry = queue_entry(seeker)
    if entry is not None and entry.state in queue.OPEN_STATES:
        raise Conflict(_l("Already in the queue."))
    if entry is None:
        entry = queue.enqueue(QueueKind.JOBS, seeker.id, priority(seeker)[0])
    else:
        queue.rejoin(entry, priority(seeker)[0])
    db.session.flush()
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, seeker.id, {"queue": [None, "waiting"]})
    db.session.commit()
    return entry


def leave_queue(actor: User, seeker: JobSeeker) -> None:
    """The seeker no longer wants referrals (found work elsewhere, moved away, ...)."""
    if not can_manage(actor, seeker):
        raise NotFound(_l("No such job seeker."))
    entry = queue_entry(seeker)
    if entry is None or entry.state not in (EntryState.WAITING, EntryState.LEASED):
        raise Conflict(_l("Not waiting in the queue."))
    queue.close(entry)
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, seeker.id, {"queue": [None, "closed"]})
    db.session.commit()


def raise_priority(actor: User, seeker: JobSeeker, points, reason: str) -> JobSeeker:
    """A coordinator raises a seeker's priority, with a written reason that is kept."""
    if not actor.is_staff:
        raise PermissionDenied()
    errors = check.FieldErrors()
    points = check.whole_number(errors, "points", points, minimum=1, maximum=100, required=True)
    reason = check.text(errors, "reason", reason, 2000, required=True) or ""  # check.text never returns None
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    seeker.priority_boost, seeker.boost_reason = points, reason
    _refresh_priority(seeker)
    audit.record(actor, AuditAction.UPDATE, ENTITY, seeker.id, {"priority_boost": [None, points]}, reason,
                 personal_reason="boost_reason")
    db.session.commit()
    return seeker


def contact(viewer: User, seeker: JobSeeker, served_by: ServedBy | None = None,
            organization_id: int | None = None) -> dict:
    """The seeker's contact, for someone already allowed to see it; a view by anyone but the seeker is recorded."""
    if viewer.id != seeker.user_id:
        audit.record_personal_data_view(viewer, ENTITY, seeker.id, list(CONTACT_FIELDS), served_by,
                                        organization_id=organization_id)
    return {"name": seeker.contact_name, "phone": seeker.contact_phone, "email": seeker.contact_email}


def seekers_registered_by(user: User) -> list[JobSeeker]:
    query = select(JobSeeker).where(JobSeeker.registered_by_id == user.id, JobSeeker.user_id.is_distinct_from(user.id))
    return list(db.session.scalars(query.order_by(JobSeeker.id.desc())))


def with_seekers(entries) -> list[tuple]:
    """(entry, seeker) pairs for a page of the jobs queue, in one query."""
    ids = [entry.subject_id for entry in entries]
    by_id = {s.id: s for s in db.session.scalars(select(JobSeeker).where(JobSeeker.id.in_(ids)))} if ids else {}
    return [(entry, by_id[entry.subject_id]) for entry in entries]

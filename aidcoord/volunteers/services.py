"""Volunteers: profiles, shifts, sign-ups that never overfill a shift, attendance and hours."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import LazyString, format_datetime, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from aidcoord.accounts.models import Role, User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common import validation as check
from aidcoord.common.codes import language_names
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.matching import kinds
from aidcoord.matching.models import QueueKind
from aidcoord.matching.services import CapacityExceeded, resize_capacity
from aidcoord.notifications.services import notify
from aidcoord.organizations.models import Organization
from aidcoord.organizations.permissions import acts_for
from aidcoord.volunteers.matching import move_sign_up
from aidcoord.volunteers.models import (
    ATTENDED,
    CANCELLED,
    NO_SHOW,
    SIGNED_UP,
    SKILLS,
    BackgroundCheck,
    Shift,
    SignUp,
    VolunteerProfile,
    skill_names,
)

MAX_SHIFT_HOURS = 24
REMINDER_HOURS = 24


class ShiftFull(CapacityExceeded):
    """Every slot is taken (code `capacity_taken`, as a full offer of any kind)."""


@dataclass
class ShiftFilters:
    region: str | None = None
    day: datetime | None = None
    skill: str | None = None


def _skills(errors, field, value) -> list[str]:
    values = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    unknown = [v for v in values if v not in SKILLS]
    if unknown:
        errors.add(field, _l("Unknown skill: %(skills)s (choose from %(known)s)", skills=", ".join(unknown),
                             known=", ".join(SKILLS)))
    return sorted(set(values) - set(unknown))


def _datetime(errors, field, value) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _l("Enter a date and time as YYYY-MM-DDTHH:MM."))
            return None
    if not isinstance(value, datetime):
        errors.add(field, _l("Enter a date and time as YYYY-MM-DDTHH:MM."))
        return None
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def profile_of(user: User) -> VolunteerProfile | None:
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


def save_profile(user: User, data: dict) -> VolunteerProfile:
    """A volunteer describes what they can do, where and when."""
    if not user.has_role(Role.VOLUNTEER):
        raise PermissionDenied(_l("Volunteering needs the volunteer role."))
    errors = check.FieldErrors()
    clean = {"skills": _skills(errors, "skills", data.get("skills")),
             "languages": check.language_codes(errors, "languages", data.get("languages") or []),
             "availability": check.text(errors, "availability", data.get("availability"), 500)}
    clean["regions"] = check.region_codes(errors, "regions", data.get("regions"))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    profile = profile_of(user) or VolunteerProfile(user_id=user.id)
    for field, value in clean.items():
        setattr(profile, field, value)
    db.session.add(profile)
    db.session.commit()
    return profile


def set_background_check(actor: User, profile: VolunteerProfile, state: str) -> VolunteerProfile:
    """Coordinators record the outcome of a background check (needed e.g. for childcare shifts)."""
    if not actor.is_staff:
        raise PermissionDenied()
    errors = check.FieldErrors()
    result = check.enum_value(errors, "background_check", state, BackgroundCheck)
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    before = profile.background_check
    profile.background_check, profile.checked_by_id, profile.checked_at = result, actor.id, utcnow()
    audit.record(actor, AuditAction.STATE_CHANGE, "volunteer_profile", profile.id, {"background_check": [before,
                                                                                                         result]})
    db.session.commit()
    return profile


def post_shift(actor: User, organization: Organization, data: dict, *, now: datetime | None = None) -> Shift:
    """Members of a verified organization post shifts for it."""
    if not acts_for(actor, organization.id):
        raise PermissionDenied()
    if not organization.is_verified:
        raise Conflict(_l("Only verified organizations can post shifts."))
    now = now or utcnow()
    errors = check.FieldErrors()
    clean = {
        "task": check.text(errors, "task", data.get("task"), 200, required=True),
        "description": check.text(errors, "description", data.get("description"), 5000),
        "region": check.region(errors, "region", data.get("region")),
        "locality": check.text(errors, "locality", data.get("locality"), 200),
        "starts_at": _datetime(errors, "starts_at", data.get("starts_at")),
        "ends_at": _datetime(errors, "ends_at", data.get("ends_at")),
        "slots": check.whole_number(errors, "slots", data.get("slots"), minimum=1, maximum=1000, required=True),
        "required_skills": _skills(errors, "required_skills", data.get("required_skills")),
        "required_languages": check.language_codes(errors, "required_languages", data.get("required_languages") or []),
        "requires_background_check": check.flag(data.get("requires_background_check", False)),
        "cancel_cutoff_hours": check.whole_number(errors, "cancel_cutoff_hours", data.get("cancel_cutoff_hours", 24),
                                    minimum=0, maximum=168),
    }
    if clean["starts_at"] and clean["starts_at"] < now:
        errors.add("starts_at", _l("The shift cannot start in the past."))
    if clean["starts_at"] and clean["ends_at"]:
        if clean["ends_at"] <= clean["starts_at"]:
            errors.add("ends_at", _l("The shift must end after it starts."))
        elif clean["ends_at"] - clean["starts_at"] > timedelta(hours=MAX_SHIFT_HOURS):
            errors.add("ends_at", lazy_ngettext("A shift lasts at most %(num)d hour.",
                                                "A shift lasts at most %(num)d hours.", MAX_SHIFT_HOURS))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    shift = Shift(organization=organization, created_by_id=actor.id, **clean)
    db.session.add(shift)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, "shift", shift.id, {"task": shift.task, "slots": shift.slots})
    db.session.commit()
    return shift


def change_slots(actor: User, shift: Shift, slots) -> Shift:
    """Members of the organization change how many volunteers a shift takes: never fewer than those
    signed up (409 with the numbers, nothing written), even against sign-ups at the same moment."""
    if not acts_for(actor, shift.organization_id):
        raise PermissionDenied()
    if shift.cancelled:
        raise Conflict(_l("This shift is no longer open."))
    errors = check.FieldErrors()
    total = check.whole_number(errors, "slots", slots, minimum=1, maximum=1000, required=True)
    if errors or total is None:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    before = shift.slots
    resize_capacity(kinds.of(QueueKind.SHIFTS), shift.id, total)
    db.session.refresh(shift, ["slots", "filled"])
    if shift.slots != before:
        audit.record(actor, AuditAction.UPDATE, "shift", shift.id, {"slots": [before, shift.slots]})
    db.session.commit()
    return shift


def get_shift(shift_id: int) -> Shift:
    shift = db.session.get(Shift, shift_id)
    if shift is None or not shift.organization.is_verified:
        raise NotFound(_l("No such shift."))
    return shift


def unmet_requirements(profile: VolunteerProfile | None, shift: Shift) -> list:
    if profile is None:
        return [_l("fill in your volunteer profile first")]
    missing = []
    lacking_skills = sorted(set(shift.required_skills) - set(profile.skills))
    if lacking_skills:
        missing.append(_l("needs the skills: %(skills)s", skills=skill_names(lacking_skills)))
    if shift.required_languages and not set(shift.required_languages) & set(profile.languages):
        missing.append(_l("needs one of the languages: %(langs)s", langs=language_names(shift.required_languages)))
    if shift.requires_background_check and profile.background_check is not BackgroundCheck.CLEARED:
        missing.append(_l("needs a cleared background check"))
    return missing


def sign_up(volunteer: User, shift: Shift, *, now: datetime | None = None) -> SignUp:
    """Take a slot. The slot is taken by one conditional UPDATE (filled < slots), so a full shift
    refuses the sign-up even when many volunteers press the button at the same moment."""
    now = now or utcnow()
    if not volunteer.has_role(Role.VOLUNTEER):
        raise PermissionDenied(_l("Signing up needs the volunteer role."))
    if shift.cancelled or shift.starts_at <= now:
        raise Conflict(_l("This shift is no longer open."))
    missing = unmet_requirements(profile_of(volunteer), shift)
    if missing:
        raise ValidationFailed(_l("You cannot take this shift: %(why)s", why="; ".join(map(str, missing))),
                               {"shift": [str(reason) for reason in missing]})
    existing = db.session.scalar(select(SignUp).where(SignUp.shift_id == shift.id, SignUp.volunteer_id == volunteer.id))
    if existing is not None and existing.state is SIGNED_UP:
        raise Conflict(_l("You are already signed up."))
    if existing is not None and existing.state is not CANCELLED:
        raise Conflict(_l("Your sign-up for this shift is already settled."))
    entry = existing or SignUp(shift_id=shift.id, volunteer_id=volunteer.id)
    try:
        move_sign_up(entry, SIGNED_UP, new=True)
    except CapacityExceeded:
        raise ShiftFull(_l("This shift is full.")) from None
    entry.hours, entry.reminded_at = None, None
    db.session.add(entry)
    db.session.flush()
    audit.record(volunteer, AuditAction.CREATE, "sign_up", entry.id, {"shift_id": shift.id})
    db.session.commit()
    db.session.refresh(shift)
    return entry


def cancel_sign_up(volunteer: User, entry: SignUp, *, now: datetime | None = None) -> SignUp:
    """Volunteers cancel up to the shift's cutoff; the slot opens again."""
    now = now or utcnow()
    if entry.volunteer_id != volunteer.id:
        raise NotFound()
    if entry.state is not SIGNED_UP:
        raise Conflict(_l("This sign-up is not active."))
    if now > entry.shift.starts_at - timedelta(hours=entry.shift.cancel_cutoff_hours):
        raise Conflict(_l("Too late to cancel online; please call the organization."))
    move_sign_up(entry, CANCELLED)
    audit.record(volunteer, AuditAction.STATE_CHANGE, "sign_up", entry.id, {"state": [SIGNED_UP, CANCELLED]})
    db.session.commit()
    return entry


def mark_attendance(actor: User, entry: SignUp, attended: bool, hours=None) -> SignUp:
    """The organization records who came and for how many hours."""
    if not acts_for(actor, entry.shift.organization_id):
        raise PermissionDenied()
    if entry.state is CANCELLED:
        raise Conflict(_l("This sign-up was cancelled."))
    target = ATTENDED if attended else NO_SHOW
    if entry.state is not SIGNED_UP and entry.state is not target:
        raise Conflict(_l("Attendance is already recorded as “%(state)s”.", state=entry.state_label))
    errors = check.FieldErrors()
    worked = None
    if attended:
        if hours in (None, ""):
            shift = entry.shift
            worked = Decimal(int((shift.ends_at - shift.starts_at).total_seconds() // 60)) / 60
            worked = worked.quantize(Decimal("0.001"))
        else:
            worked = check.positive_decimal(errors, "hours", hours, 3, Decimal(MAX_SHIFT_HOURS + 1))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    before = entry.state
    if entry.state is not target:  # marking again only corrects the hours
        move_sign_up(entry, target)
    entry.hours, entry.marked_by_id = worked, actor.id
    audit.record(actor, AuditAction.STATE_CHANGE, "sign_up", entry.id, {"state": [before, entry.state]})
    db.session.commit()
    return entry


def get_sign_up(sign_up_id: int) -> SignUp:
    entry = db.session.get(SignUp, sign_up_id)
    if entry is None:
        raise NotFound()
    return entry


def open_shifts(filters: ShiftFilters, *, now: datetime | None = None) -> list[Shift]:
    """Upcoming shifts of verified organizations with free slots, soonest first."""
    now = now or utcnow()
    query = (select(Shift).join(Shift.organization)
             .where(Shift.cancelled.is_(False), Shift.starts_at > now, Shift.filled < Shift.slots,
                    Organization.verification_state == "verified").order_by(Shift.starts_at, Shift.id))
    if filters.region:
        query = query.where(Shift.region == filters.region.upper())
    if filters.day is not None:
        query = query.where(Shift.starts_at >= filters.day, Shift.starts_at < filters.day + timedelta(days=1))
    shifts = list(db.session.scalars(query.limit(500)))
    return [shift for shift in shifts if not filters.skill or filters.skill in shift.required_skills]


def my_shifts(volunteer: User) -> list[SignUp]:
    query = select(SignUp).join(SignUp.shift).where(SignUp.volunteer_id == volunteer.id).order_by(Shift.starts_at)
    return list(db.session.scalars(query))


def roster(actor: User, shift: Shift) -> list[SignUp]:
    """Who signed up (names and emails: for the organization and staff only)."""
    if not acts_for(actor, shift.organization_id):
        raise PermissionDenied()
    query = select(SignUp).where(SignUp.shift_id == shift.id).order_by(SignUp.id)
    entries = list(db.session.scalars(query))
    audit.record_personal_data_views(actor, "user", [entry.volunteer_id for entry in entries], ["email", "name"],
                                     ServedBy(Purpose.ROSTER, "shift", shift.id), organization_id=shift.organization_id)
    return entries


def organization_shifts(actor: User, organization: Organization) -> list[Shift]:
    """Every shift of the organization, latest first (its members and staff)."""
    if not acts_for(actor, organization.id):
        raise PermissionDenied()
    query = select(Shift).where(Shift.organization_id == organization.id).order_by(Shift.starts_at.desc())
    return list(db.session.scalars(query))


def organization_hours(actor: User, organization: Organization) -> list[tuple]:
    """(volunteer, hours) given to this organization, most hours first (its members and staff)."""
    if not acts_for(actor, organization.id):
        raise PermissionDenied()
    rows = sorted(hours_by_volunteer(organization.id), key=lambda row: (-row[1], row[0].id))
    audit.record_personal_data_views(actor, "user", [volunteer.id for volunteer, _hours in rows], ["name"],
                                     ServedBy(Purpose.ROSTER, "organization", organization.id),
                                     organization_id=organization.id)
    return rows


def hours_by_organization(actor: User) -> list[tuple]:
    """(organization, volunteers, hours) over attended sign-ups, most hours first (staff)."""
    if not actor.is_staff:
        raise PermissionDenied()
    query = (select(Shift.organization_id, func.count(func.distinct(SignUp.volunteer_id)), func.sum(SignUp.hours))
             .join(SignUp.shift).where(SignUp.state == ATTENDED).group_by(Shift.organization_id))
    figures = db.session.execute(query).all()
    by_id = {organization.id: organization for organization in db.session.scalars(  # one query, not one per row
        select(Organization).where(Organization.id.in_([org_id for org_id, _people, _hours in figures])))}
    rows = [(by_id[org_id], people, hours) for org_id, people, hours in figures]
    return sorted(rows, key=lambda row: (-row[2], row[0].id))


def hours_by_volunteer(organization_id: int | None = None) -> list[tuple]:
    """(volunteer, total hours) for attended sign-ups, optionally within one organization."""
    query = (select(SignUp.volunteer_id, func.sum(SignUp.hours)).join(SignUp.shift)
             .where(SignUp.state == ATTENDED).group_by(SignUp.volunteer_id))
    if organization_id is not None:
        query = query.where(Shift.organization_id == organization_id)
    figures = db.session.execute(query).all()
    by_id = {user.id: user for user in db.session.scalars(  # one query for the names, not one per volunteer
        select(User).where(User.id.in_([volunteer_id for volunteer_id, _hours in figures])))}
    return [(by_id[volunteer_id], hours) for volunteer_id, hours in figures]


def send_reminders(*, now: datetime | None = None) -> int:
    """Outbox reminders for shifts starting within REMINDER_HOURS, once per sign-up."""
    now = now or utcnow()
    due = db.session.scalars(select(SignUp).join(SignUp.shift).where(
        SignUp.state == SIGNED_UP, SignUp.reminded_at.is_(None), Shift.cancelled.is_(False),
        Shift.starts_at > now, Shift.starts_at <= now + timedelta(hours=REMINDER_HOURS))).all()
    for entry in due:
        # Lazy: notify() formats the time in the volunteer's language, in the deployment's zone.
        starts = LazyString(format_datetime, entry.shift.starts_at, "short")
        notify(entry.volunteer, "shift_reminder", _l("Your shift is coming up"),
               _l("Reminder: %(task)s starts at %(time)s.", task=entry.shift.task, time=starts),
               f"/volunteers/shifts/{entry.shift_id}")
        entry.reminded_at = now
    db.session.commit()
    return len(due)

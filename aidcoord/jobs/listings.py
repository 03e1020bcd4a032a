"""Job listings: posting, moderation (publish, reject, reports back to review), closing, the board."""
import functools
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, String, bindparam, cast, func, or_, select, update
from sqlalchemy.orm import lazyload, with_expression

from aidcoord.accounts.models import Role, User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common import validation as check
from aidcoord.common.money import to_minor_units
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.permissions import is_staff, owns, signed_in
from aidcoord.common.sql import LIKE_ESCAPE, escaped_for_like, filter_shape, rows_changed
from aidcoord.common.types import today as local_today
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.jobs.models import (
    LANGUAGE_LEVELS,
    NATIVE,
    SECTORS,
    ContractType,
    JobListing,
    ListingReport,
    ListingState,
    ReportReason,
    level_keyword,
)
from aidcoord.matching import kinds
from aidcoord.matching import services as matches
from aidcoord.matching.lifecycle import MatchState
from aidcoord.matching.models import QueueKind
from aidcoord.organizations import services as organizations
from aidcoord.organizations.models import Organization
from aidcoord.organizations.permissions import is_member_of

ENTITY = "job_listing"
MAX_POSITIONS = 1000
MAX_SKILLS = 30
DEFAULT_LEVEL = "B1"


@dataclass
class BoardFilters:
    region: str | None = None
    sector: str | None = None
    language: str | None = None
    remote: bool | None = None
    contract_type: ContractType | None = None
    text: str | None = None


def languages_with_levels(errors: check.FieldErrors, field: str, value) -> list[dict]:
    """[{"code", "level"}] from a list of such dicts, or from text like 'hy:native ru:B2 en'
    (a code without a level means B1)."""
    items = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    clean, seen = [], set()
    for item in items:
        if isinstance(item, dict):
            code, level = item.get("code"), item.get("level") or DEFAULT_LEVEL
        else:
            code, _sep, level = str(item).partition(":")
            level = level or DEFAULT_LEVEL
        level = str(level).strip()
        level = NATIVE if level.lower() in (NATIVE, level_keyword(NATIVE).lower()) else level.upper()
        codes = check.language_codes(errors, field, [code or ""])
        if level not in LANGUAGE_LEVELS:
            errors.add(field, _l("Unknown level %(level)s: use one of %(levels)s", level=level,
                                 levels=", ".join(map(level_keyword, LANGUAGE_LEVELS))))
        elif codes and codes[0] not in seen:
            seen.add(codes[0])
            clean.append({"code": codes[0], "level": level})
    return clean


def skill_tags(errors: check.FieldErrors, field: str, value) -> list[str]:
    """Free skill tags ('welding, driving licence B'), trimmed, lowercased, without repeats."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    tags = []
    for item in items:
        tag = " ".join(str(item).split()).lower()
        if len(tag) > 60:
            errors.add(field, _l("Keep each skill under 60 characters."))
        elif tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_SKILLS:
        errors.add(field, lazy_ngettext("List at most %(num)d skill.", "List at most %(num)d skills.", MAX_SKILLS))
    return tags


def clean_listing(data: dict, *, today: date) -> dict:
    """Check all of a listing's fields at once."""
    errors = check.FieldErrors()
    clean = {
        "title": check.text(errors, "title", data.get("title"), 200, required=True),
        "description": check.text(errors, "description", data.get("description"), 10000),
        "locality": check.text(errors, "locality", data.get("locality"), 200),
        "remote": check.flag(data.get("remote", False)),
        "positions": check.whole_number(errors, "positions", data.get("positions"), minimum=1,
                                        maximum=MAX_POSITIONS, required=True),
        "languages": languages_with_levels(errors, "languages", data.get("languages")),
        "skills": skill_tags(errors, "skills", data.get("skills")),
        "contract_type": check.enum_value(errors, "contract_type", data.get("contract_type"), ContractType),
        "closing_date": check.a_date(errors, "closing_date", data.get("closing_date"), not_before=today),
        "start_date": check.a_date(errors, "start_date", data["start_date"])
        if data.get("start_date") not in (None, "") else None,
    }
    sector = str(data.get("sector") or "").strip().lower()
    if sector not in SECTORS:
        errors.add("sector", _l("Choose a sector: %(sectors)s", sectors=", ".join(SECTORS)))
    clean["sector"] = sector
    if data.get("region") not in (None, ""):
        clean["region"] = check.region(errors, "region", data["region"])
    elif clean["remote"]:
        clean["region"] = None
    else:
        errors.add("region", _l("Give the region, or mark the job as remote."))
    clean.update(_salary(errors, data))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return clean


def _salary(errors: check.FieldErrors, data: dict) -> dict:
    low, high = data.get("salary_min"), data.get("salary_max")
    if low in (None, "") and high in (None, ""):
        return {"salary_min_minor": None, "salary_max_minor": None, "salary_currency": None}
    currency = check.currency(errors, "salary_currency", data.get("salary_currency"))
    low = check.positive_amount(errors, "salary_min", low, currency) if low not in (None, "") else None
    high = check.positive_amount(errors, "salary_max", high, currency) if high not in (None, "") else None
    if low is not None and high is not None and high < low:
        errors.add("salary_max", _l("The highest salary cannot be below the lowest."))
    if currency is None:
        return {}
    return {"salary_min_minor": None if low is None else to_minor_units(low, currency),
            "salary_max_minor": None if high is None else to_minor_units(high, currency),
            "salary_currency": currency}


def is_employer_side(user: User | None, listing: JobListing) -> bool:
    """The employer who posted it, or members of the organization it is posted for (not staff)."""
    return owns(user, listing.employer_id) or is_member_of(user, listing.organization_id)


def post_listing(actor: User, data: dict, organization_id: int | None = None, *,
                 today: date | None = None) -> JobListing:
    """Employers post for themselves; members of a verified organization for it. Starts pending."""
    today = today or local_today()
    organization = None
    if organization_id is not None:
        organization = organizations.get_editable_organization(actor, organization_id)
        if not organization.is_verified:
            raise Conflict(_l("Only verified organizations can post jobs."))
    elif not actor.has_role(Role.EMPLOYER):
        raise PermissionDenied(_l("Posting a job needs the employer role or a verified organization."))
    clean = clean_listing(data, today=today)
    listing = JobListing(employer_id=None if organization else actor.id, organization=organization,
                         open_positions=clean["positions"], state=ListingState.PENDING, created_by_id=actor.id,
                         **clean)
    db.session.add(listing)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, ENTITY, listing.id,
                 {"title": listing.title, "positions": listing.positions})
    db.session.commit()
    return listing


def _settle_if_expired(listing: JobListing, today: date) -> None:
    if listing.state in (ListingState.PENDING, ListingState.PUBLISHED) and listing.closing_date < today:
        close_listing(None, listing, "closing date passed", commit=True)


def can_view(viewer: User | None, listing: JobListing) -> bool:
    """Published listings are public; the others are for their employer's side and staff."""
    return listing.state is ListingState.PUBLISHED or is_staff(viewer) or is_employer_side(viewer, listing)


def get_listing(viewer: User | None, listing_id: int, *, today: date | None = None) -> JobListing:
    """Published listings for everyone; others for their employer and coordinators."""
    listing = db.session.get(JobListing, listing_id)
    if listing is None:
        raise NotFound(_l("No such job listing."))
    _settle_if_expired(listing, today or local_today())
    if not can_view(viewer, listing):
        raise NotFound(_l("No such job listing."))
    return listing


def _change_state(actor, listing: JobListing, state: ListingState, note: str | None) -> None:
    before = listing.state
    listing.state, listing.review_note = state, note
    if actor is not None and actor.is_staff:
        listing.reviewed_by_id, listing.reviewed_at = actor.id, utcnow()
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, listing.id, {"state": [before, state]}, note)


def publish(actor: User, listing: JobListing, *, today: date | None = None) -> JobListing:
    if not actor.is_staff:
        raise PermissionDenied()
    if listing.state is not ListingState.PENDING:
        raise Conflict(_l("Only a listing waiting for review can be published."))
    if listing.closing_date < (today or local_today()):
        raise Conflict(_l("The closing date has passed."))
    _change_state(actor, listing, ListingState.PUBLISHED, None)
    db.session.commit()
    return listing


def reject(actor: User, listing: JobListing, reason: str) -> JobListing:
    """Refuse a pending listing, or take down a published one, with the reason the employer reads."""
    if not actor.is_staff:
        raise PermissionDenied()
    if listing.state not in (ListingState.PENDING, ListingState.PUBLISHED):
        raise Conflict(_l("Only a pending or published listing can be rejected."))
    reason = check.required_text(reason, message=_l("Give the reason for rejecting."))
    _change_state(actor, listing, ListingState.REJECTED, reason)
    _end_open_applications(actor, listing, "the listing was rejected by a coordinator")
    db.session.commit()
    return listing


def reporter_key(reporter: User | None, address: str | None) -> str:
    """Who reports, for counting distinct reporters: the account when signed in, else a keyed digest of the
    client address (the address itself is used here and never stored)."""
    if signed_in(reporter):
        return f"user:{reporter.id}"
    return address_key(address)


def address_key(address: str | None) -> str:
    """A keyed digest of a client address ("ip:..."), stored instead of the address."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return "ip:" + hmac.new(secret, b"report:" + (address or "unknown").encode(), hashlib.sha256).hexdigest()[:40]


def _distinct_reporters(since_review) -> int:
    """Reporters that count toward hiding: a report counts only when both its account and its address differ from
    every earlier reporter's (so accounts made on the spot from one address count once), and not when it comes
    from an account younger than LISTING_REPORTER_MIN_AGE_HOURS (still recorded for the moderator)."""
    min_age = timedelta(hours=current_app.config["LISTING_REPORTER_MIN_AGE_HOURS"])
    counted = since_review.subquery()
    rows = db.session.execute(
        select(counted.c.reporter_key, counted.c.address_key, counted.c.created_at, User.created_at)
        .outerjoin(User, User.id == counted.c.reporter_id).order_by(counted.c.id)).all()
    seen: set[str] = set()
    reporters = 0
    for key, address, reported_at, account_made_at in rows:
        keys = {k for k in (key, address) if k}
        young = account_made_at is not None and reported_at - account_made_at < min_age
        if keys and not keys & seen and not young:
            reporters += 1
        seen |= keys
    return reporters


def _reports_since_review(listing: JobListing):
    """Reports that count: those since the last moderator's decision (publishing again starts the count anew)."""
    query = select(ListingReport).where(ListingReport.listing_id == listing.id)
    if listing.reviewed_at is not None:
        query = query.where(ListingReport.created_at > listing.reviewed_at)
    return query


def report(reporter: User | None, listing: JobListing, reason: str, details: str = "", *,
           address: str | None = None) -> ListingReport:
    """Anyone may report a published listing (`address`: the client's, signed in or not). It leaves the board
    once LISTING_REPORTS_TO_HIDE distinct reporters (see _distinct_reporters) reported it since the last review,
    or when a coordinator rejects it; a reporter who reports again is counted once."""
    if listing.state not in (ListingState.PUBLISHED, ListingState.PENDING):
        raise Conflict(_l("This listing is not on the board."))
    errors = check.FieldErrors()
    why = check.enum_value(errors, "reason", reason, ReportReason)
    details = check.text(errors, "details", details, 2000) or ""  # check.text never returns None
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    key = reporter_key(reporter, address)
    since_review = _reports_since_review(listing)
    earlier = db.session.scalar(since_review.where(ListingReport.reporter_key == key).limit(1))
    if earlier is not None:
        return earlier
    entry = ListingReport(listing_id=listing.id, reason=why, details=details,
                          reporter_id=getattr(reporter, "id", None), reporter_key=key,
                          address_key=address_key(address))
    db.session.add(entry)
    db.session.flush()
    reporters = _distinct_reporters(since_review)
    if listing.state is ListingState.PUBLISHED and reporters >= current_app.config["LISTING_REPORTS_TO_HIDE"]:
        _change_state(reporter, listing, ListingState.PENDING, f"reported by {reporters} people, last: {why.value}")
    db.session.commit()
    return entry


def close_listing(actor: User | None, listing: JobListing, reason: str = "", *, commit: bool = True) -> JobListing:
    """The employer (or a coordinator) closes a listing; applications still under way end."""
    if actor is not None and not (actor.is_staff or is_employer_side(actor, listing)):
        raise PermissionDenied()
    if listing.state in (ListingState.CLOSED, ListingState.REJECTED):
        raise Conflict(_l("This listing is already closed."))
    errors = check.FieldErrors()
    reason = check.text(errors, "reason", reason, 2000) or "closed by the employer"
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    _change_state(actor, listing, ListingState.CLOSED, reason)
    _end_open_applications(actor, listing, reason)
    if commit:
        db.session.commit()
    return listing


def _end_open_applications(actor, listing: JobListing, reason: str) -> None:
    """The listing closed: every application still under way is declined (in the caller's transaction)."""
    for match in matches.active_matches_for_offer(QueueKind.JOBS, listing.id):
        matches.move(actor, match, MatchState.DECLINED, reason)


def close_expired(*, today: date | None = None) -> int:
    """Close every listing past its closing date (the CLI runs this daily; pages settle lazily)."""
    today = today or local_today()
    due = db.session.scalars(select(JobListing).where(
        JobListing.state.in_((ListingState.PENDING, ListingState.PUBLISHED)), JobListing.closing_date < today)).all()
    for listing in due:
        close_listing(None, listing, "closing date passed", commit=False)
    db.session.commit()
    return len(due)


def take_position(listing_id: int) -> bool:
    """One conditional UPDATE takes a position (and closes the listing with its last one), so two
    employers pressing 'hire' at once can never hire more people than there are positions."""
    taken = rows_changed(
        update(JobListing)
        .where(JobListing.id == listing_id, JobListing.state == ListingState.PUBLISHED, JobListing.open_positions >= 1)
        .values(open_positions=JobListing.open_positions - 1))
    return taken == 1


def give_back_positions(listing_id: int, count: int) -> None:
    """Positions held by a match that is undone return to the listing (never above its positions)."""
    db.session.execute(
        update(JobListing).where(JobListing.id == listing_id, JobListing.open_positions + count <= JobListing.positions)
        .values(open_positions=JobListing.open_positions + count), execution_options={"synchronize_session": False})


def change_positions(actor: User, listing: JobListing, positions) -> JobListing:
    """The employer's side (or a coordinator) changes how many people the listing hires: never fewer
    than those hired (409 with the numbers, nothing written), even against hires at the same moment;
    the open positions follow. Leaving none open keeps the listing off the board until raised again."""
    if not (actor.is_staff or is_employer_side(actor, listing)):
        raise PermissionDenied()
    if listing.state not in (ListingState.PENDING, ListingState.PUBLISHED):
        raise Conflict(_l("This listing is closed."))
    errors = check.FieldErrors()
    total = check.whole_number(errors, "positions", positions, minimum=1, maximum=MAX_POSITIONS, required=True)
    if errors or total is None:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    before = listing.positions
    matches.resize_capacity(kinds.of(QueueKind.JOBS), listing.id, total)
    db.session.refresh(listing, ["positions", "open_positions"])
    if listing.positions != before:
        audit.record(actor, AuditAction.UPDATE, ENTITY, listing.id, {"positions": [before, listing.positions]})
    db.session.commit()
    return listing


def _board_shape(filters: BoardFilters, today: date | None) -> tuple[frozenset[str], dict]:
    # Codes are validated two-letter ISO 639-1, and only codes are quoted two-letter strings in the stored JSON,
    # so a text match is exact on both databases.
    code = (filters.language or "").strip().lower()[:2]
    words = (filters.text or "").strip().lower()
    given, values = filter_shape(region=(filters.region or "").upper(), sector=filters.sector,
                                 remote=filters.remote, contract_type=filters.contract_type,
                                 language=f'%"{code}"%' if code else None,
                                 text="%" + escaped_for_like(words) + "%" if words else None)
    return given, {**values, "today": today or local_today()}


@functools.cache
def _board_statement(given: frozenset[str]) -> Select:
    """Published listings still open on `today`, newest first: built once per shape, the filters' values bound at
    each read (common.sql.filter_shape)."""
    query = (select(JobListing)
             .where(JobListing.state == ListingState.PUBLISHED, JobListing.closing_date >= bindparam("today"),
                    JobListing.open_positions > 0)
             .order_by(JobListing.created_at.desc(), JobListing.id.desc()))
    for name, column in (("region", JobListing.region), ("sector", JobListing.sector),
                         ("remote", JobListing.remote), ("contract_type", JobListing.contract_type)):
        if name in given:
            query = query.where(column == bindparam(name))
    if "language" in given:
        query = query.where(cast(JobListing.languages, String).like(bindparam("language")))
    if "text" in given:
        query = query.where(or_(*(func.lower(column).like(bindparam("text"), escape=LIKE_ESCAPE) for column in (
            JobListing.title, JobListing.description, JobListing.locality, cast(JobListing.skills, String)))))
    return query


@functools.cache
def _board_page_statement(given: frozenset[str]) -> Select:
    """A listing on the board shows the employer's name: the organization's, else the person's, read as a column
    of the listing's row (JobListing.listed_employer_name). Loading the employer and the organization as records
    (which the model loads eagerly, with the employer's roles and the organization's sectors and regions) was
    most of the page's loading."""
    organization_name = select(Organization.name).where(Organization.id == JobListing.organization_id) \
        .correlate_except(Organization)
    person_name = select(User.name).where(User.id == JobListing.employer_id).correlate_except(User)
    employer_name = func.coalesce(organization_name.scalar_subquery(), person_name.scalar_subquery())
    return _board_statement(given).options(lazyload(JobListing.employer), lazyload(JobListing.organization),
                                           with_expression(JobListing.listed_employer_name, employer_name))


def board(filters: BoardFilters, page: int = 1, per_page: int | None = None, *, today: date | None = None) -> Page:
    """The public job board: published, open listings, newest first."""
    given, values = _board_shape(filters, today)
    return paginate(_board_page_statement(given), page, per_page, values)


def listings_of(user: User) -> list[JobListing]:
    """Every listing this employer (or their organizations) posted, newest first."""
    member_of = [org.id for org in organizations.organizations_of(user)]
    query = select(JobListing).where(or_(JobListing.employer_id == user.id, JobListing.organization_id.in_(member_of)))
    return list(db.session.scalars(query.order_by(JobListing.id.desc())))


def review_queue(actor: User) -> list[tuple[JobListing, int]]:
    """Pending listings, and published ones reported since their last review, oldest first, with how many
    distinct people reported each (coordinators only)."""
    if not actor.is_staff:
        raise PermissionDenied()
    reports = (select(ListingReport.listing_id, func.count(func.distinct(ListingReport.reporter_key)).label("n"))
               .join(JobListing, JobListing.id == ListingReport.listing_id)
               .where(or_(JobListing.reviewed_at.is_(None), ListingReport.created_at > JobListing.reviewed_at))
               .group_by(ListingReport.listing_id).subquery())
    query = (select(JobListing, func.coalesce(reports.c.n, 0))
             .outerjoin(reports, reports.c.listing_id == JobListing.id)
             .where(or_(JobListing.state == ListingState.PENDING,
                        (JobListing.state == ListingState.PUBLISHED) & (reports.c.n > 0)))
             .order_by(JobListing.created_at, JobListing.id))
    return [(listing, count) for listing, count in db.session.execute(query)]


def reports_on(actor: User, listing: JobListing) -> list[ListingReport]:
    if not actor.is_staff:
        raise PermissionDenied()
    query = select(ListingReport).where(ListingReport.listing_id == listing.id).order_by(ListingReport.id)
    return list(db.session.scalars(query))

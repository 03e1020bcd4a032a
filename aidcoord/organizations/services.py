"""The organization registry's rules: registration, editing, verification, membership, directory."""
import functools
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, delete, false, func, select
from sqlalchemy.orm import joinedload

from aidcoord.accounts.models import Role, RoleGrant, User
from aidcoord.accounts.services import find_user_by_email, normalize_email
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common.codes import normalize_country, normalize_subdivision
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.sql import LIKE_ESCAPE, escaped_for_like, filter_shape, rows_changed
from aidcoord.common.types import utcnow
from aidcoord.common.validation import has_control_characters, is_web_address
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.organizations.models import (
    Membership,
    Organization,
    OrganizationKind,
    OrganizationRegion,
    OrganizationSector,
    Sector,
    VerificationState,
)
from aidcoord.organizations.permissions import acts_for, is_member_of, may_see

EDITABLE_FIELDS = (
    "name", "kind", "country", "regions", "sectors", "description", "website", "contact_email", "contact_phone",
)
ENTITY = "organization"


@dataclass
class DirectoryFilters:
    sector: Sector | None = None
    region: str | None = None
    kind: OrganizationKind | None = None
    verified: bool | None = None
    search: str | None = None


def get_organization(viewer: User | None, organization_id: int) -> Organization:
    """The organization if `viewer` may see it; unverified ones are hidden (404) from outsiders."""
    organization = db.session.get(Organization, organization_id)
    if organization is None or not may_see(viewer, organization):
        raise NotFound(_l("No such organization."))
    return organization


def get_editable_organization(editor: User | None, organization_id: int) -> Organization:
    """The organization if `editor` may change it: 404 if they cannot even see it, else 403."""
    organization = get_organization(editor, organization_id)
    if not acts_for(editor, organization.id):
        raise PermissionDenied()
    return organization


def _clean(data: dict, *, partial: bool) -> dict:
    """Normalize and check the registry fields; all problems are reported together, by field."""
    errors: dict[str, list] = {}
    clean = {}
    for field in EDITABLE_FIELDS:
        if field not in data:
            if not partial and field in ("name", "kind", "country", "sectors"):
                errors[field] = [_l("This field is required.")]
            continue
        value = data[field]
        if isinstance(value, str):
            value = value.strip()
        clean[field] = value

    if "name" in clean and not clean["name"]:
        errors["name"] = [_l("Enter the organization's name.")]
    elif "name" in clean and has_control_characters(str(clean["name"])):
        errors["name"] = [_l("Use a single line without control characters.")]
    if "kind" in clean:
        try:
            clean["kind"] = OrganizationKind(getattr(clean["kind"], "value", clean["kind"]))
        except ValueError:
            errors["kind"] = [_l("Choose a kind from the list.")]
    if "country" in clean:
        clean["country"] = normalize_country(clean["country"])
        if clean["country"] is None:
            errors["country"] = [_l("Enter an ISO 3166-1 alpha-2 country code, e.g. AM.")]
    if "regions" in clean:
        codes = [normalize_subdivision(code) for code in clean["regions"] or []]
        unknown = [raw for raw, code in zip(clean["regions"] or [], codes, strict=True) if code is None]
        if unknown:
            errors["regions"] = [_l("Unknown ISO 3166-2 region code: %(codes)s", codes=", ".join(map(str, unknown)))]
        clean["regions"] = sorted({code for code in codes if code})
    if "sectors" in clean:
        try:
            sectors = {Sector(getattr(s, "value", s)) for s in clean["sectors"] or []}
            clean["sectors"] = sorted(sectors, key=lambda s: s.value)
        except ValueError:
            errors["sectors"] = [_l("Choose sectors from the cluster list.")]
        else:
            if not clean["sectors"]:
                errors["sectors"] = [_l("Choose at least one sector.")]
    if clean.get("website"):
        clean["website"] = str(clean["website"]).strip()
        if not is_web_address(clean["website"]):
            errors["website"] = [_l("Enter a web address starting with http:// or https://.")]
    if clean.get("contact_email"):
        try:
            clean["contact_email"] = normalize_email(clean["contact_email"])
        except ValidationFailed as error:
            errors["contact_email"] = error.fields["email"]
    for optional in ("website", "contact_email", "contact_phone"):
        if optional in clean and not clean[optional]:
            clean[optional] = None
    if "description" in clean and clean["description"] is None:
        clean["description"] = ""
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return clean


def _ensure_name_is_free(name: str, exclude_id: int | None = None) -> None:
    query = select(Organization.id).where(Organization.name_key == name.casefold())
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    if db.session.scalar(query) is not None:
        message = _l("An organization with this name is already registered.")
        raise ValidationFailed(message, {"name": [message]})


def _snapshot(organization: Organization) -> dict:
    return {field: getattr(organization, field) for field in EDITABLE_FIELDS}


def _apply(organization: Organization, clean: dict) -> None:
    for field, value in clean.items():
        if field == "sectors":
            organization.sector_rows = [OrganizationSector(sector=sector) for sector in value]
        elif field == "regions":
            organization.region_rows = [OrganizationRegion(code=code) for code in value]
        else:
            setattr(organization, field, value)
        if field == "name":
            organization.name_key = value.casefold()


def _add_membership(organization: Organization, user: User, added_by: User | None) -> None:
    organization.memberships.append(Membership(user=user, added_by_id=getattr(added_by, "id", None)))
    if Role.ORG_MEMBER not in user.roles:
        user.role_grants.append(RoleGrant(role=Role.ORG_MEMBER))


def apply_for_registration(actor: User, data: dict, *, verified: bool = False) -> Organization:
    """Register an organization as pending; the applicant becomes its first member.
    `verified=True` is for staff (and seeding) registering an organization they vouch for."""
    if verified and not actor.is_staff:
        raise PermissionDenied()
    clean = _clean(data, partial=False)
    _ensure_name_is_free(clean["name"])
    organization = Organization(created_by_id=actor.id)
    _apply(organization, clean)
    if verified:
        organization.verification_state = VerificationState.VERIFIED
        organization.verified_by_id, organization.verified_at = actor.id, utcnow()
    else:
        _add_membership(organization, actor, actor)
    db.session.add(organization)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, ENTITY, organization.id,
                 {**_snapshot(organization), "verification_state": organization.verification_state})
    db.session.commit()
    return organization


def update_organization(actor: User, organization: Organization, data: dict) -> Organization:
    """Change registry fields (members of this organization, coordinators, admins); records the diff."""
    if not acts_for(actor, organization.id):
        raise PermissionDenied()
    clean = _clean(data, partial=True)
    if "name" in clean:
        _ensure_name_is_free(clean["name"], exclude_id=organization.id)
    before = _snapshot(organization)
    _apply(organization, clean)
    changes = audit.diff(before, _snapshot(organization))
    if changes:
        audit.record(actor, AuditAction.UPDATE, ENTITY, organization.id, changes)
    db.session.commit()
    return organization


def _change_verification(actor: User, organization: Organization, state: VerificationState, note: str | None):
    if not actor.is_staff:
        raise PermissionDenied()
    if organization.verification_state is state:
        raise Conflict(_l("The organization is already in this state."))
    before = organization.verification_state
    organization.verification_state = state
    organization.verification_note = note
    organization.verified_by_id, organization.verified_at = actor.id, utcnow()
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, organization.id,
                 {"verification_state": [before, state]}, reason=note)
    db.session.commit()
    return organization


def verify_organization(actor: User, organization: Organization, note: str | None = None) -> Organization:
    """A coordinator vouches for the organization: it enters the public directory."""
    return _change_verification(actor, organization, VerificationState.VERIFIED, (note or "").strip() or None)


def reject_organization(actor: User, organization: Organization, reason: str) -> Organization:
    """A coordinator refuses (or withdraws) verification; the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        message = _l("Give the reason for the rejection.")
        raise ValidationFailed(message, {"reason": [message]})
    return _change_verification(actor, organization, VerificationState.REJECTED, reason)


def add_member(actor: User | None, organization: Organization, email: str) -> Membership:
    """Staff, or the operator's CLI and demo data (actor None), add an existing account directly. Members invite
    (organizations.invitations): nobody is made a member without accepting."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied()
    user = find_user_by_email(email)
    if user is None:
        message = _l("No account uses this email; ask the person to register first.")
        raise ValidationFailed(message, {"email": [message]})
    if is_member_of(user, organization.id):
        message = _l("This person is already a member.")
        raise ValidationFailed(message, {"email": [message]})
    _add_membership(organization, user, actor)
    db.session.flush()
    audit.record(actor, AuditAction.UPDATE, ENTITY, organization.id, {"members_added": [user.id]})
    db.session.commit()
    return db.session.get_one(Membership, (organization.id, user.id))


def remove_member(actor: User, organization: Organization, user_id: int) -> None:
    """Remove a member; an organization's last member cannot be removed except by staff."""
    if not acts_for(actor, organization.id):
        raise PermissionDenied()
    membership = db.session.get(Membership, (organization.id, user_id))
    if membership is None:
        raise NotFound(_l("This person is not a member."))
    user = membership.user
    # Two members removing each other at the same moment must not both succeed (a count, then a separate delete,
    # would let both through and leave nobody). PostgreSQL: lock the organization's row so removals from it take
    # turns, and the conditional DELETE below (its own statement, so a fresh snapshot) sees the other's removal.
    # SQLite runs one writer at a time, so the single statement already holds there (FOR UPDATE is left out).
    db.session.execute(select(Organization.id).where(Organization.id == organization.id).with_for_update())
    removal = delete(Membership).where(Membership.organization_id == organization.id, Membership.user_id == user_id)
    if not actor.is_staff:
        others = (select(func.count()).select_from(Membership)
                  .where(Membership.organization_id == organization.id, Membership.user_id != user_id))
        removal = removal.where(others.scalar_subquery() > 0)
    if rows_changed(removal) == 0:
        db.session.rollback()
        raise Conflict(_l("The last member cannot be removed; add another member first."))
    db.session.expunge(membership)
    db.session.expire(organization, ["memberships"])
    if not db.session.scalar(select(func.count()).select_from(Membership).where(Membership.user_id == user.id)):
        user.role_grants = [grant for grant in user.role_grants if grant.role is not Role.ORG_MEMBER]
    audit.record(actor, AuditAction.UPDATE, ENTITY, organization.id, {"members_removed": [user.id]})
    db.session.commit()


def members(organization: Organization) -> list[Membership]:
    query = (select(Membership).where(Membership.organization_id == organization.id).order_by(Membership.added_at)
             .options(joinedload(Membership.user)))  # names and e-mails shown: one query, not one per member
    return list(db.session.scalars(query))


def shown_members(viewer: User, organization: Organization) -> list[Membership]:
    """members() for a page or the API: each member's name and e-mail seen by someone else is recorded."""
    memberships = members(organization)
    audit.record_personal_data_views(viewer, "user", [membership.user_id for membership in memberships],
                                     ["email", "name"], ServedBy(Purpose.MEMBERSHIP, ENTITY, organization.id),
                                     organization_id=organization.id)
    return memberships


def organizations_of(user: User) -> list[Organization]:
    query = (
        select(Organization).join(Membership).where(Membership.user_id == user.id).order_by(Organization.name)
    )
    return list(db.session.scalars(query))


def all_verified() -> list[Organization]:
    query = select(Organization).where(Organization.verification_state == VerificationState.VERIFIED)
    return list(db.session.scalars(query.order_by(Organization.name_key)))


@functools.cache
def _directory_statement(given: frozenset[str], states: str) -> Select:
    """Built once per shape, the filters' values bound at each read (common.sql.filter_shape). `states`: "verified"
    (the public directory), "unverified" (pending and rejected, for staff) or "none" (an outsider asking for
    unverified ones: nothing)."""
    verified = Organization.verification_state == VerificationState.VERIFIED
    query = select(Organization).where({"verified": verified, "unverified": ~verified, "none": false()}[states])
    if "sector" in given:
        query = query.where(Organization.sector_rows.any(OrganizationSector.sector == bindparam("sector")))
    if "region" in given:
        query = query.where(Organization.region_rows.any(OrganizationRegion.code == bindparam("region")))
    if "kind" in given:
        query = query.where(Organization.kind == bindparam("kind"))
    if "search" in given:
        query = query.where(Organization.name_key.like(bindparam("search"), escape=LIKE_ESCAPE))
    return query.order_by(Organization.name_key, Organization.id)


def list_directory(viewer: User | None, filters: DirectoryFilters, page: int = 1, per_page: int | None = None) -> Page:
    """One page of the directory: verified organizations; staff may also list pending and rejected ones."""
    staff = viewer is not None and viewer.is_authenticated and viewer.is_staff
    # Outsiders only ever see the public directory: verified organizations.
    states = "verified" if filters.verified is not False else "unverified" if staff else "none"
    search = filters.search.strip().casefold() if filters.search else None
    given, values = filter_shape(sector=filters.sector, region=filters.region.upper() if filters.region else None,
                                 kind=filters.kind, search="%" + escaped_for_like(search) + "%" if search else None)
    return paginate(_directory_statement(given, states), page, per_page, values)

"""Housing offers: offering, editing, vetting, withdrawing; host suspensions."""
import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Exists, Select, SQLColumnExpression, Table, bindparam, exists, select, update
from sqlalchemy.orm import lazyload

from aidcoord.accounts.models import Role, User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common import validation as check
from aidcoord.common.money import to_minor_units
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.sql import filter_shape, rows_changed
from aidcoord.common.types import today as local_today
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing.models import HostSuspension, HousingOffer, VettingState
from aidcoord.matching import kinds
from aidcoord.matching import services as matches
from aidcoord.matching.models import QueueKind
from aidcoord.organizations import services as organizations
from aidcoord.organizations.permissions import acts_for, manages

ENTITY = "housing_offer"
TEXT_FIELDS = (("locality", 200), ("address", 500), ("notes", 5000), ("external_ref", 100))
FLAGS = ("whole_dwelling", "utilities_included", "meals_included", "step_free", "pets_accepted", "children_welcome")
MAX_BEDS = 500
AUDITED = ("region", "locality", "address", "beds", "rooms", "whole_dwelling", "available_from", "available_until",
           "max_stay_days", "rent_minor", "rent_currency", *FLAGS[1:], "languages", "notes", "external_ref")


@dataclass
class OfferFilters:
    region: str | None = None
    vetting_state: VettingState | None = None
    min_free_beds: int | None = None
    mine: bool = False


def clean_offer(data: dict, *, today: date, partial: bool = False) -> dict:
    """Check an offer's fields all at once."""
    errors = check.FieldErrors()
    clean: dict[str, Any] = {}
    for field in ("region", "address", "beds", "available_from"):
        if not partial and data.get(field) in (None, ""):
            errors.add(field, _l("This field is required."))
    if data.get("region") not in (None, ""):
        clean["region"] = check.region(errors, "region", data["region"])
    for field, limit in TEXT_FIELDS:
        if field in data:
            clean[field] = check.text(errors, field, data[field], limit)
    if "beds" in data and data["beds"] not in (None, ""):
        clean["beds"] = check.whole_number(errors, "beds", data["beds"], minimum=1, maximum=MAX_BEDS)
    if "rooms" in data and data["rooms"] not in (None, ""):
        clean["rooms"] = check.whole_number(errors, "rooms", data["rooms"], minimum=0, maximum=MAX_BEDS)
    if "max_stay_days" in data:
        clean["max_stay_days"] = check.whole_number(errors, "max_stay_days", data["max_stay_days"], minimum=1,
                                                    maximum=3650)
    if data.get("available_from") not in (None, ""):
        clean["available_from"] = check.a_date(errors, "available_from", data["available_from"])
    if "available_until" in data:
        clean["available_until"] = check.a_date(errors, "available_until", data["available_until"], not_before=today) \
            if data["available_until"] not in (None, "") else None
    starts, ends = clean.get("available_from"), clean.get("available_until")
    if starts and ends and ends < starts:
        errors.add("available_until", _l("The offer must end after it starts."))
    for flag in FLAGS:
        if flag in data:
            clean[flag] = check.flag(data[flag])
    if "languages" in data:
        clean["languages"] = check.language_codes(errors, "languages", data["languages"])
    if data.get("rent_amount") not in (None, ""):
        currency = check.currency(errors, "rent_currency", data.get("rent_currency"))
        amount = check.positive_amount(errors, "rent_amount", data["rent_amount"], currency)
        if amount is not None and currency:
            clean["rent_minor"], clean["rent_currency"] = to_minor_units(amount, currency), currency
    elif "rent_amount" in data:
        clean["rent_minor"] = clean["rent_currency"] = None
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return clean


def can_manage(user: User | None, offer: HousingOffer) -> bool:
    """The host, members of the offering organization, and staff."""
    return manages(user, owner_ids=(offer.host_id,), organization_id=offer.organization_id)


def get_offer(viewer: User | None, offer_id: int) -> HousingOffer:
    """Offers are seen by those who manage them and by coordinators (hosts' homes are not public)."""
    offer = db.session.get(HousingOffer, offer_id)
    if offer is None or not can_manage(viewer, offer):
        raise NotFound(_l("No such housing offer."))
    return offer


# What an offer's page, form and API show of the host's home: all personal, each view by others recorded.
SHOWN_PERSONAL = ("address", "notes", "vetting_note", "external_ref")


def record_view(viewer: User, offer: HousingOffer) -> HousingOffer:
    """The offer, its view recorded when someone other than its host sees the address and notes."""
    if viewer.id != offer.host_id:
        purpose = Purpose.VETTING if viewer.is_staff else Purpose.CASEWORK
        audit.record_personal_data_view(viewer, ENTITY, offer.id, SHOWN_PERSONAL, ServedBy(purpose),
                                        organization_id=offer.organization_id)
    return offer


def record_export(viewer: User, shown: list[HousingOffer]) -> list[HousingOffer]:
    """The offers of an export (their references are personal), each one's view recorded."""
    for organization_id in {offer.organization_id for offer in shown}:
        audit.record_personal_data_views(viewer, ENTITY, [o.id for o in shown if o.organization_id == organization_id
                                                          and o.host_id != viewer.id and o.external_ref],
                                         ["external_ref"], ServedBy(Purpose.EXPORT), organization_id=organization_id)
    return shown


def create_offer(actor: User, data: dict, *, organization_id: int | None = None, today: date | None = None,
                 commit: bool = True) -> HousingOffer:
    """A host offers their place, or a member offers on behalf of a verified organization."""
    organization = None
    if organization_id is not None:
        organization = organizations.get_organization(actor, organization_id)
        if not acts_for(actor, organization.id) or not organization.is_verified:
            raise PermissionDenied(_l("Offers on behalf of an organization come from members of a verified one."))
    elif not actor.has_role(Role.HOST):
        raise PermissionDenied(_l("Offering housing needs the host role."))
    clean = clean_offer(data, today=today or local_today())
    offer = HousingOffer(host_id=None if organization else actor.id, organization=organization,
                         created_by_id=actor.id, free_beds=clean["beds"], **clean)
    db.session.add(offer)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, ENTITY, offer.id, {field: getattr(offer, field) for field in AUDITED})
    if commit:
        db.session.commit()
    return offer


def update_offer(actor: User, offer: HousingOffer, data: dict, *, today: date | None = None) -> HousingOffer:
    """Edit an offer. The beds never go below those taken or promised (409, nothing written), even
    against proposals made at the same moment; the free beds follow the beds."""
    if not can_manage(actor, offer):
        raise PermissionDenied()
    clean = clean_offer(data, today=today or local_today(), partial=True)
    before = {field: getattr(offer, field) for field in AUDITED}
    if "beds" in clean:  # first, and from the row itself: the offer loaded here may be stale
        matches.resize_capacity(kinds.of(QueueKind.HOUSING), offer.id, clean.pop("beds"))
        db.session.refresh(offer, ["beds", "free_beds"])
    for field, value in clean.items():
        setattr(offer, field, value)
    changes = audit.diff(before, {field: getattr(offer, field) for field in AUDITED})
    if changes:
        audit.record(actor, AuditAction.UPDATE, ENTITY, offer.id, changes)
    # A different or bigger place needs checking again; fewer beds in the same place do not.
    if offer.vetting_state is VettingState.VERIFIED and ("address" in changes or offer.beds > before["beds"]):
        offer.vetting_state = VettingState.UNVERIFIED
    db.session.commit()
    return offer


def vet_offer(actor: User, offer: HousingOffer, state: VettingState, note: str) -> HousingOffer:
    """A coordinator verifies (saying how it was checked) or rejects an offer."""
    if not actor.is_staff:
        raise PermissionDenied()
    if state not in (VettingState.VERIFIED, VettingState.REJECTED):
        raise ValueError(state)
    if offer.vetting_state is VettingState.WITHDRAWN:
        raise Conflict(_l("The host withdrew this offer."))
    note = check.required_text(note, "note", 2000, message=_l("Say how the offer was checked, or why it is rejected."))
    before = offer.vetting_state
    offer.vetting_state, offer.vetting_note = state, note
    offer.vetted_by_id, offer.vetted_at = actor.id, utcnow()
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, offer.id, {"vetting_state": [before, state]}, note,
                 personal_reason="vetting_note")
    db.session.commit()
    return offer


def withdraw_offer(actor: User, offer: HousingOffer, reason: str = "") -> HousingOffer:
    """The host takes the offer back; refused while anyone is proposed or placed in it."""
    if not can_manage(actor, offer):
        raise PermissionDenied()
    before = offer.vetting_state
    # One conditional UPDATE, as the proposals' own: never withdrawn under a proposal made meanwhile.
    if rows_changed(update(HousingOffer).where(HousingOffer.id == offer.id, HousingOffer.free_beds == HousingOffer.beds)
                    .values(vetting_state=VettingState.WITHDRAWN)) != 1:
        db.session.rollback()
        raise Conflict(_l("People are proposed or placed in this offer; it cannot be withdrawn until they leave."))
    db.session.refresh(offer, ["vetting_state", "free_beds"])
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, offer.id, {"vetting_state": [before, offer.vetting_state]},
                 reason or None)
    db.session.commit()
    return offer


def _offers_shape(viewer: User, filters: OfferFilters) -> tuple[frozenset[str], dict[str, Any]]:
    own_only = filters.mine or not viewer.is_staff
    return filter_shape(viewer_id=viewer.id if own_only else None, region=(filters.region or "").upper(),
                        vetting_state=filters.vetting_state, min_free_beds=filters.min_free_beds or None)


@functools.cache
def _offers_statement(given: frozenset[str]) -> Select:
    """Built once per shape, the filters' values bound at each read (common.sql.filter_shape). With a viewer_id:
    only the offers of that host and of the organizations they belong to."""
    query = select(HousingOffer)
    if "viewer_id" in given:
        from aidcoord.organizations.models import Membership

        member_of = select(Membership.organization_id).where(Membership.user_id == bindparam("viewer_id"))
        query = query.where((HousingOffer.host_id == bindparam("viewer_id"))
                            | HousingOffer.organization_id.in_(member_of))
    for name, column in (("region", HousingOffer.region), ("vetting_state", HousingOffer.vetting_state)):
        if name in given:
            query = query.where(column == bindparam(name))
    if "min_free_beds" in given:
        query = query.where(HousingOffer.free_beds >= bindparam("min_free_beds"))
    return query.order_by(HousingOffer.id.desc())


@functools.cache
def _offers_page_statement(given: frozenset[str]) -> Select:
    # A list item shows the offer's own columns: not its host and organization, which the model loads eagerly
    # (with the host's roles and the organization's sectors and regions, three more queries).
    return _offers_statement(given).options(lazyload(HousingOffer.host), lazyload(HousingOffer.organization))


def list_offers(viewer: User, filters: OfferFilters, page: int = 1, per_page: int | None = None) -> Page:
    """Hosts see their own offers; coordinators all of them."""
    given, values = _offers_shape(viewer, filters)
    return paginate(_offers_page_statement(given), page, per_page, values)


def all_offers(viewer: User, filters: OfferFilters) -> list[HousingOffer]:
    given, values = _offers_shape(viewer, filters)
    return list(db.session.scalars(_offers_statement(given), values))


def host_is_suspended(host_id: int | SQLColumnExpression[int | None]) -> Exists:
    """SQL condition: this host (an id, or the offers' host column of an outer query) has a suspension
    not yet lifted. On the table's columns: it serves Core statements (the UPDATE taking an offer's beds) as well
    as ORM queries."""
    suspensions = cast(Table, HostSuspension.__table__).c
    return exists().where(suspensions.host_id == host_id, suspensions.lifted_at.is_(None))


def active_suspension(host_id: int) -> HostSuspension | None:
    return db.session.scalar(select(HostSuspension).where(
        HostSuspension.host_id == host_id, HostSuspension.lifted_at.is_(None)))


def suspend_host(actor: User, host: User, reason: str) -> HostSuspension:
    """No offer of this host receives proposals, across all organizations, until lifted."""
    if not actor.is_staff:
        raise PermissionDenied()
    reason = check.required_text(reason, message=_l("Give the reason."))
    if active_suspension(host.id):
        raise Conflict(_l("This host is already suspended."))
    suspension = HostSuspension(host_id=host.id, reason=reason, suspended_by_id=actor.id)
    db.session.add(suspension)
    audit.record(actor, AuditAction.STATE_CHANGE, "user", host.id, {"host_suspended": [False, True]}, reason,
                 personal_reason="suspension_reason")
    db.session.commit()
    return suspension


def lift_suspension(actor: User, host: User, reason: str) -> HostSuspension:
    if not actor.is_staff:
        raise PermissionDenied()
    suspension = active_suspension(host.id)
    if suspension is None:
        raise NotFound(_l("This host is not suspended."))
    reason = check.required_text(reason, message=_l("Give the reason."))
    suspension.lifted_reason, suspension.lifted_by_id, suspension.lifted_at = reason, actor.id, utcnow()
    audit.record(actor, AuditAction.STATE_CHANGE, "user", host.id, {"host_suspended": [True, False]}, reason,
                 personal_reason="suspension_reason")
    db.session.commit()
    return suspension

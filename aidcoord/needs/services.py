"""Needs: posting, editing, closing; their state follows from their coverage by pledges (see needs.coverage)."""
import functools
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import lazyload, with_expression

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common import validation as check
from aidcoord.common.money import to_minor_units
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.sql import filter_shape
from aidcoord.common.types import today as local_today
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.needs import coverage
from aidcoord.needs.models import ENDED_NEED_STATES, Need, NeedState, Unit, Urgency
from aidcoord.organizations.models import Organization, Sector, VerificationState
from aidcoord.organizations.permissions import acts_for, may_see

ENTITY = "need"
FIELDS = ("sector", "item", "description", "quantity", "unit", "amount", "currency", "region", "locality",
          "urgency", "needed_by", "external_ref")
AUDITED = ("sector", "item", "description", "quantity", "unit", "amount_minor", "currency", "region", "locality",
           "urgency", "needed_by", "external_ref")


@dataclass
class NeedFilters:
    sector: Sector | None = None
    region: str | None = None
    urgency: Urgency | None = None
    organization_id: int | None = None
    state: NeedState | None = None


def can_manage(user: User | None, need_or_org) -> bool:
    """Members of the organization (and staff) post and manage its needs."""
    return acts_for(user, need_or_org.organization_id if isinstance(need_or_org, Need) else need_or_org.id)


def clean_need(data: dict, *, today: date, partial: bool = False, current: Need | None = None) -> dict:
    """Check every field of a need at once; raises ValidationFailed with all problems by field."""
    errors = check.FieldErrors()
    clean = {}
    present = {field for field in FIELDS if field in data and data[field] not in (None, "")}
    required = set() if partial else {"sector", "item", "region", "urgency", "needed_by"}
    for field in required - present:
        errors.add(field, _l("This field is required."))
    if "sector" in present:
        clean["sector"] = check.enum_value(errors, "sector", data["sector"], Sector,
                                           _l("Choose a sector from the cluster list."))
    if "urgency" in present:
        clean["urgency"] = check.enum_value(errors, "urgency", data["urgency"], Urgency)
    for field, limit in (("item", 200), ("locality", 200), ("description", 5000), ("external_ref", 100)):
        if field in data:
            clean[field] = check.text(errors, field, data[field], limit, required=field == "item" and not partial)
    if "region" in present:
        clean["region"] = check.region(errors, "region", data["region"])
    if "needed_by" in present:
        clean["needed_by"] = check.a_date(errors, "needed_by", data["needed_by"], not_before=today)
    if present & {"quantity", "unit", "amount", "currency"} or not partial:
        clean.update(_clean_measure(errors, data, present))
    if current is not None and errors == {} and _measure_changed(current, clean) and coverage.has_live_pledges(current):
        errors.add("unit", _l("Pledges were made in this measure; it cannot change now."))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    return clean


def _clean_measure(errors, data: dict, present: set) -> dict:
    """A quantity with a unit, or a cash amount with a currency: exactly one."""
    in_kind, cash = present & {"quantity", "unit"}, present & {"amount", "currency"}
    if in_kind and cash:
        errors.add("unit", _l("Give either a quantity with a unit or a cash amount with a currency, not both."))
        return {}
    if cash:
        currency = check.currency(errors, "currency", data.get("currency"))
        if "amount" not in present:
            errors.add("amount", _l("This field is required."))
            return {}
        amount = check.positive_amount(errors, "amount", data["amount"], currency)
        if amount is None or currency is None:
            return {}
        return {"amount_minor": to_minor_units(amount, currency), "currency": currency, "quantity": None, "unit": None}
    if not in_kind:
        errors.add("quantity", _l("Give a quantity with a unit, or a cash amount with a currency."))
        return {}
    unit = None
    if "unit" in present:
        unit = check.enum_value(errors, "unit", data["unit"], Unit, _l("Choose a unit from the list."))
    else:
        errors.add("unit", _l("This field is required."))
    if "quantity" not in present:
        errors.add("quantity", _l("This field is required."))
        return {}
    quantity = check.positive_quantity(errors, "quantity", data["quantity"])
    if unit is None or quantity is None:
        return {}
    return {"quantity": quantity, "unit": unit, "amount_minor": None, "currency": None}


def _measure_changed(need: Need, clean: dict) -> bool:
    return (("unit" in clean and clean["unit"] != need.unit)
            or ("currency" in clean and clean["currency"] != need.currency))


def _snapshot(need: Need) -> dict:
    return {field: getattr(need, field) for field in AUDITED}


def post_need(actor: User, organization: Organization, data: dict, *, today: date | None = None,
              commit: bool = True) -> Need:
    """List a need for a verified organization the actor belongs to (or, for staff, any)."""
    if not can_manage(actor, organization):
        raise PermissionDenied()
    if organization.verification_state is not VerificationState.VERIFIED:
        raise Conflict(_l("Only verified organizations can post needs."))
    clean = clean_need(data, today=today or local_today())
    need = Need(organization_id=organization.id, created_by_id=actor.id, state=NeedState.OPEN, **clean)
    need.organization = organization
    db.session.add(need)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, ENTITY, need.id, _snapshot(need))
    if commit:
        db.session.commit()
    return need


def update_need(actor: User, need: Need, data: dict, *, today: date | None = None) -> Need:
    """Edit a need that is still active; its state is recomputed, never taken from input."""
    if not can_manage(actor, need):
        raise PermissionDenied()
    if need.is_ended:
        raise Conflict(_l("This need is closed; it can no longer be changed."))
    clean = clean_need(data, today=today or local_today(), partial=True, current=need)
    before = _snapshot(need)
    for field, value in clean.items():
        setattr(need, field, value)
    refresh_need_state(need)
    changes = audit.diff(before, _snapshot(need))
    if changes:
        audit.record(actor, AuditAction.UPDATE, ENTITY, need.id, changes)
    db.session.commit()
    return need


def end_need(actor: User, need: Need, state: NeedState, reason: str) -> Need:
    """Close (no longer needed) or cancel (posted in error) a need; the reason is kept."""
    if state not in ENDED_NEED_STATES:
        raise ValueError(state)
    if not can_manage(actor, need):
        raise PermissionDenied()
    if need.is_ended:
        raise Conflict(_l("This need is already closed."))
    reason = check.required_text(reason, message=_l("Give a reason."))
    before = need.state
    need.state, need.end_reason = state, reason
    audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, need.id, {"state": [before, state]}, reason)
    db.session.commit()
    return need


def get_need(viewer: User | None, need_id: int) -> Need:
    """Needs of verified organizations are public; others only to their members and staff."""
    need = db.session.get(Need, need_id)
    if need is None or not may_see(viewer, need.organization):
        raise NotFound(_l("No such need."))
    return need


# Most urgent first: the stored values sort as the ranks do (see needs.models), which ix_needs_list_order serves.
URGENCY_ORDER = Need.urgency


def _needs_shape(filters: NeedFilters) -> tuple[frozenset[str], dict]:
    return filter_shape(sector=filters.sector, region=(filters.region or "").upper(), urgency=filters.urgency,
                        organization_id=filters.organization_id, state=filters.state)


@functools.cache
def _needs_statement(given: frozenset[str]) -> Select:
    """Built once per shape, the filters' values bound at each read (common.sql.filter_shape)."""
    query = select(Need).join(Need.organization).where(
        Organization.verification_state == VerificationState.VERIFIED)
    for name, column in (("sector", Need.sector), ("region", Need.region), ("urgency", Need.urgency),
                         ("organization_id", Need.organization_id), ("state", Need.state)):
        if name in given:
            query = query.where(column == bindparam(name))
    return query.order_by(URGENCY_ORDER, Need.needed_by, Need.id)


@functools.cache
def _needs_page_statement(given: frozenset[str]) -> Select:
    # The organization's name is a column of the join the query has already (Need.listed_organization_name): the
    # organization is not loaded as a record, nor its sectors and regions.
    return _needs_statement(given).options(lazyload(Need.organization),
                                           with_expression(Need.listed_organization_name, Organization.name))


def list_needs(filters: NeedFilters, page: int = 1, per_page: int | None = None) -> Page:
    """Public list: most urgent first, then the earliest needed-by date."""
    given, values = _needs_shape(filters)
    return paginate(_needs_page_statement(given), page, per_page, values)


def all_needs(filters: NeedFilters) -> list[Need]:
    """Every matching need, for exports."""
    given, values = _needs_shape(filters)
    return list(db.session.scalars(_needs_statement(given), values))


def refresh_need_state(need: Need) -> None:
    """Set the need's state from its coverage (closed/cancelled needs keep theirs); the caller commits."""
    if need.is_ended:
        return
    db.session.flush()
    cover = coverage.coverage_of(need)
    if cover.delivered >= cover.requested:
        need.state = NeedState.FULFILLED
    elif cover.pledged >= cover.requested:
        need.state = NeedState.COVERED
    elif cover.pledged > 0:
        need.state = NeedState.PARTIALLY_COVERED
    else:
        need.state = NeedState.OPEN


def refresh_cash_needs() -> None:
    """A new exchange rate can change how far money pledges cover cash needs; the caller commits."""
    for need in db.session.scalars(select(Need).where(Need.currency.is_not(None), Need.state.not_in(
            [NeedState.CLOSED, NeedState.CANCELLED]))):
        refresh_need_state(need)

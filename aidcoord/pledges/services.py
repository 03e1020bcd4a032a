"""Pledges: making them, following them from pledged to delivered, and what they cover."""
import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, Select, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload, with_expression

from aidcoord.accounts.models import Role, User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common import validation as check
from aidcoord.common.money import to_minor_units, to_thousandths
from aidcoord.common.pagination import Page, paginate
from aidcoord.common.sql import filter_shape
from aidcoord.common.types import today as local_today
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.needs.models import Need, Unit
from aidcoord.needs.services import refresh_need_state
from aidcoord.organizations.models import Organization
from aidcoord.organizations.permissions import acts_for, manages, may_see
from aidcoord.pledges.models import Contribution, Delivery, Pledge, PledgeState, PledgeTransition

ENTITY = "pledge"
LIVE_STATES = (PledgeState.PLEDGED, PledgeState.COMMITTED, PledgeState.DELIVERED)


class OverDelivery(Conflict):
    code = "over_delivery"


@dataclass
class PledgeFilters:
    need_id: int | None = None
    organization_id: int | None = None  # pledges to this organization, directly or through its needs
    state: PledgeState | None = None
    currency: str | None = None
    pledged_by_id: int | None = None


# ---- who may do what -------------------------------------------------------------------------

def is_donor_side(user: User | None, pledge: Pledge) -> bool:
    """The person who pledged, members of the organization they pledged for, and staff."""
    return manages(user, owner_ids=(pledge.pledged_by_id,), organization_id=pledge.donor_organization_id)


def is_receiving_side(user: User | None, pledge: Pledge) -> bool:
    """Members of the receiving organization and staff (staff alone for response-wide pledges)."""
    receiver = pledge.receiving_organization
    return acts_for(user, receiver.id if receiver is not None else None)


def can_see_donor_contact(user: User | None, pledge: Pledge) -> bool:
    return is_donor_side(user, pledge) or is_receiving_side(user, pledge)


def donor_contact(viewer: User, pledge: Pledge) -> dict | None:
    """The pledging person's name and email, for those who need it to arrange delivery; each view is recorded."""
    if not can_see_donor_contact(viewer, pledge):
        return None
    if viewer.id != pledge.pledged_by_id:
        receiver = pledge.receiving_organization
        audit.record_personal_data_view(viewer, "user", pledge.pledged_by_id, ["email", "name"],
                                        ServedBy(Purpose.DELIVERY, ENTITY, pledge.id),
                                        organization_id=receiver.id if receiver is not None else None)
    return {"name": pledge.pledged_by.name, "email": pledge.pledged_by.email}


def visible_transitions(viewer: User | None, pledge: Pledge) -> list:
    """The pledge's history; who acted (account ids) only for those who may see the donor: a private donor's id
    in the history of a public pledge would link all their pledges together."""
    if can_see_donor_contact(viewer, pledge):
        return list(pledge.transitions)
    return [PublicTransition(t.from_state, t.to_state, None, t.reason, t.occurred_at) for t in pledge.transitions]


@dataclass(frozen=True)
class PublicTransition:
    from_state: Any
    to_state: Any
    actor_id: None
    reason: str | None
    occurred_at: Any


# ---- making a pledge -------------------------------------------------------------------------

def _clean_pledge(actor: User, data: dict) -> dict:
    errors = check.FieldErrors()
    clean: dict[str, object] = {}
    contribution = check.enum_value(errors, "contribution", data.get("contribution"), Contribution)
    for field, limit in (("item", 200), ("note", 5000)):
        clean[field] = check.text(errors, field, data.get(field), limit)
    clean["source_url"] = check.web_address(errors, "source_url", data.get("source_url"))

    need = organization = donor_org = None
    if data.get("need_id") is not None and data.get("recipient_organization_id") is not None:
        errors.add("need_id", _l("Pledge to a need or to an organization, not both."))
    if data.get("need_id") is not None:
        need = db.session.get(Need, data["need_id"])
        if need is None or not may_see(actor, need.organization):
            errors.add("need_id", _l("No such need."))
            need = None
        elif need.is_ended:
            errors.add("need_id", _l("This need is closed and takes no more pledges."))
    if data.get("recipient_organization_id") is not None:
        organization = db.session.get(Organization, data["recipient_organization_id"])
        if organization is None or not organization.is_verified:
            errors.add("recipient_organization_id", _l("Pledges go to verified organizations only."))
    if data.get("donor_organization_id") is not None:
        donor_org = db.session.get(Organization, data["donor_organization_id"])
        if donor_org is None or not acts_for(actor, donor_org.id):
            errors.add("donor_organization_id", _l("You can pledge only for an organization you belong to."))
    elif not (actor.has_role(Role.DONOR) or actor.is_staff):
        raise PermissionDenied(_l("Pledging for yourself needs the donor role; or pledge for your organization."))

    if contribution is Contribution.MONEY:
        currency = check.currency(errors, "currency", data.get("currency"))
        amount = None
        if data.get("amount") in (None, ""):
            errors.add("amount", _l("This field is required."))
        else:
            amount = check.positive_amount(errors, "amount", data["amount"], currency)
        if data.get("quantity") not in (None, "") or data.get("unit") not in (None, ""):
            errors.add("quantity", _l("A money pledge has an amount and a currency, not a quantity."))
        if amount is not None and currency is not None:
            clean.update(amount_minor=to_minor_units(amount, currency), currency=currency)
        if need is not None and not need.is_cash:
            errors.add("contribution", _l("This need asks for %(unit)s, not money; pledge in kind, or pledge money "
                                          "to the organization.", unit=need.unit_label))
    elif contribution is not None:
        if data.get("amount") not in (None, "") or data.get("currency") not in (None, ""):
            errors.add("amount", _l("Only money pledges have an amount and a currency."))
        has_quantity = data.get("quantity") not in (None, "")
        unit = None
        if data.get("unit") not in (None, ""):
            unit = check.enum_value(errors, "unit", data["unit"], Unit, _l("Choose a unit from the list."))
        quantity = check.positive_quantity(errors, "quantity", data["quantity"]) if has_quantity else None
        if has_quantity != (data.get("unit") not in (None, "")):
            errors.add("unit" if has_quantity else "quantity", _l("A quantity needs a unit, and a unit a quantity."))
        if need is not None:
            if need.is_cash:
                errors.add("contribution", _l("This need asks for money (%(currency)s).", currency=need.currency))
            elif not has_quantity:
                errors.add("quantity", _l("Say how many %(unit)s you pledge.", unit=need.unit_label))
            elif unit is not None and unit != need.unit:
                errors.add("unit", _l("This need is counted in %(unit)s; pledge in %(unit)s.", unit=need.unit_label))
        clean.update(quantity=quantity, unit=unit)
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    clean.update(contribution=contribution, need=need, recipient_organization=organization,
                 donor_organization=donor_org)
    return clean


def make_pledge(actor: User, data: dict, idempotency_key: str | None = None, *,
                commit: bool = True) -> tuple[Pledge, bool]:
    """Record a pledge; with an idempotency key a retry returns the first pledge. Returns (pledge, created)."""
    if idempotency_key is not None:
        existing = _pledge_by_key(actor, idempotency_key)
        if existing is not None:
            return _retried(existing, data), False
    clean = _clean_pledge(actor, data)
    pledge = Pledge(pledged_by=actor, idempotency_key=idempotency_key, state=PledgeState.PLEDGED, **clean)
    db.session.add(pledge)
    try:
        db.session.flush()
    except IntegrityError:
        # The same key arrived twice at once: the other request won; answer with its pledge.
        db.session.rollback()
        existing = _pledge_by_key(actor, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _retried(existing, data), False
    _record_transition(actor, pledge, None, PledgeState.PLEDGED)
    audit.record(actor, AuditAction.CREATE, ENTITY, pledge.id, {
        "contribution": pledge.contribution, "amount_minor": pledge.amount_minor, "currency": pledge.currency,
        "quantity": pledge.quantity, "unit": pledge.unit, "need_id": pledge.need_id,
        "recipient_organization_id": pledge.recipient_organization_id,
        "donor_organization_id": pledge.donor_organization_id,
    })
    if pledge.need is not None:
        refresh_need_state(pledge.need)
    if commit:
        db.session.commit()
    return pledge, True


class IdempotencyKeyReused(ValidationFailed):
    """The key names a pledge made with other values: a new pledge needs a new key."""

    code = "idempotency_key_reused"

    def __init__(self):
        message = _l("This Idempotency-Key was already used for a different pledge; send a new key for a new "
                     "pledge, or the same values to repeat the first one.")
        super().__init__(message, {"Idempotency-Key": [message]})


def _retried(pledge: Pledge, data: dict) -> Pledge:
    """The pledge recorded under the key, if `data` asks for the same pledge (compared by meaning: "10" and 10.00
    agree, an empty text and none agree); otherwise the key is refused."""
    def text(value) -> str:
        return "" if value is None else str(value).strip()

    def number(value):
        try:
            return None if value in (None, "") else Decimal(str(value))
        except InvalidOperation:
            return text(value)

    asked = (text(data.get("contribution")), number(data.get("amount")), text(data.get("currency")).upper(),
             number(data.get("quantity")), text(data.get("unit")), text(data.get("item")), text(data.get("note")),
             text(data.get("source_url")), data.get("need_id"), data.get("recipient_organization_id"),
             data.get("donor_organization_id"))
    recorded = (pledge.contribution.value, pledge.amount, pledge.currency or "", pledge.quantity,
                pledge.unit.value if pledge.unit else "", pledge.item or "", pledge.note or "", pledge.source_url or "",
                pledge.need_id, pledge.recipient_organization_id, pledge.donor_organization_id)
    if asked != recorded:
        raise IdempotencyKeyReused()
    return pledge


def _pledge_by_key(actor: User, key: str) -> Pledge | None:
    return db.session.scalar(select(Pledge).where(Pledge.pledged_by_id == actor.id, Pledge.idempotency_key == key))


# ---- lifecycle -------------------------------------------------------------------------------

def _record_transition(actor, pledge: Pledge, before, after: PledgeState, reason: str | None = None) -> None:
    pledge.state = after
    db.session.add(PledgeTransition(pledge_id=pledge.id, from_state=before, to_state=after,
                                    actor_id=getattr(actor, "id", None), reason=reason))
    if before is not None:
        audit.record(actor, AuditAction.STATE_CHANGE, ENTITY, pledge.id, {"state": [before, after]}, reason)


def commit_pledge(actor: User, pledge: Pledge) -> Pledge:
    """The donor confirms the pledge is firm (FTS 'commitment')."""
    if not is_donor_side(actor, pledge):
        raise PermissionDenied()
    if pledge.state is not PledgeState.PLEDGED:
        raise Conflict(_l("Only a pledge in the 'pledged' state can be committed."))
    _record_transition(actor, pledge, PledgeState.PLEDGED, PledgeState.COMMITTED)
    if pledge.need is not None:
        refresh_need_state(pledge.need)
    db.session.commit()
    return pledge


def cancel_pledge(actor: User, pledge: Pledge, reason: str) -> Pledge:
    """Withdraw what is still undelivered; deliveries already made keep counting."""
    if not is_donor_side(actor, pledge):
        raise PermissionDenied()
    if pledge.state not in (PledgeState.PLEDGED, PledgeState.COMMITTED):
        raise Conflict(_l("A delivered or cancelled pledge cannot be cancelled."))
    reason = check.required_text(reason, message=_l("Give the reason for the cancellation."))
    _record_transition(actor, pledge, pledge.state, PledgeState.CANCELLED, reason)
    if pledge.need is not None:
        refresh_need_state(pledge.need)
    db.session.commit()
    return pledge


def record_delivery(actor: User, pledge: Pledge, data: dict, *, today: date | None = None) -> Delivery:
    """The receiving organization confirms what arrived. Never more than what remains of the pledge:
    the check is one conditional UPDATE, so two confirmations at the same moment cannot both pass."""
    if not is_receiving_side(actor, pledge):
        raise PermissionDenied(_l("Deliveries are confirmed by the receiving organization."))
    if pledge.state not in (PledgeState.PLEDGED, PledgeState.COMMITTED):
        raise Conflict(_l("This pledge is %(state)s; no delivery can be added.", state=pledge.state.label))
    errors = check.FieldErrors()
    delivered_on = check.a_date(errors, "delivered_on", data.get("delivered_on"), not_after=today or local_today())
    note = check.text(errors, "note", data.get("note"), 2000)
    amount_minor = quantity = None
    units = 0
    if pledge.contribution is Contribution.MONEY:
        amount = check.positive_amount(errors, "amount", data.get("amount"), pledge.currency)
        if amount is not None and pledge.currency is not None:  # a money pledge always has its currency
            amount_minor = units = to_minor_units(amount, pledge.currency)
    elif data.get("quantity") not in (None, ""):
        quantity = check.positive_quantity(errors, "quantity", data["quantity"])
        units = to_thousandths(quantity) if quantity is not None else 0
    elif pledge.quantity is not None:
        errors.add("quantity", _l("Say how many %(unit)s arrived.", unit=pledge.unit_label))
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)

    size_units = pledge.amount_minor if pledge.amount_minor is not None else (
        to_thousandths(pledge.quantity) if pledge.quantity is not None else None)
    guard = update(Pledge).where(Pledge.id == pledge.id, Pledge.state.in_([PledgeState.PLEDGED, PledgeState.COMMITTED]))
    if size_units is not None:
        guard = guard.where(Pledge.delivered_units + units <= size_units)
    # An UPDATE gives a CursorResult (with rowcount); Session.execute() is typed for any statement.
    result = cast(CursorResult[Any], db.session.execute(guard.values(delivered_units=Pledge.delivered_units + units),
                                                        execution_options={"synchronize_session": False}))
    if result.rowcount != 1:
        db.session.rollback()
        raise OverDelivery(_l("This delivery is more than what remains of the pledge (%(remaining)s).",
                              remaining=pledge.remaining), {"amount" if amount_minor else "quantity": [
                                  _l("At most %(remaining)s remain.", remaining=pledge.remaining)]})
    delivery = Delivery(pledge_id=pledge.id, delivered_on=delivered_on, amount_minor=amount_minor,
                        quantity=quantity, note=note, confirmed_by_id=actor.id)
    db.session.add(delivery)
    db.session.flush()
    db.session.refresh(pledge)
    if pledge.state is PledgeState.PLEDGED:
        # A key of models.SYSTEM_REASONS: stored as written here, worded in the reader's language when shown.
        _record_transition(actor, pledge, PledgeState.PLEDGED, PledgeState.COMMITTED, "delivery started")
    fully = size_units is not None and pledge.delivered_units == size_units
    if fully or (size_units is None and data.get("final")):
        _record_transition(actor, pledge, pledge.state, PledgeState.DELIVERED)
    audit.record(actor, AuditAction.CREATE, "delivery", delivery.id, {
        "pledge_id": pledge.id, "delivered_on": delivered_on, "amount_minor": amount_minor, "quantity": quantity})
    if pledge.need is not None:
        refresh_need_state(pledge.need)
    db.session.commit()
    return delivery


# ---- reading ---------------------------------------------------------------------------------

def get_pledge(viewer: User | None, pledge_id: int) -> Pledge:
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(_l("No such pledge."))
    return pledge


def live_pledges_for(need: Need) -> list[Pledge]:
    query = select(Pledge).where(Pledge.need_id == need.id, Pledge.state.in_(LIVE_STATES))
    return list(db.session.scalars(query))


def _pledges_shape(filters: PledgeFilters) -> tuple[frozenset[str], dict]:
    return filter_shape(need_id=filters.need_id, organization_id=filters.organization_id, state=filters.state,
                        currency=(filters.currency or "").upper(), pledged_by_id=filters.pledged_by_id)


@functools.cache
def _pledges_statement(given: frozenset[str]) -> Select:
    """Built once per shape, the filters' values bound at each read (common.sql.filter_shape)."""
    query = select(Pledge)
    if "organization_id" in given:
        query = query.outerjoin(Pledge.need).where(
            (Pledge.recipient_organization_id == bindparam("organization_id"))
            | (Need.organization_id == bindparam("organization_id")))
    for name, column in (("need_id", Pledge.need_id), ("state", Pledge.state), ("currency", Pledge.currency),
                         ("pledged_by_id", Pledge.pledged_by_id)):
        if name in given:
            query = query.where(column == bindparam(name))
    return query.order_by(Pledge.id.desc())


def _listed_columns() -> tuple:
    """What an API list item shows of the donor organization and the need, as two columns of the pledge's row
    (Pledge.listed_donor_name, Pledge.listed_receiving_organization_id): loading both as records was 45 % of the
    page's loading time."""
    # Never correlated to a join of the list's own (the need, when filtered by organization).
    donor_name = select(Organization.name).where(Organization.id == Pledge.donor_organization_id) \
        .correlate_except(Organization)
    need_organization = select(Need.organization_id).where(Need.id == Pledge.need_id).correlate_except(Need)
    return (with_expression(Pledge.listed_donor_name, func.coalesce(donor_name.scalar_subquery(), "")),
            with_expression(Pledge.listed_receiving_organization_id, func.coalesce(
                need_organization.scalar_subquery(), Pledge.recipient_organization_id, 0)))


@functools.cache
def _pledges_page_statement(given: frozenset[str], as_records: bool) -> Select:
    """The API's items show the pledge's columns, the donor's name and the receiving organization's id (as
    columns of the row: _listed_columns); the page's cards show the donor's and the receiving organization's
    names (`as_records`: the organizations and the need joined, each with only its name or organization id). No
    list shows the pledger, the deliveries, the transitions, nor the organizations' sectors and regions, which the
    model loads eagerly."""
    query = _pledges_statement(given).options(
        lazyload(Pledge.pledged_by), lazyload(Pledge.deliveries), lazyload(Pledge.transitions))
    if not as_records:
        return query.options(lazyload(Pledge.donor_organization), lazyload(Pledge.recipient_organization),
                             lazyload(Pledge.need), *_listed_columns())
    donor = joinedload(Pledge.donor_organization).load_only(Organization.name)
    recipient = joinedload(Pledge.recipient_organization).load_only(Organization.name)
    need = joinedload(Pledge.need).load_only(Need.organization_id)
    organizations = (donor, recipient, need.joinedload(Need.organization).load_only(Organization.name))
    return query.options(*organizations, *(option.lazyload(Organization.sector_rows) for option in organizations),
                         *(option.lazyload(Organization.region_rows) for option in organizations))


def list_pledges(filters: PledgeFilters, page: int = 1, per_page: int | None = None, *,
                 as_records: bool = False) -> Page:
    """A page of pledges, newest first: one statement, with the count (see _pledges_page_statement for
    `as_records`)."""
    given, values = _pledges_shape(filters)
    return paginate(_pledges_page_statement(given, as_records), page, per_page, values)


def all_pledges(filters: PledgeFilters) -> list[Pledge]:
    given, values = _pledges_shape(filters)
    return list(db.session.scalars(_pledges_statement(given), values))

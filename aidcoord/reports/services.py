"""The coordination dashboard's figures: each one a grouped SQL query (no loop over the rows of a big table).

Organization staff see their organizations' figures, coordinators and admins everyone's (`scope_for`).
Money is summed per currency and converted with the stored rates as of a day; in-kind goods per item and
unit; nothing is ever added across currencies, units or items.
"""
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import BigInteger, DateTime, Select, String, and_, case, cast, func, or_, select, type_coerce
from sqlalchemy.dialects import postgresql

from aidcoord.arrivals import services as arrivals
from aidcoord.common.locale import deployment_timezone
from aidcoord.common.money import QUANTITY_SCALE, RateUsed, currency_exponent, from_minor_units, normalize_decimal
from aidcoord.common.permissions import Person, is_staff, signed_in
from aidcoord.common.types import today as local_today
from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.jobs.models import JobListing, ListingState
from aidcoord.matching.models import EntryState, Match, MatchState, QueueEntry, QueueKind
from aidcoord.matching.queue import PRIORITY_BANDS, priority_band
from aidcoord.needs.coverage import Coverage
from aidcoord.needs.models import ENDED_NEED_STATES, Need, NeedState, Urgency
from aidcoord.organizations.models import Membership, Organization
from aidcoord.pledges.models import Contribution, Pledge, PledgeState
from aidcoord.pledges.rates import rate_on, reporting_currency
from aidcoord.volunteers.models import Shift, SignUp

ZERO = Decimal(0)
# Priority bands of the housing queue, on the vulnerability score (housing.priority): lower bound, code.
LEAST_COVERED = 10
TOP_DONORS = 10


@dataclass(frozen=True)
class DashboardFilters:
    """The period (local days, inclusive), a region (ISO 3166-2) and a rate day; None: no limit."""

    start: date | None = None
    end: date | None = None
    region: str | None = None
    rates_on: date | None = None


@dataclass(frozen=True)
class Scope:
    """Whose figures: every organization's (None) or those of the listed organizations."""

    organization_ids: tuple[int, ...] | None

    @property
    def everyone(self) -> bool:
        return self.organization_ids is None


def may_see_dashboard(user: Person | None) -> bool:
    """Coordinators, admins and members of an organization."""
    return is_staff(user) or (signed_in(user) and db.session.scalar(
        select(Membership.organization_id).where(Membership.user_id == user.id).limit(1)) is not None)


def scope_for(user: Person) -> Scope:
    """Staff see everything; a member their organizations."""
    if is_staff(user):
        return Scope(None)
    ids = db.session.scalars(select(Membership.organization_id).where(Membership.user_id == user.id)
                             .order_by(Membership.organization_id))
    return Scope(tuple(ids))


def _utc_bounds(filters: DashboardFilters) -> tuple[datetime | None, datetime | None]:
    """The period's local days as UTC moments [from, until)."""
    zone = deployment_timezone()
    start = datetime.combine(filters.start, time(), tzinfo=zone) if filters.start else None
    end = datetime.combine(filters.end + timedelta(days=1), time(), tzinfo=zone) if filters.end else None
    return start, end


def _in_period(query: Select, column, filters: DashboardFilters) -> Select:
    start, end = _utc_bounds(filters)
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column < end)
    return query


class Converter:
    """pledges.rates.convert with each currency's rate of the day read once (a dashboard converts hundreds of
    groups; one query per conversion made it seconds)."""

    def __init__(self, day: date):
        self.day = day
        self._rates: dict[str, RateUsed | None] = {}

    def _rate(self, currency: str) -> RateUsed | None:
        if currency not in self._rates:
            self._rates[currency] = rate_on(currency, self.day)
        return self._rates[currency]

    def __call__(self, amount: Decimal, source: str, target: str) -> tuple[Decimal, list[RateUsed]] | None:
        """As pledges.rates.convert: rounded to the target's minor unit, with the rates used; None without a rate."""
        if source == target:
            return amount, []
        source_rate, target_rate = self._rate(source), self._rate(target)
        if source_rate is None or target_rate is None:
            return None
        converted = amount * source_rate.rate / target_rate.rate
        used = [rate for rate in (source_rate, target_rate) if rate.currency != rate.reporting_currency]
        return converted.quantize(Decimal(1).scaleb(-currency_exponent(target)), rounding=ROUND_HALF_EVEN), used


def _quantity(raw) -> Decimal:
    """Stored thousandths as a Decimal."""
    return normalize_decimal(Decimal(raw or 0).scaleb(-QUANTITY_SCALE))


# ---- arrivals ----------------------------------------------------------------------------------

@dataclass
class ArrivalFigures:
    days: list
    total: int
    as_of: date | None


def arrival_figures(filters: DashboardFilters) -> ArrivalFigures:
    """Reported arrivals per day in the period, and the total reported by its end (national: no region)."""
    days = arrivals.daily_series(filters.start, filters.end)
    return ArrivalFigures(days=days, total=arrivals.total_as_of(filters.end),
                          as_of=days[-1].day if days else None)


# ---- needs ---------------------------------------------------------------------------------------

@dataclass
class CoverageRow:
    """Requested / pledged / delivered of the needs of one sector and region, in one measure."""

    sector: str
    region: str
    measure: str  # unit code, or currency code for cash needs
    is_money: bool
    needs: int
    requested: Decimal
    pledged: Decimal = ZERO
    delivered: Decimal = ZERO
    unconverted: list[str] = field(default_factory=list)

    @property
    def pledged_percent(self) -> int:
        return int(self.pledged * 100 / self.requested) if self.requested else 0

    @property
    def delivered_percent(self) -> int:
        return int(self.delivered * 100 / self.requested) if self.requested else 0


def _scoped_needs(query: Select, scope: Scope, filters: DashboardFilters) -> Select:
    query = query.where(Need.state.not_in(ENDED_NEED_STATES))
    if filters.region:
        query = query.where(Need.region == filters.region)
    if not scope.everyone:
        query = query.where(Need.organization_id.in_(scope.organization_ids or (-1,)))
    _start, end = _utc_bounds(filters)
    if end is not None:
        query = query.where(Need.created_at < end)
    return query


# What a pledge counts towards a need: its size, or only what was delivered once it is cancelled.
_PLEDGE_SIZE = func.coalesce(Pledge.amount_minor, type_coerce(Pledge.quantity, BigInteger), 0)
_COUNTED = case((Pledge.state == PledgeState.CANCELLED, Pledge.delivered_units), else_=_PLEDGE_SIZE)


def needs_coverage(scope: Scope, filters: DashboardFilters, convert: Converter) -> list[CoverageRow]:
    """Coverage of the open needs by sector, region and measure, least covered first; cash pledges in
    another currency are converted to the need's at the rates of `day`."""
    rows: dict[tuple, CoverageRow] = {}
    requested = _scoped_needs(select(
        Need.sector, Need.region, Need.unit, Need.currency, func.count(),
        func.sum(type_coerce(Need.quantity, BigInteger)), func.sum(Need.amount_minor)), scope, filters)
    for sector, region, unit, currency, count, quantity, amount in db.session.execute(
            requested.group_by(Need.sector, Need.region, Need.unit, Need.currency)):
        measure = currency or unit.value
        rows[(sector.value, region, measure)] = CoverageRow(
            sector=sector.value, region=region, measure=measure, is_money=currency is not None, needs=count,
            requested=from_minor_units(amount, currency) if currency else _quantity(quantity))
    pledged = _scoped_needs(select(
        Need.sector, Need.region, Need.unit, Need.currency, Pledge.currency, func.sum(_COUNTED),
        func.sum(Pledge.delivered_units)).join(Pledge, Pledge.need_id == Need.id), scope, filters)
    for sector, region, unit, need_currency, pledge_currency, counted, delivered in db.session.execute(
            pledged.group_by(Need.sector, Need.region, Need.unit, Need.currency, Pledge.currency)):
        row = rows.get((sector.value, region, need_currency or unit.value))
        if row is None:
            continue
        if need_currency is None:  # in kind: a need takes pledges in its own unit only
            row.pledged += _quantity(counted)
            row.delivered += _quantity(delivered)
            continue
        if pledge_currency is None:
            continue
        for attribute, minor in (("pledged", counted), ("delivered", delivered)):
            result = convert(from_minor_units(minor or 0, pledge_currency), pledge_currency, need_currency)
            if result is None:
                if pledge_currency not in row.unconverted:
                    row.unconverted.append(pledge_currency)
                continue
            setattr(row, attribute, getattr(row, attribute) + result[0])
    return sorted(rows.values(), key=lambda row: (row.pledged_percent, row.delivered_percent, row.sector,
                                                  row.region, row.measure))


_STATE_RANK = case((Need.state == NeedState.OPEN, 0), (Need.state == NeedState.PARTIALLY_COVERED, 1),
                   (Need.state == NeedState.COVERED, 2), else_=3)
_URGENCY_RANK = case((Need.urgency == Urgency.CRITICAL, 0), (Need.urgency == Urgency.HIGH, 1), else_=2)


def least_covered_needs(scope: Scope, filters: DashboardFilters, convert: Converter) -> list[tuple[Need, Coverage]]:
    """The open needs least covered by what is pledged (cash converted at the day's rates), the most urgent and
    soonest needed first among equals; each with its coverage (needs.coverage.Coverage). The candidates are chosen
    in SQL (open before partly covered, the smallest share pledged in the need's own measure), then their
    pledges are summed in one grouped query and ranked exactly."""
    own_measure = (select(func.coalesce(func.sum(_COUNTED), 0)).where(
        Pledge.need_id == Need.id, or_(Pledge.currency == Need.currency,
                                       and_(Pledge.currency.is_(None), Need.currency.is_(None))))
        .correlate(Need).scalar_subquery())
    requested = func.coalesce(Need.amount_minor, type_coerce(Need.quantity, BigInteger))
    share = cast(own_measure, BigInteger) * 1000 / requested
    query = _scoped_needs(select(Need), scope, filters).where(
        Need.state.in_((NeedState.OPEN, NeedState.PARTIALLY_COVERED)))
    query = query.order_by(_STATE_RANK, share, _URGENCY_RANK, Need.needed_by, Need.id).limit(3 * LEAST_COVERED)
    needs = list(db.session.scalars(query))
    covers = {need.id: Coverage(*need.requested_in_measure()) for need in needs}
    committed = case((Pledge.state.in_((PledgeState.COMMITTED, PledgeState.DELIVERED)), _PLEDGE_SIZE),
                     else_=Pledge.delivered_units)
    sums = select(Pledge.need_id, Pledge.currency, func.sum(_COUNTED), func.sum(committed),
                  func.sum(Pledge.delivered_units)).where(Pledge.need_id.in_(list(covers) or [-1])) \
        .group_by(Pledge.need_id, Pledge.currency)
    cash = {need.id for need in needs if need.is_cash}
    for need_id, currency, pledged, committed_units, delivered in db.session.execute(sums):
        cover = covers[need_id]
        for attribute, units in (("pledged", pledged), ("committed", committed_units), ("delivered", delivered)):
            if need_id not in cash:
                setattr(cover, attribute, getattr(cover, attribute) + _quantity(units))
                continue
            if currency is None:
                continue
            result = convert(from_minor_units(units or 0, currency), currency, cover.measure)
            if result is None:
                if currency not in cover.unconverted:
                    cover.unconverted.append(currency)
                continue
            setattr(cover, attribute, getattr(cover, attribute) + result[0])
            cover.rates_used.extend(rate for rate in result[1] if rate not in cover.rates_used)
    ranked = sorted(needs, key=lambda need: (covers[need.id].percent(covers[need.id].pledged), need.urgency.rank,
                                             need.needed_by, need.id))
    return [(need, covers[need.id]) for need in ranked[:LEAST_COVERED]]


# ---- pledges -------------------------------------------------------------------------------------

@dataclass
class PledgeFigures:
    money: dict[str, dict[str, Decimal]]  # currency -> state -> amount
    in_kind: list[dict]  # {"item", "unit", state: quantity ...}, per item and unit
    converted: dict[str, Decimal]  # state -> amount in the reporting currency
    reporting_currency: str
    rates_used: list[RateUsed]
    unconverted: list[str]
    donors: list[dict]  # {"organization_id", "name", "pledges", "money": {currency: amount}}
    counts: dict[str, int]  # state -> number of pledges


def _scoped_pledges(query: Select, scope: Scope, filters: DashboardFilters) -> Select:
    if filters.region:
        query = query.where(Pledge.need_id.in_(select(Need.id).where(Need.region == filters.region)))
    if not scope.everyone:
        ids = scope.organization_ids or (-1,)
        query = query.where(or_(Pledge.donor_organization_id.in_(ids), Pledge.recipient_organization_id.in_(ids),
                                Pledge.need_id.in_(select(Need.id).where(Need.organization_id.in_(ids)))))
    return _in_period(query, Pledge.created_at, filters)


def pledge_figures(scope: Scope, filters: DashboardFilters, convert: Converter) -> PledgeFigures:
    """Pledges made in the period by state and donor: money per currency (converted with the rates of `day`),
    goods per item and unit."""
    states = [state.value for state in PledgeState]
    money: defaultdict[str, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(states, ZERO))
    goods: dict[tuple[str, str], dict] = {}
    counts = dict.fromkeys(states, 0)
    query = _scoped_pledges(select(
        Pledge.contribution, Pledge.currency, Pledge.unit, Pledge.item, Pledge.state, func.count(),
        func.sum(Pledge.amount_minor), func.sum(type_coerce(Pledge.quantity, BigInteger))), scope, filters)
    for contribution, currency, unit, item, state, count, amount, quantity in db.session.execute(query.group_by(
            Pledge.contribution, Pledge.currency, Pledge.unit, Pledge.item, Pledge.state)):
        counts[state.value] += count
        if contribution is Contribution.MONEY:
            money[currency][state.value] += from_minor_units(amount, currency)
        elif unit is not None:  # goods whose quantity was never published cannot be summed
            entry = goods.setdefault((item, unit.value), {"item": item, "unit": unit.value,
                                                          **dict.fromkeys(states, ZERO)})
            entry[state.value] += _quantity(quantity)
    target = reporting_currency()
    converted = dict.fromkeys(states, ZERO)
    rates_used: list[RateUsed] = []
    unconverted: list[str] = []
    for currency, amounts in sorted(money.items()):
        for state, value in amounts.items():
            result = convert(value, currency, target)
            if result is None:
                if currency not in unconverted:
                    unconverted.append(currency)
                continue
            converted[state] += result[0]
            rates_used.extend(rate for rate in result[1] if rate not in rates_used)
    donors = _donors(scope, filters)
    return PledgeFigures(money=dict(sorted(money.items())), in_kind=sorted(goods.values(),
                         key=lambda entry: (entry["item"], entry["unit"])), converted=converted,
                         reporting_currency=target, rates_used=rates_used, unconverted=unconverted, donors=donors,
                         counts=counts)


def _donors(scope: Scope, filters: DashboardFilters) -> list[dict]:
    """The donors with the most pledges in the period (private donors together), money per currency."""
    live = Pledge.state != PledgeState.CANCELLED
    top = _scoped_pledges(select(Pledge.donor_organization_id, func.count()).where(live), scope, filters) \
        .group_by(Pledge.donor_organization_id).order_by(func.count().desc(), Pledge.donor_organization_id) \
        .limit(TOP_DONORS)
    donors = {organization_id: {"organization_id": organization_id, "name": None, "pledges": count, "money": {}}
              for organization_id, count in db.session.execute(top)}
    ids = [organization_id for organization_id in donors if organization_id is not None]
    for organization_id, name in db.session.execute(select(Organization.id, Organization.name)
                                                    .where(Organization.id.in_(ids or (-1,)))):
        donors[organization_id]["name"] = name
    amounts = _scoped_pledges(select(Pledge.donor_organization_id, Pledge.currency, func.sum(Pledge.amount_minor))
                              .where(live, Pledge.currency.is_not(None)), scope, filters)
    if None in donors:
        amounts = amounts.where(or_(Pledge.donor_organization_id.in_(ids or (-1,)),
                                    Pledge.donor_organization_id.is_(None)))
    else:
        amounts = amounts.where(Pledge.donor_organization_id.in_(ids or (-1,)))
    for organization_id, currency, amount in db.session.execute(
            amounts.group_by(Pledge.donor_organization_id, Pledge.currency).order_by(Pledge.currency)):
        donors[organization_id]["money"][currency] = from_minor_units(amount, currency)
    return list(donors.values())


# ---- housing -------------------------------------------------------------------------------------

@dataclass
class HousingFigures:
    beds: list[dict]  # {"region", "offered", "taken", "free"}
    bands: list[dict]  # {"band", "households", "people", "p50_days", "p90_days"}
    awaiting_answer: int
    expiring_soon: int


def _scoped_offers(query: Select, scope: Scope, filters: DashboardFilters) -> Select:
    if filters.region:
        query = query.where(HousingOffer.region == filters.region)
    if not scope.everyone:
        query = query.where(HousingOffer.organization_id.in_(scope.organization_ids or (-1,)))
    return query


def housing_figures(scope: Scope, filters: DashboardFilters, now: datetime) -> HousingFigures:
    """Beds of verified offers by region; the households waiting by priority band with how long they have
    waited (p50, p90, nearest rank); proposals awaiting an answer and those whose answer is due within 24 h."""
    beds = _scoped_offers(select(HousingOffer.region, func.sum(HousingOffer.beds), func.sum(HousingOffer.free_beds))
                          .where(HousingOffer.vetting_state == VettingState.VERIFIED), scope, filters)
    bed_rows = [{"region": region, "offered": offered or 0, "taken": (offered or 0) - (free or 0), "free": free or 0}
                for region, offered, free in db.session.execute(
                    beds.group_by(HousingOffer.region).order_by(HousingOffer.region))]
    bands = _waiting_bands(scope, filters, now)
    proposals = select(func.count()).select_from(Match).join(HousingOffer, HousingOffer.id == Match.offer_id).where(
        Match.kind == QueueKind.HOUSING, Match.state == MatchState.PROPOSED)
    proposals = _scoped_offers(proposals, scope, filters)
    awaiting = db.session.scalar(proposals) or 0
    expiring = db.session.scalar(proposals.where(Match.expires_at >= now,
                                                 Match.expires_at < now + timedelta(hours=24))) or 0
    return HousingFigures(beds=bed_rows, bands=bands, awaiting_answer=awaiting, expiring_soon=expiring)


_BAND = priority_band(QueueEntry.priority)


def _waiting_bands(scope: Scope, filters: DashboardFilters, now: datetime) -> list[dict]:
    """Households waiting (or held by a coordinator) per priority band, with their people and the waits at the
    50th and 90th percentiles (nearest rank): one grouped query on PostgreSQL (percentile_disc), and on SQLite
    one indexed row per percentile."""
    waiting = select(QueueEntry.joined_at).where(
        QueueEntry.kind == QueueKind.HOUSING, QueueEntry.state.in_((EntryState.WAITING, EntryState.LEASED)))
    if filters.region or not scope.everyone:  # the households' table only when it filters (a join costs)
        waiting = waiting.join(Household, Household.id == QueueEntry.subject_id)
    if filters.region:  # households that named the region among those they prefer
        waiting = waiting.where(cast(Household.preferred_regions, String).like(f'%"{filters.region}"%'))
    if not scope.everyone:
        waiting = waiting.where(Household.organization_id.in_(scope.organization_ids or (-1,)))
    postgres = db.engine.dialect.name == "postgresql"
    columns = [_BAND, func.count()]
    if postgres:  # both percentiles from one sort
        columns.append(type_coerce(func.percentile_disc(postgresql.array([0.5, 0.9])).within_group(
            QueueEntry.joined_at.desc()), postgresql.ARRAY(DateTime)))
    found = {row[0]: row[1:] for row in db.session.execute(waiting.with_only_columns(*columns).group_by(_BAND))}
    bands = []
    for lower, band in PRIORITY_BANDS:
        count, *percentiles = found.get(band, (0,))
        joined = list(percentiles[0]) if percentiles and percentiles[0] else [None, None]
        if not postgres and count:
            in_band = waiting.where(_BAND == band)  # noqa: SIM300 - a SQL expression compared to a value
            joined = [_nearest_rank(in_band, count, share) for share in (0.5, 0.9)]
        p50, p90 = (_days_since(moment, now) for moment in joined)
        bands.append({"band": band, "min_priority": lower, "households": count, "p50_days": p50, "p90_days": p90})
    return bands


def _nearest_rank(waiting: Select, count: int, share: float) -> datetime | None:
    """The joined_at at the `share` percentile of waiting time (nearest rank): one row read by an index."""
    rank = max(1, math.ceil(share * count))
    return db.session.scalar(waiting.order_by(QueueEntry.joined_at.desc()).offset(rank - 1).limit(1))


def _days_since(moment: datetime | None, now: datetime) -> Decimal | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # an aggregate's result does not pass through the column's type
        moment = moment.replace(tzinfo=UTC)
    return (Decimal((now - moment).total_seconds()) / 86400).quantize(Decimal("0.1"))


# ---- jobs and volunteers -------------------------------------------------------------------------

@dataclass
class WorkFigures:
    positions_open: int
    positions_filled: int
    listings: int
    referrals: dict[str, int]
    shifts: int
    slots: int
    slots_filled: int
    shifts_full: int
    hours: Decimal
    volunteers: int


def work_figures(scope: Scope, filters: DashboardFilters) -> WorkFigures:
    """Positions of published listings open and filled; referrals from the jobs queue by state (made in the
    period); shifts starting in the period and their filled slots; hours of attended sign-ups there."""
    listings = select(func.count(), func.coalesce(func.sum(JobListing.open_positions), 0),
                      func.coalesce(func.sum(JobListing.positions - JobListing.open_positions), 0)).where(
        JobListing.state.in_((ListingState.PUBLISHED, ListingState.CLOSED)))
    if filters.region:
        listings = listings.where(JobListing.region == filters.region)
    if not scope.everyone:
        listings = listings.where(JobListing.organization_id.in_(scope.organization_ids or (-1,)))
    count, open_positions, filled = db.session.execute(listings).one()
    referrals_query = select(Match.state, func.count()).join(JobListing, JobListing.id == Match.offer_id).where(
        Match.kind == QueueKind.JOBS, Match.entry_id.is_not(None))
    if filters.region:
        referrals_query = referrals_query.where(JobListing.region == filters.region)
    if not scope.everyone:
        referrals_query = referrals_query.where(JobListing.organization_id.in_(scope.organization_ids or (-1,)))
    referrals_query = _in_period(referrals_query, Match.created_at, filters)
    referrals = {state.value: 0 for state in MatchState}
    for state, number in db.session.execute(referrals_query.group_by(Match.state)):
        referrals[state.value] = number
    shifts = select(func.count(), func.coalesce(func.sum(Shift.slots), 0), func.coalesce(func.sum(Shift.filled), 0),
                    func.coalesce(func.sum(case((Shift.filled >= Shift.slots, 1), else_=0)), 0)).where(
        Shift.cancelled.is_(False))
    if filters.region:
        shifts = shifts.where(Shift.region == filters.region)
    if not scope.everyone:
        shifts = shifts.where(Shift.organization_id.in_(scope.organization_ids or (-1,)))
    shifts = _in_period(shifts, Shift.starts_at, filters)
    shift_count, slots, slots_filled, full = db.session.execute(shifts).one()
    hours = select(func.sum(type_coerce(SignUp.hours, BigInteger)), func.count(func.distinct(SignUp.volunteer_id))) \
        .join(Shift, Shift.id == SignUp.shift_id).where(SignUp.state == MatchState.PLACED)
    if filters.region:
        hours = hours.where(Shift.region == filters.region)
    if not scope.everyone:
        hours = hours.where(Shift.organization_id.in_(scope.organization_ids or (-1,)))
    hours_raw, volunteers = db.session.execute(_in_period(hours, Shift.starts_at, filters)).one()
    return WorkFigures(positions_open=open_positions, positions_filled=filled, listings=count, referrals=referrals,
                       shifts=shift_count, slots=slots, slots_filled=slots_filled, shifts_full=full,
                       hours=_quantity(hours_raw), volunteers=volunteers)


# ---- the whole dashboard -------------------------------------------------------------------------

@dataclass
class Dashboard:
    filters: DashboardFilters
    scope: Scope
    rates_on: date
    arrivals: ArrivalFigures
    coverage: list[CoverageRow]
    least_covered: list
    pledges: PledgeFigures
    housing: HousingFigures
    work: WorkFigures

    @property
    def scope_name(self) -> str:
        return "all" if self.scope.everyone else "organizations"

    @property
    def organization_ids(self) -> list[int]:
        return list(self.scope.organization_ids or ())

    @property
    def least_covered_rows(self) -> list[dict]:
        return [{"need_id": need.id, "item": need.item, "sector": need.sector.value, "region": need.region,
                 "measure": cover.measure, "requested": cover.requested, "pledged": cover.pledged,
                 "delivered": cover.delivered} for need, cover in self.least_covered]


def dashboard(user: Person, filters: DashboardFilters, *, now: datetime | None = None) -> Dashboard:
    """Every figure of the dashboard, for what `user` may see (callers check may_see_dashboard first)."""
    scope = scope_for(user)
    day = filters.rates_on or filters.end or local_today()
    now = now or utcnow()
    convert = Converter(day)
    return Dashboard(filters=filters, scope=scope, rates_on=day, arrivals=arrival_figures(filters),
                     coverage=needs_coverage(scope, filters, convert),
                     least_covered=least_covered_needs(scope, filters, convert),
                     pledges=pledge_figures(scope, filters, convert), housing=housing_figures(scope, filters, now),
                     work=work_figures(scope, filters))

"""3W, who does what where: organizations x sectors (the IASC clusters) x regions, from the slices' records.

Each activity is one SQL aggregate (GROUP BY organization, sector, region) over one slice's table:
- `needs`: needs an organization lists that are still to be met (open, partly or fully pledged; not
  fulfilled, closed or cancelled), in the need's sector and region;
- `pledges`: pledges an organization made (not cancelled) against a need: the need's sector and region;
- `housing_offers`: verified housing offers of an organization (sector shelter), with their beds;
- `volunteer_shifts`: shifts an organization posts (not cancelled), with their slots; a shift names no
  sector, so its rows have none (and a sector filter leaves them out).
Only verified organizations appear; private hosts and private donors are people, not organizations, and
never do. Nothing personal is read: counts, sums, names of organizations and codes.
"""
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, null, select

from aidcoord.common.csv_export import Column, hxl_csv
from aidcoord.extensions import db
from aidcoord.housing.models import HousingOffer, VettingState
from aidcoord.needs.models import Need, NeedState
from aidcoord.organizations.models import Organization, Sector, VerificationState
from aidcoord.pledges.models import Pledge, PledgeState
from aidcoord.volunteers.models import Shift

ACTIVITIES = {
    "needs": _l("Needs listed"),
    "pledges": _l("Pledges made"),
    "housing_offers": _l("Housing offered"),
    "volunteer_shifts": _l("Volunteer shifts"),
}
# What the map can be coloured by: the activity whose rows it adds up, and whether it adds counts or capacity.
MEASURES = {
    "needs": _l("Open needs"),
    "pledges": _l("Pledges"),
    "beds": _l("Beds offered"),
    "shifts": _l("Volunteer shifts"),
    "organizations": _l("Organizations present"),
}
DEFAULT_MEASURE = "needs"
ACTIVITY_SECTOR = {"housing_offers": Sector.SHELTER}  # activities whose records name no sector of their own
STILL_NEEDED = (NeedState.OPEN, NeedState.PARTIALLY_COVERED, NeedState.COVERED)


@dataclass(frozen=True)
class ThreeWFilters:
    region: str | None = None
    sector: Sector | None = None
    organization_id: int | None = None


@dataclass(frozen=True, slots=True)
class ThreeWRow:
    organization_id: int
    organization: str
    sector: Sector | None
    region: str
    activity: str
    count: int
    capacity: int | None  # beds (housing offers) or slots (shifts); None for needs and pledges

    @property
    def activity_label(self) -> str:
        return str(ACTIVITIES[self.activity])


def _aggregate(activity: str, organization_id, sector, region, capacity, *where):
    """One activity's rows; `sector` is a column, or None when the activity has a fixed sector (or none)."""
    fixed = ACTIVITY_SECTOR.get(activity)
    sector_value = sector if sector is not None else (literal(fixed.value) if fixed else null())
    grouped = [organization_id, Organization.name, region] + ([sector] if sector is not None else [])
    return (select(organization_id.label("organization_id"), Organization.name.label("organization"),
                   sector_value.label("sector"), region.label("region"), literal(activity).label("activity"),
                   func.count().label("records"), capacity.label("capacity"))
            .join(Organization, Organization.id == organization_id)
            .where(Organization.verification_state == VerificationState.VERIFIED, *where)
            .group_by(*grouped))


def _queries(filters: ThreeWFilters) -> list:
    needs = _aggregate("needs", Need.organization_id, Need.sector, Need.region, null(), Need.state.in_(STILL_NEEDED))
    pledges = _aggregate("pledges", Pledge.donor_organization_id, Need.sector, Need.region, null(),
                         Pledge.state != PledgeState.CANCELLED).join(Need, Need.id == Pledge.need_id)
    offers = _aggregate("housing_offers", HousingOffer.organization_id, None, HousingOffer.region,
                        func.sum(HousingOffer.beds),
                        HousingOffer.vetting_state == VettingState.VERIFIED)
    shifts = _aggregate("volunteer_shifts", Shift.organization_id, None, Shift.region, func.sum(Shift.slots),
                        Shift.cancelled.is_(False))
    queries = [(needs, Need.sector, Need.region, Need.organization_id),
               (pledges, Need.sector, Need.region, Pledge.donor_organization_id),
               (offers, None, HousingOffer.region, HousingOffer.organization_id),
               (shifts, None, Shift.region, Shift.organization_id)]
    chosen = []
    for query, sector, region, organization in queries:
        if filters.sector is not None:
            if sector is None and not (query is offers and filters.sector is Sector.SHELTER):
                continue
            if sector is not None:
                query = query.where(sector == filters.sector)
        if filters.region:
            query = query.where(region == filters.region)
        if filters.organization_id is not None:
            query = query.where(organization == filters.organization_id)
        chosen.append(query)
    return chosen


def who_does_what_where(filters: ThreeWFilters = ThreeWFilters()) -> list[ThreeWRow]:
    """Every (organization, sector, region, activity) with its count, by organization name, region, sector."""
    sectors: dict[object, Sector | None] = {None: None, **{s: s for s in Sector}, **{s.value: s for s in Sector}}
    rows = []
    for query in _queries(filters):
        for organization_id, organization, sector, region, activity, records, capacity in db.session.execute(query):
            rows.append(ThreeWRow(organization_id, organization, sectors[sector], region, activity, int(records),
                                  None if capacity is None else int(capacity)))
    order = list(ACTIVITIES)
    return sorted(rows, key=lambda r: (r.organization.casefold(), r.organization_id, r.region,
                                       r.sector.value if r.sector else "~", order.index(r.activity)))


def region_totals(rows: list[ThreeWRow], measure: str) -> dict[str, int]:
    """region -> the measure added up over `rows` (see MEASURES)."""
    totals: defaultdict[str, int] = defaultdict(int)
    if measure == "organizations":
        present: defaultdict[str, set] = defaultdict(set)
        for row in rows:
            present[row.region].add(row.organization_id)
        return {region: len(ids) for region, ids in present.items()}
    activity = {"needs": "needs", "pledges": "pledges", "beds": "housing_offers", "shifts": "volunteer_shifts"}[measure]
    for row in rows:
        if row.activity == activity:
            totals[row.region] += (row.capacity or 0) if measure == "beds" else row.count
    return dict(totals)


def threew_csv(rows: list[ThreeWRow], region_name) -> str:
    """The 3W as CSV with HXL hashtags; `region_name(code)` names a region (in English for a shared file)."""
    columns: list[Column] = [
        ("organization", "#org+name", lambda r: r.organization),
        ("organization_id", "#org+id", lambda r: r.organization_id),
        ("sector", "#sector+cluster", lambda r: r.sector.value if r.sector else ""),
        ("region_code", "#adm1+code", lambda r: r.region),
        ("region_name", "#adm1+name", lambda r: region_name(r.region)),
        ("activity", "#activity+code", lambda r: r.activity),
        ("count", "#indicator+num+count", lambda r: r.count),
        ("capacity", "#indicator+num+capacity", lambda r: "" if r.capacity is None else r.capacity),
    ]
    return hxl_csv(columns, [(row,) for row in rows])

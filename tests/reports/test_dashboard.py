"""The dashboard's figures against a small scenario computed by hand: two currencies, two in-kind items counted
in the same unit, needs of two organizations, beds, a waiting queue, jobs and shifts."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from aidcoord.arrivals import imports
from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.housing.models import Household
from aidcoord.matching.models import EntryState, QueueEntry, QueueKind
from aidcoord.needs.models import Unit
from aidcoord.organizations.models import Sector
from aidcoord.pledges.models import Contribution, ExchangeRate, Pledge, PledgeState
from aidcoord.reports import services
from aidcoord.seed import DEMO_DATA
from tests.conftest import PINNED_TODAY, pinned_clock
from tests.factories import HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory

pytestmark = pinned_clock


@pytest.fixture
def world(app):
    coordinator = UserFactory(roles=["coordinator"])
    member = UserFactory()
    ours = OrganizationFactory(members=[member])
    theirs = OrganizationFactory()
    donor = OrganizationFactory(name="Donor Government")
    db.session.add(ExchangeRate(currency="EUR", reporting_currency="USD", rate=Decimal("1.1"),
                                valid_on=PINNED_TODAY - timedelta(days=5), recorded_by_id=coordinator.id))
    beds = NeedFactory(organization=ours, sector=Sector.SHELTER, item="beds", quantity=Decimal(100), unit=Unit.BEDS,
                       region="AM-SU")
    cash = NeedFactory(organization=ours, sector=Sector.FOOD_SECURITY, item="food vouchers", quantity=None, unit=None,
                       amount_minor=100_000, currency="USD", region="AM-SU")
    NeedFactory(organization=theirs, sector=Sector.HEALTH, item="first aid kits", quantity=Decimal(50),
                unit=Unit.KITS, region="AM-ER")

    def pledge(**fields):
        db.session.add(Pledge(pledged_by_id=coordinator.id, **fields))

    pledge(need_id=beds.id, contribution=Contribution.IN_KIND, quantity=Decimal(30), unit=Unit.BEDS, item="beds",
           donor_organization_id=donor.id, delivered_units=10_000)  # 10 beds delivered (thousandths)
    pledge(need_id=cash.id, contribution=Contribution.MONEY, amount_minor=50_000, currency="EUR",
           donor_organization_id=donor.id)
    pledge(need_id=cash.id, contribution=Contribution.MONEY, amount_minor=20_000, currency="USD",
           state=PledgeState.COMMITTED)
    pledge(contribution=Contribution.IN_KIND, quantity=Decimal(30000), unit=Unit.PEOPLE, item="food parcels",
           donor_organization_id=donor.id)
    pledge(contribution=Contribution.IN_KIND, quantity=Decimal(6000), unit=Unit.PEOPLE, item="food cards",
           donor_organization_id=donor.id)
    HousingOfferFactory(region="AM-SU", beds=4, free_beds=1, organization=ours)
    HousingOfferFactory(region="AM-ER", beds=5, free_beds=5)
    for number, (priority, days_waiting) in enumerate([(70, 10), (40, 2), (0, 1), (0, 5)]):
        household = Household(contact_name=f"Family {number}", contact_phone=f"+37499000{number:03d}", size=2,
                              adults=2, needed_from=PINNED_TODAY, registered_by_id=coordinator.id,
                              preferred_regions=["AM-SU"] if number else [], organization_id=ours.id)
        db.session.add(household)
        db.session.flush()
        db.session.add(QueueEntry(kind=QueueKind.HOUSING, subject_id=household.id, priority=priority,
                                  joined_at=utcnow() - timedelta(days=days_waiting), state=EntryState.WAITING))
    db.session.commit()
    imports.import_arrivals(coordinator, (DEMO_DATA / "arrivals-2023.csv").read_text(encoding="utf-8"))
    return {"coordinator": coordinator, "member": member, "ours": ours}


def test_coordinators_see_every_figure_computed_by_hand(world):
    figures = services.dashboard(world["coordinator"], services.DashboardFilters())
    assert figures.arrivals.total == 100_520 and figures.arrivals.as_of == date(2023, 10, 2)
    coverage = [(row.sector, row.region, row.measure, row.requested, row.pledged, row.delivered)
                for row in figures.coverage]
    assert coverage == [  # least covered first
        ("health", "AM-ER", "kits", 50, 0, 0),
        ("shelter", "AM-SU", "beds", 100, 30, 10),
        ("food_security", "AM-SU", "USD", 1000, Decimal("750.00"), 0),  # EUR 500 at 1.1 + USD 200
    ]
    assert [need.item for need, _cover in figures.least_covered] == ["first aid kits", "beds", "food vouchers"]
    pledges = figures.pledges
    assert pledges.money == {"EUR": {"pledged": 500, "committed": 0, "delivered": 0, "cancelled": 0},
                             "USD": {"pledged": 0, "committed": 200, "delivered": 0, "cancelled": 0}}
    assert pledges.converted["pledged"] == Decimal("550.00") and pledges.converted["committed"] == 200
    # two items counted in "people" are never added together
    assert [(goods["item"], goods["unit"], goods["pledged"]) for goods in pledges.in_kind] == [
        ("beds", "beds", 30), ("food cards", "people", 6000), ("food parcels", "people", 30000)]
    assert pledges.donors[0]["name"] == "Donor Government" and pledges.donors[0]["pledges"] == 4
    assert pledges.donors[0]["money"] == {"EUR": Decimal("500.00")}
    assert figures.housing.beds == [{"region": "AM-ER", "offered": 5, "taken": 0, "free": 5},
                                    {"region": "AM-SU", "offered": 4, "taken": 3, "free": 1}]
    bands = {band["band"]: (band["households"], band["p50_days"], band["p90_days"])
             for band in figures.housing.bands}
    assert bands == {"high": (1, Decimal("10.0"), Decimal("10.0")), "medium": (1, Decimal("2.0"), Decimal("2.0")),
                     "standard": (2, Decimal("1.0"), Decimal("5.0"))}


def test_organization_staff_see_their_organizations_figures(world):
    figures = services.dashboard(world["member"], services.DashboardFilters())
    assert figures.scope.organization_ids == (world["ours"].id,)
    assert [row.sector for row in figures.coverage] == ["shelter", "food_security"]
    assert [row["region"] for row in figures.housing.beds] == ["AM-SU"]
    assert set(figures.pledges.money) == {"EUR", "USD"} and figures.pledges.in_kind[0]["item"] == "beds"
    assert len(figures.pledges.in_kind) == 1  # the parcels and cards went to no need of theirs


def test_a_region_filters_needs_beds_and_the_queue(world):
    figures = services.dashboard(world["coordinator"], services.DashboardFilters(region="AM-SU"))
    assert {row.region for row in figures.coverage} == {"AM-SU"}
    assert [row["region"] for row in figures.housing.beds] == ["AM-SU"]
    assert sum(band["households"] for band in figures.housing.bands) == 3  # those who named Syunik


def test_the_period_limits_arrivals_and_pledges(world):
    figures = services.dashboard(world["coordinator"], services.DashboardFilters(
        start=date(2023, 9, 27), end=date(2023, 9, 28)))
    assert [(day.day, day.arrived) for day in figures.arrivals.days] == [
        (date(2023, 9, 27), 53_629 - 28_120), (date(2023, 9, 28), 76_407 - 53_629)]
    assert figures.pledges.money == {}  # every pledge was made today


def test_the_api_and_the_page(world, api, pages):
    body = api("GET", "/api/v1/dashboard", world["coordinator"]).get_json()
    assert body["arrivals"]["total"] == 100_520 and body["scope"] == "all"
    assert body["pledges"]["in_kind"][1] == {"item": "food cards", "unit": "people", "pledged": "6000",
                                             "committed": "0", "delivered": "0", "cancelled": "0"}
    assert body["pledges"]["converted"]["pledged"] == "550.00"
    assert api("GET", "/api/v1/dashboard", UserFactory(roles=["donor"])).status_code == 403
    assert api("GET", "/api/v1/dashboard?region=XX").status_code in (401, 422)
    pages.login(world["member"].email)
    page = pages.client.get("/dashboard?region=AM-SU")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "<svg" in text and "100,520" in text
    assert "<script" not in text.split("<main", 1)[-1]

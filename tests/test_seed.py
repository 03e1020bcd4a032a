"""`flask seed-demo`: the 2023 organizations and demo accounts, idempotently."""
import filecmp

import pytest
from sqlalchemy import func, select

from aidcoord.accounts.models import User
from aidcoord.extensions import db
from aidcoord.organizations.models import Organization, Sector
from aidcoord.seed import DEMO_DATA
from tests.conftest import REPO_ROOT, pinned_clock

# The demo data is dated from today (shifts at fixed UTC hours from tomorrow on): one known day and zone.
pytestmark = pinned_clock
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_loads_verified_organizations_and_accounts_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    organizations, users = count(Organization), count(User)
    # 8 groups and agencies of organizations.csv, and the 15 donors of aid-pledges-2023.csv not among them:
    # the report counts them all, in the database
    assert organizations == 23 and users == 7
    assert "organizations: 23 in the database (new: 23)" in first.output
    assert "admin@demo.aidcoord.example" in first.output
    assert "pledges: 25 in the database (new: 25)" in first.output
    assert "needs: 4 in the database (new: 4)" in first.output
    assert "housing offers: 4 in the database (new: 4)" in first.output
    assert "households: 5 in the database (new: 5)" in first.output
    assert "job listings: 4 in the database (new: 4)" in first.output
    assert "volunteer shifts: 4 in the database (new: 4)" in first.output
    assert "reported arrival counts: 24 in the database (new: 24)" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "organizations: 23 in the database (new: 0)" in second.output
    assert "pledges: 25 in the database (new: 0)" in second.output
    assert "reported arrival counts: 24 in the database (new: 0)" in second.output
    assert (count(Organization), count(User)) == (organizations, users)
    assert all(org.is_verified for org in db.session.scalars(select(Organization)))
    hayordi = db.session.scalars(select(Organization).where(Organization.name == "Hayordi")).one()
    assert hayordi.sectors == [Sector.FOOD_SECURITY, Sector.SHELTER]


def test_after_seeding_the_arrivals_reach_100520_on_2_october(app):
    from datetime import date

    from aidcoord.arrivals import services as arrivals

    app.test_cli_runner().invoke(args=["seed-demo"])
    assert arrivals.total_as_of() == 100_520
    assert arrivals.daily_series()[-1].day == date(2023, 10, 2)


def test_seeded_in_kind_totals_keep_each_item_apart(app, api):
    app.test_cli_runner().invoke(args=["seed-demo"])
    in_kind = api("GET", "/api/v1/pledges/totals").get_json()["in_kind"]
    people = {row["item"]: row["pledged"] for row in in_kind if row["unit"] == "people"}
    # three kinds of aid counted in people: never one total of 86,000 "people"
    assert people == {"food parcels": "30000", "food cards": "6000",
                      "medicines for non-communicable diseases": "50000"}


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the team's shared/ folder is not beside this checkout")
@pytest.mark.parametrize("name", ["organizations.csv", "aid-pledges-2023.csv", "arrivals-2023.csv"])
def test_bundled_demo_data_equals_the_shared_originals(name):
    assert filecmp.cmp(DEMO_DATA / name, SHARED_DATA / name, shallow=False)

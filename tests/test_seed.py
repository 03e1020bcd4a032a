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
    assert "organizations created: 8" in first.output and "admin@demo.aidcoord.example" in first.output
    organizations, users = count(Organization), count(User)
    # 8 groups and agencies of organizations.csv, and the 15 donors of aid-pledges-2023.csv not among them
    assert organizations == 23 and users == 7
    assert "housing offers and households created: 9" in first.output and "needs created: 4" in first.output
    assert "job listings, job seekers and volunteer shifts created: 10" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "organizations created: 0" in second.output
    assert "pledges created: 0" in second.output and "households created: 0" in second.output
    assert "needs created: 0" in second.output
    assert "job listings, job seekers and volunteer shifts created: 0" in second.output
    assert (count(Organization), count(User)) == (organizations, users)
    assert all(org.is_verified for org in db.session.scalars(select(Organization)))
    hayordi = db.session.scalars(select(Organization).where(Organization.name == "Hayordi")).one()
    assert hayordi.sectors == [Sector.FOOD_SECURITY, Sector.SHELTER]


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the team's shared/ folder is not beside this checkout")
@pytest.mark.parametrize("name", ["organizations.csv", "aid-pledges-2023.csv", "arrivals-2023.csv"])
def test_bundled_demo_data_equals_the_shared_originals(name):
    assert filecmp.cmp(DEMO_DATA / name, SHARED_DATA / name, shallow=False)

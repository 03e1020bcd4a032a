"""An NGO member posts a need, a donor pledges against it, the NGO confirms a partial delivery,
and the coverage shows it."""
from datetime import timedelta

import pytest

from aidcoord.common.types import today
from tests.browser.conftest import log_in, shows
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.browser


def test_need_to_pledge_to_partial_delivery(page, live_server):
    base = live_server
    member = UserFactory(name="Ani from Hayordi")
    OrganizationFactory(name="Hayordi", members=[member])
    donor = UserFactory(roles=["donor"], name="Generous Person")

    log_in(page, base, member.email)
    page.goto(f"{base}/needs/new")
    page.get_by_label("Sector").select_option("shelter")
    page.get_by_label("What is needed").fill("Folding beds")
    page.get_by_label("Quantity").fill("200")
    page.get_by_label("Unit").select_option("beds")
    page.get_by_label("Region").select_option("AM-SU")
    page.get_by_label("Town or village").fill("Goris")
    page.get_by_label("Urgency").select_option("critical")
    page.get_by_label("Needed by").fill((today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Save need").click()
    shows(page, "The need is listed.")
    need_url = page.url
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, donor.email)
    page.goto(need_url)
    page.get_by_label("Quantity").fill("120")
    page.get_by_role("button", name="Pledge").click()
    shows(page, "Your pledge is recorded")
    pledge_url = page.url
    page.get_by_role("button", name="Log out").click()

    log_in(page, base, member.email)
    page.goto(pledge_url)
    shows(page, donor.email)
    page.get_by_label("Quantity received").fill("50")
    page.get_by_role("button", name="Confirm delivery").click()
    shows(page, "The delivery is confirmed.")
    page.goto(need_url)
    coverage = page.locator("table.coverage-table").inner_text()
    assert "Pledged\t120 beds\t60%" in coverage and "Delivered\t50 beds\t25%" in coverage
    shows(page, "Partially covered")

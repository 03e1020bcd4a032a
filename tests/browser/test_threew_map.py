"""The 3W map on a phone (390x844) and a laptop (1280x800): eleven regions within the screen, nothing wider
than the page, and a click on a region (a plain link) filters the table to it."""
import pytest

from aidcoord.organizations.models import Sector
from tests.browser.test_languages_and_layout import FIND_OVERFLOW
from tests.factories import PASSWORD, NeedFactory, OrganizationFactory, UserFactory


@pytest.fixture
def member(app):
    user = UserFactory()
    organization = OrganizationFactory(name="Hayordi", members=[user])
    NeedFactory(organization=organization, region="AM-SU")
    NeedFactory(organization=organization, region="AM-VD", sector=Sector.HEALTH, item="medicine")
    return user


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}])
def test_the_map_fits_the_screen_and_a_region_click_filters_the_table(browser, live_server, member, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/login")
        page.locator("input[name=email]").fill(member.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"{live_server}/3w")
        regions = page.locator("main figure svg path[data-iso]")
        assert regions.count() == 11
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert page.evaluate(FIND_OVERFLOW) == []
        box = page.locator("main figure svg").first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert page.locator("#threew-table tbody tr[data-region]").count() == 2
        page.locator("path[data-iso=AM-VD]").click()
        page.wait_for_load_state()
        assert "region=AM-VD" in page.url
        rows = page.locator("#threew-table tbody tr[data-region]")
        assert rows.count() == 1 and rows.first.get_attribute("data-region") == "AM-VD"
    finally:
        context.close()

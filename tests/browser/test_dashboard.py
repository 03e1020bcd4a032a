"""The dashboard on a phone (390x844) in Armenian and Russian: its charts and tables fit the screen (nothing
wider than the page, no horizontal scroll outside the tables' own scroll boxes), and it reads in the language."""
import pytest

from aidcoord.arrivals import imports
from aidcoord.seed import DEMO_DATA
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401  (the browser fixture's flags)
from tests.browser.test_languages_and_layout import FIND_OVERFLOW, script_share
from tests.factories import PASSWORD, HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def coordinator(app):
    user = UserFactory(roles=["coordinator"])
    organization = OrganizationFactory(members=[UserFactory()])
    NeedFactory(organization=organization, region="AM-SU")
    NeedFactory(organization=organization, region="AM-VD", item="blankets")
    for region, beds, free in (("AM-SU", 6, 2), ("AM-VD", 3, 3), ("AM-ER", 12, 5)):
        HousingOfferFactory(region=region, beds=beds, free_beds=free)
    imports.import_arrivals(user, (DEMO_DATA / "arrivals-2023.csv").read_text(encoding="utf-8"))
    return user


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_the_dashboard_fits_a_phone_in_armenian_and_russian(browser, live_server, coordinator, language):
    context = browser.new_context(locale=language, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{live_server}/login")
        page.locator("input[name=email]").fill(coordinator.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
        page.goto(f"{live_server}/dashboard")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("main svg.chart").count() == 4
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate(FIND_OVERFLOW) == []
        for chart in page.locator("main svg.chart").all():  # each chart within the screen, and readable
            box = chart.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        share, _others = script_share(page.locator("main").inner_text(), language)
        assert share > 0.5
        assert "100" in page.locator("main").inner_text()  # 100 520 in the reader's digits grouping
    finally:
        context.close()

"""The whole housing loop in a browser: a host offers, a coordinator verifies, registers a family,
takes it from the queue and proposes; the host accepts, sees the contact, confirms move-in; free beds follow."""
import pytest

from aidcoord.common.types import today
from tests.browser.conftest import log_in, log_out, shows
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_offer_verify_take_propose_accept_move_in(page, live_server):
    base = live_server
    host = UserFactory(roles=["host"], name="Armen the host")
    coordinator = UserFactory(roles=["coordinator"])

    log_in(page, base, host.email)
    page.goto(f"{base}/housing/offers/new")
    page.get_by_label("Region").select_option("AM-SU")
    page.get_by_label("Town or village").fill("Goris")
    page.get_by_label("Full address").fill("7 Syuniki St, Goris")
    page.get_by_label("Beds").fill("5")
    page.get_by_label("Available from").fill(today().isoformat())
    page.locator('input[name="languages"][value="hy"]').check()
    page.locator('input[name="languages"][value="ru"]').check()
    page.get_by_role("button", name="Save offer").click()
    shows(page, "A coordinator will check the offer")
    offer_url = page.url
    log_out(page)

    log_in(page, base, coordinator.email)
    page.goto(offer_url)
    page.get_by_label("How was it checked, or why rejected?").fill("Visited on site; heating works")
    page.get_by_role("button", name="Record decision").click()
    shows(page, "Verified")
    page.goto(f"{base}/housing/households/new")
    page.get_by_label("Name of the head of household").fill("Gayane Sargsyan")
    page.get_by_label("Phone", exact=True).fill("+374 93 555 111")
    page.get_by_label("Adults", exact=True).fill("2")
    page.get_by_label("Children", exact=True).fill("1")
    page.get_by_label("of whom under 5").fill("1")
    page.locator('input[name="preferred_regions"][value="AM-SU"]').check()
    page.get_by_label("The household agrees to share").check()
    page.get_by_role("button", name="Register household").click()
    shows(page, "in the queue")
    page.goto(f"{base}/housing/queue")
    page.get_by_role("button", name="Take next").click()
    shows(page, "Compatible offers")
    shows(page, "in a preferred region")
    page.get_by_role("button", name="Propose").first.click()
    shows(page, "Proposed.")
    log_out(page)

    log_in(page, base, host.email)
    page.goto(f"{base}/housing/offers")
    page.get_by_role("link", name="3 people").click()
    shows(page, "Accept")
    assert "Gayane" not in page.content() and "555" not in page.content()
    page.get_by_role("button", name="Accept").click()
    assert page.locator("#household-contact").inner_text() == "Gayane Sargsyan, +37493555111"
    page.get_by_role("button", name="Confirm move-in").click()
    assert page.locator("#match-state").inner_text() == "Moved in"
    page.goto(offer_url)
    assert page.locator("#free-beds").inner_text() == "2"

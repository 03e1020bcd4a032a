"""A person registers, applies for their organization, a coordinator verifies it, the public finds it."""
import pytest

from tests.browser.conftest import log_in, shows
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_register_apply_verify_and_find_in_directory(page, live_server):
    base = live_server
    coordinator = UserFactory(roles=["coordinator"])

    page.goto(f"{base}/register")
    page.get_by_label("Your name").fill("Lilit Petrosyan")
    page.get_by_label("Email").fill("lilit@example.org")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Password again").fill("a long enough password")
    page.get_by_label("Host").check()
    page.get_by_role("button", name="Create account").click()
    shows(page, "Welcome, your account is ready.")

    page.goto(f"{base}/organizations/new")
    page.get_by_label("Organization name", exact=True).fill("Goris Welcome Kitchen")
    page.get_by_label("Kind").select_option("community_group")
    page.get_by_label("Country of registration").select_option("AM")
    page.locator('input[name="regions"][value="AM-SU"]').check()
    page.get_by_label("Food security").check()
    page.get_by_role("button", name="Save").click()
    shows(page, "A coordinator will verify")
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base}/organizations?q=Goris")
    shows(page, "organization")
    assert "Goris Welcome Kitchen" not in page.content()

    log_in(page, base, coordinator.email)
    page.goto(f"{base}/organizations?verified=false")
    page.get_by_role("link", name="Goris Welcome Kitchen").click()
    page.get_by_label("How was it checked?").fill("Phoned the municipality of Goris")
    page.get_by_role("button", name="Verify").click()
    shows(page, "verified and listed")
    page.get_by_role("button", name="Log out").click()

    page.goto(f"{base}/organizations?q=goris")
    page.get_by_role("link", name="Goris Welcome Kitchen").click()
    shows(page, "Syunik")


def test_pages_fit_a_phone_screen_and_start_with_a_skip_link(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/organizations", "/register", "/login", "/needs", "/pledges", "/exchange-rates"):
        page.goto(f"{live_server}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    context.close()


def test_form_errors_are_tied_to_their_fields(page, live_server):
    page.goto(f"{live_server}/register")
    page.get_by_role("button", name="Create account").click()
    name_input = page.get_by_label("Your name")
    assert name_input.get_attribute("aria-invalid") == "true"
    described_by = name_input.get_attribute("aria-describedby")
    assert "required" in page.locator(f"#{described_by}").inner_text()

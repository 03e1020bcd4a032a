"""A volunteer fills in a profile, finds a shift near them and signs up; the places left go down."""
from datetime import timedelta

import pytest

from aidcoord.common.types import utcnow
from aidcoord.volunteers import services
from tests.browser.conftest import log_in, shows
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.browser


def test_volunteer_signs_up_for_a_shift(page, live_server):
    organizer = UserFactory()
    organization = OrganizationFactory(name="All for Armenia", members=[organizer])
    start = utcnow() + timedelta(days=1)
    services.post_shift(organizer, organization, {
        "task": "Hot meals at the border", "region": "AM-SU", "locality": "Kornidzor",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=5)).isoformat(), "slots": 3,
        "required_skills": ["cooking"]})
    volunteer = UserFactory(roles=["volunteer"])

    log_in(page, live_server, volunteer.email)
    page.goto(f"{live_server}/volunteers/me")
    page.get_by_label("Cooking").check()  # skills are ticked by their names
    page.get_by_label("Driving").check()
    page.locator('input[name="languages"][value="hy"]').check()
    page.locator('input[name="languages"][value="ru"]').check()
    page.get_by_role("button", name="Save profile").click()
    shows(page, "Your profile is saved.")
    page.goto(f"{live_server}/volunteers/shifts?region=AM-SU")
    page.get_by_role("link", name="Hot meals at the border").click()
    shows(page, "3 of 3 places free")
    page.get_by_role("button", name="Sign up").click()
    shows(page, "You are signed up. Thank you!")
    assert page.locator("#places").inner_text() == "2 of 3 places free"

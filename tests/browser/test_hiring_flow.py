"""An employer posts a job, a coordinator publishes it and refers a waiting seeker from the jobs
queue, the seeker shares their contact, and the employer interviews and hires them: the open
positions go down and the listing closes with its last position."""
from datetime import timedelta

import pytest

from aidcoord.common.types import today
from aidcoord.jobs import seekers
from tests.browser.conftest import log_in, log_out, shows
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_employer_hires_a_referred_seeker(page, live_server):
    base = live_server
    employer = UserFactory(roles=["employer"], name="Ararat Bakery")
    coordinator = UserFactory(roles=["coordinator"])
    seeker_user = UserFactory()
    seeker = seekers.save_own_profile(seeker_user, {
        "contact_name": "Anahit Petrosyan", "contact_phone": "+374 91 123456", "profession": "baker",
        "skills": "baking, dough", "languages": "hy:native", "regions": "AM-ER", "consent_to_share": True})
    seekers.ask_for_help(seeker_user, seeker)

    log_in(page, base, employer.email)
    page.goto(f"{base}/jobs/new")
    page.get_by_label("Job title").fill("Baker")
    page.get_by_label("Sector").select_option("hospitality")
    page.get_by_label("Region").select_option("AM-ER")
    page.get_by_label("Positions").fill("1")
    page.get_by_label("Languages required").fill("hy:B2")
    page.get_by_label("Skills").fill("baking")
    page.get_by_label("Applications close on").fill((today() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Send for review").click()
    shows(page, "A coordinator reviews the listing")
    listing_url = page.url
    log_out(page)

    log_in(page, base, coordinator.email)
    page.goto(f"{base}/jobs/review")
    page.get_by_role("link", name="Baker").click()
    page.get_by_role("button", name="Publish").click()
    shows(page, "Published")
    page.goto(f"{base}/jobs/queue")
    page.get_by_role("button", name="Take next").click()
    shows(page, "Compatible listings")
    page.get_by_role("button", name="Refer").click()
    shows(page, "Referred.")
    log_out(page)

    log_in(page, base, seeker_user.email)
    page.goto(f"{base}/jobs/seekers/{seeker.id}")
    page.get_by_role("link", name="Listing ").first.click()
    page.get_by_role("button", name="Share my contact with this employer").click()
    shows(page, "Recorded.")
    log_out(page)

    log_in(page, base, employer.email)
    page.goto(listing_url)
    shows(page, "1 of 1")
    page.get_by_role("link", name="Candidate").first.click()
    shows(page, "+37491123456")
    page.get_by_role("button", name="Invite to interview").click()
    shows(page, "Interview")
    page.get_by_role("button", name="Hire").click()
    shows(page, "Recorded.")
    assert "Hired" in page.locator("#application-state").inner_text()
    page.goto(listing_url)
    shows(page, "0 of 1")
    shows(page, "Closed")

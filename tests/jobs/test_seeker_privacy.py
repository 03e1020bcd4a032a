"""A seeker's contact never travels in lists, and the leased entry page shows coordinators the listings
that fit. (Who may call which endpoint is in the permission table, tests/permissions/.)"""
from aidcoord.jobs import applications, listings, seekers
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from tests.jobs.conftest import listing_data, seeker_data


def test_list_endpoints_never_carry_a_seekers_contact(app, api, employer, coordinator, seeker_user):
    listing = listings.publish(coordinator, listings.post_listing(employer, listing_data(positions=5)))
    applications.apply(seeker_user, seekers.save_own_profile(seeker_user, seeker_data()), listing)
    for url in (f"/api/v1/jobs/listings/{listing.id}/applications", "/api/v1/jobs/listings"):
        body = api("GET", url, employer).get_data(as_text=True)
        assert "+37491123456" not in body and "Anahit" not in body


def test_the_leased_entry_page_shows_the_listings_that_fit(app, pages, client, published, coordinator, seeker,
                                                          seeker_user):
    seekers.ask_for_help(seeker_user, seeker)
    entry = queue.take_next(coordinator, QueueKind.JOBS)
    pages.login(coordinator.email)
    page = client.get(f"/jobs/queue/{entry.id}")
    assert page.status_code == 200 and "Warehouse assistant" in page.get_data(as_text=True)

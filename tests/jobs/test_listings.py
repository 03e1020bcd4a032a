"""Job listings: who may post, bad input, moderation, reports, closing, and the public board."""
from datetime import timedelta
from decimal import Decimal

import pytest

from aidcoord.audit.models import AuditEvent
from aidcoord.common.types import today, utcnow
from aidcoord.errors import Conflict, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.jobs import listings
from aidcoord.jobs.models import ContractType, ListingState
from tests.factories import OrganizationFactory, UserFactory
from tests.jobs.conftest import listing_data


def test_an_employers_listing_waits_for_review_and_keeps_exact_salary(employer):
    listing = listings.post_listing(employer, listing_data(salary_min="250000.50", salary_currency="usd"))
    assert listing.state is ListingState.PENDING
    assert listing.open_positions == listing.positions == 2
    assert listing.salary_min == Decimal("250000.50") and listing.salary_currency == "USD"
    assert listing.languages == [{"code": "hy", "level": "B1"}]
    assert listing.skills == ["forklift", "packing"]
    assert listings.board(listings.BoardFilters()).total == 0


def test_a_verified_organization_posts_but_an_unverified_one_cannot(app):
    member = UserFactory()
    verified = OrganizationFactory(members=[member])
    listing = listings.post_listing(member, listing_data(), organization_id=verified.id)
    assert listing.organization_id == verified.id and listing.employer_name == verified.name
    unverified = OrganizationFactory(members=[member], verification_state="pending")
    with pytest.raises(Conflict):
        listings.post_listing(member, listing_data(), organization_id=unverified.id)


def test_without_the_employer_role_or_an_organization_posting_is_refused(app):
    with pytest.raises(PermissionDenied):
        listings.post_listing(UserFactory(roles=["donor"]), listing_data())


@pytest.mark.parametrize("field, value", [
    ("title", ""), ("sector", "astrology"), ("positions", "0"), ("positions", "many"), ("region", "XX-99"),
    ("languages", "zz:B1"), ("languages", "hy:expert"), ("contract_type", "forever"), ("salary_currency", "XYZ"),
    ("salary_min", "-5"), ("salary_max", "100"), ("closing_date", (today() - timedelta(days=1)).isoformat()),
    ("closing_date", "next week"), ("start_date", "soon"),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_written(employer, field, value):
    from aidcoord.jobs.models import JobListing

    with pytest.raises(ValidationFailed) as refused:
        listings.post_listing(employer, listing_data(**{field: value}))
    assert field in refused.value.fields
    assert db.session.query(JobListing).count() == 0


def test_a_job_needs_a_place_or_to_be_remote(employer):
    with pytest.raises(ValidationFailed) as refused:
        listings.post_listing(employer, listing_data(region=""))
    assert "region" in refused.value.fields
    remote = listings.post_listing(employer, listing_data(region="", remote=True))
    assert remote.region is None and remote.remote


def test_coordinators_publish_or_reject_with_a_reason(employer, coordinator):
    first = listings.post_listing(employer, listing_data())
    with pytest.raises(PermissionDenied):
        listings.publish(employer, first)
    listings.publish(coordinator, first)
    assert first.state is ListingState.PUBLISHED and first.reviewed_by_id == coordinator.id
    second = listings.post_listing(employer, listing_data(title="Night guard"))
    with pytest.raises(ValidationFailed):
        listings.reject(coordinator, second, " ")
    listings.reject(coordinator, second, "Unpaid trial period of three months")
    assert second.state is ListingState.REJECTED and second.review_note.startswith("Unpaid")
    assert [listing.id for listing in listings.board(listings.BoardFilters()).items] == [first.id]


def test_anyone_may_report_but_one_report_does_not_take_a_listing_down(published, coordinator):
    listings.report(None, published, "scam", "They ask for a fee to apply", address="198.51.100.7")
    assert published.state is ListingState.PUBLISHED
    assert listings.board(listings.BoardFilters()).total == 1
    # Coordinators see it at once, still on the board, with the report.
    assert [(listing.id, count) for listing, count in listings.review_queue(coordinator)] == [(published.id, 1)]
    assert listings.reports_on(coordinator, published)[0].details == "They ask for a fee to apply"


def test_a_listing_leaves_the_board_after_reports_from_three_distinct_reporters_until_reviewed(
        app, published, coordinator):
    signed_in = UserFactory(created_at=utcnow() - timedelta(days=30))
    listings.report(None, published, "scam", address="198.51.100.7")
    listings.report(signed_in, published, "exploitative", address="198.51.100.8")
    assert published.state is ListingState.PUBLISHED
    listings.report(None, published, "other", address="203.0.113.9")
    assert published.state is ListingState.PENDING
    assert listings.board(listings.BoardFilters()).total == 0
    assert [(listing.id, count) for listing, count in listings.review_queue(coordinator)] == [(published.id, 3)]
    listings.publish(coordinator, published)
    assert listings.board(listings.BoardFilters()).total == 1
    # The coordinator's decision starts the count anew: one more report does not take it down again.
    listings.report(None, published, "scam", address="192.0.2.1")
    assert published.state is ListingState.PUBLISHED


def test_accounts_made_from_an_address_that_already_reported_do_not_count_as_more_reporters(
        app, published, coordinator):
    # One person: an anonymous report, then accounts (old enough) from the same address: counted once.
    listings.report(None, published, "scam", address="198.51.100.7")
    for _ in range(2):
        listings.report(UserFactory(created_at=utcnow() - timedelta(days=30)), published, "scam",
                        address="198.51.100.7")
    assert published.state is ListingState.PUBLISHED
    # Nor does one account reporting from new addresses after its anonymous reports.
    account = UserFactory(created_at=utcnow() - timedelta(days=30))
    listings.report(account, published, "scam", address="203.0.113.1")
    listings.report(None, published, "scam", address="203.0.113.1")
    assert published.state is ListingState.PUBLISHED
    assert len(listings.reports_on(coordinator, published)) == 5  # all still there for the moderator
    listings.report(None, published, "scam", address="192.0.2.44")  # a third person
    assert published.state is ListingState.PENDING


def test_accounts_younger_than_a_day_report_but_do_not_count_toward_hiding(app, published, coordinator):
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        listings.report(UserFactory(created_at=utcnow() - timedelta(hours=2)), published, "scam", address=address)
    assert published.state is ListingState.PUBLISHED
    assert len(listings.reports_on(coordinator, published)) == 3
    app.config["LISTING_REPORTER_MIN_AGE_HOURS"] = 1
    listings.report(UserFactory(created_at=utcnow() - timedelta(hours=2)), published, "scam", address="192.0.2.9")
    assert published.state is ListingState.PENDING


def test_the_number_of_reporters_that_takes_a_listing_down_is_configurable(app, published):
    app.config["LISTING_REPORTS_TO_HIDE"] = 1
    listings.report(None, published, "scam", address="198.51.100.7")
    assert published.state is ListingState.PENDING


def test_a_repeated_report_from_the_same_reporter_counts_once(app, published, coordinator):
    reporter = UserFactory()
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        listings.report(reporter, published, "scam", address=address)
    for _ in range(3):
        listings.report(None, published, "scam", address="203.0.113.5")
    assert published.state is ListingState.PUBLISHED
    assert len(listings.reports_on(coordinator, published)) == 2
    assert [count for _listing, count in listings.review_queue(coordinator)] == [2]


def test_an_anonymous_reporters_address_is_never_stored(app, published, coordinator):
    listings.report(None, published, "scam", "fee to apply", address="198.51.100.77")
    stored = listings.reports_on(coordinator, published)[0]
    values = [str(getattr(stored, column.key)) for column in stored.__table__.columns]
    assert not any("198.51.100.77" in value for value in values)
    assert stored.reporter_key.startswith("ip:") and stored.reporter_id is None


def test_the_report_form_and_api_are_limited_per_address_together(database_url):
    from tests.conftest import IsolatedClient, csrf_token, make_app
    from tests.jobs.conftest import listing_data as data

    app = make_app(database_url, RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="2 per hour")
    app.test_client_class = IsolatedClient
    with app.app_context():
        coordinator = UserFactory(roles=["coordinator"])
        listing = listings.post_listing(UserFactory(roles=["employer"]), data())
        listings.publish(coordinator, listing)
        client = app.test_client()
        here, elsewhere = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "203.0.113.9"}
        page = client.post(f"/jobs/{listing.id}/report", data={"reason": "scam", "csrf_token": csrf_token(client)},
                           environ_base=here)
        api = client.post(f"/api/v1/jobs/listings/{listing.id}/reports", json={"reason": "scam"}, environ_base=here)
        assert (page.status_code, api.status_code) == (302, 201)
        assert client.post(f"/api/v1/jobs/listings/{listing.id}/reports", json={"reason": "scam"},
                           environ_base=here).status_code == 429
        assert client.post(f"/jobs/{listing.id}/report", data={"reason": "scam", "csrf_token": csrf_token(client)},
                           environ_base=here).status_code == 429
        assert client.post(f"/api/v1/jobs/listings/{listing.id}/reports", json={"reason": "scam"},
                           environ_base=elsewhere).status_code == 201


def test_a_report_needs_a_known_reason(published):
    with pytest.raises(ValidationFailed) as refused:
        listings.report(None, published, "boring")
    assert "reason" in refused.value.fields
    assert published.state is ListingState.PUBLISHED


def test_listings_past_their_closing_date_close_by_themselves(published, employer):
    later = today() + timedelta(days=31)
    assert listings.board(listings.BoardFilters(), today=later).total == 0
    assert listings.close_expired(today=later) == 1
    assert published.state is ListingState.CLOSED and published.review_note == "closing date passed"
    history = db.session.query(AuditEvent).filter_by(entity_type="job_listing", entity_id=published.id).all()
    assert any(event.changes.get("state") == ["published", "closed"] for event in history)


def test_the_employer_closes_their_listing_but_nobody_else_can(published, employer):
    with pytest.raises(PermissionDenied):
        listings.close_listing(UserFactory(roles=["employer"]), published)
    listings.close_listing(employer, published, "filled through another channel")
    assert published.state is ListingState.CLOSED


@pytest.fixture
def board_listings(employer, coordinator):
    made = {
        "yerevan": listing_data(title="Forklift driver", region="AM-ER"),
        "syunik": listing_data(title="Teacher of mathematics", sector="education", region="AM-SU",
                               languages="hy:C1 ru:B2", contract_type="part_time", skills="teaching"),
        "remote": listing_data(title="Translator", sector="services", region="", remote=True, languages="en:C1 ru:C1",
                               contract_type="temporary", description="Translate aid documents", skills="translation"),
    }
    return {key: listings.publish(coordinator, listings.post_listing(employer, data)) for key, data in made.items()}


@pytest.mark.parametrize("filters, expected", [
    ({}, {"yerevan", "syunik", "remote"}),
    ({"region": "am-su"}, {"syunik"}),
    ({"sector": "education"}, {"syunik"}),
    ({"language": "ru"}, {"syunik", "remote"}),
    ({"language": "en"}, {"remote"}),
    ({"remote": True}, {"remote"}),
    ({"remote": False}, {"yerevan", "syunik"}),
    ({"contract_type": ContractType.PART_TIME}, {"syunik"}),
    ({"text": "DOCUMENTS"}, {"remote"}),
    ({"text": "forklift"}, {"yerevan"}),
    ({"text": "teaching"}, {"syunik"}),
    ({"text": "%"}, set()),
])
def test_the_board_filters_and_searches(board_listings, filters, expected):
    found = listings.board(listings.BoardFilters(**filters)).items
    assert {key for key, listing in board_listings.items() if listing in found} == expected


def test_the_board_pages_newest_first(board_listings):
    first = listings.board(listings.BoardFilters(), page=1, per_page=2)
    second = listings.board(listings.BoardFilters(), page=2, per_page=2)
    assert first.total == 3 and first.pages == 2
    assert [listing.title for listing in first.items + second.items] == [
        "Translator", "Teacher of mathematics", "Forklift driver"]


def test_unpublished_listings_are_seen_only_by_their_employer_and_coordinators(employer, coordinator):
    from aidcoord.errors import NotFound

    listing = listings.post_listing(employer, listing_data())
    assert listings.get_listing(employer, listing.id) is listing
    assert listings.get_listing(coordinator, listing.id) is listing
    for stranger in (None, UserFactory(roles=["employer"])):
        with pytest.raises(NotFound):
            listings.get_listing(stranger, listing.id)


def test_the_close_expired_command_closes_listings_past_their_date(app, published):
    from aidcoord.jobs.models import JobListing

    db.session.execute(JobListing.__table__.update().values(closing_date=today() - timedelta(days=1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "close-expired"])
    assert result.exit_code == 0 and "closed 1 listing" in result.output
    db.session.expire_all()
    assert db.session.get(JobListing, published.id).state is ListingState.CLOSED


def test_the_board_names_each_listings_employer_as_the_listing_does(api, client, employer, coordinator):
    """The board reads the employer's name as a column of the listing's row, not from the records: the
    organization's name for an organization's listing, else the person's, on the API's board and the page's."""
    member = UserFactory(name="Anna Hakobyan")
    shelter = OrganizationFactory(name="Shelter Network", members=[member])
    own = listings.publish(coordinator, listings.post_listing(employer, listing_data(title="Driver")))
    of_organization = listings.publish(coordinator, listings.post_listing(
        member, listing_data(title="Cook"), organization_id=shelter.id))
    assert (own.employer_name, of_organization.employer_name) == ("Ararat Logistics", "Shelter Network")
    db.session.commit()

    items = api("GET", "/api/v1/jobs/listings", coordinator).get_json()["items"]
    assert {item["title"]: item["employer_name"] for item in items} == {"Driver": "Ararat Logistics",
                                                                        "Cook": "Shelter Network"}
    page = client.get("/jobs/").get_data(as_text=True)
    assert "Ararat Logistics" in page and "Shelter Network" in page and "Anna Hakobyan" not in page

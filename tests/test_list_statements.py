"""The large lists build their statement once per shape of their filters and bind the filters' values at each read
(common.sql.filter_shape, common.pagination.paginate): a later read with other values must never see the values of
an earlier one, and must not build the page's statements again."""
from datetime import timedelta

import pytest

from aidcoord.common import pagination
from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.housing import offers
from aidcoord.jobs import listings
from aidcoord.needs import services as needs
from aidcoord.pledges import services as pledges
from tests.factories import HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory
from tests.jobs.conftest import listing_data


def test_two_reads_of_one_shape_bind_their_own_values(app):
    syunik = NeedFactory(region="AM-SU", item="beds")
    yerevan = NeedFactory(region="AM-ER", item="blankets")
    db.session.commit()
    pages_built = len(pagination._derived)

    assert needs.list_needs(needs.NeedFilters(region="am-su")).items == [syunik]
    assert needs.list_needs(needs.NeedFilters(region="AM-ER")).items == [yerevan]
    assert needs.all_needs(needs.NeedFilters(region="AM-SU")) == [syunik]
    assert len(pagination._derived) <= pages_built + 1  # the region shape's page statements, once


def test_a_hosts_offers_are_their_own_whoever_read_the_shape_before(app):
    first, second = HousingOfferFactory(), HousingOfferFactory()
    db.session.commit()

    for offer in (first, second, first):
        assert offers.list_offers(offer.host, offers.OfferFilters()).items == [offer]
        assert offers.all_offers(offer.host, offers.OfferFilters(mine=True)) == [offer]


def test_pledges_of_an_organization_bind_the_organization(app):
    from aidcoord.pledges.models import Contribution

    donor = UserFactory(roles=["donor"])
    needs_of = {name: NeedFactory(organization=OrganizationFactory(name=name)) for name in ("North", "South")}
    db.session.commit()
    made = {name: pledges.make_pledge(donor, {"contribution": Contribution.IN_KIND.value, "need_id": need.id,
                                              "quantity": "5", "unit": "beds"})[0]
            for name, need in needs_of.items()}

    for name, need in [*needs_of.items(), *needs_of.items()]:
        found = pledges.list_pledges(pledges.PledgeFilters(organization_id=need.organization_id)).items
        assert found == [made[name]]


@pytest.mark.parametrize("text, expected", [("100%", {"percent"}), ("1_0", set()), ("a/b", {"slash"}),
                                            ("driver", {"percent", "slash"})])
def test_the_board_searches_like_characters_literally(employer_listings, text, expected):
    found = listings.board(listings.BoardFilters(text=text)).items
    assert {key for key, listing in employer_listings.items() if listing in found} == expected


def test_the_board_binds_today(employer_listings):
    later = today() + timedelta(days=365)
    assert len(listings.board(listings.BoardFilters()).items) == 2
    assert listings.board(listings.BoardFilters(), today=later).items == []
    assert len(listings.board(listings.BoardFilters()).items) == 2


@pytest.fixture
def employer_listings(app):
    employer, coordinator = UserFactory(roles=["employer"]), UserFactory(roles=["coordinator"])
    made = {"percent": listing_data(title="Driver, 100% paid training"),
            "slash": listing_data(title="Driver a/b shifts")}
    return {key: listings.publish(coordinator, listings.post_listing(employer, data)) for key, data in made.items()}


def test_the_directory_binds_each_reads_search_and_matches_it_literally(app):
    from aidcoord.organizations import services as organizations

    for name in ("Aid 100%", "Aid 1_0", "Aid a/b", "Aid 100 kits"):
        OrganizationFactory(name=name)
    db.session.commit()

    def found(search, region=None):
        filters = organizations.DirectoryFilters(search=search, region=region)
        return {organization.name for organization in organizations.list_directory(None, filters).items}

    assert found("100%") == {"Aid 100%"}
    assert found("1_0") == {"Aid 1_0"}
    assert found("A/B") == {"Aid a/b"}
    assert found("100") == {"Aid 100%", "Aid 100 kits"}
    assert found("100", region="AM-SU") == set()  # the factory's organizations work in no region


def test_the_audit_search_binds_each_reads_values_and_readable_organizations(app):
    from aidcoord.audit import services as audit
    from aidcoord.audit.models import AuditAction

    first, second = UserFactory(), UserFactory()
    north, south = OrganizationFactory(name="North"), OrganizationFactory(name="South")
    db.session.commit()
    for actor, organization in ((first, north), (second, south), (second, north)):
        audit.record_personal_data_view(actor, "organization", organization.id, ["contact_phone"],
                                        organization_id=organization.id)
    db.session.commit()

    def found(organization_ids=None, **filters):
        page = audit.search(audit.AuditFilters(**filters), organization_ids)
        return [(event.actor_id, event.entity_id) for event in page.items]

    assert found(actor_id=first.id) == [(first.id, north.id)]
    assert found(actor_id=second.id) == [(second.id, north.id), (second.id, south.id)]
    assert found(actor_id=second.id, entity_id=south.id) == [(second.id, south.id)]
    assert audit.count(audit.AuditFilters(actor_id=second.id)) == 2
    assert found({south.id}, actor_id=second.id) == [(second.id, south.id)]
    assert found({north.id}, actor_id=second.id) == [(second.id, north.id)]
    assert found(set(), actor_id=second.id) == []  # no organization readable: nothing
    assert found({north.id, south.id}, action=AuditAction.VIEW_PERSONAL_DATA) == [
        (second.id, north.id), (second.id, south.id), (first.id, north.id)]


def test_a_listed_name_is_not_kept_past_a_commit(app):
    """A list's snapshot of a joined record's name (Need.listed_organization_name) goes at the commit, even when
    the commit keeps the need's own columns (common.sql.commit_keeping): the name is read from the record again."""
    from aidcoord.common.sql import commit_keeping

    NeedFactory(organization=OrganizationFactory(name="Before"))
    db.session.commit()
    listed = needs.list_needs(needs.NeedFilters()).items[0]
    assert listed.organization_name == "Before"
    listed.organization.name = "After"
    commit_keeping(listed)
    assert listed.organization_name == "After"

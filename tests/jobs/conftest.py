"""A small jobs world built through the services, as users would build it."""
from datetime import timedelta

import pytest

from aidcoord.common.types import today
from aidcoord.jobs import listings, seekers
from tests.factories import UserFactory


def listing_data(**overrides) -> dict:
    data = {"title": "Warehouse assistant", "sector": "transport", "description": "Sorting and packing parcels.",
            "region": "AM-ER", "locality": "Yerevan", "positions": 2, "languages": "hy:B1",
            "skills": "forklift, packing", "contract_type": "full_time", "salary_min": "250000",
            "salary_max": "300000", "salary_currency": "AMD",
            "closing_date": (today() + timedelta(days=30)).isoformat()}
    return {**data, **overrides}


def seeker_data(**overrides) -> dict:
    data = {"contact_name": "Anahit Petrosyan", "contact_phone": "+374 91 123456", "profession": "warehouse worker",
            "skills": "packing, forklift", "languages": "hy:native ru:B2", "regions": "AM-ER",
            "consent_to_share": True}
    return {**data, **overrides}


@pytest.fixture
def employer(app):
    return UserFactory(roles=["employer"], name="Ararat Logistics")


@pytest.fixture
def coordinator(app):
    return UserFactory(roles=["coordinator"])


@pytest.fixture
def published(employer, coordinator):
    """A published listing with two positions."""
    listing = listings.post_listing(employer, listing_data())
    return listings.publish(coordinator, listing)


@pytest.fixture
def seeker_user(app):
    return UserFactory()


@pytest.fixture
def seeker(seeker_user):
    return seekers.save_own_profile(seeker_user, seeker_data())

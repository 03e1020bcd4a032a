import pytest

from aidcoord.common.types import today
from aidcoord.housing import households
from tests.factories import UserFactory

FAMILY = {"contact_name": "Narine Hakobyan", "contact_phone": "+374 91 123456", "adults": 2, "children": 2,
          "children_under_5": 1, "languages": "hy ru", "preferred_regions": "AM-SU", "consent_to_share": True,
          "needed_from": today().isoformat()}


@pytest.fixture
def coordinator(app):
    return UserFactory(roles=["coordinator"])


@pytest.fixture
def register(coordinator):
    def register_household(**overrides):
        return households.register_household(coordinator, {**FAMILY, **overrides})
    return register_household

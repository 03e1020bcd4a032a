"""A pledge's history names who acted (account ids) only to those who may see the donor: a private donor's
id in a public pledge's history would link all their pledges."""
import pytest

from tests.pledges.test_donor_contact import ACTORS, CONTACT_VISIBLE, world  # noqa: F401 - the fixture


@pytest.mark.parametrize("actor", ACTORS)
def test_transition_actor_ids_only_for_those_who_may_see_the_donor(world, api, actor):  # noqa: F811 - fixture
    donor = world["users"]["donor_self"]
    body = api("GET", f"/api/v1/pledges/{world['pledge'].id}", world["users"][actor]).get_json()
    assert body["transitions"] and body["transitions"][0]["to_state"]
    actor_ids = [transition["actor_id"] for transition in body["transitions"]]
    if actor in CONTACT_VISIBLE:
        assert donor.id in actor_ids
    else:
        assert set(actor_ids) == {None}

"""After placement: welfare check-ins on day 3 and 30, missed ones listed; incidents reviewed by a
coordinator who may end the placement and suspend the host everywhere."""
from datetime import timedelta

import pytest

from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.housing import households, offers
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import HousingOffer
from aidcoord.matching import queue
from aidcoord.matching.models import MatchState, QueueKind
from tests.conftest import pinned_clock
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY

# Check-ins fall due on days counted from the move-in date: move-in and the checks must see the same day.
pytestmark = pinned_clock


@pytest.fixture
def placement(app):
    coordinator = UserFactory(roles=["coordinator"])
    households.register_household(coordinator, dict(FAMILY))
    offer = HousingOfferFactory(beds=6)
    match = housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    housing_matching.accept(offer.host, match)
    housing_matching.move_in(coordinator, match)
    return {"coordinator": coordinator, "offer": offer, "match": match}


def test_check_ins_are_scheduled_and_missed_ones_listed(placement, api):
    coordinator = placement["coordinator"]
    from aidcoord.housing import safeguarding

    assert safeguarding.due_checks(coordinator) == []
    in_four_days = today() + timedelta(days=4)
    due = safeguarding.due_checks(coordinator, today=in_four_days)
    assert [check.due_on for check in due] == [today() + timedelta(days=3)]
    response = api("POST", f"/api/v1/housing/welfare-checks/{due[0].id}", coordinator, json={"outcome": "concern"})
    assert response.status_code == 422 and "note" in response.get_json()["error"]["fields"]
    api("POST", f"/api/v1/housing/welfare-checks/{due[0].id}", coordinator, json={"outcome": "well"})
    assert safeguarding.due_checks(coordinator, today=in_four_days) == []
    assert len(safeguarding.due_checks(coordinator, today=today() + timedelta(days=31))) == 1


def test_an_incident_can_end_the_placement_and_suspend_the_host(placement, api, app):
    host, coordinator, match = placement["offer"].host, placement["coordinator"], placement["match"]
    assert api("POST", f"/api/v1/housing/matches/{match.id}/incidents", UserFactory(roles=["donor"]),
               json={"description": "x"}).status_code == 404
    incident = api("POST", f"/api/v1/housing/matches/{match.id}/incidents", coordinator,
                   json={"description": "The family reports threats by the host."}).get_json()
    assert [i["id"] for i in api("GET", "/api/v1/housing/incidents", coordinator).get_json()] == [incident["id"]]
    reviewed = api("POST", f"/api/v1/housing/incidents/{incident['id']}/review", coordinator,
                   json={"note": "Confirmed by the caseworker; family moved", "end_placement": True,
                         "suspend_host": True}).get_json()
    assert reviewed["placement_ended"] and reviewed["host_suspended"]
    db.session.expire_all()
    assert housing_matching.get_match(match.id).state is MatchState.ENDED
    assert db.session.get(HousingOffer, placement["offer"].id).free_beds == 6
    assert offers.active_suspension(host.id) is not None
    # another organization's offer of the same host receives no proposals either
    other_offer = HousingOfferFactory(host=host, created_by=host)
    households.register_household(coordinator, {**FAMILY, "contact_name": "Other", "contact_phone": "+37499000000"})
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    response = api("POST", "/api/v1/housing/matches", coordinator,
                   json={"entry_id": entry.id, "offer_id": other_offer.id})
    assert response.status_code == 422 and "suspended" in response.get_json()["error"]["message"]


def test_safeguarding_pages_record_check_ins_and_reviews(placement, pages, client):
    from aidcoord.housing import safeguarding
    from aidcoord.housing.models import WelfareCheck

    check = db.session.scalars(db.select(WelfareCheck).order_by(WelfareCheck.due_on)).first()
    check.due_on = today() - timedelta(days=1)
    db.session.commit()
    pages.login(placement["coordinator"].email)
    page = client.get("/housing/safeguarding").get_data(as_text=True)
    assert "missed" in page and f'for="outcome-{check.id}"' in page
    pages.post(f"/housing/welfare-checks/{check.id}", data={"outcome": "well"})
    assert db.session.get(WelfareCheck, check.id).outcome.value == "well"
    pages.post(f"/housing/matches/{placement['match'].id}/incidents", data={"description": "Heating broken for days"})
    incident = safeguarding.open_incidents(placement["coordinator"])[0]
    pages.post(f"/housing/incidents/{incident.id}/review", data={"note": "Host fixed it", "end_placement": ""})
    assert safeguarding.get_incident(incident.id).reviewed_at is not None
    assert housing_matching.get_match(placement["match"].id).state is MatchState.PLACED


def test_coordinators_raise_priority_and_resolve_duplicates_on_the_household_page(app, pages, client):
    from aidcoord.housing.models import Household

    coordinator = UserFactory(roles=["coordinator"])
    earlier = households.register_household(coordinator, dict(FAMILY))
    duplicate = households.register_household(coordinator, {**FAMILY, "contact_name": "Narine Hakobian"})
    pages.login(coordinator.email)
    page = client.get(f"/housing/households/{duplicate.id}").get_data(as_text=True)
    assert "Possible duplicate" in page and f"/housing/households/{earlier.id}" in page
    assert f"/housing/households/{duplicate.id}" in client.get("/housing/queue").get_data(as_text=True)
    pages.post(f"/housing/households/{earlier.id}/priority", data={"points": "30", "reason": "pregnant"})
    assert db.session.get(Household, earlier.id).priority == 50
    pages.post(f"/housing/households/{duplicate.id}/merge")
    assert db.session.get(Household, duplicate.id).merged_into_id == earlier.id


def test_a_household_that_registered_itself_finds_its_request_on_its_account(app, pages, client):
    person = UserFactory()
    household = households.register_household(person, dict(FAMILY), for_self=True)
    pages.login(person.email)
    assert f"/housing/households/{household.id}" in client.get("/account").get_data(as_text=True)
    assert client.get(f"/housing/households/{household.id}").status_code == 200

"""A person's own data: export (JSON, CSV) and erasure, through the API and the pages; erasure waits while a
placement is under way, coordinators see why, and the purge carries it out once it ends."""
import csv
import io

from aidcoord.accounts.models import User
from aidcoord.accounts.services import create_api_token
from aidcoord.extensions import db
from aidcoord.matching.models import MatchState
from aidcoord.privacy.models import ErasureRequest, ErasureState
from tests.conftest import pinned_clock
from tests.factories import UserFactory
from tests.privacy.world import CANARY, canaries_found, seed

pytestmark = pinned_clock


def test_a_host_downloads_their_data_as_json_and_csv(app, api):
    world = seed()
    host = world["host"]
    data = api("GET", "/api/v1/me/data", user=host).get_json()["sections"]
    assert data["account"][0]["email"] == host.email and "password_hash" not in data["account"][0]
    assert data["housing_offers"][0]["address"] == world["offer"].address
    assert data["households"] == []  # another person's case is not theirs

    response = api("GET", "/api/v1/me/data?format=csv", user=host)
    assert response.mimetype == "text/csv"
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {"section": "housing_offers", "record_id": str(world["offer"].id), "field": "address",
            "value": world["offer"].address} in lines


def test_erasure_through_the_api_anonymises_at_once_and_closes_the_account(app, api):
    world = seed()
    host = world["host"]
    _token, plain = create_api_token(host, "script")
    bearer = {"Authorization": f"Bearer {plain}"}
    before = canaries_found()
    response = api("POST", "/api/v1/me/erasure", headers=bearer)
    assert response.status_code == 200 and response.get_json()["state"] == "done"
    db.session.expire_all()
    found = canaries_found()
    assert "housing_offers.address" not in found and "housing_offers.notes" not in found
    assert found["users.email"] == before["users.email"] - 1 and found["users.name"] == before["users.name"] - 1
    assert "households.contact_name" in found  # others' data stays
    assert db.session.get(User, host.id).active is False
    assert api("GET", "/api/v1/me", headers=bearer).status_code == 401  # the token stopped working


def test_erasure_waits_for_an_active_placement_and_the_purge_carries_it_out(app, api, pages):
    world = seed(closed=False)  # the family lives with the host
    family, coordinator = world["family"], world["coordinator"]
    response = api("POST", "/api/v1/me/erasure", user=family)
    assert response.get_json()["state"] == "waiting"
    assert response.get_json()["blocked_by"] == ["active_placement"]
    assert api("POST", "/api/v1/me/erasure", user=family).get_json()["id"] == response.get_json()["id"]

    waiting = api("GET", "/api/v1/privacy/erasure-requests", user=coordinator).get_json()
    assert [(item["user_id"], item["blocked_by"]) for item in waiting] == [(family.id, ["active_placement"])]
    assert api("GET", "/api/v1/privacy/erasure-requests", user=family).status_code == 403
    staff = UserFactory(roles=["coordinator"])
    pages.login(staff.email)
    page = pages.client.get("/privacy/erasure-requests").get_data(as_text=True)
    assert "An active placement" in page and CANARY not in page

    world["housing_match"].state = MatchState.ENDED
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert "erasure\t1" in result.output
    db.session.expire_all()
    assert db.session.get(ErasureRequest, response.get_json()["id"]).state is ErasureState.DONE
    found = canaries_found()
    assert "households.contact_name" not in found and "households.medical_note" not in found


def test_the_pages_export_and_erase(app, pages):
    user = UserFactory(roles=["donor"], name=f"{CANARY} Donor")
    pages.login(user.email)
    page = pages.client.get("/account").get_data(as_text=True)
    assert "/account/my-data" in page
    assert "Erase my data" in pages.client.get("/account/my-data").get_data(as_text=True)
    download = pages.client.get("/account/my-data/export?format=json")
    assert download.get_json()["account"][0]["name"] == f"{CANARY} Donor"
    assert CANARY in pages.client.get("/account/my-data/export?format=csv").get_data(as_text=True)

    assert pages.post("/account/my-data/erasure", {}).status_code == 422  # not confirmed
    response = pages.post("/account/my-data/erasure", {"understood": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert canaries_found() == {}
    assert pages.client.get("/account").status_code == 302  # signed out

"""Who may post shifts, see rosters, mark attendance and set background checks."""
from datetime import timedelta

import pytest

from aidcoord.common.types import utcnow
from aidcoord.volunteers import services
from tests.factories import OrganizationFactory, UserFactory

ACTORS = ("anonymous", "coordinator", "organizer", "other_member", "volunteer", "donor")


@pytest.fixture
def world(app):
    users = {"coordinator": UserFactory(roles=["coordinator"]), "organizer": UserFactory(),
             "other_member": UserFactory(), "volunteer": UserFactory(roles=["volunteer"]),
             "donor": UserFactory(roles=["donor"]), "anonymous": None}
    organization = OrganizationFactory(members=[users["organizer"]])
    OrganizationFactory(members=[users["other_member"]])
    services.save_profile(users["volunteer"], {"skills": ["driver"]})
    start = utcnow() + timedelta(days=3)
    shift = services.post_shift(users["organizer"], organization, {
        "task": "Driving", "region": "AM-SU", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(), "slots": 4})
    entry = services.sign_up(users["volunteer"], shift)
    return {"users": users, "organization": organization, "shift": shift, "entry": entry, "start": start}


def table(anonymous=401, coordinator=200, organizer=200, other=403):
    return {"anonymous": anonymous, "coordinator": coordinator, "organizer": organizer, "other_member": other,
            "volunteer": other, "donor": other}


MATRIX = [
    ("GET", "/api/v1/volunteers/shifts", None, table(200, 200, 200, 200)),
    ("POST", "/api/v1/volunteers/shifts", "shift", table(401, 201, 201, 403)),
    ("GET", "/api/v1/volunteers/shifts/{shift}/roster", None, table()),
    ("POST", "/api/v1/volunteers/sign-ups/{entry}/attendance", {"attended": True}, table()),
    ("POST", "/api/v1/volunteers/{volunteer}/background-check", {"background_check": "cleared"},
     table(401, 200, 403, 403)),
    ("GET", "/api/v1/volunteers/organizations/{organization}/hours", None, table()),
    ("GET", "/api/v1/volunteers/hours", None, table(401, 200, 403, 403)),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, path, body, expected", MATRIX, ids=[f"{m} {p}" for m, p, _b, _e in MATRIX])
def test_volunteer_permissions(world, api, actor, method, path, body, expected):
    if body == "shift":
        body = {"organization_id": world["organization"].id, "task": "Sorting", "region": "AM-SU",
                "starts_at": world["start"].isoformat(), "ends_at": (world["start"] + timedelta(hours=1)).isoformat(),
                "slots": 2}
    url = path.format(shift=world["shift"].id, entry=world["entry"].id, volunteer=world["users"]["volunteer"].id,
                      organization=world["organization"].id)
    response = api(method, url, world["users"][actor], json=body)
    assert response.status_code == expected[actor], response.get_data(as_text=True)

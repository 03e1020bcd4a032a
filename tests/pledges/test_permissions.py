"""Who may create, commit, cancel, confirm, and see donor contact details: every role x every action."""
from datetime import date, timedelta

import pytest

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from aidcoord.pledges import services
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

ACTORS = ("anonymous", "admin", "coordinator", "donor_self", "donor_other", "receiver_member", "other_member",
          "host", "employer", "volunteer")


def table(default, **specific):
    return {actor: specific.get(actor, default) for actor in ACTORS}


STAFF_AND = lambda status, default, **more: table(default, admin=status, coordinator=status, anonymous=401, **more)  # noqa: E731

MATRIX = [
    ("GET", "/api/v1/pledges/{pledge}", None, table(200)),
    ("POST", "/api/v1/pledges/{pledge}/commit", None, STAFF_AND(200, 403, donor_self=200)),
    ("POST", "/api/v1/pledges/{pledge}/cancel", {"reason": "no truck"}, STAFF_AND(200, 403, donor_self=200)),
    ("POST", "/api/v1/pledges/{pledge}/deliveries", {"delivered_on": date.today().isoformat(), "quantity": "1"},
     STAFF_AND(201, 403, receiver_member=201)),
    ("POST", "/api/v1/pledges", {"contribution": "in_kind", "quantity": "2", "unit": "beds", "need_id": "{need}"},
     STAFF_AND(201, 403, donor_self=201, donor_other=201)),
    ("POST", "/api/v1/needs", {"organization_id": "{receiver}", "sector": "shelter", "item": "blankets",
                               "quantity": "10", "unit": "pieces", "region": "AM-SU", "urgency": "high",
                               "needed_by": (date.today() + timedelta(days=3)).isoformat()},
     STAFF_AND(201, 403, receiver_member=201)),
    ("POST", "/api/v1/needs/{need}/close", {"reason": "done"}, STAFF_AND(200, 403, receiver_member=200)),
    ("POST", "/api/v1/exchange-rates", {"currency": "EUR", "rate": "1.1"}, STAFF_AND(201, 403)),
]


@pytest.fixture
def world(app):
    users = {actor: UserFactory(roles=[actor]) for actor in ("admin", "coordinator", "host", "employer", "volunteer")}
    users.update(donor_self=UserFactory(roles=["donor"]), donor_other=UserFactory(roles=["donor"]),
                 receiver_member=UserFactory(), other_member=UserFactory(), anonymous=None)
    receiver = OrganizationFactory(members=[users["receiver_member"]])
    OrganizationFactory(members=[users["other_member"]])
    need = NeedFactory(organization=receiver)
    pledge, _ = services.make_pledge(users["donor_self"], {"contribution": "in_kind", "quantity": "10",
                                                           "unit": "beds", "need_id": need.id})
    return {"users": users, "need": need, "pledge": pledge, "receiver": receiver}


def fill(value, world):
    ids = {"pledge": world["pledge"].id, "need": world["need"].id, "receiver": world["receiver"].id}
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    return value


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("method, path, body, expected", MATRIX, ids=[f"{m} {p}" for m, p, _b, _e in MATRIX])
def test_pledge_permissions(world, api, actor, method, path, body, expected):
    json_body = {key: fill(value, world) for key, value in body.items()} if body is not None else None
    response = api(method, fill(path, world), world["users"][actor], json=json_body)
    assert response.status_code == expected[actor], response.get_data(as_text=True)


CONTACT_VISIBLE = {"admin", "coordinator", "donor_self", "receiver_member"}


@pytest.mark.parametrize("actor", ACTORS)
def test_donor_contact_details_only_for_the_two_sides_and_each_view_recorded(world, api, actor):
    body = api("GET", f"/api/v1/pledges/{world['pledge'].id}", world["users"][actor]).get_json()
    donor = world["users"]["donor_self"]
    if actor in CONTACT_VISIBLE:
        assert body["donor_contact"] == {"name": donor.name, "email": donor.email}
    else:
        assert body["donor_contact"] is None
    assert donor.email not in str(api("GET", "/api/v1/pledges", world["users"][actor]).get_json())
    views = db.session.query(AuditEvent).filter_by(action=AuditAction.VIEW_PERSONAL_DATA, entity_id=donor.id).count()
    assert views == (1 if actor in CONTACT_VISIBLE - {"donor_self"} else 0)

"""Who sees a donor's name and email: the two sides of the pledge, never a list; each view is recorded.
(Who may call which endpoint is in the permission table, tests/permissions/.)"""
import pytest

from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.extensions import db
from aidcoord.pledges import services
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

ACTORS = ("anonymous", "admin", "coordinator", "donor_self", "donor_other", "receiver_member", "other_member",
          "host", "employer", "volunteer")
CONTACT_VISIBLE = {"admin", "coordinator", "donor_self", "receiver_member"}


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
    return {"users": users, "pledge": pledge}


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

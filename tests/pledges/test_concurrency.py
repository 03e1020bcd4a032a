"""Deliveries and retried pledges under real concurrency: 16 processes at the same moment."""
import pytest
from sqlalchemy import func, select

from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.pledges import services
from aidcoord.pledges.models import Delivery, Pledge
from tests.conftest import POSTGRES_URL
from tests.factories import NeedFactory, OrganizationFactory, UserFactory
from tests.parallel import run_at_once

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="parallel-process tests run on PostgreSQL")
PROCESSES = 16


def deliver_one_bed(pledge_id, user_id):
    from aidcoord.accounts.models import User

    user = db.session.get(User, user_id)
    pledge = services.get_pledge(user, pledge_id)
    return services.record_delivery(user, pledge, {"delivered_on": today(), "quantity": "1"}).id


def pledge_with_key(user_id, need_id, key):
    from aidcoord.accounts.models import User

    user = db.session.get(User, user_id)
    pledge, _created = services.make_pledge(user, {"contribution": "in_kind", "quantity": "5", "unit": "beds",
                                                   "need_id": need_id}, key)
    return pledge.id


def test_a_pledge_is_never_over_delivered_by_simultaneous_confirmations(app, database_url):
    member = UserFactory()
    need = NeedFactory(organization=OrganizationFactory(members=[member]))
    pledge, _ = services.make_pledge(UserFactory(roles=["donor"]), {"contribution": "in_kind", "quantity": "10",
                                                                     "unit": "beds", "need_id": need.id})
    outcomes = run_at_once(database_url, deliver_one_bed, [(pledge.id, member.id)] * PROCESSES)
    succeeded = [value for status, value in outcomes if status == "ok"]
    refused = [value for status, value in outcomes if status == "error"]
    assert len(succeeded) == 10 and len(refused) == PROCESSES - 10
    assert all("OverDelivery" in message or "Conflict" in message for message in refused), refused
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 10
    assert db.session.get(Pledge, pledge.id).delivered == 10


def test_simultaneous_retries_with_one_idempotency_key_record_one_pledge(app, database_url):
    donor = UserFactory(roles=["donor"])
    need = NeedFactory()
    outcomes = run_at_once(database_url, pledge_with_key, [(donor.id, need.id, "retry-42")] * PROCESSES)
    assert all(status == "ok" for status, _ in outcomes), outcomes
    assert len({value for _, value in outcomes}) == 1
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 1

"""16 volunteers in 16 real processes press "sign up" for a 5-slot shift at the same moment."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.volunteers import services
from aidcoord.volunteers.models import SIGNED_UP, Shift, SignUp
from tests.conftest import POSTGRES_URL
from tests.factories import OrganizationFactory, UserFactory
from tests.parallel import run_at_once

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="parallel-process tests run on PostgreSQL")
PROCESSES = 16


def sign_up_as(user_id, shift_id):
    from aidcoord.accounts.models import User

    return services.sign_up(db.session.get(User, user_id), services.get_shift(shift_id)).id


def test_a_shift_is_never_overfilled(app, database_url):
    organizer = UserFactory()
    organization = OrganizationFactory(members=[organizer])
    start = utcnow() + timedelta(days=1)
    shift = services.post_shift(organizer, organization, {
        "task": "Unloading trucks", "region": "AM-SU", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(), "slots": 5})
    volunteers = []
    for _ in range(PROCESSES):
        user = UserFactory(roles=["volunteer"])
        services.save_profile(user, {"skills": ["logistics"]})
        volunteers.append(user)
    outcomes = run_at_once(database_url, sign_up_as, [(user.id, shift.id) for user in volunteers])
    assert sum(1 for status, _ in outcomes if status == "ok") == 5
    assert all("ShiftFull" in value or "full" in value for status, value in outcomes if status == "error"), outcomes
    db.session.expire_all()
    active = db.session.scalar(select(func.count()).select_from(SignUp).where(SignUp.state == SIGNED_UP))
    assert db.session.get(Shift, shift.id).filled == active == 5

import pytest

from aidcoord.organizations.models import VerificationState
from tests.factories import OrganizationFactory, UserFactory

ACTORS = ("anonymous", "admin", "coordinator", "member_own", "member_other", "donor", "host", "employer", "volunteer")


@pytest.fixture
def world(app):
    """One user per role, a verified and a pending organization with `member_own` in both, and
    another organization with `member_other`."""
    users = {role: UserFactory(roles=[role]) for role in ("admin", "coordinator", "donor", "host", "employer", "volunteer")}
    users["member_own"] = UserFactory()
    users["member_other"] = UserFactory()
    users["anonymous"] = None
    colleague = UserFactory()
    verified = OrganizationFactory(members=[users["member_own"], colleague])
    pending = OrganizationFactory(verification_state=VerificationState.PENDING, members=[users["member_own"]])
    other = OrganizationFactory(members=[users["member_other"]])
    return {"users": users, "verified": verified, "pending": pending, "other": other, "colleague": colleague}

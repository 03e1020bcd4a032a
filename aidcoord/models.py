"""Every slice's models, imported in one place for Alembic and the app factory."""
from aidcoord.accounts.models import ApiToken, RoleGrant, User  # noqa: F401
from aidcoord.arrivals.models import ArrivalReport  # noqa: F401
from aidcoord.audit.models import AuditEvent  # noqa: F401
from aidcoord.consent.models import ConsentRecord  # noqa: F401
from aidcoord.housing.batch_models import HousingBatchRun  # noqa: F401
from aidcoord.housing.import_models import HouseholdImport  # noqa: F401
from aidcoord.housing.models import HostSuspension, Household, HousingOffer, Incident, WelfareCheck  # noqa: F401
from aidcoord.jobs.models import JobListing, JobSeeker, ListingReport  # noqa: F401
from aidcoord.matching.models import Match, MatchStep, QueueEntry  # noqa: F401
from aidcoord.needs.models import Need  # noqa: F401
from aidcoord.notifications.models import MessageOptOut, OutboxMessage  # noqa: F401
from aidcoord.organizations.models import Membership, Organization, OrganizationRegion, OrganizationSector  # noqa: F401
from aidcoord.pledges.models import Delivery, ExchangeRate, Pledge, PledgeTransition  # noqa: F401
from aidcoord.privacy.models import ErasureRequest, RetentionDate  # noqa: F401
from aidcoord.telegram.models import TelegramConversation, TelegramUpdate  # noqa: F401
from aidcoord.volunteers.models import Shift, SignUp, VolunteerProfile  # noqa: F401
from aidcoord.worker.models import Job, WorkerHeartbeat  # noqa: F401

"""Job seekers declare themselves to consent: who may record a seeker's consent (the person, whoever registered
them, coordinators), whose account it is, and the yes/no column referrals read (kept in step with the records)."""
from aidcoord.consent import subjects
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.jobs import seekers

DECLARATION = subjects.register(subjects.SubjectDeclaration(
    kind=ConsentSubject.JOB_SEEKER,
    load=seekers.get_seeker,
    user_id=lambda seeker: seeker.user_id,
    purposes=(ConsentPurpose.REGISTRATION, ConsentPurpose.SHARE_WITH_EMPLOYER, ConsentPurpose.MESSAGES),
    mirrors={ConsentPurpose.SHARE_WITH_EMPLOYER: "consent_to_share"},
    path=lambda seeker: f"/jobs/seekers/{seeker.id}",
))

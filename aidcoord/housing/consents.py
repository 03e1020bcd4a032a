"""Households declare themselves to consent: who may record a household's consent (whoever may see its case),
whose account it is, and the yes/no column the matching engine reads (kept in step with the records)."""
from aidcoord.consent import subjects
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.housing import households

DECLARATION = subjects.register(subjects.SubjectDeclaration(
    kind=ConsentSubject.HOUSEHOLD,
    load=households.get_household,
    load_many=households.get_households,
    user_id=lambda household: household.user_id,
    purposes=(ConsentPurpose.REGISTRATION, ConsentPurpose.SHARE_WITH_HOST, ConsentPurpose.MESSAGES),
    mirrors={ConsentPurpose.SHARE_WITH_HOST: "consent_to_share"},
    path=lambda household: f"/housing/households/{household.id}",
))

"""Consent is a record (purpose, text version, language, who, on whose behalf and why), and a withdrawal is
honoured at once: the next disclosure to a host or employer and the next message do not happen."""
import pytest
from sqlalchemy import select

from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose, ConsentRecord, ConsentSubject
from aidcoord.errors import Conflict, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.jobs import listings, seekers
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.notifications.models import OutboxMessage
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.jobs.conftest import listing_data, seeker_data

HOUSEHOLD, SHARE, MESSAGES = ConsentSubject.HOUSEHOLD, ConsentPurpose.SHARE_WITH_HOST, ConsentPurpose.MESSAGES


@pytest.fixture
def coordinator(app):
    return UserFactory(roles=["coordinator"])


def proposed(coordinator, household):
    """A proposal of a verified host's offer to the household."""
    offer = HousingOfferFactory(beds=6)
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    assert entry.subject_id == household.id
    return housing_matching.propose_offer(coordinator, entry, offer.id), offer


def test_registering_through_the_api_records_the_text_version_language_and_reason(api, coordinator):
    response = api("POST", "/api/v1/housing/households", coordinator, json={
        **FAMILY, "languages": ["hy"], "preferred_regions": ["AM-SU"], "consent_language": "hy",
        "consent_reason": "Agreed at the desk; the text was read out in Armenian"})
    assert response.status_code == 201, response.json
    history = api("GET", f"/api/v1/consent/household/{response.json['id']}", coordinator).json["records"]
    assert [(r["purpose"], r["text_version"], r["language"], r["on_behalf"], r["active"]) for r in history] == [
        ("share_with_host", "1", "hy", True, True)]
    assert history[0]["on_behalf_reason"] == "Agreed at the desk; the text was read out in Armenian"
    assert history[0]["given_by_id"] == coordinator.id and history[0]["text"].startswith("I agree")


def test_on_behalf_needs_a_reason_and_the_persons_own_word_does_not(api, coordinator):
    household = households.register_household(coordinator, {**FAMILY, "consent_to_share": False})
    url = f"/api/v1/consent/household/{household.id}"
    refused = api("POST", url, coordinator, json={"purpose": "messages", "language": "ru"})
    assert refused.status_code == 422 and "on_behalf_reason" in refused.json["error"]["fields"]
    assert api("POST", url, coordinator, json={"purpose": "messages", "text_version": "0",
                                               "on_behalf_reason": "by phone"}).status_code == 422  # legacy text
    person = UserFactory()
    own = households.register_household(person, {**FAMILY, "contact_phone": "+37493000000"}, for_self=True)
    given = api("POST", f"/api/v1/consent/household/{own.id}", person, json={"purpose": "messages"})
    assert given.status_code == 201 and given.json["on_behalf"] is False and given.json["on_behalf_reason"] is None
    assert api("GET", url, person).status_code == 404  # someone else's household


def test_withdrawn_consent_stops_the_next_disclosure_to_the_host(api, coordinator):
    household = households.register_household(coordinator, FAMILY)
    match, offer = proposed(coordinator, household)
    withdrawn = api("POST", f"/api/v1/consent/household/{household.id}/share_with_host/withdraw", coordinator,
                    json={"reason": "Asked by phone not to share"})
    assert withdrawn.status_code == 200 and withdrawn.json["withdrawal_reason"] == "Asked by phone not to share"
    refused = api("POST", f"/api/v1/housing/matches/{match.id}/accept", offer.host)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "consent_missing"
    assert api("GET", f"/api/v1/housing/matches/{match.id}", offer.host).json["household_contact"] is None
    # No new proposal either: the household no longer agrees to share its details with a host.
    housing_matching.decline(offer.host, match, "the family asked not to share")
    with pytest.raises(ValidationFailed):
        housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING),
                                       HousingOfferFactory().id)


def test_an_accepted_host_stops_seeing_the_contact_once_consent_is_withdrawn_on_the_page(api, pages, coordinator):
    household = households.register_household(coordinator, FAMILY)
    match, offer = proposed(coordinator, household)
    housing_matching.accept(offer.host, match)
    assert api("GET", f"/api/v1/housing/matches/{match.id}", offer.host).json["household_contact"]["phone"]
    pages.login(coordinator.email)
    page = pages.client.get(f"/housing/households/{household.id}").get_data(as_text=True)
    assert "version 1" in page and "Withdraw consent" in page  # the history, with the standing consent
    url = f"/consent/household/{household.id}/share_with_host/withdraw"
    pages.post(url, {"withdraw-reason": ""})  # on the person's behalf: a reason is needed
    assert consent.has_consent(HOUSEHOLD, household.id, SHARE)
    assert pages.post(url, {"withdraw-reason": "Called us: stop sharing"}).status_code == 302
    assert not consent.has_consent(HOUSEHOLD, household.id, SHARE) and household.consent_to_share is False
    assert api("GET", f"/api/v1/housing/matches/{match.id}", offer.host).json["household_contact"] is None
    page = pages.client.get(f"/housing/households/{household.id}").get_data(as_text=True)
    assert "Called us: stop sharing" in page


def test_withdrawn_consent_to_messages_stops_the_next_message(api, coordinator):
    person = UserFactory()
    household = households.register_household(person, FAMILY, for_self=True)
    consent.record_consent(person, HOUSEHOLD, household.id, MESSAGES, language="ru")
    match, offer = proposed(coordinator, household)
    assert api("POST", f"/api/v1/consent/household/{household.id}/messages/withdraw", person,
               json={}).status_code == 200
    housing_matching.accept(offer.host, match)
    to = select(OutboxMessage.recipient_id).where(OutboxMessage.topic == "acceptance")
    assert list(db.session.scalars(to)) == [coordinator.id]  # the proposer hears of it; the household does not
    with pytest.raises(Conflict):  # nothing left to withdraw
        consent.withdraw_consent(person, HOUSEHOLD, household.id, MESSAGES)


def test_an_employer_stops_seeing_the_seekers_contact_once_sharing_is_withdrawn(api, coordinator):
    employer = UserFactory(roles=["employer"])
    published = listings.publish(coordinator, listings.post_listing(employer, listing_data()))
    person = UserFactory()
    seeker = seekers.save_own_profile(person, seeker_data())
    applied = api("POST", f"/api/v1/jobs/listings/{published.id}/applications", person, json={})
    assert applied.status_code == 201, applied.json
    url = f"/api/v1/jobs/applications/{applied.json['id']}"
    assert api("GET", url, employer).json["contact"]["phone"]
    assert api("POST", f"/api/v1/consent/job_seeker/{seeker.id}/share_with_employer/withdraw", person,
               json={}).status_code == 200
    assert api("GET", url, employer).json["contact"] is None and seeker.consent_to_share is False
    again = api("POST", f"/api/v1/jobs/listings/{published.id}/applications", person, json={})
    assert again.status_code == 409
    records = db.session.scalars(select(ConsentRecord).where(ConsentRecord.subject_id == seeker.id)).all()
    assert [(r.purpose, r.on_behalf, r.withdrawal_on_behalf) for r in records] == [
        (ConsentPurpose.SHARE_WITH_EMPLOYER, False, False)]


def test_the_current_texts_are_offered_in_the_readers_language(api):
    texts = api("GET", "/api/v1/consent/texts", headers={"Accept-Language": "ru"}).json["texts"]
    assert {item["purpose"] for item in texts} == {purpose.value for purpose in ConsentPurpose}
    assert all(item["version"] == "1" and item["text"] for item in texts)


def test_the_last_word_on_messages_decides_whether_a_proposal_is_queued_for_the_host_and_the_household(
        coordinator):
    offer = HousingOfferFactory(beds=6)
    host = offer.host
    household = households.register_household(coordinator, dict(FAMILY))  # no account: told by SMS
    host_case = households.register_household(host, dict(FAMILY, contact_phone="+37491000009"), for_self=True)
    for subject_id, actor in ((household.id, coordinator), (host_case.id, host)):
        reason = "Agreed at the desk" if actor is coordinator else None
        consent.record_consent(actor, HOUSEHOLD, subject_id, MESSAGES, on_behalf_reason=reason)
        consent.withdraw_consent(actor, HOUSEHOLD, subject_id, MESSAGES, reason=reason and "Asked by phone")

    def proposal_told():
        entry = queue.take_next(coordinator, QueueKind.HOUSING)
        assert entry.subject_id == household.id  # registered first: the top of the queue each time
        match = housing_matching.propose_offer(coordinator, entry, offer.id)
        told = db.session.scalars(select(OutboxMessage.recipient_id).where(
            OutboxMessage.topic == "proposal").order_by(OutboxMessage.id)).all()
        housing_matching.decline(coordinator, match, "not this time")
        db.session.execute(OutboxMessage.__table__.delete())
        db.session.commit()
        return sorted(told, key=lambda recipient: recipient or 0)

    assert proposal_told() == []  # neither the host (an account) nor the household without one
    consent.record_consent(coordinator, HOUSEHOLD, household.id, MESSAGES, on_behalf_reason="Agreed again")
    assert proposal_told() == [None]  # the household's last word is yes again; the host's is still no
    consent.record_consent(host, HOUSEHOLD, host_case.id, MESSAGES)
    assert proposal_told() == [None, host.id]

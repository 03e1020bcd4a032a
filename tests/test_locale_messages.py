"""Every e-mail and notification is written in the recipient's language, whoever caused it and whatever language
they were reading in; times in it are the deployment's (Asia/Yerevan)."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.notifications.models import OutboxMessage
from aidcoord.notifications.services import notify
from aidcoord.volunteers import services as volunteers
from aidcoord.volunteers.models import SIGNED_UP, Shift, SignUp
from tests.catalog_tools import translation
from tests.conftest import pinned_clock
from tests.factories import HousingOfferFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
ARMENIAN = re.compile(r"[\u0531-\u0587]")


def messages_to(user) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id == user.id)))


def in_catalog(language: str, message_id: str) -> str:
    text = translation(language, message_id)
    if text is None:
        pytest.xfail(f"the {language} catalog does not translate {message_id!r} yet")
    return text


@pytest.fixture
def english_coordinator(app):
    return UserFactory(roles=["coordinator"], preferred_language="en")


def test_a_russian_speaking_host_hears_in_russian_of_a_proposal_an_english_speaking_coordinator_made(
        api, english_coordinator):
    host = UserFactory(roles=["host"], preferred_language="ru")
    offer = HousingOfferFactory(host=host, created_by=host, beds=6)
    households.register_household(english_coordinator, dict(FAMILY))
    english = {"Accept-Language": "en"}
    entry = api("POST", "/api/v1/housing/queue/take", english_coordinator, headers=english).get_json()
    response = api("POST", "/api/v1/housing/matches", english_coordinator, headers=english,
                   json={"entry_id": entry["id"], "offer_id": offer.id})
    assert response.status_code == 201
    (message,) = messages_to(host)
    assert message.topic == "proposal" and message.locale == "ru"
    subject = in_catalog("ru", "A new proposal is waiting for your answer")
    body = in_catalog("ru", "A coordinator proposes a match for your offer. Please accept or decline.")
    assert (message.subject, message.body) == (subject, body)
    assert CYRILLIC.search(message.subject) and CYRILLIC.search(message.body)


def test_the_coordinator_hears_of_the_hosts_answer_in_their_own_language_not_the_hosts(
        api, english_coordinator):
    host = UserFactory(roles=["host"], preferred_language="ru")
    offer = HousingOfferFactory(host=host, created_by=host, beds=6)
    households.register_household(english_coordinator, dict(FAMILY))
    match = housing_matching.propose_offer(english_coordinator, queue.take_next(english_coordinator,
                                                                                 QueueKind.HOUSING), offer.id)
    answer = api("POST", f"/api/v1/housing/matches/{match.id}/accept", host, headers={"Accept-Language": "ru"})
    assert answer.status_code == 200
    (message,) = messages_to(english_coordinator)
    assert (message.locale, message.subject) == ("en", "A proposal was accepted")


def test_someone_who_never_chose_a_language_is_written_to_in_the_default_one(app):
    person = UserFactory()
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        message = notify(person, "test", "Your shift is coming up", "Hello")
    assert message.locale == "en"


@pinned_clock
def test_a_shift_reminder_is_in_the_volunteers_language_with_the_time_in_yerevan(app):
    volunteer = UserFactory(roles=["volunteer"], preferred_language="ru")
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    # 21:30 UTC is 01:30 the next day in Yerevan: the reminder gives the time people there read on their clocks.
    starts = datetime.now(UTC).replace(hour=21, minute=30, second=0, microsecond=0)
    shift = Shift(organization_id=organization.id, task="Sorting donations", region="AM-ER", locality="Yerevan",
                  starts_at=starts, ends_at=starts + timedelta(hours=3), slots=3, filled=1, created_by_id=member.id)
    db.session.add(shift)
    db.session.flush()
    db.session.add(SignUp(shift_id=shift.id, volunteer_id=volunteer.id, state=SIGNED_UP))
    db.session.commit()
    assert volunteers.send_reminders(now=starts - timedelta(hours=1)) == 1
    (message,) = messages_to(volunteer)
    assert message.locale == "ru" and "Sorting donations" in message.body
    assert "1:30" in message.body and "21:30" not in message.body and "UTC" not in message.body
    assert message.subject == in_catalog("ru", "Your shift is coming up")
    template = re.escape(in_catalog("ru", "Reminder: %(task)s starts at %(time)s."))
    pattern = template.replace(re.escape("%(task)s"), "Sorting donations").replace(re.escape("%(time)s"), ".+")
    assert re.fullmatch(pattern, message.body) and CYRILLIC.search(message.body)

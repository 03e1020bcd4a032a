"""A household registered by staff has no account: it hears of proposals and acceptances by its own channel (SMS
to its contact phone, or Telegram), in a language it speaks, with nobody's personal data in the text."""
import json
from datetime import timedelta

from sqlalchemy import select

from aidcoord.common.channels import Channel
from aidcoord.consent import services as consent
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.matching.services import expire_overdue
from aidcoord.notifications.models import MessageState, OutboxMessage
from aidcoord.worker.services import run_worker
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY


def test_a_household_without_an_account_gets_its_proposal_by_sms_in_its_language(app, tmp_path):
    app.config.update(SMS_CONSOLE_FILE=str(tmp_path / "sms.jsonl"))
    coordinator = UserFactory(roles=["coordinator"])
    household = households.register_household(coordinator, {**FAMILY, "languages": "ru hy"})
    offer = HousingOfferFactory()
    housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id.is_(None))).one()
    assert (message.channel, message.locale, message.topic) == (Channel.SMS, "ru", "proposal")
    run_worker(burst=True)
    [sms] = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert sms["to"] == "+37491123456"
    assert "предложил" in sms["text"]  # Russian, the first language the household speaks that we write
    for personal in (FAMILY["contact_name"], "Hakobyan", offer.address, "123456"):
        assert personal not in sms["text"]
    assert household.id and db.session.get_one(OutboxMessage, message.id).state == MessageState.SENT


def test_a_household_that_chose_telegram_is_told_in_its_chat(app):
    coordinator = UserFactory(roles=["coordinator"])
    household = households.register_household(coordinator, dict(FAMILY))
    household.preferred_channel, household.telegram_chat_id = Channel.TELEGRAM, "777"
    db.session.commit()
    housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING),
                                   HousingOfferFactory().id)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id.is_(None))).one()
    assert (message.channel, message.address, message.locale) == (Channel.TELEGRAM, "777", "hy")


def test_a_message_queued_before_the_household_withdrew_consent_to_messages_is_not_sent(app, tmp_path):
    app.config.update(SMS_CONSOLE_FILE=str(tmp_path / "sms.jsonl"))
    coordinator = UserFactory(roles=["coordinator"])
    household = households.register_household(coordinator, dict(FAMILY))
    consent.record_consent(coordinator, "household", household.id, "messages", on_behalf_reason="Agreed at the desk")
    housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING),
                                   HousingOfferFactory().id)
    consent.withdraw_consent(coordinator, "household", household.id, "messages", reason="Asked by phone")
    run_worker(burst=True)
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_id.is_(None))).one()
    assert message.state == MessageState.SKIPPED and message.last_error == "consent to messages withdrawn"
    assert not (tmp_path / "sms.jsonl").exists()


def test_a_household_without_an_account_hears_that_its_proposal_expired(app, time_machine):
    coordinator = UserFactory(roles=["coordinator"])
    households.register_household(coordinator, dict(FAMILY))
    match = housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING),
                                           HousingOfferFactory().id)
    time_machine.move_to(match.expires_at + timedelta(minutes=1))
    assert expire_overdue() == 1
    topics = db.session.scalars(select(OutboxMessage.topic).where(OutboxMessage.recipient_id.is_(None))).all()
    assert sorted(topics) == ["expiry", "proposal"]

"""Messages reach each person by their channel: e-mail, SMS through Twilio (a fake Twilio API over real HTTP),
Telegram through the Bot API (a fake Bot API); in their language; STOP by SMS (signed by Twilio) ends them;
administrators see and retry dead messages."""
import json
from urllib.parse import parse_qs

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from aidcoord.common.channels import Channel
from aidcoord.extensions import db
from aidcoord.notifications import delivery
from aidcoord.notifications.models import MessageState, OutboxMessage
from aidcoord.notifications.services import notify, notify_contact
from aidcoord.worker.services import run_worker
from tests.factories import UserFactory

TOKEN = "twilio-auth-token"


@pytest.fixture
def twilio(app, httpserver):
    httpserver.expect_request("/2010-04-01/Accounts/AC123/Messages.json", method="POST").respond_with_json(
        {"sid": "SM1", "status": "queued", "account_sid": "AC123"}, status=201)
    app.config.update(SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID="AC123", TWILIO_AUTH_TOKEN=TOKEN,
                      TWILIO_FROM="+15005550006", TWILIO_API_URL=httpserver.url_for("/"))
    return httpserver


@pytest.fixture
def bot_api(app, httpserver):
    httpserver.expect_request("/bot123456:BOT-TOKEN/sendMessage", method="POST").respond_with_json(
        {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 555, "type": "private"}}})
    app.config.update(TELEGRAM_BOT_TOKEN="123456:BOT-TOKEN",  # noqa: S106 - the fake Bot API's
                      TELEGRAM_API_URL=httpserver.url_for("/").rstrip("/"))
    return httpserver


def sent_requests(server, path):
    return [request for request, _response in server.log if request.path == path]


def test_a_person_who_chose_sms_gets_it_through_twilio_in_their_language(app, twilio):
    person = UserFactory(preferred_channel=Channel.SMS, phone="099 12 34 56", preferred_language="ru")
    notify(person, "test", _l("Your housing request"), _l("Not found."))
    db.session.commit()
    assert db.session.scalar(select(OutboxMessage.channel)) == Channel.SMS
    run_worker(burst=True)
    [call] = sent_requests(twilio, "/2010-04-01/Accounts/AC123/Messages.json")
    form = parse_qs(call.get_data(as_text=True))
    assert form["To"] == ["+37499123456"] and form["From"] == ["+15005550006"]
    assert "Не найдено." in form["Body"][0]
    assert db.session.scalar(select(OutboxMessage.state)) == MessageState.SENT


def test_without_a_phone_the_message_falls_back_to_e_mail(app):
    person = UserFactory(preferred_channel=Channel.SMS, phone=None)
    assert notify(person, "test", "Subject", "Body").channel == Channel.EMAIL


def test_a_household_without_an_account_is_told_on_telegram_through_the_bot_api(app, bot_api):
    notify_contact(Channel.TELEGRAM, "555", "hy", "test", _l("Your housing request"), _l("Not found."),
                   link="/housing/requests/1")
    db.session.commit()
    run_worker(burst=True)
    [call] = sent_requests(bot_api, "/bot123456:BOT-TOKEN/sendMessage")
    sent = {**call.args, **call.form}  # pyTelegramBotAPI sends the parameters in the query string
    text = sent["text"]
    assert sent["chat_id"] == "555"
    assert "/housing/requests/1" in text and "Not found." not in text  # written in Armenian
    assert db.session.scalar(select(OutboxMessage.state)) == MessageState.SENT


def test_the_console_provider_records_sms_in_development(app, tmp_path):
    app.config.update(SMS_CONSOLE_FILE=str(tmp_path / "sms.jsonl"))
    notify_contact(Channel.SMS, "+374 99 123456", "en", "test", "Hello", "Your request moved.")
    db.session.commit()
    run_worker(burst=True)
    [line] = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert json.loads(line)["to"] == "+37499123456"


def signed_post(client, form, url="http://localhost/sms/inbound"):
    signature = RequestValidator(TOKEN).compute_signature(url, form)
    return client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})


def test_stop_by_sms_ends_messages_to_that_phone_even_those_already_queued(app, client, twilio, tmp_path):
    notify_contact(Channel.SMS, "099123456", "en", "test", "Hello", "Queued before STOP.")
    db.session.commit()
    response = signed_post(client, {"From": "+37499123456", "Body": "Stop", "To": "+15005550006"})
    assert response.status_code == 200 and response.mimetype == "text/xml"
    run_worker(burst=True)
    assert sent_requests(twilio, "/2010-04-01/Accounts/AC123/Messages.json") == []
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.state == MessageState.SKIPPED and message.last_error == "the recipient answered STOP"


def test_an_unsigned_or_forged_sms_webhook_is_refused(app, client, twilio):
    assert client.post("/sms/inbound", data={"From": "+37499123456", "Body": "STOP"}).status_code == 403
    forged = client.post("/sms/inbound", data={"From": "+37499123456", "Body": "STOP"},
                         headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    assert forged.status_code == 403
    assert not delivery.opted_out(Channel.SMS, "+37499123456")


def test_a_message_failing_every_attempt_is_dead_and_an_admin_retries_it(app, api, httpserver):
    app.config.update(SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID="AC123", TWILIO_AUTH_TOKEN=TOKEN,
                      TWILIO_FROM="+15005550006", TWILIO_API_URL=httpserver.url_for("/"),
                      WORKER_MAX_ATTEMPTS=2, WORKER_RETRY_BASE_SECONDS=0)
    httpserver.expect_request("/2010-04-01/Accounts/AC123/Messages.json").respond_with_json(
        {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}, status=400)
    message_id = notify_contact(Channel.SMS, "+37499123456", "en", "test", "Hello", "Body")
    db.session.commit()
    message_id = message_id.id
    run_worker(burst=True)
    message = db.session.get_one(OutboxMessage, message_id)
    assert message.state == MessageState.DEAD and message.attempts == 2
    admin = UserFactory(roles=["admin"])
    listing = api("GET", "/api/v1/admin/dead-letters", admin).get_json()
    assert [(m["id"], m["channel"], m["error"]) for m in listing["messages"]] == [
        (message.id, "sms", "TwilioRestException")]
    assert "+374" not in json.dumps(listing)  # no recipient in the list
    assert api("POST", f"/api/v1/admin/dead-letters/messages/{message.id}/retry", admin).get_json()["state"] == "queued"
    assert api("GET", "/api/v1/admin/dead-letters", UserFactory(roles=["coordinator"])).status_code == 403


def test_a_person_chooses_sms_with_their_phone_through_the_api(app, api):
    person = UserFactory()
    refused = api("PATCH", "/api/v1/me", person, json={"preferred_channel": "sms"})
    assert refused.status_code == 422 and "phone" in refused.get_json()["error"]["fields"]
    assert api("PATCH", "/api/v1/me", person, json={"phone": "12"}).status_code == 422
    chosen = api("PATCH", "/api/v1/me", person, json={"preferred_channel": "sms", "phone": "099 12 34 56"})
    assert chosen.status_code == 200 and chosen.get_json()["preferred_channel"] == "sms"
    assert "phone" not in chosen.get_json()
    db.session.refresh(person)
    assert person.phone == "+37499123456"
    telegram = api("PATCH", "/api/v1/me", person, json={"preferred_channel": "telegram"})
    assert telegram.status_code == 422  # no chat with the bot yet

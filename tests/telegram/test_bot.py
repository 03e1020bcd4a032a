"""The Telegram bot end to end: updates posted to the webhook as Telegram posts them, the worker answering
through a fake Bot API (a real local HTTP server)."""
import logging

from flask_babel import force_locale
from sqlalchemy import func, select

from aidcoord.accounts.models import Role, User
from aidcoord.consent.models import ConsentPurpose, ConsentRecord
from aidcoord.extensions import db
from aidcoord.housing.models import Household
from aidcoord.housing.priority import awaits_confirmation
from aidcoord.matching.models import EntryState, QueueEntry, QueueKind
from aidcoord.telegram import conversation as talk
from aidcoord.telegram.models import TelegramConversation, TelegramUpdate
from tests.factories import UserFactory

ANSWERS = [("says", "Армен Саргсян"), ("says", "099 12 34 56"), ("says", "2"), ("says", "1"), ("says", "0"),
           ("says", "0"), ("says", "0"), ("presses", "no"), ("says", "Goris"), ("presses", "region:AM-SU"),
           ("presses", "speaks:ru"),
           ("presses", "yes"), ("presses", "yes"), ("presses", "channel:telegram")]


def register_household(someone, language="ru", answers=ANSWERS):
    someone.says("/start")
    someone.presses(f"lang:{language}")
    someone.presses("menu:household")
    someone.presses("yes")  # consent to keep the details
    for action, value in answers:
        getattr(someone, action)(value)


def worded(language, text):
    with force_locale(language):
        return str(text)


def households(app):
    with app.app_context():
        return list(db.session.scalars(select(Household).order_by(Household.id)))


def test_a_household_registers_itself_in_russian_and_waits_in_the_queue_unconfirmed(app, person):
    armen = person()
    register_household(armen)
    [household] = households(app)
    with app.app_context():
        household = db.session.get(Household, household.id)
        owner = db.session.get(User, household.user_id)
        assert household.contact_name == "Армен Саргсян" and household.size == 3
        assert household.preferred_regions == ["AM-SU"] and household.languages == ["ru"]
        assert household.arrival_place == "Goris"
        assert owner.email.endswith(".invalid") and owner.preferred_language == "ru"
        assert household.vulnerability_self_declared and awaits_confirmation(household)
        assert household.preferred_channel.value == "telegram"
        entry = db.session.scalar(select(QueueEntry).where(QueueEntry.kind == QueueKind.HOUSING,
                                                            QueueEntry.subject_id == household.id))
        assert entry.state is EntryState.WAITING
        records = db.session.scalars(select(ConsentRecord).where(ConsentRecord.subject_id == household.id)).all()
        assert {record.purpose for record in records} == {
            ConsentPurpose.REGISTRATION, ConsentPurpose.SHARE_WITH_HOST, ConsentPurpose.MESSAGES}
        assert {(record.language, record.text_version) for record in records} == {("ru", "1")}
    # The consent question showed the very text of that version.
    with force_locale("ru"):
        from aidcoord.consent import texts
        assert str(texts.text(ConsentPurpose.REGISTRATION, "1")) in armen.replies()
        # What was typed is not kept in the updates once answered.
        assert db.session.scalar(select(func.count()).where(TelegramUpdate.body.is_not(None))) == 0
    replies = armen.replies()
    assert replies[1] == worded("ru", talk.menu().text)
    assert f"{household.id}" in replies[-2] and replies[-2] != worded("en", "Thank you")
    assert all(any("а" <= letter <= "я" for letter in reply.lower()) for reply in replies[1:])


def test_refusing_consent_stores_nothing(app, person):
    someone = person()
    someone.says("/start")
    someone.presses("lang:hy")
    someone.presses("menu:household")
    someone.presses("no")
    assert households(app) == []
    with app.app_context():
        conversation = db.session.get(TelegramConversation, someone.user_id)
        assert conversation.answers == {} and conversation.user_id is None
    with force_locale("hy"):
        assert someone.replies()[-2] == str(talk._l("We stored nothing. You can start again at any time with /start."))


def test_a_retried_update_is_acknowledged_and_not_applied_again(app, person):
    someone = person()
    first = someone.says("/start", update_id=77)
    again = someone.says("/start", update_id=77)
    assert first.get_json() == {"ok": True, "duplicate": False}
    assert again.get_json() == {"ok": True, "duplicate": True}
    assert len(someone.replies()) == 1


def test_requests_without_the_secret_are_refused_and_logged_without_their_body(app, person, caplog):
    someone = person()
    update = {"update_id": 5, "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"},
                                          "text": "my secret address is Tumanyan 5"}}
    with caplog.at_level(logging.INFO):
        assert someone.post(update, secret=None).status_code == 403
        assert someone.post(update, secret="wrong")  # noqa: S106 - a wrong secret on purpose.status_code == 403
    assert "Tumanyan" not in caplog.text and "refused" in caplog.text
    with app.app_context():
        assert db.session.get(TelegramUpdate, 5) is None


def test_status_tells_each_person_their_own_case_only(app, person):
    armen, ani = person(555001), person(555002, "Ani")
    register_household(armen, "ru")
    register_household(ani, "hy", [("says", "Անի Պետրոսյան"), ("says", "+374 91 765432"), *ANSWERS[2:]])
    first, second = households(app)
    armen.presses("menu:status")
    ani.says("/status")
    assert f"{first.id}" in armen.replies()[-2] and f"{second.id}" not in armen.replies()[-2]
    assert f"{second.id}" in ani.replies()[-2] and f"{first.id}" not in ani.replies()[-2]


def test_one_person_registers_at_most_the_days_limit_of_cases(app, person):
    app.config["HOUSEHOLDS_PER_ACCOUNT_PER_DAY"] = 1
    someone = person()
    register_household(someone)
    register_household(someone, answers=[("says", "Другой Человек"), ("says", "+374 93 000111"), *ANSWERS[2:]])
    assert len(households(app)) == 1
    assert "24" in someone.replies()[-2]


def test_stop_withdraws_consent_to_messages(app, person):
    someone = person()
    register_household(someone)
    someone.says("/stop")
    [household] = households(app)
    with app.app_context():
        from aidcoord.consent.services import has_consent
        assert not has_consent("household", household.id, "messages")
        assert has_consent("household", household.id, "registration")


def test_an_answer_that_is_not_understood_is_asked_again(app, person):
    someone = person()
    someone.says("/start")
    someone.presses("lang:en")
    someone.presses("menu:household")
    someone.presses("yes")
    someone.says("Anna Petrosyan")
    someone.says("099 12 34 56")
    someone.says("many")
    assert someone.replies()[-2:] == ["Please send a number, for example 2.",
                                      "How many adults (18 or older) are in your household, you included?"]


def test_set_webhook_sends_the_secret_to_telegram(app, bot_api):
    url = "https://aid.example/telegram/webhook"
    result = app.test_cli_runner().invoke(args=["telegram", "set-webhook", "--url", url])
    assert result.exit_code == 0, result.output
    [call] = [request for request, _ in bot_api.log if request.path.endswith("/setWebhook")]
    assert call.args["secret_token"] == "webhook-secret-for-tests"
    assert call.args["url"] == url


def test_a_household_registered_through_the_bot_hears_of_its_placement_on_telegram_in_its_language(app, person):
    from aidcoord.housing import matching as housing_matching
    from aidcoord.matching import queue
    from aidcoord.worker.services import run_worker
    from tests.factories import HousingOfferFactory

    armen = person()
    register_household(armen, "ru")
    replies_before = len(armen.replies())
    with app.app_context():
        coordinator = UserFactory(roles=["coordinator"])
        offer = HousingOfferFactory(beds=4)
        entry = queue.take_next(coordinator, QueueKind.HOUSING)
        match = housing_matching.propose_offer(coordinator, entry, offer.id)
        host = db.session.get(User, offer.host_id)
        housing_matching.accept(host, match)
        run_worker(burst=True)
    told = armen.replies()[replies_before:]
    assert len(told) == 1
    with force_locale("ru"):
        assert str(talk._l("A proposal was accepted")) in told[0]
        assert str(talk._l("A proposal was accepted")) != "A proposal was accepted"


def test_a_host_offers_housing_in_armenian(app, person):
    from aidcoord.housing.models import HousingOffer

    host = person(555010, "Gohar")
    host.says("/start")
    host.presses("lang:hy")
    host.presses("menu:offer")
    for action, value in [("presses", "yes"), ("presses", "region:AM-LO"), ("says", "Vanadzor, Tigran Mets 10"),
                          ("says", "4"), ("presses", "yes"), ("presses", "no"), ("presses", "no")]:
        getattr(host, action)(value)
    with app.app_context():
        [offer] = db.session.scalars(select(HousingOffer)).all()
        owner = db.session.get(User, offer.host_id)
        assert (offer.region, offer.beds, offer.children_welcome, offer.pets_accepted) == ("AM-LO", 4, True, False)
        assert owner.has_role(Role.HOST) and owner.password_hash == "!"
    with force_locale("hy"):
        assert host.replies()[-2] == str(talk._l(
            "Thank you. Your offer number is %(number)d. A coordinator will check it and write to you here.",
            number=offer.id))
    assert host.replies()[-2] != (f"Thank you. Your offer number is {offer.id}. A coordinator will check it and "
                                  "write to you here.")


def test_a_job_seeker_saves_a_work_profile(app, person):
    from aidcoord.jobs.models import JobSeeker

    seeker = person(555020, "Davit")
    seeker.says("/start")
    seeker.presses("lang:en")
    seeker.presses("menu:seeker")
    for action, value in [("presses", "yes"), ("says", "Davit Grigoryan"), ("says", "+374 77 123456"),
                          ("says", "Electrician"), ("presses", "region:AM-ER"), ("presses", "speaks:hy"),
                          ("presses", "yes"), ("presses", "no")]:
        getattr(seeker, action)(value)
    with app.app_context():
        [profile] = db.session.scalars(select(JobSeeker)).all()
        assert (profile.profession, profile.regions) == ("Electrician", ["AM-ER"])
        from aidcoord.consent.services import has_consent
        assert has_consent("job_seeker", profile.id, "registration")
        assert has_consent("job_seeker", profile.id, "share_with_employer")
        assert not has_consent("job_seeker", profile.id, "messages")
    assert seeker.replies()[-2] == "Thank you. Your work profile is saved; coordinators can now refer you to jobs."


def test_a_volunteer_signs_up_for_an_open_shift(app, person):
    from datetime import timedelta

    from aidcoord.common.types import utcnow
    from aidcoord.volunteers import services as volunteers
    from aidcoord.volunteers.models import SignUp
    from tests.factories import OrganizationFactory

    organizer = UserFactory(roles=[])
    organization = OrganizationFactory(members=[organizer])
    start = utcnow() + timedelta(days=1)
    shift = volunteers.post_shift(organizer, organization, {
        "task": "Sorting donated clothes", "region": "AM-SU", "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(), "slots": 2})
    volunteer = person(555030, "Lilit")
    volunteer.says("/start")
    volunteer.presses("lang:ru")
    volunteer.presses("menu:shifts")
    assert "Sorting donated clothes" in str(volunteer.bot_api.log[-1][0].args.get("reply_markup"))
    volunteer.presses(f"shift:{shift.id}")
    with app.app_context():
        [sign_up] = db.session.scalars(select(SignUp)).all()
        assert sign_up.shift_id == shift.id
    with force_locale("ru"):
        assert volunteer.replies()[-2] == str(talk._l("You are signed up. Thank you!"))


def test_bad_bodies_get_json_errors_never_a_500(app, person):
    someone = person()
    deep = '{"update_id": 6, "a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "webhook-secret-for-tests", "Content-Type": "application/json"}
    for body, status in ((deep, 400), ("[1]", 422), ("not json", 422), ('{"update_id": "7"}', 422),
                         ("{" + '"a": "' + "x" * 300_000 + '"}', 413)):
        response = someone.client.post("/telegram/webhook", data=body, headers=headers)
        assert response.status_code == status, (body[:20], response.status_code)
        assert response.is_json and response.get_json()["error"]["code"]
    refused = someone.client.post("/telegram/webhook", json={"update_id": 8})
    assert refused.status_code == 403 and refused.is_json


def test_a_person_downloads_their_data_and_has_it_deleted(app, person):
    import json

    armen = person()
    register_household(armen, "ru")
    armen.says("/mydata")
    [(caption, content)] = armen.documents()
    data = json.loads(content)
    assert [row["contact_name"] for row in data["households"]] == ["Армен Саргсян"]
    assert caption == worded("ru", talk._l("Everything we hold about you.")) != "Everything we hold about you."
    armen.presses("menu:forget")
    armen.presses("yes")
    [household] = households(app)
    with app.app_context():
        household = db.session.get(Household, household.id)
        assert "Армен" not in household.contact_name and household.telegram_chat_id is None
        assert db.session.get(TelegramConversation, armen.user_id) is None
    assert armen.last_reply() == worded("ru", talk._l("Your data is deleted. If you write again, you start anew."))


def test_erasure_waits_while_a_proposal_is_under_way_and_says_why(app, person):
    from aidcoord.housing import matching as housing_matching
    from aidcoord.matching import queue
    from aidcoord.privacy.models import ErasureBlock
    from tests.factories import HousingOfferFactory

    armen = person()
    register_household(armen, "ru")
    with app.app_context():
        coordinator = UserFactory(roles=["coordinator"])
        housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING),
                                       HousingOfferFactory(beds=4).id)
    armen.says("/forget")
    armen.presses("yes")
    assert households(app)[0].contact_name == "Армен Саргсян"
    assert worded("ru", ErasureBlock.ACTIVE_MATCH.label) in armen.replies()[-2]
    assert worded("ru", ErasureBlock.ACTIVE_MATCH.label) != str(ErasureBlock.ACTIVE_MATCH.label)

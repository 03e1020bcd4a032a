"""The bot's rules: take each update once, answer it in the worker, register what people tell it through the
same services as the web."""
import json
from typing import Any

import telebot
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from telebot.types import InlineKeyboardButton, InlineKeyboardMarkup, Update

from aidcoord.accounts import services as accounts
from aidcoord.accounts.models import Role
from aidcoord.common.channels import Channel
from aidcoord.common.locale import default_language
from aidcoord.common.types import today as local_today
from aidcoord.common.types import utcnow
from aidcoord.consent import services as consent
from aidcoord.consent.models import ConsentPurpose, ConsentSubject
from aidcoord.errors import DomainError, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import households, offers
from aidcoord.housing.priority import awaits_confirmation
from aidcoord.jobs import seekers
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from aidcoord.notifications.telegram_api import telegram_bot, telegram_configured
from aidcoord.privacy import services as privacy
from aidcoord.privacy.models import ErasureBlock, ErasureState
from aidcoord.telegram import conversation as talk
from aidcoord.telegram.conversation import Reply
from aidcoord.telegram.models import TelegramConversation, TelegramUpdate
from aidcoord.volunteers import services as volunteers
from aidcoord.worker import PermanentFailure, enqueue, handles

JOB = "telegram.update"


def receive_update(body: dict) -> bool:
    """Store the update and queue its handling, once per update_id; False for an update seen before
    (Telegram retries until it gets a 200: the retry is acknowledged, not applied again)."""
    update_id = body["update_id"]
    if db.session.get(TelegramUpdate, update_id) is not None:
        return False
    db.session.add(TelegramUpdate(update_id=update_id, body=body))
    enqueue(JOB, {"update_id": update_id}, dedupe_key=f"telegram:{update_id}")
    try:
        db.session.commit()
    except IntegrityError:  # the same update, delivered twice at the same moment
        db.session.rollback()
        return False
    return True


def _what_was_said(update: Update) -> tuple[Any, int, str] | None:
    """(Telegram user, chat id, text or button data) of a message or a button press; None for other updates."""
    query = update.callback_query
    if query is not None and query.message is not None:
        return query.from_user, query.message.chat.id, query.data or ""
    message = update.message
    if message is not None and message.from_user is not None:
        if message.contact is not None and message.contact.phone_number:
            return message.from_user, message.chat.id, message.contact.phone_number
        return message.from_user, message.chat.id, message.text or ""
    return None


def _conversation(telegram_user_id: int, chat_id: int) -> TelegramConversation:
    conversation = db.session.get(TelegramConversation, telegram_user_id)
    if conversation is None:
        conversation = TelegramConversation(telegram_user_id=telegram_user_id, chat_id=chat_id, answers={})
        db.session.add(conversation)
    conversation.chat_id = chat_id
    return conversation


@handles(JOB)
def handle_update(job) -> dict:
    """Answer one update (run by the worker). Idempotent: a handled update is skipped."""
    update = db.session.get(TelegramUpdate, job.payload["update_id"])
    if update is None or update.handled_at is not None:
        return {"skipped": True}
    said = _what_was_said(Update.de_json(update.body)) if update.body else None
    # What the person typed is not kept once answered: the case holds what they registered.
    update.body, update.handled_at = None, utcnow()
    if said is None:
        return {"replies": 0}
    person, chat_id, text = said
    conversation = _conversation(person.id, chat_id)
    language = conversation.language  # read now: an erasure may delete the conversation while answering
    replies = respond(conversation, text.strip(), person)
    send(chat_id, conversation.language if replies and inspect(conversation).persistent else language, replies)
    return {"replies": len(replies)}


def respond(conversation: TelegramConversation, said: str, person: Any) -> list[Reply]:
    """The replies to what the person said, moving the conversation on."""
    if said == "/start" or (conversation.language is None and not said.startswith("lang:")):
        conversation.step, conversation.answers = "language", {}
        return [talk.language_choice()]
    if said.startswith("lang:"):
        language = talk.chosen_language(said)
        if language is None:
            return [talk.language_choice()]
        conversation.language, conversation.step = language, "menu"
        return [talk.menu()]
    if said == "/stop":
        return [stop_messages(conversation), talk.menu()]
    if said in ("/status", "menu:status"):
        return [status(conversation), talk.menu()]
    if said in ("/mydata", "menu:mydata"):
        return [my_data(conversation), talk.menu()]
    if said in ("/forget", "menu:forget"):
        conversation.step = "forget"
        return [talk.confirm_forget()]
    if conversation.step == "forget" and said in (talk.YES, talk.NO):
        conversation.step = "menu"
        return forget(conversation) if said == talk.YES else [talk.menu()]
    if said.removeprefix("menu:") in talk.FORMS and said.startswith("menu:"):
        form = talk.FORMS[said.removeprefix("menu:")]
        conversation.answers = {}
        return [talk.ask(conversation, form, form.questions[0])]
    if said == "menu:shifts":
        return [_shift_choice(conversation)]
    if said.startswith("shift:"):
        return [_sign_up(conversation, person, said), talk.menu()]
    if talk.current(conversation) is not None:
        return _form_answer(conversation, said, person)
    return [talk.menu()]


def _form_answer(conversation: TelegramConversation, said: str, person: Any) -> list[Reply]:
    form, question = talk.current(conversation)  # type: ignore[misc]
    value = question.read(said)
    if value is None:
        return [Reply(question.retry), talk.ask(conversation, form, question)]
    if question.name == "consent_registration" and value is False:
        conversation.answers, conversation.step = {}, "menu"
        return [Reply(_l("We stored nothing. You can start again at any time with /start.")), talk.menu()]
    conversation.answers[question.name] = value
    flag_modified(conversation, "answers")
    following = form.after(question.name)
    if following is not None:
        return [talk.ask(conversation, form, following)]
    try:
        done = FINISH[form.name](conversation, person)
        db.session.commit()
    except ValidationFailed as error:
        db.session.rollback()
        field = next((name for name in error.fields if form.question(name)), None)
        message = " ".join(str(text) for texts in error.fields.values() for text in texts) or error.message
        if field is None:
            conversation.answers, conversation.step = {}, "menu"
            return [Reply(message), talk.menu()]
        return [Reply(message), talk.ask(conversation, form, form.question(field))]  # type: ignore[arg-type]
    except DomainError as error:  # e.g. the day's limit of cases for one person
        db.session.rollback()
        conversation.answers, conversation.step = {}, "menu"
        return [Reply(error.message), talk.menu()]
    conversation.answers, conversation.step = {}, "menu"
    flag_modified(conversation, "answers")
    return [done, talk.menu()]


def _household_data(answers: dict, language: str | None) -> dict:
    return {name: answers[name] for name in (
        "contact_name", "contact_phone", "adults", "children", "children_under_5", "over_65", "disabled",
        "medical_needs", "arrival_place", "preferred_regions", "languages")} | {
        "consent_to_share": answers["consent_share_with_host"], "consent_language": language}


def _register_household(conversation: TelegramConversation, person: Any) -> Reply:
    answers, language = conversation.answers, conversation.language
    user = person_account(conversation, person)
    household = households.register_household(user, _household_data(answers, language), for_self=True,
                                              commit=False)
    household.preferred_channel = Channel(answers.get("contact_channel") or Channel.TELEGRAM.value)
    household.telegram_chat_id = str(conversation.chat_id)
    given = [ConsentPurpose.REGISTRATION] + [ConsentPurpose.MESSAGES] * bool(answers.get("consent_messages"))
    for purpose in given:
        consent.record_consent(user, ConsentSubject.HOUSEHOLD, household.id, purpose, language=language,
                               commit=False)
    return Reply(_l("Thank you. Your case number is %(number)d. A caseworker will confirm it; until then it is "
                    "marked as self-registered. We will write to you here.", number=household.id))


def _offer_housing(conversation: TelegramConversation, person: Any) -> Reply:
    answers = conversation.answers
    user = person_account(conversation, person, Role.HOST)
    data = {name: answers[name] for name in ("address", "beds", "children_welcome", "pets_accepted", "step_free")}
    offer = offers.create_offer(user, {**data, "region": (answers["region"] or [None])[0],
                                       "available_from": local_today().isoformat()}, commit=False)
    db.session.flush()
    return Reply(_l("Thank you. Your offer number is %(number)d. A coordinator will check it and write to you here.",
                    number=offer.id))


def _save_seeker(conversation: TelegramConversation, person: Any) -> Reply:
    answers, language = conversation.answers, conversation.language
    user = person_account(conversation, person)
    seeker = seekers.save_own_profile(user, {
        "contact_name": answers["contact_name"], "contact_phone": answers["contact_phone"],
        "profession": answers["profession"], "regions": answers["regions"], "languages": answers["languages"],
        "consent_to_share": answers["consent_share_with_employer"], "consent_language": language})
    consent.record_consent(user, ConsentSubject.JOB_SEEKER, seeker.id, ConsentPurpose.REGISTRATION,
                           language=language, commit=False)
    if answers.get("consent_messages"):
        consent.record_consent(user, ConsentSubject.JOB_SEEKER, seeker.id, ConsentPurpose.MESSAGES,
                               language=language, commit=False)
    return Reply(_l("Thank you. Your work profile is saved; coordinators can now refer you to jobs."))


FINISH = {"household": _register_household, "offer": _offer_housing, "seeker": _save_seeker}
SHIFTS_SHOWN = 8


def _shift_choice(conversation: TelegramConversation) -> Reply:
    shifts = volunteers.open_shifts(volunteers.ShiftFilters())[:SHIFTS_SHOWN]
    if not shifts:
        return Reply(_l("There are no open shifts right now. Ask again later."), [])
    return Reply(_l("Choose a shift:"), talk.shift_buttons(shifts))


def _sign_up(conversation: TelegramConversation, person: Any, said: str) -> Reply:
    shift_id = talk._shift_choice(said)
    try:
        user = person_account(conversation, person, Role.VOLUNTEER)
        if volunteers.profile_of(user) is None:
            volunteers.save_profile(user, {"languages": [conversation.language or default_language()]})
        volunteers.sign_up(user, volunteers.get_shift(shift_id))  # type: ignore[arg-type]
    except DomainError as error:
        db.session.rollback()
        return Reply(error.message)
    return Reply(_l("You are signed up. Thank you!"))


def person_account(conversation: TelegramConversation, person: Any, role: Role | None = None) -> Any:
    """The Telegram person's own passwordless account (made on first use): their cases are theirs, as on the web.
    `role`: a self-service role the form needs (host, volunteer), taken as a person takes it on the web."""
    if conversation.user_id is not None:
        user = accounts.get_user(conversation.user_id)
    else:
        name = " ".join(part for part in (person.first_name, person.last_name) if part) or "Telegram"
        user = accounts.channel_account(Channel.TELEGRAM, str(conversation.chat_id), f"telegram-{person.id}",
                                        name, conversation.language)
        conversation.user_id = user.id
    if role is not None:
        accounts.take_self_service_role(user, role)
    return user


def status(conversation: TelegramConversation) -> Reply:
    """The person's own cases and where each stands; never anyone else's."""
    cases = households.for_user(accounts.get_user(conversation.user_id)) if conversation.user_id else []
    if not cases:
        return Reply(_l("You have not registered anything yet."))
    lines = []
    for household in cases:
        entry = queue.entry_for(QueueKind.HOUSING, household.id)
        line = _l("Case %(number)d: %(state)s", number=household.id, state=entry.state.label)
        if awaits_confirmation(household):
            line = _l("%(case)s (not yet confirmed by a caseworker)", case=line)
        lines.append(line)
    return Reply(_Joined(lines, "\n"))


class _Joined:
    """Several lazy texts, worded (in the person's language) and joined when the reply is sent."""

    def __init__(self, parts, separator: str):
        self.parts, self.separator = parts, separator

    def __str__(self):
        return self.separator.join(str(part) for part in self.parts)


def my_data(conversation: TelegramConversation) -> Reply:
    """Everything held about the person (their own records only), as a JSON file, as on the web's My data page."""
    if conversation.user_id is None:
        return Reply(_l("You have not registered anything yet."))
    data = privacy.export_personal_data(accounts.get_user(conversation.user_id))
    content = json.dumps(data, ensure_ascii=False, indent=1, default=str).encode()
    return Reply(_l("Everything we hold about you."), document=("my-data.json", content))


def forget(conversation: TelegramConversation) -> list[Reply]:
    """The person asked for erasure: at once when nothing blocks it (their conversation goes too), otherwise it
    waits, and they are told why."""
    if conversation.user_id is None:
        conversation.answers = {}
        flag_modified(conversation, "answers")
        return [Reply(_l("We hold nothing about you.")), talk.menu()]
    db.session.flush()
    request = privacy.request_erasure(accounts.get_user(conversation.user_id))
    if request.state is ErasureState.DONE:  # the conversation is gone with the account: nothing more to keep
        return [Reply(_l("Your data is deleted. If you write again, you start anew."))]
    reasons = _Joined([ErasureBlock(code).label for code in request.blocked_by], ", ")
    return [Reply(_l("We will delete your data as soon as this has ended: %(reasons)s.", reasons=reasons)),
            talk.menu()]


def stop_messages(conversation: TelegramConversation) -> Reply:
    """/stop: the person's consent to messages is withdrawn for every case of theirs."""
    if conversation.user_id is not None:
        user = accounts.get_user(conversation.user_id)
        for household in households.for_user(user):
            if consent.has_consent(ConsentSubject.HOUSEHOLD, household.id, ConsentPurpose.MESSAGES):
                consent.withdraw_consent(user, ConsentSubject.HOUSEHOLD, household.id, ConsentPurpose.MESSAGES,
                                         commit=False)
    return Reply(_l("We will not send you messages any more. You can still ask for your status here."))


def _bot() -> telebot.TeleBot:
    if not telegram_configured(current_app.config):
        raise PermanentFailure("TELEGRAM_BOT_TOKEN is not configured")
    return telegram_bot(current_app.config)


def send(chat_id: int, language: str | None, replies: list[Reply]) -> None:
    """Send the replies, worded in the person's language."""
    if not replies:
        return
    bot = _bot()
    with force_locale(language or default_language()):
        for reply in replies:
            markup = None
            if reply.buttons:
                markup = InlineKeyboardMarkup()
                for row in reply.buttons:
                    markup.row(*(InlineKeyboardButton(str(label), callback_data=data) for label, data in row))
            if reply.document is not None:
                bot.send_document(chat_id, reply.document, caption=str(reply.text))
            else:
                bot.send_message(chat_id, str(reply.text), reply_markup=markup)


def set_webhook(url: str) -> bool:
    """Tell Telegram where to post updates, with the secret it must send back."""
    return bool(_bot().set_webhook(url=url, secret_token=current_app.config["TELEGRAM_WEBHOOK_SECRET"],
                                   allowed_updates=["message", "callback_query"]))

"""The bot's conversation: one step at a time, each answer checked, nothing personal kept before consent.

`answer(conversation, said)` takes what the person sent (a text, or the data of a button they pressed) and
returns the replies; the conversation row holds the step and the answers so far. Every reply is worded in the
person's chosen language (the caller renders it under that locale). The case itself is made by the same
services as a registration on the web (housing.households), so the same rules hold.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from aidcoord.common.codes import REGION_NAMES_IN_OUR_CATALOG, subdivision_name
from aidcoord.common.locale import supported
from aidcoord.consent import texts
from aidcoord.consent.models import ConsentPurpose
from aidcoord.telegram.models import TelegramConversation

YES, NO = "yes", "no"
LANGUAGE_BUTTONS = (("Հայերեն", "lang:hy"), ("Русский", "lang:ru"), ("English", "lang:en"))
MAX_PEOPLE = 30


@dataclass
class Reply:
    text: Any  # a lazy string, worded when sent
    buttons: list[list[tuple[Any, str]]] = field(default_factory=list)  # rows of (label, data)
    document: tuple[str, bytes] | None = None  # (file name, content): sent as a file, the text as its caption


BUTTONS_RETRY = _l("Please answer with one of the buttons.")


@dataclass(frozen=True)
class Question:
    """One question of a form the bot asks; `read` turns what was said into the value (None: not understood)."""

    name: str
    text: Any
    read: Callable[[str], Any]
    buttons: Callable[[], list[list[tuple[Any, str]]]] = list
    retry: Any = BUTTONS_RETRY


def _yes_no_buttons():
    return [[(_l("Yes"), YES), (_l("No"), NO)]]


def _yes_no(said: str) -> bool | None:
    return {YES: True, NO: False}.get(said)


def _count(said: str) -> int | None:
    said = said.strip()
    return int(said) if said.isdigit() and int(said) <= MAX_PEOPLE else None


def _some_text(said: str) -> str | None:
    said = " ".join(said.split())
    return said if 0 < len(said) <= 200 and not said.startswith("/") else None


def _region_buttons():
    codes = sorted(REGION_NAMES_IN_OUR_CATALOG)
    buttons = [(subdivision_name(code), f"region:{code}") for code in codes]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)] + [[(_l("Anywhere"), "region:any")]]


def _region(said: str) -> list[str] | None:
    if said == "region:any":
        return []
    code = said.removeprefix("region:")
    return [code] if said.startswith("region:") and code in REGION_NAMES_IN_OUR_CATALOG else None


def _language_buttons():
    return [[("Հայերեն", "speaks:hy"), ("Русский", "speaks:ru")], [("English", "speaks:en"), (_l("Other"), "speaks:")]]


def _spoken(said: str) -> list[str] | None:
    if not said.startswith("speaks:"):
        return None
    code = said.removeprefix("speaks:")
    return [code] if code else []


def _channel_buttons():
    return [[(_l("Here in Telegram"), "channel:telegram"), (_l("By SMS"), "channel:sms")]]


def _channel(said: str) -> str | None:
    return {"channel:telegram": "telegram", "channel:sms": "sms"}.get(said)


COUNT_RETRY = _l("Please send a number, for example 2.")

def consent_text(purpose: ConsentPurpose) -> Any:
    return texts.text(purpose, texts.current_version(purpose))


# Questions more than one form asks.
NAME = Question("contact_name", _l("What is your name (first and last name)?"), _some_text,
                retry=_l("Please write your name in one line."))
PHONE = Question("contact_phone", _l("Your phone number, so that a caseworker can call you:"), _some_text,
                 retry=_l("Please write a phone number, for example 099 12 34 56."))
SPOKEN_LANGUAGE = Question("languages", _l("Which language do you speak best?"), _spoken, _language_buttons)
# The consent questions show the current version of the consent text itself (aidcoord/consent/texts.py), the
# version the records name.
REGISTRATION = Question("consent_registration", consent_text(ConsentPurpose.REGISTRATION), _yes_no, _yes_no_buttons)
MESSAGES = Question("consent_messages", consent_text(ConsentPurpose.MESSAGES), _yes_no, _yes_no_buttons)

# The household form, in the order asked. Consent comes first: nothing the person says is kept before it.
HOUSEHOLD = (
    REGISTRATION,
    NAME,
    PHONE,
    Question("adults", _l("How many adults (18 or older) are in your household, you included?"), _count,
             retry=COUNT_RETRY),
    Question("children", _l("How many children (under 18)?"), _count, retry=COUNT_RETRY),
    Question("children_under_5", _l("Of them, how many are under 5?"), _count, retry=COUNT_RETRY),
    Question("over_65", _l("How many people are 65 or older?"), _count, retry=COUNT_RETRY),
    Question("disabled", _l("How many people live with a disability?"), _count, retry=COUNT_RETRY),
    Question("medical_needs", _l("Does anyone need regular medical care?"), _yes_no, _yes_no_buttons),
    Question("arrival_place", _l("Where did you arrive, or where are you staying now (town, village or reception "
                                 "centre)?"), _some_text, retry=_l("Please write the place in one line.")),
    Question("preferred_regions", _l("Where do you want to stay?"), _region, _region_buttons),
    SPOKEN_LANGUAGE,
    Question("consent_share_with_host", consent_text(ConsentPurpose.SHARE_WITH_HOST), _yes_no, _yes_no_buttons),
    MESSAGES,
    Question("contact_channel", _l("How should we contact you about your case?"), _channel, _channel_buttons),
)
def _shift_choice(said: str) -> int | None:
    number = said.removeprefix("shift:")
    return int(number) if said.startswith("shift:") and number.isdigit() else None


HOST_OFFER = (
    Question("consent_registration", _l(
        "We keep what you tell us about your place so that coordinators can propose it to a household. The address "
        "is shown to a household only after you accept them. Do you agree?"), _yes_no, _yes_no_buttons),
    Question("region", _l("In which region is the place?"), _region, _region_buttons),
    Question("address", _l("Its address (street, house, apartment, town):"), _some_text,
             retry=_l("Please write the address in one line.")),
    Question("beds", _l("How many people can sleep there?"), _count, retry=COUNT_RETRY),
    Question("children_welcome", _l("Are children welcome?"), _yes_no, _yes_no_buttons),
    Question("pets_accepted", _l("Are pets accepted?"), _yes_no, _yes_no_buttons),
    Question("step_free", _l("Can someone in a wheelchair get in without steps?"), _yes_no, _yes_no_buttons),
)

JOB_SEEKER = (
    REGISTRATION,
    NAME,
    PHONE,
    Question("profession", _l("What is your profession or the work you want to do?"), _some_text,
             retry=_l("Please write it in one line.")),
    Question("regions", _l("Where do you want to work?"), _region, _region_buttons),
    SPOKEN_LANGUAGE,
    Question("consent_share_with_employer", consent_text(ConsentPurpose.SHARE_WITH_EMPLOYER), _yes_no,
             _yes_no_buttons),
    MESSAGES,
)


@dataclass(frozen=True)
class Form:
    """Questions asked one at a time; the answers go to one service when the last one is answered."""

    name: str
    questions: tuple[Question, ...]

    def question(self, name: str) -> Question | None:
        return next((question for question in self.questions if question.name == name), None)

    def after(self, name: str) -> Question | None:
        names = [question.name for question in self.questions]
        position = names.index(name) + 1
        return self.questions[position] if position < len(self.questions) else None


FORMS = {form.name: form for form in (Form("household", HOUSEHOLD), Form("offer", HOST_OFFER),
                                      Form("seeker", JOB_SEEKER))}


def language_choice() -> Reply:
    return Reply(_l("Choose your language:"), [list(LANGUAGE_BUTTONS)])


def menu() -> Reply:
    return Reply(_l("What do you need?"), [
        [(_l("Register my household for housing"), "menu:household")],
        [(_l("Offer housing"), "menu:offer")],
        [(_l("Find work"), "menu:seeker")],
        [(_l("Volunteer for a shift"), "menu:shifts")],
        [(_l("My status"), "menu:status")],
        [(_l("My data"), "menu:mydata"), (_l("Delete my data"), "menu:forget")],
    ])


def confirm_forget() -> Reply:
    return Reply(_l("Delete everything we hold about you? Your requests are closed and cannot be found again. If "
                    "you are placed with a host or have a proposal under way, we delete it once that has ended."),
                 _yes_no_buttons())


def ask(conversation: TelegramConversation, form: Form, question: Question) -> Reply:
    conversation.step = f"{form.name}:{question.name}"
    return Reply(question.text, question.buttons())


def current(conversation: TelegramConversation) -> tuple[Form, Question] | None:
    """The form and question the conversation is at (None: not in a form)."""
    form_name, _, question_name = conversation.step.partition(":")
    form = FORMS.get(form_name)
    question = form.question(question_name) if form else None
    return (form, question) if form and question else None


class ShiftLabel:
    """A shift's button: its start in the reader's language and time zone, and its task."""

    def __init__(self, shift):
        self.starts_at, self.task = shift.starts_at, shift.task[:40]

    def __str__(self):
        return f"{format_datetime(self.starts_at, 'short')} {self.task}"


def shift_buttons(shifts) -> list[list[tuple[Any, str]]]:
    return [[(ShiftLabel(shift), f"shift:{shift.id}")] for shift in shifts]


def chosen_language(said: str) -> str | None:
    return supported(said.removeprefix("lang:")) if said.startswith("lang:") else None

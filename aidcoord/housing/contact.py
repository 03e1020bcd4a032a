"""Telling a household about its case by its own channel: its account when it has one, otherwise (registered by
staff, or through the bot) SMS to its contact phone or Telegram to the chat it wrote from, in its language."""
from aidcoord.common.channels import Channel
from aidcoord.common.locale import default_language, supported
from aidcoord.consent.models import ConsentSubject
from aidcoord.housing.models import Household
from aidcoord.notifications.services import notify_contact


def household_language(household: Household) -> str:
    """The first language the household speaks that the app is written in, else the default one."""
    return next((code for code in household.languages or [] if supported(code)), default_language())


def tell_household_contact(household: Household, topic: str, subject, body) -> None:
    """Queue a message to a household without an account (in the caller's transaction); a household with an
    account is told through it (matching's subject_users), one that withdrew consent to messages is not told.
    The text says what happened to the case, never anyone's name, address or phone."""
    if household.user_id is not None:
        return
    channel = household.preferred_channel
    address = household.telegram_chat_id if channel == Channel.TELEGRAM else household.contact_phone
    if channel == Channel.EMAIL or not address:  # no e-mail without an account; no chat: the phone
        channel, address = Channel.SMS, household.contact_phone
    # With `about`, nothing is queued when the household withdrew its consent to messages (checked by the INSERT).
    notify_contact(channel, address, household_language(household), topic, subject, body,
                   about=(ConsentSubject.HOUSEHOLD.value, household.id))

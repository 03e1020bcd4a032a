"""The consent texts people are shown, versioned: a record names the version it was given under.

Never change a published text: add a version and make it current. Version "0" stands for consent carried over
from the yes/no field that came before these records (its exact text is not known).
"""
from typing import Any

from flask_babel import lazy_gettext as _l

from aidcoord.consent.models import ConsentPurpose

LEGACY_VERSION = "0"
_LEGACY = _l("Recorded as a yes in the earlier form, before consent texts were kept; the exact words shown are "
             "not known.")

TEXTS: dict[ConsentPurpose, dict[str, Any]] = {
    ConsentPurpose.REGISTRATION: {
        LEGACY_VERSION: _LEGACY,
        "1": _l("I agree that my details are kept in this system to find help for me, and seen only by the "
                "people who work on my case."),
    },
    ConsentPurpose.SHARE_WITH_HOST: {
        LEGACY_VERSION: _LEGACY,
        "1": _l("I agree that a host who may house us sees our household's details, and, after the host "
                "accepts, our name and phone number."),
    },
    ConsentPurpose.SHARE_WITH_EMPLOYER: {
        LEGACY_VERSION: _LEGACY,
        "1": _l("I agree that employers see my work profile (never my contact), and my contact after I apply "
                "for their job or agree to a referral."),
    },
    ConsentPurpose.MESSAGES: {
        LEGACY_VERSION: _LEGACY,
        "1": _l("I agree to receive messages about my case."),
    },
}

CURRENT: dict[ConsentPurpose, str] = dict.fromkeys(ConsentPurpose, "1")


def text(purpose: ConsentPurpose, version: str) -> Any:
    """The text of this version (lazy: worded in the reader's language); None for an unknown version."""
    return TEXTS[purpose].get(version)


def current_version(purpose: ConsentPurpose) -> str:
    return CURRENT[purpose]

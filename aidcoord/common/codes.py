"""ISO code look-ups through pycountry: countries (3166-1), subdivisions (3166-2), and their names for people.

Codes stay in the database, the API and the exports; pages show names in the reader's language:
pycountry's own translations (Debian's iso-codes) where they exist, our catalog for the deployment
country's regions where they do not (iso-codes has no Armenian subdivision names, and misses some Russian
ones), and Babel (CLDR) for language names. Lists are sorted with `collation_key`.
"""
import gettext
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale
from flask import has_app_context
from flask_babel import force_locale, get_locale
from flask_babel import gettext as catalog_gettext


def N_(message: str) -> str:
    """Marks a string for extraction only; it is translated where it is shown."""
    return message


# pycountry's English names of Armenia's regions, marked so that our catalogs carry them in Armenian and
# Russian (tests/test_names.py checks this list against pycountry).
REGION_NAMES_IN_OUR_CATALOG = {
    "AM-AG": N_("Aragac̣otn"), "AM-AR": N_("Ararat"), "AM-AV": N_("Armavir"), "AM-ER": N_("Erevan"),
    "AM-GR": N_("Geġark'unik'"), "AM-KT": N_("Kotayk'"), "AM-LO": N_("Loṙi"), "AM-SH": N_("Širak"),
    "AM-SU": N_("Syunik'"), "AM-TV": N_("Tavuš"), "AM-VD": N_("Vayoć Jor"),
}
# Letters that a locale's alphabet keeps whole although Unicode decomposes them (Russian й is not и).
_WHOLE_LETTERS = {"ru": "й", "uk": "йї"}


def normalize_country(code: str) -> str | None:
    """The alpha-2 code in upper case, or None if it is not an ISO 3166-1 country."""
    code = (code or "").strip().upper()
    return code if len(code) == 2 and pycountry.countries.get(alpha_2=code) else None


def normalize_subdivision(code: str) -> str | None:
    """The ISO 3166-2 code (e.g. AM-SU) in upper case, or None if unknown."""
    code = (code or "").strip().upper()
    return code if code in _subdivision_names() else None


def country_name(code: str | None, locale: str | None = None) -> str:
    """The country's name in the reader's language (pycountry's translations), or the code if unknown."""
    country = pycountry.countries.get(alpha_2=code or "")
    if country is None:
        return code or ""
    return _iso_codes("iso3166-1", _language(locale)).gettext(country.name)


def subdivision_name(code: str | None, locale: str | None = None) -> str:
    """The region's name in the reader's language, or the code if it is not an ISO 3166-2 subdivision."""
    english = _subdivision_names().get(code or "")
    if english is None:
        return code or ""
    language = _language(locale)
    translated = _iso_codes("iso3166-2", language).gettext(english)
    if translated == english and code in REGION_NAMES_IN_OUR_CATALOG and language != "en":
        return _from_our_catalog(english, language)
    return translated


def subdivision_names(codes, locale: str | None = None) -> str:
    """Several regions by name, comma separated, in the reader's order."""
    names = [subdivision_name(code, locale) for code in codes or ()]
    return ", ".join(sorted(names, key=lambda name: collation_key(name, locale)))


def language_name(code: str | None, locale: str | None = None) -> str:
    """An ISO 639-1 language's name in the reader's language (CLDR through Babel), or the code."""
    if not code:
        return ""
    reader = Locale.parse(_language(locale))
    return reader.languages.get(code.lower()) or code


def language_names(codes, locale: str | None = None) -> str:
    return ", ".join(language_name(code, locale) for code in codes or ())


def country_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every country, named and sorted for the reader."""
    pairs = [(c.alpha_2, country_name(c.alpha_2, locale)) for c in pycountry.countries]
    return sorted(pairs, key=lambda pair: collation_key(pair[1], locale))


def region_choices(country: str, locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the country's ISO 3166-2 subdivisions, named and sorted for the reader."""
    codes = [s.code for s in pycountry.subdivisions.get(country_code=country) or ()]
    pairs = [(code, subdivision_name(code, locale)) for code in codes]
    return sorted(pairs, key=lambda pair: collation_key(pair[1], locale))


def collation_key(text: str, locale: str | None = None) -> tuple[str, str]:
    """A sort key close to the locale's alphabetical order without ICU (PyICU is not installed).

    Case and accents are ignored first (Širak sorts with S, ё with е), then break ties; Unicode already
    orders the Armenian and Cyrillic alphabets as they are taught, except letters a language keeps
    whole though Unicode decomposes them (Russian й), which are kept.
    """
    whole = _WHOLE_LETTERS.get(_language(locale), "")
    folded = unicodedata.normalize("NFC", (text or "").casefold())
    base = "".join(
        letter if letter in whole else "".join(
            part for part in unicodedata.normalize("NFD", letter) if not unicodedata.combining(part))
        for letter in folded)
    return base, folded


def _from_our_catalog(message: str, language: str) -> str:
    current = get_locale()
    if current is not None and current.language == language:
        return catalog_gettext(message)
    if not has_app_context():
        return message
    with force_locale(language):
        return catalog_gettext(message)


def _language(locale: str | None) -> str:
    if locale:
        return str(locale).split("_")[0].split("-")[0].lower()
    current = get_locale()
    return current.language if current else "en"


@lru_cache(maxsize=32)
def _iso_codes(domain: str, language: str) -> gettext.NullTranslations:
    """pycountry's translations of one standard into one language; none (the English names) if missing."""
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


@lru_cache(maxsize=1)
def _subdivision_names() -> dict[str, str]:
    return {s.code: s.name for s in pycountry.subdivisions}

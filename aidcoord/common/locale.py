"""Which language a page, an API answer or a message is written in, and the deployment's time zone.

Pages: the language a person chose (their account's preference once signed in, else the picker's cookie),
else the browser's `Accept-Language`, else the default. The API follows `Accept-Language` only: a script
asks for its language on every call, and a cookie must not change what the same URL answers to it.
Messages (e-mail, notifications) are written in the recipient's language, whoever caused them.
"""
import os
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask_babel import LazyString, force_locale
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

DEFAULT_TIMEZONE = "Asia/Yerevan"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Paths whose answers do not depend on the language (files), so they keep no Vary for it.
_LANGUAGE_FREE_PREFIXES = ("/static/",)


def languages() -> tuple[str, ...]:
    """The languages the app is offered in (config LANGUAGES), the default first among equals."""
    return tuple(current_app.config["LANGUAGES"])


def default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def supported(code: str | None) -> str | None:
    """`code` if the app is offered in it, else None (never trust a stored or sent code blindly)."""
    return code if code and code in languages() else None


def language_name(code: str) -> str:
    """A language's name in itself, as its speakers look for it in a picker: Հայերեն, Русский, English."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    """(code, name in itself) for every language offered, for pickers and selects."""
    return [(code, language_name(code)) for code in languages()]


def cookie_name() -> str:
    # Over https the __Host- prefix pins the cookie to this host and path, as the session cookie is.
    return "__Host-language" if current_app.config["SESSION_COOKIE_SECURE"] else "language"


def set_language_cookie(response: Response, code: str) -> None:
    response.set_cookie(cookie_name(), code, max_age=COOKIE_MAX_AGE, path="/", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")


def _is_api_request() -> bool:
    return request.path.startswith("/api/")


def select_locale() -> str:
    """The language of this request (Flask-Babel's locale selector); commands and logs run in the default."""
    if not has_request_context():
        return default_language()
    if not _is_api_request():
        user = current_user if current_user and current_user.is_authenticated else None
        chosen = supported(getattr(user, "preferred_language", None)) or supported(request.cookies.get(cookie_name()))
        if chosen:
            return chosen
    return request.accept_languages.best_match(languages()) or default_language()


def _vary_on_language(response: Response) -> Response:
    """Caches must keep one copy per language: the API's depends on Accept-Language, a page's on the cookie too."""
    if not request.path.startswith(_LANGUAGE_FREE_PREFIXES):
        response.vary.add("Accept-Language")
        if not _is_api_request():
            response.vary.add("Cookie")
    return response


def language_of(person) -> str:
    """The language to write to this person in: their stored preference, else the default."""
    return supported(getattr(person, "preferred_language", None)) or default_language()


@contextmanager
def in_language_of(person) -> Iterator[str]:
    """Render text for `person` (an e-mail, a notification) in their language, not the one of the request."""
    code = language_of(person)
    with force_locale(code):
        yield code


def deployment_timezone() -> ZoneInfo:
    """The zone the deployment lives in (AIDCOORD_TIMEZONE, read into BABEL_DEFAULT_TIMEZONE by the config).
    Outside an app (a module-level date in a test, a script) it is read from the environment the same way."""
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE")
    else:
        name = os.environ.get("AIDCOORD_TIMEZONE")
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def text_direction() -> str:
    """'ltr' or 'rtl' for the served locale, for <html dir>."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.text_direction if locale is not None else "ltr"


def init_locale(app: Flask) -> None:
    app.after_request(_vary_on_language)
    app.jinja_env.globals.update(language_choices=language_choices, text_direction=text_direction)
    # flask_babel's LazyString.__html__ returns its text unescaped, so Jinja (`{{ }}`, `|join`, `_(..., x=...)`)
    # trusts every lazy string as markup; but lazy messages carry values people typed or uploaded ("Unknown
    # columns: <meta ...>" from a CSV header, a cell in a row error). A lazy string is plain text: escape it.
    LazyString.__html__ = _lazy_as_escaped_text


def _lazy_as_escaped_text(self: LazyString) -> Markup:
    return escape(str(self))

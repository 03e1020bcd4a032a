"""Choosing the language: Accept-Language by default, the picker's cookie beats it, the account's preference beats
both; <html lang> is the language served; the API follows Accept-Language only; caches keep one copy per language."""
import re

import pytest

from aidcoord.extensions import db
from tests.catalog_tools import translation
from tests.conftest import csrf_token
from tests.factories import UserFactory

ARMENIAN = re.compile(r"[\u0531-\u0587]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def served_language(response) -> str:
    return re.search(r'<html lang="([^"]+)" dir="(ltr|rtl)"', response.get_data(as_text=True)).group(1)


def needs_translation(language: str, message_id: str) -> str:
    text = translation(language, message_id)
    if text is None:
        pytest.xfail(f"the {language} catalog does not translate {message_id!r} yet")
    return text


@pytest.mark.parametrize("header,expected", [("hy", "hy"), ("ru-RU,ru;q=0.9,en;q=0.5", "ru"), ("en", "en"),
                                             ("fr-FR,de;q=0.8", "en"), ("", "en")])
def test_pages_follow_accept_language_until_a_language_is_chosen(client, header, expected):
    response = client.get("/login", headers={"Accept-Language": header} if header else {})
    assert served_language(response) == expected


def test_every_page_offers_the_picker_with_each_language_named_in_itself(client):
    page = client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    picker = page[page.index('class="language-picker"'):]
    picker = picker[:picker.index("</form>")]
    for code, name in (("hy", "Հայերեն"), ("ru", "Русский"), ("en", "English")):
        assert f'value="{code}" lang="{code}"' in picker and f">{name}</button>" in picker
    assert 'aria-current="true">Русский' in picker
    assert "<script" not in page  # a plain form: the CSP allows no inline script, and none is needed


def test_the_pickers_choice_beats_accept_language_and_persists(client):
    response = client.post("/language", data={"language": "ru", "next": "/needs?page=2"})
    assert response.status_code == 302 and response.headers["Location"] == "/needs?page=2"
    assert client.get_cookie("language").value == "ru"
    assert served_language(client.get("/needs", headers={"Accept-Language": "hy"})) == "ru"
    assert served_language(client.get("/login", headers={"Accept-Language": "en"})) == "ru"


def test_the_picker_translates_the_page(client):
    log_in = needs_translation("hy", "Log in")
    client.post("/language", data={"language": "hy", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f">{log_in}<" in page and ARMENIAN.search(log_in)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_the_picker_sends_back_only_to_our_own_pages(client, target):
    response = client.post("/language", data={"language": "hy", "next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/language", data={"language": "xx"})
    assert response.status_code == 302 and client.get_cookie("language") is None


def test_a_signed_in_persons_choice_is_kept_on_their_account_and_beats_the_browser(client, pages, app):
    user = UserFactory()
    pages.login(user.email)
    response = client.post("/language", data={"language": "hy", "next": "/account",
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert db.session.get(type(user), user.id).preferred_language == "hy"
    # Another device, another browser language, no cookie: the account decides once signed in.
    other = app.test_client()
    assert served_language(other.get("/login", headers={"Accept-Language": "ru"})) == "ru"
    other.post("/login", data={"email": user.email, "password": "correct horse battery",
                               "csrf_token": csrf_token(other)})
    assert served_language(other.get("/account", headers={"Accept-Language": "ru"})) == "hy"
    other.post("/logout", data={"csrf_token": csrf_token(other)})
    assert served_language(other.get("/login", headers={"Accept-Language": "ru"})) == "hy"  # the cookie follows


def test_changing_a_signed_in_persons_language_needs_the_csrf_token(client, pages):
    user = UserFactory(preferred_language="ru")
    pages.login(user.email)
    assert client.post("/language", data={"language": "hy"}).status_code == 400
    assert db.session.get(type(user), user.id).preferred_language == "ru"


def test_logging_in_keeps_the_language_chosen_before(client, pages):
    user = UserFactory()
    client.post("/language", data={"language": "ru"})
    pages.login(user.email)
    assert db.session.get(type(user), user.id).preferred_language == "ru"


def test_registering_keeps_the_language_of_the_registration_page(client):
    form = {"name": "Anna", "email": "anna@example.org", "password": "a long password 1",
            "password_again": "a long password 1", "csrf_token": csrf_token(client)}
    client.post("/register", data=form, headers={"Accept-Language": "hy"})
    from aidcoord.accounts.services import find_user_by_email
    assert find_user_by_email("anna@example.org").preferred_language == "hy"


def test_the_account_page_sets_the_language(client, pages):
    user = UserFactory()
    pages.login(user.email)
    page = client.get("/account").get_data(as_text=True)
    assert '<option lang="ru" value="ru">Русский</option>' in page or 'value="ru">Русский' in page
    response = pages.post("/account/language", data={"preferred_language": "ru"})
    assert response.status_code == 302
    assert db.session.get(type(user), user.id).preferred_language == "ru"
    assert pages.post("/account/language", data={"preferred_language": "de"}).status_code == 422


def test_the_api_sets_and_shows_the_preferred_language(api):
    user = UserFactory()
    assert api("GET", "/api/v1/me", user).get_json()["preferred_language"] is None
    response = api("PATCH", "/api/v1/me", user, json={"preferred_language": "ru"})
    assert response.status_code == 200 and response.get_json()["preferred_language"] == "ru"
    refused = api("PATCH", "/api/v1/me", user, json={"preferred_language": "klingon"})
    assert refused.status_code == 422
    assert list(refused.get_json()["error"]["fields"]) == ["preferred_language"]


def test_api_errors_follow_accept_language_not_the_cookie_nor_the_account(client, api):
    user = UserFactory(preferred_language="hy")
    client.set_cookie("language", "hy")
    response = api("GET", "/api/v1/needs/987654", user, headers={"Accept-Language": "ru"})
    assert response.status_code == 404
    message = response.get_json()["error"]["message"]
    assert message == needs_translation("ru", "No such need.") and CYRILLIC.search(message)
    english = api("GET", "/api/v1/needs/987654", user, headers={"Accept-Language": "en"})
    assert english.get_json()["error"]["message"] == "No such need."


def test_answers_vary_with_the_language(client):
    api_answer = client.get("/api/v1/needs")
    assert "Accept-Language" in api_answer.headers["Vary"]
    page = client.get("/needs")
    assert {"Accept-Language", "Cookie"} <= {value.strip() for value in page.headers["Vary"].split(",")}
    assert "Accept-Language" not in client.get("/static/css/app.css").headers.get("Vary", "")

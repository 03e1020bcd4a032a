"""Reasons are stored as codes with their numbers and worded when read, in the reader's language: a household's
priority reasons (with plural forms) and a match's reasons (languages by name). Text stored before reasons were codes
is still shown, as it was written. (An organization's history: tests/organizations/test_history_labels.py.)"""
import pytest

from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.housing import matching as housing_matching
from aidcoord.housing.models import Household
from aidcoord.matching import queue
from aidcoord.matching.models import QueueKind
from tests.factories import HousingOfferFactory, UserFactory
from tests.housing.conftest import FAMILY

# FAMILY has two children, one of them under 5.
PRIORITY_REASONS = {
    "hy": ("5 տարեկանից փոքր 1 երեխա", "1 այլ երեխա"),
    "ru": ("1 ребёнок до 5 лет", "1 другой ребёнок"),
}
SPEAKS = {"hy": "հայերեն, ռուսերեն", "ru": "армянский, русский"}


@pytest.fixture
def coordinator(app):
    return UserFactory(roles=["coordinator"])


def page(pages, url, language):
    response = pages.client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_priority_reasons_are_stored_as_codes_with_their_counts(coordinator):
    household = households.register_household(coordinator, {**FAMILY, "children": 3})
    assert household.priority_reasons == [{"code": "children_under_5", "points": 15, "count": 1},
                                          {"code": "other_children", "points": 10, "count": 2}]


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_the_queue_entry_words_priority_reasons_in_the_readers_language(pages, coordinator, language):
    households.register_household(coordinator, dict(FAMILY))
    entry = queue.take_next(coordinator, QueueKind.HOUSING)
    pages.login(coordinator.email)
    text = page(pages, f"/housing/queue/{entry.id}", language)
    for reason in PRIORITY_REASONS[language]:
        assert f"+15: {reason}" in text or f"+5: {reason}" in text
    assert "children under 5" not in text and "other children" not in text


@pytest.mark.parametrize("language,reasons", [("ru", ("2 ребёнка до 5 лет", "5 других детей"))])
def test_russian_counts_take_their_plural_forms(pages, coordinator, language, reasons):
    household = households.register_household(coordinator, {**FAMILY, "adults": 1, "children": 7,
                                                            "children_under_5": 2})
    pages.login(coordinator.email)
    text = page(pages, f"/housing/households/{household.id}", language)
    assert all(reason in text for reason in reasons)


def test_a_reason_stored_as_text_before_codes_is_shown_as_it_was_written(pages, coordinator):
    household = households.register_household(coordinator, dict(FAMILY))
    household.priority_reasons = [[15, "children under 5"]]
    db.session.commit()
    pages.login(coordinator.email)
    assert "+15: children under 5" in page(pages, f"/housing/households/{household.id}", "ru")
    stored = db.session.get(Household, household.id)
    assert households.reasons_for_api(stored.priority_reasons)[0]["label"] == "children under 5"


def test_the_api_gives_the_codes_and_a_label_in_the_requests_language(api, coordinator):
    household = households.register_household(coordinator, dict(FAMILY))
    body = api("GET", f"/api/v1/housing/households/{household.id}", coordinator,
               headers={"Accept-Language": "ru"}).get_json()
    first = body["priority_reasons"][0]
    assert first["code"] == "children_under_5" and first["count"] == 1 and first["points"] == 15
    assert first["label"] == PRIORITY_REASONS["ru"][0]


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_a_match_names_the_shared_languages_in_the_readers_language(pages, coordinator, language):
    households.register_household(coordinator, dict(FAMILY))
    offer = HousingOfferFactory(languages=["hy", "ru"])
    match = housing_matching.propose_offer(coordinator, queue.take_next(coordinator, QueueKind.HOUSING), offer.id)
    assert {"code": "speaks", "points": 20, "languages": ["hy", "ru"]} in match.reasons
    pages.login(coordinator.email)
    text = page(pages, f"/housing/matches/{match.id}", language)
    assert SPEAKS[language] in text and "hy, ru" not in text


def test_the_migration_turns_english_reasons_into_codes_and_leaves_other_text_alone():
    import importlib.util

    from tests.conftest import REPO_ROOT

    path = REPO_ROOT / "migrations" / "versions" / "0010_priority_reasons_as_codes.py"
    spec = importlib.util.spec_from_file_location("reasons_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    old = [[15, "children under 5"], [10, "2 other children"], [0, "medical needs (self-declared, not yet confirmed)"],
           [40, "raised by a coordinator: due next week"], [5, "дети до 5 лет"]]
    converted = [migration._as_code(reason) for reason in old]
    assert converted == [{"code": "children_under_5", "points": 15, "count": 1},
                         {"code": "other_children", "points": 10, "count": 2},
                         {"code": "medical_needs", "points": 0, "count": 1, "self_declared": True},
                         {"code": "raised_by_coordinator", "points": 40, "count": 1, "note": "due next week"},
                         [5, "дети до 5 лет"]]
    assert [migration._as_text(reason) for reason in converted] == old

"""A fit's reasons and the notes the system writes are worded in the reader's language when shown: regions and
languages by name, not by code; what people typed (skills, a profession) stays as typed."""
import pytest
from flask_babel import force_locale

from aidcoord.jobs import engine
from aidcoord.matching import lifecycle
from tests.catalog_tools import translation


def test_fit_reasons_are_codes_worded_with_region_and_language_names(app):
    with app.test_request_context(), force_locale("ru"):
        assert engine.reason_text({"code": "language_above_level", "points": 2, "language": "hy"}) == \
            translation("ru", "%(language)s above the level asked") % {"language": "армянский"}
        region = engine.reason_text({"code": "chosen_region", "points": 5, "region": "AM-SU"})
        assert "AM-SU" not in region and "Сюник" in region
        assert "forklift" in engine.reason_text({"code": "skills", "points": 10, "skills": ["forklift"]})


@pytest.mark.parametrize("language", ["hy", "ru"])
def test_notes_the_system_writes_are_translated_and_typed_ones_are_not(app, language):
    translated = translation(language, "closing date passed")
    if translated is None:
        pytest.xfail(f"the {language} catalog does not translate 'closing date passed' yet")
    with app.test_request_context(), force_locale(language):
        assert lifecycle.reason_text("closing date passed") == translated
        assert lifecycle.reason_text("the employer hired someone else") == "the employer hired someone else"

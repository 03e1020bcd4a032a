"""Every user-facing string is marked for translation from the first page on."""
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

TEMPLATES = sorted((REPO_ROOT / "templates").rglob("*.html"))
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
TAGS = re.compile(r"<[^>]*>", re.S)
ENTITIES = re.compile(r"&[a-z]+;|&#\d+;")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_templates_have_no_unmarked_text(template):
    text = ENTITIES.sub(" ", TAGS.sub(" ", JINJA.sub(" ", template.read_text())))
    leftovers = [word for word in text.split() if re.search(r"[^\W\d_]", word)]
    assert leftovers == [], f"wrap these in _(): {leftovers}"


def test_babel_extracts_the_marked_strings(tmp_path):
    catalog = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",  # noqa: S603 - fixed arguments
                    "-F", str(REPO_ROOT / "babel.cfg"),
                    "-k", "_l", "-o", str(catalog), str(REPO_ROOT)], check=True, capture_output=True, cwd=REPO_ROOT)
    messages = catalog.read_text()
    for expected in ("Log in", "Choose at least one sector.", "An organization with this name is already registered.",
                     "Something went wrong on our side. Nothing was saved."):
        assert f'msgid "{expected}"' in messages

"""The translation catalogs, for the tests: compile them (as `make catalogs` does), extract the marked strings,
and list what a catalog lacks."""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from config import Config

REPO_ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = REPO_ROOT / "aidcoord" / "translations"
# The Makefile's EXTRACT_KEYWORDS: the marking functions beside Babel's defaults (_, gettext, ngettext...).
EXTRACT_KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2")
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def catalog_languages() -> list[str]:
    """Every language offered except the one the strings are written in."""
    return [code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE]


def catalog_path(language: str, root: Path = TRANSLATIONS) -> Path:
    return root / language / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def compile_catalogs(root: Path = TRANSLATIONS) -> list[Path]:
    """Compile each .po whose .mo is missing or older; the .mo appears whole (renamed into place), so that
    test processes starting at the same time never read half a file. Returns the .mo files written."""
    written = []
    for po in sorted(root.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        catalog = read_catalog(po, po.parent.parent.name)
        with tempfile.NamedTemporaryFile(dir=po.parent, suffix=".mo.tmp", delete=False) as handle:
            write_mo(handle, catalog)  # translated entries only: fuzzy and empty ones fall back to English
        Path(handle.name).replace(mo)
        written.append(mo)
    return written


def extract_template(directory: Path) -> Catalog:
    """The strings marked in the code and templates now (pybabel extract into a temporary .pot)."""
    pot = directory / "messages.pot"
    keywords = [argument for keyword in EXTRACT_KEYWORDS for argument in ("-k", keyword)]
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",  # noqa: S603 - fixed arguments
                    "-F", str(REPO_ROOT / "babel.cfg"), *keywords, "-o", str(pot), str(REPO_ROOT)],
                   check=True, capture_output=True, cwd=REPO_ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return read_catalog(pot)


def _shown(message_id) -> str:
    return message_id[0] if isinstance(message_id, tuple | list) else message_id


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems(catalog: Catalog, template: Catalog) -> list[str]:
    """What keeps `catalog` from being complete: a fuzzy header or entry, an untranslated entry or plural form,
    a translation whose placeholders differ from its msgid's, a marked string missing from the catalog."""
    found = []
    if catalog.fuzzy:
        found.append("the catalog's header is marked fuzzy (pybabel compile would skip the whole catalog)")
    for message in catalog:
        if not message.id:
            continue
        shown = _shown(message.id)
        if message.fuzzy:
            found.append(f"fuzzy: {shown!r}")
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            found.append(f"{len(strings)} plural forms instead of {catalog.num_plurals}: {shown!r}")
        if not all(strings):
            found.append(f"untranslated: {shown!r}")
        if not message.pluralizable and message.string and _placeholders(message.string) != _placeholders(shown):
            found.append(f"placeholders {sorted(_placeholders(message.string))} instead of "
                         f"{sorted(_placeholders(shown))}: {shown!r}")
    for message, errors in catalog.check():
        found.extend(f"{error}: {_shown(message.id)!r}" for error in errors)
    for message in template:
        if message.id and catalog.get(message.id, message.context) is None:
            found.append(f"missing from the catalog: {_shown(message.id)!r}")
    return found


def translation(language: str, message_id: str) -> str | None:
    """The committed catalog's translation of `message_id` (None while it is untranslated or fuzzy), for tests that
    check a page or a message is really in that language."""
    path = catalog_path(language)
    if not path.exists():
        return None
    message = read_catalog(path, language).get(message_id)
    if message is None or message.fuzzy or not message.string:
        return None
    return message.string if isinstance(message.string, str) else message.string[0]

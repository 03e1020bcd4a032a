"""Every catalog (hy, ru) is complete: each marked string translated, none fuzzy, none missing, placeholders kept."""
import pytest

from tests.catalog_tools import (
    catalog_languages,
    catalog_path,
    compile_catalogs,
    extract_template,
    problems,
    read_catalog,
)

TINY_TEMPLATE = '''msgid ""
msgstr ""

msgid "Needs"
msgstr ""

msgid "Pledges"
msgstr ""

msgid "%(count)d bed"
msgid_plural "%(count)d beds"
msgstr[0] ""
msgstr[1] ""

msgid "Queue"
msgstr ""
'''

TINY_CATALOG = '''msgid ""
msgstr ""
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) "
"? 1 : 2);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Needs"
msgstr "Потребности"

#, fuzzy
msgid "Pledges"
msgstr "Обещания"

msgid "%(count)d bed"
msgid_plural "%(count)d beds"
msgstr[0] "%(count)d койка"
msgstr[1] "%(count)d койки"
msgstr[2] ""
'''


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    return extract_template(tmp_path_factory.mktemp("pot"))


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_check_finds_untranslated_fuzzy_and_missing_entries(tmp_path):
    template = read_catalog(_write(tmp_path / "messages.pot", TINY_TEMPLATE))
    catalog = read_catalog(_write(tmp_path / "ru.po", TINY_CATALOG), "ru")
    assert problems(catalog, template) == [
        "fuzzy: 'Pledges'",
        "untranslated: '%(count)d bed'",
        "missing from the catalog: 'Queue'",
    ]


@pytest.mark.parametrize("translation", ["Բարեւ", "Բարեւ %(nane)s"], ids=["dropped", "misspelt"])
def test_the_check_finds_a_translation_that_loses_a_placeholder(tmp_path, translation):
    entry = 'msgid ""\nmsgstr ""\n\n#, python-format\nmsgid "Hello %(name)s"\nmsgstr "{}"\n'
    template = read_catalog(_write(tmp_path / "messages.pot", entry.format("")))
    catalog = read_catalog(_write(tmp_path / "hy.po", entry.format(translation)), "hy")
    found = problems(catalog, template)
    assert found and all("'Hello %(name)s'" in problem for problem in found)
    assert "instead of ['name']" in found[0]


def test_the_check_finds_a_catalog_marked_fuzzy_as_a_whole(tmp_path):
    template = read_catalog(_write(tmp_path / "messages.pot", TINY_TEMPLATE))
    catalog = read_catalog(_write(tmp_path / "ru.po", "#, fuzzy\n" + TINY_CATALOG), "ru")
    assert problems(catalog, template)[0].startswith("the catalog's header is marked fuzzy")


def test_a_complete_catalog_passes_the_check(tmp_path):
    template = read_catalog(_write(tmp_path / "messages.pot", TINY_TEMPLATE))
    complete = (TINY_CATALOG.replace("#, fuzzy\n", "").replace('msgstr[2] ""', 'msgstr[2] "%(count)d коек"')
                + '\nmsgid "Queue"\nmsgstr "Очередь"\n')
    assert problems(read_catalog(_write(tmp_path / "ru.po", complete), "ru"), template) == []


def test_compiling_writes_a_mo_file_the_app_can_read(tmp_path):
    _write(catalog_path("ru", tmp_path), TINY_CATALOG)
    assert compile_catalogs(tmp_path) == [catalog_path("ru", tmp_path).with_suffix(".mo")]
    assert compile_catalogs(tmp_path) == []  # up to date: nothing rewritten


@pytest.mark.parametrize("language", catalog_languages())
def test_every_catalog_translates_every_marked_string(language, marked):
    path = catalog_path(language)
    assert path.exists(), f"no catalog for {language}: run `make translations`"
    gaps = problems(read_catalog(path, language), marked)
    assert gaps == [], f"{len(gaps)} problems in {path.relative_to(path.parents[4])}:\n" + "\n".join(gaps[:50])

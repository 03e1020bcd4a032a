"""The main pages in Armenian, Russian and English, on a phone (390x844) and a laptop (1280x800): the text is
in the reader's script, and nothing is wider than the screen (long Armenian and Russian words wrap).

One world, one server and one browser for the whole module; each language and screen is walked once
(a fresh browser context choosing its language by Accept-Language, as a first visit does), and the
checks read the walk's findings.
"""
import re
import shutil
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from werkzeug.serving import make_server

from aidcoord.common.types import today, utcnow
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.jobs import listings
from aidcoord.volunteers import services as volunteers
from tests.conftest import POSTGRES_URL, empty_postgres_tables, make_app
from tests.factories import PASSWORD, HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.browser

LANGUAGES = ("hy", "ru", "en")
SCREENS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
# Letters of each script: Armenian U+0531–U+058F, Cyrillic U+0400–U+04FF, Latin (basic and accented).
SCRIPTS = {"hy": "\u0531-\u058f", "ru": "\u0400-\u04ff", "en": "A-Za-z\u00c0-\u024f"}
ALL_LETTERS = re.compile(f"[{''.join(SCRIPTS.values())}]")
# Shares of the letters on a page that must be in the reader's script, once proper names and codes are set aside.
SCRIPT_SHARE = 0.9
# People's own words on the seeded records (names, a task, an item): shown as they were typed, in any script.
PROPER_NAMES = ("Hayordi Relief", "Ani Coordinator", "Anahit Petrosyan", "Hot meals at the border", "Kornidzor",
                "Goris", "winter blankets", "Baker", "Ararat Bakery")
# Codes and names that stay as they are in every language; the picker names each language in itself.
NEUTRAL = re.compile(r"\baidcoord\b|\b(?:CSV|HXL|API|UTC|AMD|EUR|USD|ISO)\b|\S+@\S+|\b[A-Z]{2}-[A-Z]{2}\b"
                     r"|\bEnglish\b|Русский|Հայերեն")

PAGES = {
    "login": "/login",
    "needs": "/needs",
    "pledge form": "/pledges/new",
    "housing offer form": "/housing/offers/new",
    "household registration": "/housing/households/new",
    "queue": "/housing/queue",
    "job board": "/jobs/",
    "shift sign-up": "/volunteers/shifts/{shift_id}",
}

# What sticks out of the viewport (outside boxes that scroll), and what is cut off inside a box that clips.
FIND_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ' "' + (el.innerText || el.value || '').trim().slice(0, 40) + '"';
  const scrolls = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > width) found.push('page is ' + pageWidth + 'px wide');
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // hidden, or visually hidden for screen readers
    if (box.right > width + 1 && !scrolls(el)) found.push(name(el) + ' ends at ' + Math.round(box.right) + 'px');
    const style = getComputedStyle(el);
    const spills = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim();
    if (spills && ['hidden', 'clip'].includes(style.overflowX)) found.push(name(el) + ' cuts its text off');
    else if (spills && style.overflowX === 'visible' && !scrolls(el)) found.push(name(el) + ' spills out of its box');
  }
  return found.slice(0, 12);
}"""


@pytest.fixture(scope="module")
def world(migrated_database, tmp_path_factory):
    """A seeded database served on a free port: one of each thing the main pages show."""
    if POSTGRES_URL:
        empty_postgres_tables(POSTGRES_URL)
        url = POSTGRES_URL
    else:
        copy = tmp_path_factory.mktemp("languages") / "world.sqlite"
        shutil.copyfile(migrated_database, copy)
        url = f"sqlite:///{copy}"
    app = make_app(url)
    with app.app_context():
        ids = _seed()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": f"http://127.0.0.1:{server.server_port}", **ids}
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def _seed() -> dict:
    person = UserFactory(name="Ani Coordinator", roles=["coordinator", "host", "donor", "volunteer", "employer"])
    organization = OrganizationFactory(name="Hayordi Relief", members=[person], regions=["AM-SU", "AM-ER"])
    NeedFactory(organization=organization, item="winter blankets", quantity=Decimal(21), created_by=person)
    HousingOfferFactory(host=person, created_by=person)
    households.register_household(person, {
        "contact_name": "Anahit Petrosyan", "contact_phone": "+37491123456", "adults": 2, "children": 3,
        "children_under_5": 1, "preferred_regions": ["AM-SU", "AM-ER"], "consent_to_share": True})
    listing = listings.post_listing(person, {
        "title": "Baker", "sector": "hospitality", "region": "AM-ER", "positions": 2, "languages": "hy:B2",
        "skills": "baking", "contract_type": "full_time", "closing_date": (today() + timedelta(days=20)).isoformat()})
    listings.publish(person, listing)
    start = utcnow() + timedelta(days=1)
    shift = volunteers.post_shift(person, organization, {
        "task": "Hot meals at the border", "region": "AM-SU", "locality": "Kornidzor",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=5)).isoformat(), "slots": 3})
    return {"email": person.email, "shift_id": shift.id}


@pytest.fixture(scope="module")
def walks(world, browser):
    """walk(language, screen) -> {page: (text, overflow findings)}, each walked once per module."""
    done: dict[tuple[str, str], dict] = {}

    def walk(language: str, screen: str) -> dict:
        if (language, screen) not in done:
            done[language, screen] = _walk(browser, world, language, screen)
        return done[language, screen]

    return walk


def _walk(browser, world, language: str, screen: str) -> dict:
    context = browser.new_context(locale=language, viewport=SCREENS[screen])
    page = context.new_page()
    page.set_default_timeout(10_000)
    found = {}
    try:
        for name, path in PAGES.items():
            page.goto(world["base"] + path.format(shift_id=world["shift_id"]))
            page.wait_for_load_state()
            found[name] = (page.locator("body").inner_text(), page.evaluate(FIND_OVERFLOW))
            if name == "login":  # the other pages are for a signed-in person
                page.locator("input[name=email]").fill(world["email"])
                page.locator("input[name=password]").fill(PASSWORD)
                page.locator("main form [type=submit]").click()
                page.wait_for_load_state()
    finally:
        context.close()
    return found


def script_share(text: str, language: str) -> tuple[float, list[str]]:
    """The share of the page's letters in the language's script, and the words in other scripts."""
    for name in PROPER_NAMES:
        text = text.replace(name, " ")
    text = NEUTRAL.sub(" ", text)
    own = re.compile(f"[{SCRIPTS[language]}]")
    letters = ALL_LETTERS.findall(text)
    foreign = sorted({word for word in re.findall(r"[^\W\d_]+", text) if not own.search(word)})
    return (sum(1 for letter in letters if own.match(letter)) / len(letters) if letters else 1.0), foreign


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_is_wider_than_the_screen(walks, language, screen):
    overflowing = {name: found for name, (_text, found) in walks(language, screen).items() if found}
    assert overflowing == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reads_in_the_chosen_language(walks, language):
    shares = {name: script_share(text, language) for name, (text, _found) in walks(language, "phone").items()}
    too_little = {name: (round(share, 2), words) for name, (share, words) in shares.items() if share < SCRIPT_SHARE}
    if too_little:
        pytest.fail(f"pages not in {language} (share of its letters; words in other scripts):\n" + "\n".join(
            f"  {name}: {share} {' '.join(words)}" for name, (share, words) in too_little.items()))


def test_the_armenian_font_is_served_from_the_app(world, browser):
    context = browser.new_context(locale="hy", viewport=SCREENS["phone"])
    page = context.new_page()
    fonts = []
    page.on("response", lambda response: fonts.append(response.url) if response.url.endswith(".woff2") else None)
    page.goto(world["base"] + "/login")
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate("() => document.fonts.check('16px \"Noto Sans Armenian\"', 'Հայերեն')")
    context.close()
    assert fonts and all(url.startswith(world["base"] + "/static/fonts/") for url in fonts)
    assert loaded


def test_the_overflow_check_finds_text_wider_than_a_phone(world, browser):
    """The check above would see a page pushed sideways (here a line that cannot wrap)."""
    context = browser.new_context(locale="en", viewport=SCREENS["phone"])
    page = context.new_page()
    page.goto(world["base"] + "/login")
    page.evaluate("() => { const line = document.createElement('pre'); line.textContent = 'Ա'.repeat(200);"
                  " document.querySelector('main').append(line); }")
    found = page.evaluate(FIND_OVERFLOW)
    context.close()
    assert "page is" in found[0] and any(finding.startswith("pre") for finding in found), found

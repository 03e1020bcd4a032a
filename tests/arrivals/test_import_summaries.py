"""Import summaries count their problems and rows with plural forms, in every language (1 problem, 2 problems;
Russian's three forms)."""
import pytest
from flask_babel import force_locale, ngettext

from aidcoord.arrivals import imports
from aidcoord.common.csv_import import ImportRejected
from tests.conftest import pinned_clock
from tests.factories import UserFactory

pytestmark = pinned_clock
PROBLEM = ("Nothing was imported: %(num)d problem.", "Nothing was imported: %(num)d problems.")


@pytest.mark.parametrize("locale, expected", [
    ("en", {1: "1 problem.", 2: "2 problems.", 5: "5 problems."}),
    ("ru", {1: "1 ошибка.", 2: "2 ошибки.", 5: "5 ошибок.", 21: "21 ошибка."}),
    ("hy", {1: "1 խնդիր։", 2: "2 խնդիր։"}),  # after a numeral the Armenian noun stays singular
])
def test_problem_counts_take_the_languages_plural_forms(app, locale, expected):
    with force_locale(locale):
        for number, ending in expected.items():
            assert ngettext(*PROBLEM, number).endswith(ending)


def test_a_rejected_arrivals_file_counts_its_problems(app):
    rows = "reported_at,cumulative_arrivals,source\n2023-09-24,-1,x\n2023-09-25,7,\n2023-09-26,9,x\n"
    with pytest.raises(ImportRejected) as rejected:
        imports.import_arrivals(UserFactory(roles=["coordinator"]), rows)
    assert str(rejected.value.message) == "Nothing was imported: 2 problems."
    with pytest.raises(ImportRejected) as rejected:
        imports.import_arrivals(UserFactory(roles=["coordinator"]), rows.replace(",-1,", ",1,"))
    assert str(rejected.value.message) == "Nothing was imported: 1 problem."

"""docs/personal-data.md lists every personal field, and only those: the columns marked info=PERSONAL in the
models are exactly its "Personal fields" rows, and a column whose name looks personal is either marked or
explicitly judged not personal there. No database needed: the test walks the models' metadata."""
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import aidcoord
from aidcoord.common.personal_data import is_personal
from aidcoord.extensions import db

INVENTORY = Path(__file__).resolve().parent.parent / "docs" / "personal-data.md"
NOT_PERSONAL_HEADING = "## Considered and judged not personal"
# A table row naming a column in its first cell: | `households.contact_phone` | ...
ROW = re.compile(r"^\|\s*`(?P<table>[a-z0-9_]+)\.(?P<column>[a-z0-9_]+)`\s*\|(?P<rest>.*)$")
# Words in a column's name that suggest it holds personal data (matched against its _-separated words).
LOOKS_PERSONAL = frozenset({
    "name", "names", "surname", "email", "phone", "mobile", "telegram", "address", "contact", "note", "notes",
    "comment", "comments", "reason", "reasons", "description", "details", "message", "body", "birth", "dob", "age",
    "gender", "sex", "nationality", "passport", "document", "medical", "health", "disability", "ip", "password",
    "location", "latitude", "longitude", "availability",
})


def all_tables():
    """Every table of every slice, including slices added after this test was written."""
    for module in pkgutil.iter_modules(aidcoord.__path__):
        if module.ispkg and importlib.util.find_spec(f"aidcoord.{module.name}.models") is not None:
            importlib.import_module(f"aidcoord.{module.name}.models")
    return db.metadata.tables.values()


def column_names(predicate) -> set[str]:
    return {f"{table.name}.{column.name}" for table in all_tables() for column in table.columns if predicate(column)}


def looks_personal(column_name: str) -> bool:
    return bool(LOOKS_PERSONAL.intersection(column_name.split("_")))


def inventory_rows() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """({table.column: cells} listed as personal, {table.column: cells} judged not personal)."""
    text = INVENTORY.read_text(encoding="utf-8")
    assert text.count(NOT_PERSONAL_HEADING) == 1, f"{INVENTORY.name} needs one section {NOT_PERSONAL_HEADING!r}"
    sections = text.split(NOT_PERSONAL_HEADING)
    personal: dict[str, list[str]] = {}
    not_personal: dict[str, list[str]] = {}
    for section, rows in zip(sections, (personal, not_personal), strict=True):
        for line in section.splitlines():
            match = ROW.match(line.strip())
            if match:
                name = f"{match['table']}.{match['column']}"
                assert name not in personal and name not in not_personal, f"{name} is listed twice"
                rows[name] = [cell.strip() for cell in match["rest"].rstrip("|").split("|")]
    return personal, not_personal


def test_every_column_marked_personal_is_in_the_inventory():
    listed, _ = inventory_rows()
    missing = column_names(is_personal) - set(listed)
    assert not missing, f"marked info=PERSONAL but not listed in docs/personal-data.md: {sorted(missing)}"


def test_every_field_the_inventory_lists_as_personal_exists_and_is_marked():
    listed, _ = inventory_rows()
    unmarked = set(listed) - column_names(is_personal)
    assert not unmarked, f"listed as personal but no such column, or not marked info=PERSONAL: {sorted(unmarked)}"


def test_every_personal_field_says_what_why_who_and_when_deleted():
    listed, _ = inventory_rows()
    incomplete = {name for name, cells in listed.items() if len(cells) != 4 or not all(cells)}
    assert not incomplete, f"rows need: what it holds | why | who may see it | when it is deleted: {sorted(incomplete)}"


def test_a_column_whose_name_looks_personal_is_marked_or_judged_not_personal():
    _, judged = inventory_rows()
    suspicious = column_names(lambda column: looks_personal(column.name) and not is_personal(column)) - set(judged)
    assert not suspicious, (
        f"these columns look personal: mark them info=PERSONAL and list them in docs/personal-data.md, or list them "
        f"under {NOT_PERSONAL_HEADING!r} with the reason: {sorted(suspicious)}")


def test_columns_judged_not_personal_exist_are_not_marked_and_say_why():
    _, judged = inventory_rows()
    wrong = set(judged) - column_names(lambda column: not is_personal(column))
    assert not wrong, f"judged not personal but no such column, or marked info=PERSONAL: {sorted(wrong)}"
    assert all(cells and all(cells) for cells in judged.values()), "every column judged not personal says why"


@pytest.mark.parametrize("column_name", ["contact_name", "date_of_birth", "passport_number", "ip_address",
                                         "medical_note", "decline_reason", "home_address", "telegram_chat"])
def test_the_name_check_catches_personal_looking_columns(column_name):
    assert looks_personal(column_name)


@pytest.mark.parametrize("column_name", ["region", "beds", "free_beds", "children_under_5", "recipient_id",
                                         "shipping_cost", "created_at", "priority"])
def test_the_name_check_lets_ordinary_columns_pass(column_name):
    assert not looks_personal(column_name)

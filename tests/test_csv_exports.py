"""Every CSV aidcoord serves is written by one function (common.csv_export.safe_csv): a walk over every GET
route finds the CSV responses, with formula-leading text (=cmd|, +, -, @, tab, CR) seeded into what they
export, and checks that every such cell comes back behind a quote and that each file carries an HXL hashtag
row that libhxl reads back."""
import ast
import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import hxl
import pytest

from aidcoord.common.csv_export import FORMULA_STARTS, safe_csv, spreadsheet_safe
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.pledges import services as pledges
from aidcoord.volunteers import services as volunteers
from tests.factories import HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.volunteers.test_volunteers import shift_data

HOSTILE = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1"]
NUMBER = re.compile(r"-?\d+(\.\d+)?")
ROOT = Path(__file__).resolve().parent.parent
# CSV files that are not shared outward need no HXL hashtag row; say why when adding one.
WITHOUT_HXL = {
    "/api/v1/me/data": "a person's own data, for themselves (section, record, field, value)",
    "/account/my-data/export": "the same, from the page",
}


def seed_hostile_world() -> dict[str, int]:
    """One record of every exported kind per hostile value, that value in its exported text; URL arguments."""
    coordinator = UserFactory(roles=["coordinator"], name=HOSTILE[0])  # their own data export holds it
    donor = UserFactory(roles=["donor"])
    ids: dict[str, int] = {}
    for number, text in enumerate(HOSTILE):
        organization = OrganizationFactory(name=f"{text} {number}", members=[coordinator])
        need = NeedFactory(organization=organization, item=text, locality=text)
        pledges.make_pledge(donor, {"contribution": "in_kind", "quantity": "1", "unit": "beds", "need_id": need.id,
                                    "item": text})
        HousingOfferFactory(organization=organization, locality=text, external_ref=f"{text} offer")
        households.register_household(coordinator, {**FAMILY, "contact_phone": f"+374 91 12345{number}",
                                                    "contact_name": f"Narine Hakobyan {number}",
                                                    "external_ref": f"{text} household"})
        shift = volunteers.post_shift(coordinator, organization, shift_data(task=text))
        person = UserFactory(roles=["volunteer"], name=text)
        volunteers.save_profile(person, {"skills": ["logistics"], "languages": ["hy"], "regions": ["AM-SU"]})
        volunteers.sign_up(person, shift)
        ids.update(shift_id=shift.id, organization_id=organization.id, need_id=need.id)
    db.session.commit()
    ids["coordinator"] = coordinator.id
    return ids


def csv_responses(app, client, pages, ids):
    """(rule, response) for every GET route that answers with text/csv (as it is, or asked for ?format=csv),
    its URL arguments taken from `ids`."""
    coordinator = db.session.get(UserFactory._meta.model, ids["coordinator"])
    pages.login(coordinator.email)
    from aidcoord.accounts.services import create_api_token

    _token, plain = create_api_token(coordinator, "csv walk")
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or not set(rule.arguments) <= set(ids):
            continue
        url = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        for query in ("", "?format=csv"):
            response = client.get(url + query, headers={"Authorization": f"Bearer {plain}"})
            if response.mimetype == "text/csv":
                found.append((rule.rule, response))
                break
    return found


@pytest.fixture
def exported(app, client, pages):
    return csv_responses(app, client, pages, seed_hostile_world())


def test_every_csv_endpoint_escapes_formulas_and_carries_hxl(exported, app):
    rules = {rule for rule, _response in exported}
    assert {rule.rule for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv")} | set(WITHOUT_HXL) <= rules
    escaped_everywhere = set()
    for rule, response in exported:
        assert response.status_code == 200, rule
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline="")))
        cells = [cell for row in rows for cell in row]
        live = [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell)]
        assert live == [], rule
        escaped = {text for text in HOSTILE if any(cell.startswith("'" + text) for cell in cells)}
        assert escaped, f"{rule} exported none of the seeded values"
        escaped_everywhere |= escaped
        if rule not in WITHOUT_HXL:
            assert rows[1] and all(tag.startswith("#") for tag in rows[1]), rule
            dataset = hxl.data(io.BytesIO(response.data))
            assert [column.display_tag for column in dataset.columns] == rows[1], rule
            assert len(list(dataset)) == len(rows) - 2, rule
    assert escaped_everywhere == set(HOSTILE)


def test_only_the_one_csv_function_writes_csv():
    """csv.writer / csv.DictWriter anywhere else would bypass the escaping."""
    writers = []
    for path in (ROOT / "aidcoord").rglob("*.py"):
        if path == ROOT / "aidcoord" / "common" / "csv_export.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"writer", "DictWriter"} \
                    and isinstance(node.value, ast.Name) and node.value.id == "csv":
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.ImportFrom) and node.module == "csv" \
                    and {alias.name for alias in node.names} & {"writer", "DictWriter"}:
                writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert writers == []


@pytest.mark.parametrize("text", [*HOSTILE, "\n=1+1", "\uff1d1+1"])
def test_formula_starts_are_quoted_and_numbers_kept(text):
    assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe(Decimal("-3.5")) == Decimal("-3.5") and spreadsheet_safe(-2) == -2
    assert spreadsheet_safe("Goris") == "Goris" and spreadsheet_safe(None) == ""
    rows = list(csv.reader(io.StringIO(safe_csv([text], [[text]], hashtags=["#x"]), newline="")))
    assert rows == [["'" + text], ["#x"], ["'" + text]]

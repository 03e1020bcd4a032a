"""CSV import of needs (all or nothing, errors by row and column) and CSV/HXL exports."""
import io
from datetime import timedelta
from decimal import Decimal

import hxl
import pytest
from sqlalchemy import func, select

from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.needs.models import Need
from aidcoord.pledges import services as pledges
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

SOON = (today() + timedelta(days=5)).isoformat()
PAST = (today() - timedelta(days=5)).isoformat()
HEADER = "external_ref,sector,item,quantity,unit,amount,currency,region,locality,urgency,needed_by,description\n"
GOOD = HEADER + (
    f"R1,shelter,beds,120,beds,,,AM-SU,Goris,critical,{SOON},for the school gym\n"
    f"R2,food_security,hot meals,3000,meals,,,AM-SU,Kapan,high,{SOON},\n"
    f"R3,protection,psychological first aid,,,250000,AMD,AM-ER,Yerevan,normal,{SOON},sessions\n"
)
BAD = HEADER + (
    f"R1,shelter,beds,120,beds,,,AM-SU,Goris,critical,{SOON},\n"
    f"R2,food_security,hot meals,-5,buckets,,,AM-ZZ,Kapan,high,{PAST},\n"
    f"R3,protection,,,,250000,XYZ,AM-ER,Yerevan,asap,{SOON},\n"
)


def count_needs():
    return db.session.scalar(select(func.count()).select_from(Need))


@pytest.fixture
def member():
    return UserFactory()


@pytest.fixture
def organization(member):
    return OrganizationFactory(members=[member])


def test_a_valid_file_is_imported_in_one_go_keeping_external_references(api, member, organization):
    response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}", member,
                   data=GOOD, content_type="text/csv")
    assert response.status_code == 200 and len(response.get_json()["created"]) == 3
    assert sorted(db.session.scalars(select(Need.external_ref))) == ["R1", "R2", "R3"]


def test_an_invalid_file_lists_every_error_by_row_and_column_and_writes_nothing(api, member, organization):
    response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}", member,
                   data=BAD, content_type="text/csv")
    assert response.status_code == 422
    errors = response.get_json()["error"]["fields"]
    assert set(errors) == {"row 3", "row 4"}
    assert set(errors["row 3"]) == {"quantity", "unit", "region", "needed_by"}
    assert set(errors["row 4"]) == {"item", "currency", "urgency"}
    assert count_needs() == 0


def test_dry_run_checks_without_writing(api, member, organization):
    response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}&dry_run=true", member,
                   data=GOOD, content_type="text/csv")
    assert response.get_json()["valid"] is True and count_needs() == 0


def test_missing_and_unknown_columns_are_named(api, member, organization):
    response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}", member,
                   data="item,colour\nbeds,red\n", content_type="text/csv")
    message = str(response.get_json()["error"]["fields"]["file"])
    assert "Missing columns: sector, region, urgency, needed_by" in message and "Unknown columns: colour" in message


def test_outsiders_cannot_import(api, organization):
    response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}", UserFactory(roles=["donor"]),
                   data=GOOD, content_type="text/csv")
    assert response.status_code == 403 and count_needs() == 0


def test_cli_import_checks_then_commits(app, member, organization, tmp_path):
    path = tmp_path / "needs.csv"
    path.write_text(GOOD)
    runner = app.test_cli_runner()
    check = runner.invoke(args=["needs", "import", "--organization", organization.id, "--as", member.email, str(path)])
    assert check.exit_code == 0 and "3 rows are valid" in check.output and count_needs() == 0
    done = runner.invoke(args=["needs", "import", "--organization", organization.id, "--as", member.email,
                               "--commit", str(path)])
    assert done.exit_code == 0 and count_needs() == 3
    path.write_text(BAD)
    failed = runner.invoke(args=["needs", "import", "--organization", organization.id, "--as", member.email,
                                 "--commit", str(path)])
    assert failed.exit_code != 0 and "row 3, region" in failed.output and count_needs() == 3


def test_page_import_previews_then_imports(pages, member, organization):
    pages.login(member.email)
    url = f"/organizations/{organization.id}/needs/import"
    preview = pages.post(url, data={"file": (io.BytesIO(BAD.encode()), "needs.csv")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "Row 3" in preview and "region" in preview and count_needs() == 0
    preview = pages.post(url, data={"file": (io.BytesIO(GOOD.encode()), "needs.csv")},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert "3 rows are ready" in preview and count_needs() == 0
    response = pages.post(url + "/confirm", data={"csv_text": GOOD})
    assert response.status_code == 302 and count_needs() == 3


def test_needs_export_reads_back_with_libhxl(api, app):
    donor = UserFactory(roles=["donor"])
    need = NeedFactory(item="winter jackets =cmd", quantity=Decimal(300), locality="Goris")
    pledges.make_pledge(donor, {"contribution": "in_kind", "quantity": "120", "unit": "beds", "need_id": need.id})
    response = api("GET", "/api/v1/needs/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    dataset = hxl.data(io.BytesIO(response.data))
    rows = list(dataset)
    assert len(rows) == 1
    row = rows[0]
    assert row.get("#org+name") == need.organization.name
    assert row.get("#adm1+code") == "AM-SU" and row.get("#sector") == "shelter"
    assert row.get("#indicator+num+requested") == "300" and row.get("#indicator+num+pledged") == "120"
    assert row.get("#item+name") == "winter jackets =cmd"
    assert row.get("#status") == "partially_covered"


def test_pledges_export_reads_back_with_libhxl(app, api):
    app.test_cli_runner().invoke(args=["seed-demo"])
    dataset = hxl.data(io.BytesIO(api("GET", "/api/v1/pledges/export.csv?currency=EUR").data))
    amounts = [Decimal(row.get("#value+pledged")) for row in dataset]
    assert sum(amounts) == Decimal("33500000")


def test_exported_text_cannot_become_a_spreadsheet_formula(api):
    NeedFactory(item="=HYPERLINK(\"http://evil\")")
    assert "'=HYPERLINK" in api("GET", "/api/v1/needs/export.csv").get_data(as_text=True)

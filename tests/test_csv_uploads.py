"""Every CSV upload (pages, API, CLI) reads the file in the encoding it was saved in: UTF-8 with or without a
BOM, UTF-16 with its BOM, Windows-1251, Windows-1252; the same file in each gives the same rows, and a file in
no encoding aidcoord reads is refused with a message (API 422 on `file`, a form error, a CLI error), never
imported with the wrong letters."""
import codecs
import html
import io
import re

import pytest
from sqlalchemy import func, select

from aidcoord.common.csv_import import UndecodableFile, decode_upload
from aidcoord.extensions import db
from aidcoord.housing.models import Household
from aidcoord.needs.models import Need
from aidcoord.worker.services import run_worker
from tests.factories import OrganizationFactory, UserFactory
from tests.needs.test_import_export import SOON

HOUSEHOLDS = ("external_ref,contact_name,contact_phone,adults,children,children_under_5,preferred_regions,"
              "consent_to_share\n"
              "R-1,{first},+37491000001,2,2,1,AM-SU,yes\n"
              "R-2,{second},+37491000002,1,0,0,AM-ER AM-KT,no\n")
NAMES = {  # the languages a file may hold, and the legacy encoding (if any) that can carry them
    "latin": ("José Müller-Françoise", "Zoë Ångström", "cp1252"),
    "cyrillic": ("Наталья Ёлкина", "Сергей Иванов-Щукин", "cp1251"),
    "armenian": ("Նարինե Հակոբյան", "Լևոն Գրիգորյան", None),
}
NEEDS = ("sector,item,quantity,unit,region,locality,urgency,needed_by\n"
         f"shelter,{{item}},100,beds,AM-SU,Goris,high,{SOON}\n")
ITEMS = {"latin": ("Décken für Kinder", "cp1252"), "cyrillic": ("Одеяла детские", "cp1251"),
         "armenian": ("Վերմակներ", None)}
UNDECODABLE = {
    "binary": bytes(range(256)) * 4,
    "utf-16 without its BOM": "contact_name\nНаталья\n".encode("utf-16-le"),
    "shift_jis": "名前,電話\n田中太郎,0312345678\n".encode("shift_jis"),
    "cp866 (DOS Cyrillic)": "contact_name\nНаталья Ёлкина, Сергей Иванов\n".encode("cp866"),
}


def encodings(legacy):
    return ["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom", *([legacy] if legacy else [])]


def encoded(text, encoding):
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


@pytest.mark.parametrize("language", NAMES)
def test_the_same_file_in_every_encoding_reads_the_same(language):
    first, second, legacy = NAMES[language]
    text = HOUSEHOLDS.format(first=first, second=second)
    assert {decode_upload(encoded(text, encoding)) for encoding in encodings(legacy)} == {text}
    crlf = text.replace("\n", "\r\n")
    assert decode_upload(encoded(crlf, legacy or "utf-8")) == crlf


@pytest.mark.parametrize("data", UNDECODABLE.values(), ids=UNDECODABLE.keys())
def test_a_file_in_no_known_encoding_is_refused(data):
    with pytest.raises(UndecodableFile) as refused:
        decode_upload(data)
    assert refused.value.status == 422 and "encoding" in str(refused.value.fields["file"][0])


@pytest.mark.parametrize("language", NAMES)
def test_households_through_the_page_give_identical_rows_in_every_encoding(app, pages, language):
    pages.login(UserFactory(roles=["coordinator"]).email)
    first, second, legacy = NAMES[language]
    text = HOUSEHOLDS.format(first=first, second=second)
    checked = set()
    for encoding in encodings(legacy):
        page = pages.post("/housing/import/households", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(encoded(text, encoding)), "list.csv")}).get_data(as_text=True)
        assert "2 rows are ready" in page, encoding
        checked.add(html.unescape(re.search(r'name="csv_text" type="hidden" value="([^"]*)"', page).group(1)))
    assert checked == {text}
    assert pages.post("/housing/import/households/confirm", data={"csv_text": checked.pop()}).status_code == 302
    assert run_worker(burst=True) == 1
    assert sorted(db.session.scalars(select(Household.contact_name))) == sorted([first, second])


def test_an_undecodable_file_is_a_form_error_on_the_page(app, pages):
    pages.login(UserFactory(roles=["coordinator"]).email)
    response = pages.post("/housing/import/households", content_type="multipart/form-data",
                          data={"file": (io.BytesIO(UNDECODABLE["shift_jis"]), "list.csv")})
    assert "encoding was not recognised" in response.get_data(as_text=True)
    assert db.session.scalars(select(Household)).all() == []


@pytest.mark.parametrize("language", ITEMS)
def test_needs_through_the_api_give_identical_rows_in_every_encoding(api, language):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    item, legacy = ITEMS[language]
    for encoding in encodings(legacy):
        response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}", member,
                       data=encoded(NEEDS.format(item=item), encoding), content_type="text/csv")
        assert response.status_code == 200, (encoding, response.get_json())
    assert list(db.session.scalars(select(Need.item))) == [item] * len(encodings(legacy))


def csv_uploads(app, organization) -> list[tuple[str, str, dict, str]]:
    """Every operation of the OpenAPI document taking a text/csv body: (path, method, operation, its query)."""
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    known = {"organization_id": organization.id, "dry_run": "true"}
    uploads = [(path, method, operation) for path, operations in paths.items()
               for method, operation in operations.items()
               if method in {"post", "put", "patch"}
               and "text/csv" in (operation.get("requestBody") or {}).get("content", {})]
    assert {"/api/v1/needs/import", "/api/v1/housing/imports"} <= {path for path, _method, _operation in uploads}
    return [(path, method, operation, "&".join(
        f"{parameter['name']}={known[parameter['name']]}" for parameter in operation.get("parameters", [])
        if parameter["name"] in known)) for path, method, operation in uploads]


def test_every_csv_upload_of_the_api_refuses_an_undecodable_file_on_the_file_field(app, api):
    coordinator = UserFactory(roles=["coordinator"])
    organization = OrganizationFactory(members=[coordinator])
    for path, method, _operation, query in csv_uploads(app, organization):
        response = api(method.upper(), f"{path}?{query}", coordinator,
                       data=UNDECODABLE["binary"], content_type="text/csv")
        assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"], path


@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"contact_name": "Ani"}'),
    ("application/x-www-form-urlencoded", b"contact_name=Ani"),
    ("multipart/form-data; boundary=XyZ", b'--XyZ\r\nContent-Disposition: form-data; name="file"; '
                                          b'filename="a.csv"\r\n\r\ncontact_name\r\nAni\r\n--XyZ--\r\n'),
])
def test_every_csv_upload_of_the_api_refuses_a_body_sent_as_another_type_with_415(app, api, content_type, body):
    """A JSON, form or multipart body read as CSV would come back as nonsense rows (or, as a form, as no body):
    it is refused as such, documented, and nothing is written."""
    coordinator = UserFactory(roles=["coordinator"])
    organization = OrganizationFactory(members=[coordinator])
    for path, method, operation, query in csv_uploads(app, organization):
        assert "415" in operation["responses"], path
        response = api(method.upper(), f"{path}?{query}", coordinator, data=body, content_type=content_type)
        assert response.status_code == 415, (path, response.get_data(as_text=True)[:300])
        error = response.get_json()["error"]
        assert error["code"] == "unsupported_media_type" and "text/csv" in error["message"], path
    assert db.session.scalar(select(func.count()).select_from(Household)) == 0
    assert db.session.scalar(select(func.count()).select_from(Need)) == 0


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "application/vnd.ms-excel", None])
def test_a_csv_file_sent_as_plain_text_by_excel_or_with_no_type_is_read(api, content_type):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}", member,
                   data=NEEDS.format(item="Blankets").encode(),
                   **({"content_type": content_type} if content_type else {}))
    assert response.status_code == 200, response.get_json()
    assert list(db.session.scalars(select(Need.item))) == ["Blankets"]


def test_the_cli_reads_a_cp1251_file_and_refuses_an_undecodable_one(app, tmp_path):
    coordinator = UserFactory(roles=["coordinator"])
    first, second, legacy = NAMES["cyrillic"]
    path = tmp_path / "list.csv"
    path.write_bytes(encoded(HOUSEHOLDS.format(first=first, second=second), legacy))
    args = ["housing", "import-households", "--as", coordinator.email, "--commit", str(path)]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    assert sorted(db.session.scalars(select(Household.contact_name))) == sorted([first, second])
    path.write_bytes(UNDECODABLE["shift_jis"])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0 and "encoding was not recognised" in result.output

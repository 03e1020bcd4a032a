"""Hostile input outside the JSON API (pages, CSV imports, addresses) is refused with a message, never a 500:
CSV with CR-only line endings, 1e999999 and the year 9999 in CSV cells and page forms, ids and pages of 10^30,
a fullwidth digit in an id. The limits are the API's (common.strict_input). Also two holes in the API's own
parsing: JSON text holding an unpaired surrogate, and limits added to the schema again on every request."""
import io
from datetime import timedelta

import pytest

from aidcoord.common.types import today
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

SOON = (today() + timedelta(days=5)).isoformat()
NEEDS_HEADER = "external_ref,sector,item,quantity,unit,amount,currency,region,locality,urgency,needed_by,description"


def _need_row(quantity="120", needed_by=SOON, amount=""):
    unit, currency = ("", "AMD") if amount else ("beds", "")
    return f"R1,shelter,beds,{quantity},{unit},{amount},{currency},AM-SU,Goris,critical,{needed_by},x"


@pytest.fixture
def member(app):
    return UserFactory(roles=["coordinator", "host", "employer", "donor"])


@pytest.fixture
def organization(member):
    return OrganizationFactory(members=[member])


def _import(api, member, organization, text):
    return api("POST", f"/api/v1/needs/import?organization_id={organization.id}&dry_run=true", member,
               data=text.encode(), content_type="text/csv")


def test_csv_with_cr_only_line_endings_is_read_as_lines(api, member, organization):
    response = _import(api, member, organization, NEEDS_HEADER + "\r" + _need_row() + "\r")
    assert response.status_code == 200, response.get_data(as_text=True)


def test_csv_a_header_csv_cannot_read_is_a_file_error_not_a_500(api, member, organization):
    # a header cell longer than csv.field_size_limit(): csv.Error while reading the header itself
    response = _import(api, member, organization, '"' + "a" * 200_000 + '"\n' + _need_row())
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert "file" in (body.get("errors") or body["error"]["fields"])


@pytest.mark.parametrize("cells, column", [({"quantity": "1e999999"}, "quantity"),
                                           ({"quantity": "", "amount": "1e999999"}, "amount"),
                                           ({"needed_by": "9999-12-31"}, "needed_by")])
def test_csv_cells_out_of_the_apis_range_are_refused_on_the_cell(api, member, organization, cells, column):
    response = _import(api, member, organization, NEEDS_HEADER + "\n" + _need_row(**cells) + "\n")
    assert response.status_code == 200, response.get_data(as_text=True)  # a dry run lists the problems
    assert set(response.get_json()["errors"]["row 2"]) == {column}


@pytest.mark.parametrize("path, kind", [("/organizations/{org}/needs/import", "needs"),
                                        ("/housing/import/households", "households")])
def test_csv_pages_with_cr_only_line_endings_do_not_fail(pages, member, organization, path, kind):
    pages.login(member.email)
    text = (NEEDS_HEADER + "\r" + _need_row() + "\r" if kind == "needs" else
            "external_ref,contact_name,contact_phone,adults,children,children_under_5,preferred_regions,"
            "consent_to_share\rR-1,Ani Petrosyan,+37491000001,2,2,1,AM-SU,yes\r")
    response = pages.post(path.format(org=organization.id), data={"file": (io.BytesIO(text.encode()), "l.csv")},
                          content_type="multipart/form-data")
    assert response.status_code < 500
    assert "ready" in response.get_data(as_text=True)


REFUSALS = ("Must be a number below 10^15.", "Must be between the years 1900 and 2100.",
            "Must be between -2147483648 and 2147483647.")


def _refused_on_the_page(response) -> bool:
    """The form page again (a re-rendered form answers 200 or 422) naming the API's limit."""
    page = response.get_data(as_text=True)
    return response.status_code in (200, 422) and any(message in page for message in REFUSALS)


def _need_form(organization, **overrides):
    return {"organization_id": organization.id, "sector": "shelter", "item": "beds", "quantity": "3",
            "unit": "beds", "region": "AM-SU", "urgency": "high", "needed_by": SOON, **overrides}


@pytest.mark.parametrize("overrides", [{"quantity": "1e999999"}, {"quantity": "", "unit": "", "amount": "1e999999",
                                                                   "currency": "AMD"},
                                       {"needed_by": "9999-12-31"}])
def test_need_form_numbers_and_dates_out_of_range_are_refused(pages, member, organization, overrides):
    pages.login(member.email)
    assert _refused_on_the_page(pages.post("/needs/new", data=_need_form(organization, **overrides)))


@pytest.mark.parametrize("overrides", [{"quantity": "1e999999"}, {"need_id": str(10**30)}, {"need_id": "１"}])
def test_pledge_form_huge_numbers_and_ids_are_refused(pages, member, overrides):
    need = NeedFactory()
    pages.login(member.email)
    data = {"need_id": str(need.id), "contribution": "in_kind", "quantity": "2", "unit": "beds", "item": "beds",
            **overrides}
    response = pages.post("/pledges/new", data=data)
    assert response.status_code == 422, response.status_code


def test_housing_offer_form_refuses_a_rent_of_1e999999(pages, member):
    pages.login(member.email)
    response = pages.post("/housing/offers/new", data={
        "region": "AM-SU", "address": "1 Main St", "beds": "2", "available_from": SOON,
        "rent_amount": "1e999999", "rent_currency": "AMD"})
    assert _refused_on_the_page(response)


@pytest.mark.parametrize("overrides", [{"salary_min": "1e999999"}, {"closing_date": "9999-12-31"}])
def test_job_form_refuses_numbers_and_dates_out_of_range(pages, member, organization, overrides):
    pages.login(member.email)
    response = pages.post("/jobs/new", data={
        "organization_id": str(organization.id), "title": "Cook", "sector": "hospitality", "positions": "1",
        "region": "AM-SU", "contract_type": "full_time", "salary_currency": "AMD", "closing_date": SOON, **overrides})
    assert _refused_on_the_page(response)


@pytest.mark.parametrize("path", ["/jobs/?page=99999999999999999999", "/needs/?page=99999999999999999999",
                                  "/pledges/?page=99999999999999999999", "/housing/offers?page=99999999999999999999",
                                  "/organizations/?page=99999999999999999999"])
def test_a_huge_page_number_is_an_empty_page(client, path):
    response = client.get(path)
    assert response.status_code in (200, 302, 404), (path, response.status_code)


def test_a_shift_day_in_the_year_9999_is_refused_on_the_field(client):
    response = client.get("/volunteers/shifts?day=9999-12-31")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/needs/１", "/api/v1/needs/٣", "/needs/１"])
def test_ids_in_addresses_are_ascii_digits_only(client, path):
    NeedFactory()
    assert client.get(path).status_code == 404


def test_every_page_form_keeps_the_apis_limits_on_numbers_and_dates(app):
    from wtforms import DateField, DecimalField, IntegerField

    from aidcoord.common.forms import FlaskForm

    class Form(FlaskForm):
        count = IntegerField()
        amount = DecimalField()
        day = DateField()

    def errors(**data):
        with app.test_request_context("/", method="POST", data=data):
            form = Form(meta={"csrf": False})
            form.validate()
            return {name: list(messages) for name, messages in form.errors.items()}

    assert errors(count=str(10**30), amount="1e999999", day="9999-12-31") == {
        "count": ["Must be between -2147483648 and 2147483647."], "amount": ["Must be a number below 10^15."],
        "day": ["Must be between the years 1900 and 2100."]}
    assert errors(amount="NaN", count="7", day="2026-12-07") == {"amount": ["Must be a number below 10^15."]}
    assert errors(count="2147483647", amount="999999999999999", day="2100-12-31") == {}


def test_repeating_an_api_request_gives_the_same_single_bound_message(api, member):
    # Each parse used to append one more range validator to the class-level field (5, 9, ... messages).
    messages = [api("GET", "/api/v1/exchange-rates?page=3000000000", member).get_json()["error"]["fields"]["page"]
                for _ in range(3)]
    assert messages[0] == messages[1] == messages[2]
    assert len(messages[0]) == 1, messages[0]


@pytest.mark.parametrize("body", ['{"reason": "other", "details": "x\\ud800y"}',
                                  '{"reason": "other", "details": "ok", "\\udfff": 1}'])
def test_api_text_with_an_unpaired_surrogate_is_refused_with_400(api, body):
    response = api("POST", "/api/v1/jobs/listings/1/reports", data=body, content_type="application/json")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("kind, text", [
    ("offers", "external_ref,region,locality,address,beds,whole_dwelling,available_from,languages,pets_accepted\n"
               "H-1,AM-SU,Goris,1 Main St,4,no,9999-12-31,hy,yes\n"),
    ("offers", "external_ref,region,locality,address,beds,whole_dwelling,available_from,languages,pets_accepted\n"
               f"H-1,AM-SU,Goris,1 Main St,{10**30},no,{SOON},hy,yes\n"),
    ("households", "external_ref,contact_name,contact_phone,adults,children,children_under_5,preferred_regions,"
                   f"consent_to_share\nR-1,Ani Petrosyan,+37491000001,{10**30},1e999999,1,AM-SU,yes\n"),
])
def test_housing_imports_refuse_cells_out_of_range_on_the_page(pages, member, kind, text):
    pages.login(member.email)
    response = pages.post(f"/housing/import/{kind}", data={"file": (io.BytesIO(text.encode()), "l.csv")},
                          content_type="multipart/form-data")
    assert response.status_code < 500, response.status_code
    assert "ready" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/needs?organization_id=99999999999999999999",
                                  "/needs/export.csv?organization_id=99999999999999999999",
                                  "/needs/new?organization_id=99999999999999999999",
                                  "/housing/import/households?organization_id=99999999999999999999"])
def test_an_id_no_column_holds_in_a_query_string_finds_nothing(pages, member, path):
    NeedFactory()
    pages.login(member.email)
    response = pages.client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    if path.startswith("/needs/export.csv"):
        assert len(response.get_data(as_text=True).strip().splitlines()) == 2  # header and HXL tags: no need

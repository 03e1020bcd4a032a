"""The OpenAPI document tells the truth: every operation named and described, its security taken from its
@allow rule, every error status with the body errors.py sends, decimals as strings, lists paginated, headers
and CSV bodies documented, request examples that fit their own schemas. (tests/test_fuzz_api.py then checks
the running API against it.)"""
import json
import re
from decimal import Decimal

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_schema_validator import validate as validate_schema
from openapi_spec_validator import validate as validate_spec

from aidcoord.common.api import DECIMAL_PATTERN
from aidcoord.common.permissions import ANYONE, SIGNED_IN, rule_for
from tests.factories import NeedFactory, OrganizationFactory, UserFactory

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def endpoint_of(app, path: str, method: str) -> str:
    """The Flask endpoint serving an OpenAPI path ("/needs/{need_id}" is the rule "/needs/<id:need_id>")."""
    for rule in app.url_map.iter_rules():
        if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) == path and method.upper() in rule.methods:
            return rule.endpoint
    raise AssertionError(f"no route for {method.upper()} {path}")


def resolve(spec, schema):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_the_document_is_valid_openapi_3(spec):
    validate_spec(spec)


def test_every_operation_has_a_unique_operation_id_a_summary_and_a_description(spec):
    ids = [operation.get("operationId") for _path, _method, operation in operations(spec)]
    assert all(ids) and len(ids) == len(set(ids)) > 100
    for path, method, operation in operations(spec):
        assert operation.get("summary", "").strip(), (method, path)
        assert len(operation.get("description", "").strip()) > 20, (method, path)


def test_security_and_the_refusals_follow_each_endpoints_permission_rule(app, spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    public = 0
    for path, method, operation in operations(spec):
        rule = rule_for(app, endpoint_of(app, path, method))
        responses = operation["responses"]
        if rule is ANYONE:
            public += 1
            assert operation["security"] == [], (method, path)
            assert "invalid" in responses["401"]["description"], (method, path)  # only when a bad token is sent
        else:
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert "401" in responses, (method, path)
            if rule is not SIGNED_IN:  # a role rule refuses some signed-in callers
                assert "403" in responses and rule.name in responses["403"]["description"], (method, path)
    assert public >= 10


def test_every_error_status_is_documented_with_the_one_error_body(spec):
    for path, method, operation in operations(spec):
        responses = operation["responses"]
        assert "default" not in responses, (method, path)
        assert "503" in responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        if method != "get" or operation.get("parameters"):
            assert "422" in responses, (method, path)
        for status, response in responses.items():
            if int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, \
                    (method, path, status)
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert set(resolve(spec, error["properties"]["error"])["required"]) == {"code", "message", "fields"}


def test_an_error_the_api_sends_fits_the_documented_error_body(client, spec):
    for response in (client.get("/api/v1/needs/999"), client.get("/api/v1/me"),
                     client.post("/api/v1/needs", json={"organization_id": "x"})):
        assert response.status_code in (401, 404, 422)
        validate_schema(response.get_json(), {"$ref": "#/components/schemas/Error", "components": spec["components"]},
                        cls=OAS30Validator)


def test_the_household_daily_limit_documents_429_with_retry_after(spec):
    responses = spec["paths"]["/api/v1/housing/households"]["post"]["responses"]
    assert "too_many_registrations" in responses["429"]["description"]
    assert "Retry-After" in responses["429"]["headers"]
    report = spec["paths"]["/api/v1/jobs/listings/{listing_id}/reports"]["post"]["responses"]
    assert "Retry-After" in report["429"]["headers"]


def test_integers_read_from_a_request_document_the_range_the_api_accepts(spec):
    checked = 0
    for path, method, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and parameter["schema"].get("type") == "integer":
                checked += 1
                assert parameter["schema"]["maximum"] <= 2**31 - 1, (method, path, parameter["name"])
                assert parameter["schema"]["minimum"] >= -(2**31), (method, path, parameter["name"])
    assert checked > 10
    paging = {parameter["name"]: parameter["schema"] for parameter in spec["paths"]["/api/v1/needs"]["get"]
              ["parameters"] if parameter.get("in") == "query"}
    assert paging["page"]["minimum"] == 1 and paging["page_size"]["maximum"] == 100


def test_public_operations_document_the_401_they_answer_to_an_invalid_token(client, spec):
    assert "401" in spec["paths"]["/api/v1/jobs/listings"]["get"]["responses"]
    assert client.get("/api/v1/jobs/listings", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_operations_limited_per_address_document_429(spec):
    report = spec["paths"]["/api/v1/jobs/listings/{listing_id}/reports"]["post"]
    assert "429" in report["responses"]
    assert "429" not in spec["paths"]["/api/v1/needs"]["get"]["responses"]


def test_decimals_are_documented_as_strings_with_a_pattern_and_sent_so(app, client, spec):
    detail = spec["components"]["schemas"]["NeedDetail"]["properties"]["quantity"]
    assert detail["type"] == "string" and detail["pattern"] == DECIMAL_PATTERN
    accepted = spec["components"]["schemas"]["NeedInput"]["properties"]["quantity"]
    assert accepted["anyOf"] == [{"type": "string", "pattern": DECIMAL_PATTERN}, {"type": "number"}]
    for name, schema in spec["components"]["schemas"].items():  # no decimal is a bare number anywhere
        for field, prop in schema.get("properties", {}).items():
            assert prop.get("format") != "decimal", (name, field)
    NeedFactory(organization=OrganizationFactory(), quantity=Decimal("12.50"))
    quantity = client.get("/api/v1/needs").get_json()["items"][0]["quantity"]
    assert isinstance(quantity, str) and re.fullmatch(DECIMAL_PATTERN, quantity)


def test_every_list_takes_page_and_page_size_and_documents_x_pagination(spec):
    lists = 0
    for path, method, operation in operations(spec):
        ok = operation["responses"].get("200", {})
        schema = resolve(spec, ok.get("content", {}).get("application/json", {}).get("schema", {}))
        if method != "get" or not (schema.get("type") == "array" or "items" in schema.get("properties", {})):
            continue
        lists += 1
        names = {parameter["name"]: parameter for parameter in operation.get("parameters", [])}
        assert {"page", "page_size"} <= set(names), path
        assert names["page_size"]["schema"].get("maximum", 0) <= 100, path
        assert ok["headers"]["X-Pagination"] == {"$ref": "#/components/headers/X-Pagination"}, path
    assert lists >= 20


def test_lists_answer_page_size_its_older_alias_and_the_x_pagination_header(client, app):
    for _ in range(3):
        OrganizationFactory()
    response = client.get("/api/v1/organizations?page_size=2")
    body = response.get_json()
    assert len(body["items"]) == 2 and body["_meta"]["per_page"] == 2
    assert "page_size=2" in body["_links"]["next"] and "per_page" not in body["_links"]["next"]
    assert json.loads(response.headers["X-Pagination"]) == {
        "total": 3, "total_pages": 2, "first_page": 1, "last_page": 2, "page": 1, "next_page": 2}
    assert len(client.get("/api/v1/organizations?per_page=1").get_json()["items"]) == 1
    assert client.get("/api/v1/organizations?page_size=101").status_code == 422
    rates = client.get("/api/v1/exchange-rates?page=1&page_size=5")  # a list that was not paginated before
    assert rates.status_code == 200 and json.loads(rates.headers["X-Pagination"])["total"] == 0


def test_an_undeclared_query_parameter_is_refused_not_ignored(client):
    response = client.get("/api/v1/needs?urgncy=high")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"urgncy": ["Unknown parameter."]}


def test_pledges_document_the_idempotency_key_and_imports_their_csv_body(spec):
    header = next(p for p in spec["paths"]["/api/v1/pledges"]["post"]["parameters"] if p["in"] == "header")
    assert header["name"] == "Idempotency-Key" and header["schema"]["maxLength"] == 100
    assert "text/csv" in spec["paths"]["/api/v1/needs/import"]["post"]["requestBody"]["content"]
    assert "text/csv" in spec["paths"]["/api/v1/needs/export.csv"]["get"]["responses"]["200"]["content"]


def test_every_write_with_a_body_has_an_example_that_fits_its_schema(spec):
    for path, method, operation in operations(spec):
        for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
            assert "example" in media, (method, path)
            if media_type == "application/json":
                validate_schema(media["example"], {**media["schema"], "components": spec["components"]},
                                cls=OAS30Validator)


def test_public_operations_answer_without_a_token_and_others_ask_for_one(client):
    assert client.get("/api/v1/needs").status_code == 200
    assert client.get("/api/v1/me").status_code == 401
    user = UserFactory()
    assert user.id  # a signed-in person exists, yet no token was sent
    assert client.get("/api/v1/housing/offers").status_code == 401


def test_a_json_body_takes_booleans_and_integers_only_as_json_booleans_and_integers(api):
    seeker = {"contact_name": "Anahit Petrosyan", "contact_phone": "+374 91 123456", "profession": "cook"}
    user = UserFactory()
    for field, value in (("remote_ok", 1), ("remote_ok", "yes"), ("consent_to_share", 0)):
        response = api("PUT", "/api/v1/jobs/seekers/me", user, json={**seeker, field: value})
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], (field, value)
    household = {"for_self": True, "contact_name": "Gevorg Sargsyan", "contact_phone": "+374 93 654321",
                 "languages": ["hy"], "preferred_regions": ["AM-SU"], "consent_to_share": True}
    response = api("POST", "/api/v1/housing/households", UserFactory(), json={**household, "adults": "2"})
    assert response.status_code == 422 and "adults" in response.get_json()["error"]["fields"]
    assert api("PUT", "/api/v1/jobs/seekers/me", user, json={**seeker, "remote_ok": True}).status_code == 200
    assert api("GET", "/api/v1/jobs/listings?remote=true").status_code == 200  # a query keeps its text form


def test_an_import_without_its_csv_body_is_refused_not_previewed(api):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    for dry_run in ("true", "false"):
        response = api("POST", f"/api/v1/needs/import?organization_id={organization.id}&dry_run={dry_run}", member)
        assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"], dry_run


def test_x_pagination_is_flask_smorests_metadata():
    """common.pagination writes X-Pagination itself (no schema dump per request): the same fields as flask-smorest."""
    from flask_smorest import Blueprint as SmorestBlueprint

    from aidcoord.common.pagination import Page, pagination_metadata

    for total in (0, 1, 19, 20, 21, 95):
        for page in (1, 2, 5, 7):
            ours = pagination_metadata(Page(items=[], page=page, per_page=20, total=total))
            assert ours == SmorestBlueprint._make_pagination_metadata(page, 20, total), (page, total)

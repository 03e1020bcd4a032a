"""Hostile input to every API operation (walked from the OpenAPI document) is refused with 400/404/422 naming
what is wrong, never a 500: JSON nested 1,000 deep, NaN, numbers of 5,000 digits, 1e999999, ids of 10^30 in
paths, bodies and queries, the year 9999. The caller is a coordinator holding every role, so that permission
rules let the request reach the parsing of its input."""
import re

import pytest

from aidcoord.accounts.services import create_api_token
from aidcoord.common.strict_input import MAX_JSON_DEPTH
from aidcoord.extensions import db
from aidcoord.housing.models import VettingState
from tests.conftest import IsolatedClient, empty_database, make_app
from tests.factories import HousingOfferFactory, UserFactory

ALL_ROLES = ["coordinator", "admin", "donor", "host", "employer", "volunteer"]
MISSING_ID = "424242"  # bodies are parsed before the record is looked up; no real record is touched
HUGE_IDS = [str(10**30), str(2**63), str(2**31), "0", "9" * 5000]
# Raw JSON values each of which a field of the type must refuse (422 naming the field).
REFUSED = {
    "integer": [str(10**30), str(2**63), str(-(2**63) - 1), "1e999999"],
    "number": ["1e999999", "-1e999999", '"1e999999"', str(10**30)],
    "date": ['"9999-12-31"', '"1899-12-31"', '"0001-01-01"'],
    "date-time": ['"9999-12-31T23:59:59+00:00"', '"0001-01-01T00:00:00+00:00"'],
}
# Raw JSON bodies refused as a whole (400).
REFUSED_BODIES = {
    "nested 1,000 deep": "[" * 1000 + "]" * 1000,
    "an object nested 5,000 deep": '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
    f"nested {MAX_JSON_DEPTH + 1} deep": '{"a": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}",
    "NaN": '{"a": NaN}',
    "Infinity": "Infinity",
    "an integer of 5,000 digits": '{"a": ' + "7" * 5000 + "}",
}


def _api_document() -> dict:
    app = make_app("sqlite://")
    return app.test_client().get("/api/v1/openapi.json").get_json()


DOCUMENT = _api_document()


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kind(schema: dict) -> str | None:
    """The REFUSED key for a property's schema, or None for types without a hostile value here."""
    schema = _resolve(schema)
    types = {schema.get("type")} | {option.get("type") for option in schema.get("anyOf", [])}
    if schema.get("format") in ("date", "date-time"):
        return schema["format"]
    return "integer" if "integer" in types else "number" if "number" in types else None


def _parameters(operation: dict) -> list[dict]:
    return [_resolve(parameter) for parameter in operation.get("parameters", [])]


def _operations():
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield pytest.param(method.upper(), path, operation, id=f"{method.upper()} {path}")


OPERATIONS = list(_operations())
WITH_BODY = [op for op in OPERATIONS if "application/json" in op.values[2].get("requestBody", {}).get("content", {})]
WITH_PATH_ID = [op for op in OPERATIONS if "{" in op.values[1]]
WITH_QUERY = [op for op in OPERATIONS if any(p.get("in") == "query" for p in _parameters(op.values[2]))]


def _url(path: str, value: str = MISSING_ID) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


@pytest.fixture(scope="module")
def hostile_app(migrated_database, tmp_path_factory):
    url = empty_database(migrated_database, tmp_path_factory.mktemp("hostile"))
    app = make_app(url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def coordinator_call(hostile_app):
    client = hostile_app.test_client()
    token = create_api_token(UserFactory(roles=ALL_ROLES), "hostile")[1]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method, url, body=None):
        response = client.open(url, method=method, data=body, headers=headers)
        assert response.status_code < 500, (method, url, (body or "")[:80], response.get_data(as_text=True)[:300])
        return response

    return call


def _error(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["message"], body
    return body["error"]


@pytest.mark.parametrize("method, path, operation", WITH_PATH_ID)
def test_ids_too_large_for_any_column_in_a_path_are_not_found(coordinator_call, method, path, operation):
    # An operation with a body checks the body first: an empty one may be refused (422) before the id is sought.
    allowed = (404, 405, 415, 422) if operation.get("requestBody") else (404, 405)
    for value in HUGE_IDS:
        response = coordinator_call(method, _url(path, value), "{}" if operation.get("requestBody") else None)
        assert response.status_code in allowed, (value[:40], response.status_code)


@pytest.mark.parametrize("method, path, operation", WITH_BODY)
def test_bodies_too_deep_or_not_json_numbers_are_refused_with_400(coordinator_call, method, path, operation):
    # A required query parameter is read first: its absence may be the first thing said (422).
    allowed = (400, 422) if any(p.get("in") == "query" and p.get("required") for p in _parameters(operation)) \
        else (400,)
    for name, body in REFUSED_BODIES.items():
        response = coordinator_call(method, _url(path), body)
        assert response.status_code in allowed, (name, response.get_data(as_text=True)[:300])
        assert _error(response)["message"]


@pytest.mark.parametrize("method, path, operation", WITH_BODY)
def test_numbers_and_dates_out_of_range_in_a_body_are_422_on_the_field(coordinator_call, method, path, operation):
    schema = _resolve(operation["requestBody"]["content"]["application/json"]["schema"])
    checked = 0
    for name, property_schema in (schema.get("properties") or {}).items():
        kind = _kind(property_schema)
        if kind is None or _resolve(property_schema).get("readOnly"):
            continue
        for value in REFUSED[kind]:
            response = coordinator_call(method, _url(path), f'{{"{name}": {value}}}')
            assert response.status_code == 422, (name, value, response.get_data(as_text=True)[:300])
            assert name in _error(response)["fields"], (name, value, _error(response))
            checked += 1
    if not checked:
        pytest.skip("no number or date in this body")


@pytest.mark.parametrize("method, path, operation", WITH_QUERY)
def test_numbers_and_dates_out_of_range_in_a_query_are_422_on_the_parameter(coordinator_call, method, path,
                                                                             operation):
    checked = 0
    for parameter in _parameters(operation):
        kind = _kind(parameter.get("schema", {})) if parameter.get("in") == "query" else None
        if kind is None:
            continue
        for value in REFUSED[kind]:
            response = coordinator_call(method, f"{_url(path)}?{parameter['name']}={value.strip(chr(34))}")
            assert response.status_code in (404, 422), (parameter["name"], value, response.status_code)
            if response.status_code == 422:
                assert parameter["name"] in _error(response)["fields"], (parameter["name"], value)
            checked += 1
    if not checked:
        pytest.skip("no number or date among the query parameters")


@pytest.mark.parametrize("method, path, operation", WITH_BODY)
def test_a_body_not_in_utf8_is_400_and_one_not_sent_as_json_is_415(hostile_app, coordinator_call, method, path,
                                                                     operation):
    # A required query parameter is read first: its absence may be the first thing said (422).
    query_first = (422,) if any(p.get("in") == "query" and p.get("required") for p in _parameters(operation)) \
        else ()
    response = coordinator_call(method, _url(path), b"\xff\xfegarbage{")
    assert response.status_code in (400, *query_first), response.get_data(as_text=True)[:300]
    token = create_api_token(UserFactory(roles=ALL_ROLES), "hostile")[1]
    response = hostile_app.test_client().open(_url(path), method=method, data=b'{"reason": "x"}', headers={
        "Authorization": f"Bearer {token}", "Content-Type": "text/plain"})
    assert response.status_code in (415, *query_first), response.get_data(as_text=True)[:300]


def test_a_withdrawal_whose_body_is_not_utf8_or_not_json_does_not_withdraw_the_offer(hostile_app):
    offer = HousingOfferFactory()
    headers = {"Authorization": f"Bearer {create_api_token(offer.host, 'hostile')[1]}"}
    url = f"/api/v1/housing/offers/{offer.id}/withdraw"
    client = hostile_app.test_client()
    assert client.post(url, data=b"\xff\xfegarbage{",
                       headers={**headers, "Content-Type": "application/json"}).status_code == 400
    assert client.post(url, data=b"reason=x", headers={
        **headers, "Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    db.session.refresh(offer)
    assert offer.vetting_state is VettingState.VERIFIED
    assert client.post(url, headers=headers).status_code == 200  # no body at all: every field is optional

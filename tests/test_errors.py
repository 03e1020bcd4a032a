"""One error shape for the API, error pages for HTML, and no input that produces a 500."""
import io

import pytest

from tests.factories import UserFactory


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_unknown_api_id_is_a_json_404(client):
    assert_error(client.get("/api/v1/organizations/12345"), 404, "not_found")


def test_id_too_large_for_the_database_is_a_404_not_a_crash(client):
    assert_error(client.get("/api/v1/organizations/99999999999999999999"), 404)


def test_unknown_api_path_is_a_json_404(client):
    assert_error(client.get("/api/v1/nothing-here"), 404)


def test_wrong_method_is_a_json_405_with_allow_header(client):
    response = client.put("/api/v1/organizations")
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_missing_authentication_is_a_json_401(client):
    assert_error(client.post("/api/v1/organizations", json={}), 401, "unauthorized")


def test_invalid_bearer_token_is_401_even_with_a_session(client, pages, app):
    user = UserFactory()
    pages.login(user.email)
    assert_error(client.get("/api/v1/me", headers={"Authorization": "Bearer aidc_forged"}), 401)


def test_malformed_json_is_a_400(client, api):
    user = UserFactory()
    response = api("POST", "/api/v1/organizations", user, data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert_error(response, response.status_code)


@pytest.mark.parametrize("body", [[], "text", 42, None, {"name": ["list"]}, {"sectors": "shelter"}])
def test_wrong_json_shapes_are_422_with_fields(api, body):
    user = UserFactory()
    response = api("POST", "/api/v1/organizations", user, json=body)
    error = assert_error(response, 422)
    assert error["fields"]


def test_nul_bytes_are_refused_with_400(client):
    assert_error(client.get("/api/v1/organizations?q=a%00b"), 400)
    assert client.get("/organizations?q=a%00b").status_code == 400


# No Content-Length: in chunks, or over HTTP/2 (neither); the server says it has ended the body
# (wsgi.input_terminated), as gunicorn does.
WITHOUT_LENGTH = {"wsgi.input_terminated": True, "CONTENT_LENGTH": ""}
CHUNKED = {"headers": {"Transfer-Encoding": "chunked"}, "environ_overrides": WITHOUT_LENGTH}
HTTP2 = {"environ_overrides": {**WITHOUT_LENGTH, "SERVER_PROTOCOL": "HTTP/2"}}


@pytest.mark.parametrize("sent", [{}, CHUNKED, HTTP2], ids=["with a length", "in chunks", "over HTTP/2"])
def test_nul_bytes_in_a_body_are_refused_with_400(client, sent):
    """A body is read whether its length is given or it comes in chunks: only a request with neither has no body
    to look at."""
    json_body = io.BytesIO(b'{"name": "a\\u0000b"}')
    assert_error(client.post("/api/v1/organizations", input_stream=json_body, content_type="application/json",
                             **sent), 400)
    form_body = io.BytesIO(b"email=a%00b&password=x")
    assert client.post("/login", input_stream=form_body, content_type="application/x-www-form-urlencoded",
                       **sent).status_code == 400


def test_unexpected_errors_give_the_json_shape_and_no_details(app, client):
    @app.route("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals with personal data")

    error = assert_error(client.get("/api/v1/boom"), 500, "internal_error")
    assert "secret" not in error["message"]


def test_html_pages_get_an_error_page(client):
    response = client.get("/organizations/424242")
    assert response.status_code == 404
    assert b"<html" in response.data and b"No such organization" in response.data


def test_anonymous_page_visitor_is_sent_to_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_a_form_without_csrf_token_is_refused(client):
    response = client.post("/register", data={"email": "a@example.org"})
    assert response.status_code == 400
    assert b"form expired" in response.data


def test_openapi_spec_and_local_docs_page(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/organizations" in spec["paths"]
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/swagger-ui/swagger-ui-bundle.js" in docs and "//cdn" not in docs and "unpkg" not in docs
    assert client.get("/static/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_openapi_document_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert {"/api/v1/needs", "/api/v1/pledges", "/api/v1/pledges/{pledge_id}/deliveries"} <= set(spec["paths"])

"""Every response carries the security headers: pages, API, errors and static files, for anonymous
and signed-in callers; a signed-in person's responses are never cached; HSTS over https only."""
import pytest

from tests.factories import UserFactory

SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def example_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every endpoint-method of the app, with example values for its arguments."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            values = {}
            for name, converter in rule._converters.items():
                kind = type(converter).__name__
                if kind == "AnyConverter":
                    values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else "x"
                elif kind == "PathConverter":
                    values[name] = "css/app.css"
                elif kind in ("IdConverter", "IntegerConverter"):
                    values[name] = 1
                else:
                    values[name] = "x"
            try:
                url = app.url_for(rule.endpoint, **values)
            except Exception:
                url = rule.rule
            urls += [(method, url) for method in sorted(rule.methods - SKIPPED_METHODS)]
    return urls


def assert_security_headers(response, where):
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_endpoint_answers_with_the_security_headers(app, client, pages, signed_in):
    if signed_in:
        user = UserFactory(roles=["coordinator"])
        pages.login(user.email)
    for method, url in example_urls(app):
        response = client.open(url, method=method)
        where = f"{method} {url} -> {response.status_code}"
        assert_security_headers(response, where)
        if signed_in:
            assert response.headers.get("Cache-Control") == "no-store", where
        assert "Strict-Transport-Security" not in response.headers, where


def test_the_api_with_a_token_is_not_cached_either(app, api):
    response = api("GET", "/api/v1/me", UserFactory())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert_security_headers(response, "GET /api/v1/me")


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://aid.example.org")
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_the_api_documentation_page_has_no_inline_script(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<script>" not in page and "swagger-init.js" in page


def test_over_https_the_session_cookie_is_pinned_to_the_host(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, SESSION_COOKIE_SECURE=True)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert app.config["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"

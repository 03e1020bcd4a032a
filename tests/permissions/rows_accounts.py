"""The home page, library endpoints, accounts and API tokens."""
from tests.factories import PASSWORD
from tests.permissions.matrix import row

NEW_ACCOUNT = {"name": "New Person", "email": "new.person@example.org", "password": PASSWORD,
               "password_again": PASSWORD, "roles": "donor"}

ROWS = [
    row("GET", "/", everyone=200),
    row("GET", "/healthz", everyone=200),
    row("GET", "/readyz", everyone=200),
    row("GET", "/metrics", everyone=200),  # the test client calls from loopback, which METRICS_NETWORKS admits
    # Telegram proves itself with the webhook's secret header, which no persona sends (tests/telegram send it).
    row("POST", "/telegram/webhook", {"update_id": 1}, everyone=403),
    # Registered by libraries (aidcoord.common.permissions.LIBRARY_ENDPOINTS): public by design.
    row("GET", "/static/css/app.css", everyone=200),
    row("GET", "/static/swagger-ui/swagger-ui.css", everyone=200),
    row("GET", "/api/v1/openapi.json", everyone=200),
    row("GET", "/api/v1/docs", everyone=200),

    # ---- pages
    row("GET", "/register", everyone=200),
    row("POST", "/register", NEW_ACCOUNT, everyone=302),
    row("GET", "/login", everyone=200),
    row("POST", "/login", {"email": "{newcomer_email}", "password": PASSWORD}, everyone=302),
    row("POST", "/logout", others=302),
    row("GET", "/account", others=200),
    row("POST", "/account/password", {"current_password": PASSWORD, "new_password": "another long password",
                                      "new_password_again": "another long password"}, others=302),
    row("POST", "/account/tokens", {"name": "phone"}, others=201),
    row("POST", "/account/language", {"preferred_language": "hy"}, others=302),
    row("POST", "/language", {"language": "ru", "next": "/needs"}, everyone=302),
    row("POST", "/account/tokens/{token}/revoke", others=404, token_owner=302),

    # ---- API
    row("GET", "/api/v1/me", others=200),
    row("PATCH", "/api/v1/me", {"preferred_language": "ru"}, others=200),
    row("GET", "/api/v1/me/tokens", others=200),
    row("POST", "/api/v1/me/tokens", {"name": "phone"}, others=201),
    row("DELETE", "/api/v1/me/tokens/{token}", others=404, token_owner=204),
]

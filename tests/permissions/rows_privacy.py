"""A person's own data (export, erasure) and the erasure requests that wait (staff)."""
from tests.permissions.matrix import row

ROWS = [
    # ---- pages
    row("GET", "/account/my-data", others=200),
    row("GET", "/account/my-data/export", {"format": "json"}, others=200),
    row("GET", "/account/my-data/export", {"format": "csv"}, others=200),
    row("POST", "/account/my-data/erasure", {"understood": "y"}, others=302),
    row("GET", "/privacy/erasure-requests", staff=200),

    # ---- API
    row("GET", "/api/v1/me/data", others=200),
    row("GET", "/api/v1/me/data", {"format": "csv"}, others=200),
    row("POST", "/api/v1/me/erasure", others=200),
    row("GET", "/api/v1/privacy/erasure-requests", staff=200),
]

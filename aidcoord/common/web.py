"""Small helpers shared by views and the API."""
from typing import TypeGuard
from urllib.parse import urlsplit

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from aidcoord.common.strict_input import BoundedIntConverter

MAX_DATABASE_ID = 2**31 - 1
# Methods that change nothing: no CSRF token asked of them, and on PostgreSQL they read without a transaction.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class IdConverter(IntegerConverter):
    """`<id:x>`: a positive id that fits an INTEGER column, so huge numbers give 404, not a database error.

    Any digits match the route, and an id out of range becomes 0, which no record has: the view answers 404
    (after the permission rule). A converter that refused them would make Werkzeug answer 405 to every
    method but GET, naming methods that would not work either."""

    regex = r"[0-9]+"  # Werkzeug's \d+ also matches "１" (fullwidth), which int() reads as 1

    def __init__(self, url_map):
        super().__init__(url_map)
        self.min, self.max = 1, MAX_DATABASE_ID  # what the OpenAPI document says of the id; to_python below

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_DATABASE_ID)):  # int() refuses thousands of digits with a ValueError
            return 0
        number = int(value)
        return number if 1 <= number <= MAX_DATABASE_ID else 0


def id_arg(name: str) -> int | None:
    """An id from the query string, as `<id:...>` reads one from the path: None when absent or not a number,
    ASCII digits only, and 0 (which no record has) for a number no column holds, so a filter by it finds
    nothing instead of failing in the database."""
    value = request.args.get(name, "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value) if len(value) <= len(str(MAX_DATABASE_ID)) and int(value) <= MAX_DATABASE_ID else 0


def is_safe_redirect_target(target: str | None) -> TypeGuard[str]:
    """Only same-site relative paths: no scheme, no host, no protocol-relative '//' or '\\'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(c in target for c in "\r\n\t")


def _refuse_nul_bytes():
    """PostgreSQL rejects NUL in text; refuse such input up front with a clear 400."""
    values = list(request.args.values())
    body = b""
    if _may_have_body():  # most reads have none: no form or body to parse
        values += request.form.values()
        # A CSV upload's bytes hold NULs in UTF-16: its text is checked once decoded (common.csv_import.decode_upload).
        body = b"" if request.mimetype == "text/csv" else request.get_data(cache=True)
    if any("\x00" in value for value in values) or b"\x00" in body or b"\\u0000" in body:
        raise BadRequest(_l("The request contains a NUL character, which is not allowed."))


def _may_have_body() -> bool:
    """Whether the request may carry a body: unless its length is nought, or HTTP/1 sends it with neither a length
    nor chunks (HTTP/2 sends a body without either)."""
    environ = request.environ
    length = environ.get("CONTENT_LENGTH", "")
    if length:
        return length != "0"
    return "HTTP_TRANSFER_ENCODING" in environ or not environ.get("SERVER_PROTOCOL", "").startswith("HTTP/1")


def init_web(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["int"] = BoundedIntConverter  # a bare <int:x> is bounded too (strict_input)
    app.before_request(_refuse_nul_bytes)

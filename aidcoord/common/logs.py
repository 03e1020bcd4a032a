"""Structured logs: one JSON object a line, a request id on every request, and no personal data.

The first defences are where data could enter a log: the engine hides SQL parameters
(`hide_parameters`, config.py), and unexpected errors are logged by their type and a traceback of
frames, never by their message (errors.py). The filter here is the last defence: it blanks the values
of fields known to be personal, and e-mail addresses, IP addresses, phone numbers, SQL parameters and PostgreSQL's
DETAIL lines in any text.
"""
import ipaddress
import logging
import re
import secrets
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
REDACTED = "[redacted]"

# An incoming id is kept only when it is a short plain token: anything else could forge log lines.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_ENVIRON_ID, _ENVIRON_START = "aidcoord.request_id", "aidcoord.request_start"

PERSONAL_FIELDS = frozenset({
    "name", "full_name", "first_name", "last_name", "contact_name", "display_name",
    "note", "notes", "medical_note", "medical_needs", "date_of_birth", "birth_date", "donor_contact", "contact",
})
# Any field whose name holds one of these is personal or secret: contact_phone, password_hash, api_token, ...
_PERSONAL_FRAGMENTS = ("password", "passwd", "secret", "token", "phone", "email", "e_mail", "address",
                       "medical", "cookie", "authorization", "csrf")
_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

def _if_ip_address(match: re.Match) -> str:
    """Blank an IP-shaped token only if it parses as one: a clock time (12:00:01) or a version stays."""
    try:
        ipaddress.ip_address(match.group(0).split("%", 1)[0])
    except ValueError:
        return match.group(0)
    return REDACTED


_TEXT_PATTERNS: tuple[tuple[re.Pattern, Any], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), REDACTED),
    # IP addresses (a reporter's, in Flask-Limiter's "ratelimit ... (127.0.5.1) exceeded"): IPv6, perhaps
    # ending in a dotted IPv4 or a %zone, then IPv4.
    (re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?(?:%\w+)?"
                r"(?![\w:.])"), _if_ip_address),
    (re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.])"), _if_ip_address),
    # A phone number: 8 to 15 digits, perhaps after a +, grouped by spaces, dots, dashes or brackets;
    # not an ISO date, not part of a longer word or id.
    (re.compile(r"(?<![\w.:/+-])(?!\d{4}-\d{2}-\d{2})\+?\(?\d(?:[ ().-]{0,2}\d){7,14}(?![\w-])"), REDACTED),
    # What a database error carries when parameters were not hidden, and PostgreSQL's row values.
    (re.compile(r"\[parameters: .*"), f"[parameters: {REDACTED}]"),
    (re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE), rf"\1 {REDACTED}"),
)


def is_personal_field(key: object) -> bool:
    name = str(key).lower()
    return name in PERSONAL_FIELDS or any(fragment in name for fragment in _PERSONAL_FRAGMENTS)


def redact_text(text: str) -> str:
    """`text` with e-mail addresses, IP addresses, phone numbers, SQL parameters and DETAIL lines blanked."""
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any, key: object = None) -> Any:
    """`value` with personal fields blanked, at any depth, and personal-looking text blanked."""
    if key is not None and is_personal_field(key) and value not in (None, "", [], {}):
        return REDACTED
    if isinstance(value, Mapping):
        return {item_key: redact(item, item_key) for item_key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


class RedactionFilter(logging.Filter):
    """Blanks personal data in a record: its message and arguments, its extra fields, its exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            if isinstance(record.msg, Mapping):
                record.msg = redact(record.msg)
            else:
                if isinstance(record.args, Mapping):
                    record.args = redact(record.args)
                # Formatted once here, so that a positional argument (an object, a number) is checked as text.
                record.msg, record.args = redact_text(record.getMessage()), None
            for key, value in list(record.__dict__.items()):
                if key not in _STANDARD_ATTRIBUTES:
                    record.__dict__[key] = redact(value, key)
            if record.exc_text:
                record.exc_text = redact_text(record.exc_text)
        except Exception:  # a log line must never break the request it describes
            record.msg, record.args = "log record withheld: it could not be checked for personal data", None
        return True


class RequestContextFilter(logging.Filter):
    """Adds the request id, method and path (never the query string: it may carry names) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id()
            record.method = getattr(record, "method", None) or request.method
            record.path = getattr(record, "path", None) or request.path
        return True


class JsonLineFormatter(JsonFormatter):
    """One JSON object a line: time (UTC), level, logger, message, then the record's extra fields."""

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        super().add_fields(log_data, record, message_dict)

    def formatException(self, ei) -> str:
        return redact_text(logging.Formatter.formatException(self, ei))

    def formatStack(self, stack_info) -> str:
        return redact_text(stack_info)


class StderrJsonHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (gunicorn's, a test's capture)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLineFormatter())
        self.addFilter(RequestContextFilter())
        self.addFilter(RedactionFilter())

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """The stream is always the current sys.stderr."""


def request_id() -> str:
    """This request's id: the caller's X-Request-ID when it is a sane short token, otherwise a new one."""
    environ = request.environ
    if _ENVIRON_ID not in environ:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        environ[_ENVIRON_ID] = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)
    return environ[_ENVIRON_ID]


def _start_request() -> None:
    request.environ[_ENVIRON_START] = time.perf_counter()
    request_id()


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    extra: dict[str, Any] = {"status": response.status_code}
    started = request.environ.get(_ENVIRON_START)
    if started is not None:
        extra["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    logging.getLogger("aidcoord.requests").info(
        "%s %s %s", request.method, request.path, response.status_code, extra=extra)
    return response


def init_logging(app: Flask) -> None:
    """Send every log record, as JSON lines, to stderr at LOG_LEVEL; a request id on every response."""
    level = app.config["LOG_LEVEL"]
    root = logging.getLogger()
    # create_app may run many times in one process (tests, the CLI): keep one handler of ours.
    for handler in [handler for handler in root.handlers if isinstance(handler, StderrJsonHandler)]:
        root.removeHandler(handler)
    root.addHandler(StderrJsonHandler())
    root.setLevel(level)
    # SQLAlchemy logs every statement at INFO and every result row at DEBUG: rows hold personal data, so
    # never them; statements (their parameters hidden by the engine) only when debugging.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO if level == "DEBUG" else logging.WARNING)
    app.before_request(_start_request)
    app.after_request(_finish_request)

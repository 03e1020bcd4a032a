"""One JSON error shape for the API, error pages for HTML, and the domain errors services raise.

API errors always look like {"error": {"code": str, "message": str, "fields": {name: [messages]}}}.
"""
import logging
import re
import traceback

from flask import Flask, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the operation; services raise it, nothing is written."""

    status = 422
    code = "invalid"
    headers: dict[str, str] = {}  # noqa: RUF012 - never mutated: an error that sends headers sets its own dict

    def __init__(self, message, fields=None, code=None):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class ValidationFailed(DomainError):
    status, code = 422, "validation_failed"


class NotFound(DomainError):
    status, code = 404, "not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _l("Not found."), **kwargs)


class PermissionDenied(DomainError):
    status, code = 403, "forbidden"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _l("You do not have permission to do this."), **kwargs)


class Conflict(DomainError):
    status, code = 409, "conflict"


HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in, or send a valid API token."),
    403: _l("You do not have permission to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("The request conflicts with the current state."),
    413: _l("The upload is too large."),
    415: _l("Send the request body as JSON."),
    422: _l("Some fields are invalid."),
    429: _l("Too many requests; please wait a moment."),
    500: _l("Something went wrong on our side. Nothing was saved."),
    # Not "nothing was saved": the database may fail after a commit, while the answer is being written.
    503: _l("The service is briefly unavailable; please try again in a moment."),
}


# Paths answered in JSON, errors included: the API, and the webhooks other services post to.
API_PATH_PREFIXES = ("/api/", "/telegram/")


def is_api_request() -> bool:
    return request.path.startswith(API_PATH_PREFIXES)


def error_response(status: int, code: str, message, fields=None, headers=None):
    """The single API error body."""
    body = {"error": {"code": code, "message": str(message), "fields": _stringify(fields or {})}}
    return body, status, headers or {}


def _stringify(fields):
    if isinstance(fields, dict):
        return {str(key): _stringify(value) for key, value in fields.items()}
    if isinstance(fields, (list, tuple)):
        return [_stringify(item) for item in fields]
    return str(fields)


def _webargs_fields(error: HTTPException) -> dict:
    """Flatten webargs' {"json": {...}, "query": {...}} into one per-field mapping."""
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    fields = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            fields.update(location_messages)
    return fields


def _html_error(status: int, message):
    return render_template("errors/error.html", status=status, message=message), status


def handle_domain_error(error: DomainError):
    if is_api_request():
        return error_response(error.status, error.code, error.message, error.fields, dict(error.headers))
    page, status = _html_error(error.status, error.message)
    return page, status, dict(error.headers)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    message = HTTP_MESSAGES.get(status, error.description)
    if isinstance(error, CSRFError):
        message = _("Your form expired or was sent from elsewhere. Please reload the page and try again.")
    headers = dict(getattr(error, "data", None) or {}).get("headers") or {}
    if isinstance(error, MethodNotAllowed):
        headers = {"Allow": ", ".join(error.valid_methods or [])}
    if is_api_request():
        fields = _webargs_fields(error)
        code = "validation_failed" if fields else (error.name or "error").lower().replace(" ", "_")
        return error_response(status, code, message, fields, headers)
    return _html_error(status, message)


# SQLite's constraint messages name the constraint or columns, never a value: only such a message is read.
_SQLITE_CONSTRAINT = re.compile(r"(?:UNIQUE|CHECK|NOT NULL|FOREIGN KEY|PRIMARY KEY) constraint failed(?:: ([\w., ]+))?")


def _class_name(error: BaseException) -> str:
    return f"{type(error).__module__}.{type(error).__qualname__}"


def describe_error(error: BaseException) -> dict[str, str]:
    """What may be logged of an error: its class and, for a database error, the driver's class, the SQLSTATE
    and the constraint's name. Never its text: PostgreSQL's DETAIL and SQL parameters hold the row's values,
    and other messages may be built from what a person typed."""
    described = {"type": _class_name(error)}
    original = getattr(error, "orig", None)  # the driver's exception inside SQLAlchemy's DBAPIError
    if isinstance(original, BaseException):
        described["driver_error"] = _class_name(original)
        for field, attribute in (("sqlstate", "sqlstate"), ("sqlite_error", "sqlite_errorname")):  # psycopg, sqlite3
            if value := getattr(original, attribute, None):
                described[field] = str(value)
        diagnostics = getattr(original, "diag", None)  # psycopg's fields, each a name, not a value
        for field in ("constraint_name", "table_name", "column_name"):
            if value := getattr(diagnostics, field, None):
                described[field.removesuffix("_name")] = str(value)
        sqlite_message = original.args[0] if original.args and getattr(original, "sqlite_errorname", None) else None
        if isinstance(sqlite_message, str) and (match := _SQLITE_CONSTRAINT.fullmatch(sqlite_message)):
            described["constraint"] = match.group(1) or sqlite_message.split(" ", 1)[0]
    return described


def safe_traceback(error: BaseException) -> str:
    """The frames of the error and of what caused it, each exception by its class only, never its text."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\nwhich led to:\n".join(
        "".join(traceback.format_tb(exception.__traceback__)) + f"{_class_name(exception)} (text not logged)"
        for exception in reversed(chain))


def handle_unexpected_error(error: Exception):
    # By class, SQLSTATE and constraint, with the frames; never str(error): see describe_error.
    described = describe_error(error)
    details = ", ".join(f"{key} {value}" for key, value in described.items() if key != "type")
    log.error("unhandled %s%s on %s %s", described["type"], f" ({details})" if details else "",
              request.method, request.path, extra={"error": described, "traceback": safe_traceback(error)})
    # A failed flush leaves the session unusable, and the error page and after-request hooks still read
    # the signed-in user: roll back first (nothing was saved anyway).
    if "sqlalchemy" in current_app.extensions:
        current_app.extensions["sqlalchemy"].session.rollback()
    if is_api_request():
        return error_response(500, "internal_error", HTTP_MESSAGES[500])
    return _html_error(500, HTTP_MESSAGES[500])


# ---- the database is unavailable: 503 with Retry-After, and the next request finds it again --------------

# Errors that say the database could not be reached or used right now (down, restarting, a dropped connection,
# SQLite locked past its busy timeout, no connection free in the pool), not that the request was wrong.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                        sa_exc.TimeoutError)
RETRY_AFTER_SECONDS = 10


def is_database_unavailable(error: BaseException) -> bool:
    if isinstance(error, DATABASE_UNAVAILABLE):
        return True
    return isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated


def is_duplicate(error: BaseException) -> bool:
    """A unique constraint refused a row: the same thing was sent twice at the same moment (a double click,
    a retry), and a service's own check for duplicates could not see the other, still uncommitted, row."""
    original = getattr(error, "orig", None)
    if not isinstance(error, sa_exc.IntegrityError) or original is None:
        return False
    return getattr(original, "sqlstate", None) == "23505" or (  # psycopg: unique_violation
        getattr(original, "sqlite_errorname", None) in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"))


def handle_database_error(error: Exception):
    """503 for an unreachable database (SQLAlchemy has invalidated its connections: pool_pre_ping and a fresh
    connection find it again once it is back); 409 for a duplicate sent twice at once; any other database
    error is unexpected."""
    if is_duplicate(error):
        described = describe_error(error)
        log.info("duplicate refused by %s on %s %s", described.get("constraint", "a unique constraint"),
                 request.method, request.path, extra={"error": described})
        current_app.extensions["sqlalchemy"].session.rollback()  # the database is up: the person stays signed in
        message = _l("This was already recorded, perhaps sent twice. Reload to see it.")
        if is_api_request():
            return error_response(409, "duplicate", message)
        return _html_error(409, message)
    if not is_database_unavailable(error):
        return handle_unexpected_error(error)
    described = describe_error(error)
    log.warning("database unavailable (%s) on %s %s", described.get("driver_error", described["type"]),
                request.method, request.path, extra={"error": described})
    _forget_database_state()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    message = HTTP_MESSAGES[503]
    if is_api_request():
        return error_response(503, "database_unavailable", message, headers=headers)
    page, status = _html_error(503, message)
    return page, status, headers


def _forget_database_state() -> None:
    """Nothing may read the database while answering: not the error page, not the language of the signed-in
    person, not the after-request hooks. The session is rolled back (what was loaded is expired, and
    reloading it would fail again) and the request goes on as anonymous."""
    try:
        if "sqlalchemy" in current_app.extensions:
            current_app.extensions["sqlalchemy"].session.rollback()
    except sa_exc.SQLAlchemyError:  # a dead connection may refuse even the rollback; it is discarded anyway
        log.warning("rollback failed while the database is unavailable")
    login_manager = getattr(current_app, "login_manager", None)
    if login_manager is not None:
        login_manager._update_request_context_with_user()  # Flask-Login's own way to set the anonymous user


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(sa_exc.DBAPIError, handle_database_error)
    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected_error)

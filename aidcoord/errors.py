"""One JSON error shape for the API, error pages for HTML, and the domain errors services raise.

API errors always look like {"error": {"code": str, "message": str, "fields": {name: [messages]}}}.
"""
import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the operation; services raise it, nothing is written."""

    status = 422
    code = "invalid"

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
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


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
        return error_response(error.status, error.code, error.message, error.fields)
    return _html_error(error.status, error.message)


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


def handle_unexpected_error(error: Exception):
    # Log the type and traceback only: request bodies may hold personal data.
    log.error("unhandled %s on %s %s", type(error).__name__, request.method, request.path, exc_info=error)
    if is_api_request():
        return error_response(500, "internal_error", HTTP_MESSAGES[500])
    return _html_error(500, HTTP_MESSAGES[500])


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)

"""How a request is tied to a user: session cookie for pages, Bearer token for the API."""
from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Unauthorized

from aidcoord.accounts import services
from aidcoord.common.web import SAFE_METHODS
from aidcoord.errors import is_api_request
from aidcoord.extensions import csrf, login_manager


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@login_manager.user_loader
def _load_user_from_session(session_id: str):
    return services.load_session_user(session_id)


@login_manager.unauthorized_handler
def _unauthorized():
    if is_api_request():
        raise Unauthorized()
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _authenticate_api_request():
    """A Bearer token, when sent, alone decides who calls (never a cookie beside it).
    Calls riding on a browser session must carry the CSRF token, as forms do."""
    if not is_api_request():
        return
    token = bearer_token()
    if token is not None:
        user = services.user_for_token(token)
        if user is None:
            raise Unauthorized()
        # Not login_user(): that would write a session cookie outliving the token.
        login_manager._update_request_context_with_user(user)
    elif request.method not in SAFE_METHODS and current_user.is_authenticated:
        csrf.protect()


def init_auth(app: Flask) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.session_protection = "basic"
    app.before_request(_authenticate_api_request)

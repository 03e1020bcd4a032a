"""Security headers on every response (pages, API, errors, static files), by Flask-Talisman.

The CSP allows scripts and styles from our own origin only (no inline script or style anywhere, the
API documentation page included: its start-up script is a static file), no framing, no plugins;
HSTS is sent over https. Responses to a signed-in person are never stored by a browser or proxy
cache, since they may carry personal data.
"""
from flask import Flask, Response
from flask_login import current_user

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # Swagger UI draws its icons as data: URLs
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def init_headers(app: Flask) -> None:
    from aidcoord.extensions import talisman

    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the reverse proxy, which redirects plain http
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    app.after_request(_no_store_for_signed_in)


def _no_store_for_signed_in(response: Response) -> Response:
    if current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
        response.vary.add("Authorization")
    return response

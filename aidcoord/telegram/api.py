"""The webhook Telegram posts updates to. It answers at once; the worker does the work and sends the replies."""
import hmac
import logging

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from aidcoord.common.api import Blueprint
from aidcoord.common.permissions import ANYONE, allow
from aidcoord.common.schemas import ErrorSchema
from aidcoord.common.strict_input import load_json
from aidcoord.errors import PermissionDenied, ValidationFailed
from aidcoord.telegram import services
from aidcoord.telegram.schemas import WebhookAnswerSchema

blp = Blueprint("telegram_api", __name__, url_prefix="/telegram",
                description="Telegram's webhook (the bot people without an account talk to).")
log = logging.getLogger(__name__)
MAX_UPDATE_BYTES = 256 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret


def _from_telegram() -> bool:
    secret = current_app.config.get("TELEGRAM_WEBHOOK_SECRET") or ""
    given = request.headers.get(SECRET_HEADER, "")
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


@blp.route("/webhook", methods=["POST"])
@allow(ANYONE)  # Telegram has no account here: the secret header is checked below
@blp.response(200, WebhookAnswerSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not from Telegram: the secret header is missing or wrong.")
def webhook():
    """Take one update from Telegram (once per update_id); the reply is sent by the worker."""
    if not _from_telegram():
        # Logged without the body: whoever sent it, it may carry someone's words.
        log.warning("telegram webhook refused: secret header missing or wrong", extra={"remote": request.remote_addr})
        raise PermissionDenied()
    if (request.content_length or 0) > MAX_UPDATE_BYTES:  # an update is a few kilobytes
        raise RequestEntityTooLarge()
    try:
        body = load_json(request.get_data(as_text=True))
    except ValueError:  # not JSON at all (too deep or too long a number: InvalidBody, a 400)
        body = None
    if not isinstance(body, dict) or type(body.get("update_id")) is not int or not 0 <= body["update_id"] < 2**62:
        raise ValidationFailed(_l("Not a Telegram update."), {"update_id": [_l("An integer update_id is required.")]})
    return {"ok": True, "duplicate": not services.receive_update(body)}

"""HTML endpoints: the administrators' dead-letter page, and the SMS provider's inbound webhook (STOP)."""
import logging

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from aidcoord.accounts.models import Role
from aidcoord.common.channels import Channel
from aidcoord.common.permissions import ANYONE, allow, has_role
from aidcoord.errors import Conflict
from aidcoord.extensions import csrf
from aidcoord.notifications import delivery
from aidcoord.worker import services as worker

bp = Blueprint("notifications", __name__)
log = logging.getLogger(__name__)

ADMINS = has_role(Role.ADMIN)
# Words that ask for no more messages (Twilio's standard ones, and the same in Russian and Armenian).
STOP_WORDS = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "стоп", "ստոպ", "կանգ"}


@bp.route("/admin/dead-letters")
@allow(ADMINS)
def dead_letters():
    """Messages and jobs that failed every attempt, with a button to try each again."""
    return render_template("notifications/dead_letters.html", messages=delivery.dead_messages(),
                           jobs=worker.dead_jobs(), last_heartbeat=worker.last_heartbeat())


@bp.route("/admin/dead-letters/messages/<id:message_id>/retry", methods=["POST"])
@allow(ADMINS)
def retry_message(message_id):
    delivery.retry_message(message_id)
    flash(_("The message is queued again."), "success")
    return redirect(url_for("notifications.dead_letters"))


@bp.route("/admin/dead-letters/jobs/<id:job_id>/retry", methods=["POST"])
@allow(ADMINS)
def retry_job(job_id):
    try:
        worker.retry_job(job_id)
    except Conflict as refused:
        flash(str(refused.message), "error")
    else:
        flash(_("The job is queued again."), "success")
    return redirect(url_for("notifications.dead_letters"))


def _signed_by_twilio() -> bool:
    from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    if not token:
        return False
    # Twilio signs the address it called: behind a proxy that is PUBLIC_URL + the path, not what we see.
    public = current_app.config.get("PUBLIC_URL")
    url = f"{public.rstrip('/')}{request.full_path.rstrip('?')}" if public else request.url
    return RequestValidator(token).validate(url, request.form.to_dict(), request.headers.get("X-Twilio-Signature", ""))


@bp.route("/sms/inbound", methods=["POST"])
@allow(ANYONE)
@csrf.exempt
def sms_inbound():
    """Twilio's webhook for SMS sent to our number: STOP (and its equivalents) stops messages to that phone.
    Requests without Twilio's valid signature are refused (403) and logged without their content."""
    if not _signed_by_twilio():
        log.warning("SMS webhook refused: missing or invalid X-Twilio-Signature")
        abort(403)
    sender, words = request.form.get("From", ""), request.form.get("Body", "").strip().lower().split()
    if sender and words and words[0] in STOP_WORDS:
        delivery.stop_messages(Channel.SMS, sender)
    return Response('<?xml version="1.0" encoding="UTF-8"?><Response/>', mimetype="text/xml")

"""JSON API for administrators: messages and jobs that failed every attempt (dead letters), and retrying them."""
from aidcoord.accounts.models import Role
from aidcoord.common.api import Blueprint
from aidcoord.common.permissions import allow, has_role
from aidcoord.notifications import delivery
from aidcoord.notifications.schemas import DeadLettersSchema, RetriedSchema
from aidcoord.worker import services as worker

blp = Blueprint("dead_letters_api", __name__, url_prefix="/api/v1/admin/dead-letters",
                description="Outbox messages and background jobs that failed every attempt: listed for "
                            "administrators, who may queue them again.")

ADMINS = has_role(Role.ADMIN)


@blp.route("")
@allow(ADMINS)
@blp.response(200, DeadLettersSchema)
def dead_letters():
    """Dead messages (channel, topic, error class; never recipient or text) and dead jobs, oldest first (at most
    100 of each), and the newest worker heartbeat."""
    return {"messages": delivery.dead_messages(), "jobs": worker.dead_jobs(), "last_heartbeat": worker.last_heartbeat()}


@blp.route("/messages/<id:message_id>/retry", methods=["POST"])
@allow(ADMINS)
@blp.response(200, RetriedSchema)
def retry_message(message_id):
    """Queue a dead message again, with its attempts counted afresh (404 unless it is dead)."""
    return delivery.retry_message(message_id)


@blp.route("/jobs/<id:job_id>/retry", methods=["POST"])
@allow(ADMINS)
@blp.response(200, RetriedSchema)
def retry_job(job_id):
    """Queue a dead job again, with its attempts counted afresh (404 unless it is dead)."""
    return worker.retry_job(job_id)

"""JSON API for consent: a record's consent history, recording and withdrawing consent, the current texts."""
from aidcoord.common.api import Blueprint
from aidcoord.common.permissions import ANYONE, SIGNED_IN, actor, allow
from aidcoord.consent import services, texts
from aidcoord.consent.models import ConsentPurpose
from aidcoord.consent.schemas import (
    ConsentHistorySchema,
    ConsentInputSchema,
    ConsentRecordSchema,
    ConsentTextsSchema,
    WithdrawInputSchema,
)

blp = Blueprint("consent_api", __name__, url_prefix="/api/v1/consent",
                description="What a household or job seeker agreed to: purpose, text version and language, by whom; "
                            "withdrawal.")

SUBJECT = "<subject_kind>/<id:subject_id>"  # household or job_seeker: any other kind is not found


@blp.route("/texts")
@allow(ANYONE)
@blp.response(200, ConsentTextsSchema)
def current_texts():
    """The consent texts to show now, one per purpose, in the request's language (with their version)."""
    return {"texts": [{"purpose": purpose.value, "version": texts.current_version(purpose),
                       "text": str(texts.text(purpose, texts.current_version(purpose)))} for purpose in ConsentPurpose]}


@blp.route(f"/{SUBJECT}")
@allow(SIGNED_IN)
@blp.response(200, ConsentHistorySchema)
def list_consent(subject_kind, subject_id):
    """The consent history of a household or job seeker, newest first.

    `subject_kind` is `household` or `job_seeker`. For its caseworkers, coordinators and the person themselves."""
    return {"records": services.list_records(actor(), subject_kind, subject_id)}


@blp.route(f"/{SUBJECT}", methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(ConsentInputSchema)
@blp.response(201, ConsentRecordSchema)
def record_consent(data, subject_kind, subject_id):
    """Record the person's consent to a purpose, with the text version and language shown.

    From the person's own account, or by a caseworker or coordinator on their behalf with `on_behalf_reason`."""
    return services.record_consent(actor(), subject_kind, subject_id, data["purpose"],
                                   text_version=data.get("text_version"), language=data.get("language"),
                                   on_behalf_reason=data.get("on_behalf_reason"))


@blp.route(f"/{SUBJECT}/<purpose>/withdraw",
           methods=["POST"])
@allow(SIGNED_IN)
@blp.arguments(WithdrawInputSchema)
@blp.response(200, ConsentRecordSchema)
@blp.alt_response(409, description="`conflict`: no consent to this purpose stands.")
def withdraw_consent(data, subject_kind, subject_id, purpose):
    """Withdraw the person's consent to a purpose: nothing further is shared or sent for it.

    `purpose` is `registration`, `share_with_host`, `share_with_employer` or `messages`. From the person's own
    account, or on their behalf with a `reason`."""
    return services.withdraw_consent(actor(), subject_kind, subject_id, purpose, reason=data.get("reason"))

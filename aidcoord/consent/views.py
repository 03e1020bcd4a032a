"""HTML endpoints for consent: the panel shown on a household's or job seeker's page posts here."""
from flask import Blueprint, flash, redirect
from flask_babel import get_locale
from flask_babel import gettext as _

from aidcoord.common.forms import flash_error
from aidcoord.common.locale import default_language, supported
from aidcoord.common.permissions import SIGNED_IN, actor, allow
from aidcoord.consent import forms, services, subjects, texts
from aidcoord.consent.models import ConsentSubject
from aidcoord.errors import DomainError, NotFound

bp = Blueprint("consent", __name__, url_prefix="/consent")

SUBJECT = "<subject_kind>/<id:subject_id>"  # household or job_seeker: any other kind is not found


@bp.app_context_processor
def consent_panel_helpers():
    """What templates/consent/_panel.html needs, on any page that shows a record."""
    return {"consent_panel": _panel}


def _declaration(subject_kind: str) -> subjects.SubjectDeclaration:
    try:
        return subjects.of(ConsentSubject(subject_kind))
    except ValueError:
        raise NotFound() from None


def _panel(subject_kind: str, subject_id: int) -> dict:
    declaration = _declaration(subject_kind)
    record_form = forms.RecordConsentForm(prefix="consent", purposes=declaration.purposes)
    record_form.language.data = supported(str(get_locale() or "")) or default_language()
    records = services.history(subject_kind, subject_id)
    newest: dict = {}
    for record in records:  # newest first: the first of each purpose decides
        newest.setdefault(record.purpose, record)
    return {"records": records, "standing": {record.id for record in newest.values() if record.withdrawn_at is None},
            "record_form": record_form,
            "withdraw_form": forms.WithdrawConsentForm(prefix="withdraw"), "texts": texts,
            "current": {purpose: texts.text(purpose, texts.current_version(purpose))
                        for purpose in declaration.purposes}}


def _back(subject_kind: str, subject_id: int):
    declaration = _declaration(subject_kind)
    return redirect(declaration.path(declaration.load(actor(), subject_id)))


@bp.route(f"/{SUBJECT}/record", methods=["POST"])
@allow(SIGNED_IN)
def record_consent(subject_kind, subject_id):
    declaration = _declaration(subject_kind)
    declaration.load(actor(), subject_id)  # 404 before reading the form for a record the person may not manage
    form = forms.RecordConsentForm(prefix="consent", purposes=declaration.purposes)
    if form.validate_on_submit():
        try:
            services.record_consent(actor(), subject_kind, subject_id, form.purpose.data,
                                    language=form.language.data, on_behalf_reason=form.on_behalf_reason.data)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("The consent is recorded."), "success")
    else:
        flash(" ".join(str(message) for messages in form.errors.values() for message in messages), "error")
    return _back(subject_kind, subject_id)


@bp.route(f"/{SUBJECT}/<purpose>/withdraw",
          methods=["POST"])
@allow(SIGNED_IN)
def withdraw_consent(subject_kind, subject_id, purpose):
    _declaration(subject_kind).load(actor(), subject_id)
    form = forms.WithdrawConsentForm(prefix="withdraw")
    if form.validate_on_submit():
        try:
            services.withdraw_consent(actor(), subject_kind, subject_id, purpose, reason=form.reason.data)
        except DomainError as error:
            flash_error(error)
        else:
            flash(_("The consent is withdrawn: nothing more is shared or sent for it."), "success")
    else:
        flash(" ".join(str(message) for messages in form.errors.values() for message in messages), "error")
    return _back(subject_kind, subject_id)

"""After placement: welfare check-ins, and incident reports that a coordinator reviews."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction, Purpose
from aidcoord.audit.services import ServedBy
from aidcoord.common import validation as check
from aidcoord.common.types import today as local_today
from aidcoord.common.types import utcnow
from aidcoord.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aidcoord.extensions import db
from aidcoord.housing import matching as housing_matching
from aidcoord.housing import offers, privacy
from aidcoord.housing.models import Incident, WelfareCheck, WelfareOutcome
from aidcoord.matching.models import Match, MatchState


def record_check(actor: User, welfare_check: WelfareCheck, outcome: str, note: str) -> WelfareCheck:
    """A coordinator records how the household is doing."""
    if not actor.is_staff:
        raise PermissionDenied()
    if welfare_check.outcome is not None:
        raise Conflict(_l("This check-in is already recorded."))
    errors = check.FieldErrors()
    result = check.enum_value(errors, "outcome", outcome, WelfareOutcome)
    # check.text never returns None.
    note = check.text(errors, "note", note, 5000, required=result is not WelfareOutcome.WELL) or ""
    if errors:
        raise ValidationFailed(_l("Some fields are invalid."), errors)
    welfare_check.outcome, welfare_check.note = result, note
    welfare_check.recorded_by_id, welfare_check.recorded_at = actor.id, utcnow()
    audit.record(actor, AuditAction.UPDATE, "welfare_check", welfare_check.id, {"outcome": [None, result]})
    db.session.commit()
    return welfare_check


def get_check(check_id: int) -> WelfareCheck:
    welfare_check = db.session.get(WelfareCheck, check_id)
    if welfare_check is None:
        raise NotFound()
    return welfare_check


def due_checks(viewer: User, today: date | None = None) -> list[WelfareCheck]:
    """Check-ins due by today with no outcome yet; those before today are missed."""
    if not viewer.is_staff:
        raise PermissionDenied()
    today = today or local_today()
    query = (select(WelfareCheck).join(Match, Match.id == WelfareCheck.match_id)
             .where(WelfareCheck.outcome.is_(None), WelfareCheck.due_on <= today, Match.state == MatchState.PLACED)
             .order_by(WelfareCheck.due_on))
    return list(db.session.scalars(query))


def report_incident(actor: User, match: Match, description: str) -> Incident:
    """Anyone involved in the placement may report; coordinators are told through the outbox."""
    privacy.ensure_can_view(actor, match)
    description = check.required_text(description, "description", 10000, message=_l("Describe what happened."))
    incident = Incident(match_id=match.id, reported_by_id=actor.id, description=description)
    db.session.add(incident)
    db.session.flush()
    audit.record(actor, AuditAction.CREATE, "incident", incident.id, {"match_id": match.id})
    db.session.commit()
    return incident


def review_incident(actor: User, incident: Incident, note: str, *, end_placement: bool = False,
                    suspend_host: bool = False) -> Incident:
    """A coordinator reviews; may end the placement and suspend the host (everywhere, until lifted)."""
    if not actor.is_staff:
        raise PermissionDenied()
    if incident.reviewed_at is not None:
        raise Conflict(_l("This incident is already reviewed."))
    note = check.required_text(note, "note", 2000, message=_l("Write what was decided."))
    match = housing_matching.get_match(incident.match_id)
    incident.review_note, incident.reviewed_by_id, incident.reviewed_at = note, actor.id, utcnow()
    db.session.commit()
    if end_placement and match.state in (MatchState.ACCEPTED, MatchState.PLACED):
        housing_matching.end(actor, match, f"incident {incident.id}: {note}")
        incident.placement_ended = True
    offer = housing_matching.KIND.offer(match.offer_id)
    if suspend_host and offer.host is not None and offers.active_suspension(offer.host.id) is None:
        offers.suspend_host(actor, offer.host, f"incident {incident.id}: {note}")
        incident.host_suspended = True
    audit.record(actor, AuditAction.STATE_CHANGE, "incident", incident.id,
                 {"reviewed": [False, True], "placement_ended": incident.placement_ended,
                  "host_suspended": incident.host_suspended}, note,
                 personal_reason="review_note")
    db.session.commit()
    return incident


def open_incidents(viewer: User) -> list[Incident]:
    if not viewer.is_staff:
        raise PermissionDenied()
    incidents = list(db.session.scalars(select(Incident).where(Incident.reviewed_at.is_(None)).order_by(Incident.id)))
    for incident in incidents:  # what was reported is protection data: each reading recorded
        audit.record_personal_data_view(viewer, "incident", incident.id, ["description"],
                                        ServedBy(Purpose.SAFEGUARDING, "match", incident.match_id), commit=False)
    db.session.commit()
    return incidents


def get_incident(incident_id: int) -> Incident:
    incident = db.session.get(Incident, incident_id)
    if incident is None:
        raise NotFound()
    return incident

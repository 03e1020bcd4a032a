"""A person's own data: export it, ask for its erasure; and the daily purge. Channels (pages, API, CLI, the
Telegram bot) call these functions; the rules are here."""
import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from aidcoord.accounts.models import User
from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common.csv_export import safe_csv
from aidcoord.common.types import today as current_day
from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.housing.models import Household, HousingOffer, VettingState
from aidcoord.jobs.models import JobSeeker
from aidcoord.matching.models import EntryState, Match, MatchState, QueueEntry, QueueKind
from aidcoord.pledges.models import Pledge
from aidcoord.privacy import retention
from aidcoord.privacy.models import ErasureBlock, ErasureRequest, ErasureState, RetentionDate
from aidcoord.privacy.registry import model_of_table
from aidcoord.volunteers.models import SIGNED_UP, Shift, SignUp, VolunteerProfile

# Never exported: secrets and keys derived for matching or counting (they are not the person's answers).
# possible_duplicate_of_id names another person's case: the household never learns it (nor that one exists).
NOT_EXPORTED = {"password_hash", "token_hash", "phone_key", "name_key", "reporter_key", "address_key",
                "possible_duplicate_of_id"}


@dataclass(frozen=True)
class Holdings:
    """The records that are a person's own, by their account."""

    households: list[int]
    job_seekers: list[int]
    housing_offers: list[int]
    volunteer_profiles: list[int]


def holdings(user: User) -> Holdings:
    def ids(query) -> list[int]:
        return list(db.session.scalars(query))
    return Holdings(households=ids(select(Household.id).where(Household.user_id == user.id)),
                    job_seekers=ids(select(JobSeeker.id).where(JobSeeker.user_id == user.id)),
                    housing_offers=ids(select(HousingOffer.id).where(HousingOffer.host_id == user.id)),
                    volunteer_profiles=ids(select(VolunteerProfile.id).where(VolunteerProfile.user_id == user.id)))


def erasure_blocks(user: User) -> list[ErasureBlock]:
    """What keeps the person's data from being erased now: matches under way or placements, shifts ahead."""
    own = holdings(user)
    housing = set(db.session.scalars(select(Match.state).where(
        Match.kind == QueueKind.HOUSING,
        Match.subject_id.in_(own.households) | Match.offer_id.in_(own.housing_offers))))
    jobs = set(db.session.scalars(select(Match.state).where(Match.kind == QueueKind.JOBS,
                                                            Match.subject_id.in_(own.job_seekers))))
    shifts = db.session.scalar(select(SignUp.id).join(Shift).where(
        SignUp.volunteer_id == user.id, SignUp.state == SIGNED_UP, Shift.starts_at > utcnow()).limit(1))
    blocks = []
    if MatchState.PLACED in housing:
        blocks.append(ErasureBlock.ACTIVE_PLACEMENT)
    if housing & {MatchState.PROPOSED, MatchState.ACCEPTED}:
        blocks.append(ErasureBlock.ACTIVE_MATCH)
    if jobs & set(retention.ACTIVE_MATCH[QueueKind.JOBS]):
        blocks.append(ErasureBlock.ACTIVE_REFERRAL)
    if shifts is not None:
        blocks.append(ErasureBlock.UPCOMING_SHIFT)
    return blocks


def _erase(user: User, today: date) -> None:
    """Anonymise everything that is the person's own; their cases leave the queue and their offers are
    withdrawn, so no one is proposed to a record without a contact."""
    own = holdings(user)
    for entry in db.session.scalars(select(QueueEntry).where(
            ((QueueEntry.kind == QueueKind.HOUSING) & QueueEntry.subject_id.in_(own.households))
            | ((QueueEntry.kind == QueueKind.JOBS) & QueueEntry.subject_id.in_(own.job_seekers)))):
        entry.state, entry.leased_by_id, entry.lease_expires_at = EntryState.CLOSED, None, None
    for offer in db.session.scalars(select(HousingOffer).where(HousingOffer.id.in_(own.housing_offers))):
        offer.vetting_state = VettingState.WITHDRAWN
    retention.anonymise("household", own.households, today)
    retention.anonymise("job_seeker", own.job_seekers, today)
    retention.anonymise("housing_offer", own.housing_offers, today)
    retention.anonymise("volunteer_profile", own.volunteer_profiles, today)
    retention.anonymise("account", [user.id], today)


def pending_erasure(user: User) -> ErasureRequest | None:
    return db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                          ErasureRequest.state == ErasureState.WAITING))


def request_erasure(user: User) -> ErasureRequest:
    """The person's data is anonymised now if nothing blocks it (the account then closes); otherwise the request
    waits, saying why, and the purge run carries it out once nothing blocks it. Asking again while one waits
    returns that one."""
    request = pending_erasure(user)
    if request is None:
        request = ErasureRequest(user_id=user.id, state=ErasureState.WAITING, blocked_by=[])
        db.session.add(request)
        db.session.flush()
        audit.record(user, AuditAction.CREATE, "erasure_request", request.id)
    _try_to_carry_out(request, user, current_day())
    db.session.commit()
    return request


def _try_to_carry_out(request: ErasureRequest, user: User, today: date) -> bool:
    blocks = erasure_blocks(user)
    request.blocked_by = [block.value for block in blocks]
    if blocks:
        return False
    _erase(user, today)
    request.state, request.completed_at = ErasureState.DONE, utcnow()
    audit.record(None, AuditAction.STATE_CHANGE, "erasure_request", request.id, {"state": ["waiting", "done"]})
    return True


def carry_out_waiting_erasures(today: date) -> int:
    """Erase the people whose requests no longer wait for anything; the number carried out."""
    done = 0
    for request in db.session.scalars(select(ErasureRequest).where(ErasureRequest.state == ErasureState.WAITING)):
        user = db.session.get(User, request.user_id)
        if user is not None and _try_to_carry_out(request, user, today):
            done += 1
    return done


def waiting_erasures() -> list[ErasureRequest]:
    """Requests still waiting, oldest first, with why (for coordinators)."""
    return list(db.session.scalars(select(ErasureRequest).where(ErasureRequest.state == ErasureState.WAITING)
                                   .order_by(ErasureRequest.requested_at, ErasureRequest.id)))


def purge(today: date | None = None, *, dry_run: bool = False) -> dict[str, int]:
    """Recompute every retention date, carry out erasures nothing blocks any more, anonymise every record past
    its retention. Returns counts per kind (and "erasure"); with dry_run, changes nothing."""
    today = today or current_day()
    try:
        retention.refresh(today)
        erased = carry_out_waiting_erasures(today)
        counts = retention.purge_expired(today)
        counts["erasure"] = erased
    except Exception:
        db.session.rollback()
        raise
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return counts


def retention_of(kind: str, record_id: int) -> RetentionDate | None:
    return db.session.get(RetentionDate, (kind, record_id))


# ---- a person's own data ---------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _dump(row: Any) -> dict[str, Any]:
    mapper = row.__mapper__
    return {mapper.get_property_by_column(column).key: _plain(getattr(row, mapper.get_property_by_column(column).key))
            for column in row.__table__.columns if column.name not in NOT_EXPORTED}


def export_personal_data(user: User) -> dict[str, list[dict[str, Any]]]:
    """Everything aidcoord holds that is the person's own, by section: their account, households, job-seeker
    profile, volunteer profile, housing offers, pledges, shift sign-ups, consent records, erasure requests.
    Recorded in the audit (field names only)."""
    own = holdings(user)

    def rows(model: Any, *where: Any) -> list[dict[str, Any]]:
        return [_dump(row) for row in db.session.scalars(select(model).where(*where).order_by(model.id)).unique()]

    account = _dump(user)
    account["roles"] = sorted(role.value for role in user.roles)
    data = {
        "account": [account],
        "households": rows(Household, Household.id.in_(own.households)),
        "job_seekers": rows(JobSeeker, JobSeeker.id.in_(own.job_seekers)),
        "volunteer_profiles": rows(VolunteerProfile, VolunteerProfile.id.in_(own.volunteer_profiles)),
        "housing_offers": rows(HousingOffer, HousingOffer.id.in_(own.housing_offers)),
        "pledges": rows(Pledge, Pledge.pledged_by_id == user.id),
        "sign_ups": rows(SignUp, SignUp.volunteer_id == user.id),
        "erasure_requests": rows(ErasureRequest, ErasureRequest.user_id == user.id),
    }
    consent = model_of_table("consent_records")
    if consent is not None:
        data["consent_records"] = rows(consent, consent.subject_user_id == user.id)  # type: ignore[attr-defined]
    audit.record(user, AuditAction.VIEW_PERSONAL_DATA, "user", user.id, {"fields": ["export"]})
    db.session.commit()
    return data


def export_as_csv(data: dict[str, list[dict[str, Any]]]) -> str:
    """One line per value: section, record id, field, value (spreadsheet-safe)."""
    lines = [(section, record.get("id", ""), name, "" if value is None else str(value))
             for section, records in data.items() for record in records for name, value in record.items()]
    return safe_csv(("section", "record_id", "field", "value"), lines)

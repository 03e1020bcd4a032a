"""What anonymising each kind of record means, in one place, for both the purge and erasure.

A kind names a record that carries personal data (a household's case, a housing offer, a job seeker, a
volunteer profile, an account; and rows that expire by their own date: outbox messages, invitations, listing
reports, safeguarding records) and the rows that go with it (a case's matches and their steps, welfare checks,
consent records). Anonymising blanks every column marked `info=PERSONAL` of those rows: a personal column added
later to one of these models is covered without a change here, and tests/privacy/test_registry.py fails for a
model with personal columns that no kind covers. Ids, counts, sizes, regions, dates and states stay, so the
dashboard's figures and the audit's ids keep their meaning.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Enum, Select, select
from sqlalchemy.orm import Mapper

from aidcoord.accounts.models import ApiToken, User
from aidcoord.common.personal_data import is_personal
from aidcoord.common.types import utcnow
from aidcoord.extensions import Model, db
from aidcoord.housing.models import Household, HousingOffer, WelfareCheck
from aidcoord.jobs.models import JobSeeker, ListingReport
from aidcoord.matching.models import Match, MatchStep, QueueKind
from aidcoord.notifications.models import OutboxMessage
from aidcoord.notifications.services import MAX_ATTEMPTS
from aidcoord.organizations.models import Invitation
from aidcoord.pledges.models import Pledge
from aidcoord.volunteers.models import VolunteerProfile

# Tables with personal columns that no kind anonymises, and why (tests/privacy/test_registry.py reads this).
NOT_ANONYMISED = {
    "audit_events": "Append-only; the audit holds ids, field names and codes, never a person's values "
                    "(audit.services.WITHHELD), so there is nothing in it to anonymise.",
    "job_files": "An uploaded file waiting for its job (a household registration list): deleted in the "
                 "transaction that ends the job (done, rejected or dead after its attempts); never shown.",
    "organizations": "An organization's public contact, edited or removed by its members at any time; an "
                     "organization is not a person and has no end of life in aidcoord yet.",
}

# Columns whose neutral value depends on the row (the default is None, "", [] or the column's default).
PLACEHOLDERS: dict[str, Callable[[Any], Any]] = {
    # Unique: each erased account keeps an address of its own, on a domain that can never receive mail.
    "users.email": lambda user: f"erased-{user.id}@erased.invalid",
    "users.name": lambda user: "",
    # Not a valid Argon2 hash: no password matches it.
    "users.password_hash": lambda user: "!erased",
    # The reasons' codes and numbers feed the figures; the coordinator's note and old sentences go.
    "households.priority_reasons": lambda household: [
        {key: value for key, value in reason.items() if key != "note"}
        for reason in household.priority_reasons or () if isinstance(reason, dict)],
    # An import's problems once purged: none to show (the counts stay).
    "household_imports.problems": lambda household_import: None,
}


def _attribute(mapper: Mapper, column) -> str:
    return mapper.get_property_by_column(column).key


def personal_columns(model: type) -> list:
    """The model's columns marked `info=PERSONAL`."""
    return [column for column in model.__table__.columns if is_personal(column)]  # type: ignore[attr-defined]


def neutral_value(row: Any, column) -> Any:
    """What a personal column holds once anonymised: no trace of the person, valid for the column."""
    placeholder = PLACEHOLDERS.get(f"{column.table.name}.{column.name}")
    if placeholder is not None:
        return placeholder(row)
    if isinstance(column.type, JSON):
        return {} if isinstance(getattr(row, _attribute(row.__mapper__, column)), dict) else []
    if isinstance(column.type, Enum) and column.default is not None:
        return column.default.arg
    return None if column.nullable else ""


def is_blank(row: Any) -> bool:
    """Whether every personal column of `row` already holds its neutral value."""
    return all(getattr(row, _attribute(row.__mapper__, column)) == neutral_value(row, column)
               for column in personal_columns(type(row)))


def blank(rows: Iterable[Any]) -> int:
    """Replace the personal values of `rows` by neutral ones; a row whose key itself is personal (an index of
    name words) is deleted. Returns how many rows were changed."""
    changed = 0
    for row in rows:
        columns = personal_columns(type(row))
        if any(column.primary_key for column in columns):
            db.session.delete(row)
            changed += 1
            continue
        if is_blank(row):
            continue
        for column in columns:
            setattr(row, _attribute(row.__mapper__, column), neutral_value(row, column))
        changed += 1
    return changed


def model_of_table(name: str) -> type | None:
    """The mapped class of a table, found by name: slices added later (consent) are covered without an import."""
    for mapper in Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == name:
            return mapper.class_
    return None


def _all(query: Select) -> list[Any]:
    return list(db.session.scalars(query).unique())


def _matches(kind: QueueKind, column, ids: list[int]) -> tuple[list[Any], list[int]]:
    """The matches of these records (by kind) with their steps, and the matches' ids."""
    matches = _all(select(Match).where(Match.kind == kind, column.in_(ids)))
    match_ids = [match.id for match in matches]
    return [*matches, *_all(select(MatchStep).where(MatchStep.match_id.in_(match_ids)))], match_ids


def _consent_records(subject: str, ids: list[int]) -> list[Any]:
    model = model_of_table("consent_records")
    if model is None:
        return []
    kind = model.subject_kind.type.enum_class(subject)  # type: ignore[attr-defined]
    return _all(select(model).where(model.subject_kind == kind, model.subject_id.in_(ids)))  # type: ignore[attr-defined]


def _rows_keyed_to(table: str, column: str, ids: list[int]) -> list[Any]:
    model = model_of_table(table)
    if model is None:
        return []
    return _all(select(model).where(getattr(model, column).in_(ids)))


def household_rows(ids: list[int]) -> list[Any]:
    matches, match_ids = _matches(QueueKind.HOUSING, Match.subject_id, ids)
    return [*_all(select(Household).where(Household.id.in_(ids))), *matches,
            *_all(select(WelfareCheck).where(WelfareCheck.match_id.in_(match_ids))),
            *_consent_records("household", ids), *_rows_keyed_to("household_name_tokens", "household_id", ids)]


def housing_offer_rows(ids: list[int]) -> list[Any]:
    matches, _ = _matches(QueueKind.HOUSING, Match.offer_id, ids)
    return [*_all(select(HousingOffer).where(HousingOffer.id.in_(ids))), *matches]


def job_seeker_rows(ids: list[int]) -> list[Any]:
    matches, _ = _matches(QueueKind.JOBS, Match.subject_id, ids)
    return [*_all(select(JobSeeker).where(JobSeeker.id.in_(ids))), *matches, *_consent_records("job_seeker", ids)]


def volunteer_profile_rows(ids: list[int]) -> list[Any]:
    return _all(select(VolunteerProfile).where(VolunteerProfile.id.in_(ids)))


def account_rows(ids: list[int]) -> list[Any]:
    users = _all(select(User).where(User.id.in_(ids)))
    emails = [user.email for user in users]
    return [*users, *_all(select(OutboxMessage).where(OutboxMessage.recipient_id.in_(ids))),
            *_all(select(Pledge).where(Pledge.pledged_by_id.in_(ids))),
            *_all(select(ListingReport).where(ListingReport.reporter_id.in_(ids))),
            *_all(select(Invitation).where(Invitation.email.in_(emails))),
            *_all(select(VolunteerProfile).where(VolunteerProfile.user_id.in_(ids))),
            *_rows_keyed_to("telegram_conversations", "user_id", ids)]


def _close_account(ids: list[int]) -> None:
    """An anonymised account can no longer sign in: sessions end, tokens stop."""
    now = utcnow()
    for user in _all(select(User).where(User.id.in_(ids))):
        user.active = False
        user.session_version += 1
    for token in _all(select(ApiToken).where(ApiToken.user_id.in_(ids), ApiToken.revoked_at.is_(None))):
        token.revoked_at = now


def _stop_sending(ids: list[int]) -> None:
    """An expired message not yet sent is never sent (its body is gone)."""
    for message in _all(select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))):
        message.attempts = max(message.attempts, MAX_ATTEMPTS)


@dataclass(frozen=True)
class Kind:
    """A kind of record whose personal data has an end.

    Kinds with `dated=True` have a row in retention_dates (privacy.retention computes it); the others expire by
    their own date column (`expires_from`, counted from it by the kind's period in config RETENTION_MONTHS).
    The model is found by its table's name, so a slice that builds on privacy (the Telegram bot) is covered
    without privacy importing it."""

    name: str
    table: str
    rows: Callable[[list[Any]], list[Any]] | None = None  # the record's rows and those going with it (None: its own)
    dated: bool = True
    expires_from: str | None = None  # not dated kinds: the attribute the period counts from (NULL: not yet)
    only: Callable[[Any], Any] | None = None  # not dated kinds: which rows expire at all (a WHERE clause)
    after: Callable[[list[Any]], None] = field(default=lambda ids: None)  # what else anonymising means
    related: tuple[str, ...] = ()  # tables of the rows that go with it (`rows` returns them too)

    @property
    def model(self) -> Any:
        """The mapped class (None when its slice is not part of this app)."""
        return model_of_table(self.table)

    def key(self) -> Any:
        return self.model.__mapper__.primary_key[0]

    def anonymise(self, ids: list[Any]) -> int:
        """Blank the personal values of these records and of their related rows; the number of rows changed."""
        if not ids or self.model is None:
            return 0
        rows = self.rows(ids) if self.rows is not None else _all(select(self.model).where(self.key().in_(ids)))
        changed = blank(rows)
        self.after(ids)
        return changed


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("household", "households", household_rows,
         related=("matches", "match_steps", "welfare_checks", "consent_records", "household_name_tokens")),
    Kind("housing_offer", "housing_offers", housing_offer_rows, related=("matches", "match_steps")),
    Kind("job_seeker", "job_seekers", job_seeker_rows, related=("matches", "match_steps", "consent_records")),
    Kind("volunteer_profile", "volunteer_profiles", volunteer_profile_rows),
    Kind("account", "users", account_rows, after=_close_account,
         related=("outbox_messages", "pledges", "listing_reports", "organization_invitations", "volunteer_profiles",
                  "telegram_conversations")),
    Kind("outbox_message", "outbox_messages", dated=False, expires_from="created_at", after=_stop_sending),
    Kind("invitation", "organization_invitations", dated=False, expires_from="created_at"),
    Kind("listing_report", "listing_reports", dated=False, expires_from="created_at"),
    # A registration list's problems serve whoever sent it to correct the file: counted from the import's end.
    Kind("household_import", "household_imports", dated=False, expires_from="finished_at"),
    # Safeguarding records outlive the case: counted from the suspension's lifting and the incident's review; open
    # ones are kept.
    Kind("host_suspension", "host_suspensions", dated=False, expires_from="lifted_at"),
    Kind("incident", "incidents", dated=False, expires_from="reviewed_at"),
    # The bot's updates as received (kept only until handled), and conversations abandoned before the person
    # registered anything (a registered person's conversation goes with their account).
    Kind("telegram_update", "telegram_updates", dated=False, expires_from="received_at"),
    Kind("telegram_conversation", "telegram_conversations", dated=False, expires_from="updated_at",
         only=lambda model: model.user_id.is_(None)),
)}


def covered_tables() -> set[str]:
    """Tables whose personal columns some kind anonymises (directly or as related rows)."""
    return {kind.table for kind in KINDS.values()} | {table for kind in KINDS.values() for table in kind.related}


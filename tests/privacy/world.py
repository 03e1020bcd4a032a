"""A scenario with a canary value in every personal column of every kind of record, and a scan of the whole
database for them."""
import itertools
from datetime import timedelta

import sqlalchemy as sa

from aidcoord.audit import services as audit
from aidcoord.audit.models import AuditAction
from aidcoord.common.types import utcnow
from aidcoord.extensions import Model, db
from aidcoord.housing.import_models import HouseholdImport, ImportState
from aidcoord.housing.models import HostSuspension, Household, Incident, VettingState, WelfareCheck
from aidcoord.jobs.models import ContractType, JobListing, JobSeeker, ListingReport, ListingState, ReportReason
from aidcoord.matching.models import EntryState, Match, MatchState, MatchStep, QueueEntry, QueueKind
from aidcoord.notifications.models import OutboxMessage
from aidcoord.organizations.models import Invitation
from aidcoord.pledges.models import Contribution, Pledge, PledgeState
from aidcoord.privacy.registry import NOT_ANONYMISED, model_of_table, personal_columns
from aidcoord.volunteers.models import BackgroundCheck, VolunteerProfile
from tests.factories import HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory

CANARY = "canary7q"
_numbers = itertools.count(1)


def canary(width: int) -> str:
    return f"{CANARY}{next(_numbers):04d}"[:width]


def fill(row) -> None:
    """A canary in every personal text column of the row (a list of reasons with a canary note for JSON)."""
    for column in personal_columns(type(row)):
        key = row.__mapper__.get_property_by_column(column).key
        if isinstance(column.type, sa.JSON):
            setattr(row, key, [{"code": "raised_by_coordinator", "points": 1, "count": 1, "note": canary(40)}])
        elif isinstance(column.type, sa.Enum):
            continue
        elif isinstance(column.type, (sa.String, sa.Text)):
            width = getattr(column.type, "length", None) or 200
            value = canary(width)
            setattr(row, key, f"{value}@example.org" if "email" in column.name else value)


def persons(**roles):
    """Accounts with canary names and addresses, by role name; the host keeps a password to sign in with."""
    people = {}
    for name, role_list in roles.items():
        user = UserFactory(roles=role_list)
        password_hash = user.password_hash
        fill(user)
        if name == "host":
            user.password_hash = password_hash
        people[name] = user
    db.session.commit()
    return people


def seed(closed: bool = True) -> dict:
    """One record of every kind, canaries in every personal column; everything ended (closed=True), so that
    retention alone decides."""
    people = persons(host=["host"], family=[], seeker=[], volunteer=["volunteer"], donor=["donor"],
                     coordinator=["coordinator"], employer=["employer"], reporter=[])
    organization = OrganizationFactory(contact_email="office@relief.example.org", contact_phone="+37410000000")
    offer = HousingOfferFactory(host=people["host"], vetting_state=VettingState.WITHDRAWN if closed
                                else VettingState.VERIFIED, region="AM-SU")
    fill(offer)
    household = Household(size=3, adults=2, children=1, needed_from=utcnow().date(), registered_by_id=people[
        "family"].id, user_id=people["family"].id, preferred_regions=["AM-SU"], contact_name="", contact_phone="")
    fill(household)
    seeker = JobSeeker(user_id=people["seeker"].id, registered_by_id=people["seeker"].id, contact_name="",
                       available_from=utcnow().date(), profession="electrician")
    fill(seeker)
    listing = JobListing(employer_id=people["employer"].id, title="Electrician", sector="construction",
                         region="AM-SU", positions=1, open_positions=1, contract_type=ContractType.FULL_TIME,
                         closing_date=utcnow().date() + timedelta(days=30), state=ListingState.CLOSED,
                         created_by_id=people["employer"].id)
    db.session.add_all([offer, household, seeker, listing])
    db.session.flush()
    entry_state = EntryState.CLOSED if closed else EntryState.WAITING
    housing_match = Match(kind=QueueKind.HOUSING, subject_id=household.id, offer_id=offer.id, people=3, held=3,
                          state=MatchState.ENDED if closed else MatchState.PLACED)
    job_match = Match(kind=QueueKind.JOBS, subject_id=seeker.id, offer_id=listing.id, people=1, held=1,
                      state=MatchState.DECLINED)
    db.session.add_all([QueueEntry(kind=QueueKind.HOUSING, subject_id=household.id, priority=1, state=entry_state),
                        QueueEntry(kind=QueueKind.JOBS, subject_id=seeker.id, priority=1, state=entry_state),
                        housing_match, job_match])
    db.session.flush()
    rows = [
        MatchStep(match_id=housing_match.id, state=housing_match.state, actor_id=people["coordinator"].id),
        MatchStep(match_id=job_match.id, state=MatchState.DECLINED, actor_id=people["employer"].id),
        WelfareCheck(match_id=housing_match.id, due_on=utcnow().date(), recorded_at=utcnow()),
        Incident(match_id=housing_match.id, reported_by_id=people["family"].id, description="",
                 reviewed_at=utcnow(), reviewed_by_id=people["coordinator"].id),
        HostSuspension(host_id=people["host"].id, reason="", suspended_by_id=people["coordinator"].id,
                       lifted_at=utcnow(), lifted_by_id=people["coordinator"].id),
        ListingReport(listing_id=listing.id, reason=ReportReason.SCAM, reporter_id=people["reporter"].id),
        VolunteerProfile(user_id=people["volunteer"].id, skills=["driver"], background_check=BackgroundCheck.CLEARED),
        Pledge(pledged_by_id=people["donor"].id, need_id=NeedFactory(organization=organization).id,
               contribution=Contribution.MONEY, amount_minor=50000, currency="AMD", state=PledgeState.DELIVERED,
               delivered_units=50000),
        OutboxMessage(recipient_id=people["family"].id, topic="match", subject="Your match", body="", sent_at=utcnow()),
        OutboxMessage(topic="invitation", subject="Join us", body=""),
        Invitation(organization_id=organization.id, email="", invited_by_id=people["coordinator"].id),
    ]
    consent = model_of_table("consent_records")
    if consent is not None:
        kinds = consent.subject_kind.type.enum_class
        purposes = consent.purpose.type.enum_class
        rows.append(consent(subject_kind=kinds("household"), subject_id=household.id, subject_user_id=people[
            "family"].id, purpose=purposes("registration"), text_version="1", language="en", on_behalf=True,
            withdrawn_at=utcnow()))
    rows.append(HouseholdImport(state=ImportState.REJECTED, requested_by_id=people["coordinator"].id, locale="en",
                                rows_total=3, finished_at=utcnow()))
    tokens = model_of_table("household_name_tokens")
    if tokens is not None:
        rows.append(tokens(household_id=household.id, token=""))
    conversation, update = model_of_table("telegram_conversations"), model_of_table("telegram_updates")
    if conversation is not None:
        rows += [conversation(telegram_user_id=700001, chat_id=700001, user_id=people["family"].id, answers={}),
                 conversation(telegram_user_id=700002, chat_id=700002, answers={}),  # left before registering
                 update(update_id=900001, body={})]
    for row in [*rows, housing_match, job_match]:
        fill(row)
    db.session.add_all(rows)
    # Changes and a reason about the household go through the audit the way services record them: the audit keeps
    # field names only (the purge cannot rewrite it, so nothing personal may be there to begin with).
    audit.record(people["coordinator"], AuditAction.UPDATE, "household", household.id,
                 {"contact_name": ["", household.contact_name], "medical_note": ["", household.medical_note]},
                 household.boost_reason, personal_reason="boost_reason")
    db.session.commit()
    return {**people, "household": household, "offer": offer, "seeker": seeker, "organization": organization,
            "housing_match": housing_match, "job_match": job_match}


def text_columns():
    """(table, column) of every text or JSON column of every table."""
    return [(table, column) for table in Model.metadata.sorted_tables for column in table.columns
            if isinstance(column.type, (sa.String, sa.Text, sa.JSON, sa.Enum)) and not isinstance(column.type, sa.Enum)]


def canaries_found() -> dict[str, int]:
    """Canary values in the whole database: "table.column" -> how many rows hold one."""
    found: dict[str, int] = {}
    with db.engine.connect() as connection:
        for table, column in text_columns():
            values = connection.execute(sa.select(column).where(column.is_not(None))).scalars()
            count = sum(CANARY in str(value) for value in values)
            if count:
                found[f"{table.name}.{column.name}"] = count
    return found


def personal_text_columns() -> set[str]:
    """Every personal text column of every model that retention covers (the canaries must reach each)."""
    return {f"{column.table.name}.{column.name}" for column in _covered_personal_columns()
            if isinstance(column.type, (sa.String, sa.Text, sa.JSON)) and not isinstance(column.type, sa.Enum)}


def _covered_personal_columns():
    return [column for mapper in Model.registry.mappers for column in personal_columns(mapper.class_)
            if column.table.name not in NOT_ANONYMISED]


def personal_numbers_found() -> dict[str, int]:
    """Personal columns holding numbers (a Telegram user's id): "table.column" -> rows where one is set."""
    found = {}
    with db.engine.connect() as connection:
        for column in _covered_personal_columns():
            if isinstance(column.type, sa.Integer):
                count = connection.execute(sa.select(sa.func.count()).where(column.is_not(None))).scalar()
                if count:
                    found[f"{column.table.name}.{column.name}"] = count
    return found


def aggregates() -> dict:
    """What the dashboard counts: rows of every table, people and beds, states and regions."""
    figures: dict = {}
    with db.engine.connect() as connection:
        for table in Model.metadata.sorted_tables:
            if table.name in ("retention_dates", "household_name_tokens", "telegram_conversations"):
                # bookkeeping, an index of names, a bot's conversations: rows deleted with the person
                continue
            figures[table.name] = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        figures["people"] = connection.execute(sa.text("SELECT sum(size), sum(children) FROM households")).all()
        figures["offers"] = connection.execute(sa.text(
            "SELECT region, vetting_state, sum(beds) FROM housing_offers GROUP BY region, vetting_state")).all()
        figures["matches"] = connection.execute(sa.text(
            "SELECT kind, state, count(*) FROM matches GROUP BY kind, state ORDER BY kind, state")).all()
        figures["pledges"] = connection.execute(sa.text(
            "SELECT state, currency, sum(amount_minor) FROM pledges GROUP BY state, currency")).all()
    return {name: [tuple(row) for row in value] if isinstance(value, list) else value
            for name, value in figures.items()}


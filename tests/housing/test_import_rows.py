"""An import writes the rows single registrations would: households, queue entries, audit events, consent
records, name tokens and retention dates (the import sends them in bulk, the rules are the same)."""
from sqlalchemy import event, select

from aidcoord.audit.models import AuditEvent
from aidcoord.consent.models import ConsentRecord
from aidcoord.extensions import db
from aidcoord.housing import bulk_registration, households
from aidcoord.housing.models import Household, HouseholdNameToken
from aidcoord.matching.models import QueueEntry
from aidcoord.privacy.models import RetentionDate
from tests.factories import OrganizationFactory, UserFactory

ROWS = [
    {"external_ref": "R-1", "contact_name": "Ani Petrosyan", "contact_phone": "+37491000001", "adults": "2",
     "children": "2", "children_under_5": "1", "preferred_regions": "AM-SU", "consent_to_share": "yes",
     "consent_language": "ru"},
    {"external_ref": "R-2", "contact_name": "Ани Петросян", "contact_phone": "091 000 001", "adults": "2",
     "children": "2", "consent_to_share": "yes"},
    {"external_ref": "R-3", "contact_name": "Levon Grigoryan", "contact_phone": "+37491000003", "adults": "1",
     "children": "0", "preferred_regions": "AM-ER AM-KT", "consent_to_share": "no"},
]


def snapshot() -> dict:
    """Every row the registrations wrote, household ids replaced by the row's place in the file."""
    order = {household.id: place for place, household in enumerate(
        db.session.scalars(select(Household).order_by(Household.id)))}
    consents = {record.id: record for record in db.session.scalars(select(ConsentRecord))}

    def place(household_id):
        return order.get(household_id)

    def audited(event):
        changes = dict(event.changes or {})
        if "possible_duplicate_of" in changes:
            changes["possible_duplicate_of"] = place(changes["possible_duplicate_of"])
        if event.entity_type == "consent":
            changes["subject_id"] = place(changes["subject_id"])
            return (event.action.value, "consent", place(consents[event.entity_id].subject_id), sorted(changes.items()))
        return (event.action.value, event.entity_type, place(event.entity_id), sorted(changes.items()))

    return {
        "households": sorted((place(h.id), h.external_ref, h.priority, place(h.possible_duplicate_of_id), h.phone_key,
                              h.name_key, h.consent_to_share, h.organization_id)
                             for h in db.session.scalars(select(Household))),
        "queue": sorted((place(e.subject_id), e.kind.value, e.priority, e.state.value)
                        for e in db.session.scalars(select(QueueEntry))),
        "audit": sorted(audited(event) for event in db.session.scalars(select(AuditEvent))
                        if event.entity_type in ("household", "consent")),
        "consent": sorted((place(r.subject_id), r.subject_kind.value, r.purpose.value, r.text_version, r.language,
                           r.on_behalf, r.on_behalf_reason, r.withdrawn_at)
                          for r in consents.values()),
        "tokens": sorted((place(t.household_id), t.token) for t in db.session.scalars(select(HouseholdNameToken))),
        "retention": sorted((r.kind, place(r.record_id), r.retain_until) for r in db.session.scalars(
            select(RetentionDate).where(RetentionDate.kind == "household"))),
    }


def test_an_import_writes_the_rows_single_registrations_would(app):
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    db.session.commit()
    bulk_registration.register_households(member, [dict(row) for row in ROWS], organization_id=organization.id)
    imported = snapshot()
    db.session.rollback()
    for row in ROWS:
        households.register_household(member, dict(row), organization_id=organization.id, commit=False)
    db.session.flush()
    assert snapshot() == imported
    assert imported["households"][1][3] == 0  # the second row is flagged as the first one's duplicate
    assert len(imported["consent"]) == 2 and len(imported["retention"]) == 3 and imported["tokens"]
    db.session.rollback()


def _statements_to_register(actor, organization, count: int) -> int:
    rows = [{"external_ref": f"S-{n}", "contact_name": f"Person{'ab'[n % 2]} Number{chr(97 + n % 26)}{n}",
             "contact_phone": f"+3749100{max(n, 1):04d}", "adults": "1", "children": str(n % 3),
             "consent_to_share": "yes"}
            for n in range(count)]  # the first two share a phone: flagged duplicates in either file
    seen: list[str] = []

    def record(connection, _cursor, statement, *_args):
        # SQLite returns the ids of new rows one INSERT at a time; PostgreSQL takes them from the sequence first.
        if connection.dialect.name == "postgresql" or not statement.startswith("INSERT"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        bulk_registration.register_households(actor, rows, organization_id=organization.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)


def test_an_import_runs_as_many_statements_for_60_rows_as_for_6(app):
    """Households, their consent records (and the households those load, and whether the importer may see them),
    queue entries, audit events, name tokens and retention dates: one write (or one read) each per part of the
    file, not one per row (on SQLite, where new rows give their ids one INSERT each, the reads)."""
    member = UserFactory()
    organization = OrganizationFactory(members=[member])
    db.session.commit()
    few = _statements_to_register(member, organization, 6)
    db.session.rollback()
    assert _statements_to_register(member, organization, 60) == few
    db.session.rollback()

"""No N+1: every list endpoint of the API (walked from the OpenAPI document) runs as many SQL statements for
100 rows as for 10. Each endpoint has a seeder adding `n` rows of what it lists (through factories and the
services, on one database: 10 rows, count, 90 more, count again); a new list endpoint fails the walk until it
has one, or is listed in NOT_SEEDED with the reason."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from aidcoord.accounts.models import User
from aidcoord.accounts.services import create_api_token
from aidcoord.audit.models import AuditAction, AuditEvent
from aidcoord.common.types import utcnow
from aidcoord.extensions import db
from aidcoord.housing import households
from aidcoord.jobs import applications, listings
from aidcoord.jobs import seekers as jobs_seekers
from aidcoord.matching.models import QueueEntry
from aidcoord.organizations.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    VerificationState,
)
from aidcoord.pledges import services as pledges
from aidcoord.pledges.models import ExchangeRate
from aidcoord.volunteers.models import ATTENDED, Shift, SignUp
from tests.factories import HousingOfferFactory, NeedFactory, OrganizationFactory, UserFactory
from tests.housing.conftest import FAMILY
from tests.jobs.conftest import listing_data, seeker_data

SMALL, LARGE = 10, 100
NO_PASSWORD = "!"  # nobody signs in as the seeded people: no hash to compute for each


class World:
    """The coordinator asking, and the containers the rows are added to (made on first use)."""

    def __init__(self):
        self.coordinator = UserFactory(roles=["coordinator", "volunteer", "employer"])
        self.organization = OrganizationFactory(members=[self.coordinator])
        self.made = 0

    def sequence(self) -> int:
        self.made += 1
        return self.made

    def people(self, n) -> list[User]:
        """n accounts in one go (nobody signs in as them)."""
        people = [User(email=f"seeded{number}@example.org", name=f"Seeded {number}", password_hash=NO_PASSWORD)
                  for number in (self.sequence() for _ in range(n))]
        db.session.add_all(people)
        db.session.flush()
        return people

    def groups(self, n) -> list[Organization]:
        """n verified organizations in one go."""
        groups = [Organization(name=f"Seeded group {number}", name_key=f"seeded group {number}",
                               kind=OrganizationKind.NGO, country="AM", verification_state=VerificationState.VERIFIED)
                  for number in (self.sequence() for _ in range(n))]
        db.session.add_all(groups)
        db.session.flush()
        return groups

    def shifts(self, n, *, slots=1, filled=0, organization_ids=None) -> list[Shift]:
        start = utcnow() + timedelta(days=2)
        shifts = [Shift(organization_id=organization_id, task="Sorting", region="AM-SU", locality="Goris",
                        starts_at=start, ends_at=start + timedelta(hours=4), slots=slots, filled=filled,
                        created_by_id=self.coordinator.id)
                  for organization_id in (organization_ids or [self.organization.id] * n)]
        db.session.add_all(shifts)
        db.session.flush()
        return shifts

    def sign_ups(self, shifts, people, **values) -> None:
        db.session.add_all(SignUp(shift_id=shift.id, volunteer_id=person.id, **values)
                           for shift, person in zip(shifts, people, strict=True))
        db.session.commit()


def organizations(world, n):
    world.groups(n)
    db.session.commit()
    return {}


def members(world, n):
    db.session.add_all(Membership(organization_id=world.organization.id, user_id=person.id)
                       for person in world.people(n))
    db.session.commit()
    return {"organization_id": world.organization.id}


def invitations(world, n):
    db.session.add_all(Invitation(organization_id=world.organization.id, email=f"invited{world.sequence()}@example.org",
                                  invited_by_id=world.coordinator.id) for _ in range(n))
    db.session.commit()
    return {"organization_id": world.organization.id}


def my_invitations(world, n):
    db.session.add_all(Invitation(organization_id=group.id, email=world.coordinator.email)
                       for group in world.groups(n))
    db.session.commit()
    return {}


def tokens(world, n):
    for number in range(n):
        create_api_token(world.coordinator, f"token {number}")
    return {}


def needs(world, n):
    for _ in range(n):
        NeedFactory(organization=world.organization, created_by=world.coordinator)
    return {}


def pledge_rows(world, n):
    need = NeedFactory(organization=world.organization, created_by=world.coordinator, quantity=Decimal(100_000))
    donor = UserFactory(roles=["donor"])
    for _ in range(n):
        pledges.make_pledge(donor, {"contribution": "in_kind", "quantity": "1", "unit": "beds", "need_id": need.id})
    return {}


def offers(world, n):
    for _ in range(n):
        HousingOfferFactory(organization=world.organization, host=world.coordinator)
    return {}


def queue(world, n):
    for _ in range(n):
        number = world.sequence()
        households.register_household(world.coordinator, {**FAMILY, "contact_name": f"Family {number:05d}",
                                                          "contact_phone": f"+37491{number:06d}"})
    return {}


def newest_entry() -> QueueEntry:
    return db.session.scalars(select(QueueEntry).order_by(QueueEntry.id.desc()).limit(1)).one()


def candidates(world, n):
    if not hasattr(world, "entry_id"):
        households.register_household(world.coordinator, FAMILY)
        world.entry_id = newest_entry().id
    offers(world, n)
    return {"entry_id": world.entry_id}


def open_shifts(world, n):
    world.shifts(n)
    db.session.commit()
    return {}


def my_shifts(world, n):
    world.sign_ups(world.shifts(n, filled=1), [world.coordinator] * n)
    return {}


def roster(world, n):
    if not hasattr(world, "roster_shift"):
        world.roster_shift = world.shifts(1, slots=LARGE)[0]
    world.roster_shift.filled += n
    world.sign_ups([world.roster_shift] * n, world.people(n))
    return {"shift_id": world.roster_shift.id}


def hours(world, n):
    world.sign_ups(world.shifts(n), world.people(n), state=ATTENDED, hours=Decimal(2))
    return {"organization_id": world.organization.id}


def hours_by_organization(world, n):
    groups = world.groups(n)
    shifts = world.shifts(n, organization_ids=[group.id for group in groups])
    world.sign_ups(shifts, world.people(n), state=ATTENDED, hours=Decimal(2))
    return {}


def audit_events(world, n):
    db.session.add_all(AuditEvent(actor_id=world.coordinator.id, action=AuditAction.VIEW_PERSONAL_DATA,
                                  entity_type="user", entity_id=person.id, changes={"fields": ["name"]},
                                  subject_type="user", subject_id=person.id, purpose="roster")
                       for person in world.people(n))
    db.session.commit()
    return {}


def organization_history(world, n):
    db.session.add_all(AuditEvent(actor_id=world.coordinator.id, action=AuditAction.UPDATE, entity_type="organization",
                                  entity_id=world.organization.id, changes={"description": ["before", "after"]})
                       for _ in range(n))
    db.session.commit()
    return {"organization_id": world.organization.id}


def exchange_rates(world, n):
    first = date(2023, 1, 1)
    db.session.add_all(ExchangeRate(currency="EUR", reporting_currency="USD", rate=Decimal("1.1"),
                                    valid_on=first + timedelta(days=number), recorded_by_id=world.coordinator.id)
                       for number in (world.sequence() for _ in range(n)))
    db.session.commit()
    return {}


def job_listings(world, n):
    for _ in range(n):
        listings.publish(world.coordinator, listings.post_listing(world.coordinator, listing_data()))
    return {}


def job_queue(world, n):
    for number in (world.sequence() for _ in range(n)):
        seeker = jobs_seekers.register_for_other(world.coordinator, seeker_data(
            contact_name=f"Seeker {number}", contact_phone=f"+37491{number:06d}"))
        jobs_seekers.ask_for_help(world.coordinator, seeker)
    return {}


def listing_applications(world, n):
    if not hasattr(world, "listing"):
        world.listing = listings.publish(world.coordinator, listings.post_listing(
            world.coordinator, listing_data(positions=LARGE)))
    for number in (world.sequence() for _ in range(n)):
        seeker = jobs_seekers.register_for_other(world.coordinator, seeker_data(
            contact_name=f"Seeker {number}", contact_phone=f"+37491{number:06d}"))
        applications.apply(world.coordinator, seeker, world.listing)
    return {"listing_id": world.listing.id}


def seeker_applications(world, n):
    if not hasattr(world, "seeker"):
        world.seeker = jobs_seekers.register_for_other(world.coordinator, seeker_data())
    for _ in range(n):
        applications.apply(world.coordinator, world.seeker, listings.publish(
            world.coordinator, listings.post_listing(world.coordinator, listing_data())))
    return {"seeker_id": world.seeker.id}


def pending_listings(world, n):
    for _ in range(n):
        listings.post_listing(world.coordinator, listing_data())
    return {}


SEEDERS = {
    "/api/v1/organizations": organizations,
    "/api/v1/organizations/{organization_id}/members": members,
    "/api/v1/organizations/{organization_id}/invitations": invitations,
    "/api/v1/me/invitations": my_invitations,
    "/api/v1/me/tokens": tokens,
    "/api/v1/needs": needs,
    "/api/v1/pledges": pledge_rows,
    "/api/v1/housing/offers": offers,
    "/api/v1/housing/queue": queue,
    "/api/v1/housing/queue/{entry_id}/candidates": candidates,
    "/api/v1/volunteers/shifts": open_shifts,
    "/api/v1/volunteers/me/shifts": my_shifts,
    "/api/v1/volunteers/shifts/{shift_id}/roster": roster,
    "/api/v1/volunteers/organizations/{organization_id}/hours": hours,
    "/api/v1/volunteers/hours": hours_by_organization,
    "/api/v1/jobs/listings": job_listings,
    "/api/v1/jobs/queue": job_queue,
    "/api/v1/jobs/listings/{listing_id}/applications": listing_applications,
    "/api/v1/jobs/seekers/{seeker_id}/applications": seeker_applications,
    "/api/v1/audit": audit_events,
    "/api/v1/organizations/{organization_id}/history": organization_history,
    "/api/v1/exchange-rates": exchange_rates,
    "/api/v1/jobs/listings/mine": pending_listings,
    "/api/v1/jobs/listings/review": pending_listings,
}
# List endpoints without a seeder yet: each needs a chain of services to make its rows (a reason, not a pass).
NOT_SEEDED = {
    "/api/v1/housing/matches", "/api/v1/housing/welfare-checks",
    "/api/v1/housing/incidents", "/api/v1/arrivals",
    "/api/v1/3w", "/api/v1/privacy/erasure-requests",
}


def list_endpoints(app) -> set[str]:
    """GET operations of the OpenAPI document answering a JSON array or a page of `items`."""
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]

    def is_list(schema):
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
        return schema.get("type") == "array" or schema.get("properties", {}).get("items", {}).get("type") == "array"

    found = set()
    for path, operations in spec["paths"].items():
        content = operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
        if "application/json" in content and is_list(content["application/json"].get("schema", {})):
            found.add(path)
    return found


def test_every_list_endpoint_has_a_seeder_or_a_reason(app):
    assert list_endpoints(app) - set(SEEDERS) - NOT_SEEDED == set()


class StatementCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self.seen)

    def seen(self, *args, **kwargs):
        self.count += 1


@pytest.mark.parametrize("path", sorted(SEEDERS))
def test_a_list_endpoint_runs_as_many_statements_for_100_rows_as_for_10(app, client, path):
    world = World()
    _token, plain = create_api_token(world.coordinator, "counting")
    counter = StatementCounter(db.engine)

    def statements(arguments) -> tuple[int, int]:
        url = path.format(**arguments) + "?page_size=100"
        client.get(url, headers={"Authorization": f"Bearer {plain}"})  # warm: first-use work is not per row
        before = counter.count
        response = client.get(url, headers={"Authorization": f"Bearer {plain}"})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        rows = len(body["items"] if isinstance(body, dict) else body)
        # A page with another after it counts the rows for its total (one statement, whatever their number);
        # the last page knows its total without it (common.pagination).
        counting = 1 if isinstance(body, dict) and body["_links"]["next"] else 0
        return counter.count - before - counting, rows

    small, small_rows = statements(SEEDERS[path](world, SMALL))
    large, large_rows = statements(SEEDERS[path](world, LARGE - SMALL))
    assert large_rows > small_rows >= SMALL
    assert large <= small, f"{path}: {small} statements for {small_rows} rows, {large} for {large_rows}"

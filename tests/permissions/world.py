"""One world with a record of each kind and a user for each persona, built through the API (as people
would build it, and untouched by how the services are arranged inside), then kept as a snapshot that
is put back before every request that may change it."""
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from aidcoord.accounts.services import create_api_token
from aidcoord.common.types import today, utcnow
from aidcoord.extensions import db
from aidcoord.notifications.models import OutboxMessage
from aidcoord.organizations.models import VerificationState
from tests.conftest import CSRF_PATTERN, Browserless, vacuum_now_and_then
from tests.factories import OrganizationFactory, UserFactory

# Everyone the matrix asks, in the order of its columns.
PERSONAS = ("anonymous", "admin", "coordinator", "member", "donor", "host", "employer", "volunteer",
            "other_member", "removed_member")
# Owners of one record each; a row names those of its record.
OWNERS = ("offer_host", "pledge_donor", "listing_employer", "self_seeker", "self_household",
          "signed_up_volunteer", "token_owner", "invitee")
ROLES = {"admin": ["admin"], "coordinator": ["coordinator"], "donor": ["donor"], "host": ["host"],
         "employer": ["employer"], "volunteer": ["volunteer"], "offer_host": ["host"], "pledge_donor": ["donor"],
         "listing_employer": ["employer"], "signed_up_volunteer": ["volunteer"]}

FAMILY = {"contact_name": "Narine Hakobyan", "contact_phone": "+374 91 123456", "adults": 2, "children": 2,
          "children_under_5": 1, "languages": ["hy", "ru"], "preferred_regions": ["AM-SU"],
          "consent_to_share": True}
LISTING = {"organization_id": None, "title": "Warehouse assistant", "sector": "transport",
           "description": "Sorting and packing parcels.", "region": "AM-ER", "locality": "Yerevan", "positions": 5,
           "languages": [{"code": "hy", "level": "B1"}], "skills": ["forklift", "packing"],
           "contract_type": "full_time"}
SEEKER = {"contact_name": "Anahit Petrosyan", "contact_phone": "+374 91 123456", "profession": "warehouse worker",
          "skills": ["packing", "forklift"], "languages": [{"code": "hy", "level": "native"}], "regions": ["AM-ER"],
          "consent_to_share": True}


@dataclass
class World:
    users: dict = field(default_factory=dict)     # persona -> User (anonymous: None)
    tokens: dict = field(default_factory=dict)    # persona -> plain bearer token
    sessions: dict = field(default_factory=dict)  # persona -> (session cookie, CSRF token)
    ids: dict = field(default_factory=dict)       # placeholder -> id (or value) used in paths and bodies


def build_world(app) -> World:
    world = World()
    client = app.test_client()

    def call(method, path, persona, json=None, status=(200, 201, 204), **body):
        headers = {"Authorization": f"Bearer {world.tokens[persona]}"}
        response = client.open(path, method=method, headers=headers, json=json, **body)
        assert response.status_code in ((status,) if isinstance(status, int) else status), \
            (method, path, persona, response.status_code, response.get_data(as_text=True))
        return response.get_json(silent=True)

    for persona in PERSONAS[1:] + OWNERS + ("colleague", "newcomer"):
        world.users[persona] = UserFactory(roles=ROLES.get(persona, []), name=persona.replace("_", " ").title())
    world.users["anonymous"] = None
    users = world.users
    for persona, user in users.items():
        if user is not None:
            world.tokens[persona] = create_api_token(user, "matrix")[1]
    ids = world.ids

    # Organizations: the member belongs to the verified one and the pending one; the removed member did
    # (and registered a household for the verified one) until removed from both, below.
    verified = OrganizationFactory(members=[users["member"], users["colleague"], users["removed_member"]])
    pending = OrganizationFactory(verification_state=VerificationState.PENDING,
                                  members=[users["member"], users["removed_member"]])
    other = OrganizationFactory(members=[users["other_member"]])
    ids.update(verified=verified.id, pending=pending.id, other_org=other.id)

    # Needs and pledges.
    need = call("POST", "/api/v1/needs", "member", {
        "organization_id": verified.id, "sector": "shelter", "item": "beds", "quantity": "100", "unit": "beds",
        "region": "AM-SU", "urgency": "high", "needed_by": (today() + timedelta(days=7)).isoformat()})
    pledge = call("POST", "/api/v1/pledges", "pledge_donor",
                  {"contribution": "in_kind", "quantity": "10", "unit": "beds", "need_id": need["id"]})
    rate = call("POST", "/api/v1/exchange-rates", "coordinator", {"currency": "EUR", "rate": "1.1"})
    ids.update(need=need["id"], pledge=pledge["id"], rate=rate["id"])

    # Housing: one verified offer; a household registered by its caseworker organization, proposed there;
    # a household that registered itself, placed there, with check-ins and an incident.
    offer = call("POST", "/api/v1/housing/offers", "offer_host", {
        "region": "AM-SU", "locality": "Goris", "address": "12 Mesrop Mashtots St, Goris", "beds": 10,
        "available_from": today().isoformat(), "languages": ["hy"], "pets_accepted": True})
    call("POST", f"/api/v1/housing/offers/{offer['id']}/vet", "coordinator",
         {"decision": "verified", "note": "visited"})
    household = call("POST", "/api/v1/housing/households", "removed_member",
                     {**FAMILY, "organization_id": verified.id})
    for organization in (verified, pending):
        call("DELETE", f"/api/v1/organizations/{organization.id}/members/{users['removed_member'].id}", "coordinator")
    entry = call("POST", "/api/v1/housing/queue/take", "coordinator")
    match = call("POST", "/api/v1/housing/matches", "coordinator", {"entry_id": entry["id"], "offer_id": offer["id"]})
    own_household = call("POST", "/api/v1/housing/households", "self_household", {
        "for_self": True, "contact_name": "Gevorg Sargsyan", "contact_phone": "+374 93 654321", "adults": 1,
        "languages": ["hy"], "preferred_regions": ["AM-SU"], "consent_to_share": True})
    own_entry = call("POST", "/api/v1/housing/queue/take", "coordinator")
    placed = call("POST", "/api/v1/housing/matches", "coordinator",
                  {"entry_id": own_entry["id"], "offer_id": offer["id"]})
    call("POST", f"/api/v1/housing/matches/{placed['id']}/accept", "offer_host")
    call("POST", f"/api/v1/housing/matches/{placed['id']}/move-in", "offer_host")
    incident = call("POST", f"/api/v1/housing/matches/{placed['id']}/incidents", "offer_host",
                    {"description": "The heating failed for two days."})
    call("POST", f"/api/v1/housing/hosts/{users['host'].id}/suspend", "coordinator", {"reason": "a report to check"})
    welfare_check = db.session.scalar(sa.text("SELECT min(id) FROM welfare_checks WHERE match_id = :match"),
                                      {"match": placed["id"]})
    batch = call("POST", "/api/v1/housing/batches", "coordinator", {}, status=202)  # queued: no worker here
    ids.update(batch=batch["id"])
    upload = call("POST", "/api/v1/housing/imports", "coordinator", status=202, content_type="text/csv",
                  data=b"contact_name,contact_phone,adults\nAram Mkrtchyan,+374 95 111222,1\n")  # no worker here
    ids.update(household_import=upload["id"])
    ids.update(offer=offer["id"], household=household["id"], entry=entry["id"], match=match["id"],
               own_household=own_household["id"], own_entry=own_entry["id"], placed_match=placed["id"],
               incident=incident["id"], check=welfare_check, host_user=users["offer_host"].id,
               suspended_host=users["host"].id)

    # Jobs: a published and a pending listing of one employer; a seeker who applied; a seeker registered
    # by the member (a caseworker of a verified organization), waiting in the jobs queue.
    # Dates from the moment the world is built, not when this module was imported (a run may cross midnight).
    listing_body = {**LISTING, "closing_date": (today() + timedelta(days=30)).isoformat()}
    listing = call("POST", "/api/v1/jobs/listings", "listing_employer", listing_body)
    call("POST", f"/api/v1/jobs/listings/{listing['id']}/publish", "coordinator")
    pending_listing = call("POST", "/api/v1/jobs/listings", "listing_employer", {**listing_body, "title": "Cook"})
    own_seeker = call("PUT", "/api/v1/jobs/seekers/me", "self_seeker", SEEKER)
    application = call("POST", f"/api/v1/jobs/listings/{listing['id']}/applications", "self_seeker", {})
    seeker = call("POST", "/api/v1/jobs/seekers", "member", {**SEEKER, "contact_name": "Registered Person"})
    jobs_entry = call("POST", f"/api/v1/jobs/seekers/{seeker['id']}/help", "member")
    ids.update(listing=listing["id"], pending_listing=pending_listing["id"], own_seeker=own_seeker["id"],
               application=application["id"], seeker=seeker["id"], jobs_entry=jobs_entry["id"])

    # Volunteers: a shift of the verified organization, one volunteer signed up.
    for persona in ("volunteer", "signed_up_volunteer"):
        call("PUT", "/api/v1/volunteers/me/profile", persona, {"skills": ["driver"], "languages": ["hy"]})
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    shift = call("POST", "/api/v1/volunteers/shifts", "member", {
        "organization_id": verified.id, "task": "Driving", "region": "AM-SU", "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(), "slots": 4})
    sign_up = call("POST", f"/api/v1/volunteers/shifts/{shift['id']}/sign-ups", "signed_up_volunteer")
    ids.update(shift=shift["id"], sign_up=sign_up["id"], shift_start=starts.isoformat(),
               volunteer_user=users["signed_up_volunteer"].id)

    # Accounts: a second token of its owner; colleagues to add and remove.
    token = call("POST", "/api/v1/me/tokens", "token_owner", {"name": "laptop"})
    ids.update(token=token["id"], colleague=users["colleague"].id, newcomer_email=users["newcomer"].email)
    # An invitation of the verified organization, waiting for the invitee's answer.
    call("POST", f"/api/v1/organizations/{verified.id}/members", "member", {"email": users["invitee"].email},
         status=202)
    # Its secret, as the e-mailed link carries it (answering needs it as well as the invited account).
    invitation_link = db.session.scalars(sa.select(OutboxMessage.link).where(
        OutboxMessage.email == users["invitee"].email, OutboxMessage.topic == "organization_invitation")).one()
    ids.update(invitation=call("GET", "/api/v1/me/invitations", "invitee")[0]["id"],
               invitation_token=invitation_link.rsplit("/", 1)[1])

    for persona in PERSONAS + OWNERS:
        world.sessions[persona] = _session(app, users[persona])
    db.session.remove()
    return world


def _session(app, user) -> tuple[str, str]:
    """The session cookie and CSRF token of a browser in which `user` logged in (None: nobody did)."""
    client = app.test_client()
    if user is not None:
        response = Browserless(client).login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    csrf = CSRF_PATTERN.search(client.get("/login").get_data(as_text=True)).group(1)
    return client.get_cookie("session").value, csrf


class Snapshot:
    """The whole database as the world left it, put back in a few milliseconds: a copy of the SQLite
    file, or on PostgreSQL a copy of every table in a schema of its own, copied back in one round trip
    (every table emptied and refilled with triggers off: the foreign keys, and the audit trail's no-delete
    guard; faster than TRUNCATE on small tables)."""

    _count = 0

    def __init__(self, app):
        self.url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        db.session.remove()
        if self.url.get_backend_name() == "sqlite":
            self.path = Path(self.url.database)
            self.copy = self.path.with_suffix(".snapshot")
            # SQLite runs in WAL mode: everything into the main file first, so that the copy holds it all.
            db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
            db.session.remove()
            db.engine.dispose()
            shutil.copyfile(self.path, self.copy)
            return
        Snapshot._count += 1
        # Its own schema: two snapshots (two modules' worlds) may live in one run. The next run's fresh database
        # takes them away.
        schema = f"test_snapshot_{Snapshot._count}"
        with db.engine.begin() as connection:
            tables = [name for name in sa.inspect(connection).get_table_names() if name != "alembic_version"]
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
            for name in tables:
                connection.execute(sa.text(f'CREATE TABLE {schema}."{name}" AS TABLE public."{name}"'))
        copy_back = "".join(f'DELETE FROM public."{name}"; INSERT INTO public."{name}" OVERRIDING SYSTEM VALUE '  # noqa: S608 - names from the catalog
                            f'SELECT * FROM {schema}."{name}"; ' for name in tables)
        self.restore_sql = f"DO $$ BEGIN SET LOCAL session_replication_role = replica; {copy_back}END $$"

    def restore(self) -> None:
        db.session.remove()
        if self.url.get_backend_name() == "sqlite":
            db.engine.dispose()
            # The copy goes back with no -wal or -shm file beside it: SQLite would replay those over it
            # (a corrupt database, found as a 500 by the fuzz test).
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.copy, self.path)
            return
        with db.engine.begin() as connection:
            connection.execute(sa.text(self.restore_sql))
        vacuum_now_and_then(db.engine)

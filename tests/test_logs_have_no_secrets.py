"""Logs are JSON lines with a request id, and never carry personal data or secrets: not through a double
submission's IntegrityError (SQL parameters), not through PostgreSQL's DETAIL line (the row's values),
not through SQL logged when debugging, whatever the write path."""
import io
import json
import logging
import secrets
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from aidcoord.accounts.models import User
from aidcoord.common.logs import REDACTED, RedactionFilter
from aidcoord.common.types import today
from aidcoord.extensions import db
from aidcoord.housing.models import HousingOffer
from aidcoord.organizations.models import Organization, OrganizationKind
from aidcoord.worker.services import run_worker
from config import ConfigError
from tests.conftest import IsolatedClient, csrf_token, make_app
from tests.factories import NeedFactory, UserFactory

RUN = secrets.token_hex(4)
PASSWORD = f"canary-password-{RUN}"
EMAIL = f"canary.{RUN}@example.org"
RACED_EMAIL = f"raced.{RUN}@example.org"
PHONE = f"+374 99 {int(RUN, 16) % 900000 + 100000}"
NAME = f"Canaryname Qz{RUN}"
ADDRESS = f"17 Canaryaddress Street {RUN}"
NOTE = f"canary medical note {RUN}"
ORGANIZATION = f"Canary Relief {RUN}"
NEW_PASSWORD = f"canary-new-password-{RUN}"
CANARIES = [PASSWORD, NEW_PASSWORD, EMAIL, RACED_EMAIL, PHONE, PHONE.replace(" ", ""), NAME, f"Qz{RUN}", ADDRESS,
            NOTE, ORGANIZATION.casefold()]


@pytest.fixture
def app(database_url):
    """The suite's app, logging everything (LOG_LEVEL=DEBUG: SQL statements included)."""
    app = make_app(database_url, LOG_LEVEL="DEBUG")
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@contextmanager
def concurrent_insert(database_url, table: sa.Table, values: dict):
    """Just before this app inserts into `table`, another connection inserts and commits `values`: what a
    double submission does when both requests pass the application's check at the same moment."""
    other = sa.create_engine(database_url, hide_parameters=True)  # as another worker of this app would

    def insert_first(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.name.upper()} ") and not fired:
            fired.append(statement)
            with other.begin() as connection:
                connection.execute(table.insert().values(**values))

    fired: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", insert_first)
    try:
        yield fired
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", insert_first)
        other.dispose()


def bearer(user: User) -> dict:
    from aidcoord.accounts.services import create_api_token

    return {"Authorization": f"Bearer {create_api_token(user, 'logs test')[1]}"}


def add_failing_routes(app, seen: list):
    """Two endpoints whose database errors carry personal data in their text (PostgreSQL's DETAIL)."""

    @app.route("/api/v1/test-check-violation/<int:offer_id>")
    def check_violation(offer_id):
        try:
            db.session.get(HousingOffer, offer_id).beds = 0  # a CHECK on beds; the failing row holds the address
            db.session.commit()
        except Exception as error:
            seen.append(error)
            raise

    @app.route("/test-failing-statement")
    def failing_statement():
        try:  # NOT NULL violation, on both databases; the failing row holds the e-mail
            db.session.execute(sa.text("INSERT INTO users (email) VALUES (:email)"), {"email": EMAIL})
        except Exception as error:
            seen.append(error)
            raise


def register(client, email, **extra):
    return client.post("/register", data={
        "name": NAME, "email": email, "password": PASSWORD, "password_again": PASSWORD,
        "roles": ["donor", "host", "employer", "volunteer"], "csrf_token": csrf_token(client), **extra})


def test_no_personal_value_reaches_the_logs_on_any_write_path_or_database_error(
        app, client, database_url, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    seen: list[Exception] = []
    add_failing_routes(app, seen)
    coordinator = UserFactory(roles=["coordinator"])
    need = NeedFactory()

    # Registration page, then the same form again (the application's check), then a double submission
    # racing past that check (the database's unique constraint).
    assert register(client, EMAIL).status_code == 302
    assert register(app.test_client(), EMAIL).status_code == 200
    with concurrent_insert(database_url, User.__table__,
                           {"email": RACED_EMAIL, "name": NAME, "password_hash": PASSWORD}) as fired:
        raced = register(app.test_client(), RACED_EMAIL)
    assert fired and raced.status_code == 409  # the double submission is told it is one, not a 500
    person = db.session.scalar(sa.select(User).where(User.email == EMAIL))
    headers = bearer(person)
    canaries = [*CANARIES, person.password_hash]

    # Log-in, right and wrong; an API token, whose plain value is a secret too.
    other = app.test_client()
    for password in (PASSWORD + "x", PASSWORD):
        other.post("/login", data={"email": EMAIL, "password": password, "csrf_token": csrf_token(other)})
    token = client.post("/api/v1/me/tokens", json={"name": "phone"}, headers=headers).get_json()["token"]
    canaries.append(token)

    # Every API write that takes personal data.
    household = client.post("/api/v1/housing/households", headers=headers, json={
        "for_self": True, "contact_name": NAME, "contact_phone": PHONE, "adults": 1, "medical_needs": True,
        "medical_note": NOTE, "languages": ["hy"], "preferred_regions": ["AM-SU"], "consent_to_share": True})
    assert household.status_code == 201, household.get_data(as_text=True)
    # The same household again, on the page: a possible duplicate, or over the day's limit.
    page_household = other.post("/housing/households/new", data={
        "contact_name": NAME, "contact_phone": PHONE, "adults": "1", "medical_note": NOTE, "languages": "hy",
        "preferred_regions": "AM-SU", "consent_to_share": "y", "needed_from": today().isoformat(),
        "csrf_token": csrf_token(other)})
    assert page_household.status_code in (302, 429), page_household.get_data(as_text=True)
    offer = client.post("/api/v1/housing/offers", headers=headers, json={
        "region": "AM-SU", "address": ADDRESS, "beds": 2, "available_from": "2026-01-01", "notes": NOTE})
    assert offer.status_code == 201, offer.get_data(as_text=True)
    seeker = client.put("/api/v1/jobs/seekers/me", headers=headers, json={
        "contact_name": NAME, "contact_phone": PHONE, "contact_email": EMAIL, "consent_to_share": True})
    assert seeker.status_code == 200, seeker.get_data(as_text=True)
    volunteer = client.put("/api/v1/volunteers/me/profile", headers=headers,
                           json={"skills": ["driver"], "availability": NOTE})
    assert volunteer.status_code == 200, volunteer.get_data(as_text=True)
    pledge = client.post("/api/v1/pledges", headers=headers, json={
        "contribution": "in_kind", "quantity": "2", "unit": need.unit.value, "need_id": need.id, "note": NOTE})
    assert pledge.status_code == 201, pledge.get_data(as_text=True)
    assert client.get(f"/api/v1/pledges/{pledge.get_json()['id']}", headers=bearer(coordinator)).status_code == 200
    organization = {"name": ORGANIZATION, "kind": "community_group", "country": "AM", "sectors": ["shelter"],
                    "description": NOTE, "contact_email": EMAIL, "contact_phone": PHONE}
    assert client.post("/api/v1/organizations", headers=headers, json=organization).status_code == 201
    assert client.post("/api/v1/organizations", headers=headers, json=organization).status_code == 422
    with concurrent_insert(database_url, Organization.__table__, {
            "name": ORGANIZATION + " 2", "name_key": (ORGANIZATION + " 2").casefold(),
            "kind": OrganizationKind.COMMUNITY_GROUP, "country": "AM", "contact_email": EMAIL}) as fired:
        raced_organization = client.post("/api/v1/organizations", headers=headers,
                                         json={**organization, "name": ORGANIZATION + " 2"})
    assert fired and raced_organization.status_code == 409
    assert raced_organization.get_json()["error"]["code"] == "duplicate"

    # What staff enter for others: a job seeker, a registration list (checked, then written).
    seeker_for_other = client.post("/api/v1/jobs/seekers", headers=bearer(coordinator), json={
        "contact_name": NAME, "contact_phone": PHONE, "contact_email": EMAIL, "consent_to_share": True})
    assert seeker_for_other.status_code == 201, seeker_for_other.get_data(as_text=True)
    staff = app.test_client()
    staff.post("/login", data={"email": coordinator.email, "password": "correct horse battery",
                               "csrf_token": csrf_token(staff)})
    listing = f"contact_name,contact_phone,adults,medical_note\n{NAME},{PHONE},1,{NOTE}\n{NAME},{EMAIL},x,{NOTE}\n"
    for rows in (listing, listing.rsplit(NAME, 1)[0]):  # with a bad row, then without
        checked = staff.post("/housing/import/households", content_type="multipart/form-data", data={
            "file": (io.BytesIO(rows.encode()), "list.csv"), "csrf_token": csrf_token(staff)})
        assert checked.status_code == 200
    imported = staff.post("/housing/import/households/confirm",
                          data={"csv_text": rows, "csrf_token": csrf_token(staff)})
    assert imported.status_code == 302, imported.get_data(as_text=True)
    assert run_worker(burst=True) == 1  # the worker registers the list: its logs are read too
    assert staff.get(imported.headers["Location"]).status_code == 200

    # Database errors whose text holds the row's values.
    offer_id = offer.get_json()["id"]
    assert client.get(f"/api/v1/test-check-violation/{offer_id}", headers=headers).status_code == 500
    assert app.test_client().get("/test-failing-statement").status_code == 500

    # The test can see a leak: the errors' own text holds the values on PostgreSQL (its DETAIL line),
    # the SQL parameters nowhere (hidden by the engine).
    assert len(seen) == 2 and all("[SQL parameters hidden" in str(error) for error in seen)
    if db.engine.dialect.name == "postgresql":
        assert ADDRESS in str(seen[0]) and EMAIL in str(seen[1])
    unhandled = [record for record in caplog.records if record.getMessage().startswith("unhandled ")]
    assert any("beds" in record.error.get("constraint", "") for record in unhandled)  # named, not its values
    assert any(record.name.startswith("sqlalchemy.engine") for record in caplog.records)  # SQL was logged

    # A password change, with the wrong current password first.
    for current in (NEW_PASSWORD, PASSWORD):
        other.post("/account/password", data={"current_password": current, "new_password": NEW_PASSWORD,
                                               "new_password_again": NEW_PASSWORD, "csrf_token": csrf_token(other)})
    assert other.post("/login", data={"email": EMAIL, "password": NEW_PASSWORD,
                                      "csrf_token": csrf_token(other)}).status_code == 302

    stderr = capsys.readouterr().err
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(line["message"].startswith("unhandled ") for line in lines)
    everything = [caplog.text, stderr] + [repr(vars(record)) for record in caplog.records]
    leaks = sorted({canary for canary in canaries for text in everything if canary.lower() in text.lower()})
    assert not leaks, f"personal values in the logs: {leaks}"


def test_logs_are_json_lines_with_the_request_id_which_is_echoed(app, client, capsys):
    response = client.get("/api/v1/organizations", headers={"X-Request-ID": "abc-123.DEF_4"})
    assert response.headers["X-Request-ID"] == "abc-123.DEF_4"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    request_line = next(line for line in lines if line["logger"] == "aidcoord.requests")
    assert request_line["request_id"] == "abc-123.DEF_4"
    assert {"time", "level", "logger", "message"} <= set(request_line)
    assert (request_line["method"], request_line["path"], request_line["status"]) == (
        "GET", "/api/v1/organizations", 200)
    assert request_line["level"] == "INFO" and request_line["time"].endswith("+00:00")


def test_an_unexpected_error_is_logged_by_class_and_frames_never_by_its_text_nor_the_query(app, client, capsys):
    @app.route("/api/v1/test-boom")
    def boom():
        raise RuntimeError(f"could not reach {NAME}")

    response = client.get("/api/v1/test-boom", query_string={"q": NAME})
    assert response.status_code == 500
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    error = next(line for line in lines if line["logger"] == "aidcoord.errors")
    assert error["error"] == {"type": "builtins.RuntimeError"}
    assert (error["request_id"], error["method"], error["path"]) == (
        response.headers["X-Request-ID"], "GET", "/api/v1/test-boom")
    assert "in boom" in error["traceback"] and "builtins.RuntimeError (text not logged)" in error["traceback"]
    assert NAME not in json.dumps(lines) and f"Qz{RUN}" not in json.dumps(lines)


@pytest.mark.parametrize("incoming", [None, "", "x" * 65, "two words", 'a"}{"forged": 1', "a/b", "ab;cd"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, incoming):
    headers = {"X-Request-ID": incoming} if incoming is not None else {}
    first, second = (client.get("/api/v1/nothing-here", headers=headers) for _ in range(2))
    generated = first.headers["X-Request-ID"]
    assert generated != incoming and len(generated) == 32 and generated.isalnum()
    assert second.headers["X-Request-ID"] != generated


def test_the_redaction_filter_blanks_personal_fields_and_patterns():
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "sent to %s at %s", None, None)
    record.args = ("someone@example.org", "+374 (91) 12-34-56")
    record.contact_phone, record.count = "+37491123456", 3
    record.payload = {"password": "hunter22", "nested": {"address": "1 Main St"}, "region": "AM-SU"}
    plain = logging.LogRecord("t", logging.INFO, __file__, 1, "login of %(email)s with %(password)s",
                              ({"email": "ab@c.org", "password": "pw"},), None)
    detail = logging.LogRecord("t", logging.ERROR, __file__, 1,
                               'duplicate key\nDETAIL:  Key (name)=(Ani) already exists.\n[parameters: (1, "Ani")]',
                               None, None)
    for item in (record, plain, detail):
        RedactionFilter().filter(item)
    assert record.getMessage() == f"sent to {REDACTED} at {REDACTED}"
    assert record.contact_phone == REDACTED and record.count == 3
    assert record.payload == {"password": REDACTED, "nested": {"address": REDACTED}, "region": "AM-SU"}
    assert plain.getMessage() == f"login of {REDACTED} with {REDACTED}"
    assert "Ani" not in detail.getMessage() and "duplicate key" in detail.getMessage()
    kept = logging.LogRecord("t", logging.INFO, __file__, 1, "GET /api/v1/needs/42 200 on 2026-03-10 12:00:01",
                             None, None)
    RedactionFilter().filter(kept)
    assert kept.getMessage() == "GET /api/v1/needs/42 200 on 2026-03-10 12:00:01"


def test_log_level_is_configurable_and_checked(database_url, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "warning")
    assert make_app(database_url).config["LOG_LEVEL"] == "WARNING"
    assert logging.getLogger().level == logging.WARNING
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    with pytest.raises(ConfigError):
        make_app(database_url)


@pytest.mark.parametrize("address", ["127.0.5.1", "203.0.113.7", "2001:db8::1", "::1", "fe80::1%eth0",
                                     "::ffff:192.0.2.1", "2001:0db8:0000:0000:0000:ff00:0042:8329"])
def test_the_redaction_filter_blanks_ip_addresses(address):
    record = logging.LogRecord("flask-limiter", logging.INFO, __file__, 1,
                               "ratelimit 10 per 1 hour (%s) exceeded at endpoint: jobs.report", (address,), None)
    RedactionFilter().filter(record)
    assert record.getMessage() == f"ratelimit 10 per 1 hour ({REDACTED}) exceeded at endpoint: jobs.report"


def test_clock_times_and_versions_are_not_taken_for_ip_addresses():
    text = "at 12:00:01 and 04:17:15.237 with version 1.2.3 and 10:30"
    record = logging.LogRecord("t", logging.INFO, __file__, 1, text, None, None)
    RedactionFilter().filter(record)
    assert record.getMessage() == text

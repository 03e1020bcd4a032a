"""Fuzzing the JSON API from its own OpenAPI document (schemathesis): every operation, as a coordinator and
as an organization member, against a seeded world, with every check schemathesis has. The document must
tell the truth: no 5xx, every status, header, content type and body as documented, hostile input refused.

FUZZ_EXAMPLES examples per operation, each sent as both (in the normal run 50 on SQLite and 8 on PostgreSQL,
where each request costs several times more; `make fuzz` raises it to 500); the run is deterministic
(derandomized, fixed seed), so a failure found once is found again. The world is put back after every write
(tests/permissions/world.Snapshot: a file copy, or one round trip on PostgreSQL)."""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from schemathesis.checks import negative_data_rejection
from schemathesis.core.parameters import ParameterLocation

from aidcoord.extensions import db
from tests.conftest import POSTGRES_URL, IsolatedClient, empty_database, make_app
from tests.permissions.world import Snapshot, build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8" if POSTGRES_URL else "50"))
SEED = 20261207


@pytest.fixture(scope="module")
def fuzz_app(migrated_database, tmp_path_factory):
    app = make_app(empty_database(migrated_database, tmp_path_factory.mktemp("fuzz")))
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def fuzz_world(fuzz_app):
    # No app context stays pushed: each request the fuzzer sends gets its own, as on a server.
    with fuzz_app.app_context():
        world = build_world(fuzz_app)
        return fuzz_app, world, Snapshot(fuzz_app)


def restore(app, snapshot: Snapshot) -> None:
    with app.app_context():
        snapshot.restore()


# The document is read at collection time, from an app with no database behind it (writing the document
# needs none), so that each operation is a test of its own; the requests go to `fuzz_app`.
# Every check schemathesis has. A request the document allows may still be refused by a rule no schema can
# say (a date not in the past, an ISO code of the region, a need that asks for beds, not money): such
# refusals are the documented 422, and a NUL character (PostgreSQL cannot store it) the documented 400, so
# positive_data_acceptance expects them beside the other refusals.
CONFIG = schemathesis.Config.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", make_app("sqlite://"), config=CONFIG)
# A CSV body is text, so any body is a string to the import: the "wrong type" bodies negative testing sends
# (an object serialized as "{}") are texts whose dry run rightly answers valid=false with the errors (200).
# The household import takes the file as it is and finds its problems in the background (202, then the job).
EXCLUDED = {path: [negative_data_rejection]
            for path in ("/api/v1/needs/import", "/api/v1/arrivals/import", "/api/v1/housing/imports")}
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def leaves_out_credentials(case) -> bool:
    header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    return bool(header and header.mode.is_negative and "authorization" not in {h.lower() for h in case.headers or {}})


def call_as(persona, case, fuzz_world) -> None:
    """Send the case with the persona's bearer token and run every check; put the world back after any write
    (refused ones too: restoring after 2xx writes only left a persona's token unusable in a longer run)."""
    app, world, snapshot = fuzz_world
    # A negative case may leave the credentials out on purpose (the document requires them): it goes without
    # the persona's token then, and must be refused, rather than be let in by the token we would add.
    headers = {} if leaves_out_credentials(case) else {"Authorization": f"Bearer {world.tokens[persona]}"}
    try:
        response = case.call(app=app, headers=headers)
        # The checks that send requests of their own (ignored_auth, unsupported_method, ...) send them there too.
        case.validate_response(response, headers=headers, excluded_checks=EXCLUDED.get(case.operation.path, []),
                               transport_kwargs={"app": app, "headers": dict(headers)})
    finally:
        if case.method.upper() != "GET":
            restore(app, snapshot)


@schema.parametrize()
@FUZZ
@hypothesis_seed(SEED)
def test_the_api_keeps_the_promises_of_its_openapi_document(case, fuzz_world):
    """Each generated request goes as a coordinator (staff: every rule admits them) and as a member of a
    verified organization (record rules refuse them where it is not theirs)."""
    for persona in ("coordinator", "member"):
        call_as(persona, case, fuzz_world)

"""One app and one world for the whole matrix: built once, restored from its snapshot when a request
may have changed it."""

import pytest

from aidcoord.extensions import db
from tests.conftest import POSTGRES_URL, IsolatedClient, empty_database, make_app
from tests.permissions.world import Snapshot, build_world


@pytest.fixture(scope="module")
def matrix_database(migrated_database, tmp_path_factory):
    return empty_database(migrated_database, tmp_path_factory.mktemp("matrix"))


@pytest.fixture(scope="module")
def matrix_app(matrix_database):
    # On PostgreSQL, commits need not wait for the disk: the matrix makes thousands and keeps none.
    fast = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": {
        "options": "-c synchronous_commit=off"}}} if POSTGRES_URL else {}
    app = make_app(matrix_database, **fast)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class Stage:
    """The world, and whether the last request may have changed it."""

    def __init__(self, app):
        self.world = build_world(app)
        self.snapshot = Snapshot(app)
        self.dirty = False
        self.last_row = None

    def prepare(self, row) -> None:
        """A fresh world for each endpoint-method, and after every request that may have written."""
        if self.dirty or (self.last_row is not None and row is not self.last_row):
            self.snapshot.restore()
        self.dirty = row.method != "GET"
        self.last_row = row


@pytest.fixture(scope="module")
def stage(matrix_app):
    return Stage(matrix_app)

"""Every schema change is a migration: applying them all gives exactly the models' schema."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from aidcoord.extensions import db
from aidcoord.operations.readiness import MIGRATIONS
from tests.conftest import POSTGRES_URL, make_app, recreate_postgres_database


@pytest.fixture
def empty_database_url(tmp_path):
    if POSTGRES_URL:
        url = sa.engine.make_url(POSTGRES_URL)
        scratch = url.set(database=f"{url.database}_migrations").render_as_string(hide_password=False)
        recreate_postgres_database(scratch)
        return scratch
    return f"sqlite:///{tmp_path / 'empty.sqlite'}"


def pending_differences(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_from_empty_database_match_the_models(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        assert pending_differences(app) == []
        db.engine.dispose()


def test_migrations_downgrade_to_nothing_and_back(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert pending_differences(app) == []
        db.engine.dispose()


def test_every_revision_id_fits_alembic_version_and_the_chain_has_one_head():
    """alembic_version.version_num is VARCHAR(32): a longer id fails on PostgreSQL only (SQLite ignores lengths)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = ScriptDirectory.from_config(config)
    too_long = [script.revision for script in scripts.walk_revisions() if len(script.revision) > 32]
    assert too_long == []
    assert len(scripts.get_heads()) == 1, scripts.get_heads()

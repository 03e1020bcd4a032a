"""Extensions, created unbound; create_app() binds them to the app."""
import threading
from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can address them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def use_sqlite_pragmas(engine: Engine, busy_timeout_seconds: float) -> None:
    """On SQLite, every connection waits up to the busy timeout for a writer to finish (instead of failing at
    once with "database is locked"), and the file is in WAL mode, so that readers never block the writer nor
    the writer the readers. PostgreSQL needs neither."""
    if engine.dialect.name != "sqlite":
        return

    def set_pragmas(dbapi_connection, _connection_record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_seconds * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")  # kept in the file; an in-memory database stays "memory"
        cursor.close()

    event.listen(engine, "connect", set_pragmas)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ApiWithOurErrors(Api):
    """flask-smorest's Api without its own error payload (errors.py answers every error), and with its OpenAPI
    document written when first read rather than at start-up. Writing it is two thirds of create_app's time
    (apispec resolves and copies every schema of ~700 operations): every gunicorn worker and every test app
    paid it, though only /api/v1/openapi.json and the tests of the document read it."""

    def __init__(self, *args, **kwargs):
        self._pending_docs: list[tuple] = []
        self._docs_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    @property
    def spec(self):
        if self._pending_docs:
            with self._docs_lock:
                pending, self._pending_docs = self._pending_docs, []
                for blueprint, name, parameters in pending:
                    blueprint.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                    self._spec.tag({"name": name, "description": blueprint.description})
        return self._spec

    @spec.setter
    def spec(self, value):
        # A new document (init_app for another app): what was waiting belonged to the old one.
        self._spec = value
        self._pending_docs = []

    def register_blueprint(self, blp, *, parameters=None, **options):
        """As flask-smorest's, with the blueprint's part of the document left for when it is first read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._pending_docs.append((blp, name, parameters))

    def _register_error_handlers(self):
        pass


db = SQLAlchemy(model_class=Base)
# The base class of every model: db.Model (Base plus Flask-SQLAlchemy's table names and bind keys). It is built
# at run time, so type checkers cannot take it as a class; to them it is Base, whose Mapped[...] typing it has.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = ApiWithOurErrors()
# Guessing passwords is slowed per client address; storage from RATELIMIT_STORAGE_URI (memory by default).
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()

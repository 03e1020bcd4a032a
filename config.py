"""Configuration: read from the environment inside create_app, never at import time."""
import os
import secrets
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("development", "production", "testing")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(RuntimeError):
    """The environment does not describe a runnable configuration."""


class Config:
    """Settings shared by every environment."""

    # hide_parameters: a database error's text (and SQL logged when debugging) never carries the values.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, object]] = {"hide_parameters": True}
    # PostgreSQL connections are pinged before use only after idling this long, or when their server spoke
    # meanwhile (a restart, a killed backend), not at every checkout as pool_pre_ping does: common/connections.py.
    DATABASE_PING_AFTER_IDLE_SECONDS = 5
    # SQLite only: how long a connection waits for another writer before "database is locked" (then a 503).
    SQLITE_BUSY_TIMEOUT_SECONDS = 15
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    WTF_CSRF_TIME_LIMIT = None  # a reception-desk form may stay open for hours
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024  # CSV imports are the largest uploads

    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "hy", "ru")
    # Times are stored in UTC and shown, and "today" is reckoned, in the deployment's zone (AIDCOORD_TIMEZONE).
    BABEL_DEFAULT_TIMEZONE = "Asia/Yerevan"

    API_TITLE = "aidcoord API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/static/swagger-ui/"

    # Totals across currencies are converted into this one, naming the rates used.
    REPORTING_CURRENCY = "USD"

    # Housing: how long a coordinator holds a queue entry, and how long a host has to answer.
    QUEUE_LEASE_MINUTES = 15  # QUEUE_LEASE_MINUTES in the environment
    PROPOSAL_ANSWER_HOURS = 48
    WELFARE_CHECK_DAYS = (3, 30)  # check-ins after move-in
    # Households an account that is not a caseworker (nor staff) may register in 24 hours.
    HOUSEHOLDS_PER_ACCOUNT_PER_DAY = 3
    # Invitation e-mails an organization's members may send in 24 hours (each carries its name to any address).
    INVITATIONS_PER_ORGANIZATION_PER_DAY = 20

    MAIL_SENDER = "aidcoord <no-reply@localhost>"

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"  # per client address
    # Failed log-ins per account (the e-mail tried), whatever the address: guessing one password from many
    # addresses is slowed too. The owner is told by e-mail once per window when it trips.
    LOGIN_ACCOUNT_RATE_LIMIT = "10 per 15 minutes"
    REAUTHENTICATION_RATE_LIMIT = "10 per 15 minutes"  # wrong current passwords given to change it, per account
    REPORT_RATE_LIMIT = "10 per hour"  # reports on job listings, which anyone may send (per address)
    # A published listing leaves the board once this many distinct people (accounts, or addresses when not signed
    # in) reported it since its last review; a coordinator may take it down at once.
    LISTING_REPORTS_TO_HIDE = 3
    # Accounts younger than this still report (the moderator sees it) but do not count toward hiding a listing.
    LISTING_REPORTER_MIN_AGE_HOURS = 24
    # How many reverse proxies (e.g. nginx) stand in front: their X-Forwarded-For is trusted that deep.
    PROXY_HOPS = 0

    IMPORT_MAX_ROWS = 5000  # rows per CSV import file (IMPORT_MAX_ROWS in the environment)
    # Rows per household registration list (CLI, API, page); the API and the page register them in a background
    # job (`flask worker`). 100,000 rows take about 30 s on PostgreSQL (bench/import.py).
    HOUSEHOLD_IMPORT_MAX_ROWS = 100_000
    # Phones written without a country code (099 12 34 56) are read as this country's (ISO 3166-1 alpha-2);
    # they are compared in E.164 to find possible duplicate households.
    DEFAULT_PHONE_REGION = "AM"

    # Retention (docs/personal-data.md): months after a record's last activity (an open record counts today) until
    # `flask privacy purge` anonymises its personal data. Safeguarding records count from the suspension's lifting
    # and the incident's review; messages, invitations and listing reports from when they were made.
    RETENTION_MONTHS: ClassVar[dict[str, int]] = {
        "household": 12, "housing_offer": 12, "job_seeker": 12, "volunteer_profile": 24, "account": 24,
        "outbox_message": 3, "invitation": 3, "listing_report": 12, "host_suspension": 60, "incident": 60,
        "telegram_update": 1, "telegram_conversation": 3, "household_import": 3,
    }

    # Background worker (`flask worker`): a claimed row is another worker's again this long after its claim (a
    # crashed worker); a failure is retried after WORKER_RETRY_BASE_SECONDS * 2^(attempts-1), at most an hour, and
    # dead after WORKER_MAX_ATTEMPTS attempts; an idle worker looks again every WORKER_IDLE_SECONDS.
    WORKER_LEASE_SECONDS = 300
    WORKER_MAX_ATTEMPTS = 5
    WORKER_RETRY_BASE_SECONDS = 30
    WORKER_IDLE_SECONDS = 2
    # SMS: `console` (development: SMS_CONSOLE_FILE, or the log) or `twilio` (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
    # TWILIO_FROM; TWILIO_API_URL only for tests).
    SMS_PROVIDER = "console"
    SMS_CONSOLE_FILE = None
    TWILIO_ACCOUNT_SID = None
    TWILIO_AUTH_TOKEN = None
    TWILIO_FROM = None
    TWILIO_API_URL = None

    DEFAULT_PAGE_SIZE = 20
    MAX_PAGE_SIZE = 100

    # The Telegram bot (aidcoord/telegram): the token BotFather gives, the secret Telegram sends back with every
    # update (X-Telegram-Bot-Api-Secret-Token; the webhook refuses requests without it), and the Bot API's address.
    TELEGRAM_BOT_TOKEN = None
    TELEGRAM_WEBHOOK_SECRET = None
    TELEGRAM_API_URL = "https://api.telegram.org"

    # /readyz answers 503 when no `flask worker` said it was alive within this many seconds (0: not checked; a
    # node without a worker beside it, such as the test suite's, sets READYZ_WORKER_SECONDS=0).
    READYZ_WORKER_SECONDS = 120

    # /metrics: with METRICS_TOKEN set, a scraper sends `Authorization: Bearer <token>`; without one, only
    # callers from these networks are answered (METRICS_NETWORKS, comma-separated, in the environment).
    METRICS_TOKEN = None
    METRICS_NETWORKS = ("127.0.0.1/32", "::1/128")

    LOG_LEVEL = "INFO"  # JSON lines on stderr (aidcoord/common/logs.py)


class TestConfig(Config):
    """Used by the test suite: CSRF stays on; tests fetch the token like a browser."""

    TESTING = True
    SESSION_COOKIE_SECURE = False
    READYZ_WORKER_SECONDS = 0  # no worker runs beside the tests (tests/operations set it to check the check)
    REMEMBER_COOKIE_SECURE = False
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - the test suite's key, testing only
    RATELIMIT_ENABLED = False  # one test turns it on


def load_config(app, overrides=None):
    """Fill app.config from the environment; `overrides` (tests) win over everything."""
    overrides = dict(overrides or {})
    env = overrides.pop("ENV", None) or os.environ.get("AIDCOORD_ENV", "production")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"AIDCOORD_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    app.config.from_object(TestConfig if env == "testing" else Config)
    app.config["ENV_NAME"] = env
    if env == "development":
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
        "DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'aidcoord.sqlite'}"
    )
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    if os.environ.get("PROXY_HOPS"):
        app.config["PROXY_HOPS"] = int(os.environ["PROXY_HOPS"])
    if os.environ.get("AIDCOORD_TIMEZONE"):
        app.config["BABEL_DEFAULT_TIMEZONE"] = os.environ["AIDCOORD_TIMEZONE"]
    if os.environ.get("LOG_LEVEL"):
        app.config["LOG_LEVEL"] = os.environ["LOG_LEVEL"].upper()
    for name in ("QUEUE_LEASE_MINUTES", "IMPORT_MAX_ROWS", "HOUSEHOLD_IMPORT_MAX_ROWS", "SQLITE_BUSY_TIMEOUT_SECONDS"):
        if os.environ.get(name):
            app.config[name] = _positive_int(name, os.environ[name])
    if os.environ.get("READYZ_WORKER_SECONDS", "").strip().isdigit():
        app.config["READYZ_WORKER_SECONDS"] = int(os.environ["READYZ_WORKER_SECONDS"])
    if os.environ.get("REPORTING_CURRENCY"):
        app.config["REPORTING_CURRENCY"] = os.environ["REPORTING_CURRENCY"].upper()
    for name in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_SENDER", "PUBLIC_URL"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("MAIL_PORT"):
        app.config["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    app.config["MAIL_USE_TLS"] = os.environ.get("MAIL_USE_TLS", "") == "1"
    for name in ("SMS_PROVIDER", "SMS_CONSOLE_FILE", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM",
                 "TWILIO_API_URL"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    for name in ("WORKER_LEASE_SECONDS", "WORKER_MAX_ATTEMPTS", "WORKER_RETRY_BASE_SECONDS", "WORKER_IDLE_SECONDS"):
        if os.environ.get(name):
            app.config[name] = _positive_int(name, os.environ[name])
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_URL"):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("METRICS_TOKEN"):
        app.config["METRICS_TOKEN"] = os.environ["METRICS_TOKEN"]
    if os.environ.get("METRICS_NETWORKS"):
        networks = os.environ["METRICS_NETWORKS"].split(",")
        app.config["METRICS_NETWORKS"] = tuple(network.strip() for network in networks if network.strip())
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    elif env == "development":
        app.config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
    app.config.update(overrides)
    if app.config["LOG_LEVEL"] not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {app.config['LOG_LEVEL']!r}")
    # Options replaced as a whole (a test, a deployment) still hide SQL parameters unless they say otherwise.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if app.config["SESSION_COOKIE_SECURE"]:
        # Over https the __Host- prefix pins the cookies to this host and path: no subdomain can set them.
        if app.config["SESSION_COOKIE_NAME"] == "session":  # Flask's default name, not one set on purpose
            app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config.setdefault("REMEMBER_COOKIE_NAME", "__Host-remember_token")
    if not app.config.get("SECRET_KEY"):
        raise ConfigError("SECRET_KEY must be set in the environment outside development")
    try:
        ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"AIDCOORD_TIMEZONE must be an IANA time zone such as Asia/Yerevan, "
                          f"not {app.config['BABEL_DEFAULT_TIMEZONE']!r}") from None


def _positive_int(name: str, value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def _development_secret_key(instance_path: Path) -> str:
    """Generate a key once and keep it in the instance folder (which git ignores)."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()

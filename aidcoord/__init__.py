"""aidcoord: coordinating humanitarian aid for a displaced population."""
from pathlib import Path

from flask import Flask
from swagger_ui_bundle import swagger_ui_path

from aidcoord.common.json_provider import OrjsonProvider
from aidcoord.common.logs import init_logging
from config import load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_overrides: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, the slices' connections, error handlers, CLI."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.json = OrjsonProvider(app)
    load_config(app, config_overrides)
    init_logging(app)  # first: its request id is there for every later hook and handler
    register_extensions(app)
    register_blueprints(app)
    register_notification_blueprints(app)
    register_privacy_blueprints(app)
    connect_slices()
    register_error_handlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from aidcoord.common import codes
    from aidcoord.common.formats import register_format_filters
    from aidcoord.common.validation import is_web_address
    from aidcoord.housing import engine as housing_engine
    from aidcoord.housing import priority
    from aidcoord.jobs import engine as jobs_engine
    from aidcoord.jobs.models import level_name
    from aidcoord.matching import lifecycle

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    # Pages show names, never codes: regions, countries and languages in the reader's language.
    app.jinja_env.globals.update(get_locale=get_locale, country_name=codes.country_name,
                                 subdivision_name=codes.subdivision_name, subdivision_names=codes.subdivision_names,
                                 language_name=codes.language_name, language_names=codes.language_names)
    # Reasons are stored as codes and worded here, in the reader's language (not whoever computed them).
    app.jinja_env.globals.update(priority_lines=priority.reason_lines, housing_reason=housing_engine.reason_text,
                                 job_reason=jobs_engine.reason_text, level_name=level_name,
                                 step_reason=lifecycle.reason_text)
    register_format_filters(app)
    # A stored address becomes a link only if it is http(s): older rows were not all checked on the way in.
    app.jinja_env.filters["web_link"] = lambda value: value if is_web_address(value) else None


def register_extensions(app: Flask) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    # Models must be imported before Alembic or create_all look at the metadata; kinds of match register.
    import aidcoord.housing.consents  # households and job seekers declare themselves to consent
    import aidcoord.housing.matching
    import aidcoord.jobs.applications
    import aidcoord.jobs.consents
    import aidcoord.models
    import aidcoord.telegram.services  # the bot's worker job registers itself
    import aidcoord.volunteers.matching  # noqa: F401
    from aidcoord.accounts.auth import init_auth
    from aidcoord.common.connections import ping_stale_connections, reads_without_transaction
    from aidcoord.common.headers import init_headers
    from aidcoord.common.locale import init_locale, select_locale
    from aidcoord.common.web import init_web
    from aidcoord.extensions import api, babel, csrf, db, limiter, login_manager, migrate, use_sqlite_pragmas
    from aidcoord.operations.metrics import init_metrics

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            use_sqlite_pragmas(engine, app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])
            ping_stale_connections(engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
            reads_without_transaction(engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    limiter.init_app(app)
    if app.config["PROXY_HOPS"]:
        # Flask's documented way to wrap the WSGI app; its type hints declare wsgi_app a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=app.config["PROXY_HOPS"])
    csrf.init_app(app)
    init_headers(app)
    # The person's choice (account, then the picker's cookie) beats Accept-Language; see common/locale.py.
    babel.init_app(app, locale_selector=select_locale)
    init_locale(app)
    init_web(app)
    init_metrics(app)
    init_auth(app)
    api.init_app(app, spec_kwargs={
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })


def register_blueprints(app: Flask) -> None:
    from flask import Blueprint

    from aidcoord.accounts import api as accounts_api
    from aidcoord.accounts import views as accounts_views
    from aidcoord.extensions import api, csrf
    from aidcoord.housing import api as housing_api
    from aidcoord.housing import views as housing_views
    from aidcoord.jobs import api as jobs_api
    from aidcoord.jobs import views as jobs_views
    from aidcoord.main import views as main_views
    from aidcoord.needs import api as needs_api
    from aidcoord.needs import views as needs_views
    from aidcoord.operations import views as operations_views
    from aidcoord.organizations import api as organizations_api
    from aidcoord.organizations import audit_log
    from aidcoord.organizations import views as organizations_views
    from aidcoord.pledges import api as pledges_api
    from aidcoord.pledges import views as pledges_views
    from aidcoord.volunteers import api as volunteers_api
    from aidcoord.volunteers import views as volunteers_views

    for blueprint in (main_views.bp, operations_views.bp, accounts_views.bp, organizations_views.bp, needs_views.bp,
                      pledges_views.bp, housing_views.bp, volunteers_views.bp, jobs_views.bp, audit_log.bp):
        app.register_blueprint(blueprint)
    for api_blueprint in (accounts_api.blp, organizations_api.blp, organizations_api.invitations_blp, needs_api.blp,
                          pledges_api.blp, pledges_api.rates_blp, housing_api.blp, volunteers_api.blp, jobs_api.blp,
                          audit_log.blp):
        csrf.exempt(api_blueprint)  # see accounts.auth: session-authenticated API calls are checked there
        api.register_blueprint(api_blueprint)
    register_reporting_blueprints(app)
    register_consent_blueprints(app)
    register_channel_blueprints(app)
    register_coordination_blueprints(app)
    # Swagger UI's files come from the swagger-ui-bundle package: the docs page needs no CDN.
    app.register_blueprint(Blueprint("swagger_ui", __name__, static_folder=swagger_ui_path,
                                     static_url_path="/static/swagger-ui"))


def register_privacy_blueprints(app: Flask) -> None:
    """A person's own data (export, erasure) and the erasures that wait (pages and API)."""
    from aidcoord.extensions import api, csrf
    from aidcoord.privacy import api as privacy_api
    from aidcoord.privacy import views as privacy_views

    app.register_blueprint(privacy_views.bp)
    csrf.exempt(privacy_api.blp)  # see accounts.auth: session-authenticated API calls are checked there
    api.register_blueprint(privacy_api.blp)


def register_channel_blueprints(app: Flask) -> None:
    """Where people without an account reach us: the Telegram bot's webhook (its work runs in the worker)."""
    from aidcoord.extensions import api, csrf
    from aidcoord.telegram import api as telegram_api

    csrf.exempt(telegram_api.blp)  # Telegram proves itself with the webhook's secret header, not a session
    api.register_blueprint(telegram_api.blp)


def register_reporting_blueprints(app: Flask) -> None:
    """Reported arrivals and the dashboard (pages and API)."""
    from aidcoord.arrivals import api as arrivals_api
    from aidcoord.arrivals import views as arrivals_views
    from aidcoord.extensions import api, csrf
    from aidcoord.reports import api as reports_api
    from aidcoord.reports import views as reports_views

    for blueprint in (arrivals_views.bp, reports_views.bp):
        app.register_blueprint(blueprint)
    for api_blueprint in (arrivals_api.blp, reports_api.blp):
        csrf.exempt(api_blueprint)  # see accounts.auth: session-authenticated API calls are checked there
        api.register_blueprint(api_blueprint)


def register_consent_blueprints(app: Flask) -> None:
    """Consent records of households and job seekers: their pages and API."""
    from aidcoord.consent import api as consent_api
    from aidcoord.consent import views as consent_views
    from aidcoord.extensions import api, csrf

    app.register_blueprint(consent_views.bp)
    csrf.exempt(consent_api.blp)  # see accounts.auth: session-authenticated API calls are checked there
    api.register_blueprint(consent_api.blp)


def register_coordination_blueprints(app: Flask) -> None:
    """3W (who does what where), the housing batch runs (pages and API) and household imports run by the worker."""
    from aidcoord.extensions import api, csrf
    from aidcoord.housing import batch_api, import_api
    from aidcoord.reports import threew_api, threew_views

    app.register_blueprint(threew_views.bp)
    for api_blueprint in (threew_api.blp, batch_api.blp, import_api.blp):
        csrf.exempt(api_blueprint)  # see accounts.auth: session-authenticated API calls are checked there
        api.register_blueprint(api_blueprint)


def register_notification_blueprints(app: Flask) -> None:
    """The administrators' dead letters (page and API) and the SMS provider's inbound webhook."""
    from aidcoord.extensions import api, csrf
    from aidcoord.notifications import api as notifications_api
    from aidcoord.notifications import views as notifications_views

    app.register_blueprint(notifications_views.bp)
    csrf.exempt(notifications_api.blp)  # see accounts.auth: session-authenticated API calls are checked there
    api.register_blueprint(notifications_api.blp)


def connect_slices() -> None:
    """Give lower slices what upper slices show of themselves there, so that dependencies point one way only:
    pledges sit above needs, organizations and housing above accounts (see [tool.importlinter])."""
    from aidcoord.accounts import lockout
    from aidcoord.accounts.views import account_sections
    from aidcoord.housing.households import for_user as households_of
    from aidcoord.needs import coverage
    from aidcoord.needs.views import need_sections
    from aidcoord.notifications import services as notifications
    from aidcoord.organizations import views as organization_views
    from aidcoord.pledges import coverage as pledge_coverage
    from aidcoord.pledges import views as pledge_views
    from aidcoord.privacy import views as privacy_views
    from aidcoord.privacy.retention import init_retention

    coverage.use_source(pledge_coverage.SOURCE)
    lockout.use_notifier(notifications.notify)
    need_sections.add("pledges", "pledges/_need.html", pledge_views.need_section)
    account_sections.add("organizations", "organizations/_account.html", organization_views.account_section)
    account_sections.add("housing", "housing/_account.html", lambda user: {"housing_requests": households_of(user)})
    account_sections.add("privacy", "privacy/_account.html", privacy_views.account_section)
    init_retention()  # retention dates of new records; sign-ins


def register_error_handlers(app: Flask) -> None:
    from aidcoord.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from aidcoord.cli import register_cli

    register_cli(app)

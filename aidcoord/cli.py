"""Operator commands: `flask users ...`, `flask seed-demo`.

What they print for people goes through the catalogs: in the deployment's default language (BABEL_DEFAULT_LOCALE),
as commands have no reader's request to choose one. Codes (roles, emails, tab-separated lists) stay as they are."""
import sys

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from aidcoord.accounts import services as accounts
from aidcoord.accounts.models import Role
from aidcoord.errors import DomainError

users_cli = AppGroup("users", help="Manage accounts and roles.")
ROLE_CHOICE = click.Choice([role.value for role in Role])


def _user_or_fail(email: str):
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(_("No account with the email %(email)s.", email=email))
    return user


def _run(action):
    """Turn domain errors into a clean CLI error instead of a traceback."""
    try:
        return action()
    except DomainError as error:
        details = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.fields.items())
        raise click.ClickException(f"{error.message} {details}".strip()) from error


def _read_upload(csv_file) -> str:
    """The file's text in the encoding it was saved in (common.csv_import.decode_upload), or a clean error."""
    from aidcoord.common.csv_import import UndecodableFile, decode_upload

    try:
        return decode_upload(csv_file.read())
    except UndecodableFile as error:
        raise click.ClickException(str(error.message)) from error


def _import(preview, write, commit):
    """Print every problem by row and column; write only a valid file, and only with --commit."""
    for message in preview.file_errors:
        click.echo(_("file: %(message)s", message=message))
    for row in preview.rows:
        for column, messages in row.errors.items():
            click.echo(_("row %(number)d, %(column)s: %(messages)s", number=row.number, column=column,
                         messages=" ".join(map(str, messages))))
    if not preview.is_valid:
        raise click.ClickException(ngettext("nothing imported: %(num)d problem", "nothing imported: %(num)d problems",
                                            preview.error_count))
    if not commit:
        click.echo(ngettext("%(num)d row is valid; run again with --commit to import it",
                            "%(num)d rows are valid; run again with --commit to import them", len(preview.rows)))
        return
    click.echo(ngettext("imported %(num)d row", "imported %(num)d rows", len(_run(write))))


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default=None, help="Display name (defaults to the email's local part).")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE, help="Repeat for several roles.")
@click.password_option(help="Prompted for if not given.")
def create_user(email, name, roles, password):
    """Create an account with any roles (the operator's way to make the first admin)."""
    user = _run(lambda: accounts.register_user(email, name or email.split("@")[0], password, roles, self_service=False))
    click.echo(_("created user %(id)d <%(email)s> roles: %(roles)s", id=user.id, email=user.email,
                 roles=", ".join(sorted(r.value for r in user.roles)) or "-"))


@users_cli.command("grant")
@click.option("--email", required=True)
@click.option("--role", required=True, type=ROLE_CHOICE)
def grant(email, role):
    """Give a role to an account."""
    _run(lambda: accounts.grant_role(None, _user_or_fail(email), Role(role)))
    click.echo(_("%(email)s now has the role %(role)s", email=email, role=role))


@users_cli.command("revoke")
@click.option("--email", required=True)
@click.option("--role", required=True, type=ROLE_CHOICE)
def revoke(email, role):
    """Take a role away from an account."""
    _run(lambda: accounts.revoke_role(None, _user_or_fail(email), Role(role)))
    click.echo(_("%(email)s no longer has the role %(role)s", email=email, role=role))


@users_cli.command("deactivate")
@click.option("--email", required=True)
@click.option("--reason", required=True)
def deactivate(email, reason):
    """Deactivate an account: its sessions end and its tokens stop working."""
    _run(lambda: accounts.set_active(None, _user_or_fail(email), False, reason))
    click.echo(_("%(email)s is deactivated", email=email))


@users_cli.command("activate")
@click.option("--email", required=True)
@click.option("--reason", required=True)
def activate(email, reason):
    """Reactivate an account."""
    _run(lambda: accounts.set_active(None, _user_or_fail(email), True, reason))
    click.echo(_("%(email)s is active again", email=email))


@users_cli.command("list")
def list_users():
    """Every account with its roles (no personal data beyond the login email)."""
    from sqlalchemy import select

    from aidcoord.accounts.models import User
    from aidcoord.extensions import db

    for user in db.session.scalars(select(User).order_by(User.id)):
        roles = ",".join(sorted(role.value for role in user.roles)) or "-"
        state = _("active") if user.active else _("inactive")
        click.echo(f"{user.id}\t{user.email}\t{roles}\t{state}")


@click.command("seed-demo")
def seed_demo_command():
    """Load demo organizations and accounts (running it again adds nothing)."""
    from aidcoord.seed import DEMO_PASSWORD, seed_demo

    result = seed_demo()
    # Counted in the database after loading: what is there, and how many of those this run added.
    labels = {"organizations": _("organizations"), "pledges": _("pledges"), "needs": _("needs"),
              "housing_offers": _("housing offers"), "households": _("households"),
              "job_listings": _("job listings"), "job_seekers": _("job seekers"), "shifts": _("volunteer shifts"),
              "arrival_reports": _("reported arrival counts"), "accounts": _("accounts")}
    for name, (total, added) in result["loaded"].items():
        click.echo(_("%(what)s: %(total)d in the database (new: %(added)d)", what=labels[name], total=total,
                     added=added))
    click.echo(_("demo accounts (password: %(password)s):", password=DEMO_PASSWORD))
    for email, created in result["logins"]:
        click.echo(f"  {email}" if created else "  " + _("%(email)s  (already there)", email=email))




needs_cli = AppGroup("needs", help="Needs: import from a spreadsheet.")


@needs_cli.command("import")
@click.option("--organization", "organization_id", required=True, type=int, help="The organization's id.")
@click.option("--as", "as_email", required=True, help="Email of the member (or coordinator) importing.")
@click.option("--commit", is_flag=True, help="Write the needs (without it, only check the file).")
@click.argument("csv_file", type=click.File("rb"))
def import_needs_command(organization_id, as_email, commit, csv_file):
    """Check a CSV of needs and, with --commit, import it in one transaction."""
    from aidcoord.needs import imports
    from aidcoord.organizations import services as organizations

    user = _user_or_fail(as_email)
    organization = _run(lambda: organizations.get_organization(user, organization_id))
    text = _read_upload(csv_file)
    _import(_run(lambda: imports.preview_needs_import(user, organization, text)),
            lambda: imports.import_needs(user, organization, text), commit)



match_cli = AppGroup("match", help="The matching queue.")
outbox_cli = AppGroup("outbox", help="Notifications waiting to be sent.")


@match_cli.command("expire")
def expire_command():
    """Expire unanswered proposals (run it every few minutes from cron)."""
    from aidcoord.matching.services import expire_overdue

    click.echo(ngettext("expired %(num)d proposal", "expired %(num)d proposals", expire_overdue()))


@match_cli.command("propose")
@click.option("--kind", type=click.Choice(["housing"]), default="housing")
@click.option("--as", "as_email", required=True, help="Email of the coordinator asking.")
@click.option("--output", type=click.File("w", encoding="utf-8"), required=True, help="CSV file to write.")
def propose_command(kind, as_email, output):
    """Compute batch proposals for the whole queue and write them for review; nothing is proposed yet."""
    from aidcoord.housing.batch import suggest, suggestions_csv

    suggestions = _run(lambda: suggest(_user_or_fail(as_email)))
    output.write(suggestions_csv(suggestions))
    people = sum(s.household.size for s in suggestions)
    click.echo(ngettext("%(num)d suggested proposal for %(people)d people written to %(file)s",
                        "%(num)d suggested proposals for %(people)d people written to %(file)s", len(suggestions),
                        people=people, file=output.name))


volunteers_cli = AppGroup("volunteers", help="Volunteer shifts.")


@volunteers_cli.command("remind")
def remind_volunteers_command():
    """Queue reminders for shifts starting within a day (run hourly from cron)."""
    from aidcoord.volunteers.services import send_reminders

    click.echo(ngettext("queued %(num)d reminder", "queued %(num)d reminders", send_reminders()))


jobs_cli = AppGroup("jobs", help="Job listings.")


@jobs_cli.command("close-expired")
def close_expired_listings_command():
    """Close listings past their closing date and end their open applications (run daily from cron)."""
    from aidcoord.jobs.listings import close_expired

    click.echo(ngettext("closed %(num)d listing", "closed %(num)d listings", close_expired()))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Work off what is ready now, then exit (cron, tests).")
@click.option("--batch", default=20, show_default=True, help="Rows claimed at a time.")
def worker_command(burst, batch):
    """Run background jobs and send the outbox (e-mail, SMS, Telegram) until stopped; any number may run."""
    import aidcoord.notifications.delivery  # noqa: F401 - the outbox joins the worker's loop
    from aidcoord.worker.services import run_worker

    click.echo(_("handled %(num)d", num=run_worker(burst=burst, batch=batch)))


@outbox_cli.command("send")
def send_outbox_command():
    """Send queued notifications (a worker in burst mode); needs MAIL_SERVER."""
    from aidcoord.notifications.services import send_pending

    try:
        sent, failed = send_pending()
    except (RuntimeError, OSError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("sent %(sent)d, failed %(failed)d", sent=sent, failed=failed))



housing_cli = AppGroup("housing", help="Housing: import offers and household requests from spreadsheets.")


@housing_cli.command("import-offers")
@click.option("--organization", "organization_id", required=True, type=int)
@click.option("--as", "as_email", required=True, help="Email of the member (or coordinator) importing.")
@click.option("--commit", is_flag=True, help="Write the offers (without it, only check the file).")
@click.argument("csv_file", type=click.File("rb"))
def import_offers_command(organization_id, as_email, commit, csv_file):
    """Check a CSV of housing offers and, with --commit, import it in one transaction."""
    from aidcoord.housing import imports
    from aidcoord.organizations import services as organizations

    user = _user_or_fail(as_email)
    organization = _run(lambda: organizations.get_organization(user, organization_id))
    text = _read_upload(csv_file)
    _import(_run(lambda: imports.preview_offers(user, organization, text)),
            lambda: imports.import_offers(user, organization, text), commit)


@housing_cli.command("import-households")
@click.option("--as", "as_email", required=True, help="Email of the coordinator or caseworker importing.")
@click.option("--organization", "organization_id", type=int, help="The caseworkers' organization, if any.")
@click.option("--commit", is_flag=True, help="Register the households (without it, only check the file).")
@click.argument("csv_file", type=click.File("rb"))
def import_households_command(as_email, organization_id, commit, csv_file):
    """Check a registration list and, with --commit, put every household in the queue in one transaction."""
    from aidcoord.housing import imports

    user = _user_or_fail(as_email)
    text = _read_upload(csv_file)
    checked = _run(lambda: imports.preview_households(user, text))  # each row checked once, here

    def write(progress=None):
        return imports.import_checked_households(user, checked, organization_id=organization_id, progress=progress)

    if not (commit and checked.is_valid):
        _import(checked, write, commit)
        return
    # On stderr, so that what the command prints on stdout stays as it was for scripts.
    with click.progressbar(length=len(checked.rows), label=_("Registering households"), show_pos=True,
                           file=sys.stderr) as bar:
        _import(checked, lambda: write(lambda done: bar.update(done - bar.pos)), commit)


def register_cli(app: Flask) -> None:
    from aidcoord.privacy.cli import privacy_cli
    from aidcoord.telegram.cli import telegram_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(needs_cli)
    app.cli.add_command(match_cli)
    app.cli.add_command(housing_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(volunteers_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(telegram_cli)

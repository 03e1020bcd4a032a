"""`flask privacy purge`: anonymise what has passed its retention (run daily, see README)."""
import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from aidcoord.privacy import services

privacy_cli = AppGroup("privacy", help="Retention and erasure of personal data.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Print what would be anonymised, per kind; change nothing.")
def purge(dry_run):
    """Recompute retention dates, carry out erasures nothing blocks any more, anonymise expired records."""
    counts = services.purge(dry_run=dry_run)
    for kind, count in counts.items():
        click.echo(f"{kind}\t{count}")
    click.echo(_("nothing was changed (dry run)") if dry_run else _("done"))

"""`flask telegram set-webhook`: tell Telegram where to post updates."""
import click
from flask.cli import AppGroup

from aidcoord.telegram import services

telegram_cli = AppGroup("telegram", help="The Telegram bot.")


@telegram_cli.command("set-webhook")
@click.option("--url", required=True, help="The public https address of /telegram/webhook.")
def set_webhook(url):
    """Register the webhook with the secret token (TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET must be set)."""
    if not url.startswith("https://"):
        raise click.ClickException("Telegram posts only to https addresses.")
    services.set_webhook(url)
    click.echo(f"webhook set: {url}")

"""`flask --app app requests expire`: end change requests nobody reviewed within 30 days."""

from __future__ import annotations

import click
from flask.cli import AppGroup

requests_cli = AppGroup("requests", help="Change requests.")


@requests_cli.command("expire")
def requests_expire() -> None:
    """Expire pending requests older than 30 days (also done whenever one is read)."""
    from domain.change_requests import expire_overdue

    count = expire_overdue()
    click.echo(f"Expired {count} change request{'s' if count != 1 else ''}.")

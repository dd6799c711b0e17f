"""`flask --app app apikey create|revoke|list`: API keys of disbursement partners."""

from __future__ import annotations

import click
from flask.cli import AppGroup

apikey_cli = AppGroup("apikey", help="API keys of disbursement partners.")


@apikey_cli.command("create")
@click.option("--partner", "partner_code", required=True, help="The partner's code, e.g. vcb.")
@click.option("--name", "partner_name", default=None,
              help="The partner's name (set when the partner is new, or to rename it).")
def create_command(partner_code: str, partner_name: str | None) -> None:
    """Create a key; it is shown once, here, and never again."""
    from domain.actors import Actor
    from domain.partners import PartnerError, create_key

    try:
        created = create_key(partner_code, Actor.system("apikey create"),
                             partner_name=partner_name)
    except PartnerError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Partner: {created.partner.code} ({created.partner.name})")
    click.echo(f"Key prefix: {created.api_key.prefix}")
    click.echo("API key (shown once; store it in the partner's secret store now):")
    click.echo(created.key)


@apikey_cli.command("revoke")
@click.argument("prefix")
def revoke_command(prefix: str) -> None:
    """Revoke the key with this prefix; calls with it are refused from now on."""
    from domain.actors import Actor
    from domain.partners import PartnerError, revoke

    try:
        api_key = revoke(prefix, Actor.system("apikey revoke"))
    except PartnerError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Revoked key {api_key.prefix} of {api_key.partner.code}.")


@apikey_cli.command("list")
def list_command() -> None:
    """Every key: partner, prefix, created, last used, revoked."""
    from domain.partners import list_keys

    keys = list_keys()
    if not keys:
        click.echo("No API keys.")
        return
    click.echo(f"{'partner':<20} {'prefix':<12} {'created':<17} {'last used':<17} revoked")
    for key in keys:
        def when(moment) -> str:
            return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"

        click.echo(f"{key.partner.code:<20} {key.prefix:<12} {when(key.created_at):<17} "
                   f"{when(key.last_used_at):<17} {when(key.revoked_at)}")

"""Command-line tools: `flask --app app demo seed`, `flask --app app audit verify`, …"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Demo data.")
audit_cli = AppGroup("audit", help="The audit log.")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create the demo population, beneficiaries, payments and staff (idempotent)."""
    from domain import demo

    added = demo.seed()
    click.echo("Demo data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))
    click.echo("")
    click.echo("Citizen sign-in (the code arrives on the demo phone at /sim/phone):")
    for person in demo.STORY_PEOPLE:
        note = "deceased" if person.deceased_on else (person.programme or "helper, no benefit")
        click.echo(f"  {person.id_number}  {person.full_name:<16} phone {person.phone}  {note}")
    click.echo("")
    click.echo(f"Staff sign-in: password {demo.DEMO_STAFF_PASSWORD!r}, TOTP secrets in README.md")
    for username, _display, role, *_rest in demo.DEMO_STAFF:
        click.echo(f"  {username:<22} {role}")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the whole audit log; name the first broken event."""
    from domain.audit import verify_chain

    report = verify_chain()
    if report.ok:
        click.echo(f"Audit log intact: {report.checked} events checked.")
        return
    click.echo(
        f"Audit log BROKEN at event {report.first_broken_id}: {report.reason} "
        f"({report.checked} events before it are intact).",
        err=True,
    )
    raise SystemExit(1)


def register_commands(app: Flask) -> None:
    from blueprints.cli.notify import notify_cli
    from blueprints.cli.requests import requests_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(audit_cli)
    from blueprints.cli.staff import audit_search, staff_cli

    audit_cli.add_command(audit_search, "search")
    app.cli.add_command(staff_cli)
    app.cli.add_command(requests_cli)
    app.cli.add_command(notify_cli)
    from blueprints.cli.apikey import apikey_cli
    from blueprints.cli.payments import payments_cli

    app.cli.add_command(payments_cli)
    app.cli.add_command(apikey_cli)

"""`flask --app app staff …`: staff accounts from the command line (the first administrator)."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup

staff_cli = AppGroup("staff", help="Staff accounts.")


def _base_url(option: str | None) -> str:
    base = (
        option
        or os.environ.get("PUBLIC_BASE_URL")
        or current_app.config.get("PUBLIC_BASE_URL")
        or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    )
    return base.rstrip("/")


def _link(base: str, token: str) -> str:
    return f"{base}/staff/setup/start?token={token}"


def _cli_actor():
    from domain.actors import Actor

    return Actor.system(f"cli:{os.environ.get('USER', 'unknown')}"[:120])


@staff_cli.command("create")
@click.option("--username", required=True, help="3 to 60 characters: a-z, 0-9, . - _")
@click.option("--role", required=True, type=click.Choice(["officer", "supervisor", "support",
                                                          "admin"]))
@click.option("--locality", default="", help="Commune code (officer) or province code "
                                             "(supervisor); optional for support and admin.")
@click.option("--name", "display_name", default=None, help="Full name (default: the username).")
@click.option("--id-number", default=None, help="Their own personal ID number (optional).")
@click.option("--base-url", default=None, help="Where the app is served (for the link).")
def create(username: str, role: str, locality: str, display_name: str | None,
           id_number: str | None, base_url: str | None) -> None:
    """Create a staff account and print its one-time set-up link."""
    from domain import staff_auth
    from domain.errors import ValidationError

    try:
        staff, token = staff_auth.create_staff(
            username=username,
            display_name=display_name or username,
            role=role,
            locality=locality,
            id_number=id_number,
            actor=_cli_actor(),
        )
    except ValidationError as error:
        raise click.ClickException(str(error)) from None
    place = staff_auth.locality_name(staff) or "whole country"
    click.echo(f"Created {staff.username} ({staff.role}, {place}).")
    click.echo(f"One-time set-up link, valid {staff_auth.SETUP_LINK_HOURS} hours; give it to "
               "this person only:")
    click.echo(f"  {_link(_base_url(base_url), token)}")


@staff_cli.command("setup-link")
@click.option("--username", required=True)
@click.option("--base-url", default=None, help="Where the app is served (for the link).")
def setup_link(username: str, base_url: str | None) -> None:
    """A new set-up link for a forgotten password (the old password stops working)."""
    from sqlalchemy import select

    from domain import staff_auth
    from domain.models import StaffUser
    from extensions import db

    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == username.lower()))
    if staff is None:
        raise click.ClickException(f"No staff account {username!r}.")
    token = staff_auth.new_setup_link(staff, _cli_actor())
    click.echo(f"New set-up link for {staff.username}, valid {staff_auth.SETUP_LINK_HOURS} "
               "hours:")
    click.echo(f"  {_link(_base_url(base_url), token)}")


@staff_cli.command("list")
def list_staff() -> None:
    """Every staff account with its role, locality and state."""
    from domain import staff_auth

    for staff in staff_auth.all_staff():
        place = staff_auth.locality_name(staff) or "whole country"
        click.echo(f"{staff.username:<24} {staff.role:<11} {staff_auth.staff_state(staff):<9} "
                   f"{place}")


@click.command("search")
@click.option("--id-number", required=True, help="The person's 12-digit personal ID number.")
@click.option("--limit", default=200, show_default=True)
def audit_search(id_number: str, limit: int) -> None:
    """Everything recorded about one person, newest first (`flask audit search`)."""
    from sqlalchemy import select

    from domain import audit
    from domain.errors import ValidationError
    from domain.identifiers import mask_id_number, normalize_id_number
    from domain.models import Beneficiary, ChangeRequest, Person
    from extensions import db

    try:
        id_number = normalize_id_number(id_number)
    except ValidationError as error:
        raise click.ClickException(str(error)) from None
    person = db.session.scalar(select(Person).where(Person.id_number == id_number))
    if person is None:
        raise click.ClickException("Nobody with this ID number in the registry.")
    subjects: dict[str, list] = {"person": [person.id]}
    beneficiary = db.session.scalar(select(Beneficiary).where(Beneficiary.person_id == person.id))
    if beneficiary is not None:
        subjects["beneficiary"] = [beneficiary.id]
        subjects["change_request"] = list(db.session.scalars(
            select(ChangeRequest.id).where(ChangeRequest.beneficiary_id == beneficiary.id)
        ))
    audit.record(_cli_actor(), "audit.searched_cli", subject_type="person", subject_id=person.id,
                 on_behalf_of_person_id=person.id,
                 details={"id_number": mask_id_number(id_number)})
    db.session.commit()
    events = audit.search(person_id=person.id, subjects=subjects, limit=limit)
    click.echo(f"{person.full_name} {mask_id_number(id_number)}: {len(events)} events")
    for event in events:
        who = event.actor_label or f"{event.actor_kind}:{event.actor_id or ''}"
        details = ", ".join(f"{k}={v}" for k, v in (event.details or {}).items())
        click.echo(f"{event.id:>7} {event.created_at:%Y-%m-%d %H:%M:%S} {event.action:<28} "
                   f"{who:<24} {event.client_address or '':<15} {details}")

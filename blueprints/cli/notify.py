"""`flask --app app notify dispatch`: drain the SMS outbox. Several copies may run at once."""

from __future__ import annotations

import os
import socket
import time

import click
from flask.cli import AppGroup

notify_cli = AppGroup("notify", help="The notification outbox.")


@notify_cli.command("dispatch")
@click.option("--once", is_flag=True, help="Send what is pending now, then stop.")
@click.option("--batch-size", default=100, show_default=True)
@click.option("--interval", default=2.0, show_default=True, help="Seconds between empty polls.")
def dispatch_command(once: bool, batch_size: int, interval: float) -> None:
    """Claim pending messages (SKIP LOCKED on PostgreSQL), send them, mark them sent."""
    from domain.notifications import dispatch

    worker = f"{socket.gethostname()}:{os.getpid()}"
    total = 0
    while True:
        sent = dispatch(worker, batch_size=batch_size)
        total += sent
        if sent == 0:
            if once:
                break
            time.sleep(interval)
    click.echo(f"Sent {total} messages.")

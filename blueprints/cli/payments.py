"""`flask --app app payments import FILE` and `payments synth`: partner files of payments."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

payments_cli = AppGroup("payments", help="Payment records: import partner files, make test files.")


@payments_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--chunk-size", default=5000, show_default=True,
              type=click.IntRange(100, 100_000), help="Rows per transaction.")
def import_command(file: Path, chunk_size: int) -> None:
    """Import a partner's payment CSV (UTF-8, header row). Safe to run again: references
    already stored are updated only if they changed. Rejected rows go to FILE's
    .rejected.csv beside it."""
    from domain.actors import Actor
    from domain.payment_import import ImportFileError, import_file

    actor = Actor.system("payments import")
    try:
        if sys.stdout.isatty():
            with click.progressbar(length=file.stat().st_size, label="Importing",
                                   show_eta=True, file=sys.stdout) as bar:
                done = [0]

                def advance(position: int) -> None:
                    bar.update(position - done[0])
                    done[0] = position

                summary = import_file(file, actor, chunk_size=chunk_size, on_progress=advance)
        else:
            summary = import_file(file, actor, chunk_size=chunk_size)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from None
    if summary.ignored_columns:
        click.echo("Ignored columns: " + ", ".join(summary.ignored_columns))
    click.echo(
        f"Read {summary.read:,} rows: {summary.imported:,} imported, {summary.updated:,} "
        f"updated, {summary.unchanged:,} unchanged, {summary.rejected:,} rejected."
    )
    if summary.rejected_path:
        click.echo(f"Rejected rows, with line number and reason: {summary.rejected_path}")
    click.echo(f"Took {summary.seconds:.1f} s ({summary.rows_per_second:,.0f} rows/s).")


@payments_cli.command("synth")
@click.option("--beneficiaries", "count", required=True, type=click.IntRange(1, 10_000_000),
              help="How many synthetic beneficiaries (created in the database if missing).")
@click.option("--months", required=True, type=click.IntRange(1, 240),
              help="How many months of payments each, ending last month.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The CSV to write [default: synthetic-payments-N-M.csv].")
def synth_command(count: int, months: int, out: Path | None) -> None:
    """Make synthetic beneficiaries and a payment file of N × M rows for benchmarks."""
    from domain.actors import Actor
    from domain.payment_synth import ensure_population, write_file

    out = out or Path(f"synthetic-payments-{count}-{months}.csv")
    created = ensure_population(count, Actor.system("payments synth"))
    click.echo(f"Synthetic beneficiaries: {count:,} ({created:,} created now).")
    written = write_file(out, count, months)
    click.echo(f"Wrote {written:,} rows to {out}")

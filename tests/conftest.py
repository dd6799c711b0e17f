"""Fixtures shared by every test: one app, one migrated database, a clean slate per test.

The database is SQLite (a file in a temporary folder) unless TEST_DATABASE_URL names a
PostgreSQL database; the schema is built by the Alembic migrations, never by create_all.
"""

from __future__ import annotations

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from extensions import db, limiter


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def _drop_everything() -> None:
    """Start PostgreSQL runs from an empty schema, whatever an earlier run left.

    The test database also stops waiting for the disk at each commit: its data is thrown
    away, and the suite commits thousands of times.
    """
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            name = connection.execute(text("SELECT current_database()")).scalar_one()
            connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        _drop_everything()
        upgrade(revision="heads")
    yield app
    with app.app_context():
        db.engine.dispose()


def clean_database() -> None:
    # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE syncs every table's files to disk, which
    # made each test take seconds; a few rows are deleted in milliseconds.
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    db.session.rollback()
    with db.engine.begin() as connection:
        for name in tables:
            connection.execute(text(f"DELETE FROM {name}"))  # noqa: S608 — table names only


@pytest.fixture(autouse=True)
def _clean_slate(request):
    """Every test starts with empty tables and fresh rate-limit counters."""
    if "app" not in request.fixturenames and "client" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    yield
    from flask import has_app_context

    if has_app_context():
        db.session.remove()  # the test's own session, which may hold a transaction open
    with app.app_context():
        clean_database()
        db.session.remove()
        limiter.reset()

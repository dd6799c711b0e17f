"""The schema is built only by migrations, and migrations match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from extensions import db


def test_migrations_and_models_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_factory_does_not_create_tables():
    import inspect

    import app as app_module

    source = inspect.getsource(app_module)
    assert "create_all" not in source
    assert "upgrade(" not in source

"""Wiring that create_app runs once: keys, database, logging, Jinja, ports."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from flask import Flask, g, request
from jinja2 import StrictUndefined
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger("ansinh.request")


def configure_keys(app: Flask) -> None:
    """Development keeps generated keys in instance/; other configurations bring their own."""
    if not app.config.get("DEV_KEYS_IN_INSTANCE"):
        return
    path = Path(app.instance_path) / "dev-keys.json"
    if path.exists():
        keys = json.loads(path.read_text())
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = {
            "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "BLIND_INDEX_KEY": os.urandom(32).hex(),
        }
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    for name, value in keys.items():
        if not app.config.get(name):
            app.config[name] = os.environ.get(name, value)


def normalise_database_url(url: str) -> str:
    """`postgres://` and `postgresql://` URLs use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def configure_database(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = "sqlite:///" + str(Path(app.instance_path) / "ansinh.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def configure_logging(app: Flask) -> None:
    """One line per request: method, path, status, time, request id. No query strings."""
    service_log = logging.getLogger("ansinh")
    if not service_log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        service_log.addHandler(handler)
        service_log.setLevel(logging.INFO)

    @app.before_request
    def _start_request() -> None:
        # g belongs to the app context, which a test may keep open across requests:
        # start each request from a clean slate, as production does.
        for key in list(vars(g)):
            delattr(g, key)
        g.request_started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        elapsed_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        log.info(
            "%s %s %s %.1fms rid=%s",
            request.method,
            request.path,
            response.status_code,
            elapsed_ms,
            g.get("request_id", "-"),
        )
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response


def configure_jinja(app: Flask) -> None:
    app.jinja_env.undefined = StrictUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.i18n")  # Flask-Babel installs the callables
    from blueprints import filters

    filters.register(app)
    register_context(app)
    from datetime import timedelta

    app.jinja_env.globals["timedelta"] = timedelta  # also for macros imported without context


def configure_ports(app: Flask) -> None:
    from domain.ports import production_ports, simulated_ports

    ports = simulated_ports() if app.config["SIMULATION"] else production_ports()
    app.extensions["ansinh.ports"] = ports


def _viewer():
    from flask_login import current_user

    from blueprints.access import Anonymous

    if g.get("database_down"):
        return Anonymous()
    try:
        return current_user._get_current_object()
    except Exception:  # the page must still render when the session store is down
        from extensions import db

        db.session.rollback()
        return Anonymous()


def register_context(app: Flask) -> None:
    from datetime import timedelta

    from flask_babel import get_locale

    @app.context_processor
    def _page_globals() -> dict:
        viewer = _viewer()
        name = ""
        if viewer.is_authenticated:
            is_citizen = viewer.kind == "citizen"
            name = viewer.person.full_name if is_citizen else viewer.staff.display_name
        idle = app.config[
            "STAFF_IDLE_TIMEOUT_SECONDS"
            if viewer.kind == "staff"
            else "CITIZEN_IDLE_TIMEOUT_SECONDS"
        ]
        acting_for = None
        if viewer.is_authenticated and viewer.kind == "citizen":
            from blueprints.account.context import acting_delegation

            delegation = acting_delegation()
            if delegation is not None:
                from domain.models import Beneficiary
                from extensions import db

                acting_for = db.session.get(Beneficiary, delegation.beneficiary_id).person
        return {
            "acting_for": acting_for,
            "viewer": viewer,
            "viewer_name": name,
            "current_locale": str(get_locale() or "vi"),
            "idle_minutes": idle // 60,
            "timedelta": timedelta,
        }

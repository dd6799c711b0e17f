"""The application factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import config_for


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_for(config_name))
    app.config.update(overrides)

    from blueprints.setup import (
        configure_database,
        configure_jinja,
        configure_keys,
        configure_logging,
        configure_ports,
    )

    configure_keys(app)
    configure_database(app)
    configure_logging(app)
    configure_jinja(app)
    configure_ports(app)

    from extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrations = str(app.root_path + "/migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from blueprints.locale import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    from blueprints import register_blueprints
    from blueprints.errors import register_error_handlers
    from blueprints.headers import register_security_headers

    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)

    from blueprints.cli import register_commands

    register_commands(app)

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app
